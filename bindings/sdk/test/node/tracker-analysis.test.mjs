// The tracker's analysis methods: compliance (presets, policies, JS-backed custom rules),
// cost, statistics, drift, usage records and forecasts, and the streaming alert watch.
// This file imports only "@agentlens/sdk" (and the SDK's own wasm, to count calls into its
// pipeline): the analysis wasm must load on first use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tracker, AgentLensAnalysisError } from "@agentlens/sdk";
import { countPipelineCalls } from "../support/wasm-calls.mjs";

const quiet = { exporters: [], logLevel: "silent" };

function sessionWithShell(tracker) {
  const s = tracker.startSession({ agentName: "support-bot" });
  tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 1000, tokensOut: 200, durationMs: 900, reasoning: "FAQ", inputData: { prompt: "mail bob@example.com" } });
  tracker.trackTool({ toolName: "shell", toolInput: { cmd: "ls" }, durationMs: 12 });
  return s;
}

test("compliance: a preset by name, over the session's events, redacted first", async () => {
  const tracker = new Tracker(quiet);
  sessionWithShell(tracker);
  const seen = [];
  const { report, text } = await tracker.compliance(
    { name: "p", rules: [{ type: "forbidden_tools", tools: ["shell"] }, { type: "prompt_scan" }] },
    { validators: { prompt_scan: (session) => (seen.push(JSON.stringify(session.events)), true) }, checkedAt: 0 },
  );
  assert.equal(report.compliant, false);
  assert.match(text, /NON-COMPLIANT/);
  assert.equal(report.results[1].verdict, "pass");
  assert.equal(seen.length, 1);
  assert.doesNotMatch(seen[0], /bob@example\.com/, "the validator sees redacted events");
  assert.match(seen[0], /REDACTED/);
  const strict = await tracker.compliance("strict");
  assert.equal(strict.report.compliant, false, "the strict preset forbids shell");
  await tracker.shutdown(100);
});

test("analysis of an unknown session or an invalid policy rejects with a named error", async () => {
  const tracker = new Tracker(quiet);
  await assert.rejects(tracker.compliance("strict"), (e) => e instanceof AgentLensAnalysisError && /No active session/.test(e.message));
  await assert.rejects(tracker.cost({ sessionId: "nope" }), (e) => e.name === "AgentLensAnalysisError" && /nope not found/.test(e.message));
  const s = tracker.startSession();
  await assert.rejects(tracker.compliance({ name: "bad", rules: [{ type: "max_tokens" }] }), (e) => e instanceof AgentLensAnalysisError && /max_tokens/.test(e.message));
  await tracker.endSession();
  // Ended (as an integration's session ends with its call): the error names it, and how to ask.
  await assert.rejects(tracker.cost(), (e) => e instanceof AgentLensAnalysisError && e.message === `No active session. The most recent session kept is ${s.sessionId}: pass { sessionId: "${s.sessionId}" } to use it.`);
  assert.equal((await tracker.cost({ sessionId: s.sessionId })).session_id, s.sessionId);
  await tracker.shutdown(100);
});

test("cost, statistics, usage records and the spending summary come from the core", async () => {
  const tracker = new Tracker(quiet);
  const s = sessionWithShell(tracker);
  tracker.track({ eventType: "llm_call", model: "mystery-model-9", tokensIn: 10, tokensOut: 10 });
  const cost = await tracker.cost();
  assert.equal(cost.session_id, s.sessionId);
  assert.ok(cost.total_cost > 0);
  assert.deepEqual(cost.unmatched_models, ["mystery-model-9"]);
  const stats = await tracker.sessionStats({ sessionId: s.sessionId });
  assert.equal(stats.tools.shell.calls, 1);
  const usage = await tracker.usageRecords();
  assert.equal(usage.records.length, 2);
  assert.deepEqual(usage.unpriced_models, ["mystery-model-9"]);
  const summary = await tracker.spendingSummary();
  assert.equal(summary.top_model, "gpt-4o");
  const budget = await tracker.checkBudget(1000);
  assert.equal(budget.severity, "safe");
  const f = await tracker.forecast({ days: 3 });
  assert.equal(f.daily_predictions.length, 3);
  for (const p of f.daily_predictions) assert.ok(p.predicted_cost >= 0);
  await tracker.shutdown(100);
});

test("drift between two sets of this tracker's sessions", async () => {
  const tracker = new Tracker(quiet);
  const ids = (n, tokens) =>
    Array.from({ length: n }, (_, i) => {
      const s = tracker.startSession({ agentName: "a" });
      tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: tokens + i, tokensOut: 10, durationMs: 100 + i });
      tracker.endSession(s.sessionId);
      return s.sessionId;
    });
  const base = ids(5, 100);
  const same = await tracker.drift(base, base);
  assert.equal(same.report.drift_score, 0);
  assert.equal(same.report.status, "stable");
  const current = ids(5, 50_000);
  const drifted = await tracker.drift(base, current);
  assert.ok(drifted.report.drift_score > 0);
  assert.notEqual(drifted.report.status, "stable");
  assert.match(drifted.text, /total_tokens|tokens/i);
  await tracker.shutdown(100);
});

test("watchAlerts: rules stream over tracked events; callbacks run after tracking returns and never throw into it", async () => {
  const tracker = new Tracker(quiet);
  const calls = [];
  // Not awaited yet: events tracked while the engines load are evaluated too.
  const pending = tracker.watchAlerts(
    {
      rules: [
        { name: "slow", severity: "critical", cooldown_seconds: 3600, condition: { type: "threshold", metric: "duration_ms", operator: ">", value: 5000 } },
        { name: "secret-in-errors", condition: { type: "pattern", field: "error_message", pattern: "bob@example" } },
      ],
    },
    (alert) => {
      calls.push(alert.rule_name);
      throw new Error("the user's callback fails");
    },
  );
  tracker.startSession({ agentName: "planner" });
  tracker.track({ eventType: "llm_call", model: "gpt-4o", durationMs: 8000 });
  assert.deepEqual(calls, [], "nothing fires inside the tracking call");
  const watch = await pending;
  await tracker.flush();
  assert.deepEqual(calls, ["slow"]);
  tracker.track({ eventType: "error", errorMessage: "failed for bob@example.com" });
  await tracker.flush();
  assert.deepEqual(calls, ["slow"], "patterns run on redacted events; the cooldown holds the threshold rule");
  assert.equal(watch.fired.length, 1);
  assert.ok(tracker.stats().internalErrors >= 1, "a throwing callback is counted");
  watch.stop();
  tracker.track({ eventType: "llm_call", durationMs: 99_999 });
  await tracker.flush();
  assert.equal(watch.fired.length, 1, "stopped");
  await tracker.shutdown(100);
});

test("watchAlerts rejects a rule that does not compile, naming it, and stops listening", async () => {
  const tracker = new Tracker(quiet);
  await assert.rejects(
    tracker.watchAlerts({ rules: [{ name: "broken", condition: { type: "pattern", field: "x", pattern: "(" } }] }, () => {}),
    (e) => e instanceof AgentLensAnalysisError && /broken/.test(e.message),
  );
  tracker.startSession();
  tracker.track({ eventType: "llm_call" });
  await tracker.flush();
  assert.equal(tracker.stats().internalErrors, 0);
  await tracker.shutdown(100);
});

test("a long session is sanitised one event at a time: 400 calls of ~1 KB stay 400 calls", async () => {
  const tracker = new Tracker(quiet);
  const s = tracker.startSession({ agentName: "long" });
  const prompt = "p".repeat(1000);
  for (let i = 0; i < 400; i++) tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 1000, tokensOut: 10, inputData: { prompt } });
  const cost = await tracker.cost();
  assert.equal(cost.model_costs["gpt-4o"].calls, 400);
  assert.equal(cost.model_costs["gpt-4o"].tokens_in, 400_000);
  const stats = await tracker.sessionStats();
  assert.equal(stats.total_events, 401, "the session start and 400 calls");
  assert.equal(JSON.stringify(stats).includes('"generic"'), false, "no event lost its type");
  const { report } = await tracker.compliance({ name: "budget", rules: [{ type: "max_tokens", limit: 500_000 }] });
  assert.equal(report.compliant, true);
  const usage = await tracker.usageRecords();
  assert.equal(usage.records.reduce((n, r) => n + r.tokens_in, 0), 400_000);
  // The explanation (SDK wasm) and the engines (analysis wasm) agree.
  assert.equal((tracker.explain(s.sessionId).match(/\*\*llm_call\*\*/g) ?? []).length, 400);
  await tracker.shutdown(100);
});

test("one tracker gives a redacted id one tag: in what it sends, in explain() and in its analyses", async () => {
  const tags = [];
  for (const round of [0, 1]) {
    const lines = [];
    const exporter = { name: "capture", format: "ndjson", send: async (r) => (lines.push(...Buffer.from(r.body).toString("utf8").split("\n").filter(Boolean)), { status: 200 }) };
    const tracker = new Tracker({ exporters: [exporter], logLevel: "silent" });
    tracker.startSession({ agentName: "support", sessionId: "sess-alice@example.com" });
    tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 10, tokensOut: 2 });
    const explained = tracker.explain(); // before the events are sent
    await tracker.flush(2000);
    const sent = new Set(lines.map((l) => JSON.parse(l).session_id));
    assert.equal(sent.size, 1, `one session on the wire: ${[...sent]}`);
    const [tag] = sent;
    assert.match(tag, /REDACTED\.[a-p]{16}$/);
    assert.doesNotMatch(tag, /alice/);
    assert.equal(explained.match(/\*\*Session ID:\*\* (\S+)/)?.[1], tag, "explain() names the session as it was sent");
    const seen = new Set();
    await tracker.compliance(
      { name: "ids", rules: [{ type: "ids" }] },
      { validators: { ids: (session) => (session.events.forEach((e) => seen.add(e.session_id)), true) } },
    );
    assert.deepEqual([...seen], [tag], "the analyses see the sent id");
    const usage = await tracker.usageRecords();
    assert.deepEqual([...new Set(usage.records.map((r) => r.session_id))], [tag]);
    tags.push(tag);
    await tracker.shutdown(100);
  }
  assert.notEqual(tags[0], tags[1], "each tracker has a key of its own: a tag does not give the id away across trackers");
});

test("the tracker's explain(), analyses and alert watch share the pipeline's redactor, taken once", async () => {
  const calls = await countPipelineCalls(async () => {
    const tracker = new Tracker(quiet);
    tracker.startSession();
    const fired = [];
    const watch = await tracker.watchAlerts(
      { rules: [{ name: "secret", severity: "critical", condition: { type: "pattern", field: "input_data", pattern: "REDACTED" } }] },
      (a) => fired.push(a),
    );
    for (let turn = 0; turn < 20; turn++) {
      tracker.track({ eventType: "llm_call", inputData: { prompt: `mail bob${turn}@example.com` } });
      await tracker.flush(); // one batch per turn
    }
    await tracker.cost();
    assert.equal((tracker.explain().match(/\*\*llm_call\*\*/g) ?? []).length, 20);
    assert.ok(fired.length >= 1, "the rules saw redacted events");
    watch.stop();
    await tracker.shutdown(100);
  });
  assert.equal(calls.redactor, 1, "one redactor for 20 batches, an analysis call and explain()");
});
