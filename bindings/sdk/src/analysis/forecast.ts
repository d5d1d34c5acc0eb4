/** Cost forecasting over usage records. */
import { pricingText, type PricingOverrides } from "./cost.js";
import { analysisWasm, type AnalysisObject, type WireEvent } from "./wasm.js";

/** One usage record: `{timestamp, cost_usd, tokens_in?, tokens_out?, model?, …}`. */
export type UsageRecord = Record<string, unknown>;

/** Forecast options: days ahead (1–90), method and confidence (default 0.95). */
export interface ForecastOptions {
  days: number;
  method?: "auto" | "linear" | "ema" | "average";
  confidence?: number;
}

/**
 * A daily cost forecast with confidence bands and trend. Throws
 * `AgentLensAnalysisError` for days out of range or no records.
 *
 * @example
 * ```ts
 * import { forecast } from "@agentlens/sdk/analysis";
 * const records = [1, 2, 3].map((d) => ({ timestamp: `2026-03-0${d}T12:00:00Z`, cost_usd: d }));
 * const f = forecast(records, { days: 3 });
 * console.log(f.method, f.predictions);
 * ```
 */
export function forecast(records: UsageRecord[], options: ForecastOptions): AnalysisObject {
  const { days, method = "auto", confidence = 0.95 } = options;
  return JSON.parse(analysisWasm().forecastJson(JSON.stringify(records), days, method, confidence));
}

/**
 * The spending summary: daily average, weekly and monthly projections, busiest day,
 * top model, cost per 1K tokens.
 *
 * @example
 * ```ts
 * import { spendingSummary } from "@agentlens/sdk/analysis";
 * console.log(spendingSummary([{ timestamp: "2026-03-01T12:00:00Z", cost_usd: 2, model: "gpt-4o" }]));
 * ```
 */
export function spendingSummary(records: UsageRecord[]): AnalysisObject {
  return JSON.parse(analysisWasm().spendingSummaryJson(JSON.stringify(records)));
}

/**
 * Whether spending at the current daily average stays within a monthly budget:
 * severity safe, warning or critical.
 *
 * @example
 * ```ts
 * import { checkBudget } from "@agentlens/sdk/analysis";
 * const alert = checkBudget([{ timestamp: "2026-03-01T12:00:00Z", cost_usd: 2 }], 100);
 * console.log(alert.severity, alert.message);
 * ```
 */
export function checkBudget(records: UsageRecord[], monthlyBudget: number, daysInPeriod = 30): AnalysisObject {
  return JSON.parse(analysisWasm().checkBudgetJson(JSON.stringify(records), monthlyBudget, daysInPeriod));
}

/** Usage records built from events, and what could not be priced. */
export interface UsageRecords {
  records: UsageRecord[];
  /** Records whose model has no price (their cost is 0 and they are listed here). */
  unpriced: number;
  unpriced_models: string[];
  /** Usage-bearing events without a timestamp, skipped. */
  untimed: number;
}

/**
 * Usage records for {@link forecast}, {@link spendingSummary} and {@link checkBudget},
 * built from tracked events (those with a model or tokens) and priced by the cost engine
 * (the default table merged with `pricing`). Unpriced models are reported, never
 * silently priced at zero.
 *
 * @example
 * ```ts
 * import { usageRecords, spendingSummary } from "@agentlens/sdk/analysis";
 * const { records, unpriced_models } = usageRecords([
 *   { event_type: "llm_call", session_id: "s", timestamp: "2026-03-01T12:00:00Z", model: "gpt-4o", tokens_in: 1000, tokens_out: 200 },
 * ]);
 * console.log(spendingSummary(records), unpriced_models);
 * ```
 */
export function usageRecords(events: WireEvent[], options: { pricing?: PricingOverrides } = {}): UsageRecords {
  return JSON.parse(analysisWasm().usageRecordsJson(JSON.stringify(events), pricingText(options.pricing)));
}
