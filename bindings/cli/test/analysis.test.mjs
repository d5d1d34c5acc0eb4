// The analysis endpoints, backed by the core's engines: compliance, drift, forecast and
// alerts over stored sessions; engine errors are 400s, unknown sessions 404s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collector, post, get } from "./helpers.mjs";

function session(sid, { tools = ["search"], tokens = 100, errors = 0, dayOffset = 0, durationMs = 100 } = {}) {
  const ts = (s) => new Date(Date.now() - dayOffset * 86_400_000 + s * 1000).toISOString();
  return [
    { event_type: "session_start", session_id: sid, agent_name: "analysed", timestamp: ts(0) },
    { event_id: `${sid}-l`, session_id: sid, event_type: "llm_call", model: "gpt-4o", tokens_in: tokens, tokens_out: tokens / 2, duration_ms: durationMs, timestamp: ts(1), decision_trace: { reasoning: "because" } },
    ...tools.map((tool, i) => ({ event_id: `${sid}-t${i}`, session_id: sid, event_type: "tool_call", tool_call: { tool_name: tool, tool_input: {} }, duration_ms: durationMs, timestamp: ts(2 + i) })),
    ...Array.from({ length: errors }, (_, i) => ({ event_id: `${sid}-e${i}`, session_id: sid, event_type: "error", error: { error_type: "X", message: "m" }, timestamp: ts(10 + i) })),
    { event_type: "session_end", session_id: sid, ended_at: ts(20), status: "completed" },
  ];
}

async function seeded(t) {
  const c = await collector(t);
  const events = [];
  for (let i = 0; i < 4; i++) events.push(...session(`base${i}`, { dayOffset: 6 - i }));
  for (let i = 0; i < 4; i++) events.push(...session(`cur${i}`, { tools: ["shell", "shell", "search"], tokens: 400, errors: 2, durationMs: 900, dayOffset: 2 - (i % 3) }));
  assert.equal((await post(c, "/events", { events })).status, 200);
  return c;
}

test("POST /analysis/compliance checks a stored session against a policy or a preset", async (t) => {
  const c = await seeded(t);
  const ok = await post(c, "/analysis/compliance", { session_id: "base0", policy: { name: "no shell", rules: [{ kind: "forbidden_tools", tools: ["shell"] }] } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.report.compliant, true);
  const bad = await post(c, "/analysis/compliance", { session_id: "cur0", policy: { name: "no shell", rules: [{ kind: "forbidden_tools", tools: ["shell"] }] } });
  assert.equal(bad.body.report.compliant, false);
  assert.match(bad.body.text, /shell/);
  const preset = await post(c, "/analysis/compliance", { session_id: "cur0", preset: "strict" });
  assert.equal(preset.status, 200);
  assert.equal(typeof preset.body.report.compliant, "boolean");
  assert.equal((await post(c, "/analysis/compliance", { session_id: "nope", preset: "strict" })).status, 404);
  const unknown = await post(c, "/analysis/compliance", { session_id: "base0", policy: { name: "x", rules: [{ kind: "no_such_rule_kind_at_all" }] } });
  assert.deepEqual([unknown.status, unknown.body.report.skipped], [200, 1], "unknown kinds are skipped by the engine");
  const invalid = await post(c, "/analysis/compliance", { session_id: "base0", policy: { name: "x", rules: [{ kind: "max_tokens", limit: "lots" }] } });
  assert.equal(invalid.status, 400, "an invalid policy is the engine's 400");
  assert.match(invalid.body.error, /limit/);
  assert.equal((await post(c, "/analysis/compliance", { session_id: "base0", preset: "lenient" })).status, 400);
});

test("POST /analysis/drift compares two windows of stored sessions", async (t) => {
  const c = await seeded(t);
  const r = await post(c, "/analysis/drift", { baseline: ["base0", "base1", "base2", "base3"], current: ["cur0", "cur1", "cur2", "cur3"] });
  assert.equal(r.status, 200);
  assert.notEqual(r.body.report.status, "stable");
  assert.ok(r.body.report.drift_score > 20, String(r.body.report.drift_score));
  const stable = await post(c, "/analysis/drift", { baseline: ["base0", "base1"], current: ["base2", "base3"] });
  assert.equal(stable.body.report.status, "stable");
  assert.equal((await post(c, "/analysis/drift", { baseline: [], current: ["cur0"] })).status, 400, "an empty window is the engine's error");
  assert.equal((await post(c, "/analysis/drift", { baseline: "base0", current: [] })).status, 400);
  assert.equal((await post(c, "/analysis/drift", { baseline: ["nope"], current: ["cur0"] })).status, 404);
});

test("GET /analysis/forecast forecasts daily cost from stored LLM calls, with an optional budget check", async (t) => {
  const c = await seeded(t);
  const r = await get(c, "/analysis/forecast?days=5&monthly_budget=100");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.forecast.daily_predictions.length, 5);
  assert.equal(r.body.records, 8);
  assert.ok(r.body.summary);
  assert.equal(typeof r.body.budget.severity, "string");
  assert.equal((await get(c, "/analysis/forecast?days=500")).status, 400);
  assert.equal((await get(c, "/analysis/forecast?method=magic")).status, 400);
  const empty = await collector(t);
  assert.equal((await get(empty, "/analysis/forecast")).status, 400);
});

test("POST /analysis/alerts evaluates rules over a session or the recent window", async (t) => {
  const c = await seeded(t);
  const rules = { rules: [{ name: "slow", condition: { type: "threshold", metric: "duration_ms", operator: ">", value: 500 } }] };
  const session = await post(c, "/analysis/alerts", { rules, session_id: "cur0" });
  assert.equal(session.status, 200);
  assert.ok(session.body.fired.length >= 1);
  assert.equal(session.body.fired[0].rule_name, "slow");
  const calm = await post(c, "/analysis/alerts", { rules, session_id: "base0" });
  assert.deepEqual(calm.body.fired, []);
  const window = await post(c, "/analysis/alerts", { rules, window_minutes: 10_000 });
  assert.ok(window.body.evaluated_events > 0);
  const bad = await post(c, "/analysis/alerts", { rules: { rules: [{ name: "re", condition: { type: "pattern", field: "model", pattern: "(" } }] }, session_id: "cur0" });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /re/);
  assert.equal((await post(c, "/analysis/alerts", { session_id: "cur0" })).status, 400);
});
