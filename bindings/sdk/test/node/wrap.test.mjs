// wrapTool / wrapAgent through the built package: same signature sync or async, calls
// recorded as the AgentLens Python decorators record them, errors rethrown unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { getTracker, init, trace, wrapAgent, wrapTool } from "@agentlens/sdk";
import { decodeWireBody } from "@agentlens/sdk/analysis";

// Wrapped at import time, before init(), as agent code usually does.
const add = wrapTool(function add(a, b) {
  return a + b;
});

test("a function wrapped before init() runs untraced until init()", () => {
  assert.equal(getTracker(), undefined);
  assert.equal(add(2, 3), 5);
});

function setup() {
  const bodies = [];
  const exporter = { name: "fake", format: "agentlens", send: async (r) => (bodies.push(r.body), { status: 200 }) };
  const tracker = init({ exporters: [exporter], logger: () => {} });
  tracker.startSession({ agentName: "wrapped" });
  const events = async () => {
    await tracker.flush();
    return bodies.flatMap((b) => decodeWireBody(b)).filter((e) => e.event_type !== "session_start");
  };
  return { tracker, events };
}

test("a wrapped sync tool returns its result and records tool_call with its input and output where the Python SDK puts them", async () => {
  const { events } = setup();
  assert.equal(add(2, 3), 5);
  const [e] = await events();
  assert.equal(e.event_type, "tool_call");
  assert.equal(e.tool_call.tool_name, "add");
  assert.deepEqual(e.tool_call.tool_input, { args: [2, 3] });
  assert.deepEqual(e.tool_call.tool_output, { result: 5 });
  assert.equal(e.input_data, undefined, "not twice");
  assert.equal(e.output_data, undefined);
  assert.equal(typeof e.duration_ms, "number");
  assert.equal(e.tool_call.duration_ms, e.duration_ms);
});

test("a tool called with one object of named arguments records that object as its input, and both explanations show it", async () => {
  const { tracker, events } = setup();
  tracker.startSession({ agentName: "booker" });
  const book = wrapTool(({ flight, seat }) => ({ booked: flight, seat }), "book_flight");
  assert.deepEqual(book({ flight: "UA 12", seat: "14C" }), { booked: "UA 12", seat: "14C" });
  const e = (await events()).find((x) => x.event_type === "tool_call");
  assert.deepEqual(e.tool_call.tool_input, { flight: "UA 12", seat: "14C" });
  assert.deepEqual(e.tool_call.tool_output, { booked: "UA 12", seat: "14C" });
  const backend = tracker.explain(undefined, "backend");
  assert.match(backend, /The agent called the \*\*book_flight\*\* tool\.\n- \*Input:\* \{"flight":"UA 12","seat":"14C"\}\n- \*Output:\* \{"booked":"UA 12","seat":"14C"\}/);
  assert.match(tracker.explain(), /\*\*tool_call\*\* → tool: book_flight/);
});

test("a wrapped function keeps its name, arity and this", () => {
  setup();
  assert.equal(add.name, "add");
  assert.equal(add.length, 2);
  const counter = { n: 1, bump: wrapTool(function (by) { return (this.n += by); }, "bump") };
  assert.equal(counter.bump(2), 3);
  assert.equal(counter.bump.name, "bump");
});

test("a wrapped async tool resolves to its result and records after it settles", async () => {
  const { events } = setup();
  const search = wrapTool(async (query) => {
    await sleep(5);
    return { hits: [query] };
  }, "web_search");
  const p = search("agents");
  assert.ok(p instanceof Promise);
  assert.deepEqual(await p, { hits: ["agents"] });
  const [e] = await events();
  assert.equal(e.tool_call.tool_name, "web_search");
  assert.deepEqual(e.tool_call.tool_input, { args: ["agents"] });
  assert.deepEqual(e.tool_call.tool_output, { hits: ["agents"] }, "a plain-object result is the output itself");
  assert.ok(e.duration_ms >= 4, `duration ${e.duration_ms}`);
});

test("a sync tool that throws records tool_error with error and error_type and rethrows the same error", async () => {
  const { events } = setup();
  const boom = new TypeError("bad input");
  const broken = wrapTool(() => {
    throw boom;
  }, "broken");
  assert.throws(() => broken("x"), (e) => e === boom);
  const [e] = await events();
  assert.equal(e.event_type, "tool_error");
  assert.deepEqual(e.output_data, { error: "bad input", error_type: "TypeError" });
  assert.deepEqual(e.tool_call.tool_input, { args: ["x"] });
  assert.equal(e.tool_call.tool_output, undefined);
});

test("an async tool that rejects records tool_error and rejects with the same error", async () => {
  const { events } = setup();
  const boom = new Error("timeout");
  const flaky = wrapTool(async () => {
    await sleep(1);
    throw boom;
  }, "flaky");
  await assert.rejects(flaky(), (e) => e === boom);
  const [e] = await events();
  assert.equal(e.event_type, "tool_error");
  assert.equal(e.output_data.error_type, "Error");
});

test("wrapAgent records agent_call and agent_error with the agent's name", async () => {
  const { events } = setup();
  const agent = wrapAgent(async (question) => `answer to ${question}`, "research-agent");
  assert.equal(await agent("q1"), "answer to q1");
  const failing = wrapAgent(function planner() {
    throw new RangeError("no plan");
  });
  assert.throws(() => failing(), RangeError);
  const [ok, bad] = await events();
  assert.equal(ok.event_type, "agent_call");
  assert.equal(ok.agent_name, "research-agent");
  assert.deepEqual(ok.output_data, { result: "answer to q1" });
  assert.equal(bad.event_type, "agent_error");
  assert.equal(bad.agent_name, "planner");
  assert.deepEqual(bad.output_data, { error: "no plan", error_type: "RangeError" });
});

test("wrapped calls inside a run carry the run's id", async () => {
  const { events } = setup();
  let runId;
  await trace.run("with-tools", async (ctx) => {
    runId = ctx.runId;
    add(1, 1);
  });
  const e = (await events()).find((x) => x.event_type === "tool_call");
  assert.equal(e.run_id, runId);
});

test("the tracker's own wrapTool binds to that tracker", async () => {
  const { tracker, events } = setup();
  const double = tracker.wrapTool((x) => x * 2, "double");
  assert.equal(double(21), 42);
  assert.equal((await events())[0].tool_call.tool_name, "double");
});

test("wrapping something that is not a function returns it unchanged", () => {
  setup();
  assert.equal(wrapTool(42), 42);
  assert.equal(wrapAgent(undefined), undefined);
});

test("a wrapped tool's event has the Python SDK's tool_call shape (tests/fixtures/wire/python_sdk_batch.json)", async () => {
  const { readFileSync } = await import("node:fs");
  const fixture = JSON.parse(readFileSync(new URL("../../../../tests/fixtures/wire/python_sdk_batch.json", import.meta.url), "utf8"));
  const python = fixture.events.find((e) => e.event_type === "tool_call");
  const { events } = setup();
  const calc = wrapTool(({ expr }) => ({ result: expr === "2+2" ? 4 : NaN }), "calculator");
  calc({ expr: "2+2" });
  const [ours] = await events();
  assert.deepEqual(Object.keys(ours.tool_call).sort(), Object.keys(python.tool_call).sort());
  for (const key of Object.keys(python)) assert.ok(key in ours, `the event has ${key}`);
  assert.deepEqual(ours.tool_call.tool_input, python.tool_call.tool_input);
  assert.deepEqual(ours.tool_call.tool_output, python.tool_call.tool_output);
  assert.equal(ours.tool_call.tool_name, python.tool_call.tool_name);
});

