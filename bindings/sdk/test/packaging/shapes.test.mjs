// The typed boundary holds at run time: every analysis function of @agentlens/sdk/analysis
// runs on the shared fixture traces (tests/fixtures/import, tests/fixtures/analysis,
// tests/fixtures/wire) and each returned object is checked, with the TypeScript checker,
// against the type the BUILT declarations (dist/analysis/index.d.ts) give it: no key the
// type does not declare, no required key missing, every value of its declared type. So a
// field added to or renamed in a Rust struct without its TS type fails here, naming the
// path. A second test asks that every field of the always-written report types was seen
// at least once, so a declared field the core never writes fails too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import * as analysis from "@agentlens/sdk/analysis";
import { shapeChecker } from "./shape-check.mjs";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const DTS = fileURLToPath(new URL("../../dist/analysis/index.d.ts", import.meta.url));
const fixtureDir = (name) => join(ROOT, "tests/fixtures", name);
const jsonFiles = (dir) => readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [f, JSON.parse(readFileSync(join(dir, f), "utf8"))]);

/** Every (label, value, type name) the engines returned on the fixtures. */
function samples() {
  const out = [];
  const add = (label, value, type) => out.push({ label, value, type });
  const addAll = (label, values, type) => values.forEach((v, i) => add(`${label}[${i}]`, v, type));

  // Importers: every format, whole and streamed; the NDJSON decoder; the wire body decoder.
  const importDir = fixtureDir("import");
  const events = [];
  for (const file of readdirSync(importDir).filter((f) => /\.(json|ndjson|gz)$/.test(f)).sort()) {
    const bytes = readFileSync(join(importDir, file));
    const result = analysis.importTrace(bytes);
    add(`importTrace(${file})`, result, "ImportResult");
    events.push(...result.events);
    const importer = analysis.createTraceImporter();
    const streamed = [];
    for (let i = 0; i < bytes.length; i += 97) streamed.push(...importer.push(bytes.subarray(i, i + 97)));
    streamed.push(...importer.finish());
    addAll(`createTraceImporter(${file})`, streamed, "WireEvent");
    add(`createTraceImporter(${file}).format`, importer.format, "TraceFormat");
    importer.free();
  }
  add("decodeNdjson", analysis.decodeNdjson(readFileSync(join(importDir, "agentlens_trace.ndjson"), "utf8")), "DecodedNdjson");
  for (const [file] of jsonFiles(fixtureDir("wire"))) {
    addAll(`decodeWireBody(${file})`, analysis.decodeWireBody(readFileSync(join(fixtureDir("wire"), file))), "WireEvent");
  }

  // Per session of the imported traces: cost, stats, usage, compliance (a custom rule too).
  const sessions = new Map();
  for (const e of events) sessions.set(e.session_id, [...(sessions.get(e.session_id) ?? []), e]);
  const validators = {
    seen: (session, rule) => {
      add("validator session", session, "ComplianceSession");
      add("validator rule", rule, "CheckedRule");
      return { verdict: "skip", message: "looked", actual_value: session.events.length, details: { n: 1 } };
    },
  };
  const custom = { name: "custom", rules: [{ kind: "seen", description: "a custom rule", severity: "warning" }, { type: "max_tokens", limit: 10 }] };
  for (const [id, evs] of sessions) {
    add(`sessionCost(${id})`, analysis.sessionCost(evs), "SessionCost");
    add(`sessionStats(${id})`, analysis.sessionStats(evs), "SessionStats");
    add(`dailyCosts(${id})`, analysis.dailyCosts(evs), "DailyCosts");
    add(`costSummary(${id})`, analysis.costSummary(evs), "CostSummary");
    add(`usageRecords(${id})`, analysis.usageRecords(evs), "UsageRecords");
    for (const policy of ["strict", "permissive"]) add(`checkCompliance(${policy}, ${id})`, analysis.checkCompliance(analysis.compliancePreset(policy), evs), "ComplianceResult");
    add(`checkCompliance(custom, ${id})`, analysis.checkCompliance(custom, evs, { validators }), "ComplianceResult");
  }
  for (const name of ["strict", "permissive"]) add(`compliancePreset(${name})`, analysis.compliancePreset(name), "PresetPolicy");

  // Forecasts over the usage records of every imported event.
  const { records } = analysis.usageRecords(events);
  add("usageRecords(all)", analysis.usageRecords(events), "UsageRecords");
  add("forecast(imported)", analysis.forecast(records, { days: 3 }), "ForecastResult");
  add("spendingSummary(imported)", analysis.spendingSummary(records), "SpendingSummary");
  add("checkBudget(imported)", analysis.checkBudget(records, 10), "BudgetAlert");

  // The analysis fixtures.
  for (const [file, c] of jsonFiles(fixtureDir("analysis"))) {
    const kind = file.split("_")[0];
    if (kind === "cost" && c.lookups) {
      for (const l of c.lookups) {
        const price = analysis.pricingLookup(l.model);
        if (price !== null) add(`pricingLookup(${l.model})`, price, "ModelPrice");
      }
    } else if (kind === "cost") {
      for (const evs of [c.events, c.assumed_events].filter(Boolean)) {
        add(`sessionCost(${file})`, analysis.sessionCost(evs), "SessionCost");
        add(`sessionStats(${file})`, analysis.sessionStats(evs), "SessionStats");
        add(`dailyCosts(${file})`, analysis.dailyCosts(evs), "DailyCosts");
        add(`costSummary(${file})`, analysis.costSummary(evs), "CostSummary");
      }
    } else if (kind === "compliance" && typeof c.expected.policy_error !== "string") {
      add(`checkCompliance(${file})`, analysis.checkCompliance(c.policy, c.events, { checkedAt: new Date(c.checked_at) }), "ComplianceResult");
    } else if (kind === "drift") {
      add(`detectDrift(${file})`, analysis.detectDrift(c.baseline, c.current, { threshold: c.threshold }), "DriftResult");
    } else if (kind === "forecast" && c.forecast) {
      add(`forecast(${file})`, analysis.forecast(c.records, c.forecast), "ForecastResult");
    } else if (kind === "forecast" && c.summary !== undefined) {
      add(`spendingSummary(${file})`, analysis.spendingSummary(c.records), "SpendingSummary");
    } else if (kind === "forecast" && c.budget) {
      add(`checkBudget(${file})`, analysis.checkBudget(c.records, c.budget.monthly_budget, c.budget.days_in_period), "BudgetAlert");
    }
  }

  // Prices: the catalog's info, dated and provider-aware lookups, and costs with cache
  // writes, a dated price and a tier (every new field of the cost types written non-null).
  add("priceCatalogInfo", analysis.priceCatalogInfo(), "PriceCatalogInfo");
  for (const [model, options] of [["o3", { at: "2025-07-01T00:00:00Z" }], ["claude-3-5-sonnet", { provider: "anthropic" }], ["anthropic.claude-3-haiku-20240307-v1:0", { provider: "aws.bedrock" }]]) {
    add(`pricingLookup(${model})`, analysis.pricingLookup(model, options), "ModelPrice");
  }
  const priced = [
    { event_type: "llm_call", session_id: "p", timestamp: "2025-07-01T00:00:00Z", model: "o3", tokens_in: 10, tokens_out: 5, attributes: { "gen_ai.provider.name": "openai" } },
    { event_type: "llm_call", session_id: "p", timestamp: "2025-07-01T00:00:00Z", model: "claude-3-5-sonnet", tokens_in: 300, cached_input_tokens: 100, tokens_out: 5, attributes: { cache_creation_input_tokens: 100 } },
    { event_type: "llm_call", session_id: "p", timestamp: "2025-07-01T00:00:00Z", model: "gemini-1.5-pro", tokens_in: 200_000, tokens_out: 5 },
  ];
  add("sessionCost(priced)", analysis.sessionCost(priced), "SessionCost");
  add("costSummary(priced)", analysis.costSummary(priced), "CostSummary");
  add("dailyCosts(priced)", analysis.dailyCosts(priced), "DailyCosts");

  // A session set over the imported trace; an alert engine with every condition type.
  const ndjson = events.map((e) => JSON.stringify(e)).join("\n");
  const set = analysis.createSessionSet(ndjson);
  const ids = set.sessionIds();
  add("SessionSet.sessionIds", ids, "SessionSet");
  addAll("SessionSet.compliance", set.compliance("strict", { withText: true, validators }), "SessionComplianceReport");
  add("SessionSet.drift", set.drift(ids.slice(0, 2), [...ids.slice(2), "nope"]), "SessionSetDrift");
  set.free();
  const engine = analysis.createAlertEngine({
    rules: [
      { name: "slow", condition: { type: "threshold", metric: "duration_ms", operator: ">", value: 0 } },
      { name: "errors", severity: "critical", condition: { type: "rate", event_type: "error", threshold_pct: 1, window_events: 5 } },
      { name: "calls", condition: { type: "consecutive", event_type: "llm_call", count: 1 } },
      { name: "gpt", severity: "info", condition: { type: "pattern", field: "model", pattern: "gpt" } },
      { name: "tokens", condition: { type: "aggregate", metric: "tokens_in", agg_func: "sum", operator: ">=", value: 0 } },
      { name: "both", cooldown_seconds: 5, condition: { type: "composite", mode: "any", conditions: [{ type: "consecutive", event_type: "tool_call", count: 1 }] } },
    ],
  });
  add("AlertEngine.toJSON", engine.toJSON(), "AlertRules");
  addAll("AlertEngine.evaluate", engine.evaluate(events), "FiredAlert");
  addAll("AlertEngine.pushMany", engine.pushMany(events), "FiredAlert");
  engine.free();
  return out;
}

const checker = shapeChecker(DTS);
const all = samples();

test("every analysis result on the fixture traces has exactly its declared keys and types", () => {
  assert.ok(all.length > 100, `only ${all.length} results checked`);
  const problems = [];
  for (const { label, value, type } of all) {
    // `SessionSet.sessionIds` is checked as the method's return type: a string array.
    const found = type === "SessionSet" ? (Array.isArray(value) && value.every((v) => typeof v === "string") ? [] : ["not string[]"]) : checker.check(value, type, label);
    problems.push(...found);
  }
  assert.deepEqual([...new Set(problems)].slice(0, 40), []);
});

test("the checker fails a value with an undeclared key, a missing key or a wrong type", () => {
  const cost = all.find((s) => s.type === "SessionCost").value;
  assert.deepEqual(checker.check(cost, "SessionCost"), []);
  assert.match(checker.check({ ...cost, extra: 1 }, "SessionCost").join(), /extra: not declared/);
  const { total_cost: _, ...missing } = cost;
  assert.match(checker.check(missing, "SessionCost").join(), /total_cost: required/);
  assert.match(checker.check({ ...cost, total_cost: "1" }, "SessionCost").join(), /total_cost: "1" is not a number/);
  assert.match(checker.check({ rule_name: "r", severity: "fatal", message: "", timestamp: null, matched_events: [] }, "FiredAlert").join(), /severity/);
});

// Report types the core writes in full: each declared field must have been seen.
const WRITTEN_IN_FULL = [
  "SessionCost", "EventCost", "ModelCost", "DailyCosts", "DayCost", "CostSummary", "ModelShare", "SessionStats", "Latency",
  "ToolStats", "MinuteBucket", "UsageRecords", "UsageRecord", "ForecastResult", "DailyPrediction", "SpendingSummary",
  "ModelUsage", "BudgetAlert", "PriceCatalogInfo", "PriceCatalogSource", "ComplianceResult", "ComplianceReport", "PresetPolicy", "DriftResult", "DriftReport",
  "MetricDrift", "ToolUsageDrift", "SessionSetDrift", "FiredAlert", "AlertRule", "ImportResult", "DecodedNdjson", "ComplianceSession",
];

test("every field of the fully written report types occurs in some result", (t) => {
  const unseen = [];
  for (const type of WRITTEN_IN_FULL) {
    const seen = new Set(checker.seenOf(type));
    const optional = type === "ComplianceSession" ? ["metadata", "started_at", "ended_at"] : [];
    for (const p of checker.propertiesOf(type)) if (!seen.has(p) && !optional.includes(p)) unseen.push(`${type}.${p}`);
  }
  assert.deepEqual(unseen, []);
  // The event types have optional fields only some traces carry: said, not asserted.
  for (const type of ["WireEvent", "WireToolCall", "WireDecisionTrace", "WireMemory", "WireErrorInfo", "RuleResult", "CheckedRule"]) {
    const seen = new Set(checker.seenOf(type));
    const missing = checker.propertiesOf(type).filter((p) => !seen.has(p));
    if (missing.length > 0) t.diagnostic(`${type}: not in any fixture result: ${missing.join(", ")}`);
  }
});
