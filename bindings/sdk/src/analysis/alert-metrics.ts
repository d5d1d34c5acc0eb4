/**
 * Windowed metric alert rules: the AgentLens backend's `/alerts/rules` (total tokens,
 * error rate, durations, sessions, events, token rate over the last N minutes), evaluated
 * by the Rust core — the same answers `agentlens serve` gives for the same events.
 */
import { analysisError, json, jsonArray, num, options as readOptions, time } from "./args.js";
import { analysisWasm, parsed } from "./wasm.js";

/** What a metric rule measures over its window. */
export type AlertMetric =
  | "total_tokens"
  | "avg_tokens_per_session"
  | "error_rate"
  | "avg_duration_ms"
  | "max_duration_ms"
  | "session_count"
  | "event_count"
  | "token_rate";

/** How a rule's value compares with its threshold. */
export type MetricRuleOperator = "<" | ">" | "<=" | ">=" | "==" | "!=";

/** A metric rule as written (the backend's `POST /alerts/rules` body). */
export interface MetricRuleSpec {
  /** The host's id; keys the rule's last firing (its name when absent). */
  rule_id?: string;
  /** Required; trimmed and cut to 128 characters. */
  name: string;
  metric: AlertMetric;
  operator: MetricRuleOperator;
  /** A finite number. */
  threshold: number;
  /** Whole minutes, clamped to 1..10080; 60 when absent or null. */
  window_minutes?: number | null;
  /** Only events of this agent (exact name); empty or null is none. At most 256 characters. */
  agent_filter?: string | null;
  /** Whole minutes, clamped to 0..10080; 15 when absent or null. */
  cooldown_minutes?: number | null;
  /** Disabled rules are not evaluated; true when absent. */
  enabled?: boolean;
}

/** A metric rule validated and clamped, every default written out. */
export interface MetricRule {
  rule_id: string;
  name: string;
  metric: AlertMetric;
  operator: MetricRuleOperator;
  threshold: number;
  window_minutes: number;
  agent_filter: string | null;
  cooldown_minutes: number;
  enabled: boolean;
}

/** One event as a metric rule sees it (the collector's event columns). */
export interface MetricSample {
  /** When it happened, epoch milliseconds. */
  ts_ms: number;
  session_id: string;
  /** Its session's agent (matched exactly by `agent_filter`). */
  agent_name?: string | null;
  /** Its wire type: read for errors when `is_error` is not given. */
  event_type?: string | null;
  /** Whether it is an error; when absent, the type decides (`error`, `tool_error`, `agent_error`, any `*error*`). */
  is_error?: boolean | null;
  tokens_in?: number;
  tokens_out?: number;
  /** Left out of the duration metrics when absent. */
  duration_ms?: number | null;
  /** When its session started (epoch ms), for `session_count`; else its earliest sample in the window. */
  session_started_ms?: number | null;
}

/** How an evaluated rule came out. */
export type MetricRuleStatus = "fired" | "cooldown" | "ok";

/** One enabled rule's evaluation. */
export interface MetricRuleResult {
  rule_id: string;
  name: string;
  metric: AlertMetric;
  operator: MetricRuleOperator;
  threshold: number;
  /** The value rounded to 2 decimals. */
  current_value: number;
  /** The value as compared. */
  value: number;
  /** Whether `value operator threshold` held. */
  triggered: boolean;
  window_minutes: number;
  agent_filter: string | null;
  /** `fired` (record an alert), `cooldown` (it fired less than its cooldown ago) or `ok`. */
  status: MetricRuleStatus;
}

/** The metrics a rule may watch, with what each measures, and the operators. */
export interface AlertMetricCatalog {
  metrics: { name: AlertMetric; description: string }[];
  operators: MetricRuleOperator[];
}

/** When to evaluate, and when each rule last fired. */
export interface EvaluateMetricRulesOptions {
  /** The evaluation time (the window ends here): epoch ms or a Date; default `Date.now()`. */
  now?: Date | number;
  /** Each rule's last firing by its key (`rule_id`, else `name`): epoch ms or Dates. */
  lastFired?: Record<string, Date | number> | Map<string, Date | number>;
}


/**
 * Validates and clamps one rule (window 1..10080 minutes, default 60; cooldown 0..10080,
 * default 15). Throws `AgentLensAnalysisError` naming the field and the value for an
 * unknown metric or operator, a missing name, a threshold that is not a finite number;
 * the error's `field` and `requirement` properties say which field and what it must be.
 */
export function metricRule(spec: MetricRuleSpec): MetricRule {
  return parsed(analysisWasm().metricRuleJson(json("spec", spec)));
}

/** `options.lastFired` (a record or a Map of times) as the engine takes it: `{"<key>": ms}`. */
function lastFiredJson(v: unknown): string {
  if (v === undefined) return "{}";
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v)) throw analysisError(`options.lastFired must be an object or a Map (got ${typeof v})`);
  const last: Record<string, number> = {};
  let entries: Iterable<[unknown, unknown]>;
  try {
    entries = v instanceof Map ? Array.from(v.entries()) : Object.entries(v);
  } catch (e) {
    throw analysisError("options.lastFired could not be read", e);
  }
  for (const [key, at] of entries) {
    if (typeof key !== "string") throw analysisError("options.lastFired keys must be strings (rule keys)");
    last[key] = time("each time in options.lastFired", at, () => num("each time in options.lastFired", at));
  }
  return json("options.lastFired", last);
}

/**
 * Evaluates every enabled rule over `samples` in its window `[now − window_minutes, now]`:
 * the value, whether it triggered, and `fired`, `cooldown` or `ok`. Time is an input (no
 * clock is read inside): pass `now` and each rule's last firing. Throws
 * `AgentLensAnalysisError` for a bad rule (its index and field named), a sample of the
 * wrong shape, or a time that is not finite.
 *
 * @example
 * ```ts
 * import { evaluateMetricRules, type MetricRuleSpec } from "@agentlens/sdk/analysis";
 * const now = Date.parse("2026-01-05T10:00:00Z");
 * const samples = [
 *   { ts_ms: now - 60_000, session_id: "s1", event_type: "llm_call", tokens_in: 900, tokens_out: 300 },
 *   { ts_ms: now - 30_000, session_id: "s1", event_type: "tool_error" },
 * ];
 * const rules: MetricRuleSpec[] = [
 *   { rule_id: "errors", name: "Errors above 10%", metric: "error_rate", operator: ">", threshold: 10, window_minutes: 5 },
 *   { rule_id: "spend", name: "Token burn", metric: "total_tokens", operator: ">=", threshold: 1000 },
 * ];
 * const [errors, spend] = evaluateMetricRules(rules, samples, { now, lastFired: { spend: now - 5 * 60_000 } });
 * if (errors.status !== "fired" || errors.value !== 50) throw new Error("expected 50% errors to fire");
 * if (spend.status !== "cooldown") throw new Error("fired 5 minutes ago: still cooling down (15 by default)");
 * ```
 */
export function evaluateMetricRules(rules: MetricRuleSpec[], samples: MetricSample[], options: EvaluateMetricRulesOptions = {}): MetricRuleResult[] {
  const read = readOptions("options", options);
  const rulesJson = jsonArray("rules", rules);
  const samplesJson = jsonArray("samples", samples);
  const now = time("options.now", read("now"), Date.now);
  const last = lastFiredJson(read("lastFired"));
  return parsed(analysisWasm().evaluateMetricRulesJson(rulesJson, samplesJson, now, last));
}

/**
 * The metrics a rule may watch (name and description, the backend's order) and the
 * operators: what `GET /alerts/metrics` answers.
 *
 * @example
 * ```ts
 * import { alertMetrics } from "@agentlens/sdk/analysis";
 * const { metrics, operators } = alertMetrics();
 * console.log(metrics.map((m) => m.name).join(", "), operators.join(" "));
 * ```
 */
export function alertMetrics(): AlertMetricCatalog {
  return parsed(analysisWasm().alertMetricsJson());
}
