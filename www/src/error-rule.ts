// The viewer's one rule for "does this event report an error", and the session status
// that follows: the core's (src/model/semantics.rs), asked through the analysis wasm in
// one call per batch of events. Every count of errors the viewer shows comes from here:
// the store's error flags (the timeline's marks, the list's and the session header's
// counts, a session's status) and the Charts panel's totals. Nothing here decides it.
import { analysisWasm } from "@agentlens/sdk/internal";
import type { WireEvent } from "./contract";

/** Bits of the core's facts byte (`Facts::to_bits`). */
const ERROR = 1;
const SESSION_EFFECT = ["", "completed", "timeout", "error"] as const;

/**
 * The core's facts of each event, one byte each. Only the fields the rules read cross
 * into the wasm (the type, the status, whether there is a parent run and error details),
 * not the payloads.
 */
export function eventFacts(events: readonly WireEvent[]): Uint8Array {
  const fields = events.map((e) => ({
    event_type: e.event_type,
    agentlens_type: e.agentlens_type,
    status: e.status,
    parent_run_id: e.parent_run_id,
    error: e.error === undefined || e.error === null ? undefined : {},
  }));
  return analysisWasm().eventFacts(JSON.stringify(fields));
}

/** Whether the facts byte says the event is an error. */
export const isError = (facts: number): boolean => (facts & ERROR) !== 0;

/** How many of `events` report an error. */
export function countErrors(events: readonly WireEvent[]): number {
  let n = 0;
  for (const f of eventFacts(events)) if (isError(f)) n++;
  return n;
}

/**
 * A session's status after an event with these facts: the status it implies, applied by
 * the core's rule (an error is final, an end replaces "active").
 */
export function sessionStatusAfter(previous: string, facts: number): string {
  const next = SESSION_EFFECT[(facts >> 1) & 3]!;
  return next ? analysisWasm().sessionStatusThen(previous || "active", next) : previous || "active";
}
