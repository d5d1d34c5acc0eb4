/// <reference types="node" />
/**
 * Maintenance: statistics, retention, backup and export (the CLI's `stats`, `prune`,
 * `backup`, `export`).
 */
import { existsSync, statSync } from "node:fs";
import { StoreError } from "./errors.js";
import { getStoredSession, sessionTrace, sessionView } from "./store-read.js";
import { getRun, runEvents, runSteps } from "./store-runs.js";
import type { StoreHandle } from "./store-handle.js";
import type { ExportOptions, Progress, PruneOptions, PruneResult, RunExport, RunsExport, StoreStats } from "./types.js";

const DAY_MS = 86_400_000;
const PRUNE_CHUNK = 50;

function count(store: StoreHandle, sql: string, ...args: (string | number)[]): number {
  return Number((store.db.prepare(sql).get(...args) as { n: number | null }).n ?? 0);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Bytes of pages in use: what retention by size bounds (free pages are reused). */
export function usedBytes(store: StoreHandle): number {
  const pages = count(store, "SELECT page_count AS n FROM pragma_page_count()");
  const free = count(store, "SELECT freelist_count AS n FROM pragma_freelist_count()");
  const size = count(store, "SELECT page_size AS n FROM pragma_page_size()");
  return (pages - free) * size;
}

export function stats(store: StoreHandle, schemaVersion: number): StoreStats {
  const runs = store.db.prepare("SELECT status, COUNT(*) AS n FROM runs GROUP BY status").all() as { status: string; n: number }[];
  const byStatus = (s: string) => runs.find((r) => r.status === s)?.n ?? 0;
  const range = store.db.prepare("SELECT MIN(ts_ms) AS lo, MAX(ts_ms) AS hi FROM events").get() as { lo: number | null; hi: number | null };
  const pageSize = count(store, "SELECT page_size AS n FROM pragma_page_size()");
  return {
    path: store.path,
    schema_version: schemaVersion,
    encrypted: store.encrypted,
    compressed: store.compressed,
    total_sessions: count(store, "SELECT COUNT(*) AS n FROM sessions"),
    active_sessions: count(store, "SELECT COUNT(*) AS n FROM sessions WHERE status = 'active'"),
    total_events: count(store, "SELECT COUNT(*) AS n FROM events"),
    total_runs: runs.reduce((a, r) => a + r.n, 0),
    running_runs: byStatus("running"),
    completed_runs: byStatus("completed"),
    failed_runs: byStatus("failed"),
    total_steps: count(store, "SELECT COUNT(*) AS n FROM events WHERE run_id IS NOT NULL AND event_type != 'run_end'"),
    recent_runs_24h: count(store, "SELECT COUNT(*) AS n FROM runs WHERE started_at > ?", Date.now() - DAY_MS),
    db_size_bytes: count(store, "SELECT page_count AS n FROM pragma_page_count()") * pageSize || fileSize(store.path),
    used_bytes: usedBytes(store),
    wal_size_bytes: fileSize(`${store.path}-wal`),
    payload_bytes: count(store, "SELECT SUM(LENGTH(payload)) AS n FROM events"),
    oldest_event: range.lo === null ? null : new Date(range.lo).toISOString(),
    newest_event: range.hi === null ? null : new Date(range.hi).toISOString(),
  };
}

function deleteSessions(store: StoreHandle, ids: string[], result: PruneResult): void {
  if (ids.length === 0) return;
  const marks = ids.map(() => "?").join(",");
  store.db.exec("BEGIN IMMEDIATE");
  try {
    result.events_deleted += count(store, `SELECT COUNT(*) AS n FROM events WHERE session_id IN (${marks})`, ...ids);
    result.runs_deleted += Number(store.db.prepare(`DELETE FROM runs WHERE session_id IN (${marks})`).run(...ids).changes);
    // Events go with their session (ON DELETE CASCADE).
    result.sessions_deleted += Number(store.db.prepare(`DELETE FROM sessions WHERE session_id IN (${marks})`).run(...ids).changes);
    store.db.exec("COMMIT");
  } catch (e) {
    store.db.exec("ROLLBACK");
    throw e;
  }
}

/**
 * Deletes sessions (with their events and runs) last active before the retention
 * window, then the least recently active ones until the used bytes fit the budget.
 */
export function prune(store: StoreHandle, o: PruneOptions): PruneResult {
  const now = o.now === undefined ? Date.now() : typeof o.now === "number" ? o.now : o.now.getTime();
  const result: PruneResult = { sessions_deleted: 0, runs_deleted: 0, events_deleted: 0, used_bytes_before: usedBytes(store), used_bytes_after: 0 };
  if (o.retentionDays !== undefined && o.retentionDays > 0) {
    const cutoff = now - o.retentionDays * DAY_MS;
    for (;;) {
      const ids = (store.db.prepare("SELECT session_id FROM sessions WHERE last_ms < ? LIMIT ?").all(cutoff, PRUNE_CHUNK) as { session_id: string }[]).map((r) => r.session_id);
      if (ids.length === 0) break;
      deleteSessions(store, ids, result);
    }
    result.runs_deleted += Number(store.db.prepare("DELETE FROM runs WHERE COALESCE(completed_at, started_at) < ?").run(cutoff).changes);
  }
  if (o.retentionMaxBytes !== undefined && o.retentionMaxBytes > 0) {
    const oldest = store.db.prepare("SELECT session_id, bytes FROM sessions ORDER BY last_ms, session_id LIMIT ?");
    for (let used = usedBytes(store); used > o.retentionMaxBytes; used = usedBytes(store)) {
      // Take the least recently active sessions whose payloads cover the excess (at
      // least one), so a small excess never deletes a whole chunk of sessions.
      // Pages cost more than the payload bytes (indexes, page slack): scale by the ratio.
      const payload = count(store, "SELECT SUM(bytes) AS n FROM sessions");
      const excess = (used - o.retentionMaxBytes) / Math.max(1, used / Math.max(1, payload));
      const ids: string[] = [];
      let covered = 0;
      for (const r of oldest.all(PRUNE_CHUNK) as { session_id: string; bytes: number }[]) {
        ids.push(r.session_id);
        covered += r.bytes;
        if (covered >= excess) break;
      }
      if (ids.length === 0) break;
      deleteSessions(store, ids, result);
    }
  }
  result.used_bytes_after = usedBytes(store);
  return result;
}

/** `VACUUM INTO`: a consistent copy while the collector keeps writing. */
export function backup(store: StoreHandle, path: string): void {
  if (typeof path !== "string" || path === "") throw new StoreError("backup: a target path is required");
  if (existsSync(path)) throw new StoreError("backup: the target file already exists");
  store.db.prepare("VACUUM INTO ?").run(path);
}

async function exportRun(store: StoreHandle, id: string): Promise<RunExport | null> {
  const run = getRun(store, id);
  if (!run) return null;
  const { steps } = await runSteps(store, id, { withData: true });
  // The run's end is not a step (Agent Inspector); it goes beside the timeline so an
  // import restores the run's status and duration.
  const end = (await runEvents(store, id)).find((e) => e.event_type === "run_end");
  return end ? { run, timeline: steps, run_end: end } : { run, timeline: steps };
}

/**
 * Agent Inspector export JSON: one run; or one session (its runs, and its run-less events
 * with its start and end); or all runs (newest first) plus their sessions and the run-less ones.
 */
export async function exportRuns(store: StoreHandle, o: ExportOptions, onProgress?: Progress): Promise<RunExport | RunsExport> {
  if (o.runId !== undefined) {
    const one = await exportRun(store, o.runId);
    if (!one) throw new StoreError(`run not found`);
    onProgress?.(1, 1);
    return one;
  }
  if (o.sessionId !== undefined) {
    if (!getStoredSession(store, o.sessionId)) throw new StoreError("session not found");
    const ids = (store.db.prepare("SELECT id FROM runs WHERE session_id = ? ORDER BY started_at DESC, id").all(o.sessionId) as { id: string }[]).map((r) => r.id);
    return exportMany(store, ids, [o.sessionId], onProgress);
  }
  if (!o.all) throw new StoreError("exportRuns: give runId, sessionId or all");
  const limit = o.limit !== undefined && o.limit > 0 ? Math.floor(o.limit) : 1000;
  const ids = (store.db.prepare("SELECT id FROM runs ORDER BY started_at DESC, id LIMIT ?").all(limit) as { id: string }[]).map((r) => r.id);
  const sessionIds = (store.db
    .prepare(`SELECT session_id FROM sessions WHERE session_id IN (SELECT session_id FROM runs WHERE id IN (SELECT id FROM runs ORDER BY started_at DESC, id LIMIT ?))
      OR session_id NOT IN (SELECT session_id FROM runs WHERE session_id IS NOT NULL) ORDER BY started_ms DESC LIMIT ?`)
    .all(limit, limit) as { session_id: string }[]).map((r) => r.session_id);
  return exportMany(store, ids, sessionIds, onProgress);
}

async function exportMany(store: StoreHandle, ids: string[], sessionIds: string[], onProgress?: Progress): Promise<RunsExport> {
  const total = ids.length + sessionIds.length;
  const out: RunsExport = { format: "agentlens-collector-export", version: 1, exported_at: new Date().toISOString(), total: ids.length, runs: [], sessions: [] };
  let done = 0;
  for (const id of ids) {
    const one = await exportRun(store, id);
    if (one) out.runs.push(one);
    onProgress?.(++done, total);
  }
  for (const sid of sessionIds) {
    const row = getStoredSession(store, sid);
    const trace = await sessionTrace(store, sid);
    if (row && trace) {
      out.sessions.push({ session: await sessionView(store, row), events: trace.filter((e) => e.run_id === undefined || e.run_id === null) });
    }
    onProgress?.(++done, total);
  }
  return out;
}
