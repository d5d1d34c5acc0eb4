// Issue 17, "one analysis request blocks the collector": 10,000 alert rules over 5,000
// events held the event loop for 29 s (13 of 15 health checks failed). The analysis
// engines now run in a worker thread with a deadline, and every analysis route bounds
// what one request may ask; these tests hold both, against a real collector on 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AnalysisRunner } from "../dist/collector/analysis-runner.js";
import { collector, get, post } from "./helpers.mjs";

const NOW = Date.now();
const event = (session, i) => ({
  event_id: `${session}-${String(i).padStart(8, "0")}`,
  session_id: session,
  event_type: i % 7 ? "llm_call" : "error",
  timestamp: new Date(NOW - 60_000 + i).toISOString(),
  model: "gpt-4o",
  tokens_in: i % 100,
  tokens_out: 5,
});

async function seed(c, session, n) {
  for (let i = 0; i < n; i += 2_000) {
    const events = Array.from({ length: Math.min(2_000, n - i) }, (_, k) => event(session, i + k));
    const r = await post(c, "/events", { events });
    assert.ok(r.status < 300, JSON.stringify(r.body));
  }
}

/** `n` rules that each read every event (a threshold on a sum, a pattern on the type). */
const rules = (n) => ({
  rules: Array.from({ length: n }, (_, i) => ({
    name: `r${i}`,
    condition: i % 2 ? { type: "threshold", metric: "tokens_in", operator: ">", value: i } : { type: "pattern", field: "event_type", pattern: "err.*" },
  })),
});

test("a large but allowed alert evaluation runs while /health and POST /events answer", async (t) => {
  const c = await collector(t, { rateLimitPerMinute: 0 });
  await seed(c, "big", 2_000);
  let analysisDone = false;
  // 1,000 rules × 2,002 events (the session's start and its events): 2 M evaluations, allowed.
  const analysis = post(c, "/analysis/alerts", { rules: rules(1_000), session_id: "big" }).then((r) => {
    analysisDone = true;
    return r;
  });
  const health = await get(c, "/health");
  assert.equal(health.status, 200);
  const ingest = await post(c, "/events", { events: [event("during", 1)] });
  assert.ok(ingest.status < 300, JSON.stringify(ingest.body));
  // Both were answered before the analysis: on the old main-thread engines they waited for it.
  assert.equal(analysisDone, false, "the analysis should still be running in its worker");
  const r = await analysis;
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
  assert.equal(r.body.evaluated_events, 2_001);
  assert.ok(r.body.fired.length > 0);
  assert.equal((await get(c, "/sessions/during")).status, 200, "the event sent during the analysis is stored");
});

test("requests over a bound are 400s naming the limit, and load nothing past it", async (t) => {
  const c = await collector(t, { rateLimitPerMinute: 0 });
  await seed(c, "wide", 5_100);
  const refused = async (path, body, pattern) => {
    const r = body === undefined ? await get(c, path) : await post(c, path, body);
    assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.error, pattern, path);
  };
  await refused("/analysis/alerts", { rules: rules(1_001), session_id: "wide" }, /at most 1000 rules/);
  await refused("/analysis/alerts", { rules: rules(1_001).rules, session_id: "wide" }, /at most 1000 rules/);
  // 1,000 rules over more than 5,000 events: past the 5,000,000 rule × event budget.
  await refused("/analysis/alerts", { rules: rules(1_000), session_id: "wide" }, /5000000 rule × event/);
  await refused("/analysis/alerts", { rules: rules(1_000), window_minutes: 60 }, /5000000 rule × event/);
  await refused("/analysis/alerts", { rules: rules(1), window_minutes: 100_000 }, /window_minutes .* at most 10080/);
  await refused("/analysis/alerts", { rules: rules(1), window_minutes: "all" }, /window_minutes/);
  const ids = Array.from({ length: 1_001 }, (_, i) => `s${i}`);
  await refused("/analysis/drift", { baseline: ids, current: ["wide"] }, /at most 1000 sessions/);
  await refused("/analysis/forecast?history_days=100000", undefined, /history_days .* at most 365/);
  const policy = { name: "many", rules: Array.from({ length: 1_001 }, () => ({ kind: "max_tokens", limit: 10 })) };
  await refused("/analysis/compliance", { session_id: "wide", policy }, /at most 1000 rules/);
  // Within the bounds the same routes answer.
  const within = await post(c, "/analysis/alerts", { rules: rules(10), window_minutes: 60 });
  assert.equal(within.status, 200, JSON.stringify(within.body).slice(0, 300));
  assert.equal(within.body.evaluated_events, 5_100);
});

test("an analysis past its deadline is answered 503 with Retry-After, and the collector keeps serving", async (t) => {
  const c = await collector(t, { analysisTimeoutMs: 1 });
  await seed(c, "slow", 200);
  const r = await post(c, "/analysis/alerts", { rules: rules(100), session_id: "slow" });
  assert.equal(r.status, 503, JSON.stringify(r.body));
  assert.match(r.body.error, /deadline/);
  assert.ok(Number(r.headers.get("retry-after")) > 0);
  assert.equal((await get(c, "/health")).status, 200);
  assert.ok((await post(c, "/events", { events: [event("after", 1)] })).status < 300);
});

test("the runner ends a worker past its deadline and runs the next job on a fresh one", async (t) => {
  const runner = new AnalysisRunner(60_000);
  t.after(() => runner.close());
  const events = Array.from({ length: 2_000 }, (_, i) => event("x", i));
  await assert.rejects(runner.run("alerts", { rules: rules(500), events }, 1), (e) => e.status === 503 && /deadline/.test(e.message));
  assert.equal(runner.stats().timedOut, 1);
  assert.equal(runner.stats().recycled, 1);
  const fired = await runner.run("alerts", { rules: rules(2), events: events.slice(0, 10) });
  assert.ok(Array.isArray(fired) && fired.length > 0);
  assert.ok(runner.stats().workerMemoryBytes > 0);
  // An engine's own error comes back by name, for the route's 400.
  await assert.rejects(runner.run("alerts", { rules: { rules: [{ name: "re", condition: { type: "pattern", field: "model", pattern: "(" } }] }, events: [] }), (e) =>
    e.name.startsWith("AgentLens"),
  );
});

test("a full queue is answered 503, never queued without bound", async (t) => {
  const runner = new AnalysisRunner(60_000);
  t.after(() => runner.close());
  const events = Array.from({ length: 50 }, (_, i) => event("q", i));
  const jobs = Array.from({ length: 40 }, () => runner.run("alerts", { rules: rules(4), events }).then(() => "ok", (e) => e.status));
  const outcomes = await Promise.all(jobs);
  assert.ok(outcomes.includes(503), "past the queue's bound a job is refused");
  assert.ok(outcomes.includes("ok"));
});

test("a worker left past its wasm memory mark is ended after its job, and the next job gets a fresh one", async (t) => {
  // A mark of one byte: every job leaves its worker past it.
  const runner = new AnalysisRunner(60_000, 1);
  t.after(() => runner.close());
  const events = Array.from({ length: 20 }, (_, i) => event("m", i));
  for (let i = 1; i <= 2; i++) {
    const fired = await runner.run("alerts", { rules: rules(2), events });
    assert.ok(fired.length > 0);
    assert.equal(runner.stats().recycled, i);
    assert.equal(runner.stats().workerMemoryBytes, 0);
  }
});
