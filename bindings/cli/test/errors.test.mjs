// The AgentLens backend's error analytics (GET /errors, /errors/summary, /errors/by-type,
// /errors/by-model, /errors/by-agent) against a real collector. An error is what the core
// classifies as one: the seeded errors are a tool_error, an agent_error and an llm_call
// whose status says it timed out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collector, get, post } from "./helpers.mjs";
import { seed } from "./analytics-seed.mjs";

const pct = (x, of) => (of > 0 ? Math.round((x / of) * 10000) / 100 : 0);

/** The seeded events the core calls errors (by type name or by status), oldest first. */
const errorsOf = (records) => records.filter((e) => /error/.test(e.event_type) || e.status === "timeout").sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));

test("GET /errors/summary: count, affected sessions, rate over all events, first and last", async (t) => {
  const c = await collector(t);
  const { records } = await seed(c);
  const errors = errorsOf(records);
  const b = (await get(c, "/errors/summary")).body;
  assert.deepEqual(Object.keys(b).sort(), ["affected_sessions", "error_rate_percent", "first_error", "last_error", "total_errors"]);
  assert.equal(b.total_errors, 3);
  assert.equal(b.affected_sessions, new Set(errors.map((e) => e.session_id)).size);
  assert.equal(b.error_rate_percent, pct(3, records.length));
  assert.equal(b.first_error, errors[0].timestamp);
  assert.equal(b.last_error, errors.at(-1).timestamp);
});

test("GET /errors/by-type, /by-model and /by-agent: the backend's rows and rates", async (t) => {
  const c = await collector(t);
  const { records } = await seed(c);
  const byType = (await get(c, "/errors/by-type")).body.by_type;
  assert.deepEqual(byType.map((r) => r.event_type).sort(), ["agent_error", "llm_call", "tool_error"], "the timed-out llm_call is an error");
  for (const r of byType) assert.deepEqual(Object.keys(r).sort(), ["affected_sessions", "avg_duration_ms", "count", "event_type", "first_seen", "last_seen"]);
  assert.equal(byType.find((r) => r.event_type === "llm_call").avg_duration_ms, 900);
  const byModel = (await get(c, "/errors/by-model")).body.by_model;
  const gptCalls = records.filter((e) => e.model === "gpt-4o").length;
  assert.deepEqual(byModel, [
    { model: "unknown", error_count: 2, total_calls: 0, affected_sessions: 2, error_rate: 0 },
    { model: "gpt-4o", error_count: 1, total_calls: gptCalls, affected_sessions: 1, error_rate: pct(1, gptCalls) },
  ]);
  assert.equal((await get(c, "/errors/by-model?limit=1")).body.by_model.length, 1);
  const byAgent = (await get(c, "/errors/by-agent")).body.by_agent;
  assert.deepEqual(byAgent, [
    { agent_name: "beta", error_count: 2, error_sessions: 2, total_sessions: 2, error_rate: 100 },
    { agent_name: "alpha", error_count: 1, error_sessions: 1, total_sessions: 4, error_rate: 25 },
  ]);
  assert.equal((await get(c, "/errors/by-agent?limit=0")).body.by_agent.length, 2, "limit 0 is the default (10), as the backend's parseLimit");
  assert.equal((await get(c, "/errors/by-agent?limit=abc")).body.by_agent.length, 2);
});

test("GET /errors: the dashboard's summary with MTBF, daily rate, breakdowns, top messages, error sessions and hours", async (t) => {
  const c = await collector(t);
  const { records } = await seed(c);
  const errors = errorsOf(records);
  const b = (await get(c, "/errors")).body;
  assert.deepEqual(Object.keys(b).sort(), ["by_agent", "by_model", "by_type", "error_sessions", "hourly_distribution", "rate_over_time", "summary", "top_errors"]);
  const times = errors.map((e) => Date.parse(e.timestamp));
  const gap = (times.at(-1) - times[0]) / (times.length - 1);
  assert.deepEqual(b.summary.mtbf, { mean_ms: Math.round(gap), mean_seconds: Math.round(gap / 1000), mean_minutes: Math.round((gap / 60000) * 10) / 10 });
  const sessions = (await get(c, "/sessions?limit=200")).body;
  assert.equal(b.summary.session_error_rate_percent, pct(3, sessions.total));
  // One row per UTC day that had errors, newest first, with all of that day's events.
  const days = [...new Set(errors.map((e) => e.timestamp.slice(0, 10)))].sort().reverse();
  assert.deepEqual(b.rate_over_time.map((r) => r.day), days);
  for (const r of b.rate_over_time) {
    const all = records.filter((e) => e.timestamp.startsWith(r.day)).length;
    const errs = errors.filter((e) => e.timestamp.startsWith(r.day)).length;
    assert.deepEqual(r, { day: r.day, error_count: errs, total_events: all, error_rate: pct(errs, all) });
  }
  assert.equal((await get(c, "/errors?days=1")).body.rate_over_time.length, 1, "days bounds the rows");
  const messages = Object.fromEntries(b.top_errors.map((e) => [e.event_type, e.message]));
  // As the backend: output_data's error/message/... field, else the output itself as JSON.
  assert.deepEqual(messages, { tool_error: "rate limited", agent_error: "boom", llm_call: '{"response":"a"}' });
  for (const e of b.top_errors) assert.deepEqual(Object.keys(e).sort(), ["affected_sessions", "event_type", "first_seen", "last_seen", "message", "model", "occurrences"]);
  // Sessions whose stored status is error (the core's), newest first.
  const failed = (await get(c, "/sessions?status=error")).body.sessions.map((s) => s.session_id);
  assert.deepEqual(b.error_sessions.map((s) => s.session_id), failed);
  const alpha3 = b.error_sessions.find((s) => s.session_id === "alpha-3");
  assert.deepEqual([alpha3.error_count, alpha3.total_events, alpha3.agent_name], [1, 3, "alpha"]);
  const hours = new Map();
  for (const e of errors) hours.set(new Date(e.timestamp).getUTCHours(), (hours.get(new Date(e.timestamp).getUTCHours()) ?? 0) + 1);
  assert.deepEqual(b.hourly_distribution, [...hours].sort((x, y) => x[0] - y[0]).map(([hour, error_count]) => ({ hour, error_count })));
  assert.equal((await get(c, "/errors?limit=1")).body.top_errors.length, 1);
});

test("error analytics of an empty store answer zeros and nulls, never a 500", async (t) => {
  const c = await collector(t);
  const b = (await get(c, "/errors")).body;
  assert.deepEqual(b.summary, { total_errors: 0, affected_sessions: 0, error_rate_percent: 0, session_error_rate_percent: 0, first_error: null, last_error: null, mtbf: null });
  for (const k of ["rate_over_time", "by_type", "by_model", "by_agent", "top_errors", "error_sessions", "hourly_distribution"]) assert.deepEqual(b[k], [], k);
  assert.equal((await get(c, "/errors/summary")).body.total_errors, 0);
  // One error only: no gap to average.
  await post(c, "/events", { events: [{ event_id: "00000000000000e1", session_id: "one", event_type: "error", timestamp: new Date().toISOString(), output_data: { detail: "disk full" } }] });
  const one = (await get(c, "/errors")).body;
  assert.equal(one.summary.mtbf, null);
  assert.equal(one.top_errors[0].message, "disk full");
});

test("the error routes need the key when one is set, and are in the OpenAPI document", async (t) => {
  const c = await collector(t, { apiKey: "k3y" });
  const doc = (await get(c, "/openapi.json")).body;
  for (const p of ["/errors", "/errors/summary", "/errors/by-type", "/errors/by-model", "/errors/by-agent"]) {
    assert.equal((await get(c, p)).status, 401, p);
    assert.equal((await get(c, p, { Authorization: "Bearer k3y" })).status, 200, p);
    assert.ok(doc.paths[p].get.summary, p);
  }
});
