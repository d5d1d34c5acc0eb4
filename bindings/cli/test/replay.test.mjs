// Session replay (GET /replay/{id}, /replay/{id}/frame/{index}, /replay/{id}/summary) and
// session diff (GET /diff?baseline&candidate) against a real collector fed the Python SDK's
// shapes: the backend's keys, timing rules, bounds, 400s and 404s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collector, get, post, PYTHON_SDK_BATCH } from "./helpers.mjs";
import { seed } from "./analytics-seed.mjs";

const FRAME_KEYS = ["category", "decision_trace", "delay_ms", "duration_ms", "elapsed_ms", "event_id", "event_type", "index", "input_data", "model", "output_data", "timestamp", "tokens_in", "tokens_out", "tool_call"];
const SUMMARY_KEYS = ["agent_name", "avg_delay_ms", "categories", "event_types", "max_delay_ms", "models_used", "session_id", "session_status", "speed_recommendation", "total_duration_ms", "total_frames", "total_tokens_in", "total_tokens_out"];

test("GET /replay/{id}: frames with payloads, delays capped at maxDelay then divided by speed, and the summary", async (t) => {
  const c = await collector(t);
  await post(c, "/events", PYTHON_SDK_BATCH);
  const sdk = (await get(c, "/replay/a87237a69aa34bc0")).body;
  assert.deepEqual(Object.keys(sdk).sort(), ["replay", "session"]);
  assert.deepEqual(sdk.session, { session_id: "a87237a69aa34bc0", agent_name: "research-agent", started_at: "2026-11-22T02:41:23.314377+00:00", ended_at: "2026-11-22T02:41:23.314894+00:00", status: "completed" });
  const [llm, tool] = sdk.replay.frames;
  assert.deepEqual(Object.keys(llm).sort(), FRAME_KEYS);
  assert.deepEqual([llm.category, llm.model, llm.tokens_in, llm.tokens_out, llm.duration_ms], ["llm_call", "gpt-4o", 120, 45, 812.5]);
  assert.deepEqual(llm.input_data, { prompt: "What is 2+2?" });
  assert.equal(llm.decision_trace.reasoning, "simple arithmetic");
  assert.equal(tool.category, "tool_use");
  assert.equal(tool.tool_call.tool_name, "calculator");
  assert.equal(tool.input_data, null, "no payload is null, as the backend");
  // alpha-2: a 1 s wait for the call, then 39 s to the tool (capped at 30 s by default).
  await seed(c);
  const a2 = (await get(c, "/replay/alpha-2")).body.replay;
  for (const k of [...SUMMARY_KEYS, "speed", "truncated", "frames"]) assert.ok(k in a2, k);
  assert.deepEqual(a2.frames.map((f) => [f.index, f.delay_ms, f.elapsed_ms]), [[0, 0, 0], [1, 30_000, 30_000]]);
  assert.deepEqual([a2.speed, a2.truncated, a2.total_frames, a2.total_duration_ms, a2.max_delay_ms, a2.avg_delay_ms, a2.speed_recommendation], [1, false, 2, 30_000, 30_000, 30_000, "2x"]);
  const fast = (await get(c, "/replay/alpha-2?speed=4&maxDelay=60000")).body.replay;
  assert.deepEqual(fast.frames.map((f) => f.delay_ms), [0, 39_000 / 4]);
  assert.equal((await get(c, "/replay/alpha-2?speed=1000")).body.replay.speed, 100, "speed is clamped to 0.1–100");
  assert.equal((await get(c, "/replay/alpha-2?speed=abc")).body.replay.speed, 1);
  // from/to choose frames; their delays and elapsed times stay those of the whole replay.
  const a3 = (await get(c, "/replay/alpha-3")).body.replay;
  assert.deepEqual(a3.frames.map((f) => f.category), ["llm_call", "tool_use", "error"], "the timed-out call is an error frame (the core's rule)");
  const slice = (await get(c, "/replay/alpha-3?from=1&to=2")).body.replay;
  assert.deepEqual(slice.frames.map((f) => [f.index, f.elapsed_ms]), [[1, a3.frames[1].elapsed_ms]]);
  assert.equal(slice.total_frames, 1);
});

test("GET /replay/{id}/frame/{index}: one frame with navigation; a bad index is a 400, out of range a 404", async (t) => {
  const c = await collector(t);
  await seed(c);
  const full = (await get(c, "/replay/alpha-3")).body.replay.frames;
  for (const [i, f] of full.entries()) {
    const r = (await get(c, `/replay/alpha-3/frame/${i}`)).body;
    assert.deepEqual(Object.keys(r).sort(), ["frame", "has_next", "has_previous", "total_frames"]);
    assert.deepEqual(r.frame, f, `frame ${i} is the full replay's frame`);
    assert.deepEqual([r.total_frames, r.has_next, r.has_previous], [3, i < 2, i > 0]);
  }
  const out = await get(c, "/replay/alpha-3/frame/3");
  assert.deepEqual([out.status, out.body], [404, { error: "Frame index out of range", total_frames: 3 }]);
  for (const bad of ["-1", "1.5", "3abc", "x", "99999999999999999999"]) {
    const r = await get(c, `/replay/alpha-3/frame/${encodeURIComponent(bad)}`);
    assert.deepEqual([r.status, r.body.error], [400, "Invalid frame index"], bad);
  }
  const missing = await get(c, "/replay/nope/frame/0");
  assert.deepEqual([missing.status, missing.body.error], [404, "Session not found"]);
});

test("GET /replay/{id}/summary: the replay's statistics without its frames", async (t) => {
  const c = await collector(t);
  await seed(c);
  const s = (await get(c, "/replay/alpha-3/summary")).body;
  assert.deepEqual(Object.keys(s).sort(), SUMMARY_KEYS);
  assert.deepEqual([s.session_id, s.agent_name, s.session_status, s.total_frames, s.total_tokens_in, s.total_tokens_out], ["alpha-3", "alpha", "error", 3, 1010, 500]);
  assert.deepEqual(s.event_types, { llm_call: 2, tool_call: 1 });
  assert.deepEqual(s.categories, { llm_call: 1, tool_use: 1, error: 1 });
  assert.deepEqual(s.models_used, ["gpt-4o"]);
  assert.deepEqual([s.total_duration_ms, s.avg_delay_ms, s.max_delay_ms, s.speed_recommendation], [2000, 1000, 1000, "1x"]);
  const empty = (await get(c, "/replay/nope/summary"));
  assert.deepEqual([empty.status, empty.body.error], [404, "Session not found"]);
});

test("the replay routes refuse a malformed session id (400) and a missing session (404)", async (t) => {
  const c = await collector(t);
  for (const p of ["/replay/bad%20id", "/replay/bad%20id/summary", "/replay/bad%20id/frame/0", `/replay/${"a".repeat(129)}`]) {
    const r = await get(c, p);
    assert.deepEqual([r.status, r.body.error], [400, "Invalid session ID format"], p);
  }
  const r = await get(c, "/replay/nope");
  assert.deepEqual([r.status, r.body.error], [404, "Session not found"]);
});

test("GET /diff: totals, deltas, tools, models, event types and an LCS alignment of the two sessions", async (t) => {
  const c = await collector(t);
  await seed(c);
  const r = await get(c, "/diff?baseline=alpha-1&candidate=alpha-3");
  assert.equal(r.status, 200);
  const d = r.body;
  assert.deepEqual(Object.keys(d).sort(), ["alignment", "baseline", "candidate", "deltas", "event_types", "models", "similarity", "tools", "truncated"]);
  assert.deepEqual(d.baseline, { session_id: "alpha-1", agent_name: "alpha", status: "completed", event_count: 2, tokens_in: 1000, tokens_out: 500, duration_ms: 150 });
  assert.deepEqual(d.candidate, { session_id: "alpha-3", agent_name: "alpha", status: "error", event_count: 3, tokens_in: 1010, tokens_out: 500, duration_ms: 1250 });
  assert.deepEqual(d.deltas, { tokens_in: 10, tokens_out: 0, tokens_total: 10, duration_ms: 1100, event_count: 1 });
  assert.deepEqual(d.tools, { added: ["calculator"], removed: ["search"], common: [], baseline_counts: { search: 1 }, candidate_counts: { calculator: 1 } });
  assert.deepEqual(d.models, { baseline: { "gpt-4o": 1 }, candidate: { "gpt-4o": 2 } });
  assert.deepEqual(d.event_types, { added: [], removed: [] });
  assert.deepEqual(d.alignment.map((p) => [p.label, p.status]), [["llm_call", "modified"], ["tool_call:search", "removed"], ["tool_call:calculator", "added"], ["llm_call", "added"]]);
  assert.deepEqual(d.alignment[0], { label: "llm_call", status: "modified", changes: { duration_ms: "100→300" }, baseline_tokens: 1500, candidate_tokens: 1500, baseline_duration: 100, candidate_duration: 300 });
  assert.equal(d.similarity, 1 / 4);
  assert.equal(d.truncated, false);
  const same = (await get(c, "/diff?baseline=alpha-1&candidate=alpha-2")).body;
  assert.deepEqual(same.alignment.map((p) => p.status), ["modified", "matched"]);
  assert.equal(same.similarity, 1);
  const cross = (await get(c, "/diff?baseline=beta-1&candidate=beta-2")).body;
  assert.deepEqual(cross.event_types, { added: ["agent_error"], removed: ["tool_error"] });
});

test("GET /diff refuses what it cannot compare: missing ids, bad ids, the same id (400) and missing sessions (404)", async (t) => {
  const c = await collector(t);
  await seed(c);
  const cases = [
    ["/diff", 400, "baseline and candidate query params required"],
    ["/diff?baseline=alpha-1", 400, "baseline and candidate query params required"],
    ["/diff?baseline=alpha-1&candidate=bad%20id", 400, "Invalid session ID format"],
    [`/diff?baseline=${"a".repeat(129)}&candidate=alpha-1`, 400, "Invalid session ID format"],
    ["/diff?baseline=alpha-1&candidate=alpha-1", 400, "Cannot diff a session with itself"],
    ["/diff?baseline=nope&candidate=alpha-1", 404, "Baseline session not found"],
    ["/diff?baseline=alpha-1&candidate=nope", 404, "Candidate session not found"],
  ];
  for (const [p, status, error] of cases) {
    const r = await get(c, p);
    assert.deepEqual([r.status, r.body], [status, { error }], p);
  }
});

test("GET /diff aligns at most 2,500 events per side and says so", async (t) => {
  const c = await collector(t);
  const base = Date.parse("2026-06-01T00:00:00Z");
  const events = [];
  for (const [sid, n] of [["big-a", 2_600], ["big-b", 10]]) {
    for (let i = 0; i < n; i++) {
      events.push({ event_id: `${sid === "big-a" ? "a" : "b"}${i.toString(16).padStart(15, "0")}`, session_id: sid, event_type: i % 2 ? "tool_call" : "llm_call", timestamp: new Date(base + i * 1000).toISOString(), tokens_in: 1, tokens_out: 1 });
    }
  }
  assert.equal((await post(c, "/events", { events })).status, 200);
  const d = (await get(c, "/diff?baseline=big-a&candidate=big-b")).body;
  assert.equal(d.baseline.event_count, 2_500);
  assert.equal(d.truncated, true);
  assert.equal(d.alignment.length, 2_500);
  assert.equal(d.alignment.filter((p) => p.status === "matched").length, 10);
});

test("the replay and diff routes need the key when one is set, and are in the OpenAPI document", async (t) => {
  const c = await collector(t, { apiKey: "k3y" });
  for (const p of ["/replay/s1", "/replay/s1/summary", "/replay/s1/frame/0", "/diff?baseline=a&candidate=b"]) {
    assert.equal((await get(c, p)).status, 401, p);
    assert.equal((await get(c, p, { "X-API-Key": "k3y" })).status, 404, p);
  }
  const doc = (await get(c, "/openapi.json")).body;
  for (const p of ["/replay/{id}", "/replay/{id}/summary", "/replay/{id}/frame/{index}", "/diff"]) assert.deepEqual(doc.paths[p].get.responses["404"] !== undefined, true, p);
});

test("with payloads sealed at rest, replay frames, diff tools, costs and error messages read them back", async (t) => {
  const c = await collector(t, { encryptionKey: "ab".repeat(32), compress: true });
  await seed(c);
  const raw = c.store.db.prepare("SELECT payload FROM events WHERE session_id = 'beta-1' AND event_type = 'tool_error'").get().payload;
  assert.ok(!Buffer.from(raw).toString("latin1").includes("rate limited"), "the payload is sealed");
  const frames = (await get(c, "/replay/alpha-1")).body.replay.frames;
  assert.deepEqual(frames[0].input_data, { prompt: "q" });
  assert.equal(frames[1].tool_call.tool_name, "search");
  assert.deepEqual((await get(c, "/diff?baseline=alpha-1&candidate=alpha-3")).body.tools.added, ["calculator"]);
  assert.ok((await get(c, "/analytics/costs")).body.total_cost > 0);
  assert.equal((await get(c, "/leaderboard")).body.agents[0].tool_calls, 3);
  assert.ok((await get(c, "/errors")).body.top_errors.some((e) => e.message === "rate limited"));
});
