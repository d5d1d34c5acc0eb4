/// <reference types="node" />
/**
 * The retention policy users manage through `/retention/config` (the `retention_config`
 * table, one JSON value per key), its statistics, and the purge that applies it. A purge
 * is `store.prune` (the engine of `agentlens prune`) with the policy's bounds: age, session
 * count and exempt tags. This module decides nothing about HTTP; the routes validate input.
 */
import type { StoreHandle } from "./store-handle.js";
import type { CollectorLog, PruneResult, Store } from "./types.js";

/** The retention policy (the AgentLens backend's keys and defaults). */
export interface RetentionConfig {
  /** Sessions last active longer ago than this are purged; 0 disables. */
  max_age_days: number;
  /** At most this many sessions are kept (the least recently active go first); 0 = unlimited. */
  max_sessions: number;
  /** Sessions carrying any of these tags are never purged. */
  exempt_tags: string[];
  /** The collector purges by itself: once at start, then hourly. */
  auto_purge: boolean;
}

/** The policy of a store that never stored one. */
export const DEFAULT_RETENTION: Readonly<RetentionConfig> = Object.freeze({ max_age_days: 90, max_sessions: 0, exempt_tags: [], auto_purge: false });

/** The bounds `PUT /retention/config` accepts (the AgentLens backend's). */
export const RETENTION_LIMITS = { maxAgeDays: 3650, maxSessions: 1_000_000, exemptTags: 50, tagLength: 64 } as const;

/** What a purge needs of a store: its database and the prune engine. */
export type RetentionStore = StoreHandle & Pick<Store, "prune">;

const isCount = (v: unknown, max: number): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max;
const isTagList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= RETENTION_LIMITS.exemptTags && v.every((t) => typeof t === "string" && t.length > 0 && t.length <= RETENTION_LIMITS.tagLength);

/** The stored policy over the defaults; a stored value that is not valid is ignored. */
export function retentionConfig(store: Pick<StoreHandle, "db">): RetentionConfig {
  const config: RetentionConfig = { ...DEFAULT_RETENTION, exempt_tags: [] };
  const rows = store.db.prepare("SELECT key, value FROM retention_config").all() as { key: string; value: string }[];
  for (const { key, value } of rows) {
    let v: unknown;
    try {
      v = JSON.parse(value);
    } catch {
      continue;
    }
    if (key === "max_age_days" && isCount(v, RETENTION_LIMITS.maxAgeDays)) config.max_age_days = v;
    else if (key === "max_sessions" && isCount(v, RETENTION_LIMITS.maxSessions)) config.max_sessions = v;
    else if (key === "exempt_tags" && isTagList(v)) config.exempt_tags = v;
    else if (key === "auto_purge" && typeof v === "boolean") config.auto_purge = v;
  }
  return config;
}

/** Stores every key of `config` in one transaction. */
export function saveRetentionConfig(store: Pick<StoreHandle, "db">, config: RetentionConfig): void {
  const upsert = store.db.prepare(
    "INSERT INTO retention_config (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
  );
  const now = new Date().toISOString();
  store.db.exec("BEGIN IMMEDIATE");
  try {
    for (const key of ["max_age_days", "max_sessions", "exempt_tags", "auto_purge"] as const) upsert.run(key, JSON.stringify(config[key]), now);
    store.db.exec("COMMIT");
  } catch (e) {
    store.db.exec("ROLLBACK");
    throw e;
  }
}

/** Options of {@link purge}. */
export interface PurgeOptions {
  /** Report what would be purged; delete nothing. */
  dryRun?: boolean;
  /** Purge at most this many sessions in this call. */
  maxDeletions?: number;
  /** The current time, ms since the epoch; default `Date.now()`. */
  now?: number;
}

/** Applies `config` through the prune engine; the result lists each session and its reason. */
export function purge(store: RetentionStore, config: RetentionConfig, o: PurgeOptions = {}): PruneResult {
  return store.prune({
    retentionDays: config.max_age_days,
    maxSessions: config.max_sessions,
    exemptTags: config.exempt_tags,
    listSessions: true,
    ...(o.dryRun ? { dryRun: true } : {}),
    ...(o.maxDeletions !== undefined ? { maxDeletions: o.maxDeletions } : {}),
    ...(o.now !== undefined ? { now: o.now } : {}),
  });
}

const DAY_MS = 86_400_000;

/** Sessions and events held, by age (of their start) and status, and how many the policy would purge. */
export function retentionStats(store: RetentionStore, config: RetentionConfig, now = Date.now()) {
  const one = (sql: string, ...args: number[]) => store.db.prepare(sql).get(...args) as Record<string, number | string | null>;
  const sessions = Number(one("SELECT COUNT(*) AS n FROM sessions").n ?? 0);
  const events = Number(one("SELECT COUNT(*) AS n FROM events").n ?? 0);
  const range = one("SELECT MIN(started_at) AS oldest, MAX(started_at) AS newest FROM sessions");
  const ages = one(
    `SELECT SUM(age <= 1) AS last_24h, SUM(age > 1 AND age <= 7) AS last_7d, SUM(age > 7 AND age <= 30) AS last_30d,
       SUM(age > 30 AND age <= 90) AS last_90d, SUM(age > 90) AS older FROM (SELECT (? - started_ms) / ${DAY_MS}.0 AS age FROM sessions)`,
    now,
  );
  const statuses = store.db.prepare("SELECT status, COUNT(*) AS n FROM sessions GROUP BY status ORDER BY status").all() as { status: string; n: number }[];
  return {
    sessions,
    events,
    avg_events_per_session: sessions > 0 ? Math.round((events / sessions) * 10) / 10 : 0,
    oldest_session: range.oldest ?? null,
    newest_session: range.newest ?? null,
    age_breakdown: Object.fromEntries(["last_24h", "last_7d", "last_30d", "last_90d", "older"].map((k) => [k, Number(ages[k] ?? 0)])),
    status_breakdown: Object.fromEntries(statuses.map((r) => [r.status, Number(r.n)])),
    eligible_for_purge: purge(store, config, { dryRun: true, now }).sessions_deleted,
    config,
  };
}

/** How often an auto-purging collector applies its policy. */
export const AUTO_PURGE_INTERVAL_MS = 3_600_000;

/** A running auto-purge timer; see {@link startAutoPurge}. */
export interface AutoPurge {
  /** Stops the timer (a purge in progress has already finished: purges are synchronous). */
  stop(): void;
}

/**
 * Purges by the stored policy now and then every `intervalMs`, each time only if the
 * policy says `auto_purge` (read afresh, so a change through the API takes effect at the
 * next tick). The timer is unref'd: it never keeps a process alive. A purge cannot overlap
 * another (the timer's or a request's): node:sqlite is synchronous, so each runs to its end
 * before any other JavaScript does. A failed purge is logged, never thrown.
 */
export function startAutoPurge(store: RetentionStore, log: CollectorLog, intervalMs = AUTO_PURGE_INTERVAL_MS): AutoPurge {
  const tick = () => {
    try {
      const config = retentionConfig(store);
      if (!config.auto_purge) return;
      const r = purge(store, config);
      if (r.sessions_deleted > 0) log("info", `retention: purged ${r.sessions_deleted} sessions and ${r.events_deleted} events`);
    } catch (e) {
      log("warn", `retention: the automatic purge failed (${(e as Error)?.name ?? "Error"})`);
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
