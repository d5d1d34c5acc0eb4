// @agentlens/sdk/analysis: the windowed metric alert rules (the AgentLens backend's
// /alerts/rules metrics) through the analysis wasm: every metric on a hand-counted set of
// samples, the window's edges, the agent filter, cooldowns on the given times, clamps,
// and the named errors for bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { alertMetrics, evaluateMetricRules, metricRule } from "@agentlens/sdk/analysis";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const MIN = 60_000;

/** Samples `minAgo` minutes before NOW. */
const at = (minAgo, fields) => ({ ts_ms: NOW - minAgo * MIN, session_id: "s1", agent_name: "alpha", event_type: "llm_call", ...fields });

const SAMPLES = [
  at(1, { tokens_in: 100, tokens_out: 50, duration_ms: 200 }),
  at(2, { event_type: "tool_error", tokens_in: 30, duration_ms: 600 }),
  at(3, { session_id: "s2", agent_name: "beta", is_error: true, tokens_out: 20, session_started_ms: NOW - 60 * MIN }),
  at(4, { session_id: "s2", agent_name: "beta", event_type: "agent_error", is_error: false }),
  at(11, { session_id: "s3", tokens_in: 1000, duration_ms: 9000, is_error: true }), // before the window
  at(-1, { session_id: "s4", tokens_in: 5000 }), // after now
];

const rule = (metric, operator = ">", threshold = 0, extra = {}) => ({ rule_id: `${metric}${operator}${threshold}`, name: metric, metric, operator, threshold, window_minutes: 10, ...extra });
const valueOf = (metric, extra) => evaluateMetricRules([rule(metric, ">", 0, extra)], SAMPLES, { now: NOW })[0].value;

test("every metric over the window alone", () => {
  const want = {
    total_tokens: 200,
    avg_tokens_per_session: 100,
    error_rate: 50, // tool_error by its type, s2's first by its flag; agent_error flagged false
    avg_duration_ms: 400,
    max_duration_ms: 600,
    session_count: 1, // s2 started an hour ago
    event_count: 4,
    token_rate: 20,
  };
  assert.deepEqual(alertMetrics().metrics.map((m) => m.name), Object.keys(want));
  for (const [metric, value] of Object.entries(want)) assert.equal(valueOf(metric), value, metric);
});

test("the agent filter and an empty window", () => {
  assert.equal(valueOf("total_tokens", { agent_filter: "alpha" }), 180);
  assert.equal(valueOf("event_count", { agent_filter: "beta" }), 2);
  for (const { name } of alertMetrics().metrics) {
    assert.equal(valueOf(name, { agent_filter: "nobody" }), 0, name);
    assert.equal(evaluateMetricRules([rule(name)], [], { now: NOW })[0].status, "ok", name);
  }
});

test("each operator, and fired / cooldown / ok on the given times", () => {
  const cases = [["<", 4, false], ["<", 5, true], [">", 3, true], [">", 4, false], ["<=", 4, true], [">=", 5, false], ["==", 4, true], ["!=", 4, false]];
  for (const [op, threshold, fires] of cases) {
    const [r] = evaluateMetricRules([rule("event_count", op, threshold)], SAMPLES, { now: new Date(NOW) });
    assert.equal(r.triggered, fires, `4 ${op} ${threshold}`);
    assert.equal(r.status, fires ? "fired" : "ok");
  }
  const r = rule("event_count", ">", 0, { cooldown_minutes: 5 });
  const status = (last) => evaluateMetricRules([r], SAMPLES, { now: NOW, lastFired: last })[0].status;
  assert.equal(status({ [r.rule_id]: NOW - 4 * MIN }), "cooldown");
  assert.equal(status(new Map([[r.rule_id, new Date(NOW - 5 * MIN)]])), "fired");
  assert.equal(status({ other: NOW }), "fired");
});

test("results: the backend's fields, disabled rules left out, the value rounded for show", () => {
  const out = evaluateMetricRules([rule("error_rate", "<", 66.67), { ...rule("total_tokens"), enabled: false }], SAMPLES.slice(0, 3), { now: NOW });
  assert.equal(out.length, 1);
  assert.deepEqual(Object.keys(out[0]).sort(), ["agent_filter", "current_value", "metric", "name", "operator", "rule_id", "status", "threshold", "triggered", "value", "window_minutes"]);
  assert.equal(out[0].current_value, 66.67);
  assert.ok(Math.abs(out[0].value - 200 / 3) < 1e-12);
  assert.equal(out[0].status, "fired", "66.666… < 66.67");
});

test("metricRule clamps and defaults as the backend does", () => {
  const r = metricRule({ name: "  spend ", metric: "total_tokens", operator: ">=", threshold: 10, window_minutes: 99_999, cooldown_minutes: -1, agent_filter: "" });
  assert.deepEqual(r, { rule_id: "", name: "spend", metric: "total_tokens", operator: ">=", threshold: 10, window_minutes: 10080, agent_filter: null, cooldown_minutes: 0, enabled: true });
  const d = metricRule({ name: "d", metric: "event_count", operator: "==", threshold: 0, window_minutes: 0 });
  assert.deepEqual([d.window_minutes, d.cooldown_minutes], [1, 15]);
});

const analysisError = (field, got) => (e) => {
  assert.equal(e.name, "AgentLensAnalysisError");
  if (field) assert.equal(e.field, field);
  if (got) assert.ok(e.message.includes(got), e.message);
  if (field) assert.ok(!e.requirement.includes(got), "the requirement never repeats the value");
  return true;
};

test("bad input throws AgentLensAnalysisError naming the field and the value", () => {
  assert.throws(() => metricRule({ name: "x", metric: "latency", operator: ">", threshold: 1 }), analysisError("metric", '"latency"'));
  assert.throws(() => metricRule({ name: "x", metric: "event_count", operator: "=>", threshold: 1 }), analysisError("operator", '"=>"'));
  assert.throws(() => metricRule({ name: "", metric: "event_count", operator: ">", threshold: 1 }), analysisError("name"));
  assert.throws(() => metricRule({ name: "x", metric: "event_count", operator: ">", threshold: "1" }), analysisError("threshold", '"1"'));
  assert.throws(() => metricRule({ name: "x", metric: "event_count", operator: ">", threshold: 1, agent_filter: "a".repeat(257) }), analysisError("agent_filter"));
  assert.throws(() => evaluateMetricRules([rule("event_count"), rule("nope")], [], { now: NOW }), (e) => analysisError("metric", '"nope"')(e) && e.message.startsWith("rules[1]: "));
  assert.throws(() => evaluateMetricRules([rule("event_count")], [], { now: Number.NaN }), analysisError());
  assert.throws(() => evaluateMetricRules([rule("event_count")], [], { now: NOW, lastFired: { x: Number.NaN } }), analysisError());
  assert.throws(() => evaluateMetricRules([rule("event_count")], [{ ts_ms: "soon", session_id: "s" }], { now: NOW }), analysisError(undefined, "samples"));
});

test("results have exactly the keys and types the built declarations give them", async () => {
  const { shapeChecker } = await import("../packaging/shape-check.mjs");
  const checker = shapeChecker(fileURLToPath(new URL("../../dist/analysis/index.d.ts", import.meta.url)));
  const rules = alertMetrics().metrics.map(({ name }, i) => rule(name, ["<", ">", "<=", ">=", "==", "!="][i % 6], 1, i % 2 ? { agent_filter: "alpha" } : {}));
  const problems = [
    ...checker.check(alertMetrics(), "AlertMetricCatalog", "alertMetrics()"),
    ...rules.flatMap((r, i) => checker.check(metricRule(r), "MetricRule", `metricRule(${i})`)),
    ...checker.check(metricRule({ name: "f", metric: "error_rate", operator: ">", threshold: 1, agent_filter: "x" }), "MetricRule", "filtered"),
    ...evaluateMetricRules(rules, SAMPLES, { now: NOW }).flatMap((r, i) => checker.check(r, "MetricRuleResult", `result ${i}`)),
  ];
  assert.deepEqual(problems, []);
  assert.match(checker.check({ ...metricRule(rules[0]), extra: 1 }, "MetricRule").join(), /extra: not declared/, "the check can fail");
  for (const type of ["MetricRule", "MetricRuleResult", "AlertMetricCatalog"]) {
    const seen = new Set(checker.seenOf(type));
    assert.deepEqual(checker.propertiesOf(type).filter((p) => !seen.has(p)), [], `${type}: every declared field is written`);
  }
});
