/** Every analysis engine, from the Rust core (see `@agentlens/sdk/analysis`). */
export { analysisWasm, useAnalysisWasm, type AnalysisObject, type WireEvent } from "./wasm.js";
export { sessionCost, sessionStats, dailyCosts, costSummary, pricingLookup, type PricingOverrides } from "./cost.js";
export {
  forecast,
  spendingSummary,
  checkBudget,
  usageRecords,
  type ForecastOptions,
  type UsageRecord,
  type UsageRecords,
} from "./forecast.js";
export {
  checkCompliance,
  compliancePreset,
  type CompliancePolicy,
  type ComplianceResult,
  type ComplianceOptions,
  type CustomValidator,
  type CustomRuleAnswer,
} from "./compliance.js";
export { detectDrift, type DriftResult } from "./drift.js";
export { createAlertEngine, type AlertEngine, type AlertRules, type FiredAlert } from "./alert.js";
export { importTrace, createTraceImporter, decodeNdjson, decodeWireBody, gzip, gunzip, type TraceFormat, type ImportResult, type TraceImporter } from "./import.js";
export { createSessionSet, type SessionSet, type SessionComplianceReport } from "./sessions.js";
