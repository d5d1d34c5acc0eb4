/**
 * The alert tables (`alert_rules`, `alert_events`, schema v3) and the samples an
 * evaluation reads from `events`. Storage only: what a rule means, its clamps and whether
 * it fires are the core's (`metricRule`, `evaluateMetricRules` in `@agentlens/sdk/analysis`).
 */
import { randomBytes } from "node:crypto";
import type { MetricRule, MetricSample } from "@agentlens/sdk/analysis";
import type { StoreHandle } from "./store-handle.js";

type Db = Pick<StoreHandle, "db">;

/** At most this many rules (the backend's bound: each evaluation runs every rule). */
export const MAX_ALERT_RULES = 100;

/**
 * At most this many events are read for one evaluation (the newest of the longest
 * enabled window, itself at most 7 days). Beyond it the oldest events of the window are
 * left out, and the evaluation says so (`truncated`).
 */
export const MAX_ALERT_SAMPLES = 100_000;

/** One stored rule, as the API shows it. */
export interface StoredRule {
  rule_id: string;
  name: string;
  metric: string;
  operator: string;
  threshold: number;
  window_minutes: number;
  agent_filter: string | null;
  enabled: boolean;
  cooldown_minutes: number;
  created_at: string;
  updated_at: string;
}

const RULE_COLUMNS = "rule_id, name, metric, operator, threshold, window_minutes, agent_filter, enabled, cooldown_minutes, created_at, updated_at";

const ruleOf = (r: Record<string, unknown>): StoredRule => ({ ...(r as unknown as StoredRule), enabled: Boolean(r.enabled) });

/** A new id: the time in base 36 and 48 random bits (the backend's form). */
export function newAlertId(nowMs: number): string {
  return `${nowMs.toString(36)}-${randomBytes(6).toString("hex")}`;
}

/** Every rule (or only the enabled or disabled ones), newest first. */
export function listRules(store: Db, enabled?: boolean): StoredRule[] {
  const where = enabled === undefined ? "" : "WHERE enabled = ?";
  const sql = `SELECT ${RULE_COLUMNS} FROM alert_rules ${where} ORDER BY created_at DESC, rowid DESC`;
  const rows = enabled === undefined ? store.db.prepare(sql).all() : store.db.prepare(sql).all(enabled ? 1 : 0);
  return rows.map(ruleOf);
}

/** One rule, or undefined. */
export function getRule(store: Db, id: string): StoredRule | undefined {
  const r = store.db.prepare(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE rule_id = ?`).get(id);
  return r ? ruleOf(r) : undefined;
}

/** How many rules there are. */
export function countRules(store: Db): number {
  return Number((store.db.prepare("SELECT COUNT(*) AS n FROM alert_rules").get() as { n: number }).n);
}

/** Stores a rule the core validated, under `id`; returns it as stored. */
export function insertRule(store: Db, id: string, r: MetricRule, now: string): StoredRule {
  store.db
    .prepare(`INSERT INTO alert_rules (${RULE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(id, r.name, r.metric, r.operator, r.threshold, r.window_minutes, r.agent_filter, r.enabled ? 1 : 0, r.cooldown_minutes, now, now);
  return getRule(store, id)!;
}

/** Replaces a rule's fields with `r` (validated by the core); returns it as stored. */
export function updateRule(store: Db, id: string, r: MetricRule, now: string): StoredRule | undefined {
  store.db
    .prepare(`UPDATE alert_rules SET name = ?, metric = ?, operator = ?, threshold = ?, window_minutes = ?, agent_filter = ?,
      enabled = ?, cooldown_minutes = ?, updated_at = ? WHERE rule_id = ?`)
    .run(r.name, r.metric, r.operator, r.threshold, r.window_minutes, r.agent_filter, r.enabled ? 1 : 0, r.cooldown_minutes, now, id);
  return getRule(store, id);
}

/** Deletes a rule and (by the foreign key) its alerts; whether there was one. */
export function deleteRule(store: Db, id: string): boolean {
  return Number(store.db.prepare("DELETE FROM alert_rules WHERE rule_id = ?").run(id).changes) > 0;
}

/** When each rule last fired (epoch ms), by rule id. */
export function lastFired(store: Db): Record<string, number> {
  const rows = store.db.prepare("SELECT rule_id, MAX(triggered_ms) AS at FROM alert_events GROUP BY rule_id").all() as { rule_id: string; at: number }[];
  return Object.fromEntries(rows.map((r) => [r.rule_id, Number(r.at)]));
}

/**
 * The events in `[sinceMs, nowMs]` as the core's samples (columns only: no payload is
 * read), newest first, at most `cap`; `truncated` when the window held more.
 */
export function loadSamples(store: Db, sinceMs: number, nowMs: number, cap = MAX_ALERT_SAMPLES): { samples: MetricSample[]; truncated: boolean } {
  const rows = store.db
    .prepare(`SELECT e.ts_ms, e.session_id, s.agent_name, e.is_error, e.tokens_in, e.tokens_out, e.duration_ms, s.started_ms
      FROM events e JOIN sessions s ON s.session_id = e.session_id
      WHERE e.ts_ms >= ? AND e.ts_ms <= ? ORDER BY e.ts_ms DESC, e.seq DESC LIMIT ?`)
    .all(sinceMs, nowMs, cap + 1) as Record<string, number | string | null>[];
  const truncated = rows.length > cap;
  const samples = rows.slice(0, cap).map((r) => ({
    ts_ms: Number(r.ts_ms),
    session_id: String(r.session_id),
    agent_name: r.agent_name === null ? null : String(r.agent_name),
    is_error: Number(r.is_error) !== 0,
    tokens_in: Number(r.tokens_in),
    tokens_out: Number(r.tokens_out),
    duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
    session_started_ms: Number(r.started_ms),
  }));
  return { samples, truncated };
}

/** A fired alert to store. */
export interface NewAlert {
  alert_id: string;
  rule_id: string;
  triggered_ms: number;
  metric_value: number;
  details: Record<string, unknown>;
}

/** Stores fired alerts, all or none. */
export function insertAlerts(store: Db, alerts: NewAlert[]): void {
  if (alerts.length === 0) return;
  const db = store.db;
  const insert = db.prepare(`INSERT INTO alert_events (alert_id, rule_id, triggered_at, triggered_ms, metric_value, details)
    VALUES (?, ?, ?, ?, ?, ?)`);
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const a of alerts) {
      insert.run(a.alert_id, a.rule_id, new Date(a.triggered_ms).toISOString(), a.triggered_ms, a.metric_value, JSON.stringify(a.details));
    }
    db.exec("COMMIT");
  } catch (e) {
    db.exec("ROLLBACK");
    throw e;
  }
}

/** Which alerts to list. */
export interface AlertQuery {
  ruleId?: string;
  acknowledged?: boolean;
  afterMs?: number;
  beforeMs?: number;
  limit: number;
}

/** Fired alerts with their rule's name, metric, operator and threshold, newest first. */
export function listAlerts(store: Db, q: AlertQuery): Record<string, unknown>[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.ruleId !== undefined) (where.push("ae.rule_id = ?"), args.push(q.ruleId));
  if (q.acknowledged !== undefined) (where.push("ae.acknowledged = ?"), args.push(q.acknowledged ? 1 : 0));
  if (q.afterMs !== undefined) (where.push("ae.triggered_ms >= ?"), args.push(q.afterMs));
  if (q.beforeMs !== undefined) (where.push("ae.triggered_ms <= ?"), args.push(q.beforeMs));
  const sql = `SELECT ae.alert_id, ae.rule_id, ae.triggered_at, ae.metric_value, ae.details, ae.acknowledged, ae.acknowledged_at,
      ar.name AS rule_name, ar.metric, ar.operator, ar.threshold
    FROM alert_events ae JOIN alert_rules ar ON ar.rule_id = ae.rule_id
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY ae.triggered_ms DESC, ae.rowid DESC LIMIT ?`;
  const rows = store.db.prepare(sql).all(...args, q.limit) as Record<string, unknown>[];
  return rows.map((r) => ({ ...r, acknowledged: Boolean(r.acknowledged) }));
}

/** Marks an alert acknowledged (keeping the first acknowledgement's time); whether it exists. */
export function acknowledgeAlert(store: Db, id: string, now: string): boolean {
  const r = store.db.prepare("UPDATE alert_events SET acknowledged = 1, acknowledged_at = COALESCE(acknowledged_at, ?) WHERE alert_id = ?").run(now, id);
  return Number(r.changes) > 0;
}
