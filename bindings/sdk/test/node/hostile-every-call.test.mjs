// Issue 17, "Hostile input and secrets": every class of hostile-zoo.mjs (54 of them, at the
// short sizes) through every public function of the SDK (hostile-calls.mjs: the tracker,
// trace.run and every ctx method, the wrappers, init's options, the exporters' factories,
// the low-level exports, every function of @agentlens/sdk/analysis, each integration's
// callbacks). Tracking calls never throw and the tracker keeps delivering afterwards, its
// accounting balanced; every other call throws only the named errors it documents, never
// a wasm trap, a RangeError, a TypeError or an untyped error. Cost is checked by counting
// what a call reads (never by a clock): see the tests at the end. The long run, at the
// issue's sizes and with timings, is `node scripts/hostile.mjs`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { init, DEFAULT_LIMITS } from "@agentlens/sdk";
import { sessionCost, importTrace } from "@agentlens/sdk/analysis";
import { hostileClasses } from "./hostile-zoo.mjs";
import { runClass, runInitOptions } from "./hostile-run.mjs";

const classes = hostileClasses("short");

test("the zoo holds at least 30 classes of hostile values", () => {
  assert.ok(classes.length >= 30, `${classes.length} classes`);
});

for (const [name, make] of classes) {
  test(`hostile class "${name}" through every public call: tracking never throws and keeps delivering, the rest throw only named errors`, async () => {
    const { results, tracking } = await runClass(make);
    results.push(...(await runInitOptions(make)));
    const failed = results.filter((r) => r.kind !== "ok" && r.kind !== "named").map((r) => `${r.group} ${r.call}: ${r.kind} ${r.message ?? ""}`);
    assert.deepEqual(failed, [], `${failed.length} of ${results.length} calls failed`);
    assert.ok(results.length >= 180, `${results.length} calls`);
    assert.equal(tracking.delivered, true, "an event tracked after the hostile calls is delivered");
    assert.equal(tracking.balanced, true, "tracked = delivered + dropped + sampledOut + pending");
    assert.equal(tracking.pending, 0);
  });
}

/** A Proxy over `target` counting each trap it runs. */
function counting(target) {
  const counts = { get: 0, has: 0, ownKeys: 0, getOwnPropertyDescriptor: 0 };
  const proxy = new Proxy(target, {
    get: (t, k, r) => (counts.get++, Reflect.get(t, k, r)),
    has: (t, k) => (counts.has++, Reflect.has(t, k)),
    ownKeys: (t) => (counts.ownKeys++, Reflect.ownKeys(t)),
    getOwnPropertyDescriptor: (t, k) => (counts.getOwnPropertyDescriptor++, Reflect.getOwnPropertyDescriptor(t, k)),
  });
  return { proxy, counts };
}

function collecting() {
  const bodies = [];
  const exporter = { name: "collect", format: "agentlens", send: async (r) => (bodies.push(r.body), { status: 200 }) };
  return { tracker: init({ exporters: [exporter], logger: () => {} }), bodies };
}

test("track() reads a sparse array of length 1e9 up to the breadth limit, never to its length", async () => {
  const sparse = [];
  sparse[1e9] = 1;
  const { proxy, counts } = counting(sparse);
  const { tracker } = collecting();
  tracker.track({ eventType: "sparse", inputData: { list: proxy } });
  await tracker.flush();
  assert.ok(counts.get <= DEFAULT_LIMITS.maxBreadth + 16, `${counts.get} reads`);
  const s = tracker.stats();
  assert.equal(s.delivered, s.tracked, "the event (and its session's start) delivered");
});

test("track() lists a million-key object's keys once and reads only the keys it keeps", async () => {
  const big = {};
  for (let i = 0; i < 1_000_000; i++) big[`k${i}`] = i;
  const { proxy, counts } = counting(big);
  const { tracker } = collecting();
  tracker.track({ eventType: "keys", inputData: proxy });
  await tracker.flush();
  assert.ok(counts.ownKeys <= 1, `ownKeys ran ${counts.ownKeys} times`);
  assert.ok(counts.get <= DEFAULT_LIMITS.maxBreadth + 16, `${counts.get} reads`);
  const s = tracker.stats();
  assert.equal(s.delivered, s.tracked, "the event (and its session's start) delivered");
});

test("track() lists a million-key object once however often the event refers to it", async () => {
  const big = {};
  for (let i = 0; i < 1_000_000; i++) big[`k${i}`] = i;
  const { proxy, counts } = counting(big);
  const { tracker } = collecting();
  // Each field is read on its own (ids and names as text, tokens, usage, attributes), then
  // the event as a whole: 13 listings of ~1 s each for a Proxy claiming a million keys.
  const v = proxy;
  tracker.track({ eventType: "keys", model: v, provider: v, toolName: v, tokensIn: v, tokensOut: v, usage: v, attributes: v, inputData: { a: v, b: v, list: [v, { deeper: v }] }, outputData: v });
  await tracker.flush();
  assert.equal(counts.ownKeys, 1, `ownKeys ran ${counts.ownKeys} times`);
  const s = tracker.stats();
  assert.equal(s.delivered, s.tracked, "the event (and its session's start) delivered");
});

test("a payload past the node budget keeps the event: its tool call and attributes stay readable", async () => {
  // Six objects of 10,000 keys: 60,000 values, past the 50,000 a conversion reads. The
  // budget used to run out inside inputData and write the tool call and attributes that
  // came after it as "[MaxDepth]"; the core could not read them, and the event was
  // dropped as invalid.
  const wide = () => Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
  const { tracker, bodies } = collecting();
  tracker.track({
    eventType: "tool_call",
    inputData: Array.from({ length: 6 }, wide),
    toolName: "search",
    toolInput: { q: "fares" },
    attributes: { "app.step": 3 },
  });
  await tracker.flush();
  const s = tracker.stats();
  assert.equal(s.dropped.invalid, 0);
  assert.equal(s.delivered, s.tracked, "the event (and its session's start) delivered");
  const events = bodies.flatMap((b) => JSON.parse(typeof b === "string" ? b : new TextDecoder().decode(b)).events ?? []);
  const event = events.find((e) => e.event_type === "tool_call");
  assert.equal(event.tool_call.tool_name, "search");
  assert.deepEqual(event.tool_call.tool_input, { q: "fares" });
  assert.equal(event.output_data._agentlens.attributes["app.step"], 3, "attributes, where the wire carries them");
  assert.ok(s.markers.maxDepth > 0, "the part of the payload past the budget is counted");
});

test("track() stops a DAG of 2^64 paths and getters answering new objects at the node limit, and counts it", async () => {
  let dag = { leaf: 1 };
  for (let i = 0; i < 64; i++) dag = { left: dag, right: dag };
  let reads = 0;
  const fresh = () => ({
    get a() {
      reads++;
      return fresh();
    },
    get b() {
      reads++;
      return fresh();
    },
  });
  const { tracker } = collecting();
  tracker.track({ eventType: "dag", inputData: dag, outputData: fresh() });
  await tracker.flush();
  assert.ok(reads <= 2 * DEFAULT_LIMITS.maxNodes, `${reads} getter reads`);
  const s = tracker.stats();
  assert.equal(s.delivered, s.tracked, "the event (and its session's start) delivered");
  assert.ok(s.markers.maxDepth > 0);
});

test("the analysis functions refuse an array with holes after sampling it, without reading every index", () => {
  const sparse = [];
  sparse[1e9] = 1;
  const { proxy, counts } = counting(sparse);
  assert.throws(() => sessionCost(proxy), (e) => e.name === "AgentLensAnalysisError" && /holes/.test(e.message));
  assert.ok(counts.get + counts.has <= 200, `${counts.get} reads, ${counts.has} lookups`);
});

test("an analysis error for a bad argument names the argument and never quotes its text", () => {
  assert.throws(() => importTrace(12345), (e) => e.name === "AgentLensAnalysisError" && /bytes must be a Uint8Array \(got 12345\)/.test(e.message));
  const secret = "sk-live-0123456789abcdef0123456789abcdef";
  assert.throws(() => sessionCost(secret), (e) => e.name === "AgentLensDecodeError" && /events must be an array \(got a string\)/.test(e.message) && !e.message.includes(secret));
});
