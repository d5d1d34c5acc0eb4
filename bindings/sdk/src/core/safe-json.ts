/**
 * Turns any JavaScript value into JSON text without ever throwing.
 *
 * Agent code hands us whatever it has: cycles, BigInt, Symbols, functions, Proxies whose
 * getters throw, 10 MB strings, 10,000-deep nesting, lone UTF-16 surrogates, Dates,
 * Maps, Errors, typed arrays. Each becomes JSON the core can read, with a visible marker
 * where a value could not be kept, and the markers are counted. The core then redacts
 * and truncates; this layer only makes the value representable.
 */

/** Markers written in place of values JSON cannot hold (the core uses the same text). */
export const MARKERS = {
  cycle: "[Circular]",
  nonFinite: "[NonFinite]",
  unsupported: "[Unsupported]",
  maxDepth: "[MaxDepth]",
  threw: "[Threw]",
} as const;

export interface SafeJsonLimits {
  /** Containers deeper than this become `[MaxDepth]`. */
  maxDepth: number;
  /** Strings longer than this many UTF-16 units are cut before crossing into wasm; the
   * core's byte-aware truncation then marks them. Must exceed the core's field limit. */
  maxStringUnits: number;
  /** Keys kept per object and items per array; the rest are summarised. */
  maxBreadth: number;
  /**
   * Values read per conversion. Depth and breadth alone allow 10,000^64 of them (a DAG
   * referring to one object twice per level, or getters answering new objects); past
   * this, containers are written as `[MaxDepth]` (counted as `maxDepth`: the walk's size
   * limit). The default, 50,000, is about as many values as the core keeps of a field
   * (`maxFieldBytes`, 100 kB by default, holds at most 50,000 of the smallest).
   */
  maxNodes: number;
  /** UTF-16 units of strings kept per conversion; later strings are cut (counted as `cutStrings`). */
  maxTotalStringUnits: number;
}

/** Limits for the tracker: far above what the core keeps of an event (512 KiB by default). */
export const DEFAULT_LIMITS: SafeJsonLimits = {
  maxDepth: 64,
  maxStringUnits: 100_000 + 1024,
  maxBreadth: 10_000,
  maxNodes: 50_000,
  maxTotalStringUnits: 16 << 20,
};

/** Counts of markers written, for stats. */
export interface MarkerCounts {
  cycles: number;
  nonFinite: number;
  unsupported: number;
  maxDepth: number;
  threw: number;
  cutStrings: number;
}

export function newMarkerCounts(): MarkerCounts {
  return { cycles: 0, nonFinite: 0, unsupported: 0, maxDepth: 0, threw: 0, cutStrings: 0 };
}

const hasWellFormed = typeof (String.prototype as { toWellFormed?: unknown }).toWellFormed === "function";

function wellFormed(s: string): string {
  if (hasWellFormed) return (s as string & { toWellFormed(): string }).toWellFormed();
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

class Walker {
  private readonly seen = new Set<object>();
  private nodes = 0;
  private units = 0;
  constructor(
    private readonly limits: SafeJsonLimits,
    readonly counts: MarkerCounts,
  ) {}

  str(s: string): string {
    const keep = Math.max(0, Math.min(this.limits.maxStringUnits, this.limits.maxTotalStringUnits - this.units));
    if (s.length > keep) {
      this.counts.cutStrings++;
      s = s.slice(0, keep);
    }
    this.units += s.length;
    return wellFormed(s);
  }

  value(v: unknown, depth: number): unknown {
    this.nodes++;
    switch (typeof v) {
      case "string":
        return this.str(v);
      case "number":
        if (Number.isFinite(v)) return v;
        this.counts.nonFinite++;
        return MARKERS.nonFinite;
      case "boolean":
        return v;
      case "bigint":
        return v.toString();
      case "undefined":
        return null;
      case "symbol":
      case "function":
        this.counts.unsupported++;
        return MARKERS.unsupported;
      case "object":
        return v === null ? null : this.object(v, depth);
      default:
        this.counts.unsupported++;
        return MARKERS.unsupported;
    }
  }

  private object(o: object, depth: number): unknown {
    if (this.seen.has(o)) {
      this.counts.cycles++;
      return MARKERS.cycle;
    }
    if (depth >= this.limits.maxDepth || this.nodes > this.limits.maxNodes) {
      this.counts.maxDepth++;
      return MARKERS.maxDepth;
    }
    this.seen.add(o);
    try {
      return this.container(o, depth + 1);
    } catch {
      this.counts.threw++;
      return MARKERS.threw;
    } finally {
      this.seen.delete(o);
    }
  }

  private container(o: object, depth: number): unknown {
    if (Array.isArray(o)) return this.list(o, depth);
    if (o instanceof Date) {
      const t = o.getTime();
      return Number.isFinite(t) ? o.toISOString() : MARKERS.nonFinite;
    }
    if (o instanceof Error) {
      const out: Record<string, unknown> = { name: this.field(o, "name", depth), message: this.field(o, "message", depth) };
      if (typeof o.stack === "string") out.stack = this.str(o.stack);
      return out;
    }
    if (o instanceof Map) {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      let n = 0;
      for (const [k, val] of o) {
        if (n++ >= this.limits.maxBreadth) break;
        out[typeof k === "string" ? this.str(k) : String(this.value(k, depth))] = this.value(val, depth);
      }
      return out;
    }
    if (o instanceof Set) return this.set(o, depth);
    if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer) return binaryMarker(o);
    if (o instanceof WeakMap || o instanceof WeakSet || o instanceof Promise) {
      this.counts.unsupported++;
      return MARKERS.unsupported;
    }
    const toJSON = (o as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      return this.value(toJSON.call(o), depth);
    }
    return this.plainObject(o, depth);
  }

  /** Own enumerable string keys, listed once (a Proxy's `ownKeys` trap runs once). */
  private plainObject(o: object, depth: number): Record<string, unknown> {
    const keys = listedKeys(o, this.limits.maxBreadth);
    const n = Math.min(keys.length, this.limits.maxBreadth);
    // No prototype: a `__proto__` key is kept as a key, never taken as the prototype.
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (let i = 0; i < n; i++) this.put(out, o, keys[i]!, depth);
    if (keys.length > n) out["…"] = `${keys.length - n} more keys`;
    return out;
  }

  /**
   * The fields of an event the tracker built, each with a node budget of its own (the
   * string budget stays shared): a payload past the budget becomes markers inside
   * itself, and never turns a later field (a tool call, attributes) into a marker the
   * core cannot read as that field, which would lose the whole event as `invalid`.
   */
  eventFields(event: object): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(event)) {
      this.nodes = 0;
      this.put(out, event, key, 1);
    }
    return out;
  }

  /**
   * Writes field `key` of object `o` into `out`, unless it is `undefined`: a field that
   * is `undefined` is left out, as `JSON.stringify` leaves it out (so a value holding one
   * is still plain data, written natively, see `plain`). In a list it is `null`, as there.
   */
  private put(out: Record<string, unknown>, o: object, key: string, depth: number): void {
    const v = this.read(o, key);
    if (v !== undefined) out[this.str(key)] = v === THREW ? MARKERS.threw : this.value(v, depth);
  }

  /** The first `maxBreadth` items of a Set (never a copy of all of it). */
  private set(o: Set<unknown>, depth: number): unknown[] {
    const out: unknown[] = [];
    for (const item of o) {
      if (out.length >= this.limits.maxBreadth) {
        out.push(`… ${o.size - this.limits.maxBreadth} more items`);
        break;
      }
      out.push(this.value(item, depth));
    }
    return out;
  }

  private list(a: readonly unknown[], depth: number): unknown[] {
    const n = Math.min(a.length, this.limits.maxBreadth);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = this.field(a, i, depth);
    if (a.length > n) out.push(`… ${a.length - n} more items`);
    return out;
  }

  private field(o: object, key: string | number, depth: number): unknown {
    const v = this.read(o, key);
    return v === THREW ? MARKERS.threw : this.value(v, depth);
  }

  /** Field `key` of `o`, or {@link THREW} (counted) when reading it threw. */
  private read(o: object, key: string | number): unknown {
    try {
      return (o as Record<string | number, unknown>)[key];
    } catch {
      this.counts.threw++;
      return THREW;
    }
  }
}

/** What {@link Walker.read} answers for a field whose getter threw (no value can be it). */
const THREW = Symbol("threw");

/**
 * Converts `value` to a JSON-safe plain value. Never throws.
 *
 * @example
 * ```ts
 * import { toJsonSafe } from "@agentlens/sdk";
 * const a: any = { n: 1n };
 * a.self = a;
 * toJsonSafe(a); // { n: "1", self: "[Circular]" }
 * ```
 */
export function toJsonSafe(value: unknown, counts = newMarkerCounts(), limits = DEFAULT_LIMITS): unknown {
  try {
    return new Walker(limits, counts).value(value, 0);
  } catch {
    counts.threw++;
    return MARKERS.threw;
  }
}

const hasIsWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function";
const surrogate = /[\uD800-\uDFFF]/;

/** A string the walker would keep as it is: not cut, no lone surrogate. */
function plainString(s: string, limits: SafeJsonLimits): boolean {
  if (s.length > limits.maxStringUnits) return false;
  return hasIsWellFormed ? (s as string & { isWellFormed(): boolean }).isWellFormed() : !surrogate.test(s);
}

/**
 * Objects with more keys than `maxBreadth`, and their keys, until the current task's
 * microtasks run. Listing keys is the one cost that grows with what an object claims
 * rather than with what is kept: V8 takes ~0.5 s to list a Proxy claiming a million keys
 * (`Reflect.ownKeys` alone), ~1 s with `Object.keys`, which asks the Proxy about each key.
 * One `track()` converts a value given as several fields in several conversions (the plain
 * check, the walker, each field's own reading); such an object is listed once for all of
 * them. Almost always empty; at most {@link WIDE_HELD} listings are held, and none past
 * the task that made them (an object that gains keys later in the same task is read with
 * the keys it had when listed).
 */
const wide = new Map<object, string[]>();
const WIDE_HELD = 8;

/** `Object.keys(o)`, listed once per task when there are more than `breadth`. */
export function listedKeys(o: object, breadth = DEFAULT_LIMITS.maxBreadth): string[] {
  const known = wide.size > 0 ? wide.get(o) : undefined;
  if (known !== undefined) return known;
  const keys = Object.keys(o);
  if (keys.length > breadth) {
    if (wide.size === 0) queueMicrotask(() => wide.clear());
    else if (wide.size >= WIDE_HELD) wide.clear(); // the microtask already queued still runs
    wide.set(o, keys);
  }
  return keys;
}

/** The containers on the path to the value being checked, for cycles (at most `maxDepth`). */
const path: object[] = [];

/** What the check of one value has read so far, against `maxTotalStringUnits` and {@link PLAIN_MAX_NODES}. */
const spent = { nodes: 0, units: 0 };

/**
 * Values the plain check reads before it leaves a value to the walker: most events hold
 * far fewer, and a value past it (a DAG, getters answering new objects) is then read
 * once by the walker within `maxNodes`, not twice.
 */
const PLAIN_MAX_NODES = 20_000;

/**
 * Whether `JSON.stringify(v)` writes exactly what the walker would: only strings (kept
 * whole, well-formed), finite numbers, booleans, `null`, `undefined` (left out of an
 * object, `null` in a list, by both), arrays and plain objects (no
 * `toJSON`, no `__proto__` key), within the depth and breadth limits, no cycle, no
 * getter that throws. Reads each value once and allocates nothing; any doubt is `false`
 * and the walker takes over (a value whose getters answer differently on the next read
 * may then be written as `JSON.stringify` writes it, still valid JSON, never a throw).
 */
function plain(v: unknown, depth: number, limits: SafeJsonLimits): boolean {
  if (++spent.nodes > Math.min(limits.maxNodes, PLAIN_MAX_NODES)) return false;
  switch (typeof v) {
    case "string":
      spent.units += v.length;
      return spent.units <= limits.maxTotalStringUnits && plainString(v, limits);
    case "number":
      return Number.isFinite(v);
    case "boolean":
      return true;
    case "undefined":
      // Left out of an object, `null` in a list: what the walker writes too.
      return true;
    case "object":
      return v === null || plainContainer(v, depth, limits);
    default:
      return false;
  }
}

function plainContainer(o: object, depth: number, limits: SafeJsonLimits): boolean {
  if (depth >= limits.maxDepth || path.includes(o)) return false;
  const proto = Object.getPrototypeOf(o);
  if (typeof (o as { toJSON?: unknown }).toJSON === "function") return false;
  path.push(o);
  try {
    if (proto === Array.prototype) {
      const a = o as unknown[];
      if (!Array.isArray(a) || a.length > limits.maxBreadth) return false;
      for (let i = 0; i < a.length; i++) if (!plain(a[i], depth + 1, limits)) return false;
      return true;
    }
    if (proto !== Object.prototype && proto !== null) return false;
    const keys = listedKeys(o, limits.maxBreadth);
    if (keys.length > limits.maxBreadth) return false;
    for (const key of keys) {
      spent.units += key.length;
      if (key === "__proto__" || spent.units > limits.maxTotalStringUnits || !plainString(key, limits)) return false;
      if (!plain((o as Record<string, unknown>)[key], depth + 1, limits)) return false;
    }
    return true;
  } finally {
    path.pop();
  }
}

/**
 * `[Uint8Array 1024 bytes]`: binary data as AgentLens writes it in JSON. (`JSON.stringify`
 * would first list a key per byte: 100 million strings for 100 MB.)
 */
export function binaryMarker(v: ArrayBufferView | ArrayBuffer): string {
  return `[${Object.prototype.toString.call(v).slice(8, -1)} ${v.byteLength} bytes]`;
}

/** Plain data (most values are) checked without a copy and written natively; else `undefined`. */
function plainJson(value: unknown, limits: SafeJsonLimits): string | undefined {
  spent.nodes = 0;
  spent.units = 0;
  try {
    return plain(value, 0, limits) ? JSON.stringify(value) : undefined;
  } catch {
    return undefined; // `path` is balanced: every push is popped in a `finally`
  }
}

/**
 * Whether {@link safeStringify} writes `value` natively (`JSON.stringify` after the plain
 * check), not through the walker. The integrations' tests check their records with it.
 */
export function isPlainJson(value: unknown, limits = DEFAULT_LIMITS): boolean {
  return plainJson(value, limits) !== undefined;
}

/** `JSON.stringify(toJsonSafe(value))`. Never throws. */
export function safeStringify(value: unknown, counts = newMarkerCounts(), limits = DEFAULT_LIMITS): string {
  try {
    const json = plainJson(value, limits);
    if (json !== undefined) return json;
    return JSON.stringify(toJsonSafe(value, counts, limits)) ?? "null";
  } catch {
    counts.threw++;
    return JSON.stringify(MARKERS.threw);
  }
}

/**
 * The JSON text of one event the tracker built (an object with its own string keys):
 * {@link safeStringify}, with a node budget per field (see `Walker.eventFields`). Never throws.
 */
export function eventJson(event: object, counts = newMarkerCounts(), limits = DEFAULT_LIMITS): string {
  try {
    const json = plainJson(event, limits);
    if (json !== undefined) return json;
    return JSON.stringify(new Walker(limits, counts).eventFields(event));
  } catch {
    counts.threw++;
    return JSON.stringify(MARKERS.threw);
  }
}
