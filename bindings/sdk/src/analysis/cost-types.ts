/**
 * What the cost, statistics and forecast engines take and return: field for field the Rust
 * core's structs in `src/analysis/cost/`, `src/analysis/stats.rs` and
 * `src/analysis/forecast/` (serde names). Amounts are US dollars.
 */

/** A model's price per million tokens (`ModelPrice`), as the table holds it. */
export type ModelPrice = {
  /** The model key (lowercase in a table). */
  model: string;
  input_per_1m: number;
  output_per_1m: number;
  /** Absent when no cached price is known (the input price is used, and said so). */
  cached_input_per_1m?: number;
  /** Absent when reasoning tokens are priced as output. */
  reasoning_per_1m?: number;
  /** Prompt-cache writes; absent when no write price is known (the input price is used, and said so). */
  cache_write_per_1m?: number;
  /** The provider whose price this is (a catalog price). */
  provider?: string;
  /** The day this price took effect (`YYYY-MM-DD`), for a catalog price with a date. */
  effective_from?: string;
  /** Always `"USD"`. */
  currency: string;
  /** Where the price came from (`"user"` for an override, `"genai-prices 0.2.1"` for the catalog). */
  source: string;
};

/** A price override entry: `model` may be left out in a table keyed by model. */
export type PriceOverride = {
  model?: string;
  input_per_1m: number;
  output_per_1m: number;
  cached_input_per_1m?: number;
  reasoning_per_1m?: number;
  /** Prompt-cache writes (Anthropic's `cache_creation_input_tokens`). */
  cache_write_per_1m?: number;
  currency?: string;
  source?: string;
};

/**
 * Your own prices, over the price catalog (an entry of yours wins for its model): an array
 * of entries, or an object of them keyed by model.
 */
export type PricingOverrides = PriceOverride[] | { [model: string]: PriceOverride };

/** One event's cost (`EventCost`). */
export type EventCost = {
  event_id: string | null;
  event_type: string;
  model: string;
  /** The provider as the event names it (`gen_ai.provider.name` and kin), when it does. */
  provider: string | null;
  /** RFC 3339. */
  timestamp: string | null;
  /** Input tokens, cached ones (read and written) included. */
  tokens_in: number;
  /** Output tokens, reasoning ones included. */
  tokens_out: number;
  /** Input tokens read from a prompt cache. */
  cached_input_tokens: number;
  /** Input tokens written to a prompt cache. */
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** The rest of the input at the input rate. */
  input_cost: number;
  /** Cache reads at the cache-read rate (the input rate when `cached_price_assumed`). */
  cached_input_cost: number;
  /** Cache writes at the cache-write rate (the input rate when `cache_write_price_assumed`). */
  cache_write_cost: number;
  output_cost: number;
  reasoning_cost: number;
  /** Audio and image tokens at their own rates, and per-call fees. */
  other_cost: number;
  total_cost: number;
  /** Whether a price matched the model (an unmatched one costs 0 and is listed). */
  matched: boolean;
  /** The key that priced it: your table's key or the catalog's model id. */
  pricing_key: string | null;
  /** The provider whose price was used. */
  pricing_provider: string | null;
  /** Where the price came from (`"user"`, `"genai-prices 0.2.1"`). */
  pricing_source: string | null;
  /** The day the price used took effect (`YYYY-MM-DD`), when the data dates it. */
  price_date: string | null;
  /** The prompt-size tier that applied (its start in input tokens), when one did. */
  price_tier: number | null;
  cached_price_assumed: boolean;
  /** Cache writes were priced at the input rate (the model has no write price). */
  cache_write_price_assumed: boolean;
};

/** Tokens and cost of one model (`ModelCost`). */
export type ModelCost = {
  calls: number;
  tokens_in: number;
  tokens_out: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  input_cost: number;
  cached_input_cost: number;
  cache_write_cost: number;
  output_cost: number;
  reasoning_cost: number;
  /** Audio, image and per-call cost. */
  other_cost: number;
  total_cost: number;
  matched: boolean;
  cached_price_assumed: boolean;
  cache_write_price_assumed: boolean;
};

/** A session's cost (`SessionCost`), what `sessionCost` returns. */
export type SessionCost = {
  session_id: string;
  currency: string;
  total_cost: number;
  total_input_cost: number;
  total_cached_input_cost: number;
  total_cache_write_cost: number;
  total_output_cost: number;
  total_reasoning_cost: number;
  /** Audio, image and per-call cost. */
  total_other_cost: number;
  tokens_in: number;
  tokens_out: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  model_costs: { [model: string]: ModelCost };
  event_costs: EventCost[];
  /** Models no price matched: their cost is not in the totals. */
  unmatched_models: string[];
  unpriced_tokens_in: number;
  unpriced_tokens_out: number;
  /** The price used for each matched model (its first call's when the price changed: see `prices_used`). */
  pricing_used: { [model: string]: ModelPrice };
  /**
   * Every distinct price used (by key, provider and start date), in order of first use: a
   * trace spanning a price change lists both periods.
   */
  prices_used: ModelPrice[];
  cached_price_assumed: boolean;
  cache_write_price_assumed: boolean;
};

/** One UTC day's cost (`DayCost`). */
export type DayCost = {
  /** `YYYY-MM-DD`. */
  day: string;
  cost: number;
  input_cost: number;
  cached_input_cost: number;
  cache_write_cost: number;
  /** Output cost, reasoning included. */
  output_cost: number;
  /** Audio, image and per-call cost. */
  other_cost: number;
  calls: number;
  tokens_in: number;
  tokens_out: number;
};

/** Costs per UTC day (`DailyCosts`), what `dailyCosts` returns. */
export type DailyCosts = {
  days: DayCost[];
  unmatched_models: string[];
  undated_events: number;
  undated_cost: number;
};

/** One model's share of the cost (`ModelShare`: the model's `ModelCost` and its percent). */
export type ModelShare = ModelCost & {
  model: string;
  percent: number;
};

/** The cost summary (`CostSummary`), what `costSummary` returns. */
export type CostSummary = {
  total_cost: number;
  total_input_cost: number;
  total_cached_input_cost: number;
  total_cache_write_cost: number;
  total_output_cost: number;
  total_other_cost: number;
  avg_daily_cost: number;
  projected_monthly_cost: number;
  currency: string;
  by_model: ModelShare[];
  daily_trend: DayCost[];
  unmatched_models: string[];
  cached_price_assumed: boolean;
  cache_write_price_assumed: boolean;
};

/** Latency percentiles (`Latency`). */
export type Latency = {
  count: number;
  min_ms: number;
  max_ms: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
};

/** One tool's calls (`ToolStats`). */
export type ToolStats = {
  calls: number;
  failures: number;
  failure_rate: number;
  latency: Latency | null;
};

/** Events in one UTC minute (`MinuteBucket`). */
export type MinuteBucket = {
  /** `YYYY-MM-DDTHH:MM:00Z`. */
  minute: string;
  total: number;
  by_type: { [eventType: string]: number };
};

/** Session statistics (`SessionStats`), what `sessionStats` returns. */
export type SessionStats = {
  session_id: string;
  total_events: number;
  events_by_type: { [eventType: string]: number };
  latency: Latency | null;
  latency_by_type: { [eventType: string]: Latency };
  tokens_in: number;
  tokens_out: number;
  total_cost: number;
  models: { [model: string]: ModelCost };
  unmatched_models: string[];
  cached_price_assumed: boolean;
  tool_calls: number;
  tool_failures: number;
  tool_failure_rate: number;
  tools: { [toolName: string]: ToolStats };
  errors: number;
  error_rate: number;
  timeline: MinuteBucket[];
  untimed_events: number;
};

/**
 * One usage record (`UsageRecord`): what the forecaster reads. `timestamp` (RFC 3339) is
 * required; the other fields default to 0 or null. The core writes every field.
 */
export type UsageRecord = {
  timestamp: string;
  tokens_in?: number;
  tokens_out?: number;
  cost_usd?: number;
  model?: string | null;
  session_id?: string | null;
  agent_name?: string | null;
};

/** Usage records built from events (`EventRecords`), and what could not be priced. */
export type UsageRecords = {
  records: UsageRecord[];
  /** Records whose model has no price (their cost is 0 and they are listed here). */
  unpriced: number;
  unpriced_models: string[];
  /** Usage-bearing events without a timestamp, skipped. */
  untimed: number;
};

/** A forecast method; `"auto"` picks one by the number of days with data. */
export type ForecastMethod = "auto" | "linear" | "ema" | "average";

/** Forecast options: days ahead (1–90), method and confidence (default 0.95). */
export type ForecastOptions = {
  days: number;
  method?: ForecastMethod;
  confidence?: number;
};

/** The prediction for one future day. */
export type DailyPrediction = {
  /** `YYYY-MM-DD`. */
  date: string;
  predicted_cost: number;
  predicted_tokens: number;
  confidence_low: number;
  confidence_high: number;
  method: Exclude<ForecastMethod, "auto">;
};

/** A daily forecast (`ForecastResult`), what `forecast` returns. */
export type ForecastResult = {
  daily_predictions: DailyPrediction[];
  total_predicted_cost: number;
  total_predicted_tokens: number;
  /** The method used (never `"auto"`). */
  method: Exclude<ForecastMethod, "auto">;
  /** Days with data the forecast was fitted on. */
  data_points_used: number;
};

/** One model's usage in a spending summary. */
export type ModelUsage = {
  cost: number;
  tokens_in: number;
  tokens_out: number;
  count: number;
};

/** The spending trend. */
export type SpendingTrend = "increasing" | "decreasing" | "stable" | "insufficient_data";

/** The spending summary (`SpendingSummary`), what `spendingSummary` returns. */
export type SpendingSummary = {
  total_cost: number;
  total_tokens: number;
  total_tokens_in: number;
  total_tokens_out: number;
  record_count: number;
  days_tracked: number;
  daily_average_cost: number;
  daily_average_tokens: number;
  weekly_projection: number;
  monthly_projection: number;
  cost_per_1k_tokens: number;
  /** `YYYY-MM-DD`. */
  busiest_day: string;
  busiest_day_cost: number;
  model_breakdown: { [model: string]: ModelUsage };
  top_model: string;
  trend: SpendingTrend;
  trend_pct_change: number;
};

/** A budget check (`BudgetAlert`), what `checkBudget` returns. */
export type BudgetAlert = {
  budget_usd: number;
  /** Days until the budget is exceeded at the daily average; null when nothing is spent. */
  days_until_exceeded: number | null;
  projected_spend_at_limit: number;
  overshoot_pct: number;
  severity: "safe" | "warning" | "critical";
  message: string;
};
