// The classes of hostile values every public function of @agentlens/sdk is given (issue 17,
// "Hostile input and secrets"): hostile.test.mjs's zoo plus sizes, counts, limits, keys and
// objects that lie. Shared by hostile-every-call.test.mjs (the short run: `scale` "short")
// and scripts/hostile.mjs (the long run: "long", the full sizes).
//
// Each class is `[name, make]`: `make()` builds a fresh value, so that the big ones live
// only while they are used.

const trap = () => {
  throw new Error("trap");
};

/** Sizes per scale: the short run keeps the shapes, the long run the sizes. */
export const SCALES = {
  short: { stringBytes: 1 << 20, keys: 20_000, objects: 20_000, typedBytes: 256 << 10, setItems: 20_000 },
  long: { stringBytes: 50 << 20, keys: 1_000_000, objects: 1_000_000, typedBytes: 100 << 20, setItems: 1_000_000 },
};

/** An object whose every own property is a getter answering a new such object: 2^depth paths. */
function freshGetters() {
  return {
    get a() {
      return freshGetters();
    },
    get b() {
      return freshGetters();
    },
  };
}

/** A DAG: 64 levels, each referring twice to the one below (2^64 paths, 65 objects). */
function sharedDag() {
  let node = { leaf: 1 };
  for (let i = 0; i < 64; i++) node = { left: node, right: node };
  return node;
}

function manyKeys(n) {
  const o = {};
  for (let i = 0; i < n; i++) o[`k${i}`] = i;
  return o;
}

/** A Proxy claiming keys it does not have, twice, beside a non-configurable one it hides. */
function lyingKeys() {
  const target = {};
  Object.defineProperty(target, "fixed", { value: 1, configurable: false, enumerable: true });
  return new Proxy(target, {
    ownKeys: () => ["ghost", "ghost", "length"],
    getOwnPropertyDescriptor: () => ({ value: 1, configurable: true, enumerable: true }),
  });
}

/** A Proxy claiming `n` keys (read one by one through `get`). */
function proxyManyKeys(n) {
  const keys = Array.from({ length: n }, (_, i) => `p${i}`);
  return new Proxy({}, {
    ownKeys: () => keys,
    getOwnPropertyDescriptor: () => ({ value: 1, configurable: true, enumerable: true, writable: true }),
    get: () => 1,
  });
}

function deepArrayOfObjects(n) {
  let v = [{ leaf: true }];
  for (let i = 0; i < n; i++) v = [{ i, next: v }];
  return v;
}

function selfish() {
  const o = { name: "selfish" };
  o.toJSON = () => o;
  o.toString = () => o;
  o.valueOf = () => o;
  return o;
}

function throwingConversions() {
  return { toString: trap, valueOf: trap, toJSON: trap, [Symbol.toPrimitive]: trap };
}

function fnWithProps() {
  const f = function tool() {};
  f.description = "a function with properties";
  f.nested = { a: 1 };
  return f;
}

class Secretive {
  #hidden = "private";
  visible = 1;
  get loud() {
    throw new Error("getter");
  }
  peek() {
    return this.#hidden;
  }
}

/**
 * The hostile classes (54 of them) at a scale (`SCALES` key).
 * @returns {[string, () => unknown][]}
 */
export function hostileClasses(scale = "short") {
  const s = SCALES[scale];
  return [
    ["cyclic object", () => {
      const o = { name: "loop" };
      o.self = o;
      return o;
    }],
    ["cyclic array", () => {
      const a = [1];
      a.push(a);
      return a;
    }],
    ["bigint", () => 12345678901234567890n],
    ["symbol", () => Symbol("s")],
    ["function with properties", fnWithProps],
    ["proxy whose traps throw", () => new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap, getPrototypeOf: trap })],
    ["proxy lying about ownKeys", lyingKeys],
    ["proxy with a million keys", () => proxyManyKeys(s.keys)],
    ["revoked proxy", () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }],
    ["huge string", () => "x".repeat(s.stringBytes)],
    ["lone surrogates", () => "a\uD800b\uDC00c\uD83D"],
    ["lone surrogate keys", () => ({ "\uD800key": 1, ["k\uDFFF"]: "\uDBFF" })],
    ["deep object", () => {
      let d = { leaf: true };
      for (let i = 0; i < 10_000; i++) d = { next: d };
      return d;
    }],
    ["deep array of objects", () => deepArrayOfObjects(10_000)],
    ["huge sparse array", () => {
      const a = [];
      a[1e9] = 1;
      return a;
    }],
    ["array with holes", () => [1, , 3, , , "x"]], // eslint-disable-line no-sparse-arrays
    ["length 1e12", () => ({ length: 1e12, 0: "first" })],
    ["a million keys", () => manyKeys(s.keys)],
    ["a million tiny objects", () => Array.from({ length: s.objects }, (_, i) => ({ i }))],
    ["number as string", () => "12345"],
    ["huge number as string", () => "1e400"],
    ["string as number", () => 42],
    ["negative zero", () => -0],
    ["minus one", () => -1],
    ["NaN", () => NaN],
    ["Infinity", () => Infinity],
    ["-Infinity", () => -Infinity],
    ["max safe integer plus", () => 2 ** 60],
    ["fraction", () => 0.5],
    ["symbol keys", () => ({ [Symbol("k")]: 1, plain: 2 })],
    ["frozen object", () => Object.freeze({ a: Object.freeze([1, 2]) })],
    ["sealed object", () => Object.seal({ event_type: "llm_call", session_id: "s" })],
    ["getters answering new objects", freshGetters],
    ["shared DAG", sharedDag],
    ["class with private fields", () => new Secretive()],
    ["null-prototype object", () => Object.assign(Object.create(null), { event_type: "llm_call", session_id: "s" })],
    ["huge Set", () => new Set(Array.from({ length: s.setItems }, (_, i) => i))],
    ["huge Map", () => new Map(Array.from({ length: s.setItems }, (_, i) => [i, { i }]))],
    ["huge typed array", () => new Uint8Array(s.typedBytes)],
    ["Float64Array with NaN", () => new Float64Array([1.5, NaN, Infinity])],
    ["ArrayBuffer", () => new ArrayBuffer(16)],
    ["Date out of range", () => new Date(8.64e15 + 1)],
    ["Date at the end of time", () => new Date(8.64e15)],
    ["RegExp", () => /a+(b)/giu],
    ["WeakRef", () => new WeakRef({})],
    ["WeakMap", () => new WeakMap()],
    ["Promise", () => Promise.resolve(1)],
    ["toString/valueOf/toJSON throw", throwingConversions],
    ["toJSON/toString answer themselves", selfish],
    ["__proto__ key", () => JSON.parse('{"__proto__":{"polluted":true},"event_type":"llm_call"}')],
    ["Error with throwing getters", () => {
      const e = new Error("fine");
      Object.defineProperty(e, "message", { get: trap });
      Object.defineProperty(e, "name", { get: trap });
      return e;
    }],
    ["undefined", () => undefined],
    ["null", () => null],
    ["boolean", () => true],
  ];
}
