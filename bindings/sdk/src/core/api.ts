/**
 * The module-level API, as the AgentLens Python SDK's: `init()` creates the default
 * tracker and the other functions delegate to it. Before `init()` they throw
 * `AgentLensNotInitializedError`; that and `init()`'s configuration errors are the only
 * throws. The `trace` object is Agent Inspector's module-level proxy: `trace.run` plus
 * conveniences that record into the active run and do nothing outside one.
 */
import type { ExplainStyle } from "../../wasm/agentlens_wasm.js";
import type { TrackerOptions } from "./config.js";
import { AgentLensNotInitializedError } from "./errors.js";
import { platform } from "./platform.js";
import type { Session } from "./session.js";
import type { TrackerStats } from "./stats.js";
import type { ErrorOptions, LlmOptions, MemoryOptions, RunContext, ToolOptions } from "./run-context.js";
import type { RunOptions } from "./trace.js";
import type { TrackOptions, TrackToolOptions } from "./track-event.js";
import type { Recorder } from "./recorder.js";
import { Tracker, type StartSessionOptions } from "./tracker.js";
import { wrapCall } from "./wrap.js";

let current: Tracker | undefined;
const warned = new Set<string>();

function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  try {
    platform().warn(message);
  } catch {
    // Nowhere to say it.
  }
}

function tracker(fn: string): Tracker {
  if (!current) throw new AgentLensNotInitializedError(fn);
  return current;
}

/**
 * Creates the default tracker (shutting down the previous one) and returns it.
 *
 * @throws AgentLensConfigError naming a bad option or `AGENTLENS_*` variable.
 * @example
 * ```ts
 * import * as agentlens from "@agentlens/sdk";
 * // Sends to AGENTLENS_ENDPOINT, else http://localhost:3000; pass `endpoint` to choose.
 * const tracker = agentlens.init({ apiKey: "prod-key-abc123" });
 * agentlens.startSession({ agentName: "my-agent" });
 * agentlens.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 12, tokensOut: 3 });
 * await tracker.shutdown(1000); // sends what is buffered
 * ```
 */
export function init(options: TrackerOptions = {}): Tracker {
  const next = new Tracker(options);
  const previous = current;
  current = next;
  if (previous) void previous.shutdown();
  return next;
}

/** The default tracker, if `init()` was called. */
export function getTracker(): Tracker | undefined {
  return current;
}

/** Starts a session in the default tracker; see `Tracker.startSession`. */
export function startSession(options?: StartSessionOptions): Session {
  return tracker("startSession").startSession(options);
}

/** Records an event in the default tracker; see `Tracker.track`. */
export function track(options?: TrackOptions): string {
  return tracker("track").track(options);
}

/** Records a tool call in the default tracker; see `Tracker.trackTool`. */
export function trackTool(options: TrackToolOptions): string {
  return tracker("trackTool").trackTool(options);
}

/** Explains a session of the default tracker; see `Tracker.explain`. */
export function explain(sessionId?: string, style?: ExplainStyle): string {
  return tracker("explain").explain(sessionId, style);
}

/** Ends a session of the default tracker and flushes; see `Tracker.endSession`. */
export function endSession(sessionId?: string): Promise<void> {
  return tracker("endSession").endSession(sessionId);
}

/** Flushes the default tracker; see `Tracker.flush`. */
export function flush(timeoutMs?: number): Promise<boolean> {
  return tracker("flush").flush(timeoutMs);
}

/** Shuts the default tracker down; see `Tracker.shutdown`. */
export function shutdown(timeoutMs?: number): Promise<TrackerStats> {
  return tracker("shutdown").shutdown(timeoutMs);
}

/** The default tracker's accounting; see `Tracker.stats`. */
export function stats(): TrackerStats {
  return tracker("stats").stats();
}

/** The innermost active run around the caller (in the default tracker), if any. */
export function getActiveContext(): RunContext | undefined {
  return current?.getActiveContext();
}

/**
 * Wraps a tool function so each call is recorded (`tool_call`, or `tool_error` and the
 * same error rethrown). Same signature, sync or async. Safe to call before `init()`.
 *
 * @example
 * ```ts
 * import { init, wrapTool } from "@agentlens/sdk";
 * const tracker = init();
 * tracker.startSession({ agentName: "researcher" });
 * const search = wrapTool(async (query: string) => ({ hits: query.length }), "web_search");
 * await search("agent tracing"); // records tool_call with input_data { args: ["agent tracing"] }
 * await tracker.shutdown(1000);
 * ```
 */
export function wrapTool<F extends (...args: never[]) => unknown>(fn: F, name?: string): F {
  return wrapCall(() => liveTracker("wrapTool"), "tool", fn, name);
}

/** Wraps an agent function (`agent_call` / `agent_error`); see `wrapTool`. */
export function wrapAgent<F extends (...args: never[]) => unknown>(fn: F, name?: string): F {
  return wrapCall(() => liveTracker("wrapAgent"), "agent", fn, name);
}

function liveTracker(fn: string): Recorder | undefined {
  if (!current) warnOnce(`uninit:${fn}`, `agentlens: a ${fn}() function was called before agentlens.init(); it ran untraced`);
  return current?.recorder;
}

/** The active run, or undefined with a warning (once) naming the convenience called. */
function active(fn: string): RunContext | undefined {
  const ctx = current?.getActiveContext();
  if (!ctx) warnOnce(`no-run:${fn}`, `agentlens: trace.${fn}() outside trace.run(); ignored`);
  return ctx;
}

/**
 * Agent Inspector's module-level API. `trace.run` wraps code in a run of the default
 * tracker (it throws `AgentLensNotInitializedError` before `init()`); the others record
 * into the active run and return `undefined` (warning once) outside one.
 *
 * @example
 * ```ts
 * import { init, trace } from "@agentlens/sdk";
 * const tracker = init();
 * const answer = await trace.run("my_agent", async () => {
 *   trace.llm({ model: "gpt-4", prompt: "Capital of France?", response: "Paris" });
 *   trace.tool({ toolName: "search", toolArgs: { query: "capital of France" }, toolResult: "Paris" });
 *   trace.final({ answer: "Paris" });
 *   return "Paris";
 * }, { userId: "user123" });
 * await tracker.shutdown(1000);
 * ```
 */
export const trace = {
  run<R>(name: string, fn: (ctx: RunContext) => R, options?: RunOptions): R {
    return tracker("trace.run").run(name, fn, options);
  },
  getActiveContext,
  llm: (options: LlmOptions): string | undefined => active("llm")?.llm(options),
  tool: (options: ToolOptions): string | undefined => active("tool")?.tool(options),
  memoryRead: (options: MemoryOptions): string | undefined => active("memoryRead")?.memoryRead(options),
  memoryWrite: (options: MemoryOptions): string | undefined => active("memoryWrite")?.memoryWrite(options),
  error: (options: ErrorOptions | Error): string | undefined => active("error")?.error(options),
  final: (options: { answer: unknown }): string | undefined => active("final")?.final(options),
  emit: (eventType: string, fields?: Record<string, unknown>): string | undefined => active("emit")?.emit(eventType, fields),
};
