/// <reference types="node" />
/**
 * The SQL of `GET /analytics/performance` and the heatmaps (`GET /analytics/heatmap`,
 * `GET /heatmap`): everything is aggregated inside SQLite over the indexed columns the
 * writer stored (`ts_ms`, `duration_ms`, `model`, `event_type`, tokens), so a request
 * returns a few hundred rows whatever the window holds. Latency percentiles are read as
 * the sorted positions they interpolate between (window functions), never as the whole
 * list of durations.
 */
import type { StoreHandle } from "./store-handle.js";

/** The percentiles the AgentLens backend reports. */
export const PERCENTILES = [50, 75, 90, 95, 99] as const;

/** Filters of `GET /analytics/performance`: events since `sinceMs` with a positive duration. */
export interface PerfFilter {
  sinceMs: number;
  agent?: string;
  model?: string;
}

/** One group's figures: counts, sums and the durations at the positions percentiles need. */
export interface PerfGroup {
  key: string;
  count: number;
  totalMs: number;
  tin: number;
  tout: number;
  firstMs: number;
  lastMs: number;
  /** Durations by 0-based sorted position (min, max and each percentile's neighbours). */
  sorted: Map<number, number>;
}

function where(f: PerfFilter): { join: string; sql: string; args: (string | number)[] } {
  const args: (string | number)[] = [f.sinceMs];
  let sql = "e.duration_ms > 0 AND e.ts_ms >= ?";
  let join = "";
  if (f.agent) {
    join = "JOIN sessions s ON s.session_id = e.session_id";
    sql += " AND s.agent_name = ?";
    args.push(f.agent);
  }
  if (f.model) {
    sql += " AND e.model = ?";
    args.push(f.model);
  }
  return { join, sql, args };
}

/** The grouping expressions: all events as one group, by model, by event type. */
const GROUP_BY = { all: "''", model: "COALESCE(e.model, '(unknown)')", type: "e.event_type" } as const;

/** Which sorted positions to keep: first, last, and the two around each percentile. */
const POSITIONS = ["i = 0", "i = n - 1", ...PERCENTILES.flatMap((p) => [`i = (${p} * (n - 1)) / 100`, `i = (${p} * (n - 1) + 99) / 100`])].join(" OR ");

/** Per-group figures of the events `f` selects, grouped by `by` (largest total duration first). */
export function perfGroups(store: Pick<StoreHandle, "db">, f: PerfFilter, by: keyof typeof GROUP_BY): PerfGroup[] {
  const w = where(f);
  const g = GROUP_BY[by];
  const sums = store.db
    .prepare(
      `SELECT ${g} AS k, COUNT(*) AS n, SUM(e.duration_ms) AS ms, SUM(e.tokens_in) AS tin, SUM(e.tokens_out) AS tout,
        MIN(e.ts_ms) AS first_ms, MAX(e.ts_ms) AS last_ms
      FROM events e ${w.join} WHERE ${w.sql} GROUP BY k ORDER BY ms DESC, n DESC, k`,
    )
    .all(...w.args) as { k: string; n: number; ms: number; tin: number; tout: number; first_ms: number; last_ms: number }[];
  const groups = new Map<string, PerfGroup>();
  for (const r of sums) {
    groups.set(r.k, { key: r.k, count: r.n, totalMs: r.ms, tin: r.tin, tout: r.tout, firstMs: r.first_ms, lastMs: r.last_ms, sorted: new Map() });
  }
  if (groups.size === 0) return [];
  const positions = store.db
    .prepare(
      `SELECT k, i, d FROM (
        SELECT k, d, ROW_NUMBER() OVER (PARTITION BY k ORDER BY d) - 1 AS i, COUNT(*) OVER (PARTITION BY k) AS n
        FROM (SELECT ${g} AS k, e.duration_ms AS d FROM events e ${w.join} WHERE ${w.sql})
      ) WHERE ${POSITIONS}`,
    )
    .all(...w.args) as { k: string; i: number; d: number }[];
  for (const r of positions) groups.get(r.k)?.sorted.set(r.i, r.d);
  return [...groups.values()];
}

/** The p-th percentile of a group, interpolated linearly between sorted neighbours (as the backend). */
export function percentileOf(g: PerfGroup, p: number): number {
  const at = (p / 100) * (g.count - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = g.sorted.get(lo) ?? 0;
  const b = g.sorted.get(hi) ?? a;
  return lo === hi ? a : a + (b - a) * (at - lo);
}

/** What a heatmap counts. */
export type HeatMetric = "events" | "tokens" | "sessions";

/** Filters of a heatmap: a lower bound (and optionally an upper one) in epoch ms, an agent. */
export interface HeatFilter {
  sinceMs?: number;
  untilMs?: number;
  agent?: string;
}

/** One populated (day of week, hour) cell, UTC, Sunday = 0. */
export interface HeatCell {
  dow: number;
  hour: number;
  value: number;
}

/** The populated cells of a heatmap of `metric` over the rows `f` selects. */
export function heatCells(store: Pick<StoreHandle, "db">, metric: HeatMetric, f: HeatFilter): HeatCell[] {
  const sessions = metric === "sessions";
  const ts = sessions ? "s.started_ms" : "e.ts_ms";
  const conds: string[] = [];
  const args: (string | number)[] = [];
  if (f.sinceMs !== undefined) {
    conds.push(`${ts} >= ?`);
    args.push(f.sinceMs);
  }
  if (f.untilMs !== undefined) {
    conds.push(`${ts} <= ?`);
    args.push(f.untilMs);
  }
  if (f.agent) {
    conds.push("s.agent_name = ?");
    args.push(f.agent);
  }
  const from = sessions ? "sessions s" : f.agent ? "events e JOIN sessions s ON s.session_id = e.session_id" : "events e";
  // One row per populated cell; the two token sums are added per cell below.
  const value = metric === "events" || sessions ? "COUNT(*) AS a, 0 AS b" : "SUM(e.tokens_in) AS a, SUM(e.tokens_out) AS b";
  const rows = store.db
    .prepare(
      `SELECT CAST(strftime('%w', ${ts} / 1000, 'unixepoch') AS INTEGER) AS dow,
        CAST(strftime('%H', ${ts} / 1000, 'unixepoch') AS INTEGER) AS hour, ${value}
      FROM ${from} ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""} GROUP BY dow, hour`,
    )
    .all(...args) as { dow: number; hour: number; a: number | null; b: number | null }[];
  return rows.map((r) => ({ dow: r.dow, hour: r.hour, value: Number(r.a ?? 0) + Number(r.b ?? 0) }));
}
