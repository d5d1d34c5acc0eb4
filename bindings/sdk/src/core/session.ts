/**
 * Sessions: the tracker's record of each one (AgentLens `Session`): its id, agent and
 * status, and the last events pushed in it, kept for `explain()`. Its token totals are
 * the core's (the pipeline keeps each session's sums and fills them into its
 * `session_end`); nothing here adds up tokens. The events
 * are kept as the JSON text already produced for the core, so keeping them costs no
 * second serialisation; they are bounded by count and size, and what is forgotten is
 * counted. Nothing here sends anything.
 *
 * `explain()` keeps, per session and style asked for, the core's explain digest: the
 * kept events read, redacted and rendered once each. A call hands the digest only the
 * events kept since the last call and tells it how many of the oldest were forgotten, so
 * explaining a long session again costs about as much as copying its text out, and
 * `track()` pays nothing for it.
 */
import type { ExplainStyle } from "../../wasm/agentlens_wasm.js";

/**
 * A session as agent code sees it: read-only, updated as events are tracked.
 *
 * @example
 * ```ts
 * import { init } from "@agentlens/sdk";
 * const tracker = init({ exporters: [] });
 * const s = tracker.startSession({ agentName: "research-agent-v2", metadata: { version: "2.1.0" } });
 * s.sessionId; // 16 hex characters, e.g. "9f86d081884c7d65"
 * s.status;    // "active"
 * await tracker.shutdown(1000);
 * ```
 */
export interface Session {
  /** 16 hex characters (or the id given to `startSession`). */
  readonly sessionId: string;
  readonly agentName: string;
  /** The metadata passed to `startSession`, as given. */
  readonly metadata: unknown;
  /** RFC 3339. */
  readonly startedAt: string;
  readonly status: "active" | "completed";
  /** RFC 3339, once ended. */
  readonly endedAt: string | undefined;
  readonly totalTokensIn: number;
  readonly totalTokensOut: number;
  /** Events tracked in the session, session start and end not included. */
  readonly eventCount: number;
}

/** How a session came to be. */
export type SessionOrigin =
  /** `startSession()`. */
  | "started"
  /** Opened by AgentLens for events that had no session; a root run's ends with the run. */
  | "implicit"
  /** An id given to `trace.run`/`track` that this tracker did not start: no session_start is sent. */
  | "external";

/** Bounds on what a session keeps for `explain()`. */
export interface SessionLimits {
  maxEvents: number;
  /** UTF-16 units of JSON text. */
  maxChars: number;
}

/** Where a session's token totals come from: the core's sums (`[in, out]`) for a session id. */
export type TokenSource = (sessionId: string) => readonly [number, number];

const NO_TOKENS: readonly [number, number] = [0, 0];

/** The core's explain digest of one session in one style (`ExplainDigestWasm`). */
export interface ExplainDigest {
  /**
   * Sets the session start (one event's JSON text; none when empty), forgets the
   * `forget` oldest events it holds, adds each element of `eventsJson` (a JSON array),
   * redacted with `redactor`'s rules, and returns the explanation of what it then holds.
   */
  update(redactor: ExplainRedactor, startJson: string, forget: number, eventsJson: string): string;
  free(): void;
}

/** The tracker's compiled redaction rules (`RedactorWasm`), opaque here. */
export type ExplainRedactor = object;

/** Makes an empty digest for this style. */
export type ExplainDigestFactory = (style: ExplainStyle) => ExplainDigest;

/** A digest and the events it holds (positions counted from the first event ever kept). */
interface DigestState {
  readonly digest: ExplainDigest;
  /** It holds the events at positions `from` to `to` (exclusive). */
  from: number;
  to: number;
}

/** The tracker's record of one session. Implements the public `Session` view. */
export class SessionRecord implements Session {
  status: "active" | "completed" = "active";
  endedAt: string | undefined;
  eventCount = 0;
  /** Events no longer kept for `explain()`. */
  forgotten = 0;

  private startJson: string | undefined;
  private kept: string[] = [];
  private head = 0;
  private chars = 0;
  /** Events dropped by compaction: `kept[0]`'s position among every event ever kept. */
  private base = 0;
  private digests: Partial<Record<ExplainStyle, DigestState>> | undefined;

  constructor(
    readonly sessionId: string,
    readonly agentName: string,
    readonly metadata: unknown,
    readonly startedAt: string,
    readonly origin: SessionOrigin,
    private readonly limits: SessionLimits,
    private readonly tokens: TokenSource = () => NO_TOKENS,
  ) {}

  /** Input tokens of the session's events so far, as the core counts them (its `session_end` carries the same). */
  get totalTokensIn(): number {
    return this.tokens(this.sessionId)[0];
  }

  /** Output tokens, likewise. */
  get totalTokensOut(): number {
    return this.tokens(this.sessionId)[1];
  }

  /** Keeps one event as the JSON object text pushed to the core (`{...}`); the session start is always kept. */
  keep(json: string, isStart: boolean): void {
    if (isStart) {
      this.startJson = json;
      return;
    }
    if (this.limits.maxEvents === 0) {
      this.forgotten++;
      return;
    }
    this.kept.push(json);
    this.chars += json.length;
    while (this.kept.length - this.head > this.limits.maxEvents || (this.chars > this.limits.maxChars && this.kept.length - this.head > 1)) {
      this.chars -= this.kept[this.head]!.length;
      this.kept[this.head++] = "";
      this.forgotten++;
    }
    // Compact once the forgotten prefix is as long as what is kept.
    if (this.head > 1024 && this.head * 2 > this.kept.length) {
      this.kept = this.kept.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  /**
   * The core's explanation of the kept events (session start first), through a digest
   * kept for this style: it is given the events kept since the last call and told how
   * many it holds were forgotten. Equal to the core's `explainJson` of `eventsJson()`
   * with the options `redactor` was compiled from.
   */
  explain(style: ExplainStyle, redactor: ExplainRedactor, create: ExplainDigestFactory): string {
    const digests = (this.digests ??= {});
    const head = this.base + this.head;
    const end = this.base + this.kept.length;
    const d = (digests[style] ??= { digest: create(style), from: head, to: head });
    const from = Math.max(head, d.to);
    const added = from < end ? `[${this.kept.slice(from - this.base, end - this.base).join(",")}]` : "[]";
    try {
      const text = d.digest.update(redactor, this.startJson ?? "", Math.min(head, d.to) - d.from, added);
      d.from = head;
      d.to = end;
      return text;
    } catch (e) {
      // What it holds is no longer known: the next call starts again from the kept events.
      this.drop(style);
      throw e;
    }
  }

  /** Frees the explain digests (the record is no longer reachable for `explain()`). */
  dispose(): void {
    this.drop("sdk");
    this.drop("backend");
  }

  private drop(style: ExplainStyle): void {
    const d = this.digests?.[style];
    if (!d) return;
    delete this.digests![style];
    d.digest.free();
  }

  /** The kept events as a JSON array (session start first), for the core's explain. */
  eventsJson(): string {
    const parts = this.startJson ? [this.startJson] : [];
    for (let i = this.head; i < this.kept.length; i++) parts.push(this.kept[i]!);
    return `[${parts.join(",")}]`;
  }

  end(at: string): void {
    this.status = "completed";
    this.endedAt = at;
  }
}

/**
 * All sessions a tracker knows: active ones and the most recent ended ones (for
 * `explain(id)` after `endSession`). The current session is the most recently started
 * one still active. Bounded: beyond `maxSessions` the oldest record is forgotten even if
 * still active (a later event for it re-adopts the id; its token totals are the core's,
 * which keeps its own bound).
 */
export class SessionTable {
  private readonly byId = new Map<string, SessionRecord>();
  private readonly started: SessionRecord[] = [];
  /** The ended sessions among `byId`: counted as they end, not by a scan per end. */
  private readonly endedKept = new Set<SessionRecord>();
  private evictedForgotten = 0;

  constructor(
    private readonly maxEnded = 100,
    private readonly maxSessions = 10_000,
  ) {}

  get(id: string): SessionRecord | undefined {
    return this.byId.get(id);
  }

  add(s: SessionRecord, current: boolean): void {
    const replaced = this.byId.get(s.sessionId);
    if (replaced) {
      this.endedKept.delete(replaced);
      if (replaced !== s) replaced.dispose();
    }
    this.byId.delete(s.sessionId);
    this.byId.set(s.sessionId, s);
    if (current) this.started.push(s);
    if (this.byId.size > this.maxSessions) {
      const [id, oldest] = this.byId.entries().next().value as [string, SessionRecord];
      this.evict(id, oldest);
    }
  }

  private evict(id: string, s: SessionRecord): void {
    s.dispose();
    this.byId.delete(id);
    this.endedKept.delete(s);
    this.evictedForgotten += s.eventCount;
    const i = this.started.indexOf(s);
    if (i >= 0) this.started.splice(i, 1);
  }

  /** Every session kept, oldest first. */
  all(): SessionRecord[] {
    return [...this.byId.values()];
  }

  /**
   * Why there is no session to use when none is active: `"No active session."`, and when
   * one is kept (ended, or an integration's own), the most recent one's id and how to ask
   * for it, since an integration's session ends with its call, before the agent asks.
   */
  noActive(howToAsk: (id: string) => string): string {
    let last: SessionRecord | undefined;
    for (const s of this.byId.values()) last = s;
    if (!last) return "No active session.";
    return `No active session. The most recent session kept is ${last.sessionId}: ${howToAsk(JSON.stringify(last.sessionId))}.`;
  }

  /** The most recently started session that is still active. */
  current(): SessionRecord | undefined {
    for (let i = this.started.length - 1; i >= 0; i--) {
      const s = this.started[i]!;
      if (s.status === "active" && this.byId.get(s.sessionId) === s) return s;
      this.started.splice(i, 1);
    }
    return undefined;
  }

  /** Marks `s` ended and forgets the oldest ended sessions beyond `maxEnded`. */
  ended(s: SessionRecord): void {
    const i = this.started.indexOf(s);
    if (i >= 0) this.started.splice(i, 1);
    if (this.byId.get(s.sessionId) === s) this.endedKept.add(s);
    if (this.endedKept.size <= this.maxEnded) return;
    // The oldest ended sessions go first (oldest started: the table's order).
    for (const [id, r] of this.byId) {
      if (this.endedKept.size <= this.maxEnded) break;
      if (this.endedKept.has(r)) this.evict(id, r);
    }
  }

  /** Events no longer kept for `explain()`, evicted sessions included. */
  forgotten(): number {
    let n = this.evictedForgotten;
    for (const s of this.byId.values()) n += s.forgotten;
    return n;
  }
}
