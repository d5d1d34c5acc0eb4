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
import type { ExportOptions, Progress, PrunedSession, PruneOptions, PruneResult, RunExport, RunsExport, StoreStats } from "./types.js";

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

/** `AND session_id NOT IN (sessions carrying an exempt tag)`, and its arguments; empty without tags. */
interface Exempt {
  sql: string;
  args: string[];
}

function exemptClause(tags: string[] | undefined): Exempt {
  const list = [...new Set((tags ?? []).filter((t) => typeof t === "string" && t !== ""))];
  if (list.length === 0) return { sql: "", args: [] };
  return { sql: ` AND session_id NOT IN (SELECT session_id FROM session_tags WHERE tag IN (${list.map(() => "?").join(",")}))`, args: list };
}

function chunks<T>(items: T[], size = PRUNE_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Each session's stored events (0 for one without). */
function eventCounts(store: StoreHandle, ids: string[]): Map<string, number> {
  const counts = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const part of chunks(ids)) {
    const rows = store.db.prepare(`SELECT session_id, COUNT(*) AS n FROM events WHERE session_id IN (${part.map(() => "?").join(",")}) GROUP BY session_id`).all(...part) as { session_id: string; n: number }[];
    for (const r of rows) counts.set(r.session_id, Number(r.n));
  }
  return counts;
}

/** Sums `sql` (one `IN (...)` list of ids, then `extra` arguments) over chunks of ids. */
function sumOver(store: StoreHandle, ids: string[], sql: (marks: string) => string, ...extra: number[]): number {
  return chunks(ids).reduce((a, part) => a + count(store, sql(part.map(() => "?").join(",")), ...part, ...extra), 0);
}

function deleteSessions(store: StoreHandle, chosen: PrunedSession[], result: PruneResult, listed: PrunedSession[]): void {
  if (chosen.length === 0) return;
  const ids = chosen.map((s) => s.session_id);
  const marks = ids.map(() => "?").join(",");
  store.db.exec("BEGIN IMMEDIATE");
  try {
    const events = eventCounts(store, ids);
    result.runs_deleted += Number(store.db.prepare(`DELETE FROM runs WHERE session_id IN (${marks})`).run(...ids).changes);
    // Events, tags, annotations and bookmarks go with their session (ON DELETE CASCADE).
    result.sessions_deleted += Number(store.db.prepare(`DELETE FROM sessions WHERE session_id IN (${marks})`).run(...ids).changes);
    store.db.exec("COMMIT");
    for (const s of chosen) {
      s.events = events.get(s.session_id) ?? 0;
      result.events_deleted += s.events;
      listed.push(s);
    }
  } catch (e) {
    store.db.exec("ROLLBACK");
    throw e;
  }
}

/**
 * The sessions the age bound (last activity before `cutoff`) and then the count bound (the
 * least recently active beyond `maxSessions`) choose, oldest first, exempt ones left out.
 */
function chooseByAgeAndCount(store: StoreHandle, cutoff: number | undefined, maxSessions: number | undefined, ex: Exempt): PrunedSession[] {
  const out: PrunedSession[] = [];
  const seen = new Set<string>();
  if (cutoff !== undefined) {
    const rows = store.db.prepare(`SELECT session_id FROM sessions WHERE last_ms < ?${ex.sql} ORDER BY last_ms, session_id`).all(cutoff, ...ex.args) as { session_id: string }[];
    for (const r of rows) {
      out.push({ session_id: r.session_id, reason: "age", events: 0 });
      seen.add(r.session_id);
    }
  }
  if (maxSessions !== undefined && maxSessions > 0) {
    let need = count(store, "SELECT COUNT(*) AS n FROM sessions") - out.length - Math.floor(maxSessions);
    if (need > 0) {
      // The age bound took the oldest non-exempt sessions: they lead this order too.
      const rows = store.db.prepare(`SELECT session_id FROM sessions WHERE 1 = 1${ex.sql} ORDER BY last_ms, session_id LIMIT ?`).all(...ex.args, need + out.length) as { session_id: string }[];
      for (const r of rows) {
        if (need <= 0) break;
        if (seen.has(r.session_id)) continue;
        out.push({ session_id: r.session_id, reason: "count", events: 0 });
        need--;
      }
    }
  }
  return out;
}

/** The least recently active sessions (not exempt, not in `skip`) whose payloads cover `excess`, at most `budget`. */
function coverExcess(store: StoreHandle, excess: number, budget: number, ex: Exempt, skip: Set<string>): PrunedSession[] {
  const out: PrunedSession[] = [];
  const page = store.db.prepare(`SELECT session_id, bytes FROM sessions WHERE 1 = 1${ex.sql} ORDER BY last_ms, session_id LIMIT ? OFFSET ?`);
  let covered = 0;
  for (let offset = 0; covered < excess && out.length < budget; offset += PRUNE_CHUNK) {
    const rows = page.all(...ex.args, PRUNE_CHUNK, offset) as { session_id: string; bytes: number }[];
    if (rows.length === 0) break;
    for (const r of rows) {
      if (covered >= excess || out.length >= budget) break;
      if (skip.has(r.session_id)) continue;
      out.push({ session_id: r.session_id, reason: "size", events: 0 });
      covered += Number(r.bytes);
    }
  }
  return out;
}

/** Pages cost more than the payload bytes (indexes, page slack): used bytes per payload byte. */
function pageRatio(store: StoreHandle, used: number): number {
  return Math.max(1, used / Math.max(1, count(store, "SELECT SUM(bytes) AS n FROM sessions")));
}

/** What deleting `chosen` (and the size bound after it) would delete; nothing is deleted. */
function dryRun(store: StoreHandle, o: PruneOptions, chosen: PrunedSession[], cutoff: number | undefined, budget: number, ex: Exempt, result: PruneResult): void {
  const ids = chosen.map((s) => s.session_id);
  if (o.retentionMaxBytes !== undefined && o.retentionMaxBytes > 0 && result.used_bytes_before > o.retentionMaxBytes) {
    const ratio = pageRatio(store, result.used_bytes_before);
    const freed = sumOver(store, ids, (m) => `SELECT SUM(bytes) AS n FROM sessions WHERE session_id IN (${m})`);
    const excess = (result.used_bytes_before - o.retentionMaxBytes) / ratio - freed;
    if (excess > 0) chosen.push(...coverExcess(store, excess, budget - chosen.length, ex, new Set(ids)));
  }
  const all = chosen.map((s) => s.session_id);
  const events = eventCounts(store, all);
  for (const s of chosen) {
    s.events = events.get(s.session_id) ?? 0;
    result.events_deleted += s.events;
  }
  result.sessions_deleted = chosen.length;
  result.runs_deleted = sumOver(store, all, (m) => `SELECT COUNT(*) AS n FROM runs WHERE session_id IN (${m})`);
  if (cutoff !== undefined) {
    const old = "COALESCE(completed_at, started_at) < ?";
    const runsEx = ex.sql ? ` AND (session_id IS NULL OR ${ex.sql.slice(5)})` : "";
    result.runs_deleted += count(store, `SELECT COUNT(*) AS n FROM runs WHERE ${old}${runsEx}`, cutoff, ...ex.args);
    result.runs_deleted -= sumOver(store, all, (m) => `SELECT COUNT(*) AS n FROM runs WHERE session_id IN (${m}) AND ${old}`, cutoff);
  }
  result.used_bytes_after = result.used_bytes_before;
  result.dry_run = true;
  result.sessions = chosen;
}

/**
 * Deletes sessions (with their events, runs, tags, annotations and bookmarks) last active
 * before the retention window, then the least recently active ones beyond `maxSessions`,
 * then the least recently active ones until the used bytes fit the budget. Sessions with
 * an exempt tag are never deleted. With `dryRun`, deletes nothing and reports what it would.
 */
export function prune(store: StoreHandle, o: PruneOptions): PruneResult {
  const now = o.now === undefined ? Date.now() : typeof o.now === "number" ? o.now : o.now.getTime();
  const result: PruneResult = { sessions_deleted: 0, runs_deleted: 0, events_deleted: 0, used_bytes_before: usedBytes(store), used_bytes_after: 0 };
  const ex = exemptClause(o.exemptTags);
  const cutoff = o.retentionDays !== undefined && o.retentionDays > 0 ? now - o.retentionDays * DAY_MS : undefined;
  const eligible = chooseByAgeAndCount(store, cutoff, o.maxSessions, ex);
  const budget = o.maxDeletions !== undefined && o.maxDeletions >= 0 ? Math.floor(o.maxDeletions) : Number.POSITIVE_INFINITY;
  if (o.maxDeletions !== undefined) result.sessions_eligible = eligible.length;
  const chosen = eligible.slice(0, budget);
  if (o.dryRun) {
    dryRun(store, o, chosen, cutoff, budget, ex, result);
    return result;
  }
  const listed: PrunedSession[] = [];
  for (const part of chunks(chosen)) deleteSessions(store, part, result, listed);
  if (cutoff !== undefined) {
    const runsEx = ex.sql ? ` AND (session_id IS NULL OR ${ex.sql.slice(5)})` : "";
    result.runs_deleted += Number(store.db.prepare(`DELETE FROM runs WHERE COALESCE(completed_at, started_at) < ?${runsEx}`).run(cutoff, ...ex.args).changes);
  }
  if (o.retentionMaxBytes !== undefined && o.retentionMaxBytes > 0) {
    for (let used = usedBytes(store); used > o.retentionMaxBytes && listed.length < budget; used = usedBytes(store)) {
      // Take the least recently active sessions whose payloads cover the excess (at
      // least one), so a small excess never deletes a whole chunk of sessions.
      const excess = (used - o.retentionMaxBytes) / pageRatio(store, used);
      const ids = coverExcess(store, Math.max(excess, Number.MIN_VALUE), Math.min(PRUNE_CHUNK, budget - listed.length), ex, new Set());
      if (ids.length === 0) break;
      deleteSessions(store, ids, result, listed);
    }
  }
  result.used_bytes_after = usedBytes(store);
  if (o.listSessions) result.sessions = listed;
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
