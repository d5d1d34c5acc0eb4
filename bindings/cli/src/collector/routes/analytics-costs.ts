/**
 * `GET /analytics/costs` and `GET /leaderboard`, in the AgentLens backend's shapes (reference
 * A.5; `backend/routes/analytics.js`, `backend/routes/leaderboard.js`). Costs are the core's
 * cost engine with the stored prices (`storedPricing`) merged over its table: the backend
 * priced the leaderboard with stored prices only (a model without a stored row cost 0) and
 * its overview with a separate table. Unknown `sort`/`order` values are 400s, as there.
 */
import { HttpError, limitParam, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { agentActivity, windowCosts, type ModelTotals } from "../store-analytics-costs.js";
import { storedPricing } from "../store-pricing.js";
import { daysParam, round } from "./analytics-perf.js";

const DAY_MS = 86_400_000;
const r4 = (x: number) => round(x, 4);

function modelEntry(m: ModelTotals, total: number) {
  return {
    model: m.model,
    call_count: m.calls,
    tokens_in: m.tokensIn,
    tokens_out: m.tokensOut,
    input_cost: r4(m.input + m.cached),
    cache_write_cost: r4(m.cacheWrite),
    output_cost: r4(m.output),
    other_cost: r4(m.other),
    total_cost: r4(m.total),
    percent: total > 0 ? round((m.total / total) * 100, 2) : 0,
  };
}

async function costs(ctx: Context): Promise<void> {
  const days = daysParam(ctx);
  const w = await windowCosts(ctx.store, Date.now() - days * DAY_MS, storedPricing(ctx.store));
  // As the backend: priced models only, each with its share; the days that had a cost.
  const byModel = [...w.models.values()]
    .filter((m) => m.matched)
    .sort((a, b) => b.total - a.total || a.model.localeCompare(b.model))
    .map((m) => modelEntry(m, w.total));
  const trend = [...w.days.values()].filter((d) => d.cost > 0).sort((a, b) => a.day.localeCompare(b.day));
  const avg = trend.length ? trend.reduce((s, d) => s + d.cost, 0) / trend.length : 0;
  sendJson(ctx.res, 200, {
    period_days: days,
    total_cost: r4(w.total),
    total_input_cost: r4(w.input + w.cached),
    total_cached_input_cost: r4(w.cached),
    total_cache_write_cost: r4(w.cacheWrite),
    total_output_cost: r4(w.output),
    total_other_cost: r4(w.other),
    avg_daily_cost: r4(avg),
    projected_monthly_cost: round(avg * 30, 2),
    currency: "USD",
    by_model: byModel,
    daily_trend: trend.map((d) => ({
      day: d.day, cost: r4(d.cost), input_cost: r4(d.input + d.cached), cache_write_cost: r4(d.cacheWrite), output_cost: r4(d.output), other_cost: r4(d.other),
    })),
    unmatched_models: w.unmatched,
    cached_price_assumed: w.cachedPriceAssumed,
    cache_write_price_assumed: w.cacheWritePriceAssumed,
    priced_events: w.events,
    truncated: w.truncated,
  });
}

const SORTS = ["efficiency", "speed", "reliability", "cost", "volume"] as const;
type Sort = (typeof SORTS)[number];
const DEFAULT_ORDER: Record<Sort, "asc" | "desc"> = { efficiency: "desc", speed: "asc", reliability: "desc", cost: "asc", volume: "desc" };
const SORT_KEY: Record<Sort, string> = {
  efficiency: "efficiency_ratio",
  speed: "avg_session_duration_ms",
  reliability: "success_rate",
  cost: "cost_per_session_usd",
  volume: "total_sessions",
};

interface AgentRow {
  agent_name: string;
  sessions: number;
  completed: number;
  errors: number;
  tin: number;
  tout: number;
  avg_ms: number | null;
  first_seen: string;
  last_seen: string;
}

interface EventRowStats {
  agent_name: string;
  events: number;
  avg_ms: number | null;
  error_events: number;
}

function leaderboardQuery(ctx: Context): { sort: Sort; order: "asc" | "desc"; days: number; limit: number; minSessions: number } {
  const q = ctx.url.searchParams;
  const sort = (q.get("sort") || "efficiency") as Sort;
  if (!SORTS.includes(sort)) throw new HttpError(400, `Invalid sort. Use one of: ${SORTS.join(", ")}`);
  const order = (q.get("order") || DEFAULT_ORDER[sort]) as "asc" | "desc";
  if (order !== "asc" && order !== "desc") throw new HttpError(400, "Invalid order. Use 'asc' or 'desc'.");
  const minRaw = Math.floor(Number(q.get("min_sessions")));
  const minSessions = Number.isFinite(minRaw) && minRaw !== 0 ? Math.min(Math.max(1, minRaw), 1_000_000) : 2;
  return { sort, order, days: limitParam(q.get("days"), 30, 365), limit: limitParam(q.get("limit"), 20, 100), minSessions };
}

async function leaderboard(ctx: Context): Promise<void> {
  const { sort, order, days, limit, minSessions } = leaderboardQuery(ctx);
  const since = Date.now() - days * DAY_MS;
  const head = { period_days: days, sort, order, min_sessions: minSessions };
  const db = ctx.store.db;
  const agents = db
    .prepare(
      `SELECT agent_name, COUNT(*) AS sessions, SUM(status = 'completed') AS completed, SUM(status = 'error') AS errors,
        SUM(total_tokens_in) AS tin, SUM(total_tokens_out) AS tout, AVG(ended_ms - started_ms) AS avg_ms,
        (SELECT started_at FROM sessions f WHERE f.agent_name = s.agent_name AND f.started_ms >= ? ORDER BY started_ms LIMIT 1) AS first_seen,
        (SELECT started_at FROM sessions l WHERE l.agent_name = s.agent_name AND l.started_ms >= ? ORDER BY started_ms DESC LIMIT 1) AS last_seen
      FROM sessions s WHERE started_ms >= ? GROUP BY agent_name HAVING COUNT(*) >= ?`,
    )
    .all(since, since, since, minSessions) as unknown as AgentRow[];
  if (agents.length === 0) {
    sendJson(ctx.res, 200, { ...head, total_qualifying_agents: 0, agents: [] });
    return;
  }
  const events = new Map(
    (db
      .prepare(
        `SELECT s.agent_name, COUNT(*) AS events, AVG(e.duration_ms) AS avg_ms, SUM(e.is_error) AS error_events
        FROM events e JOIN sessions s ON s.session_id = e.session_id WHERE s.started_ms >= ? GROUP BY s.agent_name`,
      )
      .all(since) as unknown as EventRowStats[]).map((r) => [r.agent_name, r]),
  );
  const activity = await agentActivity(ctx.store, since, agents.map((a) => a.agent_name), storedPricing(ctx.store));
  const rows = agents.map((a) => {
    const ev = events.get(a.agent_name);
    const tokens = Number(a.tin) + Number(a.tout);
    const avgTokens = tokens / a.sessions;
    const avgMs = Number(a.avg_ms ?? 0);
    const cost = r4(activity.cost.get(a.agent_name) ?? 0);
    return {
      agent_name: a.agent_name,
      total_sessions: a.sessions,
      completed: a.completed,
      errors: a.errors,
      success_rate: round((a.completed / a.sessions) * 100, 2),
      error_rate: round((a.errors / a.sessions) * 100, 2),
      total_tokens: tokens,
      tokens_in: Number(a.tin),
      tokens_out: Number(a.tout),
      avg_tokens_per_session: Math.round(avgTokens),
      avg_session_duration_ms: Math.round(avgMs),
      avg_event_duration_ms: round(Number(ev?.avg_ms ?? 0), 2),
      total_events: ev?.events ?? 0,
      tool_calls: activity.toolCalls.get(a.agent_name) ?? 0,
      error_events: ev?.error_events ?? 0,
      efficiency_ratio: a.tin > 0 ? round(a.tout / a.tin, 3) : 0,
      tokens_per_ms: avgMs > 0 ? round(avgTokens / avgMs, 3) : 0,
      total_cost_usd: cost,
      cost_per_session_usd: r4(cost / a.sessions),
      first_seen: a.first_seen,
      last_seen: a.last_seen,
    };
  });
  const key = SORT_KEY[sort] as keyof (typeof rows)[number];
  const sign = order === "asc" ? 1 : -1;
  rows.sort((x, y) => sign * (Number(x[key]) - Number(y[key])) || x.agent_name.localeCompare(y.agent_name));
  sendJson(ctx.res, 200, {
    ...head,
    total_qualifying_agents: rows.length,
    agents: rows.slice(0, limit).map((a, i) => ({ rank: i + 1, ...a })),
    truncated: activity.truncated,
  });
}

/** The cost overview and the agent leaderboard. */
export const analyticsCostRoutes: Route[] = [
  {
    method: "GET",
    path: "/analytics/costs",
    auth: true,
    handle: costs,
    doc: {
      summary:
        "Cost of the window by model and by UTC day, priced by the core's cost engine over the price catalog with the stored prices on top; input_cost includes cached input, cache writes and other (audio, image, per-call) costs apart; projection = average of the days that had cost × 30. Reads at most 200,000 events (then truncated: true)",
      params: [{ name: "days", in: "query", type: "integer", description: "Window in days (default 30, clamped to 1–365)" }],
      errors: [401],
    },
  },
  {
    method: "GET",
    path: "/leaderboard",
    auth: true,
    handle: leaderboard,
    doc: {
      summary: "Agents ranked by efficiency, speed, reliability, cost or volume over the sessions started in the window",
      params: [
        { name: "sort", in: "query", description: "efficiency (default) | speed | reliability | cost | volume" },
        { name: "order", in: "query", description: "asc | desc (default depends on sort)" },
        { name: "days", in: "query", type: "integer", description: "Window in days (default 30, 1–365)" },
        { name: "limit", in: "query", type: "integer", description: "Agents returned (default 20, 1–100)" },
        { name: "min_sessions", in: "query", type: "integer", description: "Sessions an agent needs to qualify (default 2)" },
      ],
      errors: [400, 401],
    },
  },
];
