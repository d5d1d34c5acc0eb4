/**
 * Argument checks for `@agentlens/sdk/analysis`: a bad argument becomes an
 * `AgentLensAnalysisError` naming it, before anything crosses into wasm. Without them a
 * wasm function given the wrong type traps (`unreachable`, `memory access out of bounds`)
 * or its glue throws a `TypeError`; a sparse array costs as much as its `length`.
 *
 * The two named errors of the entry: `AgentLensDecodeError` when a list argument (events,
 * records, rules, sessions) is not an array or its JSON is not of the shape the engine
 * reads (the core's decoder says where); `AgentLensAnalysisError` for everything else: a
 * value JSON cannot hold, an argument of the wrong type, an engine's own refusal.
 *
 * Conversion only: what a value means is the core's business (it answers
 * `AgentLensAnalysisError` for a bad policy, rule or table); this module only makes sure
 * the core is asked, with text, bytes and finite numbers.
 */

import { binaryMarker } from "../core/safe-json.js";

const ANALYSIS_ERROR = "AgentLensAnalysisError";

/**
 * Values one argument may hold when written as JSON: 2^20, plus 1,024 per item of a list
 * (100,000 events of ~20 values each are 2 million). It stops a value that refers to one
 * object many times (a DAG of 64 levels expands to 2^64 values) after ~0.2 s, where
 * `JSON.stringify` alone would never end.
 */
const MAX_JSON_VALUES = 1 << 20;

/** Values allowed per item of a list argument, on top of {@link MAX_JSON_VALUES}. */
const VALUES_PER_ITEM = 1024;

/** Arrays longer than this are sampled for holes before they are written. */
const SAMPLE_ARRAYS_FROM = 4096;

/** How many indexes of a long array are sampled. */
const HOLE_SAMPLES = 64;

/** An `Error` named `AgentLensAnalysisError` (the core's errors are plain `Error`s with that name too). */
export function analysisError(message: string, cause?: unknown): Error {
  const e = new Error(`agentlens: ${message}`, cause === undefined ? undefined : { cause });
  e.name = ANALYSIS_ERROR;
  return e;
}

/** `v instanceof C`, false when asking throws (a Proxy whose `getPrototypeOf` trap throws). */
function isA(v: unknown, C: abstract new (...args: never[]) => unknown): boolean {
  try {
    return v instanceof C;
  } catch {
    return false;
  }
}

/** A value's kind for a message; never its text (it may be a secret). */
export function kind(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "boolean") return String(v);
  try {
    if (Array.isArray(v)) return "an array";
  } catch {
    return "a revoked proxy";
  }
  if (isA(v, Uint8Array)) return "a Uint8Array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** The name of what was thrown, read without running more hostile code than needed. */
function thrownName(e: unknown): string {
  try {
    return isA(e, Error) ? String((e as Error).name) : typeof e;
  } catch {
    return "a value";
  }
}

/** Whether a long array has holes (sampled: a dense array always passes; a sparse one almost never). */
function holey(a: readonly unknown[]): boolean {
  const n = a.length;
  if (n <= SAMPLE_ARRAYS_FROM) return false;
  const step = Math.floor(n / HOLE_SAMPLES);
  for (let k = 0, i = n - 1; k < HOLE_SAMPLES; k++, i -= step) if (!(i in a)) return true;
  return false;
}

const hasWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function";

/** `s` with each lone surrogate replaced by U+FFFD (the core reads UTF-8: JSON text with one would be refused whole). */
function wellFormed(s: string): string {
  if (hasWellFormed) {
    const w = s as string & { isWellFormed(): boolean; toWellFormed(): string };
    return w.isWellFormed() ? s : w.toWellFormed();
  }
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/**
 * `value` as JSON text for the engines, at a cost proportional to what it holds: an array
 * with holes past 4,096 items, more than 2^20 values (+ 1,024 per one of `items`), a cycle, a BigInt or a throwing
 * getter or `toJSON` throw `AgentLensAnalysisError` naming `arg` (the original error as
 * `cause`). Lone surrogates become U+FFFD; binary data (a typed array, a `DataView`, an
 * `ArrayBuffer`) becomes `"[Uint8Array 1024 bytes]"`, as the tracker writes it.
 */
export function json(arg: string, value: unknown, items = 0): string {
  let count = 0;
  const budget = MAX_JSON_VALUES + VALUES_PER_ITEM * items;
  const replacer = (_key: string, v: unknown): unknown => {
    if (++count > budget) throw analysisError(`${arg} holds more than ${budget} values`);
    if (typeof v === "string") return wellFormed(v);
    if (typeof v !== "object" || v === null) return v;
    if (Array.isArray(v) && holey(v)) throw analysisError(`${arg} holds an array with holes (length ${v.length})`);
    // Binary data is no JSON: written as the tracker writes it (before any budget check,
    // `JSON.stringify` would list a key per byte).
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return binaryMarker(v);
    return v;
  };
  let text: string | undefined;
  try {
    text = JSON.stringify(value, replacer);
  } catch (e) {
    if (isA(e, Error) && (e as Error).name === ANALYSIS_ERROR) throw e;
    throw analysisError(`${arg} cannot be written as JSON (${thrownName(e)})`, e);
  }
  if (text === undefined) throw analysisError(`${arg} cannot be written as JSON (${kind(value)})`);
  return text;
}

/** `v` (an array) as JSON text, as {@link json}; anything but an array is `AgentLensDecodeError`, as the core's decoder answers. */
export function jsonArray(arg: string, v: unknown): string {
  let isArray = false;
  try {
    isArray = Array.isArray(v);
  } catch {
    // A revoked proxy: not an array we can read.
  }
  if (!isArray) {
    const e = analysisError(`${arg} must be an array (got ${kind(v)})`);
    e.name = "AgentLensDecodeError";
    throw e;
  }
  let items: number;
  try {
    items = (v as unknown[]).length;
  } catch (e) {
    throw analysisError(`${arg} could not be read (${thrownName(e)})`, e);
  }
  return json(arg, v, items);
}

/** `v` if it is a string, else `AgentLensAnalysisError`. */
export function text(arg: string, v: unknown): string {
  if (typeof v !== "string") throw analysisError(`${arg} must be a string (got ${kind(v)})`);
  return v;
}

/** `v` if it is a `Uint8Array` (a Node `Buffer` is one), else `AgentLensAnalysisError`. */
export function bytes(arg: string, v: unknown): Uint8Array {
  if (isA(v, Uint8Array)) return v as Uint8Array;
  if (ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === "[object Uint8Array]") return v as Uint8Array;
  throw analysisError(`${arg} must be a Uint8Array (got ${kind(v)})`);
}

/** A trace given as bytes or text: the bytes. */
export function bytesOrText(arg: string, v: unknown): Uint8Array {
  return typeof v === "string" ? new TextEncoder().encode(v) : bytes(arg, v);
}

/** Bounds of a number argument. */
export interface NumberBounds {
  /** Whole numbers only. */
  integer?: boolean;
  min?: number;
  max?: number;
}

/** `v` if it is a finite number within `bounds`, else `AgentLensAnalysisError` naming `arg`. */
export function num(arg: string, v: unknown, bounds: NumberBounds = {}): number {
  const { integer = false, min = -Number.MAX_VALUE, max = Number.MAX_VALUE } = bounds;
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    const what = integer ? "a whole number" : "a finite number";
    const range = bounds.min !== undefined || bounds.max !== undefined ? ` in [${min}, ${max}]` : "";
    throw analysisError(`${arg} must be ${what}${range} (got ${kind(v)})`);
  }
  return v;
}

/** `v` if it is a boolean, `fallback` if it is `undefined`, else `AgentLensAnalysisError`. */
export function bool(arg: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") throw analysisError(`${arg} must be a boolean (got ${kind(v)})`);
  return v;
}

/** A time as epoch milliseconds: a finite number or a valid `Date`; `fallback` when `undefined`. */
export function time(arg: string, v: unknown, fallback: () => number): number {
  if (v === undefined) return fallback();
  if (isA(v, Date)) {
    let t: unknown;
    try {
      t = (v as Date).getTime();
    } catch {
      // Not a real Date (an object whose prototype is Date.prototype): refused below.
    }
    return num(arg, t);
  }
  return num(arg, v);
}

/**
 * Reads an options argument: `undefined` (every option absent) or an object. Returns a
 * reader whose getter throwing becomes `AgentLensAnalysisError` naming the option.
 */
export function options(arg: string, v: unknown): (key: string) => unknown {
  if (v === undefined) return () => undefined;
  if (typeof v !== "object" || v === null) throw analysisError(`${arg} must be an object (got ${kind(v)})`);
  return (key) => {
    try {
      return (v as Record<string, unknown>)[key];
    } catch (e) {
      throw analysisError(`${arg}.${key} could not be read (${thrownName(e)})`, e);
    }
  };
}
