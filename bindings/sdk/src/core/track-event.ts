/**
 * `track()` and `trackTool()`: camelCase options to one AgentLens wire event, as the
 * Python SDK builds it (reference B.1): `reasoning` makes a `decision_trace` whose step is
 * the session's event count + 1, `toolName` makes a `tool_call` whose duration is the
 * event's. Every read of the options is guarded; only fields with a fixed wire type are
 * coerced here, free-form values are left to `safeStringify`.
 */
import { attributesOf, put } from "./event-fields.js";
import { finite, measure, read, readData, text, texts } from "./fields.js";
import type { Recorder } from "./recorder.js";
import { tokenCount } from "./tokens.js";

/**
 * What `track()` takes; all optional. Names follow the Python SDK's `track()` in camelCase.
 *
 * @example
 * ```ts
 * import { init, type TrackOptions } from "@agentlens/sdk";
 * const options: TrackOptions = { eventType: "tool_call", toolName: "web_search", toolInput: { query: "AI safety" }, durationMs: 890.2 };
 * const tracker = init();
 * tracker.startSession({ agentName: "researcher" });
 * tracker.track(options);
 * await tracker.shutdown(1000);
 * ```
 */
export interface TrackOptions {
  /** `llm_call`, `tool_call`, `decision`, `error`, `generic` (default), or any custom name. */
  eventType?: string;
  /** Input to the operation (prompt, query, ...). Any value; redacted by the core. */
  inputData?: unknown;
  /** Output of the operation (response, result, ...). */
  outputData?: unknown;
  model?: string;
  tokensIn?: number;
  tokensOut?: number;
  /** Input tokens served from a prompt cache. */
  cachedInputTokens?: number;
  /** Output tokens spent on hidden reasoning. */
  reasoningTokens?: number;
  /** Why the agent did this: adds a `decision_trace`. */
  reasoning?: string;
  /** With `reasoning`: what else was considered. */
  alternatives?: string[];
  /** With `reasoning`: confidence in [0, 1]. */
  confidence?: number;
  /** Adds a `tool_call` with this name. */
  toolName?: string;
  toolInput?: unknown;
  toolOutput?: unknown;
  /** Milliseconds; also the tool call's duration. */
  durationMs?: number;
  /** Default: the enclosing run's session, else the current session. */
  sessionId?: string;
  /** Anything else, kept as `attributes` (a JSON object). */
  attributes?: Record<string, unknown>;
}

/** What `trackTool()` takes. */
export interface TrackToolOptions {
  toolName: string;
  toolInput?: unknown;
  toolOutput?: unknown;
  durationMs?: number;
  sessionId?: string;
}

/** Builds and records the event of `track(options)`; returns its id. */
export function trackedEvent(tracker: Recorder, options: unknown): string {
  const c = tracker.markers;
  const run = tracker.activeContext();
  const session = tracker.sessionFor(read(options, "sessionId", c), run);
  const at = tracker.isoNow();
  const fields: Record<string, unknown> = {};
  put(fields, "input_data", readData(options, "inputData", c));
  put(fields, "output_data", readData(options, "outputData", c));
  put(fields, "model", text(read(options, "model", c), c));
  fields.tokens_in = tokenCount(read(options, "tokensIn", c));
  fields.tokens_out = tokenCount(read(options, "tokensOut", c));
  for (const [option, key] of [
    ["cachedInputTokens", "cached_input_tokens"],
    ["reasoningTokens", "reasoning_tokens"],
  ] as const) {
    const v = read(options, option, c);
    if (v !== undefined && v !== null) fields[key] = tokenCount(v);
  }
  const durationMs = measure(read(options, "durationMs", c));
  const toolName = read(options, "toolName", c);
  if (toolName !== undefined && toolName !== null && toolName !== "") {
    const call: Record<string, unknown> = {
      tool_call_id: tracker.newId(),
      tool_name: text(toolName, c, ""),
      tool_input: readData(options, "toolInput", c) ?? {},
    };
    put(call, "tool_output", readData(options, "toolOutput", c));
    call.timestamp = at;
    put(call, "duration_ms", durationMs);
    fields.tool_call = call;
  }
  const reasoning = read(options, "reasoning", c);
  if (reasoning !== undefined && reasoning !== null && reasoning !== "") {
    const decision: Record<string, unknown> = {
      trace_id: tracker.newId(),
      step: session.eventCount + 1,
      reasoning: text(reasoning, c, ""),
      alternatives_considered: texts(read(options, "alternatives", c), c),
    };
    put(decision, "confidence", finite(read(options, "confidence", c)));
    decision.timestamp = at;
    fields.decision_trace = decision;
  }
  put(fields, "duration_ms", durationMs);
  put(fields, "attributes", attributesOf(readData(options, "attributes", c), c));
  const eventType = text(read(options, "eventType", c), c, "generic") || "generic";
  return tracker.record(session, eventType, fields, run, at);
}

/** `trackTool(options)`: a `tool_call` event. */
export function toolEvent(tracker: Recorder, options: unknown): string {
  const c = tracker.markers;
  const forwarded: Record<string, unknown> = { eventType: "tool_call" };
  for (const key of ["toolName", "toolInput", "toolOutput", "durationMs", "sessionId"]) forwarded[key] = key === "toolInput" || key === "toolOutput" ? readData(options, key, c) : read(options, key, c);
  if (forwarded.toolName === undefined || forwarded.toolName === null || forwarded.toolName === "") forwarded.toolName = "unknown_tool";
  return trackedEvent(tracker, forwarded);
}
