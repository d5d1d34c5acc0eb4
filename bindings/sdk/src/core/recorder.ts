/**
 * The recorder: what every recording call shares, behind the public `Tracker`. It turns
 * wire fields into complete events (ids from the core's id blocks, RFC 3339 time,
 * session and run), serialises each event once (`eventJson`, which never throws),
 * hands the text to the fan-out (one crossing into the core for every exporter), and
 * keeps the same text in the session for `explain()`. It owns the session table and the
 * run-context store, and `guard`, which turns a failure inside AgentLens into a counted
 * warning instead of an exception in agent code. It decides no policy.
 *
 * It knows runs only as `RunRef`s: `RunContext` records through it, not the reverse.
 */
import type { ResolvedConfig } from "./config.js";
import type { Fanout } from "./fanout.js";
import { idOf } from "./fields.js";
import type { Health } from "./health.js";
import type { ContextStore, Platform } from "./platform.js";
import type { RunRef } from "./run-ref.js";
import { eventJson, newMarkerCounts, type MarkerCounts } from "./safe-json.js";
import { SessionRecord, SessionTable, type SessionOrigin } from "./session.js";

/** UTF-16 units of event JSON a session keeps for `explain()`, besides the event count bound. */
const EXPLAIN_MAX_CHARS = 8_000_000;
/** Events staged before a synchronous drain (bounds memory within one long turn). */
const STAGE_MAX = 512;

export class Recorder<Run extends RunRef = RunRef> {
  readonly markers: MarkerCounts = newMarkerCounts();
  readonly sessions = new SessionTable();
  readonly contexts: ContextStore<Run>;
  /** Staged events and their sessions, interleaved (one array, no per-event tuple). */
  private staged: unknown[] = [];
  /** Framework records an integration could not map (see `TrackerStats.integrationSkipped`). */
  integrationSkipped = 0;
  /** `track()` calls whose option names were checked (`checkTrackOptions`). */
  trackOptionChecks = 0;
  private drainQueued = false;
  private isoSecond = NaN;
  private isoPrefix = "";

  constructor(
    readonly config: ResolvedConfig,
    readonly health: Health,
    readonly fanout: Fanout,
    private readonly platform: Platform,
  ) {
    this.contexts = platform.contextStore<Run>();
  }

  /** Runs `body`; a throw is counted and `fallback` returned instead. */
  guard<T>(where: string, body: () => T, fallback: T): T {
    try {
      return body();
    } catch (e) {
      this.health.internal(where, e);
      return fallback;
    }
  }

  /** RFC 3339 now (millisecond precision, `Z`), from the platform's wall clock. */
  isoNow(): string {
    let t = this.platform.wallClock();
    if (!Number.isFinite(t)) t = Date.now();
    // `toISOString` costs about a microsecond; the text only changes its last digits
    // within a second, so the second's prefix is cached (years 1970–9999 only).
    if (t < 0 || t >= 253_402_300_800_000) return new Date(t).toISOString();
    const ms = Math.floor(t);
    const second = Math.floor(ms / 1000);
    if (second !== this.isoSecond) {
      this.isoSecond = second;
      this.isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    }
    const frac = ms - second * 1000;
    return `${this.isoPrefix}${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}Z`;
  }

  /** Monotonic milliseconds. */
  now(): number {
    return this.platform.now();
  }

  /** A fresh 16-hex id from the core (a block per crossing). */
  newId(): string {
    return this.fanout.ids.newId();
  }

  /** A fresh 32-hex trace id from the core. */
  newTraceId(): string {
    return this.fanout.ids.newTraceId();
  }

  /** The innermost active run around the caller, if any. */
  activeContext(): Run | undefined {
    const ctx = this.contexts.get();
    return ctx?.isActive ? ctx : undefined;
  }

  /**
   * Stages `event`; the staged events are serialised and pushed to every exporter at the
   * end of the current synchronous turn (a microtask), or at once when `STAGE_MAX` are
   * waiting. The recording call itself therefore costs an object and an array push: the
   * serialisation, the crossing into wasm, redaction and encoding happen once per batch.
   * Values are captured when the turn ends, so an object mutated later in the same
   * synchronous code is recorded as it is then.
   */
  private push(event: Record<string, unknown> | string, session: SessionRecord): void {
    this.staged.push(event, session);
    if (this.staged.length >= 2 * STAGE_MAX) this.drain();
    else if (!this.drainQueued) {
      this.drainQueued = true;
      queueMicrotask(this.drainTask);
    }
  }

  private readonly drainTask = (): void => {
    this.drainQueued = false;
    this.drain();
  };

  private taps: ((batch: string) => void)[] = [];

  /**
   * Calls `listener` with each batch of events (a JSON array, as the exporters get it,
   * before the core redacts it) after it was pushed; returns the way to stop.
   */
  tap(listener: (batch: string) => void): () => void {
    this.taps = [...this.taps, listener];
    return () => {
      this.taps = this.taps.filter((t) => t !== listener);
    };
  }

  /** Serialises every staged event and pushes them in one crossing per exporter. Never throws. */
  drain(): void {
    if (this.staged.length === 0) return;
    const staged = this.staged;
    this.staged = [];
    this.guard(
      "drain",
      () => {
        const parts: string[] = [];
        for (let i = 0; i < staged.length; i += 2) {
          const event = staged[i] as Record<string, unknown> | string;
          const session = staged[i + 1] as SessionRecord;
          // A string is an event serialised already (`pushMappedJson`: never a session_start).
          const json = typeof event === "string" ? event : eventJson(event, this.markers);
          if (!json.startsWith("{")) continue;
          parts.push(json);
          session.keep(json, typeof event !== "string" && event.event_type === "session_start");
        }
        if (parts.length === 0) return;
        this.fanout.push(parts);
        if (this.taps.length === 0) return;
        const batch = `[${parts.join(",")}]`;
        for (const tap of this.taps) this.guard("tap", () => tap(batch), undefined);
      },
      undefined,
    );
  }

  /**
   * Records one regular event in `session`: ids, time and run first (the wire's order),
   * then `fields` (the core adds their `tokens_in`/`tokens_out` to the session's totals).
   * Returns the event id.
   */
  record(session: SessionRecord, eventType: string, fields: Record<string, unknown>, run?: RunRef, at = this.isoNow()): string {
    const id = this.newId();
    const event: Record<string, unknown> = { event_id: id, session_id: session.sessionId, event_type: eventType, timestamp: at };
    if (run) {
      event.run_id = run.runId;
      event.trace_id = run.traceId;
    }
    // Object.assign, not spread: V8 spreads these varied shapes ~40× slower (measured).
    Object.assign(event, fields);
    session.eventCount++;
    this.push(event, session);
    return id;
  }

  /**
   * Records an event the core mapped from a framework's record (an integration's): it
   * carries its session, ids and time. A `session_start` opens its session (once: a
   * second start of an active session is not sent again); a `session_end` closes it the
   * way `endSession()` does, the core filling in the token totals; any other event joins
   * its session, adopted as external when this tracker does not know it.
   */
  pushMapped(event: Record<string, unknown>): void {
    const id = typeof event.session_id === "string" ? event.session_id : "";
    if (!id) return;
    const known = this.sessions.get(id);
    switch (event.event_type) {
      case "session_start": {
        if (known?.status === "active") return;
        const at = typeof event.timestamp === "string" ? event.timestamp : this.isoNow();
        const agent = typeof event.agent_name === "string" && event.agent_name ? event.agent_name : "default-agent";
        const s = new SessionRecord(id, agent, event.metadata, at, "started", { maxEvents: this.config.explainMaxEvents, maxChars: EXPLAIN_MAX_CHARS }, this.sessionTokens);
        this.sessions.add(s, false);
        this.push(event, s);
        return;
      }
      case "session_end":
        // The status is the core's word, passed on as it came.
        if (known?.status === "active") this.closeSession(known, event.status as "completed" | "error" | undefined);
        return;
      default: {
        const s = known ?? this.openSession("default-agent", undefined, id, "external", false);
        s.eventCount++;
        this.push(event, s);
      }
    }
  }

  /**
   * `pushMapped` for an event the core mapped and serialised already (`json`, with its
   * `event_type` and `session_id` read out beside it): the text is kept and pushed as it
   * is, in order with the events staged around it. The rare events that open or close a
   * session (or name none beside the JSON) are parsed and go through `pushMapped`.
   */
  pushMappedJson(eventType: string, sessionId: string, json: string): void {
    if (!sessionId || eventType === "session_start" || eventType === "session_end") {
      const event: unknown = JSON.parse(json);
      if (event !== null && typeof event === "object") this.pushMapped(event as Record<string, unknown>);
      return;
    }
    const s = this.sessions.get(sessionId) ?? this.openSession("default-agent", undefined, sessionId, "external", false);
    s.eventCount++;
    this.push(json, s);
  }

  /** Opens a session and sends its `session_start` (unless it is external). */
  openSession(agentName: string, metadata: unknown, id: string, origin: SessionOrigin, current: boolean): SessionRecord {
    const at = this.isoNow();
    const s = new SessionRecord(id, agentName, metadata, at, origin, { maxEvents: this.config.explainMaxEvents, maxChars: EXPLAIN_MAX_CHARS }, this.sessionTokens);
    this.sessions.add(s, current);
    if (origin !== "external") {
      this.push({ event_type: "session_start", session_id: id, agent_name: agentName, metadata: metadata ?? {}, timestamp: at }, s);
    }
    return s;
  }

  /** A session's token totals as the core has them, every staged event pushed first. */
  private readonly sessionTokens = (id: string): readonly [number, number] => {
    this.drain();
    return this.guard("session tokens", () => this.fanout.sessionTokens(id), [0, 0] as const);
  };

  /** Ends a session: `session_end`, into which the core fills the session's token totals. */
  closeSession(s: SessionRecord, status: "completed" | "error" = "completed"): void {
    const at = this.isoNow();
    s.end(at);
    this.sessions.ended(s);
    this.push({ event_type: "session_end", session_id: s.sessionId, ended_at: at, status }, s);
  }

  /** A session id given by agent code, or `undefined` (with a warning, once, if it was unusable). */
  givenId(given: unknown): string | undefined {
    if (given === undefined || given === null) return undefined;
    const id = idOf(given, this.markers);
    if (id === undefined) this.health.warnOnce("bad-session-id", "agentlens: a sessionId that is not a string of 1–128 characters was ignored");
    return id;
  }

  /**
   * The session for an event: the one named by `given` (adopted if unknown), else the
   * run's, else the current one, else a new implicit session that becomes current.
   */
  sessionFor(given: unknown, run: RunRef | undefined): SessionRecord {
    const id = this.givenId(given);
    if (id) return this.sessions.get(id) ?? this.openSession("default-agent", undefined, id, "external", false);
    if (run) return run.session;
    const current = this.sessions.current();
    if (current) return current;
    this.health.warnOnce("implicit-session", 'agentlens: an event arrived with no session; started one (agentName "default-agent")');
    return this.openSession("default-agent", undefined, this.newId(), "implicit", true);
  }
}
