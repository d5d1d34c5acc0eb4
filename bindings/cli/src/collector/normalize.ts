/**
 * Reads one incoming event (AgentLens wire shape, from any client, already through the
 * core's `readIncoming`, which undid backend compatibility and classified it) into what
 * the store writes. The AgentLens backend's rules (reference A.3) where they are sound:
 * session ids of at most 128 characters from `[A-Za-z0-9_.:-]`, control characters
 * stripped, tokens clamped to whole numbers ≥ 0. Where they lose data they are not
 * followed: every event type is kept (spans, decisions, custom types). Whether an event
 * is an error and what it means for its session's status are the core's facts, never
 * decided here.
 */
import type { EventFacts } from "./core.js";
import type { WireEvent } from "./types.js";

const SESSION_ID = /^[a-zA-Z0-9_\-.:]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g;

/** Fields that identify or place an event; never redacted (they carry no payload). */
export const ID_FIELDS = [
  "event_id", "session_id", "event_type", "timestamp", "ended_at", "run_id", "parent_run_id",
  "trace_id", "span_id", "parent_span_id", "tokens_in", "tokens_out", "total_tokens_in",
  "total_tokens_out", "duration_ms", "status",
] as const;

/** Payload fields cut to the field size limit. */
export const PAYLOAD_FIELDS = [
  "input_data", "output_data", "tool_call", "decision_trace", "metadata", "attributes", "memory", "error",
] as const;

export type Normalized =
  | { kind: "start"; sessionId: string; event: WireEvent; agentName: string; timestamp: string; tsMs: number }
  | { kind: "end"; sessionId: string; event: WireEvent; endedAt: string; tsMs: number; status: string; totalIn: number; totalOut: number }
  | {
      kind: "event";
      sessionId: string;
      event: WireEvent;
      eventId: string;
      type: string;
      timestamp: string;
      tsMs: number;
      runId: string | null;
      model: string | null;
      name: string | null;
      status: string;
      tokensIn: number;
      tokensOut: number;
      durationMs: number | null;
      isError: boolean;
      /** The session's status this event implies (a failed root run: `error`), if any. */
      sessionStatus: string | null;
      /** A run end that failed. */
      failedEnd: boolean;
    };

/**
 * Recomputes the columns derived from the payload (agent name, model, step name) after
 * redaction, so indexed columns never hold what the payload had redacted.
 */
export function refreshColumns(n: Normalized): void {
  if (n.kind === "start") {
    n.agentName = sanitize(n.event.agent_name, 256) || "default-agent";
    n.event.agent_name = n.agentName;
  } else if (n.kind === "event") {
    n.model = sanitize(n.event.model, 128) || null;
    n.name = stepName(n.event, n.type);
  }
}

/** Strips control characters and cuts to `max` characters; non-strings give `null`. */
export function sanitize(v: unknown, max: number): string | null {
  if (typeof v !== "string") return null;
  return v.replace(CONTROL, "").slice(0, max);
}

/** A session (or run) id as the AgentLens backend accepts it, or `null`. */
export function validId(v: unknown): string | null {
  const s = sanitize(v, 128);
  return s && SESSION_ID.test(s) ? s : null;
}

const tokens = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? Math.max(0, Math.floor(v)) : 0);
const duration = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? Math.max(0, v) : null);

/** An ISO timestamp (as sent, if a string) and its epoch ms; numbers are epoch ms. */
function time(v: unknown, nowMs: number): [string, number] {
  if (typeof v === "number" && Number.isFinite(v)) return [new Date(v).toISOString(), Math.floor(v)];
  const s = sanitize(v, 64);
  if (s) {
    const ms = Date.parse(s);
    if (Number.isFinite(ms)) return [s, ms];
  }
  return [new Date(nowMs).toISOString(), nowMs];
}

function randomId(): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, 16);
}

function stepName(e: WireEvent, type: string): string | null {
  const tool = e.tool_call as { tool_name?: unknown } | undefined;
  const memory = e.memory as { key?: unknown } | undefined;
  const err = e.error as { error_type?: unknown } | undefined;
  const candidates: unknown[] = [
    tool?.tool_name,
    e.run_name,
    e.span_name,
    e.name,
    e.model,
    memory?.key !== undefined ? `${type === "memory_write" ? "Write" : "Read"}: ${String(memory.key)}` : undefined,
    err?.error_type,
    type === "final" || type === "final_answer" ? "Final Answer" : undefined,
  ];
  for (const c of candidates) {
    const s = sanitize(c, 256);
    if (s) return s;
  }
  return null;
}

/**
 * Normalises one incoming event, or returns `null` to skip it (not an object, or no
 * valid session id). `runSessions` maps run ids seen so far to their sessions, so
 * Agent Inspector-style events that carry only a `run_id` land in their run's session.
 */
export function normalize(raw: unknown, nowMs: number, runSessions: Map<string, string>, facts: EventFacts): Normalized | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const e: WireEvent = { ...(raw as WireEvent) };

  const type = sanitize(e.event_type, 64) || "generic";
  e.event_type = type;
  const runId = validId(e.run_id);
  let sessionId = validId(e.session_id);
  if (!sessionId && runId) sessionId = runSessions.get(runId) ?? runId;
  if (!sessionId) return null;
  e.session_id = sessionId;
  if (runId && !runSessions.has(runId)) runSessions.set(runId, sessionId);

  if (type === "session_start") {
    const agentName = sanitize(e.agent_name, 256) || "default-agent";
    const [timestamp, tsMs] = time(e.timestamp, nowMs);
    Object.assign(e, { agent_name: agentName, timestamp });
    if (e.metadata === undefined || e.metadata === null) e.metadata = {};
    return { kind: "start", sessionId, event: e, agentName, timestamp, tsMs };
  }
  if (type === "session_end") {
    const [endedAt, tsMs] = time(e.ended_at ?? e.timestamp, nowMs);
    const status = facts.sessionStatus ?? "completed";
    const totalIn = tokens(e.total_tokens_in);
    const totalOut = tokens(e.total_tokens_out);
    Object.assign(e, { ended_at: endedAt, status });
    return { kind: "end", sessionId, event: e, endedAt, tsMs, status, totalIn, totalOut };
  }

  // Without an id, a span's event gets one derived from the span, so a resent OTLP export
  // or re-imported trace stays idempotent; anything else gets a random one.
  const [timestamp, tsMs] = time(e.timestamp ?? e.timestamp_ms, nowMs);
  const spanId = validId(e.span_id);
  const eventId = sanitize(e.event_id, 64) || (spanId && e.timestamp !== undefined ? `${spanId}:${type}:${tsMs}`.slice(0, 64) : randomId());
  const tokensIn = tokens(e.tokens_in);
  const tokensOut = tokens(e.tokens_out);
  const durationMs = duration(e.duration_ms);
  Object.assign(e, { event_id: eventId, timestamp, tokens_in: tokensIn, tokens_out: tokensOut });
  if (durationMs === null) delete e.duration_ms;
  else e.duration_ms = durationMs;
  const rawStatus = sanitize(e.status, 32);
  const isError = facts.isError;
  return {
    kind: "event",
    sessionId,
    event: e,
    eventId,
    type,
    timestamp,
    tsMs,
    runId,
    model: sanitize(e.model, 128) || null,
    name: stepName(e, type),
    status: rawStatus || (isError ? "failed" : "completed"),
    tokensIn,
    tokensOut,
    durationMs,
    isError,
    sessionStatus: facts.sessionStatus,
    failedEnd: facts.failedEnd,
  };
}
