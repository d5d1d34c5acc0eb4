// safeStringify writes plain data natively (checked first, no copy) and everything else
// through the walker: the text must be the walker's in both cases, and the markers of the
// values the walker replaces must still be counted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_LIMITS, safeStringify, toJsonSafe } from "@agentlens/sdk";

const newMarkerCounts = () => ({ cycles: 0, nonFinite: 0, unsupported: 0, maxDepth: 0, threw: 0, cutStrings: 0 });

const walker = (v, limits = DEFAULT_LIMITS) => JSON.stringify(toJsonSafe(v, newMarkerCounts(), limits)) ?? "null";

function values() {
  const shared = { s: 1 };
  const cyclic = { name: "loop" };
  cyclic.self = cyclic;
  const withGetter = { get g() { return 7; } };
  const throwing = { a: 1, get b() { throw new Error("getter"); } };
  const protoKey = JSON.parse('{"__proto__": {"x": 1}, "y": 2}');
  const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const nullProto = Object.assign(Object.create(null), { a: 1, b: [true, null] });
  class Point { constructor() { this.x = 1; } }
  const withToJson = { a: 1, toJSON: () => "custom" };
  let deep = { leaf: true };
  for (let i = 0; i < 70; i++) deep = { next: deep };
  const wide = Object.fromEntries(Array.from({ length: DEFAULT_LIMITS.maxBreadth + 1 }, (_, i) => [`k${i}`, i]));
  return {
    plainEvent: { event_id: "0123456789abcdef", event_type: "llm_call", input_data: { prompt: "hi", list: [1, 2.5, -0, "x", null, false] }, tokens_in: 12, duration_ms: 812.5 },
    integerKeys: { b: 1, 2: "two", 1: "one", a: [] },
    shared: { a: shared, b: shared, c: [shared, shared] },
    emptyThings: [{}, [], "", 0],
    strings: ["plain", "é ü 漢字 🙂", "quote \" backslash \\ newline \n tab \t"],
    topLevel: ["string", 1, true, null, undefined, NaN, 5n, Symbol("s")],
    cyclic,
    withGetter,
    throwing,
    protoKey,
    holes,
    nullProto,
    classInstance: new Point(),
    withToJson,
    arrayWithToJson: { list: Object.assign([1, 2], { toJSON: () => "custom" }) },
    date: { at: new Date(0), bad: new Date(NaN) },
    nonFinite: { a: NaN, b: Infinity, c: [-Infinity] },
    undefinedField: { a: undefined, b: [undefined] },
    loneSurrogate: { "k\uD800": "v\uDC00" },
    bigint: { n: 1n },
    functions: { f() {}, s: Symbol("s") },
    deep,
    wide,
    collections: { m: new Map([["k", 1]]), s: new Set([1]), e: new TypeError("bad"), t: new Uint8Array(4) },
  };
}

for (const [name, v] of Object.entries(values())) {
  test(`safeStringify writes what the walker writes: ${name}`, () => {
    const inputs = name === "topLevel" || name === "strings" || name === "emptyThings" ? [v, ...v] : [v];
    for (const input of inputs) assert.equal(safeStringify(input), walker(input));
  });
}

test("safeStringify: long strings are cut by the walker, and counted", () => {
  const limits = { ...DEFAULT_LIMITS, maxStringUnits: 8 };
  const counts = newMarkerCounts();
  const v = { short: "12345678", long: "123456789" };
  assert.equal(safeStringify(v, counts, limits), walker(v, limits));
  assert.equal(counts.cutStrings, 1);
  assert.equal(safeStringify({ short: "12345678" }, counts, limits), '{"short":"12345678"}');
  assert.equal(counts.cutStrings, 1, "nothing counted for plain data");
});

test("safeStringify: markers of values the walker replaces are counted, plain data counts nothing", () => {
  const counts = newMarkerCounts();
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  safeStringify({ plain: [1, "x", { y: null }] }, counts);
  assert.deepEqual(counts, newMarkerCounts());
  safeStringify({ cyclic, n: NaN, f() {}, big: 2n, get t() { throw new Error("x"); } }, counts);
  assert.equal(counts.cycles, 1);
  assert.equal(counts.nonFinite, 1);
  assert.equal(counts.unsupported, 1);
  assert.equal(counts.threw, 1);
});

test("safeStringify: a cycle through many shared children gets the walker's markers", () => {
  const node = {};
  for (let i = 0; i < 30; i++) node[`k${i}`] = node;
  const counts = newMarkerCounts();
  assert.equal(safeStringify(node, counts), walker(node));
  assert.equal(counts.cycles, 30);
});

test("safeStringify: a getter answering differently on a second read still gives valid JSON, never a throw", () => {
  let reads = 0;
  const fickle = { get v() { reads++; return reads === 1 ? "fine" : 10n; } };
  const json = safeStringify({ fickle });
  assert.doesNotThrow(() => JSON.parse(json));
});

test("safeStringify: undefined is left out of an object and null in a list, as JSON.stringify writes it, natively and by the walker", () => {
  const v = { a: undefined, b: [undefined, 1], c: { d: undefined, e: 1 } };
  assert.equal(safeStringify(v), '{"b":[null,1],"c":{"e":1}}');
  assert.equal(walker(v), '{"b":[null,1],"c":{"e":1}}');
  // A BigInt beside them sends the value through the walker: the undefined fields still go.
  assert.equal(safeStringify({ ...v, n: 2n }), '{"b":[null,1],"c":{"e":1},"n":"2"}');
  assert.equal(safeStringify(undefined), "null");
});
