// The user program of the type test (types.test.mjs): reads the fields of every analysis
// report and builds every input with declared types, as TypeScript code in a user's project
// would. Each `const x: T = report.field` fails if the field is missing or of another type;
// each `@ts-expect-error` line fails if a report is typed loosely (a `Record<string,
// unknown>` or `any` would accept the unknown field or the wrong assignment).

export const REPORTS = `
import * as A from "@agentlens/sdk/analysis";
import type {
  WireEvent, WireEventInput, SessionCost, SessionStats, DailyCosts, CostSummary, ModelPrice, UsageRecords,
  ForecastResult, SpendingSummary, BudgetAlert, ComplianceResult as ComplianceOutcome, ComplianceReport, RuleResult, CompliancePolicy,
  DriftResult, SessionSetDrift, AlertRules, FiredAlert, ImportResult, DecodedNdjson, SessionComplianceReport,
  PresetPolicy, ComplianceSession, CheckedRule, CustomRuleAnswer, PricingOverrides, UsageRecord, TraceFormat,
} from "@agentlens/sdk/analysis";

const events: WireEvent[] = [
  { event_type: "llm_call", session_id: "s1", timestamp: "2026-01-05T10:00:00Z", model: "gpt-4o", tokens_in: 1000, tokens_out: 500, duration_ms: 120 },
  { event_type: "tool_call", session_id: "s1", tool_call: { tool_name: "search", tool_input: { q: "x" }, duration_ms: 30 } },
  { event_type: "my_custom_type", session_id: "s1", input_data: { nested: [1, "two", null, { ok: true }] } },
];
const loose: WireEventInput[] = [{ model: "gpt-4o" }];
const pricing: PricingOverrides = { "acme-1": { input_per_1m: 1, output_per_1m: 2 } };

export function costs(): number {
  const cost: SessionCost = A.sessionCost(events, pricing);
  const total: number = cost.total_cost;
  const perModel: number = cost.model_costs["gpt-4o"]?.total_cost ?? 0;
  const firstEvent: string | null = cost.event_costs[0]?.pricing_key ?? null;
  const unmatched: string[] = cost.unmatched_models;
  const used: ModelPrice | undefined = cost.pricing_used["gpt-4o"];
  const cachedPrice: number | undefined = used?.cached_input_per_1m;
  const stats: SessionStats = A.sessionStats(loose);
  const p95: number | undefined = stats.latency?.p95_ms;
  const toolRate: number = stats.tools["search"]?.failure_rate ?? 0;
  const minute: string | undefined = stats.timeline[0]?.minute;
  const daily: DailyCosts = A.dailyCosts(events);
  const day: string | undefined = daily.days[0]?.day;
  const summary: CostSummary = A.costSummary(events);
  const share: number | undefined = summary.by_model[0]?.percent;
  const shareCalls: number | undefined = summary.by_model[0]?.calls;
  const price: ModelPrice | null = A.pricingLookup("gpt-4o");
  const usage: UsageRecords = A.usageRecords(events, { pricing });
  const records: UsageRecord[] = usage.records;
  const f: ForecastResult = A.forecast(records, { days: 7, method: "linear", confidence: 0.9 });
  const predicted: number | undefined = f.daily_predictions[0]?.confidence_high;
  const method: "linear" | "ema" | "average" = f.method;
  const s: SpendingSummary = A.spendingSummary([{ timestamp: "2026-03-01T12:00:00Z", cost_usd: 2 }]);
  const trend: "increasing" | "decreasing" | "stable" | "insufficient_data" = s.trend;
  const modelCost: number | undefined = s.model_breakdown["gpt-4o"]?.cost;
  const b: BudgetAlert = A.checkBudget(records, 100);
  const days: number | null = b.days_until_exceeded;
  const severity: "safe" | "warning" | "critical" = b.severity;
  // @ts-expect-error: not a field of SessionCost
  void cost.totalCost;
  // @ts-expect-error: total_cost is a number
  const wrong: string = cost.total_cost;
  return total + perModel + (firstEvent?.length ?? 0) + unmatched.length + (cachedPrice ?? 0) + (p95 ?? 0) + toolRate
    + (minute?.length ?? 0) + (day?.length ?? 0) + (share ?? 0) + (shareCalls ?? 0) + (price?.input_per_1m ?? 0)
    + usage.unpriced + (predicted ?? 0) + method.length + trend.length + (modelCost ?? 0) + (days ?? 0) + severity.length + wrong.length;
}

export function checks(): number {
  const policy: CompliancePolicy = { name: "p", rules: [{ kind: "max_tokens", limit: 10 }, { type: "forbidden_tools", tools: ["shell"] }, { kind: "pii" }] };
  const result: ComplianceOutcome = A.checkCompliance(policy, events, {
    checkedAt: new Date(),
    validators: {
      pii: (session: ComplianceSession, rule: CheckedRule): CustomRuleAnswer => ({
        passed: session.events.every((e) => e.input_data === undefined),
        message: rule.kind,
        actualValue: session.total_tokens_in,
      }),
    },
  });
  const report: ComplianceReport = result.report;
  const compliant: boolean = report.compliant;
  const results: RuleResult[] = report.results;
  const verdict: "pass" | "fail" | "skip" | undefined = results[0]?.verdict;
  const preset: PresetPolicy = A.compliancePreset("strict");
  const presetKind: string | undefined = preset.rules[0]?.kind;
  const drift: DriftResult = A.detectDrift([events], [events], { threshold: 0.5 });
  const score: number = drift.report.drift_score;
  const status: "stable" | "minor_drift" | "significant_drift" | "degraded" = drift.report.status;
  const metric: boolean | undefined = drift.report.metric_drifts[0]?.is_drifting;
  const rules: AlertRules = { rules: [{ name: "slow", severity: "critical", condition: { type: "threshold", metric: "duration_ms", operator: ">", value: 1000 } }] };
  const engine = A.createAlertEngine(rules);
  const fired: FiredAlert[] = engine.evaluate(events);
  const when: string | null | undefined = fired[0]?.timestamp;
  const back: AlertRules = engine.toJSON();
  engine.free();
  const imported: ImportResult = A.importTrace('{"session_id":"s","event_type":"final"}\\n');
  const format: TraceFormat = imported.format;
  const firstType: string | undefined = imported.events[0]?.event_type;
  const decoded: DecodedNdjson = A.decodeNdjson("");
  const producer: string | undefined = decoded.header?.producer;
  const set = A.createSessionSet(events);
  const perSession: SessionComplianceReport[] = set.compliance("permissive", { withText: true });
  const text: string | undefined = perSession[0]?.text;
  const setDrift: SessionSetDrift = set.drift(["s1"], ["s2"]);
  const unknownIds: string[] = setDrift.unknown;
  set.free();
  // @ts-expect-error: a rule needs a condition
  A.createAlertEngine({ rules: [{ name: "no condition" }] });
  // @ts-expect-error: compliant is a boolean
  const wrong: number = report.compliant;
  return (compliant ? 1 : 0) + (verdict?.length ?? 0) + (presetKind?.length ?? 0) + score + status.length + (metric ? 1 : 0)
    + (when?.length ?? 0) + back.rules.length + format.length + (firstType?.length ?? 0) + (producer?.length ?? 0)
    + (text?.length ?? 0) + unknownIds.length + result.text.length + wrong;
}
`;

/** The tracker's analysis methods return the same typed reports. */
export const TRACKER_REPORTS = `
import type { Tracker as TrackerForReports } from "@agentlens/sdk";
export async function trackerReports(t: TrackerForReports): Promise<number> {
  const cost: number = (await t.cost()).total_cost;
  const errors: number = (await t.sessionStats()).error_rate;
  const results: number = (await t.compliance("strict")).report.results.length;
  const drift: number = (await t.drift(["a"], ["b"])).report.drift_score;
  const records: number = (await t.usageRecords()).records.length;
  const predicted: number = (await t.forecast({ days: 3 })).total_predicted_cost;
  const weekly: number = (await t.spendingSummary()).weekly_projection;
  const severity: string = (await t.checkBudget(100)).severity;
  return cost + errors + results + drift + records + predicted + weekly + severity.length;
}
`;
