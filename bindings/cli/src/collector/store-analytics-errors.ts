/// <reference types="node" />
/**
 * The SQL of the error analytics (`GET /errors` and its breakdowns). An error is what the
 * core classified as one when the event was ingested (`events.is_error`,
 * `model::semantics::is_error`: an error type, error details or a failed status), not a
 * list of type names kept here. Everything is aggregated in SQLite except the top error
 * messages, which are read from the (possibly sealed) payloads of at most
 * {@link MAX_MESSAGE_EVENTS} recent errors.
 */
import { decodeEvents, type EventRow } from "./store-read.js";
import type { StoreHandle } from "./store-handle.js";

/** The most recent errors whose payloads are decoded for `top_errors`. */
export const MAX_MESSAGE_EVENTS = 5_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `x / of` as a percentage at 2 dp; 0 when `of` is 0. */
export function percent(x: number, of: number): number {
  return of > 0 ? Math.round((x / of) * 10000) / 100 : 0;
}

/** Totals: errors, sessions they touch, all events and sessions, first and last error, mean time between errors. */
export function errorSummary(store: Pick<StoreHandle, "db">) {
  const r = store.db
    .prepare(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT session_id) AS sessions, MIN(ts_ms) AS first_ms, MAX(ts_ms) AS last_ms,
        (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM sessions) AS all_sessions
      FROM events WHERE is_error = 1`,
    )
    .get() as { n: number; sessions: number; first_ms: number | null; last_ms: number | null; events: number; all_sessions: number };
  // The gaps between consecutive errors add up to last − first, so their mean needs no list.
  const gap = r.n >= 2 ? (Number(r.last_ms) - Number(r.first_ms)) / (r.n - 1) : null;
  return {
    total_errors: r.n,
    affected_sessions: r.sessions,
    total_events: r.events,
    total_sessions: r.all_sessions,
    first_error: iso(r.first_ms),
    last_error: iso(r.last_ms),
    mtbf: gap === null ? null : { mean_ms: Math.round(gap), mean_seconds: Math.round(gap / 1000), mean_minutes: Math.round(gap / 6000) / 10 },
  };
}

/** The `days` most recent UTC days that had errors, newest first, with all events of each day. */
export function errorRateByDay(store: Pick<StoreHandle, "db">, days: number) {
  const rows = store.db
    .prepare(
      `SELECT day, errors, (SELECT COUNT(*) FROM events a WHERE a.ts_ms >= d.start_ms AND a.ts_ms < d.start_ms + 86400000) AS events
      FROM (SELECT date(ts_ms / 1000, 'unixepoch') AS day, COUNT(*) AS errors, (ts_ms / 86400000) * 86400000 AS start_ms
        FROM events WHERE is_error = 1 GROUP BY day ORDER BY day DESC LIMIT ?) d ORDER BY day DESC`,
    )
    .all(days) as { day: string; errors: number; events: number }[];
  return rows.map((r) => ({ day: r.day, error_count: r.errors, total_events: r.events, error_rate: percent(r.errors, r.events) }));
}

/** Errors by event type. */
export function errorsByType(store: Pick<StoreHandle, "db">) {
  const rows = store.db
    .prepare(
      `SELECT event_type, COUNT(*) AS count, COUNT(DISTINCT session_id) AS affected_sessions, AVG(duration_ms) AS avg_duration_ms,
        MIN(ts_ms) AS first_ms, MAX(ts_ms) AS last_ms
      FROM events WHERE is_error = 1 GROUP BY event_type ORDER BY count DESC, event_type`,
    )
    .all() as { event_type: string; count: number; affected_sessions: number; avg_duration_ms: number | null; first_ms: number; last_ms: number }[];
  return rows.map((r) => ({
    event_type: r.event_type,
    count: r.count,
    affected_sessions: r.affected_sessions,
    avg_duration_ms: r.avg_duration_ms,
    first_seen: iso(r.first_ms),
    last_seen: iso(r.last_ms),
  }));
}

/** Errors by model (`unknown` for none), with the model's calls of any kind. */
export function errorsByModel(store: Pick<StoreHandle, "db">, limit: number) {
  const rows = store.db
    .prepare(
      `SELECT COALESCE(e.model, 'unknown') AS model, COUNT(*) AS error_count,
        COALESCE((SELECT COUNT(*) FROM events m WHERE m.model = e.model), 0) AS total_calls, COUNT(DISTINCT e.session_id) AS affected_sessions
      FROM events e WHERE e.is_error = 1 GROUP BY e.model ORDER BY error_count DESC, model LIMIT ?`,
    )
    .all(limit) as { model: string; error_count: number; total_calls: number; affected_sessions: number }[];
  return rows.map((r) => ({ ...r, error_rate: percent(r.error_count, r.total_calls) }));
}

/** Errors by agent, with the share of the agent's sessions that had one. */
export function errorsByAgent(store: Pick<StoreHandle, "db">, limit: number) {
  const rows = store.db
    .prepare(
      `SELECT s.agent_name, COUNT(*) AS error_count, COUNT(DISTINCT e.session_id) AS error_sessions,
        (SELECT COUNT(*) FROM sessions a WHERE a.agent_name = s.agent_name) AS total_sessions
      FROM events e JOIN sessions s ON s.session_id = e.session_id WHERE e.is_error = 1
      GROUP BY s.agent_name ORDER BY error_count DESC, s.agent_name LIMIT ?`,
    )
    .all(limit) as { agent_name: string; error_count: number; error_sessions: number; total_sessions: number }[];
  return rows.map((r) => ({ ...r, error_rate: percent(r.error_sessions, r.total_sessions) }));
}

/** Sessions whose stored status is `error`, newest first, with their error and event counts. */
export function errorSessions(store: Pick<StoreHandle, "db">, limit: number) {
  return store.db
    .prepare(
      `SELECT s.session_id, s.agent_name, s.started_at, s.ended_at, s.total_tokens_in, s.total_tokens_out,
        (SELECT COUNT(*) FROM events e WHERE e.session_id = s.session_id AND e.is_error = 1) AS error_count, s.event_count AS total_events
      FROM sessions s WHERE s.status = 'error' ORDER BY s.started_ms DESC LIMIT ?`,
    )
    .all(limit);
}

/** Errors per UTC hour of day. */
export function errorsByHour(store: Pick<StoreHandle, "db">) {
  return store.db
    .prepare(
      `SELECT CAST(strftime('%H', ts_ms / 1000, 'unixepoch') AS INTEGER) AS hour, COUNT(*) AS error_count
      FROM events WHERE is_error = 1 GROUP BY hour ORDER BY hour`,
    )
    .all();
}

/** A short message for an error event: its error details, else what its output says. */
function message(e: Record<string, unknown>): string | null {
  const err = e.error as Record<string, unknown> | undefined;
  if (err && typeof err.message === "string" && err.message) return err.message.slice(0, 200);
  const out = e.output_data;
  if (out === undefined || out === null) return null;
  if (typeof out !== "object") return String(out).slice(0, 200);
  const o = out as Record<string, unknown>;
  const m = o.error ?? o.message ?? o.error_message ?? o.detail ?? o.reason;
  return (typeof m === "string" ? m : JSON.stringify(out)).slice(0, 200);
}

/** The most frequent (type, message, model) among the latest {@link MAX_MESSAGE_EVENTS} errors. */
export async function topErrors(store: StoreHandle, limit: number) {
  const rows = store.db
    .prepare("SELECT * FROM events WHERE is_error = 1 ORDER BY ts_ms DESC, seq DESC LIMIT ?")
    .all(MAX_MESSAGE_EVENTS) as unknown as EventRow[];
  const events = await decodeEvents(store, rows);
  const groups = new Map<string, { event_type: string; message: string | null; model: string; occurrences: number; first: number; last: number; sessions: Set<string> }>();
  rows.forEach((r, i) => {
    const msg = message(events[i] as Record<string, unknown>);
    const model = r.model || "unknown";
    const key = JSON.stringify([r.event_type, msg, model]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { event_type: r.event_type, message: msg, model, occurrences: 0, first: r.ts_ms, last: r.ts_ms, sessions: new Set() }));
    g.occurrences++;
    g.first = Math.min(g.first, r.ts_ms);
    g.last = Math.max(g.last, r.ts_ms);
    g.sessions.add(r.session_id);
  });
  return [...groups.values()]
    .sort((a, b) => b.occurrences - a.occurrences || b.last - a.last)
    .slice(0, limit)
    .map((g) => ({ event_type: g.event_type, message: g.message, model: g.model, occurrences: g.occurrences, first_seen: iso(g.first), last_seen: iso(g.last), affected_sessions: g.sessions.size }));
}
