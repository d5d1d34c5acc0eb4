/** Cost forecasting over usage records. */
import { analysisWasm, type AnalysisObject } from "./wasm.js";

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
 * import { forecast } from "agentlens/analysis";
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
 * import { spendingSummary } from "agentlens/analysis";
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
 * import { checkBudget } from "agentlens/analysis";
 * const alert = checkBudget([{ timestamp: "2026-03-01T12:00:00Z", cost_usd: 2 }], 100);
 * console.log(alert.severity, alert.message);
 * ```
 */
export function checkBudget(records: UsageRecord[], monthlyBudget: number, daysInPeriod = 30): AnalysisObject {
  return JSON.parse(analysisWasm().checkBudgetJson(JSON.stringify(records), monthlyBudget, daysInPeriod));
}
