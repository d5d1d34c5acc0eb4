// What every panel handler returns, and how it reads the sessions a panel asks about.
// User input (a policy, alert rules, redaction patterns) can be wrong: handlers answer
// `{ ok: false, error }` with the engine's message instead of throwing, so the panel shows
// it whatever the shell does with rejected calls.
import type { TraceStore, WireEvent } from "../contract";

export type Failure = { ok: false; error: string };
export type Result<T> = ({ ok: true } & T) | Failure;

/** The engine's error as one line: `AgentLensAnalysisError: rule 1 (max_tokens): …`. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.name && e.name !== "Error" ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}

export function fail(error: unknown): Failure {
  return { ok: false, error: errorText(error) };
}

/** `params` as an object (anything else reads as `{}`). */
export function paramsOf(params: unknown): Record<string, unknown> {
  return params !== null && typeof params === "object" ? (params as Record<string, unknown>) : {};
}

/** The string array at `value`, keeping only strings. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The session ids a panel asked about, restricted to those the store has. */
export function knownSessions(store: TraceStore, ids: string[]): string[] {
  const known = new Set(store.sessionIds());
  return ids.filter((id) => known.has(id));
}

/** The events of `ids`, session after session, each in time order. */
export function eventsOf(store: TraceStore, ids: string[]): WireEvent[] {
  const out: WireEvent[] = [];
  for (const id of ids) for (const e of store.sessionEvents(id)) out.push(e);
  return out;
}

/** Epoch milliseconds of an event's time (`timestamp`, else `ended_at`), NaN without one. */
export function timeOf(e: WireEvent): number {
  const t = e.timestamp ?? e.ended_at;
  return typeof t === "string" ? Date.parse(t) : Number.NaN;
}
