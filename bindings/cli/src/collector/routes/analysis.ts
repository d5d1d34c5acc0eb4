/**
 * Analysis over stored sessions, computed by the core's engines: compliance, drift,
 * cost forecast and alert rules. The engines' own errors (a bad policy or rule, an empty
 * window) are 400s carrying the engine's message, which names the rule, never the data.
 *
 * Bounded: what one request may load ({@link MAX_EVENTS} events over all its sessions,
 * {@link MAX_SESSION_IDS} ids per drift window, a window of at most {@link MAX_WINDOW_MINUTES}),
 * how much work it may ask of the engines ({@link MAX_RULES} alert rules and
 * {@link MAX_RULE_EVENTS} rule × event evaluations; {@link MAX_POLICY_RULES} policy rules),
 * each a 400 naming the limit; and how long it may run (the runner's deadline, then 503).
 * The engines run in the analysis worker (`analysis-runner.ts`), never on the thread that
 * answers `/health` and ingests events.
 */
import { compliancePreset } from "@agentlens/sdk/analysis";
import { HttpError, numberParam, parseJson, readBody, sendJson } from "../http.js";
import { validId } from "../engine.js";
import type { AnalysisJobName } from "../analysis-runner.js";
import type { Context, Route } from "../router.js";
import { decodeEvents, sessionTrace as storedTrace, type EventRow } from "../store-read.js";
import { storedPricing } from "../store-pricing.js";
import type { WireEvent } from "../types.js";

/** Events one analysis request may load, over all its sessions (413 beyond). */
export const MAX_EVENTS = 100_000;
/** Session ids per drift window. */
export const MAX_SESSION_IDS = 1_000;
/** Alert rules per `POST /analysis/alerts`. */
export const MAX_RULES = 1_000;
/**
 * Rules × events per `POST /analysis/alerts`: each rule reads every event and a fired
 * alert lists the events it matched. 10,000 rules over 5,000 events (50 M) took 44 s and
 * over 2 GB, with a 224 MB answer; 5 M takes about 2 s.
 */
export const MAX_RULE_EVENTS = 5_000_000;
/** The recent window `POST /analysis/alerts` may read, in minutes (7 days). */
export const MAX_WINDOW_MINUTES = 10_080;
/** Rules of one compliance policy. */
export const MAX_POLICY_RULES = 1_000;
/** The largest `history_days` of the forecast. */
export const MAX_HISTORY_DAYS = 365;

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
  constructor(public left = MAX_EVENTS) {}

  take(n: number, limit = MAX_EVENTS): void {
    this.left -= n;
    if (this.left < 0) throw new HttpError(413, `The sessions named hold more than ${limit} events; analyse fewer at once`);
  }
}

/** Rows read and decoded at a time; other requests are served between pages. */
const PAGE_ROWS = 2_000;

/**
 * The events `where` selects, oldest first, at most `limit`, read in pages (keyset over the
 * `(ts_ms, seq)` order of the indexes): a synchronous read of 100,000 rows held the event
 * loop for over half a second, and `/health` with it.
 */
async function pagedEvents(ctx: Context, where: string, args: (string | number)[], limit: number): Promise<WireEvent[]> {
  const stmt = ctx.store.db.prepare(`SELECT * FROM events WHERE ${where} AND (ts_ms, seq) > (?, ?) ORDER BY ts_ms, seq LIMIT ?`);
  const out: WireEvent[] = [];
  let after: [number, number] = [Number.MIN_SAFE_INTEGER, -1];
  while (out.length < limit) {
    const want = Math.min(PAGE_ROWS, limit - out.length);
    const rows = stmt.all(...args, after[0], after[1], want) as unknown as EventRow[];
    for (const e of await decodeEvents(ctx.store, rows)) out.push(e);
    if (rows.length < want) break;
    const last = rows[rows.length - 1]!;
    after = [last.ts_ms, last.seq];
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

async function sessionTrace(ctx: Context, raw: unknown, label = "session_id", budget = new EventBudget()): Promise<WireEvent[]> {
  const id = validId(raw);
  if (!id) throw new HttpError(400, `${label} must be a valid session id`);
  // The store's trace without its events: the synthesized start, and the end if it ended.
  const [start, ...end] = (await storedTrace(ctx.store, id, 0)) ?? [];
  if (!start) throw new HttpError(404, "Session not found");
  // One more than the budget allows, so that a session over it is refused, not cut.
  const events = await pagedEvents(ctx, "session_id = ?", [id], budget.left + 1);
  budget.take(1 + events.length + end.length);
  return [start, ...events, ...end];
}

/** Runs `job` in the analysis worker; an engine's named error is a 400 with its message. */
async function engine<T>(ctx: Context, job: AnalysisJobName, args: Record<string, unknown>): Promise<T> {
  try {
    return (await ctx.config.analysis.run(job, args)) as T;
  } catch (e) {
    const name = (e as Error)?.name ?? "";
    if (!(e instanceof HttpError) && name.startsWith("AgentLens")) throw new HttpError(400, (e as Error).message);
    throw e;
  }
}

async function compliance(ctx: Context): Promise<void> {
  const b = await body(ctx);
  let policy = b.policy;
  if (policy === undefined) {
    const preset = b.preset ?? "strict";
    if (preset !== "strict" && preset !== "permissive") throw new HttpError(400, "preset must be strict or permissive");
    policy = compliancePreset(preset);
  }
  if (typeof policy !== "object" || policy === null) throw new HttpError(400, "policy must be an object");
  const rules = (policy as { rules?: unknown }).rules;
  if (Array.isArray(rules) && rules.length > MAX_POLICY_RULES) throw new HttpError(400, `policy.rules may hold at most ${MAX_POLICY_RULES} rules`);
  const events = await sessionTrace(ctx, b.session_id);
  const r = await engine<{ report: unknown; text: string }>(ctx, "compliance", { policy, events });
  sendJson(ctx.res, 200, { session_id: validId(b.session_id), report: r.report, text: r.text });
}

async function drift(ctx: Context): Promise<void> {
  const b = await body(ctx);
  if (!Array.isArray(b.baseline) || !Array.isArray(b.current)) throw new HttpError(400, "baseline and current must be arrays of session ids");
  for (const side of ["baseline", "current"] as const) {
    if ((b[side] as unknown[]).length > MAX_SESSION_IDS) throw new HttpError(400, `${side} may name at most ${MAX_SESSION_IDS} sessions`);
  }
  // One after another, each id once, within one event budget for the whole request.
  const budget = new EventBudget();
  const load = async (ids: unknown[], label: string) => {
    const out: WireEvent[][] = [];
    for (const id of new Set(ids)) out.push(await sessionTrace(ctx, id, label, budget));
    return out;
  };
  const baseline = await load(b.baseline, "baseline");
  const current = await load(b.current, "current");
  const threshold = typeof b.threshold === "number" ? b.threshold : undefined;
  const r = await engine<{ report: unknown; text: string }>(ctx, "drift", { baseline, current, options: threshold === undefined ? {} : { threshold } });
  sendJson(ctx.res, 200, { report: r.report, text: r.text });
}

/** The events since `sinceMs`, oldest first, at most `limit`. */
function recentEvents(ctx: Context, sinceMs: number, limit: number): Promise<WireEvent[]> {
  return pagedEvents(ctx, "ts_ms >= ?", [sinceMs], limit);
}

async function forecastRoute(ctx: Context): Promise<void> {
  const q = ctx.url.searchParams;
  const days = numberParam(q.get("days")) ?? 7;
  const historyDays = numberParam(q.get("history_days")) ?? 30;
  if (!(historyDays > 0 && historyDays <= MAX_HISTORY_DAYS)) throw new HttpError(400, `history_days must be more than 0 and at most ${MAX_HISTORY_DAYS}`);
  const method = (q.get("method") ?? "auto") as "auto" | "linear" | "ema" | "average";
  if (!["auto", "linear", "ema", "average"].includes(method)) throw new HttpError(400, "method must be auto, linear, ema or average");
  // The window's first MAX_EVENTS events. Usage records are the core's
  // (`forecast::records_from_events`, priced by the cost engine): an unpriced model is
  // reported, never priced at zero silently.
  const events = await recentEvents(ctx, Date.now() - historyDays * 86_400_000, MAX_EVENTS);
  const monthlyBudget = numberParam(q.get("monthly_budget"));
  const out = await engine<Record<string, unknown>>(ctx, "forecast", { events, pricing: storedPricing(ctx.store), days, method, monthlyBudget });
  if (out.empty) throw new HttpError(400, "No priced LLM calls in the history window to forecast from");
  sendJson(ctx.res, 200, out);
}

/** The rules of a request (`{rules:[…]}` or `[…]`), checked against {@link MAX_RULES}. */
function ruleSet(b: Record<string, unknown>): { rules: unknown[] } {
  if (typeof b.rules !== "object" || b.rules === null) throw new HttpError(400, "rules must be a rule set {rules:[...]}");
  const set = (Array.isArray(b.rules) ? { rules: b.rules } : b.rules) as { rules?: unknown };
  // A set without a rules array is the core's to refuse, naming what is missing.
  const rules = Array.isArray(set.rules) ? set.rules : [];
  if (rules.length > MAX_RULES) throw new HttpError(400, `rules may hold at most ${MAX_RULES} rules (got ${rules.length})`);
  return set as { rules: unknown[] };
}

/** The events an alert request reads: a session, or the recent window; within the rule × event budget. */
async function alertEvents(ctx: Context, b: Record<string, unknown>, ruleCount: number): Promise<WireEvent[]> {
  const cap = Math.min(MAX_EVENTS, Math.floor(MAX_RULE_EVENTS / Math.max(1, ruleCount)));
  const over = (n: string) =>
    new HttpError(400, `${ruleCount} rules over ${n} events is more than ${MAX_RULE_EVENTS} rule × event evaluations; send fewer rules or a shorter window`);
  if (b.session_id !== undefined) {
    const trace = await sessionTrace(ctx, b.session_id, "session_id", new EventBudget(MAX_EVENTS));
    if (trace.length > cap) throw over(String(trace.length));
    return trace;
  }
  const raw = b.window_minutes ?? 60;
  if (typeof raw !== "number" || !(raw > 0 && raw <= MAX_WINDOW_MINUTES)) {
    throw new HttpError(400, `window_minutes must be a number more than 0 and at most ${MAX_WINDOW_MINUTES}`);
  }
  // One more than the cap tells that the window holds more.
  const events = await recentEvents(ctx, Date.now() - raw * 60_000, cap + 1);
  if (events.length > cap) throw over(`more than ${cap}`);
  return events;
}

async function alerts(ctx: Context): Promise<void> {
  const b = await body(ctx);
  const rules = ruleSet(b);
  const events = await alertEvents(ctx, b, rules.rules.length);
  // Checked by the core: a rule it cannot read is a 400 naming the rule.
  const fired = await engine<unknown[]>(ctx, "alerts", { rules, events });
  sendJson(ctx.res, 200, { evaluated_events: events.length, fired });
}

const BUSY = "; 503 when the analysis runs past its deadline or too many wait";

export const analysisRoutes: Route[] = [
  {
    method: "POST",
    path: "/analysis/compliance",
    auth: true,
    handle: compliance,
    doc: {
      summary: `Check a session against a compliance policy (or a preset); at most ${MAX_POLICY_RULES} policy rules, ${MAX_EVENTS} events (413 beyond)${BUSY}`,
      body: "{ session_id, policy?: {name, rules}, preset?: 'strict'|'permissive' }",
      errors: [400, 401, 404, 413, 503],
    },
  },
  {
    method: "POST",
    path: "/analysis/drift",
    auth: true,
    handle: drift,
    doc: {
      summary: `Behavioural drift between two windows of sessions; at most ${MAX_SESSION_IDS} ids per window and ${MAX_EVENTS} events in all (413 beyond)${BUSY}`,
      body: "{ baseline: string[], current: string[], threshold?: number }",
      errors: [400, 401, 404, 413, 503],
    },
  },
  {
    method: "GET",
    path: "/analysis/forecast",
    auth: true,
    handle: forecastRoute,
    doc: {
      summary: `Daily cost forecast from the stored LLM calls (the window's first ${MAX_EVENTS} events), with spending summary and optional budget check${BUSY}`,
      params: [
        { name: "days", in: "query", type: "integer" },
        { name: "history_days", in: "query", type: "integer", description: `Days of history read (default 30, at most ${MAX_HISTORY_DAYS})` },
        { name: "method", in: "query" }, { name: "monthly_budget", in: "query", type: "number" },
      ],
      errors: [400, 401, 503],
    },
  },
  {
    method: "POST",
    path: "/analysis/alerts",
    auth: true,
    handle: alerts,
    doc: {
      summary:
        `Evaluate alert rules over a session or the recent window: at most ${MAX_RULES} rules, ${MAX_RULE_EVENTS} rules × events, ` +
        `window_minutes at most ${MAX_WINDOW_MINUTES} (default 60)${BUSY}`,
      body: "{ rules: {rules:[...]}, session_id?: string, window_minutes?: number }",
      errors: [400, 401, 404, 413, 503],
    },
  },
];
