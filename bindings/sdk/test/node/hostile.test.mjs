// Hostile values into every call of the built package: cycles, BigInt, Symbol, functions,
// Proxies whose traps throw, revoked Proxies, 10 MB strings, 10,000-deep nesting, lone
// surrogates, Dates, Maps, Sets, Errors, typed arrays, undefined, NaN and Infinity. Nothing
// may throw into agent code, every event must still be delivered as valid JSON, the
// markers must be counted, and the accounting must balance.
import { test } from "node:test";
import assert from "node:assert/strict";
import { init, trace, wrapAgent, wrapTool } from "@agentlens/sdk";
import { decodeWireBody } from "@agentlens/sdk/analysis";

function zoo() {
  const cyclic = { name: "loop" };
  cyclic.self = cyclic;
  const cyclicList = [1];
  cyclicList.push(cyclicList);
  const trap = () => {
    throw new Error("trap");
  };
  const allTraps = new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap, getPrototypeOf: trap });
  const getterTraps = new Proxy({ a: 1, b: 2 }, { get: trap });
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  let deep = { leaf: true };
  for (let i = 0; i < 10_000; i++) deep = { next: deep };
  let deepList = ["leaf"];
  for (let i = 0; i < 10_000; i++) deepList = [deepList];
  const hostileError = new Error("fine");
  Object.defineProperty(hostileError, "message", { get: trap });
  Object.defineProperty(hostileError, "name", { get: trap });
  class Secretive {
    #hidden = 1;
    get loud() {
      throw new Error("getter");
    }
  }
  return {
    cyclic,
    cyclicList,
    bigint: 12345678901234567890n,
    symbol: Symbol("s"),
    fn: function named() {},
    allTraps,
    getterTraps,
    revoked,
    tenMegabytes: "x".repeat(10 * 1024 * 1024),
    deep,
    deepList,
    lone: "a\uD800b\uDC00c\uD83D",
    date: new Date(0),
    invalidDate: new Date(NaN),
    map: new Map([["k", { v: 1 }], [{ objectKey: 1 }, cyclic]]),
    set: new Set([1, "two", cyclic]),
    error: new TypeError("bad"),
    hostileError,
    typed: new Float64Array([1.5, NaN]),
    buffer: new ArrayBuffer(16),
    undef: undefined,
    nan: NaN,
    inf: Infinity,
    negInf: -Infinity,
    instance: new Secretive(),
    toJsonThrows: { toJSON: trap },
    weak: new WeakMap(),
    nullish: null,
  };
}

/** Calls every API entry point with `v` in every field; returns what a wrapped tool threw. */
async function everyCall(tracker, v) {
  const session = tracker.startSession({ agentName: v, metadata: v, sessionId: v });
  tracker.startSession(v);
  const all = {
    eventType: v, inputData: v, outputData: v, model: v, tokensIn: v, tokensOut: v, cachedInputTokens: v, reasoningTokens: v,
    reasoning: v, alternatives: v, confidence: v, toolName: v, toolInput: v, toolOutput: v, durationMs: v, attributes: v,
  };
  assert.equal(typeof tracker.track(all), "string");
  tracker.track({ ...all, sessionId: v });
  tracker.track(v);
  tracker.trackTool({ toolName: v, toolInput: v, toolOutput: v, durationMs: v, sessionId: v });
  tracker.trackTool(v);
  const ranValue = await tracker.run(v, async (ctx) => {
    ctx.llm({ model: v, prompt: v, response: v, tokensIn: v, tokensOut: v, durationMs: v, temperature: v, maxTokens: v });
    ctx.llm(v);
    ctx.tool({ toolName: v, toolArgs: v, toolResult: v, durationMs: v });
    ctx.tool(v);
    ctx.memoryRead({ key: v, value: v, memoryType: v });
    ctx.memoryWrite({ key: v, value: v, memoryType: v, overwrite: v });
    ctx.memoryWrite(v);
    ctx.error({ errorType: v, message: v, critical: v, stackTrace: v });
    ctx.error(v);
    ctx.final({ answer: v });
    ctx.final(v);
    ctx.emit(v, v);
    ctx.emit("custom_event", { inputData: v, outputData: v, extra: v, attributes: v, status: v, tokensIn: v });
    trace.llm({ model: v, prompt: v });
    trace.emit(v, { value: v });
    tracker.track({ eventType: "inside", inputData: v });
    await tracker.run("nested", (inner) => inner.tool({ toolName: "t", toolArgs: v }), v);
    // Boxed: an async function resolving with a Proxy would read its `then` (JS, not us).
    return [v];
  }, v);
  assert.equal(ranValue[0], v, "trace.run returns fn's value unchanged");
  assert.equal(tracker.run("sync", () => v), v);
  const echo = wrapTool((a, b) => [a, b, v], "echo");
  const echoed = echo(v, v);
  assert.equal(echoed[2], v);
  const syncAgent = wrapAgent((a) => a, v);
  assert.equal(syncAgent(v), v);
  const asyncAgent = wrapAgent(async (a) => [a], v);
  assert.equal((await asyncAgent(v))[0], v);
  const thrower = wrapTool(() => {
    throw v;
  }, v);
  let caught = "nothing";
  try {
    thrower(v);
  } catch (e) {
    caught = e;
  }
  assert.equal(typeof tracker.explain(v), "string");
  assert.equal(typeof tracker.explain(), "string");
  assert.equal(typeof tracker.explain(session.sessionId), "string");
  await tracker.endSession(v);
  await tracker.endSession(session.sessionId);
  return { caught };
}

function setup() {
  const bodies = [];
  const warnings = [];
  const exporter = { name: "fake", format: "agentlens", send: async (r) => (bodies.push(r.body), { status: 200 }) };
  const ndjson = { name: "ndjson", format: "ndjson", send: async (r) => (bodies.push(null), { status: 200 }) };
  const tracker = init({ exporters: [exporter, ndjson], logger: (_, m) => warnings.push(m), batchSize: 50 });
  return { tracker, bodies: () => bodies.filter(Boolean), warnings };
}

const droppedTotal = (s) => Object.values(s.dropped).reduce((a, b) => a + b, 0);

for (const [name, value] of Object.entries(zoo())) {
  test(`hostile value "${name}" in every call: nothing throws, every event is delivered as valid JSON, accounting balances`, async () => {
    const { tracker, bodies } = setup();
    const { caught } = await everyCall(tracker, value);
    if (name === "nan") assert.ok(Number.isNaN(caught));
    else assert.equal(caught, value, "a wrapped tool's throw is rethrown as the same value");
    await tracker.flush();
    const s = tracker.stats();
    assert.equal(s.internalErrors, 0, "no failure inside AgentLens");
    assert.equal(s.dropped.invalid, 0, "every event was readable by the core");
    assert.equal(s.pending, 0);
    assert.equal(s.tracked, s.delivered + droppedTotal(s) + s.sampledOut + s.pending);
    assert.equal(s.delivered, s.tracked, "every event delivered, to both exporters");
    let events = 0;
    for (const body of bodies()) {
      JSON.parse(new TextDecoder().decode(body));
      events += decodeWireBody(body).length;
    }
    assert.equal(events, s.perExporter[0].delivered);
    assert.ok(events >= 30, `${events} events`);
  });
}

test("markers for every kind of unrepresentable value are counted in stats", async () => {
  const { tracker } = setup();
  const z = zoo();
  tracker.startSession({ agentName: "zoo", metadata: z });
  tracker.track({ inputData: z, outputData: [z.deep, z.deepList] });
  await tracker.flush();
  const { markers } = tracker.stats();
  for (const kind of ["cycles", "nonFinite", "unsupported", "maxDepth", "threw", "cutStrings"]) {
    assert.ok(markers[kind] > 0, `${kind}: ${JSON.stringify(markers)}`);
  }
});

test("hostile values reach the wire as markers, and the rest of the event survives", async () => {
  const { tracker, bodies } = setup();
  const z = zoo();
  tracker.startSession({ agentName: "wire" });
  const id = tracker.track({
    eventType: "llm_call",
    model: "gpt-4o",
    tokensIn: 12n,
    tokensOut: NaN,
    inputData: { cyclic: z.cyclic, symbol: z.symbol, fn: z.fn, big: z.bigint, lone: z.lone, date: z.date, bad: z.invalidDate, map: z.map, traps: z.getterTraps },
    outputData: { error: z.error, typed: z.typed, set: z.set, undef: z.undef, inf: z.inf },
  });
  await tracker.flush();
  const e = bodies().flatMap((b) => decodeWireBody(b)).find((x) => x.event_id === id);
  assert.equal(e.model, "gpt-4o");
  assert.equal(e.tokens_in, 12, "BigInt token counts are read");
  assert.equal(e.tokens_out, 0, "NaN token counts become 0, as the backend does");
  assert.deepEqual(e.input_data.cyclic, { name: "loop", self: "[Circular]" });
  assert.equal(e.input_data.symbol, "[Unsupported]");
  assert.equal(e.input_data.fn, "[Unsupported]");
  assert.equal(e.input_data.big, "12345678901234567890");
  assert.equal(e.input_data.lone, "a\uFFFDb\uFFFDc\uFFFD");
  assert.equal(e.input_data.date, "1970-01-01T00:00:00.000Z");
  assert.equal(e.input_data.bad, "[NonFinite]");
  assert.equal(e.input_data.traps, "[Threw]", "a Proxy whose get trap throws becomes the marker");
  assert.deepEqual(e.output_data.error.name, "TypeError");
  assert.equal(e.output_data.typed, "[Float64Array 16 bytes]");
  assert.equal("undef" in e.output_data, false, "an undefined field is left out, as JSON.stringify leaves it out");
  assert.equal(e.output_data.inf, "[NonFinite]");
});

test("a 10 MB string is cut to the core's field limit and the event still fits a request", async () => {
  const { tracker, bodies } = setup();
  tracker.startSession({ agentName: "big" });
  const id = tracker.track({ eventType: "llm_call", inputData: { prompt: "y".repeat(10 * 1024 * 1024) } });
  await tracker.flush();
  const e = bodies().flatMap((b) => decodeWireBody(b)).find((x) => x.event_id === id);
  assert.ok(e.input_data.prompt.length < 200 * 1024, `kept ${e.input_data.prompt.length}`);
  assert.match(e.input_data.prompt, /truncated/);
  assert.ok(tracker.stats().redaction.fieldsTruncated >= 1);
});

test("an options object whose every trap throws still records an event with defaults", async () => {
  const { tracker, bodies } = setup();
  const trap = () => {
    throw new Error("trap");
  };
  const p = new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap });
  const s = tracker.startSession(p);
  assert.equal(s.agentName, "default-agent");
  const id = tracker.track(p);
  await tracker.flush();
  const e = bodies().flatMap((b) => decodeWireBody(b)).find((x) => x.event_id === id);
  assert.equal(e.event_type, "generic");
  assert.equal(e.tool_call, undefined, "a throwing getter is not a tool name");
  assert.equal(e.decision_trace, undefined);
  assert.ok(tracker.stats().markers.threw > 0);
});
