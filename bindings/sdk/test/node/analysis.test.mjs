// @agentlens/sdk/analysis: every shared fixture in tests/fixtures/analysis/ run through the
// analysis wasm, compared with the expectations the native tests (tests/integration/
// analysis_*.rs) check, read the same way; floats within 1e-9 relative (absolute for
// values under 1). Then a few direct tests: the alert engine, and named errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  sessionCost, sessionStats, dailyCosts, costSummary, pricingLookup, forecast, spendingSummary,
  checkBudget, checkCompliance, compliancePreset, detectDrift, createAlertEngine,
} from "@agentlens/sdk/analysis";
import { Tracker } from "@agentlens/sdk";

const DIR = fileURLToPath(new URL("../../../../tests/fixtures/analysis/", import.meta.url));
const fixtures = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

const close = (a, b) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1);

/** Every key `expected` names, recursively, is in `got` with an equal value (floats close). */
function assertSubset(got, expected, path) {
  if (typeof expected === "number" && typeof got === "number") {
    assert.ok(close(got, expected), `${path}: got ${got}, want ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(got), `${path}: not an array: ${JSON.stringify(got)}`);
    assert.equal(got.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertSubset(got[i], e, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(got !== null && typeof got === "object", `${path}: not an object: ${JSON.stringify(got)}`);
    for (const [k, v] of Object.entries(expected)) {
      assert.ok(k in got, `${path}.${k} missing`);
      assertSubset(got[k], v, `${path}.${k}`);
    }
  } else assert.deepEqual(got, expected, path);
}

/**
 * cost_providers.json: each raw usage object recorded by the SDK's tracker
 * (`track({ usage, provider })`: the core reads it), the recorded events timed as the case
 * says, then priced by `sessionCost`: every expected field of every case and period case.
 */
async function providerCases(c) {
  const calls = [
    ...c.cases,
    ...c.period_cases.flatMap((p) => p.events.map((e, i) => ({ ...e, name: `${p.name}[${i}]`, provider: p.provider, model: p.model }))),
  ];
  const lines = [];
  const exporter = { name: "capture", format: "ndjson", send: async (r) => (lines.push(...Buffer.from(r.body).toString("utf8").split("\n").filter(Boolean)), { status: 200 }) };
  const tracker = new Tracker({ exporters: [exporter], logLevel: "silent" });
  tracker.startSession({ sessionId: "providers" });
  for (const k of calls) tracker.track({ eventType: "llm_call", model: k.model, provider: k.provider ?? undefined, usage: k.usage });
  await tracker.shutdown(5000);
  const events = lines.map((l) => JSON.parse(l)).filter((e) => e.event_type === "llm_call");
  assert.equal(events.length, calls.length);
  events.forEach((e, i) => (e.timestamp = calls[i].timestamp));
  const cost = sessionCost(events);
  calls.forEach((k, i) => {
    const { worked: _, unmatched, ...expected } = k.expected;
    assertSubset(cost.event_costs[i], expected, k.name);
    assert.equal(cost.unmatched_models.includes(k.model), unmatched === true, `${k.name}: listed unmatched`);
  });
}

const runners = {
  compliance(name, c) {
    const e = c.expected;
    if (typeof e.policy_error === "string") {
      assert.throws(() => checkCompliance(c.policy, c.events, { checkedAt: Date.parse(c.checked_at) }),
        (err) => err.name === "AgentLensAnalysisError" && err.message === e.policy_error);
      return;
    }
    const { report, text } = checkCompliance(c.policy, c.events, { checkedAt: new Date(c.checked_at) });
    for (const key of ["compliant", "passed", "failed", "skipped", "total_rules"]) assert.deepEqual(report[key], e[key], key);
    assert.deepEqual(report.results.map((r) => r.verdict), e.verdicts, "verdicts");
    if (e.messages) assert.deepEqual(report.results.map((r) => r.message), e.messages, "messages");
    if (typeof e.render === "string") assert.equal(text, e.render, "render");
  },
  cost(name, c) {
    if (c.lookups) {
      // The backend's key matching, as a user's own table (`table_keys`) over the catalog:
      // a key that should match prices the model as "user"; else the user's table does not.
      const pricing = Object.fromEntries(c.table_keys.map((k) => [k, { input_per_1m: 1, output_per_1m: 1 }]));
      assert.ok(c.lookups.length >= 10);
      for (const l of c.lookups) {
        const p = pricingLookup(l.model, { pricing });
        const userKey = p?.source === "user" ? p.model : null;
        assert.equal(userKey, l.key ?? null, `lookup(${l.model})`);
      }
      return;
    }
    if (c.cases) return providerCases(c);
    const s = sessionCost(c.events);
    assertSubset(s, c.expected_session, "session");
    if (c.expected_event_costs) assertSubset(s.event_costs, c.expected_event_costs, "event_costs");
    if (c.expected_daily) assertSubset(dailyCosts(c.events), c.expected_daily, "daily");
    if (c.expected_summary) assertSubset(costSummary(c.events), c.expected_summary, "summary");
    if (c.expected_event_costs) {
      const stats = sessionStats(c.events);
      assert.equal(stats.total_cost, s.total_cost);
      assert.deepEqual(stats.models, s.model_costs);
    }
    if (c.naive_total_cost !== undefined) {
      const naive = c.events.reduce((sum, e) => {
        const p = pricingLookup(e.model);
        return sum + (e.tokens_in * p.input_per_1m + e.tokens_out * p.output_per_1m) / 1e6;
      }, 0);
      assert.ok(Math.abs(Math.round(naive * 1e6) / 1e6 - c.naive_total_cost) <= 1e-9, "naive total");
      assert.ok(naive > 2 * s.total_cost);
      assert.ok(s.event_costs.every((ec) => !ec.cached_price_assumed));
    }
    if (c.assumed_events) assertSubset(sessionCost(c.assumed_events), c.expected_assumed, "assumed");
  },
  drift(name, c) {
    const { report, text } = detectDrift(c.baseline, c.current, { threshold: c.threshold });
    assertSubset(report, c.expected, name);
    assert.match(text, /Behavioral Drift Report/);
  },
  forecast(name, c) {
    let got;
    if (c.forecast) got = forecast(c.records, { days: c.forecast.days, method: c.forecast.method, confidence: c.forecast.confidence });
    else if (c.summary !== undefined) got = spendingSummary(c.records);
    else if (c.budget) got = checkBudget(c.records, c.budget.monthly_budget, c.budget.days_in_period);
    else assert.fail("no forecast, summary or budget call");
    assertSubset(got, c.expected, name);
  },
};

test("there are fixtures of every kind", () => {
  for (const kind of Object.keys(runners)) assert.ok(fixtures.some((f) => f.startsWith(`${kind}_`)), kind);
});

for (const file of fixtures) {
  test(`fixture ${file} gives the native expectations through wasm`, async () => {
    const c = JSON.parse(readFileSync(join(DIR, file), "utf8"));
    assert.equal(typeof c.about, "string", "each fixture says where it came from");
    const run = runners[file.split("_")[0]];
    assert.ok(run, `no runner for ${file}`);
    await run(file, c);
  });
}

const at = (s) => `2026-01-05T10:00:${String(s).padStart(2, "0")}Z`;
const ev = (s, extra = {}) => ({ event_type: "error", session_id: "s", timestamp: at(s), ...extra });

test("the alert engine fires on a stream and its cooldown follows event time", () => {
  const engine = createAlertEngine({
    rules: [{ name: "errors", severity: "critical", cooldown_seconds: 10, condition: { type: "consecutive", event_type: "error", count: 2 } }],
  });
  assert.deepEqual(engine.push(ev(0)), []);
  const fired = engine.push(ev(1));
  assert.equal(fired.length, 1);
  assert.equal(fired[0].rule_name, "errors");
  assert.equal(fired[0].severity, "critical");
  assert.deepEqual(engine.push(ev(5)), [], "within the cooldown (event time)");
  assert.equal(engine.push(ev(12)).length, 1, "after the cooldown (event time)");
  assert.equal(engine.toJSON().rules[0].name, "errors");
  assert.equal(engine.evaluate([ev(30), ev(31)]).length, 1);
  assert.deepEqual(engine.evaluate([ev(40)]), []);
  engine.free();
});

test("errors are named", () => {
  const named = (name) => (e) => e instanceof Error && e.name === name;
  assert.throws(() => createAlertEngine({ rules: [{ name: "bad", condition: { type: "pattern", field: "model", pattern: "(" } }] }),
    (e) => named("AgentLensAnalysisError")(e) && /invalid alert pattern/.test(e.message));
  assert.throws(() => sessionCost({ not: "an array" }), named("AgentLensDecodeError"));
  assert.throws(() => sessionCost([], { x: { input_per_1m: "free" } }), named("AgentLensAnalysisError"));
  assert.throws(() => forecast([], { days: 3 }), named("AgentLensAnalysisError"));
  assert.throws(() => forecast([{ timestamp: at(0), cost_usd: 1 }], { days: 0 }), named("AgentLensAnalysisError"));
  assert.throws(() => forecast([{ timestamp: at(0), cost_usd: 1 }], { days: 3, method: "magic" }), named("AgentLensAnalysisError"));
  assert.throws(() => checkBudget([{ timestamp: at(0), cost_usd: 1 }], -1), named("AgentLensAnalysisError"));
  assert.throws(() => detectDrift([], [], { threshold: 0.5 }), named("AgentLensAnalysisError"));
  assert.throws(() => compliancePreset("lax"), named("AgentLensAnalysisError"));
});

test("{ exact: true } gives the unrounded amounts that parts add up to; by default they are at 6 dp", () => {
  // $0.10 per million input tokens: 834 tokens cost 83.4 micro-dollars.
  const pricing = { "tiny-model": { input_per_1m: 0.1, output_per_1m: 0 } };
  const part = [{ event_type: "llm_call", session_id: "s1", timestamp: "2026-01-05T10:00:00Z", model: "tiny-model", tokens_in: 834, tokens_out: 0 }];
  const near = (x, want) => assert.ok(Math.abs(x - want) < 1e-15, `${x} vs ${want}`);
  assert.equal(costSummary(part, pricing).total_cost, 0.000083);
  assert.equal(costSummary(part, pricing, { exact: false }).total_cost, 0.000083);
  const exact = costSummary(part, pricing, { exact: true });
  near(exact.total_cost, 0.0000834);
  near(exact.daily_trend[0].cost, 0.0000834);
  near(exact.by_model[0].total_cost, 0.0000834);
  near(sessionCost(part, pricing, { exact: true }).total_cost, 0.0000834);
  near(sessionCost(part, pricing, { exact: true }).model_costs["tiny-model"].input_cost, 0.0000834);
  assert.equal(sessionCost(part, pricing, { exact: true }).event_costs[0].total_cost, 0.000083, "an event's own cost stays at 6 dp");
  near(dailyCosts(part, pricing, { exact: true }).days[0].cost, 0.0000834);
  // Three parts: their exact costs add up to the whole's; their 6 dp costs do not.
  const whole = costSummary([...part, ...part, ...part], pricing, { exact: true }).total_cost;
  near(3 * exact.total_cost, whole);
  assert.notEqual(Math.round(3 * costSummary(part, pricing).total_cost * 1e4), Math.round(whole * 1e4));
  const named = (e) => e instanceof Error && e.name === "AgentLensAnalysisError";
  assert.throws(() => costSummary(part, pricing, { exact: "yes" }), (e) => named(e) && /options\.exact must be a boolean/.test(e.message));
  assert.throws(() => sessionCost(part, undefined, 7), (e) => named(e) && /options must be an object/.test(e.message));
});

test("the presets are policies the checker accepts", () => {
  for (const name of ["strict", "permissive"]) {
    const policy = compliancePreset(name);
    assert.ok(policy.rules.length > 0, name);
    const { report } = checkCompliance(policy, [ev(0, { event_type: "llm_call", model: "gpt-4o" })], { checkedAt: 0 });
    assert.equal(report.total_rules, policy.rules.length, name);
  }
});

test("custom compliance rules call JS validators with the session and the rule", () => {
  const policy = {
    name: "custom",
    rules: [
      { type: "max_llm_calls", limit: 1, description: "at most one LLM call" },
      { type: "always_true" },
      { type: "throws", severity: "warning" },
      { type: "async_by_mistake" },
      { type: "no_validator" },
    ],
  };
  const events = [ev(0, { event_type: "llm_call", model: "gpt-4o" }), ev(1, { event_type: "llm_call", model: "gpt-4o" })];
  const seen = [];
  const { report, text } = checkCompliance(policy, events, {
    checkedAt: 0,
    validators: {
      max_llm_calls: (session, rule) => {
        seen.push([session.session_id, rule.limit]);
        const n = session.events.filter((e) => e.event_type === "llm_call").length;
        return { passed: n <= rule.limit, message: `${n} LLM calls`, actualValue: n, expectedValue: rule.limit };
      },
      always_true: () => true,
      throws: () => {
        throw new Error("scanner offline");
      },
      async_by_mistake: async () => true,
    },
  });
  assert.deepEqual(seen, [["s", 1]]);
  const byKind = Object.fromEntries(report.results.map((r) => [r.kind, r]));
  assert.equal(byKind.max_llm_calls.verdict, "fail");
  assert.equal(byKind.max_llm_calls.message, "2 LLM calls");
  assert.equal(byKind.max_llm_calls.actual_value, 2);
  assert.equal(byKind.always_true.verdict, "pass");
  assert.equal(byKind.throws.verdict, "skip");
  assert.match(byKind.throws.message, /Custom validator error: scanner offline/);
  assert.equal(byKind.async_by_mistake.verdict, "skip");
  assert.match(byKind.async_by_mistake.message, /synchronously/);
  assert.equal(byKind.no_validator.verdict, "skip");
  assert.equal(report.compliant, false);
  assert.match(text, /2 LLM calls/);
});

test("a session set gives the same compliance and drift as one call per session", async () => {
  const { createSessionSet } = await import("@agentlens/sdk/analysis");
  const sessions = Array.from({ length: 12 }, (_, s) =>
    Array.from({ length: 6 }, (_, i) => ev(s * 10 + i, {
      session_id: `s${s}`,
      event_type: i === 2 ? "tool_call" : "llm_call",
      model: "gpt-4o",
      tokens_in: 100 * (s + 1),
      duration_ms: 50 + s * i,
      ...(i === 2 ? { tool_call: { tool_name: s % 4 === 0 ? "shell" : "search" } } : {}),
    })),
  );
  const flat = sessions.flat();
  for (const input of [flat, flat.map((e) => JSON.stringify(e)).join("\n"), new TextEncoder().encode(flat.map((e) => JSON.stringify(e)).join("\n"))]) {
    const set = createSessionSet(input);
    assert.equal(set.size, 12);
    assert.equal(set.eventCount, 72);
    assert.deepEqual(set.sessionIds(), sessions.map((_, s) => `s${s}`));
    const reports = set.compliance("strict", { checkedAt: 0, withText: true });
    sessions.forEach((events, s) => {
      const one = checkCompliance(compliancePreset("strict"), events, { checkedAt: 0 });
      const { text, ...report } = reports[s];
      assert.deepEqual(report, one.report, `s${s}`);
      assert.equal(text, one.text);
    });
    const ids = set.sessionIds();
    const viaSet = set.drift(ids.slice(0, 6), [...ids.slice(6), "missing"], { threshold: 0.5 });
    const direct = detectDrift(sessions.slice(0, 6), sessions.slice(6), { threshold: 0.5 });
    assert.deepEqual(viaSet.report, direct.report);
    assert.deepEqual(viaSet.unknown, ["missing"]);
    set.free();
  }
  assert.throws(() => createSessionSet("not a trace"), (e) => e instanceof Error && e.name === "AgentLensAnalysisError");
});

test("binary data in an argument is written as the tracker writes it, never a key per byte", async () => {
  const { spendingSummary, sessionStats } = await import("@agentlens/sdk/analysis");
  const summary = spendingSummary([{ timestamp: "2026-01-01T00:00:00Z", cost_usd: 1, model: new Uint8Array(4) }]);
  assert.deepEqual(Object.keys(summary.model_breakdown), ["[Uint8Array 4 bytes]"]);
  const buffer = spendingSummary([{ timestamp: "2026-01-01T00:00:00Z", cost_usd: 1, model: new ArrayBuffer(3) }]);
  assert.deepEqual(Object.keys(buffer.model_breakdown), ["[ArrayBuffer 3 bytes]"]);
  // 64 MB: JSON.stringify listed 64 million keys before any check (the hostile run hung).
  const stats = sessionStats([{ event_type: "generic", session_id: "s", input_data: new Uint8Array(64 << 20) }]);
  assert.equal(stats.total_events, 1);
});
