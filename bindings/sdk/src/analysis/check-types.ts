/**
 * What the compliance, drift, alert and import engines take and return: field for field
 * the Rust core's structs in `src/analysis/compliance/`, `src/analysis/drift.rs`,
 * `src/analysis/alert*` and `src/import/` (serde names).
 */
import type { JsonObject, JsonValue, WireEvent } from "./event-types.js";

// ── Compliance ───────────────────────────────────────────────────────────────

/** What a failed rule means. */
export type RuleSeverity = "error" | "warning";

/** The built-in rule kinds; any other kind is a custom rule, run by a validator of that name. */
export type BuiltInRuleKind =
  | "max_tokens"
  | "min_tokens"
  | "allowed_models"
  | "forbidden_models"
  | "required_tools"
  | "forbidden_tools"
  | "max_events"
  | "min_events"
  | "max_duration_ms"
  | "max_tool_calls"
  | "require_reasoning"
  | "max_error_rate"
  | "custom";

/**
 * One rule of a policy (`ComplianceRule`). Which fields matter depends on `kind`; `type` is
 * read as `kind` when there is no `kind` (and a rule with neither is `custom`).
 */
export type ComplianceRule = {
  kind?: BuiltInRuleKind | (string & {});
  type?: BuiltInRuleKind | (string & {});
  description?: string;
  /** The bound of a limit rule (tokens, events, milliseconds, tool calls). */
  limit?: number;
  tools?: string[];
  models?: string[];
  /** A rate between 0 and 1, for `require_reasoning` and `max_error_rate`. */
  threshold?: number;
  /** Default `"error"`. */
  severity?: RuleSeverity;
};

/** A compliance policy (`CompliancePolicy`): a named list of rules. */
export type CompliancePolicy = {
  /** Default `"unnamed-policy"`. */
  name?: string;
  description?: string;
  /** Default `"1.0"`. */
  version?: string;
  /** Default: none. */
  rules?: ComplianceRule[];
};

/** A rule as the core holds it, as a custom validator receives it (defaults omitted). */
export type CheckedRule = {
  kind: string;
  description?: string;
  limit?: number;
  tools?: string[];
  models?: string[];
  threshold?: number;
  severity?: RuleSeverity;
};

/** A preset policy as `compliancePreset` returns it: every field written. */
export type PresetPolicy = {
  name: string;
  description: string;
  version: string;
  rules: CheckedRule[];
};

/** A rule's verdict. */
export type Verdict = "pass" | "fail" | "skip";

/** One rule's outcome in a report (`RuleResult`). */
export type RuleResult = {
  kind: string;
  description?: string;
  severity: RuleSeverity;
  verdict: Verdict;
  message: string;
  actual_value: JsonValue;
  expected_value: JsonValue;
  details?: JsonObject;
};

/** A compliance report (`ComplianceReport`). */
export type ComplianceReport = {
  policy_name: string;
  session_id: string;
  agent_name: string;
  /** RFC 3339. */
  checked_at: string;
  compliant: boolean;
  passed: number;
  failed: number;
  skipped: number;
  total_rules: number;
  results: RuleResult[];
  /** The failed rules of severity `warning`. */
  warnings: RuleResult[];
  /** The failed rules of severity `error`. */
  errors: RuleResult[];
};

/** The report and its `render()` text. */
export type ComplianceResult = {
  report: ComplianceReport;
  text: string;
};

/** One session's compliance report from a session set, with its text when asked for. */
export type SessionComplianceReport = ComplianceReport & {
  text?: string;
};

/** The session a custom validator is called with (`SessionView`). */
export type ComplianceSession = {
  session_id: string;
  agent_name: string;
  metadata?: JsonValue;
  /** RFC 3339. */
  started_at?: string;
  ended_at?: string;
  status: string;
  total_tokens_in: number;
  total_tokens_out: number;
  events: WireEvent[];
};

/**
 * What a custom validator answers: `true`/`false`, or an outcome with `verdict`
 * (`"pass" | "fail" | "skip"`) or `passed`, and optionally a message and the values
 * (`actualValue` or `actual_value`, likewise for the expected value).
 */
export type CustomRuleAnswer =
  | boolean
  | {
      verdict?: Verdict;
      passed?: boolean;
      message?: string;
      actualValue?: JsonValue;
      expectedValue?: JsonValue;
      actual_value?: JsonValue;
      expected_value?: JsonValue;
      details?: JsonObject;
    };

/**
 * A custom rule, called synchronously with the session and the rule as the core holds it.
 * A validator that throws, or answers something else, makes the rule a `skip` with the
 * reason.
 */
export type CustomValidator = (session: ComplianceSession, rule: CheckedRule) => CustomRuleAnswer;

// ── Drift ────────────────────────────────────────────────────────────────────

/** The drift verdict. */
export type DriftStatus = "stable" | "minor_drift" | "significant_drift" | "degraded";

/** One metric's drift (`MetricDrift`); values rounded to 4 decimal places. */
export type MetricDrift = {
  name: string;
  baseline_mean: number;
  current_mean: number;
  baseline_std: number;
  current_std: number;
  relative_change: number;
  effect_size: number;
  direction: "increased" | "decreased" | "stable";
  is_drifting: boolean;
};

/** One tool's change in usage (`ToolUsageDrift`). */
export type ToolUsageDrift = {
  tool_name: string;
  baseline_rate: number;
  current_rate: number;
  change: number;
  is_new: boolean;
  is_dropped: boolean;
};

/** A drift report (`DriftReport`). */
export type DriftReport = {
  /** 0 to 100. */
  drift_score: number;
  status: DriftStatus;
  baseline_sessions: number;
  current_sessions: number;
  metric_drifts: MetricDrift[];
  tool_drifts: ToolUsageDrift[];
  drifting_metrics: string[];
  summary: string;
};

/** The report and its formatted text. */
export type DriftResult = {
  report: DriftReport;
  text: string;
};

/** Drift between sessions of a set, and the ids not in the set. */
export type SessionSetDrift = DriftResult & {
  unknown: string[];
};

// ── Alerts ───────────────────────────────────────────────────────────────────

/** An alert's severity. */
export type AlertSeverity = "info" | "warning" | "critical";

/** A comparison. */
export type AlertOperator = ">" | ">=" | "<" | "<=" | "==" | "!=";

/** When a rule fires (`Condition`), tagged by `type`. */
export type AlertCondition =
  | { type: "threshold"; metric: string; operator: AlertOperator; value: number }
  | {
      type: "rate";
      event_type: string;
      threshold_pct?: number;
      /** Default 100. */
      window_events?: number;
      window_seconds?: number;
      threshold_count?: number;
    }
  | { type: "consecutive"; event_type: string; count: number }
  | { type: "pattern"; field: string; pattern: string }
  | {
      type: "aggregate";
      metric: string;
      agg_func: "sum" | "avg" | "min" | "max" | "count";
      operator: AlertOperator;
      value: number;
      /** Default 50. */
      window?: number;
    }
  | { type: "composite"; conditions: AlertCondition[]; mode?: "all" | "any" };

/** An alert rule (`AlertRule`). */
export type AlertRule = {
  name: string;
  condition: AlertCondition;
  /** Default `"warning"`. */
  severity?: AlertSeverity;
  description?: string;
  cooldown_seconds?: number;
  /** Default true. */
  enabled?: boolean;
};

/** A rule set. */
export type AlertRules = {
  rules: AlertRule[];
};

/** An alert that fired (`AlertResult`). */
export type FiredAlert = {
  rule_name: string;
  severity: AlertSeverity;
  message: string;
  /** RFC 3339: the time of the event that fired it. */
  timestamp: string | null;
  /** Ids of the events that matched. */
  matched_events: string[];
};

// ── Import ───────────────────────────────────────────────────────────────────

/** The formats `importTrace` detects. */
export type TraceFormat =
  | "ndjson"
  | "agentlens_batch"
  | "agentlens_session"
  | "inspector_export"
  | "otlp_json"
  | "openai_agents"
  | "event_array";

/** What `importTrace` read. */
export type ImportResult = {
  format: TraceFormat;
  events: WireEvent[];
  /** What was skipped and where (positions only, never the input). */
  warnings: string[];
};

/** The header line of an AgentLens NDJSON trace. */
export type NdjsonHeader = {
  format: string;
  version: number;
  producer?: string;
};

/** What `decodeNdjson` read. */
export type DecodedNdjson = {
  header: NdjsonHeader | null;
  events: WireEvent[];
  /** One message per bad line, with its number (never its content). */
  errors: string[];
};
