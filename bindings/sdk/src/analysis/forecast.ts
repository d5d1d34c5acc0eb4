/** Cost forecasting over usage records. */
import { jsonArray, num, options as readOptions, text } from "./args.js";
import { eventsText, pricingText } from "./cost.js";
import type {
  BudgetAlert,
  ForecastOptions,
  ForecastResult,
  PricingOverrides,
  SpendingSummary,
  UsageRecord,
  UsageRecords,
} from "./cost-types.js";
import type { WireEventInput } from "./event-types.js";
import { analysisWasm, parsed } from "./wasm.js";

export type { ForecastOptions, UsageRecords } from "./cost-types.js";

/**
 * A daily cost forecast with confidence bands and trend. Throws
 * `AgentLensAnalysisError` for days out of range or no records.
 *
 * @example
 * ```ts
 * import { forecast } from "@agentlens/sdk/analysis";
 * const records = [1, 2, 3].map((d) => ({ timestamp: `2026-03-0${d}T12:00:00Z`, cost_usd: d }));
 * const f = forecast(records, { days: 3 });
 * console.log(f.method, f.daily_predictions.map((p) => p.predicted_cost));
 * ```
 */
export function forecast(records: UsageRecord[], options: ForecastOptions): ForecastResult {
  const read = readOptions("options", options);
  const recordsJson = jsonArray("records", records);
  const days = num("options.days", read("days"), { integer: true, min: 0, max: 0xffff_ffff });
  const method = text("options.method", read("method") ?? "auto");
  const confidence = num("options.confidence", read("confidence") ?? 0.95);
  return parsed(analysisWasm().forecastJson(recordsJson, days, method, confidence));
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
export function spendingSummary(records: UsageRecord[]): SpendingSummary {
  return parsed(analysisWasm().spendingSummaryJson(jsonArray("records", records)));
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
export function checkBudget(records: UsageRecord[], monthlyBudget: number, daysInPeriod = 30): BudgetAlert {
  const recordsJson = jsonArray("records", records);
  const budget = num("monthlyBudget", monthlyBudget);
  const days = num("daysInPeriod", daysInPeriod, { integer: true, min: 0, max: 0xffff_ffff });
  return parsed(analysisWasm().checkBudgetJson(recordsJson, budget, days));
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
export function usageRecords(events: WireEventInput[], options: { pricing?: PricingOverrides } = {}): UsageRecords {
  const pricing = readOptions("options", options)("pricing") as PricingOverrides | undefined;
  return parsed(analysisWasm().usageRecordsJson(eventsText(events), pricingText(pricing)));
}
