/**
 * The AgentLens backend's alert API (`/alerts/*`, reference A.5): rules over windowed
 * metrics, evaluated by the core (`evaluateMetricRules`), so a rule fires here exactly
 * when it fires in the SDK or the viewer over the same events. Rules are validated and
 * clamped by the core (`metricRule`); this file reads requests, stores and answers.
 *
 * Fixed from the original: a bad value is a 400 naming the field (never a 500, never a
 * stored NaN), `enabled`/`acknowledged` filters other than true/false are refused, ids are
 * checked, and acknowledging twice keeps the first time. Webhooks are not fired.
 */
import { alertMetrics, evaluateMetricRules, metricRule, type MetricRule, type MetricRuleSpec } from "@agentlens/sdk/analysis";
import { validId } from "../engine.js";
import { HttpError, limitParam, readObjectBody, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import {
  acknowledgeAlert, countRules, deleteRule, getRule, insertAlerts, insertRule, lastFired, listAlerts, listRules, loadSamples,
  MAX_ALERT_RULES, MAX_ALERT_SAMPLES, newAlertId, updateRule, type NewAlert, type StoredRule,
} from "../store-alerts.js";

/** The fields a client may set; any other key of the body is ignored. */
const EDITABLE = ["name", "metric", "operator", "threshold", "window_minutes", "agent_filter", "cooldown_minutes", "enabled"] as const;

/** A path id (rule or alert), or 400. */
function idParam(ctx: Context, name: string, label: string): string {
  const raw = ctx.params[name] ?? "";
  const id = validId(raw);
  if (!id || raw.length > 128) throw new HttpError(400, `Invalid ${label} ID format`);
  return id;
}

/** The body as a JSON object, or 400. */
const objectBody = (ctx: Context) => readObjectBody(ctx.req, ctx.config.maxBodyBytes, false);

/** The core's reading of `spec`, or 400 naming the field and what it must be (never the value). */
function validRule(spec: Record<string, unknown>): MetricRule {
  try {
    return metricRule(spec as unknown as MetricRuleSpec);
  } catch (e) {
    const err = e as Error & { field?: string; requirement?: string };
    if (err?.name === "AgentLensAnalysisError" && err.field && err.requirement) throw new HttpError(400, `${err.field} ${err.requirement}`);
    throw e;
  }
}

/** `true`/`false` query flags; absent or empty is undefined, anything else 400. */
function flagParam(ctx: Context, name: string): boolean | undefined {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  if (raw !== "true" && raw !== "false") throw new HttpError(400, `${name} must be true or false`);
  return raw === "true";
}

/** An ISO 8601 time query parameter as epoch ms; absent is undefined, unreadable 400. */
function timeParam(ctx: Context, name: string): number | undefined {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw new HttpError(400, `${name} must be an ISO 8601 timestamp`);
  return ms;
}

function listRulesRoute(ctx: Context): void {
  sendJson(ctx.res, 200, { rules: listRules(ctx.store, flagParam(ctx, "enabled")) });
}

async function createRule(ctx: Context): Promise<void> {
  const body = await objectBody(ctx);
  const spec: Record<string, unknown> = {};
  for (const k of EDITABLE) if (k in body) spec[k] = body[k];
  const rule = validRule(spec);
  if (countRules(ctx.store) >= MAX_ALERT_RULES) throw new HttpError(400, `Maximum of ${MAX_ALERT_RULES} alert rules reached; delete one first`);
  const now = Date.now();
  sendJson(ctx.res, 201, { rule: insertRule(ctx.store, newAlertId(now), rule, new Date(now).toISOString()) });
}

/** A stored rule in the form the core reads. */
function specOf(r: StoredRule): Record<string, unknown> {
  const { rule_id, name, metric, operator, threshold, window_minutes, agent_filter, cooldown_minutes, enabled } = r;
  return { rule_id, name, metric, operator, threshold, window_minutes, agent_filter, cooldown_minutes, enabled };
}

async function updateRuleRoute(ctx: Context): Promise<void> {
  const id = idParam(ctx, "id", "rule");
  const existing = getRule(ctx.store, id);
  if (!existing) throw new HttpError(404, "Rule not found");
  const body = await objectBody(ctx);
  const spec = specOf(existing);
  for (const k of EDITABLE) if (k in body) spec[k] = body[k];
  const rule = validRule(spec);
  const updated = updateRule(ctx.store, id, rule, new Date().toISOString());
  if (!updated) throw new HttpError(404, "Rule not found");
  sendJson(ctx.res, 200, { rule: updated });
}

function deleteRuleRoute(ctx: Context): void {
  const id = idParam(ctx, "id", "rule");
  if (!deleteRule(ctx.store, id)) throw new HttpError(404, "Rule not found");
  sendJson(ctx.res, 200, { deleted: true, rule_id: id });
}

function evaluate(ctx: Context): void {
  const rules = listRules(ctx.store, true);
  const now = Date.now();
  const longest = Math.max(0, ...rules.map((r) => r.window_minutes));
  const { samples, truncated } = rules.length ? loadSamples(ctx.store, now - longest * 60_000, now) : { samples: [], truncated: false };
  const results = evaluateMetricRules(rules.map(specOf) as unknown as MetricRuleSpec[], samples, { now, lastFired: lastFired(ctx.store) });
  const fired: NewAlert[] = [];
  const out = results.map((r) => {
    if (r.status !== "fired") return r;
    const alert = { alert_id: newAlertId(now), rule_id: r.rule_id, triggered_ms: now, metric_value: r.value, details: { threshold: r.threshold, operator: r.operator, window_minutes: r.window_minutes } };
    fired.push(alert);
    return { ...r, alert_id: alert.alert_id };
  });
  insertAlerts(ctx.store, fired);
  const count = (s: string) => results.filter((r) => r.status === s).length;
  sendJson(ctx.res, 200, {
    evaluated: results.length, fired: count("fired"), cooldown: count("cooldown"), ok: count("ok"), results: out,
    events_read: samples.length, truncated, evaluated_at: new Date(now).toISOString(),
  });
}

function listAlertsRoute(ctx: Context): void {
  const q = ctx.url.searchParams;
  const ruleRaw = q.get("rule_id");
  let ruleId: string | undefined;
  if (ruleRaw !== null && ruleRaw !== "") {
    ruleId = validId(ruleRaw) ?? undefined;
    if (!ruleId || ruleRaw.length > 128) throw new HttpError(400, "Invalid rule ID format");
  }
  const events = listAlerts(ctx.store, {
    ruleId, acknowledged: flagParam(ctx, "acknowledged"), afterMs: timeParam(ctx, "after"), beforeMs: timeParam(ctx, "before"),
    limit: limitParam(q.get("limit"), 50, 500),
  });
  sendJson(ctx.res, 200, { events, count: events.length });
}

function acknowledge(ctx: Context): void {
  const id = idParam(ctx, "id", "alert");
  if (!acknowledgeAlert(ctx.store, id, new Date().toISOString())) throw new HttpError(404, "Alert event not found");
  sendJson(ctx.res, 200, { acknowledged: true, alert_id: id });
}

function metrics(ctx: Context): void {
  sendJson(ctx.res, 200, alertMetrics());
}

const ruleId = { name: "id", in: "path" as const, description: "The rule's id" };
const q = (name: string, type: "string" | "integer" | "boolean", description: string) => ({ name, in: "query" as const, type, description });
const RULE_BODY =
  "{name, metric, operator, threshold, window_minutes?, agent_filter?, cooldown_minutes?, enabled?}: metric one of GET /alerts/metrics; " +
  "operator < > <= >= == !=; window_minutes clamped to 1..10080 (default 60), cooldown_minutes to 0..10080 (default 15)";

export const alertRoutes: Route[] = [
  {
    method: "GET", path: "/alerts/rules", auth: true, handle: listRulesRoute,
    doc: { summary: "Alert rules, newest first: {rules}", params: [q("enabled", "boolean", "Only enabled (true) or disabled (false) rules")], errors: [400, 401] },
  },
  {
    method: "POST", path: "/alerts/rules", auth: true, handle: createRule,
    doc: { summary: `Create an alert rule (at most ${MAX_ALERT_RULES}): {rule}`, status: 201, body: RULE_BODY, errors: [400, 401, 413] },
  },
  {
    method: "PUT", path: "/alerts/rules/{id}", auth: true, handle: updateRuleRoute,
    doc: { summary: "Change some fields of an alert rule: {rule}", params: [ruleId], body: `Any of ${RULE_BODY}`, errors: [400, 401, 404, 413] },
  },
  {
    method: "DELETE", path: "/alerts/rules/{id}", auth: true, handle: deleteRuleRoute,
    doc: { summary: "Delete an alert rule and its alerts: {deleted, rule_id}", params: [ruleId], errors: [400, 401, 404] },
  },
  {
    method: "POST", path: "/alerts/evaluate", auth: true, handle: evaluate,
    doc: {
      summary:
        `Evaluate every enabled rule now (by the core): {evaluated, fired, cooldown, ok, results[{…, current_value, value, triggered, status, alert_id?}], events_read, truncated}; ` +
        `reads at most ${MAX_ALERT_SAMPLES} of the newest events of the longest window (truncated: true beyond); fired alerts are stored`,
      errors: [401],
    },
  },
  {
    method: "GET", path: "/alerts/events", auth: true, handle: listAlertsRoute,
    doc: {
      summary: "Fired alerts, newest first, with their rule's name, metric, operator and threshold: {events, count}",
      params: [
        q("rule_id", "string", "Only this rule's alerts"), q("acknowledged", "boolean", "Only acknowledged (true) or open (false) alerts"),
        q("after", "string", "ISO 8601: fired at or after"), q("before", "string", "ISO 8601: fired at or before"),
        q("limit", "integer", "At most this many (default 50, max 500)"),
      ],
      errors: [400, 401],
    },
  },
  {
    method: "PUT", path: "/alerts/events/{id}/acknowledge", auth: true, handle: acknowledge,
    doc: { summary: "Acknowledge a fired alert: {acknowledged, alert_id}", params: [{ name: "id", in: "path", description: "The alert's id" }], errors: [400, 401, 404] },
  },
  { method: "GET", path: "/alerts/metrics", auth: true, handle: metrics, doc: { summary: "The metrics a rule may watch, with descriptions, and the operators: {metrics, operators}", errors: [401] } },
];
