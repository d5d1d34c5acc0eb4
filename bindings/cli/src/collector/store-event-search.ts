/**
 * `GET /sessions/:id/events/search` (reference A.5): a session's events filtered by the
 * indexed columns in SQL (type, model, time, tokens, duration, the core's error flag) and,
 * when asked, by what only the payload holds (free-text terms, tool calls, reasoning),
 * which is decoded page by page since payloads may be sealed at rest.
 *
 * The summary covers every matched event (the original summed only the returned page,
 * though its SDK documents the matched events). Whether an event is an error is the
 * core's answer (`is_error`), not a list of type names.
 */
import { eventRowPages, lastSeq, sessionWhere, type EventFilter } from "./store-event-pages.js";
import { agentlensEvent, countSessionEvents, decodeEvents, escapeLike, type EventRow } from "./store-read.js";
import type { StoreHandle } from "./store-handle.js";
import type { WireEvent } from "./types.js";

/** One event's input and output tokens: what `min_tokens` and `max_tokens` bound. */
const EVENT_TOKENS = "(tokens_in + tokens_out)";

/** A parsed search (every list already split, trimmed and bounded by the route). */
export interface EventQuery {
  /** Terms that must all appear (case-insensitively) in the input, output, tool call, type, model or decision trace. */
  terms: string[];
  /** Event types, any of them (case-insensitive). */
  types: string[];
  /** Model name substrings, any of them (case-insensitive). */
  models: string[];
  afterMs?: number;
  beforeMs?: number;
  minTokens?: number;
  maxTokens?: number;
  minDurationMs?: number;
  errors: boolean;
  hasTools: boolean;
  hasReasoning: boolean;
  limit: number;
  offset: number;
}

/** Totals of the matched events: the original's `summary` keys. */
export interface EventSummary {
  tokens_in: number;
  tokens_out: number;
  total_tokens: number;
  total_duration_ms: number;
  event_types: Record<string, number>;
  models: Record<string, number>;
}

/** What a search found: the session's event count, the matches, their summary and one page of them. */
export interface EventSearchResult {
  total_events: number;
  matched: number;
  summary: EventSummary;
  events: WireEvent[];
}

function columnFilter(q: EventQuery): EventFilter {
  const sql: string[] = [];
  const args: (string | number)[] = [];
  const add = (cond: string, ...values: (string | number)[]) => {
    sql.push(cond);
    args.push(...values);
  };
  if (q.types.length) add("LOWER(event_type) IN (SELECT LOWER(value) FROM json_each(?))", JSON.stringify(q.types));
  if (q.models.length) {
    add(`model IS NOT NULL AND (${q.models.map(() => "LOWER(model) LIKE ? ESCAPE '\\'").join(" OR ")})`, ...q.models.map((m) => `%${escapeLike(m.toLowerCase())}%`));
  }
  if (q.afterMs !== undefined) add("ts_ms >= ?", q.afterMs);
  if (q.beforeMs !== undefined) add("ts_ms <= ?", q.beforeMs);
  if (q.minTokens !== undefined) add(`${EVENT_TOKENS} >= ?`, q.minTokens);
  if (q.maxTokens !== undefined) add(`${EVENT_TOKENS} <= ?`, q.maxTokens);
  if (q.minDurationMs !== undefined) add("COALESCE(duration_ms, 0) >= ?", q.minDurationMs);
  if (q.errors) add("is_error = 1");
  return { sql, args };
}

const text = (v: unknown) => (v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v));

/** Whether a decoded event passes the filters only its payload can answer. */
function payloadMatches(q: EventQuery, e: WireEvent): boolean {
  if (q.hasTools && (e.tool_call === null || typeof e.tool_call !== "object")) return false;
  if (q.hasReasoning) {
    const reasoning = (e.decision_trace as { reasoning?: unknown } | null | undefined)?.reasoning;
    if (typeof reasoning !== "string" || reasoning.trim() === "") return false;
  }
  if (q.terms.length === 0) return true;
  const hay = [e.input_data, e.output_data, e.tool_call, e.event_type, e.model, e.decision_trace].map(text).join("\n").toLowerCase();
  return q.terms.every((t) => hay.includes(t.toLowerCase()));
}

/** Running totals of matched events, turned into an {@link EventSummary} at the end. */
interface Tally {
  tin: number;
  tout: number;
  durationMs: number;
  types: Record<string, number>;
  models: Record<string, number>;
}

const emptyTally = (): Tally => ({ tin: 0, tout: 0, durationMs: 0, types: {}, models: {} });

/** Adds `n` events of one type and model, with their sums, to `t`. */
function tally(t: Tally, type: string, model: string | null, n: number, tin: number, tout: number, durationMs: number): void {
  t.tin += tin;
  t.tout += tout;
  t.durationMs += durationMs;
  t.types[type] = (t.types[type] ?? 0) + n;
  if (model) t.models[model] = (t.models[model] ?? 0) + n;
}

function summary(t: Tally): EventSummary {
  return {
    tokens_in: t.tin,
    tokens_out: t.tout,
    total_tokens: t.tin + t.tout,
    total_duration_ms: Math.round(t.durationMs * 100) / 100,
    event_types: t.types,
    models: t.models,
  };
}

/** Only column filters: SQL counts, sums and pages; only the returned page is decoded. */
async function byColumns(store: StoreHandle, id: string, q: EventQuery, filter: EventFilter): Promise<Omit<EventSearchResult, "total_events">> {
  const w = sessionWhere(id, lastSeq(store), filter);
  const t = emptyTally();
  const groups = store.db
    .prepare(`SELECT event_type, model, COUNT(*) AS n, SUM(tokens_in) AS tin, SUM(tokens_out) AS tout, SUM(COALESCE(duration_ms, 0)) AS d
      FROM events WHERE ${w.sql} GROUP BY event_type, model ORDER BY MIN(ts_ms), MIN(seq)`)
    .all(...w.args) as { event_type: string; model: string | null; n: number; tin: number; tout: number; d: number }[];
  let matched = 0;
  for (const g of groups) {
    matched += Number(g.n);
    tally(t, g.event_type, g.model, Number(g.n), Number(g.tin), Number(g.tout), Number(g.d));
  }
  const rows = store.db.prepare(`SELECT * FROM events WHERE ${w.sql} ORDER BY ts_ms, seq LIMIT ? OFFSET ?`).all(...w.args, q.limit, q.offset) as unknown as EventRow[];
  const events = (await decodeEvents(store, rows)).map(agentlensEvent);
  return { matched, summary: summary(t), events };
}

/** Payload filters too: every candidate is decoded, a page at a time; only the requested page is kept. */
async function byPayload(store: StoreHandle, id: string, q: EventQuery, filter: EventFilter): Promise<Omit<EventSearchResult, "total_events">> {
  const t = emptyTally();
  const events: WireEvent[] = [];
  let matched = 0;
  for (const rows of eventRowPages(store, id, lastSeq(store), filter)) {
    const decoded = await decodeEvents(store, rows);
    decoded.forEach((e, i) => {
      if (!payloadMatches(q, e)) return;
      if (matched >= q.offset && events.length < q.limit) events.push(agentlensEvent(e));
      matched++;
      const r = rows[i]!;
      tally(t, r.event_type, r.model, 1, Number(r.tokens_in), Number(r.tokens_out), Number(r.duration_ms ?? 0));
    });
  }
  return { matched, summary: summary(t), events };
}

/** Searches one session's events (the session must exist; the route checks). */
export async function searchEvents(store: StoreHandle, id: string, q: EventQuery): Promise<EventSearchResult> {
  const filter = columnFilter(q);
  const needsPayload = q.terms.length > 0 || q.hasTools || q.hasReasoning;
  const r = needsPayload ? await byPayload(store, id, q, filter) : await byColumns(store, id, q, filter);
  return { total_events: countSessionEvents(store, id), ...r };
}
