/**
 * The wire event: what the analysis engines take and return, field for field the Rust
 * core's `model::Event` (serde names). The core's reader is lenient (numbers as strings,
 * millisecond timestamps, missing fields take defaults); these types describe the shape
 * it writes. Keys the core does not know are dropped when an event is read.
 */

/** Any JSON value: free-form payloads (`input_data`, `metadata`, a tool's input). */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export type JsonObject = {
  [key: string]: JsonValue;
};

/** The event types the core knows; any other name is kept as a custom type. */
export type KnownEventType =
  | "session_start"
  | "session_end"
  | "run_start"
  | "run_end"
  | "llm_call"
  | "tool_call"
  | "tool_error"
  | "agent_call"
  | "agent_error"
  | "decision"
  | "memory_read"
  | "memory_write"
  | "error"
  | "final"
  | "generic";

/** An event type: one the core knows, or a custom name (kept as given). */
export type EventType = KnownEventType | (string & {});

/** A tool invocation (`event.tool_call`). */
export type WireToolCall = {
  tool_call_id?: string;
  tool_name?: string;
  tool_input?: JsonValue;
  tool_output?: JsonValue;
  /** RFC 3339. */
  timestamp?: string;
  duration_ms?: number;
};

/** The reasoning behind a step (`event.decision_trace`). */
export type WireDecisionTrace = {
  trace_id?: string;
  /** 1-based position among the session's events. */
  step?: number;
  reasoning?: string;
  alternatives_considered?: string[];
  /** 0 to 1. */
  confidence?: number;
  /** RFC 3339. */
  timestamp?: string;
};

/** A memory read or write (`event.memory`). */
export type WireMemory = {
  key?: string;
  value?: JsonValue;
  memory_type?: string;
  overwrite?: boolean;
};

/** What went wrong (`event.error`). */
export type WireErrorInfo = {
  error_type?: string;
  message?: string;
  critical?: boolean;
  stack_trace?: string;
};

/**
 * One trace event in the wire shape (snake_case), as the importers and `decodeNdjson`
 * return them and as every engine takes them. `session_id` and `event_type` are always
 * written by the core; every other field only when present.
 */
export type WireEvent = {
  /** 16 hex characters; absent on session start/end records. */
  event_id?: string;
  session_id: string;
  event_type: EventType;
  /** RFC 3339 (the reader also takes epoch milliseconds). */
  timestamp?: string;
  agent_name?: string;
  metadata?: JsonValue;
  /** RFC 3339; on a `session_end`. */
  ended_at?: string;
  status?: string;
  total_tokens_in?: number;
  total_tokens_out?: number;
  run_id?: string;
  parent_run_id?: string;
  run_name?: string;
  user_id?: string;
  trace_id?: string;
  span_id?: string;
  input_data?: JsonValue;
  output_data?: JsonValue;
  model?: string;
  tokens_in?: number;
  tokens_out?: number;
  cached_input_tokens?: number;
  reasoning_tokens?: number;
  tool_call?: WireToolCall;
  decision_trace?: WireDecisionTrace;
  memory?: WireMemory;
  error?: WireErrorInfo;
  duration_ms?: number;
  attributes?: JsonObject;
};

/**
 * An event as the engines take it: any subset of the wire fields (the core's reader fills
 * in defaults: an empty session id, type `generic`). Every {@link WireEvent} is one.
 */
export type WireEventInput = Partial<WireEvent>;
