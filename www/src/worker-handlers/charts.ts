// charts.data: what the charts draw, from the core's sessionStats and sessionCost over
// the chosen sessions. The only work done here is bucketing for display: the costs per
// time bucket and the latency histogram's bins.
import { sessionCost, sessionStats } from "@agentlens/sdk/analysis";
import type { TraceStore, WireEvent } from "../contract";
import { countErrors } from "../error-rule";
import { eventsOf, fail, knownSessions, paramsOf, stringList, type Result } from "./result";

export interface Latency {
  count: number;
  min_ms: number;
  max_ms: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}
export interface ModelRow {
  model: string;
  calls: number;
  tokens_in: number;
  tokens_out: number;
  total_cost: number;
}
export interface TimeBucket {
  startMs: number;
  tokens_in: number;
  tokens_out: number;
  cost: number;
}
export interface ToolRow {
  tool: string;
  calls: number;
  failures: number;
  failure_rate: number;
}
export interface HistogramBin {
  fromMs: number;
  toMs: number;
  count: number;
}
export type ChartsData = Result<{
  sessions: number;
  totals: {
    events: number;
    tokens_in: number;
    tokens_out: number;
    total_cost: number;
    errors: number;
    error_rate: number;
    tool_calls: number;
    tool_failures: number;
    tool_failure_rate: number;
  };
  unmatchedModels: string[];
  byModel: ModelRow[];
  overTime: { bucketMs: number; buckets: TimeBucket[] };
  latency: { stats: Latency | null; histogram: HistogramBin[]; overflow: number };
  tools: ToolRow[];
}>;

const MAX_BUCKETS = 60;
const STEPS_MS = [1e3, 5e3, 10e3, 30e3, 60e3, 300e3, 900e3, 3600e3, 6 * 3600e3, 86400e3, 7 * 86400e3];
const HIST_BINS = 20;

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Tokens and cost per time bucket, from the core's per-event costs. */
function overTime(eventCosts: Record<string, unknown>[]): { bucketMs: number; buckets: TimeBucket[] } {
  const points = eventCosts
    .map((c) => ({ t: typeof c.timestamp === "string" ? Date.parse(c.timestamp) : Number.NaN, c }))
    .filter((p) => Number.isFinite(p.t));
  if (points.length === 0) return { bucketMs: 0, buckets: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    if (p.t < min) min = p.t;
    if (p.t > max) max = p.t;
  }
  const span = max - min + 1;
  const bucketMs = STEPS_MS.find((s) => span / s <= MAX_BUCKETS) ?? Math.ceil(span / MAX_BUCKETS);
  const start = Math.floor(min / bucketMs) * bucketMs;
  const count = Math.floor((max - start) / bucketMs) + 1;
  const buckets: TimeBucket[] = Array.from({ length: count }, (_, i) => ({ startMs: start + i * bucketMs, tokens_in: 0, tokens_out: 0, cost: 0 }));
  for (const { t, c } of points) {
    const b = buckets[Math.floor((t - start) / bucketMs)];
    b.tokens_in += num(c.tokens_in);
    b.tokens_out += num(c.tokens_out);
    b.cost += num(c.total_cost);
  }
  return { bucketMs, buckets };
}

/** Durations binned linearly up to the p99 (or the max when close), the rest counted apart. */
function histogram(events: WireEvent[], latency: Latency | null): { histogram: HistogramBin[]; overflow: number } {
  if (!latency || latency.count === 0) return { histogram: [], overflow: 0 };
  const top = latency.max_ms > 2 * latency.p99_ms && latency.p99_ms > 0 ? latency.p99_ms : latency.max_ms;
  const width = top > 0 ? top / HIST_BINS : 1;
  const bins: HistogramBin[] = Array.from({ length: HIST_BINS }, (_, i) => ({ fromMs: i * width, toMs: (i + 1) * width, count: 0 }));
  let overflow = 0;
  for (const e of events) {
    if (e.event_type === "session_start" || e.event_type === "session_end") continue;
    const d = e.duration_ms;
    if (typeof d !== "number" || !Number.isFinite(d)) continue;
    if (d > top) overflow++;
    else bins[Math.min(HIST_BINS - 1, Math.max(0, Math.floor(d / width)))].count++;
  }
  return { histogram: bins, overflow };
}

/** `{sessionIds}` → totals, by model, over time, latency and tools for those sessions. */
export function chartsData(store: TraceStore, params: unknown): ChartsData {
  const ids = knownSessions(store, stringList(paramsOf(params).sessionIds));
  if (ids.length === 0) return { ok: false, error: "No sessions selected." };
  try {
    const events = eventsOf(store, ids);
    const stats = sessionStats(events);
    const cost = sessionCost(events);
    const models = (stats.models ?? {}) as Record<string, Record<string, unknown>>;
    const tools = (stats.tools ?? {}) as Record<string, Record<string, unknown>>;
    const latency = (stats.latency ?? null) as Latency | null;
    // Errors by the viewer's one rule, so this total is the session header's.
    const errors = countErrors(events);
    return {
      ok: true,
      sessions: ids.length,
      totals: {
        events: num(stats.total_events),
        tokens_in: num(stats.tokens_in),
        tokens_out: num(stats.tokens_out),
        total_cost: num(stats.total_cost),
        errors,
        error_rate: events.length ? errors / events.length : 0,
        tool_calls: num(stats.tool_calls),
        tool_failures: num(stats.tool_failures),
        tool_failure_rate: num(stats.tool_failure_rate),
      },
      unmatchedModels: stringList(stats.unmatched_models),
      byModel: Object.entries(models)
        .map(([model, m]) => ({ model, calls: num(m.calls), tokens_in: num(m.tokens_in), tokens_out: num(m.tokens_out), total_cost: num(m.total_cost) }))
        .sort((a, b) => b.tokens_in + b.tokens_out - (a.tokens_in + a.tokens_out) || a.model.localeCompare(b.model)),
      overTime: overTime((cost.event_costs ?? []) as Record<string, unknown>[]),
      latency: { stats: latency, ...histogram(events, latency) },
      tools: Object.entries(tools)
        .map(([tool, t]) => ({ tool, calls: num(t.calls), failures: num(t.failures), failure_rate: num(t.failure_rate) }))
        .sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool)),
    };
  } catch (e) {
    return fail(e);
  }
}
