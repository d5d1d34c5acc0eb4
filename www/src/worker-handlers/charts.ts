// charts.data: what the charts draw, from the core (agentlens::view::charts): totals,
// tokens and cost by model and over time, the latency distribution, tool usage.
import type { HeldTrace } from "../contract";
import { paramsOf, stringList, type Result } from "./result";

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

/** `{sessionIds}` → totals, by model, over time, latency and tools for those sessions. */
export function chartsData(trace: HeldTrace, params: unknown): ChartsData {
  try {
    const data = trace.view.charts<Omit<Extract<ChartsData, { ok: true }>, "ok">>(stringList(paramsOf(params).sessionIds));
    return data ? { ok: true, ...data } : { ok: false, error: "No sessions selected." };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
