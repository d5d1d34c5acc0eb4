// The AgentLens-compatible read API (reference A.5) against a real collector: shapes,
// parameters, clamps, 400s and 404s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collector, post, get, PYTHON_SDK_BATCH } from "./helpers.mjs";

const SID = "a87237a69aa34bc0";

async function seeded(t) {
  const c = await collector(t);
  await post(c, "/events", PYTHON_SDK_BATCH);
  const more = [];
  for (let i = 0; i < 5; i++) {
    const sid = `s${i}`;
    more.push(
      { event_type: "session_start", session_id: sid, agent_name: i % 2 ? "odd-agent" : "even-agent", metadata: { team: i < 3 ? "alpha" : "beta" }, timestamp: `2026-01-0${i + 1}T10:00:00Z` },
      { event_id: `e${i}`, session_id: sid, event_type: "llm_call", model: "gpt-4o-mini", tokens_in: 10 * (i + 1), tokens_out: i, timestamp: `2026-01-0${i + 1}T10:00:01Z`, duration_ms: 100 * (i + 1) },
    );
    if (i < 4) more.push({ event_type: "session_end", session_id: sid, ended_at: `2026-01-0${i + 1}T10:00:05Z`, status: i === 3 ? "error" : "completed" });
  }
  await post(c, "/events", { events: more });
  return c;
}

test("GET /sessions lists newest first with limit, offset, status filter and the real total", async (t) => {
  const c = await seeded(t);
  const all = (await get(c, "/sessions")).body;
  assert.equal(all.total, 6);
  assert.equal(all.sessions[0].session_id, SID, "newest first");
  assert.deepEqual(Object.keys(all.sessions[0]).sort(), ["agent_name", "ended_at", "metadata", "session_id", "started_at", "status", "total_tokens_in", "total_tokens_out"]);
  const page = (await get(c, "/sessions?limit=2&offset=1")).body;
  assert.deepEqual(page.sessions.map((s) => s.session_id), ["s4", "s3"]);
  assert.equal(page.total, 6);
  assert.equal((await get(c, "/sessions?limit=100000")).body.sessions.length, 6, "limit is clamped, not refused");
  const active = (await get(c, "/sessions?status=active")).body;
  assert.deepEqual(active.sessions.map((s) => s.session_id), ["s4"]);
  const bad = await get(c, "/sessions?status=bogus");
  assert.deepEqual([bad.status, bad.body.error], [400, "Invalid status filter"]);
});

test("GET /sessions/search: terms over agent name and metadata, filters, sort and the filter echo", async (t) => {
  const c = await seeded(t);
  const r = (await get(c, "/sessions/search?q=alpha%20even")).body;
  assert.deepEqual(r.sessions.map((s) => s.session_id).sort(), ["s0", "s2"]);
  assert.equal(r.total, 2);
  assert.deepEqual(r.filters, { q: "alpha even" });
  assert.deepEqual(r.sessions[0].tags, []);
  const agent = (await get(c, "/sessions/search?agent=odd&sort=total_tokens&order=asc")).body;
  assert.deepEqual(agent.sessions.map((s) => s.session_id), ["s1", "s3"]);
  assert.equal(agent.sort, "total_tokens");
  assert.equal(agent.order, "asc");
  const tokens = (await get(c, "/sessions/search?min_tokens=30&max_tokens=50")).body;
  assert.deepEqual(tokens.sessions.map((s) => s.session_id).sort(), ["s2", "s3"]);
  const dates = (await get(c, "/sessions/search?after=2026-01-02T00:00:00Z&before=2026-01-03T23:00:00Z")).body;
  assert.deepEqual(dates.sessions.map((s) => s.session_id).sort(), ["s1", "s2"]);
  assert.equal((await get(c, "/sessions/search?status=nope")).status, 400);
});

test("GET /sessions/:id, /events and /explain: pagination, 400 on a bad id, 404 on an unknown one", async (t) => {
  const c = await seeded(t);
  const d = (await get(c, `/sessions/${SID}?event_limit=1&event_offset=1`)).body;
  assert.equal(d.total_events, 2);
  assert.equal(d.event_limit, 1);
  assert.equal(d.event_offset, 1);
  assert.equal(d.events[0].event_id, "54e1e1af3db2465c");
  const ev = (await get(c, `/sessions/${SID}/events?limit=1`)).body;
  assert.deepEqual({ ...ev, events: undefined }, { session_id: SID, total: 2, returned: 1, limit: 1, offset: 0, events: undefined });
  for (const path of ["", "/events", "/explain"]) {
    const bad = await get(c, `/sessions/${encodeURIComponent("bad id!")}${path}`);
    assert.deepEqual([bad.status, bad.body.error], [400, "Invalid session ID format"], path);
    const missing = await get(c, `/sessions/nope${path}`);
    assert.deepEqual([missing.status, missing.body.error], [404, "Session not found"], path);
  }
  const tooLong = await get(c, `/sessions/${"a".repeat(129)}`);
  assert.equal(tooLong.status, 400);
});

test("POST /sessions/compare gives metrics, deltas and shared items; 400 and 404 name the problem", async (t) => {
  const c = await seeded(t);
  const r = await post(c, "/sessions/compare", { session_a: "s0", session_b: "s1" });
  assert.equal(r.status, 200);
  assert.equal(r.body.session_a.total_tokens_in, 10);
  assert.equal(r.body.session_b.total_tokens_in, 20);
  assert.deepEqual(r.body.deltas.total_tokens_in, { a: 10, b: 20, diff: 10, percent: 100 });
  assert.deepEqual(r.body.shared.models, ["gpt-4o-mini"]);
  assert.deepEqual(r.body.truncated, { session_a: false, session_b: false });
  assert.equal((await post(c, "/sessions/compare", { session_a: "s0" })).status, 400);
  assert.equal((await post(c, "/sessions/compare", { session_a: "s0", session_b: "s0" })).status, 400);
  const missing = await post(c, "/sessions/compare", { session_a: "s0", session_b: "zz" });
  assert.deepEqual([missing.status, missing.body.error], [404, "Session B not found"]);
});

test("GET /pricing and /pricing/costs/:id price with the core's table", async (t) => {
  const c = await seeded(t);
  const p = (await get(c, "/pricing")).body;
  assert.deepEqual({ input: p.defaults["gpt-4o"].input, output: p.defaults["gpt-4o"].output }, { input: 2.5, output: 10 });
  const cost = (await get(c, `/pricing/costs/${SID}`)).body;
  assert.equal(cost.session_id, SID);
  assert.equal(cost.agent_name, "research-agent");
  assert.equal(cost.currency, "USD");
  assert.equal(cost.total_cost, 0.00075, "gpt-4o 120/45 tokens, as verified live on the seed");
  assert.equal(cost.model_costs["gpt-4o"].calls, 1);
  assert.equal((await get(c, "/pricing/costs/nope")).status, 404);
});

test("GET /analytics sums each session once and reports the overview, models and days", async (t) => {
  const c = await seeded(t);
  const a = (await get(c, "/analytics")).body;
  assert.equal(a.overview.total_sessions, 6);
  assert.equal(a.overview.active_sessions, 1);
  assert.equal(a.overview.error_sessions, 1);
  assert.equal(a.overview.total_tokens_in, 120 + 10 + 20 + 30 + 40 + 50);
  assert.equal(a.overview.total_events, 7);
  assert.equal(a.duration.max_ms, 5000);
  assert.ok(a.model_usage.some((m) => m.model === "gpt-4o-mini" && m.call_count === 5));
  assert.deepEqual(a.sessions_over_time.map((d) => d.day).slice(0, 2), ["2026-01-01", "2026-01-02"], "oldest first");
  assert.ok(a.top_agents.length <= 10);
});

test("GET /health needs no key and answers ok", async (t) => {
  const c = await collector(t, { apiKey: "k" });
  const h = await get(c, "/health");
  assert.equal(h.status, 200);
  assert.equal(h.body.status, "ok");
  assert.ok(!Number.isNaN(Date.parse(h.body.timestamp)));
});
