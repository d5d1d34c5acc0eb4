/**
 * The tracking half of the tracker: sessions, `track()`, `explain()`, `endSession()`,
 * `flush()`, `shutdown()`, `stats()`, runs and wrappers, over a recorder (which builds
 * and serialises events) and a fan-out (one core pipeline with a sink per exporter). It
 * decides nothing about batching, retries, sampling, redaction or options: that is the
 * core's job. No public method throws into agent code; failures are counted in
 * `stats().internalErrors` and the first one is logged. `tracker.ts` adds the analysis
 * methods.
 */
import type { ExplainStyle } from "../../wasm/agentlens_wasm.js";
import { coreOptionsJson, mergeConfig, withCoreErrors, type ResolvedConfig, type TrackerOptions } from "./config.js";
import { defaultExporter } from "./default-exporter.js";
import type { Exporter } from "./exporter.js";
import { Fanout } from "./fanout.js";
import { read, readData, text } from "./fields.js";
import { Health } from "./health.js";
import { platform, type Platform } from "./platform.js";
import { Recorder } from "./recorder.js";
import type { RunContext } from "./run-context.js";
import type { ExplainDigest, Session, SessionRecord } from "./session.js";
import { emptyDelivery, type TrackerStats } from "./stats.js";
import { runTraced, type RunOptions } from "./trace.js";
import { trackedEvent, toolEvent, type TrackOptions, type TrackToolOptions } from "./track-event.js";
import { wasm } from "./wasm.js";
import { wrapCall } from "./wrap.js";

/** What `startSession` takes. */
export interface StartSessionOptions {
  /** Default `"default-agent"`. */
  agentName?: string;
  /** Free-form (version, environment, ...); sent as given, redacted by the core. */
  metadata?: unknown;
  /** Use this id instead of a fresh 16-hex one. */
  sessionId?: string;
}

/** The explain engines a wasm core may export (`explainJson` reads every event again; the digest keeps them). */
interface ExplainEngines {
  explainJson?: (options: string, events: string, style: ExplainStyle | null) => string;
  ExplainDigestWasm?: new (backend: boolean) => ExplainDigest;
}

/** Shown by `explain()` when the wasm core has no explain engine. */
export const EXPLAIN_UNAVAILABLE = "Explain is not available: this build of the AgentLens wasm core has no explain engine (explainJson).";

/** Trackers not yet shut down, flushed when the process or page goes away. */
const live = new Set<TrackerCore>();
const exitHooked = new WeakSet<Platform>();

/** The entry point's default exporter to the configured endpoint (HTTP, as the Python SDK's transport). */
function defaultExporters(config: ResolvedConfig, health: Health): Exporter[] {
  const { endpoint, apiKey } = config;
  const host = new URL(endpoint).hostname;
  // The Python transport warns the same way: the key would cross the network in clear.
  if (apiKey !== "default" && endpoint.startsWith("http:") && !["localhost", "127.0.0.1", "[::1]"].includes(host)) {
    health.log("warn", "agentlens: the API key is sent over plain http to a remote host; use https");
  }
  const exporter = defaultExporter(endpoint, apiKey);
  if (!exporter) health.warnOnce("no-default-exporter", "agentlens: this entry point installs no default exporter; pass exporters to init()");
  return exporter ? [exporter] : [];
}

/** Tracks sessions and events and sends them to its exporters; see `Tracker`. */
export class TrackerCore {
  /** The options in force after defaults, profile, environment and explicit values. */
  readonly config: ResolvedConfig;
  /** @internal What the recording calls share (sessions, ids, fan-out). */
  readonly recorder: Recorder<RunContext>;
  private readonly platform: Platform;
  private closing: Promise<TrackerStats> | undefined;

  /** @throws AgentLensConfigError naming a bad option or `AGENTLENS_*` variable. */
  constructor(options: TrackerOptions = {}) {
    const p = (this.platform = platform());
    let env: Record<string, string | undefined> = {};
    try {
      env = p.env();
    } catch {
      // No environment on this platform.
    }
    const config = (this.config = mergeConfig(options, env));
    const health = new Health(config.logLevel, config.logger);
    const exporters = !config.enabled ? [] : (config.exporters ?? defaultExporters(config, health));
    // The core checks the pipeline options here, once, even when nothing is exported.
    const fanout = withCoreErrors(config, () => new Fanout(exporters, config.core, health, p));
    this.recorder = new Recorder<RunContext>(config, health, fanout, p);
    live.add(this);
    if (!exitHooked.has(p)) {
      exitHooked.add(p);
      // Going away: each tracker delivers within its exitTimeoutMs; when the process ends
      // for good (`final`) it shuts down and counts what is left, else it keeps tracking.
      p.onExit((final) => Promise.all([...live].map((t) => (final ? t.shutdown(t.config.exitTimeoutMs) : t.flush(t.config.exitTimeoutMs)))));
    }
    health.log("info", `agentlens: tracking to ${fanout.names().join(", ") || "no exporter"}`);
  }

  /**
   * Starts a session and makes it current; sends `session_start`.
   *
   * @example
   * ```ts
   * import { init } from "@agentlens/sdk";
   * const tracker = init();
   * const s = tracker.startSession({ agentName: "research-agent-v2", metadata: { version: "2.1.0", environment: "production" } });
   * console.log(`Session: ${s.sessionId}`);
   * await tracker.shutdown(1000);
   * ```
   */
  startSession(options: StartSessionOptions = {}): Session {
    const r = this.recorder;
    const c = r.markers;
    try {
      const id = r.givenId(read(options, "sessionId", c)) ?? r.newId();
      const agentName = text(read(options, "agentName", c), c, "default-agent") || "default-agent";
      return r.openSession(agentName, readData(options, "metadata", c), id, "started", true);
    } catch (e) {
      r.health.internal("startSession", e);
      const session: Session = { sessionId: "0".repeat(16), agentName: "default-agent", metadata: undefined, startedAt: new Date().toISOString(), status: "active", endedAt: undefined, totalTokensIn: 0, totalTokensOut: 0, eventCount: 0 };
      return session;
    }
  }

  /**
   * Records one event in the current session (or `sessionId`'s); returns its id.
   * `reasoning` adds a `decision_trace` (step = events so far + 1) and `toolName` a
   * `tool_call` whose duration is `durationMs`, as the AgentLens Python SDK. Inside
   * `trace.run` the event also carries the run's id.
   *
   * @example
   * ```ts
   * import { init } from "@agentlens/sdk";
   * const tracker = init();
   * tracker.startSession({ agentName: "summarizer" });
   * tracker.track({
   *   eventType: "llm_call",
   *   inputData: { prompt: "Summarize this article" },
   *   outputData: { response: "The article discusses..." },
   *   model: "gpt-4-turbo", tokensIn: 1200, tokensOut: 350, durationMs: 2340.5,
   *   reasoning: "User asked for a summary. Using GPT-4 Turbo for long context.",
   * });
   * await tracker.shutdown(1000);
   * ```
   */
  track(options: TrackOptions = {}): string {
    return this.recorder.guard("track", () => trackedEvent(this.recorder, options), "");
  }

  /**
   * Records a tool call (`track` with `eventType: "tool_call"`).
   *
   * @example
   * ```ts
   * import { init } from "@agentlens/sdk";
   * const tracker = init();
   * tracker.startSession({ agentName: "analyst" });
   * tracker.trackTool({ toolName: "database_query", toolInput: { sql: "SELECT 1" }, toolOutput: { rows: 42 }, durationMs: 15.3 });
   * await tracker.shutdown(1000);
   * ```
   */
  trackTool(options: TrackToolOptions): string {
    return this.recorder.guard("trackTool", () => toolEvent(this.recorder, options), "");
  }

  /**
   * The Markdown timeline of a session (the current one by default), computed by the
   * core from the events this tracker kept, redacted with this tracker's rules. Never
   * throws: `"No active session."` (naming the most recent session kept, when there is
   * one: an integration's session ends with its call), `"Session {id} not found."`, or a
   * message saying why there is no explanation.
   *
   * @param style `"sdk"` (default): the AgentLens SDK's `explain()`; `"backend"`: the
   *   backend's `/sessions/:id/explain`.
   * @example
   * ```ts
   * import { init } from "@agentlens/sdk";
   * const tracker = init();
   * tracker.startSession({ agentName: "research-agent-v2" });
   * tracker.track({ eventType: "llm_call", model: "gpt-4o", reasoning: "Needs a web search first" });
   * console.log(tracker.explain());
   * // ## Session Explanation: research-agent-v2
   * // **Session ID:** 9f86d081884c7d65
   * // ...
   * await tracker.shutdown(1000);
   * ```
   */
  explain(sessionId?: string, style?: ExplainStyle): string {
    const r = this.recorder;
    r.drain();
    try {
      let s: SessionRecord | undefined;
      if (sessionId === undefined || sessionId === null) {
        s = r.sessions.current();
        if (!s) return r.sessions.noActive((id) => `explain(${id}) explains it`);
      } else {
        const id = text(sessionId, r.markers, "") ?? "";
        s = r.sessions.get(id);
        if (!s) return `Session ${id} not found.`;
      }
      const { ExplainDigestWasm: Digest, explainJson: engine } = wasm() as ExplainEngines;
      const kept = typeof Digest === "function";
      if (!kept && typeof engine !== "function") return EXPLAIN_UNAVAILABLE;
      if (style !== undefined && style !== "sdk" && style !== "backend") {
        r.health.warnOnce("explain-style", 'agentlens: explain() style must be "sdk" or "backend"; using "sdk"');
        style = undefined;
      }
      // The digest kept per session (each event redacted and rendered once); a wasm core
      // without it reads every kept event again.
      if (kept) {
        // The pipeline's own redactor: a redacted id reads as the exporters received it.
        return s.explain(style ?? "sdk", r.fanout.redactor(), (st) => new Digest!(st === "backend"));
      }
      return engine!(this.coreOptions, s.eventsJson(), style ?? null);
    } catch (e) {
      r.health.internal("explain", e);
      return "Could not explain this session: AgentLens met an internal error (counted in stats().internalErrors).";
    }
  }

  /** @internal The pipeline options as the core reads them. */
  protected get coreOptions(): string {
    return coreOptionsJson(this.config.core);
  }

  /**
   * Ends a session (the current one by default): sends `session_end` with status
   * `completed` and the session's token totals, then flushes. Resolves once flushed;
   * never rejects. Ending a session twice sends nothing the second time.
   *
   * @example
   * ```ts
   * import { init } from "@agentlens/sdk";
   * const tracker = init();
   * const s1 = tracker.startSession({ agentName: "planner" });
   * tracker.startSession({ agentName: "executor" }); // now the current session
   * await tracker.endSession();               // the current session (executor)
   * await tracker.endSession(s1.sessionId);   // a specific one
   * await tracker.shutdown(1000);
   * ```
   */
  endSession(sessionId?: string): Promise<void> {
    const r = this.recorder;
    try {
      const id = sessionId === undefined || sessionId === null ? undefined : text(sessionId, r.markers, "");
      const s = id === undefined ? r.sessions.current() : r.sessions.get(id);
      if (!s) r.health.warnOnce("end-unknown", "agentlens: endSession() found no such active session; nothing was ended");
      else if (s.status === "active") r.closeSession(s);
    } catch (e) {
      r.health.internal("endSession", e);
    }
    return this.flush().then(() => undefined);
  }

  /**
   * Sends everything buffered by every exporter and waits until each of those events was
   * delivered or given up (counted in `stats().dropped`), retries and `Retry-After`
   * included: against a receiver that answers 503 for a while, it takes as long as the
   * retries take. Resolves `true` then, or `false` if `timeoutMs` passed first (the
   * events stay buffered and keep being retried). Never rejects.
   */
  flush(timeoutMs?: number): Promise<boolean> {
    this.recorder.drain();
    const t = typeof timeoutMs === "number" && timeoutMs >= 0 ? timeoutMs : undefined;
    return this.recorder.fanout.flush(t);
  }

  /**
   * Drains every exporter, retries and `Retry-After` included, until nothing is pending
   * or `timeoutMs` has passed (what is left then is counted `shutdown_timeout` and
   * reported), releases the exporters, and returns the final stats. Events tracked
   * afterwards are counted as dropped, not sent. Idempotent; never rejects.
   */
  shutdown(timeoutMs = 5000): Promise<TrackerStats> {
    if (this.closing) return this.closing;
    const t = typeof timeoutMs === "number" && Number.isFinite(timeoutMs) && timeoutMs >= 0 ? timeoutMs : 5000;
    live.delete(this);
    this.recorder.drain();
    // A send that never settles must not hold shutdown past its deadline.
    const timer = this.platform.timer();
    const deadline = new Promise<void>((resolve) => timer(this.platform.now() + t + 1000, resolve));
    this.closing = Promise.race([this.recorder.fanout.shutdown(t), deadline]).then(() => {
      timer(null, () => {});
      return this.stats();
    });
    return this.closing;
  }

  /**
   * Accounting summed over exporters (each exporter counts each event), each exporter's
   * own, and the markers `safeStringify` wrote. After a flush with no outage,
   * `tracked === delivered + Σ dropped + sampledOut + pending` and `pending === 0`.
   */
  stats(): TrackerStats {
    const r = this.recorder;
    r.drain();
    const base = { markers: { ...r.markers }, internalErrors: r.health.internalErrors, explainForgotten: 0, integrationSkipped: r.integrationSkipped };
    try {
      const { total, perExporter } = r.fanout.stats();
      return { ...total, ...base, perExporter, explainForgotten: r.sessions.forgotten() };
    } catch (e) {
      r.health.internal("stats", e);
      return { ...emptyDelivery(), ...base, perExporter: [] };
    }
  }

  /** Runs `fn` as a traced run of this tracker; see `trace.run`. */
  run<R>(name: string, fn: (ctx: RunContext) => R, options?: RunOptions): R {
    return runTraced(this.recorder, name, fn, options);
  }

  /** The innermost active run around the caller, if any. */
  getActiveContext(): RunContext | undefined {
    return this.recorder.guard("getActiveContext", () => this.recorder.activeContext(), undefined);
  }

  /** `wrapTool` bound to this tracker. */
  wrapTool<F extends (...args: never[]) => unknown>(fn: F, name?: string): F {
    return wrapCall(() => this.recorder, "tool", fn, name);
  }

  /** `wrapAgent` bound to this tracker. */
  wrapAgent<F extends (...args: never[]) => unknown>(fn: F, name?: string): F {
    return wrapCall(() => this.recorder, "agent", fn, name);
  }
}
