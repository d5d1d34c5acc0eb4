// The Agent Inspector-compatible reads (reference C.6): runs, timelines, steps, export
// and stats, with `total` the real number of matching runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collector, post, get } from "./helpers.mjs";

const T0 = Date.parse("2026-03-01T12:00:00Z");
const at = (ms) => new Date(T0 + ms).toISOString();

function runEvents(i, { fail = false, user = "u1" } = {}) {
  const rid = `run${i}`;
  const sid = `sess${i % 2}`;
  const base = i * 10_000;
  return [
    { event_id: `${rid}-start`, session_id: sid, event_type: "run_start", run_id: rid, run_name: i % 2 ? "research task" : "plan", user_id: user, timestamp: at(base) },
    { event_id: `${rid}-llm`, session_id: sid, event_type: "llm_call", run_id: rid, model: "gpt-4o", input_data: { prompt: "p" }, tokens_in: 5, tokens_out: 2, timestamp: at(base + 10), duration_ms: 9 },
    { event_id: `${rid}-tool`, session_id: sid, event_type: "tool_call", run_id: rid, tool_call: { tool_name: "search", tool_input: { q: "x" } }, timestamp: at(base + 20) },
    ...(fail ? [{ event_id: `${rid}-err`, session_id: sid, event_type: "error", run_id: rid, error: { error_type: "Boom", message: "bad" }, timestamp: at(base + 25) }] : []),
    { event_id: `${rid}-final`, session_id: sid, event_type: "final", run_id: rid, output_data: { answer: "42" }, timestamp: at(base + 30) },
    { event_id: `${rid}-end`, session_id: sid, event_type: "run_end", run_id: rid, status: fail ? "failed" : "completed", timestamp: at(base + 40), duration_ms: 40 },
  ];
}

async function seeded(t) {
  const c = await collector(t);
  const events = [];
  for (let i = 0; i < 7; i++) events.push(...runEvents(i, { fail: i === 2, user: i < 4 ? "u1" : "u2" }));
  // One run still running (no run_end).
  events.push({ event_id: "live-start", session_id: "sess9", event_type: "run_start", run_id: "live", run_name: "ongoing", timestamp: at(100_000) });
  const r = await post(c, "/events", { events });
  assert.equal(r.status, 200);
  return c;
}

test("GET /v1/runs: filters, order, pagination, and total is the real total (not the page size)", async (t) => {
  const c = await seeded(t);
  const page = (await get(c, "/v1/runs?limit=3")).body;
  assert.equal(page.runs.length, 3);
  assert.equal(page.total, 8, "Agent Inspector returned len(runs) here");
  assert.equal(page.limit, 3);
  assert.equal(page.runs[0].id, "live", "newest first by default");
  const failed = (await get(c, "/v1/runs?status=failed")).body;
  assert.deepEqual(failed.runs.map((r) => r.id), ["run2"]);
  assert.deepEqual((await get(c, "/v1/runs?run_status=running")).body.runs.map((r) => r.id), ["live"]);
  assert.equal((await get(c, "/v1/runs?user_id=u2")).body.total, 3);
  assert.equal((await get(c, "/v1/runs?session_id=sess1")).body.total, 3);
  assert.deepEqual((await get(c, "/v1/runs?search=research&limit=1")).body.total, 3);
  const window = (await get(c, `/v1/runs?started_after=${T0 + 10_000}&started_before=${T0 + 40_000}&order=asc`)).body;
  assert.deepEqual(window.runs.map((r) => r.id), ["run2", "run3"], "strict bounds, ascending");
  const byName = (await get(c, "/v1/runs?order_by=name&order_dir=ASC&limit=1")).body;
  assert.equal(byName.runs[0].name, "ongoing");
  const r0 = page.runs.find((r) => r.id === "run6") ?? (await get(c, "/v1/runs/run6")).body;
  assert.deepEqual(Object.keys(r0).sort(), ["agent_type", "completed_at", "created_at", "duration_ms", "id", "metadata", "name", "parent_run_id", "session_id", "started_at", "status", "user_id"]);
});

test("GET /v1/runs refuses bad parameters with 422", async (t) => {
  const c = await seeded(t);
  for (const q of ["limit=0", "limit=1001", "limit=abc", "offset=-1", "order_dir=sideways", "order_by=secret", "started_after=yesterday"]) {
    const r = await get(c, `/v1/runs?${q}`);
    assert.equal(r.status, 422, q);
    assert.equal(typeof r.body.error, "string");
  }
});

test("a run, its timeline, steps and step data; run_end is not a step; 404s", async (t) => {
  const c = await seeded(t);
  const run = (await get(c, "/v1/runs/run2")).body;
  assert.equal(run.status, "failed");
  assert.equal(run.started_at, T0 + 20_000);
  assert.equal(run.completed_at, T0 + 20_040);
  assert.equal(run.duration_ms, 40);
  assert.equal(run.user_id, "u1");
  assert.equal(run.session_id, "sess0");
  const tl = (await get(c, "/v1/runs/run2/timeline")).body;
  assert.equal(tl.run_id, "run2");
  assert.deepEqual(tl.events.map((e) => e.type), ["run_start", "llm_call", "tool_call", "error", "final_answer"]);
  assert.equal(tl.total, 5);
  assert.equal(tl.events[0].data, undefined, "no data unless include_data=true");
  assert.equal(tl.events[2].name, "search");
  assert.equal(tl.events[3].status, "failed");
  const withData = (await get(c, "/v1/runs/run2/timeline?include_data=true")).body;
  assert.deepEqual(withData.events[1].data.input_data, { prompt: "p" });
  const steps = (await get(c, "/v1/runs/run2/steps?limit=2&offset=1")).body;
  assert.deepEqual(steps.steps.map((s) => s.id), ["run2-llm", "run2-tool"]);
  assert.equal(steps.total, 5);
  const typed = (await get(c, "/v1/runs/run2/steps?event_type=final_answer")).body;
  assert.deepEqual(typed.steps.map((s) => s.id), ["run2-final"]);
  const data = (await get(c, "/v1/runs/run2/steps/run2-final/data")).body;
  assert.deepEqual(data, { step_id: "run2-final", data: (await get(c, "/v1/runs/run2/steps?event_type=final_answer")).body.steps[0].data });
  assert.deepEqual(data.data.output_data, { answer: "42" });
  assert.equal((await get(c, "/v1/runs/nope")).status, 404);
  assert.equal((await get(c, "/v1/runs/nope/timeline")).status, 404);
  assert.equal((await get(c, "/v1/runs/run2/steps/nope/data")).status, 404);
  assert.equal((await get(c, "/v1/runs/run1/steps/run2-llm/data")).status, 404, "a step of another run");
});

test("GET /v1/runs/{id}/export and /v1/stats", async (t) => {
  const c = await seeded(t);
  const ex = (await get(c, "/v1/runs/run1/export")).body;
  assert.equal(ex.run.id, "run1");
  assert.equal(ex.timeline.length, 4);
  assert.ok(ex.timeline.every((s) => s.data && s.data.run_id === "run1"));
  const stats = (await get(c, "/v1/stats")).body;
  assert.equal(stats.total_runs, 8);
  assert.equal(stats.running_runs, 1);
  assert.equal(stats.failed_runs, 1);
  assert.equal(stats.completed_runs, 6);
  assert.equal(stats.total_steps, 7 * 4 + 1 + 1);
  assert.equal(stats.total_events, 7 * 5 + 1 + 1);
  assert.ok(stats.db_size_bytes > 0);
});
