/**
 * `GET /analytics/performance`, `GET /analytics/heatmap` and `GET /heatmap`, in the AgentLens
 * backend's shapes (reference A.5; `backend/routes/analytics.js`, `backend/routes/heatmap.js`).
 * Our fixes: an unknown `metric` or an unreadable `from`/`to` is a 400 (the backend
 * silently fell back to events, or read nothing); the `/heatmap` scan is aggregated in SQL
 * rather than loading every row.
 */
import { HttpError, limitParam, sendJson } from "../http.js";
import type { Context, ParamDoc, Route } from "../router.js";
import { heatCells, percentileOf, perfGroups, PERCENTILES, type HeatCell, type HeatMetric, type PerfGroup } from "../store-analytics.js";

const DAY_MS = 86_400_000;
const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** `days` as the backend's `parseDays`: 30 by default (also for 0 or text), clamped to 1–365. */
export function daysParam(ctx: Context): number {
  return limitParam(ctx.url.searchParams.get("days"), 30, 365);
}

/**
 * `x` rounded to `dp` decimal places, half up, after `x × 10^dp` is read at 12 significant
 * digits: a sum is its addends' in any order then (1.25e-4 added up one way is 1.2499…e-4,
 * another way 1.25000…1e-4), so a cost added up by pages rounds as the whole does.
 */
export function round(x: number, dp: number): number {
  const f = 10 ** dp;
  return Math.round(Number((x * f).toPrecision(12))) / f;
}

function latency(g: PerfGroup) {
  const out: Record<string, number> = {};
  for (const p of PERCENTILES) out[`p${p}`] = round(percentileOf(g, p), 2);
  out.avg = round(g.totalMs / g.count, 2);
  out.min = g.sorted.get(0) ?? 0;
  out.max = g.sorted.get(g.count - 1) ?? 0;
  return out;
}

const perSecond = (tokens: number, ms: number) => (ms > 0 ? round(tokens / (ms / 1000), 2) : 0);

function performance(ctx: Context): void {
  const q = ctx.url.searchParams;
  const days = daysParam(ctx);
  const agent = q.get("agent") || undefined;
  const model = q.get("model") || undefined;
  const filter = { sinceMs: Date.now() - days * DAY_MS, agent, model };
  const head = { period_days: days, filters: { agent: agent ?? null, model: model ?? null } };
  const all = perfGroups(ctx.store, filter, "all")[0];
  if (!all) {
    sendJson(ctx.res, 200, { ...head, sample_size: 0, latency: null, throughput: null, efficiency: null, by_model: {}, by_event_type: {} });
    return;
  }
  const tokens = all.tin + all.tout;
  const hours = Math.max(1, all.lastMs - all.firstMs) / 3_600_000;
  const byModel: Record<string, unknown> = {};
  for (const g of perfGroups(ctx.store, filter, "model")) {
    const t = g.tin + g.tout;
    byModel[g.key] = {
      count: g.count,
      latency: latency(g),
      tokens: { total_in: g.tin, total_out: g.tout, total: t, avg_per_call: Math.round(t / g.count) },
      tokens_per_second: perSecond(t, g.totalMs),
    };
  }
  const byType: Record<string, unknown> = {};
  const types = perfGroups(ctx.store, filter, "type").sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  for (const g of types) byType[g.key] = { count: g.count, ...latency(g) };
  sendJson(ctx.res, 200, {
    ...head,
    sample_size: all.count,
    latency: latency(all),
    throughput: {
      total_events: all.count,
      total_tokens: tokens,
      events_per_hour: round(all.count / hours, 2),
      tokens_per_hour: Math.round(tokens / hours),
      tokens_per_second: perSecond(tokens, all.totalMs),
    },
    efficiency: {
      avg_tokens_per_event: Math.round(tokens / all.count),
      avg_tokens_in_per_event: Math.round(all.tin / all.count),
      avg_tokens_out_per_event: Math.round(all.tout / all.count),
      output_input_ratio: all.tin > 0 ? round(all.tout / all.tin, 3) : 0,
      avg_duration_per_token_ms: tokens > 0 ? round(all.totalMs / tokens, 3) : 0,
    },
    by_model: byModel,
    by_event_type: byType,
  });
}

function metricParam(ctx: Context): HeatMetric {
  const m = ctx.url.searchParams.get("metric") || "events";
  if (m !== "events" && m !== "tokens" && m !== "sessions") throw new HttpError(400, 'metric must be "events", "sessions", or "tokens"');
  return m;
}

function grid(cells: HeatCell[]): number[][] {
  const g = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const c of cells) if (c.dow >= 0 && c.dow < 7 && c.hour >= 0 && c.hour < 24) g[c.dow]![c.hour] = c.value;
  return g;
}

function analyticsHeatmap(ctx: Context): void {
  const days = daysParam(ctx);
  const metric = metricParam(ctx);
  const matrix = grid(heatCells(ctx.store, metric, { sinceMs: Date.now() - days * DAY_MS }));
  let max = 0;
  let peak = { day: 0, hour: 0, value: 0 };
  const cells: Record<string, unknown>[] = [];
  matrix.forEach((row, d) =>
    row.forEach((v, h) => {
      if (v > max) max = v;
      if (v > peak.value) peak = { day: d, hour: h, value: v };
    }),
  );
  matrix.forEach((row, d) =>
    row.forEach((v, h) => {
      if (v > 0) cells.push({ day: d, day_name: DAY_NAMES[d], hour: h, value: v, intensity: round(v / max, 2) });
    }),
  );
  sendJson(ctx.res, 200, {
    period_days: days,
    metric,
    max_value: max,
    peak: { day: peak.day, day_name: DAY_NAMES[peak.day], hour: peak.hour, value: peak.value },
    matrix,
    cells,
    day_totals: matrix.map((row, d) => ({ day: d, day_name: DAY_NAMES[d], total: row.reduce((a, b) => a + b, 0) })),
    hour_totals: Array.from({ length: 24 }, (_, h) => ({ hour: h, total: matrix.reduce((a, row) => a + row[h]!, 0) })),
  });
}

function timeParam(ctx: Context, name: "from" | "to"): { text: string | null; ms?: number } {
  const raw = ctx.url.searchParams.get(name) || null;
  if (raw === null) return { text: null };
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw new HttpError(400, `${name} must be an ISO 8601 date or time`);
  return { text: raw, ms };
}

function heatStats(g: number[][]) {
  let total = 0;
  let peak = { d: 0, h: 0, v: -1 };
  let quiet = { d: 0, h: 0, v: Infinity };
  const dayTotals = new Array<number>(7).fill(0);
  const hourTotals = new Array<number>(24).fill(0);
  g.forEach((row, d) =>
    row.forEach((v, h) => {
      total += v;
      dayTotals[d]! += v;
      hourTotals[h]! += v;
      if (v > peak.v) peak = { d, h, v };
      if (v < quiet.v) quiet = { d, h, v };
    }),
  );
  const weekend = dayTotals[0]! + dayTotals[6]!;
  const weekday = total - weekend;
  const busiest = dayTotals.reduce((best, v, d) => (v > dayTotals[best]! ? d : best), 0);
  return {
    total,
    peak: { day: DAY_NAMES[peak.d], dayIndex: peak.d, hour: peak.h, value: peak.v },
    quietest: { day: DAY_NAMES[quiet.d], dayIndex: quiet.d, hour: quiet.h, value: quiet.v },
    busiestDay: { name: DAY_NAMES[busiest], index: busiest, total: dayTotals[busiest] },
    dayTotals: DAY_NAMES.map((day, i) => ({ day, total: dayTotals[i] })),
    hourTotals,
    weekendVsWeekday: weekday > 0 ? round(weekend / weekday, 2) : null,
  };
}

function usageHeatmap(ctx: Context): void {
  const metric = metricParam(ctx);
  const agent = ctx.url.searchParams.get("agent") || null;
  const from = timeParam(ctx, "from");
  const to = timeParam(ctx, "to");
  const g = grid(heatCells(ctx.store, metric, { sinceMs: from.ms, untilMs: to.ms, agent: agent ?? undefined }));
  const max = Math.max(0, ...g.flat());
  sendJson(ctx.res, 200, {
    metric,
    days: DAY_NAMES,
    grid: g,
    intensity: g.map((row) => row.map((v) => (max > 0 ? round(v / max, 2) : 0))),
    stats: heatStats(g),
    filters: { agent: agent ?? "all", from: from.text, to: to.text },
  });
}

const DAYS: ParamDoc = { name: "days", in: "query", type: "integer", description: "Window in days (default 30, clamped to 1–365)" };
const METRIC: ParamDoc = { name: "metric", in: "query", description: "events (default), tokens or sessions; anything else is a 400" };

/** The performance and heatmap routes. */
export const analyticsPerfRoutes: Route[] = [
  {
    method: "GET",
    path: "/analytics/performance",
    auth: true,
    handle: performance,
    doc: {
      summary: "Latency percentiles, throughput and efficiency of the events with a duration, by model and by event type",
      params: [DAYS, { name: "agent", in: "query", description: "Only this agent's sessions" }, { name: "model", in: "query", description: "Only this model" }],
      errors: [401],
    },
  },
  {
    method: "GET",
    path: "/analytics/heatmap",
    auth: true,
    handle: analyticsHeatmap,
    doc: { summary: "Day-of-week × hour-of-day activity matrix (7×24, Sunday = 0, UTC) with cells, totals and peak", params: [METRIC, DAYS], errors: [400, 401] },
  },
  {
    method: "GET",
    path: "/heatmap",
    auth: true,
    handle: usageHeatmap,
    doc: {
      summary: "Usage heatmap (7×24 grid, Sunday = 0, UTC) with intensity and stats, by agent and time range",
      params: [
        METRIC,
        { name: "agent", in: "query", description: "Only this agent's sessions" },
        { name: "from", in: "query", description: "ISO 8601 lower bound" },
        { name: "to", in: "query", description: "ISO 8601 upper bound" },
      ],
      errors: [400, 401],
    },
  },
];
