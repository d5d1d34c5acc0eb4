// The viewer's one rule for "does this event report an error", and the session status
// that follows from it. Every count of errors the viewer shows comes from here: the
// store's error flags (the timeline's marks, the list's and the session header's counts,
// a session's status) and the Charts panel's totals. Nothing else decides it.
//
// It mirrors the core's `Event::is_error` (src/model/event.rs): an error type (`error`,
// `tool_error`, `agent_error`), error details (`error` present), or an error status
// (`error`, `failed`, any case) — so a run or session that ended in error counts too.
// Issue 10 moves this rule into the core for every consumer; once `agentlens/analysis`
// exports it, these two functions call it (batched: the store asks per event) and no
// caller changes.
import type { WireEvent } from "./contract";

const ERROR_TYPES = new Set(["error", "tool_error", "agent_error"]);
const ERROR_STATUSES = new Set(["error", "failed"]);

/** Whether `e` reports an error. */
export function isErrorEvent(e: WireEvent): boolean {
  if (typeof e.event_type === "string" && ERROR_TYPES.has(e.event_type)) return true;
  if (e.error !== undefined && e.error !== null) return true;
  return typeof e.status === "string" && ERROR_STATUSES.has(e.status.toLowerCase());
}

/** How many of `events` report an error. */
export function countErrors(events: Iterable<WireEvent>): number {
  let n = 0;
  for (const e of events) if (isErrorEvent(e)) n++;
  return n;
}

/**
 * A session's status: what its session_end said, else "error" when any event reported
 * one, else "active".
 */
export function sessionStatus(endedStatus: string, errors: number): string {
  return endedStatus || (errors > 0 ? "error" : "active");
}
