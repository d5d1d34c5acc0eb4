/**
 * Every analysis engine, from the Rust core (see `@agentlens/sdk/analysis`): typed functions
 * over typed reports. The raw wasm module is not exported here (AgentLens's own packages use
 * `@agentlens/sdk/internal`).
 *
 * Errors: every function throws only two named errors, whatever it is given (checked
 * with 54 classes of hostile values: bindings/sdk/test/node/hostile-every-call.test.mjs).
 * `AgentLensDecodeError` when a list argument (events, records, rules, sessions) is not
 * an array or not of the shape the engine reads, with the position; `AgentLensAnalysisError`
 * for everything else (an argument of the wrong type, a value JSON cannot hold, an array
 * with holes, an engine's refusal), naming the argument and never quoting its text.
 */
export type { JsonValue, JsonObject, EventType, KnownEventType, WireEvent, WireEventInput, WireToolCall, WireDecisionTrace, WireMemory, WireErrorInfo } from "./event-types.js";
export type {
  ModelPrice,
  PriceOverride,
  PricingOverrides,
  EventCost,
  ModelCost,
  SessionCost,
  DayCost,
  DailyCosts,
  ModelShare,
  CostSummary,
  Latency,
  ToolStats,
  MinuteBucket,
  SessionStats,
  UsageRecord,
  UsageRecords,
  ForecastMethod,
  ForecastOptions,
  DailyPrediction,
  ForecastResult,
  ModelUsage,
  SpendingTrend,
  SpendingSummary,
  BudgetAlert,
} from "./cost-types.js";
export type {
  RuleSeverity,
  BuiltInRuleKind,
  ComplianceRule,
  CompliancePolicy,
  CheckedRule,
  PresetPolicy,
  Verdict,
  RuleResult,
  ComplianceReport,
  ComplianceResult,
  SessionComplianceReport,
  ComplianceSession,
  CustomRuleAnswer,
  CustomValidator,
  DriftStatus,
  MetricDrift,
  ToolUsageDrift,
  DriftReport,
  DriftResult,
  SessionSetDrift,
  AlertSeverity,
  AlertOperator,
  AlertCondition,
  AlertRule,
  AlertRules,
  FiredAlert,
  TraceFormat,
  ImportResult,
  NdjsonHeader,
  DecodedNdjson,
} from "./check-types.js";
export { sessionCost, sessionStats, dailyCosts, costSummary, pricingLookup, type CostOptions, type PricingLookupOptions } from "./cost.js";
export { usePriceCatalog, priceCatalogInfo, type PriceCatalogInfo, type PriceCatalogSource } from "./prices.js";
export { forecast, spendingSummary, checkBudget, usageRecords } from "./forecast.js";
export { checkCompliance, compliancePreset, type ComplianceOptions, type PresetName } from "./compliance.js";
export { detectDrift } from "./drift.js";
export { createAlertEngine, type AlertEngine } from "./alert.js";
export {
  metricRule, evaluateMetricRules, alertMetrics, type AlertMetric, type MetricRuleOperator, type MetricRuleSpec, type MetricRule,
  type MetricSample, type MetricRuleStatus, type MetricRuleResult, type AlertMetricCatalog, type EvaluateMetricRulesOptions,
} from "./alert-metrics.js";
export { importTrace, createTraceImporter, decodeNdjson, decodeWireBody, gzip, gunzip, type TraceImporter } from "./import.js";
export { createSessionSet, type SessionSet, type SessionSetComplianceOptions } from "./sessions.js";
