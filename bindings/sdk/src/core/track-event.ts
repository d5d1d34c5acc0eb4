/**
 * `track()` and `trackTool()`: camelCase options to one AgentLens wire event, as the
 * Python SDK builds it (reference B.1): `reasoning` makes a `decision_trace` whose step is
 * the session's event count + 1, `toolName` makes a `tool_call` whose duration is the
 * event's. Every read of the options is guarded; only fields with a fixed wire type are
 * coerced here, free-form values are left to `safeStringify`.
 */
import { attributesOf, put } from "./event-fields.js";
import { finite, keysOf, measure, read, readData, text, texts } from "./fields.js";
import type { Recorder } from "./recorder.js";
import { tokenFields, usageFields, withUsage } from "./usage-fields.js";

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
  /**
   * The provider, as OpenTelemetry's `gen_ai.provider.name` names it (`"openai"`,
   * `"anthropic"`, `"aws.bedrock"`, `"azure.ai.openai"`, `"gcp.gemini"`, ...): written as
   * `attributes["gen_ai.provider.name"]`, which prices the call at that provider's rates.
   */
  provider?: string;
  /** Input tokens, cached ones included (the OpenTelemetry GenAI meaning). */
  tokensIn?: number;
  tokensOut?: number;
  /** Input tokens served from a prompt cache. */
  cachedInputTokens?: number;
  /** Output tokens spent on hidden reasoning. */
  reasoningTokens?: number;
  /**
   * The provider's usage object as its API returned it: `response.usage` of OpenAI (chat
   * completions or responses) or Anthropic, Gemini's `usageMetadata`, Bedrock Converse's
   * `usage`, the AI SDK's `usage`, LangChain's `usage_metadata`. The core reads it into
   * `tokens_in`/`tokens_out`, cached and reasoning tokens, and cache writes
   * (`attributes.cache_creation_input_tokens`), adding cached tokens in where the provider
   * leaves them out (Anthropic), so they are never counted twice. `tokensIn`, `tokensOut`,
   * `cachedInputTokens` and `reasoningTokens` given here win over it. Something that is
   * not a usage object is ignored.
   *
   * @example
   * ```ts
   * import { init } from "@agentlens/sdk";
   * const tracker = init();
   * tracker.startSession({ agentName: "writer" });
   * // e.g. `const response = await anthropic.messages.create(...)`
   * const response = { usage: { input_tokens: 20, cache_read_input_tokens: 1000, output_tokens: 50 } };
   * tracker.track({ eventType: "llm_call", model: "claude-3-5-sonnet-20241022", provider: "anthropic", usage: response.usage });
   * await tracker.shutdown(1000);
   * ```
   */
  usage?: unknown;
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

/** The options `track()` reads ({@link TrackOptions}). */
const TRACK_KEYS: readonly string[] = ["eventType", "inputData", "outputData", "model", "provider", "tokensIn", "tokensOut", "cachedInputTokens", "reasoningTokens", "usage", "reasoning", "alternatives", "confidence", "toolName", "toolInput", "toolOutput", "durationMs", "sessionId", "attributes"];

/** How many `track()` calls of a tracker have their option names checked: a misspelt option is a mistake made from the first call, and the check costs a key listing per call. */
const CHECKED_CALLS = 16;

const squeezed = (key: string) => key.toLowerCase().replaceAll("_", "");

/** Names other APIs use for an option `track()` has under another name (no prefix of it). */
const ALIASES: Readonly<Record<string, string>> = { type: "eventType", kind: "eventType", prompt: "inputData", response: "outputData", metadata: "attributes" };

/**
 * Warns (once per name) about an option `track()` does not read: its value would be
 * dropped without a word (`input` for `inputData`, `tokens_in` for `tokensIn`). Only the
 * first {@link CHECKED_CALLS} calls are checked. Never throws.
 */
function checkTrackOptions(tracker: Recorder, options: unknown): void {
  if (tracker.trackOptionChecks >= CHECKED_CALLS) return;
  tracker.trackOptionChecks++;
  for (const key of keysOf(options, tracker.markers)) {
    if (TRACK_KEYS.includes(key)) continue;
    const near = key && (Object.hasOwn(ALIASES, key) ? ALIASES[key] : TRACK_KEYS.find((k) => squeezed(k).startsWith(squeezed(key.slice(0, 64)))));
    const hint = near ? `; did you mean "${near}"?` : '; put your own fields in "attributes"';
    tracker.health.warnOnce(`track-option:${key}`, `agentlens: track() has no option "${key.slice(0, 64)}", so its value was not recorded${hint}`);
  }
}

/** Builds and records the event of `track(options)`; returns its id. */
export function trackedEvent(tracker: Recorder, options: unknown): string {
  const c = tracker.markers;
  checkTrackOptions(tracker, options);
  const run = tracker.activeContext();
  const session = tracker.sessionFor(read(options, "sessionId", c), run);
  const at = tracker.isoNow();
  const fields: Record<string, unknown> = {};
  put(fields, "input_data", readData(options, "inputData", c));
  put(fields, "output_data", readData(options, "outputData", c));
  put(fields, "model", text(read(options, "model", c), c));
  const usage = usageFields(read(options, "usage", c), c);
  tokenFields(fields, options, usage, c);
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
  put(fields, "attributes", withUsage(attributesOf(readData(options, "attributes", c), c), usage?.attributes, read(options, "provider", c), c));
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
