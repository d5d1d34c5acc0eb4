/**
 * Listings of what the store holds, for `agentlens sessions` and `agentlens runs`: the
 * indexed columns only (nothing is decoded, so a listing costs the same with encryption),
 * newest first, with the number of matches for paging. Statuses are read as stored; this
 * file decides nothing about what they mean.
 */
import { escapeLike, SESSION_COLUMNS } from "./store-read.js";
import type { StoreHandle } from "./store-handle.js";
import type { RunListQuery, RunSummary, SessionListQuery, SessionSummary } from "./types.js";

type Where = { sql: string; args: (string | number)[] };

function where(parts: [string, string | number | undefined][]): Where {
  const kept = parts.filter(([, v]) => v !== undefined && v !== "");
  return {
    sql: kept.length ? `WHERE ${kept.map(([c]) => c).join(" AND ")}` : "",
    args: kept.map(([, v]) => v as string | number),
  };
}

function count(store: StoreHandle, table: string, w: Where): number {
  return Number((store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} ${w.sql}`).get(...w.args) as { n: number }).n);
}

/** Sessions matching `q`, newest first (by start, then id), and how many match in all. */
export function listSessions(store: StoreHandle, q: SessionListQuery): { sessions: SessionSummary[]; total: number } {
  const w = where([
    ["agent_name LIKE ? ESCAPE '\\'", q.agent ? `%${escapeLike(q.agent)}%` : undefined],
    ["status = ?", q.status],
    ["started_ms >= ?", q.startedFrom],
    ["started_ms <= ?", q.startedTo],
  ]);
  const rows = store.db
    .prepare(`SELECT ${SESSION_COLUMNS} FROM sessions ${w.sql} ORDER BY started_ms DESC, session_id LIMIT ? OFFSET ?`)
    .all(...w.args, q.limit, q.offset) as unknown as SessionSummary[];
  const sessions = rows.map((r) => ({
    session_id: r.session_id,
    agent_name: r.agent_name,
    status: r.status,
    started_at: r.started_at,
    ended_at: r.ended_at,
    event_count: Number(r.event_count),
    total_tokens_in: Number(r.total_tokens_in),
    total_tokens_out: Number(r.total_tokens_out),
  }));
  return { sessions, total: count(store, "sessions", w) };
}

/** Runs matching `q`, newest first (by start, then id), with their step counts. */
export function listRuns(store: StoreHandle, q: RunListQuery): { runs: RunSummary[]; total: number } {
  const w = where([
    ["session_id = ?", q.sessionId],
    ["status = ?", q.status],
    ["started_at >= ?", q.startedFrom],
    ["started_at <= ?", q.startedTo],
  ]);
  const steps = "(SELECT COUNT(*) FROM events e WHERE e.run_id = runs.id AND e.event_type != 'run_end')";
  const rows = store.db
    .prepare(
      `SELECT id, name, status, started_at, completed_at, duration_ms, agent_type, user_id, session_id, parent_run_id, created_at,
        ${steps} AS step_count FROM runs ${w.sql} ORDER BY started_at DESC, id LIMIT ? OFFSET ?`,
    )
    .all(...w.args, q.limit, q.offset) as unknown as RunSummary[];
  return { runs: rows.map((r) => ({ ...r, step_count: Number(r.step_count) })), total: count(store, "runs", w) };
}

/** Whether a run or a session with this id is stored. */
export function has(store: StoreHandle, kind: "run" | "session", id: string): boolean {
  const sql = kind === "run" ? "SELECT 1 AS x FROM runs WHERE id = ?" : "SELECT 1 AS x FROM sessions WHERE session_id = ?";
  return store.db.prepare(sql).get(id) !== undefined;
}
