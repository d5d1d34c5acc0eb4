// The AgentLens-style API (seed 001, reference B.1) through the built package: init,
// sessions, track, trackTool, explain, endSession, flush, shutdown, stats, with fake
// exporters that record request bodies and answer as told.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as agentlens from "@agentlens/sdk";
import { init } from "@agentlens/sdk";
import { decodeWireBody } from "@agentlens/sdk/analysis";

const HEX16 = /^[0-9a-f]{16}$/;

function fakeExporter({ name = "fake", status = 200 } = {}) {
  const bodies = [];
  const exporter = {
    name,
    format: "agentlens",
    bodies,
    shutdownCalls: 0,
    async send(request) {
      bodies.push(request.body);
      return { status: typeof status === "function" ? status(request) : status };
    },
    async shutdown() {
      exporter.shutdownCalls++;
    },
    events: () => bodies.flatMap((b) => decodeWireBody(b)),
  };
  return exporter;
}

function quietInit(options = {}) {
  const warnings = [];
  const tracker = init({ logger: (level, message) => warnings.push(`${level}: ${message}`), ...options });
  return { tracker, warnings };
}

const droppedTotal = (s) => Object.values(s.dropped).reduce((a, b) => a + b, 0);
const identityHolds = (s) => s.tracked === s.delivered + droppedTotal(s) + s.sampledOut + s.pending;

// Must run before any init() in this process (node --test runs each file in its own process).
test("every module-level call before init() throws AgentLensNotInitializedError naming the call", () => {
  const calls = {
    startSession: () => agentlens.startSession({ agentName: "a" }),
    track: () => agentlens.track({ eventType: "llm_call" }),
    trackTool: () => agentlens.trackTool({ toolName: "t" }),
    explain: () => agentlens.explain(),
    endSession: () => agentlens.endSession(),
    flush: () => agentlens.flush(),
    shutdown: () => agentlens.shutdown(),
    stats: () => agentlens.stats(),
  };
  for (const [name, call] of Object.entries(calls)) {
    assert.throws(call, (e) => {
      assert.equal(e.name, "AgentLensNotInitializedError");
      assert.equal(e.message, `Call agentlens.init() before ${name}()`);
      assert.ok(e instanceof agentlens.AgentLensNotInitializedError);
      return true;
    });
  }
  assert.equal(agentlens.getTracker(), undefined);
});

test("init returns a tracker that is also the module default", () => {
  const fake = fakeExporter();
  const { tracker } = quietInit({ exporters: [fake] });
  assert.ok(tracker instanceof agentlens.Tracker);
  assert.equal(agentlens.getTracker(), tracker);
  assert.equal(tracker.config.endpoint, "http://localhost:3000");
  assert.equal(tracker.config.apiKey, "default");
});

test("startSession returns a session with a 16-hex id and sends session_start with the agent name and metadata", async () => {
  const fake = fakeExporter();
  quietInit({ exporters: [fake] });
  const s = agentlens.startSession({ agentName: "research-agent-v2", metadata: { version: "2.1.0" } });
  assert.match(s.sessionId, HEX16);
  assert.equal(s.agentName, "research-agent-v2");
  assert.equal(s.status, "active");
  await agentlens.flush();
  const [start] = fake.events();
  assert.equal(start.event_type, "session_start");
  assert.equal(start.session_id, s.sessionId);
  assert.equal(start.agent_name, "research-agent-v2");
  assert.deepEqual(start.metadata, { version: "2.1.0" });
  assert.equal(start.event_id, undefined, "session records carry no event id, as the Python SDK");
});

test("startSession without arguments uses the Python SDK's default agent name", () => {
  quietInit({ exporters: [] });
  assert.equal(agentlens.startSession().agentName, "default-agent");
});

test("track with reasoning and a tool name builds decision_trace and tool_call as the Python SDK", async () => {
  const fake = fakeExporter();
  quietInit({ exporters: [fake] });
  const s = agentlens.startSession({ agentName: "a" });
  const llmId = agentlens.track({
    eventType: "llm_call",
    inputData: { prompt: "What is 2+2?" },
    outputData: { response: "4" },
    model: "gpt-4o",
    tokensIn: 120,
    tokensOut: 45,
    reasoning: "simple arithmetic",
    durationMs: 812.5,
  });
  const toolId = agentlens.track({ eventType: "tool_call", toolName: "calculator", toolInput: { expr: "2+2" }, toolOutput: { result: 4 }, durationMs: 3.2 });
  await agentlens.flush();
  const [, llm, tool] = fake.events();
  assert.equal(llm.event_id, llmId);
  assert.match(llmId, HEX16);
  assert.equal(llm.session_id, s.sessionId);
  assert.deepEqual(
    { type: llm.event_type, model: llm.model, in: llm.tokens_in, out: llm.tokens_out, input: llm.input_data, output: llm.output_data, d: llm.duration_ms },
    { type: "llm_call", model: "gpt-4o", in: 120, out: 45, input: { prompt: "What is 2+2?" }, output: { response: "4" }, d: 812.5 },
  );
  assert.match(llm.decision_trace.trace_id, HEX16);
  assert.equal(llm.decision_trace.step, 1);
  assert.equal(llm.decision_trace.reasoning, "simple arithmetic");
  assert.deepEqual(llm.decision_trace.alternatives_considered, []);
  assert.match(llm.decision_trace.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
  assert.equal(llm.tool_call, undefined);

  assert.equal(tool.event_id, toolId);
  assert.equal(tool.tokens_in, 0);
  assert.equal(tool.tokens_out, 0);
  assert.match(tool.tool_call.tool_call_id, HEX16);
  assert.equal(tool.tool_call.tool_name, "calculator");
  assert.deepEqual(tool.tool_call.tool_input, { expr: "2+2" });
  assert.deepEqual(tool.tool_call.tool_output, { result: 4 });
  assert.equal(tool.tool_call.duration_ms, 3.2, "the tool call's duration is the event's");
  assert.equal(tool.duration_ms, 3.2);
  assert.equal(tool.decision_trace, undefined);
});

test("a decision's step is the number of events already in the session plus one", async () => {
  const fake = fakeExporter();
  quietInit({ exporters: [fake] });
  agentlens.startSession({ agentName: "a" });
  agentlens.track({ eventType: "llm_call" });
  agentlens.track({ eventType: "tool_call", toolName: "t" });
  agentlens.track({ eventType: "decision", reasoning: "third", alternatives: ["x", "y"], confidence: 0.8 });
  await agentlens.flush();
  const decision = fake.events().find((e) => e.event_type === "decision");
  assert.equal(decision.decision_trace.step, 3);
  assert.deepEqual(decision.decision_trace.alternatives_considered, ["x", "y"]);
  assert.equal(decision.decision_trace.confidence, 0.8);
});

test("track without an event type records a generic event", async () => {
  const fake = fakeExporter();
  quietInit({ exporters: [fake] });
  agentlens.startSession();
  agentlens.track();
  await agentlens.flush();
  assert.equal(fake.events()[1].event_type, "generic");
});

test("trackTool records a tool_call event with its input, output and duration", async () => {
  const fake = fakeExporter();
  quietInit({ exporters: [fake] });
  agentlens.startSession();
  const id = agentlens.trackTool({ toolName: "database_query", toolInput: { sql: "SELECT 1" }, toolOutput: { rows: 42 }, durationMs: 15.3 });
  await agentlens.flush();
  const e = fake.events().find((x) => x.event_id === id);
  assert.equal(e.event_type, "tool_call");
  assert.equal(e.tool_call.tool_name, "database_query");
  assert.deepEqual(e.tool_call.tool_output, { rows: 42 });
  assert.equal(e.duration_ms, 15.3);
});

test("endSession sends session_end, completed, with the session's token totals, and resolves once flushed", async () => {
  const fake = fakeExporter();
  const { tracker } = quietInit({ exporters: [fake], flushIntervalMs: 60_000 });
  const s = agentlens.startSession({ agentName: "a" });
  agentlens.track({ eventType: "llm_call", tokensIn: 100, tokensOut: 50 });
  agentlens.track({ eventType: "llm_call", tokensIn: 20, tokensOut: 5 });
  await agentlens.endSession();
  const end = fake.events().at(-1);
  assert.equal(end.event_type, "session_end");
  assert.equal(end.session_id, s.sessionId);
  assert.equal(end.status, "completed");
  assert.equal(end.total_tokens_in, 120);
  assert.equal(end.total_tokens_out, 55);
  assert.ok(end.ended_at);
  assert.equal(s.status, "completed");
  assert.equal(s.totalTokensIn, 120);
  const st = tracker.stats();
  assert.equal(st.pending, 0);
  assert.equal(st.delivered, 4);
});

test("several sessions run at once: the most recent is current and any can be ended by id", async () => {
  const fake = fakeExporter();
  quietInit({ exporters: [fake] });
  const s1 = agentlens.startSession({ agentName: "agent-a" });
  const s2 = agentlens.startSession({ agentName: "agent-b" });
  assert.notEqual(s1.sessionId, s2.sessionId);
  const inCurrent = agentlens.track({ eventType: "llm_call", tokensIn: 1 });
  const inFirst = agentlens.track({ eventType: "llm_call", tokensIn: 7, sessionId: s1.sessionId });
  await agentlens.endSession(s1.sessionId);
  assert.equal(s1.status, "completed");
  assert.equal(s2.status, "active");
  const again = agentlens.track({ eventType: "tool_call", toolName: "search" });
  await agentlens.endSession();
  assert.equal(s2.status, "completed");
  const events = fake.events();
  const byId = (id) => events.find((e) => e.event_id === id);
  assert.equal(byId(inCurrent).session_id, s2.sessionId);
  assert.equal(byId(inFirst).session_id, s1.sessionId);
  assert.equal(byId(again).session_id, s2.sessionId);
  const ends = events.filter((e) => e.event_type === "session_end");
  assert.deepEqual(ends.map((e) => [e.session_id, e.total_tokens_in]), [[s1.sessionId, 7], [s2.sessionId, 1]]);
  // Both ended: the most recent one kept is named, with the call that explains it.
  assert.equal(agentlens.explain(), `No active session. The most recent session kept is ${s2.sessionId}: explain("${s2.sessionId}") explains it.`);
  assert.match(agentlens.explain(s2.sessionId), /^## Session Explanation/);
});

test("ending a session twice sends one session_end", async () => {
  const fake = fakeExporter();
  quietInit({ exporters: [fake] });
  const s = agentlens.startSession();
  await agentlens.endSession(s.sessionId);
  await agentlens.endSession(s.sessionId);
  assert.equal(fake.events().filter((e) => e.event_type === "session_end").length, 1);
});

test("track with no session opens one, so no event is sent without a session id", async () => {
  const fake = fakeExporter();
  const { warnings } = quietInit({ exporters: [fake] });
  agentlens.track({ eventType: "llm_call" });
  agentlens.track({ eventType: "llm_call" });
  await agentlens.flush();
  const [start, a, b] = fake.events();
  assert.equal(start.event_type, "session_start");
  assert.match(a.session_id, HEX16);
  assert.equal(a.session_id, b.session_id);
  assert.equal(warnings.filter((w) => w.includes("no session")).length, 1, "warned once");
});

test("explain says there is no active session, or that an id is unknown, and never throws", () => {
  quietInit({ exporters: [] });
  assert.equal(agentlens.explain(), "No active session.");
  assert.equal(agentlens.explain("feedfacefeedface"), "Session feedfacefeedface not found.");
  assert.equal(agentlens.explain(Symbol("x")), "Session [Unsupported] not found.");
});

test("explain returns the Markdown timeline of the current session", () => {
  quietInit({ exporters: [] });
  const s = agentlens.startSession({ agentName: "research-agent-v2" });
  agentlens.track({ eventType: "llm_call", model: "gpt-4-turbo", tokensIn: 1200, tokensOut: 350, reasoning: "User asked for a summary." });
  agentlens.track({ eventType: "tool_call", toolName: "web_search", durationMs: 890.2 });
  const md = agentlens.explain();
  const lines = md.split("\n");
  assert.equal(lines[0], "## Session Explanation: research-agent-v2");
  assert.ok(md.includes(`**Session ID:** ${s.sessionId}`), md);
  assert.ok(md.includes("**Total tokens:** 1200 in / 350 out"), md);
  assert.match(md, /^1\. \[\d\d:\d\d:\d\d\.\d{3}\] \*\*llm_call\*\* \(model: gpt-4-turbo\)$/m);
  assert.match(md, /Reasoning: User asked for a summary\./);
  assert.match(md, /^2\. \[\d\d:\d\d:\d\d\.\d{3}\] \*\*tool_call\*\* → tool: web_search$/m);
});

test("explain works for an ended session named by id", async () => {
  quietInit({ exporters: [] });
  const s = agentlens.startSession({ agentName: "ended-agent" });
  agentlens.track({ eventType: "llm_call", model: "m" });
  await agentlens.endSession();
  const md = agentlens.explain(s.sessionId);
  assert.equal(md.split("\n")[0], "## Session Explanation: ended-agent");
  assert.match(md, /\*\*Status:\*\* completed/);
});

test("explain applies the tracker's redaction to what it shows", () => {
  quietInit({ exporters: [] });
  agentlens.startSession({ agentName: "a" });
  agentlens.track({ eventType: "decision", reasoning: "mail jane.doe@example.com the receipt" });
  const md = agentlens.explain();
  assert.ok(!md.includes("jane.doe@example.com"), md);
});

test("re-init makes the new tracker the default and shuts the previous one down", async () => {
  const first = fakeExporter({ name: "first" });
  const { tracker: a } = quietInit({ exporters: [first] });
  agentlens.startSession();
  const { tracker: b } = quietInit({ exporters: [fakeExporter({ name: "second" })] });
  assert.equal(agentlens.getTracker(), b);
  const final = await a.shutdown();
  assert.equal(first.shutdownCalls, 1);
  assert.equal(final.delivered, 1, "the previous tracker drained before closing");
  assert.notEqual(a, b);
});

test("stats are summed over exporters, each exporter counting each event", async () => {
  const one = fakeExporter({ name: "one" });
  const two = fakeExporter({ name: "two" });
  const { tracker } = quietInit({ exporters: [one, two] });
  tracker.startSession();
  tracker.track({ eventType: "llm_call" });
  tracker.track({ eventType: "llm_call" });
  await tracker.flush();
  const s = tracker.stats();
  assert.deepEqual(s.perExporter.map((e) => [e.name, e.tracked, e.delivered]), [["one", 3, 3], ["two", 3, 3]]);
  assert.equal(s.tracked, 6);
  assert.equal(s.delivered, 6);
  assert.ok(identityHolds(s));
  assert.deepEqual(one.events().map((e) => e.event_id), two.events().map((e) => e.event_id), "the same events, ids included");
});

test("a rejecting exporter never throws into agent code and its drops are logged once per burst with counts", async () => {
  const failing = fakeExporter({ name: "failing", status: 400 });
  const { tracker, warnings } = quietInit({ exporters: [failing], batchSize: 1 });
  tracker.startSession();
  for (let i = 0; i < 19; i++) tracker.track({ eventType: "llm_call" });
  await tracker.flush();
  const final = await tracker.shutdown();
  assert.equal(final.dropped.rejected, 20);
  assert.ok(identityHolds(final));
  const drops = warnings.filter((w) => /exporter "failing" dropped /.test(w));
  assert.ok(drops.length >= 1 && drops.length <= 2, drops.join("\n"));
  const refused = warnings.filter((w) => w.includes("could not deliver"));
  assert.equal(refused.length, 1, `one warning for the cause, not one per request: ${refused.join("\n")}`);
  assert.match(refused[0], /refused the events \(HTTP 400\)/);
  const reported = drops.reduce((n, w) => n + Number(/dropped (\d+) event/.exec(w)[1]), 0);
  assert.equal(reported, 20, "every drop is reported, in one or two lines");
  assert.match(drops[0], /exporter "failing" dropped \d+ event\(s\) \(rejected \d+\)/);
});

test("an exporter that throws or answers garbage counts as a network failure, not an agent error", async () => {
  const throwing = { name: "throwing", format: "agentlens", send() { throw new Error("boom"); } };
  const garbage = { name: "garbage", format: "agentlens", send: async () => "ok?" };
  const { tracker } = quietInit({ exporters: [throwing, garbage], maxRetries: 0 });
  tracker.startSession();
  tracker.track({ eventType: "llm_call" });
  await tracker.flush();
  const s = tracker.stats();
  assert.equal(s.dropped.retries_exhausted, 4);
  assert.equal(s.internalErrors, 0);
  assert.ok(identityHolds(s));
});

test("enabled: false exports nothing but still keeps sessions for explain", () => {
  const { tracker } = quietInit({ enabled: false });
  const s = tracker.startSession({ agentName: "offline" });
  tracker.track({ eventType: "llm_call" });
  assert.equal(tracker.stats().perExporter.length, 0);
  assert.equal(tracker.stats().tracked, 0);
  assert.match(s.sessionId, HEX16);
  assert.equal(tracker.explain().split("\n")[0], "## Session Explanation: offline");
});

test("shutdown drains, closes every exporter once, and returns the final stats", async () => {
  const fake = fakeExporter();
  const { tracker } = quietInit({ exporters: [fake], flushIntervalMs: 60_000 });
  tracker.startSession();
  tracker.track({ eventType: "llm_call" });
  const [a, b] = await Promise.all([tracker.shutdown(), tracker.shutdown()]);
  assert.equal(a, b);
  assert.equal(a.delivered, 2);
  assert.equal(fake.shutdownCalls, 1);
  tracker.track({ eventType: "llm_call" });
  const after = tracker.stats();
  assert.equal(after.dropped.shutdown_timeout, 1, "events after shutdown are counted, not sent");
  assert.ok(identityHolds(after));
});

test("module-level flush, stats and shutdown act on the default tracker", async () => {
  const fake = fakeExporter();
  const { tracker } = quietInit({ exporters: [fake] });
  agentlens.startSession();
  await agentlens.flush();
  assert.deepEqual(agentlens.stats().delivered, tracker.stats().delivered);
  const final = await agentlens.shutdown();
  assert.equal(final.delivered, 1);
});

test("an option track() does not read is a warning naming it, with the option meant; the early calls only", async () => {
  const exporter = fakeExporter();
  const { tracker, warnings } = quietInit({ exporters: [exporter] });
  tracker.startSession({ agentName: "typos" });
  tracker.track({ eventType: "llm_call", model: "gpt-4o", inputData: { prompt: "right" }, tokensIn: 3 });
  assert.deepEqual(warnings.filter((w) => /no option/.test(w)), [], "known options only: no warning");
  tracker.track({ eventType: "llm_call", input: { prompt: "lost" }, tokens_in: 5, myTag: "x" });
  tracker.track({ eventType: "llm_call", input: { prompt: "lost again" } });
  // Names other APIs use (this README once wrote `type`): the option meant, not a prefix match.
  tracker.track({ type: "llm_call", prompt: "p", response: "r", metadata: { a: 1 }, constructor: 1 });
  const typos = warnings.filter((w) => /no option/.test(w));
  assert.deepEqual(typos, [
    'warn: agentlens: track() has no option "input", so its value was not recorded; did you mean "inputData"?',
    'warn: agentlens: track() has no option "tokens_in", so its value was not recorded; did you mean "tokensIn"?',
    'warn: agentlens: track() has no option "myTag", so its value was not recorded; put your own fields in "attributes"',
    'warn: agentlens: track() has no option "type", so its value was not recorded; did you mean "eventType"?',
    'warn: agentlens: track() has no option "prompt", so its value was not recorded; did you mean "inputData"?',
    'warn: agentlens: track() has no option "response", so its value was not recorded; did you mean "outputData"?',
    'warn: agentlens: track() has no option "metadata", so its value was not recorded; did you mean "attributes"?',
    'warn: agentlens: track() has no option "constructor", so its value was not recorded; put your own fields in "attributes"',
  ]);
  // Checked for the first calls only: a later mistake costs no key listing per call.
  for (let i = 0; i < 20; i++) tracker.track({ eventType: "step" });
  tracker.track({ eventType: "llm_call", promt: "late" });
  assert.equal(warnings.filter((w) => /promt/.test(w)).length, 0);
  // Options that throw when listed are survived.
  const { tracker: other, warnings: w2 } = quietInit({ exporters: [fakeExporter()] });
  other.startSession({ agentName: "proxy" });
  const hostile = new Proxy({}, { ownKeys() { throw new Error("no keys"); } });
  assert.equal(typeof other.track(hostile), "string");
  assert.deepEqual(w2.filter((w) => /no option/.test(w)), []);
  await tracker.shutdown(1000);
  await other.shutdown(1000);
});
