// The alert API (/alerts/*) as the AgentLens Python SDK drives it: every call in the exact
// request shape tracker.py sends (X-API-Key, JSON bodies, no body on evaluate and
// acknowledge) and the response keys the SDK returns; validation (400 with a message that
// never repeats the input, never 500); the backend's clamps and rule cap; and the
// collector's evaluation checked against evaluateMetricRules from @agentlens/sdk/analysis
// over the same events.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateMetricRules } from "@agentlens/sdk/analysis";
import { call, collector } from "./helpers.mjs";
import { loadSamples } from "../dist/collector/store-alerts.js";

const KEY = "alert-test-key";
const MIN = 60_000;

/** A request as the Python SDK's httpx transport sends it. */
const sdk = (c, method, path, body) => call(c, method, path, { body, headers: { "X-API-Key": KEY } });

/** Two agents' sessions with events `minAgo` minutes before `now`. */
function batch(now) {
  const iso = (minAgo) => new Date(now - minAgo * MIN).toISOString();
  let n = 0;
  const ev = (sid, minAgo, type, extra = {}) => ({ event_id: `ev${++n}`, session_id: sid, event_type: type, timestamp: iso(minAgo), tokens_in: 0, tokens_out: 0, ...extra });
  return {
    events: [
      { event_type: "session_start", session_id: "sa", agent_name: "planner", timestamp: iso(30) },
      ev("sa", 29, "llm_call", { model: "gpt-4o", tokens_in: 400, tokens_out: 100, duration_ms: 900 }),
      ev("sa", 4, "llm_call", { model: "gpt-4o", tokens_in: 120, tokens_out: 45, duration_ms: 812.5 }),
      ev("sa", 3, "tool_call", { duration_ms: 3.2 }),
      ev("sa", 2, "tool_error", { duration_ms: 50 }),
      { event_type: "session_start", session_id: "sb", agent_name: "coder", timestamp: iso(5) },
      ev("sb", 4.5, "llm_call", { model: "claude-3-haiku", tokens_in: 60, tokens_out: 40, duration_ms: 300 }),
      ev("sb", 1, "error", {}),
      ev("sb", 90, "llm_call", { tokens_in: 9000, duration_ms: 20000 }), // before every window below but the 120-minute one
    ],
  };
}

test("the Python SDK's alert calls, in its shapes, answer what it reads", async (t) => {
  const c = await collector(t, { apiKey: KEY });
  assert.equal((await call(c, "GET", "/alerts/rules")).status, 401, "the key is needed");
  await sdk(c, "POST", "/events", batch(Date.now()));

  const metrics = await sdk(c, "GET", "/alerts/metrics");
  assert.equal(metrics.status, 200);
  assert.equal(metrics.body.metrics.length, 8);
  for (const m of metrics.body.metrics) assert.deepEqual(Object.keys(m), ["name", "description"]);
  assert.deepEqual(metrics.body.operators, ["<", ">", "<=", ">=", "==", "!="]);

  // create_alert_rule("tokens", "total_tokens", ">", 100)
  const created = await sdk(c, "POST", "/alerts/rules", { name: "tokens", metric: "total_tokens", operator: ">", threshold: 100, window_minutes: 60, cooldown_minutes: 15 });
  assert.equal(created.status, 201);
  const rule = created.body.rule;
  assert.deepEqual(Object.keys(rule).sort(), ["agent_filter", "cooldown_minutes", "created_at", "enabled", "metric", "name", "operator", "rule_id", "threshold", "updated_at", "window_minutes"]);
  assert.deepEqual([rule.name, rule.metric, rule.operator, rule.threshold, rule.window_minutes, rule.cooldown_minutes, rule.enabled, rule.agent_filter], ["tokens", "total_tokens", ">", 100, 60, 15, true, null]);
  const filtered = await sdk(c, "POST", "/alerts/rules", { name: "coder errors", metric: "error_rate", operator: ">=", threshold: 50, window_minutes: 10, cooldown_minutes: 15, agent_filter: "coder" });
  assert.equal(filtered.body.rule.agent_filter, "coder");

  assert.deepEqual((await sdk(c, "GET", "/alerts/rules?enabled=true")).body.rules.map((r) => r.name), ["coder errors", "tokens"], "newest first");
  // update_alert_rule(rule_id, threshold=50, window_minutes=10080), then enabled=False
  const updated = await sdk(c, "PUT", `/alerts/rules/${rule.rule_id}`, { threshold: 50, window_minutes: 10080 });
  assert.equal(updated.status, 200);
  assert.deepEqual([updated.body.rule.threshold, updated.body.rule.window_minutes, updated.body.rule.name], [50, 10080, "tokens"]);
  await sdk(c, "PUT", `/alerts/rules/${filtered.body.rule.rule_id}`, { enabled: false });
  assert.deepEqual((await sdk(c, "GET", "/alerts/rules?enabled=false")).body.rules.map((r) => r.name), ["coder errors"]);

  // evaluate_alerts(): no body, no content type
  const first = await sdk(c, "POST", "/alerts/evaluate");
  assert.equal(first.status, 200);
  assert.deepEqual([first.body.evaluated, first.body.fired, first.body.cooldown, first.body.ok], [1, 1, 0, 0], "the disabled rule is not evaluated");
  const r0 = first.body.results[0];
  for (const k of ["rule_id", "name", "metric", "operator", "threshold", "current_value", "triggered", "window_minutes", "agent_filter", "status", "alert_id"]) assert.ok(k in r0, k);
  assert.deepEqual([r0.status, r0.triggered, r0.current_value], ["fired", true, 9765]);
  const again = await sdk(c, "POST", "/alerts/evaluate");
  assert.deepEqual([again.body.fired, again.body.cooldown, again.body.results[0].status, "alert_id" in again.body.results[0]], [0, 1, "cooldown", false]);

  // get_alert_events(rule_id=rule_id, acknowledged=False)
  const open = await sdk(c, "GET", `/alerts/events?limit=50&rule_id=${rule.rule_id}&acknowledged=false`);
  assert.equal(open.status, 200);
  assert.equal(open.body.count, 1);
  const alert = open.body.events[0];
  assert.deepEqual(Object.keys(alert).sort(), ["acknowledged", "acknowledged_at", "alert_id", "details", "metric", "metric_value", "operator", "rule_id", "rule_name", "threshold", "triggered_at"]);
  assert.deepEqual([alert.alert_id, alert.rule_name, alert.metric_value, alert.acknowledged, alert.acknowledged_at], [r0.alert_id, "tokens", 9765, false, null]);
  assert.deepEqual(JSON.parse(alert.details), { threshold: 50, operator: ">", window_minutes: 10080 });

  // acknowledge_alert(alert_id): no body
  const ack = await sdk(c, "PUT", `/alerts/events/${alert.alert_id}/acknowledge`);
  assert.deepEqual([ack.status, ack.body], [200, { acknowledged: true, alert_id: alert.alert_id }]);
  const acked = (await sdk(c, "GET", "/alerts/events?acknowledged=true")).body.events;
  assert.deepEqual(acked.map((e) => [e.alert_id, e.acknowledged]), [[alert.alert_id, true]]);
  await sdk(c, "PUT", `/alerts/events/${alert.alert_id}/acknowledge`);
  assert.equal((await sdk(c, "GET", "/alerts/events?acknowledged=true")).body.events[0].acknowledged_at, acked[0].acknowledged_at, "the first acknowledgement's time is kept");
  assert.equal((await sdk(c, "GET", "/alerts/events?acknowledged=false")).body.count, 0);
  const missing = await sdk(c, "PUT", "/alerts/events/no-such-alert/acknowledge");
  assert.deepEqual([missing.status, missing.body], [404, { error: "Alert event not found" }]);

  // delete_alert_rule(rule_id): its alerts go with it
  const deleted = await sdk(c, "DELETE", `/alerts/rules/${rule.rule_id}`);
  assert.deepEqual([deleted.status, deleted.body], [200, { deleted: true, rule_id: rule.rule_id }]);
  assert.equal((await sdk(c, "GET", "/alerts/events")).body.count, 0);
  assert.equal((await sdk(c, "DELETE", `/alerts/rules/${rule.rule_id}`)).status, 404);
  assert.equal((await sdk(c, "PUT", `/alerts/rules/${rule.rule_id}`, { threshold: 1 })).status, 404);
});

test("bad input is a 400 with a message that never repeats it, never a 500", async (t) => {
  const c = await collector(t);
  const good = { name: "r", metric: "event_count", operator: ">", threshold: 1 };
  const evil = "<evil-input>";
  const cases = [
    [{ ...good, metric: evil }, /^metric must be one of total_tokens, /],
    [{ ...good, operator: evil }, /^operator must be one of < > <= >= == !=$/],
    [{ ...good, name: undefined }, /^name is required/],
    [{ ...good, name: "   " }, /^name is required/],
    [{ ...good, threshold: evil }, /^threshold must be a finite number$/],
    [{ ...good, threshold: null }, /^threshold must be a finite number$/],
    [{ ...good, window_minutes: evil }, /^window_minutes must be a number/],
    [{ ...good, cooldown_minutes: [1] }, /^cooldown_minutes must be a number/],
    [{ ...good, agent_filter: evil.repeat(40) }, /^agent_filter must be a string of at most 256 characters$/],
    [{ ...good, enabled: evil }, /^enabled must be true or false$/],
    [[good], /^Request body must be a JSON object$/],
    [evil, /^Request body must be a JSON object$/],
  ];
  for (const [body, message] of cases) {
    const r = await post(c, "/alerts/rules", body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.body.error, message);
    assert.ok(!r.body.error.includes("evil"), r.body.error);
  }
  for (const raw of ["{not json", "", "null"]) {
    const r = await call(c, "POST", "/alerts/rules", { raw, headers: { "Content-Type": "application/json" } });
    assert.equal(r.status, 400, raw);
  }
  const { rule } = (await post(c, "/alerts/rules", good)).body;
  const bad = await call(c, "PUT", `/alerts/rules/${rule.rule_id}`, { body: { metric: evil, threshold: 5 } });
  assert.equal(bad.status, 400);
  assert.deepEqual((await call(c, "GET", "/alerts/rules")).body.rules[0], rule, "a refused update changes nothing");
  for (const [method, path] of [["PUT", "/alerts/rules/a%20b"], ["DELETE", "/alerts/rules/%3Cevil%3E"], ["PUT", "/alerts/events/a%2Fb/acknowledge"]]) {
    const r = await call(c, method, path, { body: method === "PUT" ? {} : undefined });
    assert.equal(r.status, 400, path);
    assert.match(r.body.error, /^Invalid (rule|alert) ID format$/);
  }
  for (const query of ["/alerts/rules?enabled=yes", "/alerts/events?acknowledged=1", "/alerts/events?after=yesterday", "/alerts/events?before=" + evil, "/alerts/events?rule_id=%3Cevil%3E"]) {
    const r = await call(c, "GET", query);
    assert.equal(r.status, 400, query);
    assert.ok(!r.body.error.includes("evil"), r.body.error);
  }
});

const post = (c, path, body) => call(c, "POST", path, { body });

test("the backend's clamps and defaults, and at most 100 rules", async (t) => {
  const c = await collector(t);
  const make = async (fields) => (await post(c, "/alerts/rules", { name: "r", metric: "token_rate", operator: "<", threshold: 0.5, ...fields })).body.rule;
  const d = await make({});
  assert.deepEqual([d.window_minutes, d.cooldown_minutes, d.enabled, d.agent_filter], [60, 15, true, null]);
  const lo = await make({ window_minutes: 0, cooldown_minutes: -5, agent_filter: "" });
  assert.deepEqual([lo.window_minutes, lo.cooldown_minutes, lo.agent_filter], [1, 0, null]);
  const hi = await make({ window_minutes: 99_999, cooldown_minutes: 1e9, name: `  ${"n".repeat(300)}  ` });
  assert.deepEqual([hi.window_minutes, hi.cooldown_minutes, hi.name.length], [10080, 10080, 128]);
  const cut = await make({ window_minutes: 30.9 });
  assert.equal(cut.window_minutes, 30);
  const put = await call(c, "PUT", `/alerts/rules/${d.rule_id}`, { body: { window_minutes: -1, cooldown_minutes: 20000, agent_filter: "bot", unknown: 1, rule_id: "hijack" } });
  assert.deepEqual([put.body.rule.window_minutes, put.body.rule.cooldown_minutes, put.body.rule.agent_filter, put.body.rule.rule_id], [1, 10080, "bot", d.rule_id]);
  for (let i = 4; i < 100; i++) assert.equal((await post(c, "/alerts/rules", { name: `r${i}`, metric: "event_count", operator: ">", threshold: i })).status, 201);
  const over = await post(c, "/alerts/rules", { name: "one too many", metric: "event_count", operator: ">", threshold: 1 });
  assert.deepEqual([over.status, over.body.error], [400, "Maximum of 100 alert rules reached; delete one first"]);
  assert.equal((await call(c, "GET", "/alerts/rules")).body.rules.length, 100);
  assert.equal((await call(c, "GET", "/alerts/events?limit=100000")).status, 200);
});

/**
 * The events of `batch(now)` as the core's samples, built from what was sent, newest
 * first as the collector reads them (so float sums add in the same order).
 */
function samplesOf(sent) {
  const starts = new Map(sent.events.filter((e) => e.event_type === "session_start").map((e) => [e.session_id, e]));
  return sent.events.filter((e) => e.event_type !== "session_start").map((e) => ({
    ts_ms: Date.parse(e.timestamp), session_id: e.session_id, agent_name: starts.get(e.session_id).agent_name, event_type: e.event_type,
    tokens_in: e.tokens_in, tokens_out: e.tokens_out, duration_ms: e.duration_ms ?? null, session_started_ms: Date.parse(starts.get(e.session_id).timestamp),
  })).sort((a, b) => b.ts_ms - a.ts_ms);
}

test("the collector's evaluation is evaluateMetricRules over the same events", async (t) => {
  const c = await collector(t);
  const sent = batch(Date.now());
  assert.equal((await post(c, "/events", sent)).status, 200);
  const specs = [
    ["total_tokens", ">", 1000, 10], ["avg_tokens_per_session", ">=", 100, 10], ["error_rate", ">", 30, 10], ["avg_duration_ms", "<", 300, 10],
    ["max_duration_ms", "==", 812.5, 10], ["session_count", "==", 1, 10], ["event_count", "!=", 6, 10], ["token_rate", "<=", 76.5, 10],
    ["total_tokens", ">", 0, 120], ["session_count", ">=", 2, 60], ["error_rate", "==", 50, 60, "coder"], ["event_count", ">", 0, 10, "nobody"],
  ];
  const rules = [];
  for (const [metric, operator, threshold, window_minutes, agent_filter] of specs) {
    rules.push((await post(c, "/alerts/rules", { name: `${metric} ${operator} ${threshold}`, metric, operator, threshold, window_minutes, agent_filter, cooldown_minutes: 5 })).body.rule);
  }
  const samples = samplesOf(sent);
  const check = (body, lastFired) => {
    const now = Date.parse(body.evaluated_at);
    const expected = evaluateMetricRules(rules, samples, { now, lastFired });
    assert.equal(body.results.length, rules.length);
    const byId = new Map(body.results.map(({ alert_id: _, ...r }) => [r.rule_id, r]));
    for (const want of expected) assert.deepEqual(byId.get(want.rule_id), want, want.name);
    return expected;
  };
  const first = await post(c, "/alerts/evaluate");
  const expected = check(first.body, {});
  // Hand-counted (10-minute window): 165 + 100 tokens, 2 sessions (one started in it), 2
  // errors of 5 events, 4 durations.
  const values = expected.slice(0, 8).map((r) => r.value);
  assert.deepEqual(values.filter((_, i) => i !== 3), [265, 132.5, 40, 812.5, 1, 5, 26.5]);
  assert.ok(Math.abs(values[3] - (812.5 + 3.2 + 50 + 300) / 4) < 1e-9, `avg_duration_ms ${values[3]}`);
  assert.equal(expected[8].value, 9000 + 500 + 265, "the 120-minute window reaches the oldest event");
  const fired = expected.filter((r) => r.status === "fired").map((r) => r.rule_id);
  assert.ok(fired.length >= 5 && fired.length < rules.length, `some rules fire, some do not: ${fired.length}`);
  assert.equal(first.body.fired, fired.length);
  assert.equal(first.body.truncated, false);
  assert.equal(first.body.events_read, samples.length, "every event of the longest window is read");

  const alerts = (await call(c, "GET", "/alerts/events")).body.events;
  assert.deepEqual(alerts.map((a) => a.rule_id).sort(), [...fired].sort());
  const lastFired = Object.fromEntries(alerts.map((a) => [a.rule_id, Date.parse(a.triggered_at)]));
  const second = await post(c, "/alerts/evaluate");
  const again = check(second.body, lastFired);
  assert.deepEqual(again.filter((r) => r.status === "cooldown").map((r) => r.rule_id), fired);
  assert.equal(second.body.fired, 0);
});

test("an evaluation reads at most its cap of the newest events and says so", async (t) => {
  const c = await collector(t);
  const now = Date.now();
  await post(c, "/events", batch(now));
  const all = loadSamples(c.store, now - 120 * MIN, now + MIN);
  assert.equal(all.samples.length, 7);
  assert.equal(all.truncated, false);
  const capped = loadSamples(c.store, now - 120 * MIN, now + MIN, 3);
  assert.deepEqual([capped.samples.length, capped.truncated], [3, true]);
  assert.deepEqual(capped.samples.map((s) => s.ts_ms), all.samples.slice(0, 3).map((s) => s.ts_ms), "the newest are kept");
  assert.ok(capped.samples[0].ts_ms >= capped.samples[2].ts_ms);
  assert.deepEqual(all.samples.map((s) => s.is_error).filter(Boolean).length, 2, "the core's error flag, stored at ingest");
});
