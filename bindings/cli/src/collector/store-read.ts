/// <reference types="node" />
/**
 * AgentLens-compatible reads (reference A.5): sessions, their events, search, explain,
 * compare. Shapes follow the AgentLens backend; a session's token totals are the ones
 * the writer stored by the core's rule (nothing here picks between sums and an end's).
 */
import { compareMetrics as coreCompareMetrics, explainBackend } from "./engine.js";
import type { StoreHandle } from "./store-handle.js";
import type { WireEvent } from "./types.js";

/** A row of the sessions table as the reads select it (`SESSION_COLUMNS`). */
export interface StoredSession {
  session_id: string;
  agent_name: string;
  started_at: string;
  started_ms: number;
  ended_at: string | null;
  status: string;
  metadata: Uint8Array | null;
  total_tokens_in: number;
  total_tokens_out: number;
  event_count: number;
  last_ms: number;
}

export interface EventRow {
  seq: number;
  event_id: string;
  session_id: string;
  run_id: string | null;
  event_type: string;
  timestamp: string;
  ts_ms: number;
  model: string | null;
  name: string | null;
  status: string | null;
  tokens_in: number;
  tokens_out: number;
  duration_ms: number | null;
  is_error: number;
  payload: Uint8Array;
}

/** Columns of a session as the API reports it. */
export const SESSION_COLUMNS = `session_id, agent_name, started_at, started_ms, ended_at, status, metadata,
  total_tokens_in, total_tokens_out, event_count, last_ms`;

export const SESSION_STATUSES = new Set(["active", "completed", "error", "timeout"]);

export function getStoredSession(store: StoreHandle, id: string): StoredSession | undefined {
  return store.db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE session_id = ?`).get(id) as StoredSession | undefined;
}

/** A session row in the AgentLens API shape (metadata decoded). */
export async function sessionView(store: StoreHandle, r: StoredSession): Promise<Record<string, unknown>> {
  const metadata = r.metadata ? await store.decode(new Uint8Array(r.metadata)) : {};
  return {
    session_id: r.session_id,
    agent_name: r.agent_name,
    started_at: r.started_at,
    ended_at: r.ended_at,
    metadata: metadata ?? {},
    total_tokens_in: r.total_tokens_in,
    total_tokens_out: r.total_tokens_out,
    status: r.status,
  };
}

/** Stored events decoded back to wire events (in row order). */
export async function decodeEvents(store: StoreHandle, rows: EventRow[]): Promise<WireEvent[]> {
  return Promise.all(
    rows.map(async (r) => {
      const v = await store.decode(new Uint8Array(r.payload));
      return v && typeof v === "object" ? (v as WireEvent) : { event_id: r.event_id, session_id: r.session_id, event_type: r.event_type };
    }),
  );
}

/** An event in the AgentLens read shape: missing payloads as `{}`, absent nested models as `null`. */
export function agentlensEvent(e: WireEvent): WireEvent {
  return {
    ...e,
    input_data: e.input_data ?? {},
    output_data: e.output_data ?? {},
    model: e.model ?? null,
    tool_call: e.tool_call ?? null,
    decision_trace: e.decision_trace ?? null,
    duration_ms: e.duration_ms ?? null,
  };
}

export function sessionEventRows(store: StoreHandle, id: string, limit = -1, offset = 0): EventRow[] {
  return store.db
    .prepare("SELECT * FROM events WHERE session_id = ? ORDER BY ts_ms, seq LIMIT ? OFFSET ?")
    .all(id, limit, offset) as unknown as EventRow[];
}

export function countSessionEvents(store: StoreHandle, id: string): number {
  return (store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE session_id = ?").get(id) as { n: number }).n;
}

/** The whole trace of a session: synthesized start, stored events, synthesized end. */
export async function sessionTrace(store: StoreHandle, id: string, maxEvents = -1): Promise<WireEvent[] | null> {
  const row = getStoredSession(store, id);
  if (!row) return null;
  const view = await sessionView(store, row);
  const events = await decodeEvents(store, sessionEventRows(store, id, maxEvents));
  const start: WireEvent = {
    event_type: "session_start",
    session_id: id,
    agent_name: row.agent_name,
    metadata: view.metadata,
    timestamp: row.started_at,
  };
  const out = [start, ...events];
  if (row.ended_at) {
    out.push({
      event_type: "session_end",
      session_id: id,
      ended_at: row.ended_at,
      status: row.status,
      total_tokens_in: row.total_tokens_in,
      total_tokens_out: row.total_tokens_out,
    });
  }
  return out;
}

/** The backend explanation (capped at 5000 events, as the AgentLens backend). */
export async function explain(store: StoreHandle, id: string): Promise<string | null> {
  const trace = await sessionTrace(store, id, 5000);
  return trace ? explainBackend(trace, store.redact) : null;
}

export interface SearchParams {
  q?: string;
  agent?: string;
  status?: string;
  after?: string;
  before?: string;
  minTokens?: number;
  maxTokens?: number;
  /** Tags a session must all carry (already normalised). */
  tags?: string[];
  sort: "started_at" | "total_tokens" | "agent_name" | "status";
  order: "asc" | "desc";
  limit: number;
  offset: number;
}

const SORT_SQL: Record<SearchParams["sort"], string> = {
  started_at: "started_ms",
  total_tokens: "(total_tokens_in + total_tokens_out)",
  agent_name: "agent_name",
  status: "status",
};

/**
 * `GET /sessions/search`. SQL narrows by the indexed columns; the free-text terms (ANDed,
 * over agent name and metadata) are matched after decoding, since metadata may be
 * encrypted at rest.
 */
export async function searchSessions(store: StoreHandle, p: SearchParams): Promise<{ sessions: Record<string, unknown>[]; total: number }> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (p.agent) {
    where.push("agent_name LIKE ? ESCAPE '\\'");
    args.push(`%${escapeLike(p.agent)}%`);
  }
  if (p.status) {
    where.push("status = ?");
    args.push(p.status);
  }
  const after = p.after ? Date.parse(p.after) : NaN;
  if (Number.isFinite(after)) {
    where.push("started_ms >= ?");
    args.push(after);
  }
  const before = p.before ? Date.parse(p.before) : NaN;
  if (Number.isFinite(before)) {
    where.push("started_ms <= ?");
    args.push(before);
  }
  const total = SORT_SQL.total_tokens;
  if (p.minTokens !== undefined) {
    where.push(`${total} >= ?`);
    args.push(p.minTokens);
  }
  if (p.maxTokens !== undefined) {
    where.push(`${total} <= ?`);
    args.push(p.maxTokens);
  }
  if (p.tags?.length) {
    const tags = [...new Set(p.tags)];
    where.push("session_id IN (SELECT session_id FROM session_tags WHERE tag IN (SELECT value FROM json_each(?)) GROUP BY session_id HAVING COUNT(*) = ?)");
    args.push(JSON.stringify(tags), tags.length);
  }
  const sql = `SELECT ${SESSION_COLUMNS} FROM sessions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY ${SORT_SQL[p.sort]} ${p.order === "asc" ? "ASC" : "DESC"}, session_id`;
  const terms = (p.q ?? "").toLowerCase().split(/\s+/).filter(Boolean).slice(0, 10);
  if (terms.length === 0) {
    const count = store.db.prepare(`SELECT COUNT(*) AS n FROM sessions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`).get(...args) as { n: number };
    const rows = store.db.prepare(`${sql} LIMIT ? OFFSET ?`).all(...args, p.limit, p.offset) as unknown as StoredSession[];
    return { sessions: await Promise.all(rows.map((r) => sessionView(store, r))), total: count.n };
  }
  const matched: Record<string, unknown>[] = [];
  for (const r of store.db.prepare(sql).all(...args) as unknown as StoredSession[]) {
    const view = await sessionView(store, r);
    const hay = `${r.agent_name} ${JSON.stringify(view.metadata)}`.toLowerCase();
    if (terms.every((t) => hay.includes(t))) matched.push(view);
  }
  return { sessions: matched.slice(p.offset, p.offset + p.limit), total: matched.length };
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Per-session figures for `POST /sessions/compare`: the core's compare metrics
 * (`stats::compare_metrics`) over the session's trace, its first `cap` events.
 */
export async function compareMetrics(store: StoreHandle, id: string, cap: number) {
  const row = getStoredSession(store, id);
  if (!row) return null;
  const trace = await sessionTrace(store, id, cap);
  return { truncated: row.event_count > cap, metrics: coreCompareMetrics(trace ?? []) };
}
