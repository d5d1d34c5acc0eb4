/**
 * The platform-neutral API. Entry points re-export this after loading the wasm.
 *
 * Two styles over one tracker: AgentLens's (`init`, `startSession`, `track`, `explain`,
 * `endSession`) and Agent Inspector's (`trace.run` with a `RunContext`), plus
 * `wrapTool`/`wrapAgent`, configuration, `stats()`, and the lower-level pipeline pieces.
 */
import { Driver, type Host } from "./driver.js";
import { wasm } from "./wasm.js";
import { drainOutputs } from "./outputs.js";
import type { Output, PipelineOptionInfo, PipelineStats, PipelineWasm } from "../../wasm/agentlens_wasm.js";
import { coreOptionsJson, type PipelineOptions } from "./config.js";
import { AgentLensConfigError, describe, optionError, optionsSnapshot } from "./errors.js";

export {
  init,
  getTracker,
  startSession,
  track,
  trackTool,
  explain,
  endSession,
  flush,
  shutdown,
  stats,
  getActiveContext,
  wrapTool,
  wrapAgent,
  trace,
} from "./api.js";
export { Tracker, EXPLAIN_UNAVAILABLE, type StartSessionOptions } from "./tracker.js";
export {
  useAnalysisLoader,
  type AlertWatch,
  type SessionChoice,
  type TrackerComplianceOptions,
  type TrackerCostOptions,
} from "./tracker-analysis.js";
export type { Session } from "./session.js";
export type { TrackOptions, TrackToolOptions } from "./track-event.js";
export { RunContext, type LlmOptions, type ToolOptions, type MemoryOptions, type ErrorOptions } from "./run-context.js";
export type { RunOptions } from "./trace.js";
export {
  resolveConfig,
  PROFILES,
  DEFAULT_ENDPOINT,
  DEFAULT_API_KEY,
  type PipelineOptions,
  type TrackerOptions,
  type ResolvedConfig,
  type Profile,
  type LogLevel,
  type Logger,
} from "./config.js";
export { ENV_VARIABLES } from "./config-env.js";
export { AgentLensNotInitializedError, AgentLensConfigError, AgentLensAnalysisError } from "./errors.js";
export type { TrackerStats, ExporterStats, DeliveryStats, RedactionStats } from "./stats.js";

export type { Driver, Host, Notice, Schedule, WireRequest, WireResult } from "./driver.js";
export { describeFailure, displayTarget, type LastDeliveryError } from "./delivery.js";
export { toJsonSafe, safeStringify, MARKERS, DEFAULT_LIMITS, type MarkerCounts, type SafeJsonLimits } from "./safe-json.js";
export { AgentLensNotLoadedError } from "./wasm.js";
export { usePlatform, platform, stackContextStore, type Platform, type ContextStore } from "./platform.js";
export type { Exporter } from "./exporter.js";
export type { Output, PipelineStats, RedactResult, BuildInfo, DropReason, ExplainStyle, DeliveryProblem, DeliveryFailure, PipelineOptionInfo } from "../../wasm/agentlens_wasm.js";

/**
 * The core's batching pipeline, driven by hand (below the driver: for custom integrations
 * and tests). Times are the host's monotonic milliseconds; the pipeline never reads a clock.
 */
export interface Pipeline {
  /** Takes a JSON array of events; returns how many were accepted. */
  pushJson(nowMs: number, eventsJson: string): number;
  /** What to do now: sends, drops, deliveries, retries, and when to come back. */
  drain(nowMs: number): Output[];
  /** Marks everything pushed so far for sending; returns a mark for {@link Pipeline.isFlushed}. */
  flush(nowMs: number): number;
  isFlushed(mark: number): boolean;
  /** The answer to request `id`: its HTTP status and `Retry-After`. */
  handleStatus(nowMs: number, id: number, status: number, retryAfter: string | null | undefined, wallClockMs: number): void;
  /** Request `id` failed without an answer (`kind`: a delivery problem). */
  handleFailure(nowMs: number, id: number, kind: string): void;
  /** A timer came due. */
  handleTimeout(nowMs: number): void;
  shutdown(nowMs: number, deadlineMs: number): void;
  isShutDown(): boolean;
  stats(): PipelineStats;
  /** Frees the pipeline's wasm memory. */
  free(): void;
}

/**
 * The low-level functions' options as the core reads them: `undefined` or an object,
 * read once (a getter that throws is `AgentLensConfigError`, never the getter's error).
 */
function optionsJson(options: unknown): string {
  if (options === undefined) return "{}";
  if (options === null || typeof options !== "object") throw optionError("options", "must be an object", options);
  try {
    // A typed array has an own key per byte: as options it would be read byte by byte.
    if (Array.isArray(options) || ArrayBuffer.isView(options)) throw optionError("options", "must be an object", options);
  } catch (e) {
    throw e instanceof AgentLensConfigError ? e : optionError("options", "could not be read");
  }
  return coreOptionsJson(optionsSnapshot(options as PipelineOptions));
}

/** `AgentLensConfigError` for an argument of the wrong type (its kind named, never its text). */
function argumentError(arg: string, must: string, v: unknown): AgentLensConfigError {
  return new AgentLensConfigError(arg, `agentlens: argument "${arg}" ${must} (got ${describe(v)})`);
}

/** `v` if it is a string, else `AgentLensConfigError` naming `arg`. */
function str(arg: string, v: unknown): string {
  if (typeof v !== "string") throw argumentError(arg, "must be a string", v);
  return v;
}

/** `v` if it is a number (any: the core reads a NaN time as 0), else `AgentLensConfigError`. */
function num(arg: string, v: unknown): number {
  if (typeof v !== "number") throw argumentError(arg, "must be a number", v);
  return v;
}

function wasmPipeline(options: PipelineOptions, seed?: Uint8Array): PipelineWasm {
  if (seed !== undefined && !(seed instanceof Uint8Array)) throw argumentError("seed", "must be a Uint8Array", seed);
  return new (wasm().PipelineWasm)(optionsJson(options), seed);
}

/**
 * The core's pipeline options, as it validates them: each one's name, TypeScript type
 * and default (`null` for `format`, set per exporter). `PipelineOptions` is checked
 * against this list.
 *
 * @example
 * ```ts
 * import { pipelineOptions } from "@agentlens/sdk";
 * pipelineOptions().find((o) => o.name === "batchSize"); // { name: "batchSize", type: "number", default: 10 }
 * ```
 */
export function pipelineOptions(): PipelineOptionInfo[] {
  return wasm().pipelineOptions();
}

/**
 * Builds a pipeline. Throws `AgentLensConfigError` naming a bad option, and its methods
 * throw it for an argument of the wrong type (a time that is not a number, text that is
 * not a string).
 */
export function createPipeline(options: PipelineOptions = {}, seed?: Uint8Array): Pipeline {
  const p = wasmPipeline(options, seed);
  return {
    pushJson: (nowMs, eventsJson) => p.pushJson(num("nowMs", nowMs), str("eventsJson", eventsJson)),
    drain: (nowMs) => drainOutputs(p, num("nowMs", nowMs)),
    flush: (nowMs) => p.flush(num("nowMs", nowMs)),
    isFlushed: (mark) => p.isFlushed(num("mark", mark)),
    handleStatus: (nowMs, id, status, retryAfter, wallClockMs) =>
      p.handleStatus(num("nowMs", nowMs), num("id", id), num("status", status), retryAfter == null ? retryAfter : str("retryAfter", retryAfter), num("wallClockMs", wallClockMs)),
    handleFailure: (nowMs, id, kind) => p.handleFailure(num("nowMs", nowMs), num("id", id), str("kind", kind)),
    handleTimeout: (nowMs) => p.handleTimeout(num("nowMs", nowMs)),
    shutdown: (nowMs, deadlineMs) => p.shutdown(num("nowMs", nowMs), num("deadlineMs", deadlineMs)),
    isShutDown: () => p.isShutDown(),
    stats: () => p.stats(),
    free: () => p.free(),
  };
}

/**
 * A pipeline with a driver around it, performing sends through `host` (below the tracker:
 * for custom integrations and tests). The host supplies the clocks, `send`, `timer()`
 * (a platform's `timer`) and `notice()`, told of every drop and failed request.
 *
 * @example
 * ```ts
 * import { createDriver, createHttpExporter, platform } from "@agentlens/sdk";
 * const p = platform();
 * const http = createHttpExporter({ endpoint: "http://127.0.0.1:3000", apiKey: "dev-key" });
 * const driver = createDriver({ now: p.now, wallClock: p.wallClock, timer: p.timer, send: (r) => http.send(r), notice: (n) => console.log(n.type) });
 * driver.push([{ event_type: "llm_call", session_id: "s1", model: "gpt-4o" }]);
 * await driver.shutdown(100); // nothing listens there: counted shutdown_timeout, never thrown
 * ```
 */
export function createDriver(host: Host, options: PipelineOptions = {}, seed?: Uint8Array): Driver {
  return new Driver(wasmPipeline(options, seed), host);
}

/**
 * Redacts a JSON value (given as JSON text) with the given options; see `redactJson` in
 * the core. Throws `AgentLensConfigError` for a bad option or a `valueJson` that is not a
 * string, and `AgentLensDecodeError` for text that is not JSON.
 */
export function redactJson(options: PipelineOptions, valueJson: string) {
  return wasm().redactJson(optionsJson(options), str("valueJson", valueJson));
}

/**
 * Redacts one string with the default (or given) patterns. Throws `AgentLensConfigError`
 * for a bad option or a `text` that is not a string.
 */
export function redactText(text: string, options: PipelineOptions = {}): string {
  return wasm().redactText(optionsJson(options), str("text", text));
}

/**
 * Compiles the options' redaction rules once and returns a function that redacts a
 * string with them (for previews, and for redacting text outside events).
 * Throws `AgentLensConfigError` naming a bad rule (and the function it returns, for a
 * `text` that is not a string).
 *
 * @example
 * ```ts
 * import { createRedactor } from "@agentlens/sdk";
 * const redact = createRedactor({});
 * redact("mail bob@example.com"); // "mail [REDACTED]"
 * ```
 */
export function createRedactor(options: PipelineOptions = {}): (text: string) => string {
  const r = new (wasm().RedactorWasm)(optionsJson(options));
  return (text: string) => r.redact(str("text", text));
}

/** The header line for a new trace file. Throws `AgentLensConfigError` for a `producer` that is not a string. */
export function ndjsonHeader(producer?: string): string {
  return wasm().ndjsonHeader(producer === undefined ? undefined : str("producer", producer));
}

/** The wasm core's version and git commit. */
export function buildInfo() {
  return wasm().buildInfo();
}
