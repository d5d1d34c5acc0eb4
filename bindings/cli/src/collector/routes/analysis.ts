/**
 * Analysis over stored sessions, computed by the core's engines: compliance, drift,
 * cost forecast and alert rules. The engines' own errors (a bad policy or rule, an empty
 * window) are 400s carrying the engine's message, which names the rule, never the data.
 */
import { checkBudget, checkCompliance, compliancePreset, createAlertEngine, detectDrift, forecast, spendingSummary, usageRecords, type AlertRules } from "@agentlens/sdk/analysis";
import { HttpError, numberParam, parseJson, readBody, sendJson } from "../http.js";
import { validId } from "../engine.js";
import type { Context, Route } from "../router.js";
import { decodeEvents, sessionTrace as storedTrace, type EventRow } from "../store-read.js";
import { storedPricing } from "../store-pricing.js";
import type { WireEvent } from "../types.js";

const MAX_EVENTS = 100_000;

async function body(ctx: Context): Promise<Record<string, unknown>> {
  const b = parseJson(await readBody(ctx.req, ctx.config.maxBodyBytes));
  if (typeof b !== "object" || b === null || Array.isArray(b)) throw new HttpError(400, "The request body must be a JSON object");
  return b as Record<string, unknown>;
}

/**
 * How many events one analysis request may load, over all its sessions: the engines run
 * in memory, and one request naming a large session a thousand times must not take the
 * collector down.
 */
class EventBudget {
  left = MAX_EVENTS;

  take(n: number): void {
    this.left -= n;
    if (this.left < 0) throw new HttpError(413, `The sessions named hold more than ${MAX_EVENTS} events; analyse fewer at once`);
  }
}

async function sessionTrace(ctx: Context, raw: unknown, label = "session_id", budget = new EventBudget()): Promise<WireEvent[]> {
  const id = validId(raw);
  if (!id) throw new HttpError(400, `${label} must be a valid session id`);
  // One more than the budget allows, so that a session over it is refused, not cut.
  const trace = await storedTrace(ctx.store, id, budget.left + 1);
  if (!trace) throw new HttpError(404, "Session not found");
  budget.take(trace.length);
  return trace;
}

function engine<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const name = (e as Error)?.name ?? "";
    if (name.startsWith("AgentLens")) throw new HttpError(400, (e as Error).message);
    throw e;
  }
}

async function compliance(ctx: Context): Promise<void> {
  const b = await body(ctx);
  const events = await sessionTrace(ctx, b.session_id);
  let policy = b.policy;
  if (policy === undefined) {
    const preset = b.preset ?? "strict";
    if (preset !== "strict" && preset !== "permissive") throw new HttpError(400, "preset must be strict or permissive");
    policy = compliancePreset(preset);
  }
  if (typeof policy !== "object" || policy === null) throw new HttpError(400, "policy must be an object");
  const r = engine(() => checkCompliance(policy as Record<string, unknown>, events));
  sendJson(ctx.res, 200, { session_id: validId(b.session_id), report: r.report, text: r.text });
}

async function drift(ctx: Context): Promise<void> {
  const b = await body(ctx);
  if (!Array.isArray(b.baseline) || !Array.isArray(b.current)) throw new HttpError(400, "baseline and current must be arrays of session ids");
  // One after another, each id once, within one event budget for the whole request.
  const budget = new EventBudget();
  const load = async (ids: unknown[], label: string) => {
    const out: WireEvent[][] = [];
    for (const id of new Set(ids.slice(0, 1000))) out.push(await sessionTrace(ctx, id, label, budget));
    return out;
  };
  const baseline = await load(b.baseline, "baseline");
  const current = await load(b.current, "current");
  const threshold = typeof b.threshold === "number" ? b.threshold : undefined;
  const r = engine(() => detectDrift(baseline, current, threshold === undefined ? {} : { threshold }));
  sendJson(ctx.res, 200, { report: r.report, text: r.text });
}

function recentRows(ctx: Context, sinceMs: number): EventRow[] {
  return ctx.store.db
    .prepare("SELECT * FROM events WHERE ts_ms >= ? ORDER BY ts_ms, seq LIMIT ?")
    .all(sinceMs, MAX_EVENTS) as unknown as EventRow[];
}

async function forecastRoute(ctx: Context): Promise<void> {
  const q = ctx.url.searchParams;
  const days = numberParam(q.get("days")) ?? 7;
  const historyDays = numberParam(q.get("history_days")) ?? 30;
  const method = (q.get("method") ?? "auto") as "auto" | "linear" | "ema" | "average";
  if (!["auto", "linear", "ema", "average"].includes(method)) throw new HttpError(400, "method must be auto, linear, ema or average");
  const rows = ctx.store.db
    .prepare("SELECT * FROM events WHERE ts_ms >= ? ORDER BY ts_ms, seq LIMIT ?")
    .all(Date.now() - historyDays * 86_400_000, MAX_EVENTS) as unknown as EventRow[];
  // Usage records are the core's (`forecast::records_from_events`, priced by the cost
  // engine): an unpriced model is reported, never priced at zero silently.
  const usage = usageRecords(await decodeEvents(ctx.store, rows), { pricing: storedPricing(ctx.store) });
  const records = usage.records;
  if (records.length === 0) throw new HttpError(400, "No priced LLM calls in the history window to forecast from");
  const result = engine(() => forecast(records, { days, method }));
  const out: Record<string, unknown> = {
    forecast: result,
    summary: engine(() => spendingSummary(records)),
    records: records.length,
    unpriced: usage.unpriced,
    unpriced_models: usage.unpriced_models,
  };
  const budget = numberParam(q.get("monthly_budget"));
  if (budget !== undefined) out.budget = engine(() => checkBudget(records, budget));
  sendJson(ctx.res, 200, out);
}

async function alerts(ctx: Context): Promise<void> {
  const b = await body(ctx);
  if (typeof b.rules !== "object" || b.rules === null) throw new HttpError(400, "rules must be a rule set {rules:[...]}");
  let events: WireEvent[];
  if (b.session_id !== undefined) events = await sessionTrace(ctx, b.session_id);
  else {
    const minutes = typeof b.window_minutes === "number" && b.window_minutes > 0 ? b.window_minutes : 60;
    events = await decodeEvents(ctx.store, recentRows(ctx, Date.now() - minutes * 60_000));
  }
  // Checked by the core: a rule it cannot read is a 400 naming the rule.
  const rules = (Array.isArray(b.rules) ? { rules: b.rules } : b.rules) as AlertRules;
  const alertEngine = engine(() => createAlertEngine(rules));
  try {
    const fired = engine(() => alertEngine.evaluate(events));
    sendJson(ctx.res, 200, { evaluated_events: events.length, fired });
  } finally {
    alertEngine.free();
  }
}

export const analysisRoutes: Route[] = [
  {
    method: "POST",
    path: "/analysis/compliance",
    auth: true,
    handle: compliance,
    doc: { summary: "Check a session against a compliance policy (or a preset)", body: "{ session_id, policy?: {name, rules}, preset?: 'strict'|'permissive' }", errors: [400, 401, 404] },
  },
  {
    method: "POST",
    path: "/analysis/drift",
    auth: true,
    handle: drift,
    doc: { summary: "Behavioural drift between two windows of sessions", body: "{ baseline: string[], current: string[], threshold?: number }", errors: [400, 401, 404] },
  },
  {
    method: "GET",
    path: "/analysis/forecast",
    auth: true,
    handle: forecastRoute,
    doc: {
      summary: "Daily cost forecast from the stored LLM calls, with spending summary and optional budget check",
      params: [
        { name: "days", in: "query", type: "integer" }, { name: "history_days", in: "query", type: "integer" },
        { name: "method", in: "query" }, { name: "monthly_budget", in: "query", type: "number" },
      ],
      errors: [400, 401],
    },
  },
  {
    method: "POST",
    path: "/analysis/alerts",
    auth: true,
    handle: alerts,
    doc: { summary: "Evaluate alert rules over a session or the recent window", body: "{ rules: {rules:[...]}, session_id?: string, window_minutes?: number }", errors: [400, 401, 404] },
  },
];
