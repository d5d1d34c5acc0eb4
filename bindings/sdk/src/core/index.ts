/**
 * The platform-neutral API. Entry points re-export this after loading the wasm.
 *
 * Two styles over one tracker: AgentLens's (`init`, `startSession`, `track`, `explain`,
 * `endSession`) and Agent Inspector's (`trace.run` with a `RunContext`), plus
 * `wrapTool`/`wrapAgent`, configuration, `stats()`, and the lower-level pipeline pieces.
 */
import { Driver, type Host } from "./driver.js";
import { wasm } from "./wasm.js";
import type { Output, PipelineOptionInfo, PipelineStats, PipelineWasm } from "../../wasm/agentlens_wasm.js";
import { coreOptionsJson, type PipelineOptions } from "./config.js";

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

function wasmPipeline(options: PipelineOptions, seed?: Uint8Array): PipelineWasm {
  return new (wasm().PipelineWasm)(coreOptionsJson(options), seed);
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

/** Builds a pipeline. Throws `AgentLensConfigError` naming a bad option. */
export function createPipeline(options: PipelineOptions = {}, seed?: Uint8Array): Pipeline {
  const p = wasmPipeline(options, seed);
  return {
    pushJson: (nowMs, eventsJson) => p.pushJson(nowMs, eventsJson),
    drain: (nowMs) => p.drain(nowMs),
    flush: (nowMs) => p.flush(nowMs),
    isFlushed: (mark) => p.isFlushed(mark),
    handleStatus: (nowMs, id, status, retryAfter, wallClockMs) => p.handleStatus(nowMs, id, status, retryAfter, wallClockMs),
    handleFailure: (nowMs, id, kind) => p.handleFailure(nowMs, id, kind),
    handleTimeout: (nowMs) => p.handleTimeout(nowMs),
    shutdown: (nowMs, deadlineMs) => p.shutdown(nowMs, deadlineMs),
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

/** Redacts a JSON value with the given options; see `redactJson` in the core. */
export function redactJson(options: PipelineOptions, valueJson: string) {
  return wasm().redactJson(JSON.stringify(options), valueJson);
}

/** Redacts one string with the default (or given) patterns. */
export function redactText(text: string, options: PipelineOptions = {}): string {
  return wasm().redactText(JSON.stringify(options), text);
}

/**
 * Compiles the options' redaction rules once and returns a function that redacts a
 * string with them (for previews, and for redacting text outside events).
 * Throws `AgentLensConfigError` naming a bad rule.
 *
 * @example
 * ```ts
 * import { createRedactor } from "@agentlens/sdk";
 * const redact = createRedactor({});
 * redact("mail bob@example.com"); // "mail [REDACTED]"
 * ```
 */
export function createRedactor(options: PipelineOptions = {}): (text: string) => string {
  const r = new (wasm().RedactorWasm)(JSON.stringify(options));
  return (text: string) => r.redact(text);
}

/** The header line for a new trace file. */
export function ndjsonHeader(producer?: string): string {
  return wasm().ndjsonHeader(producer);
}

/** The wasm core's version and git commit. */
export function buildInfo() {
  return wasm().buildInfo();
}
