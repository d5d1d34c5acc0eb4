// charts.data: what the charts draw, from the core (agentlens::view::charts): the
// statistics engine's answer over the chosen sessions (totals, errors, models, tools,
// latency) with tokens and cost over time, the latency histogram, and the models and
// tools in display order. Here its parts are only picked out.
import type { Latency } from "@agentlens/sdk/analysis";
import type { HeldTrace } from "../contract";
import { fail, paramsOf, stringList, type Result } from "./result";
import { addModelCost, noParts, partsOf, type CostParts } from "./cost";
import { priceListStatus, type PriceListStatus } from "../price-list";

export type { Latency };

export interface ModelRow {
  model: string;
  calls: number;
  tokens_in: number;
  tokens_out: number;
  total_cost: number;
  /** Its cost by token kind (cache writes and other costs included). */
  parts: CostParts;
  /** Whether a price was found for it (else its costs are 0 and not counted). */
  matched: boolean;
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
  /** Every model's cost by token kind, added up. */
  parts: CostParts;
  /** The price list every cost was priced with (or why there is none). */
  priceList: PriceListStatus;
  byModel: ModelRow[];
  overTime: { bucketMs: number; buckets: TimeBucket[] };
  latency: { stats: Latency | null; histogram: HistogramBin[]; overflow: number };
  tools: ToolRow[];
}>;

/** `{sessionIds}` → totals, by model, over time, latency and tools for those sessions. */
export function chartsData(trace: HeldTrace, params: unknown): ChartsData {
  // The worker has the price list in use before it calls a panel's handler.
  const priceList = priceListStatus();
  let data;
  try {
    data = trace.view.charts(stringList(paramsOf(params).sessionIds));
  } catch (e) {
    return fail(e);
  }
  if (!data) return { ok: false, error: "No sessions selected." };
  const s = data.stats;
  return {
    ok: true,
    sessions: data.sessions,
    totals: {
      events: s.total_events,
      tokens_in: s.tokens_in,
      tokens_out: s.tokens_out,
      total_cost: s.total_cost,
      errors: s.errors,
      error_rate: s.error_rate,
      tool_calls: s.tool_calls,
      tool_failures: s.tool_failures,
      tool_failure_rate: s.tool_failure_rate,
    },
    unmatchedModels: s.unmatched_models,
    parts: partsOf(s.models as unknown as Record<string, unknown>),
    priceList,
    byModel: data.models.map((model) => {
      const m = s.models[model]!;
      return { model, calls: m.calls, tokens_in: m.tokens_in, tokens_out: m.tokens_out, total_cost: m.total_cost, parts: addModelCost(noParts(), m), matched: m.matched !== false };
    }),
    overTime: data.overTime,
    latency: { stats: s.latency, histogram: data.histogram.bins, overflow: data.histogram.overflow },
    tools: data.tools.map((tool) => {
      const t = s.tools[tool]!;
      return { tool, calls: t.calls, failures: t.failures, failure_rate: t.failure_rate };
    }),
  };
}
