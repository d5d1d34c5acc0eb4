/**
 * Reading the objects agent code hands us, without ever throwing.
 *
 * An options object may be a Proxy whose getters or `ownKeys` throw, a field that should
 * be a string may be a Symbol, a token count may be a BigInt or NaN. These helpers read
 * one property at a time and coerce the few fields whose wire type is fixed (names,
 * durations, flags), counting what they could not read. Token counts are the core's
 * to read (`tokens.ts`). Free-form values
 * (`inputData`, `metadata`, tool arguments, ...) are left as they are: `safeStringify`
 * makes them representable, once, when the event is serialised.
 */
import { MARKERS, toJsonSafe, type MarkerCounts } from "./safe-json.js";

/**
 * `obj[key]` for an option that steers what is recorded (a type, a name, a count), or
 * `undefined` if `obj` is not an object or the getter throws (counted): a throwing
 * getter must not turn into a tool call named `[Threw]`.
 */
export function read(obj: unknown, key: string, counts: MarkerCounts): unknown {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) return undefined;
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    counts.threw++;
    return undefined;
  }
}

/** `obj[key]` for a free-form value (input, output, metadata): a throwing getter leaves the `[Threw]` marker. */
export function readData(obj: unknown, key: string, counts: MarkerCounts): unknown {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) return undefined;
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    counts.threw++;
    return MARKERS.threw;
  }
}

/** Longest id accepted from agent code; the AgentLens backend cuts session ids to 128. */
export const MAX_ID_LENGTH = 128;

/** A session id given by agent code: a string of 1–128 characters, or a number; else `undefined`. */
export function idOf(v: unknown, counts: MarkerCounts): string | undefined {
  // Well-formed, so the id in the Session object is the id on the wire.
  if (typeof v === "string") return v.length > 0 && v.length <= MAX_ID_LENGTH ? (toJsonSafe(v, counts) as string) : undefined;
  if ((typeof v === "number" && Number.isFinite(v)) || typeof v === "bigint") return String(v);
  return undefined;
}

/** The own enumerable string keys of `obj`; none if `ownKeys` throws (counted) or `obj` is a typed array. */
export function keysOf(obj: unknown, counts: MarkerCounts): string[] {
  // A typed array's keys are its byte indexes (100 million for 100 MB): not fields.
  if (obj === null || typeof obj !== "object" || ArrayBuffer.isView(obj)) return [];
  try {
    return Object.keys(obj);
  } catch {
    counts.threw++;
    return [];
  }
}

/**
 * A string for a field the wire types as a string (names, types, messages). Strings pass
 * through; numbers, booleans and BigInts are printed; `null`/`undefined` give `fallback`;
 * anything else becomes its JSON-safe text (a Symbol becomes `[Unsupported]`).
 */
export function text(v: unknown, counts: MarkerCounts, fallback?: string): string | undefined {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
    case "boolean":
    case "bigint":
      return String(v);
    case "undefined":
      return fallback;
    default: {
      if (v === null) return fallback;
      const safe = toJsonSafe(v, counts);
      if (typeof safe === "string") return safe;
      try {
        return JSON.stringify(safe) ?? fallback;
      } catch {
        counts.threw++;
        return MARKERS.threw;
      }
    }
  }
}

/** A duration or other measure: a finite number ≥ 0, else `undefined` (absent on the wire). */
export function measure(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.max(0, n) : undefined;
}

/** A finite number, else `undefined`. */
export function finite(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** A boolean flag: `undefined` stays absent, anything else is its truthiness. */
export function flag(v: unknown): boolean | undefined {
  return v === undefined || v === null ? undefined : Boolean(v);
}

/** A list of strings (alternatives considered); a single value becomes a list of one. */
export function texts(v: unknown, counts: MarkerCounts): string[] {
  if (v === undefined || v === null) return [];
  let items: unknown[];
  try {
    // The first 1,000 read by index: a copy of all of a sparse a[1e9] took 9 s.
    items = Array.isArray(v) ? Array.from({ length: Math.min((v as unknown[]).length, 1000) }, (_, i) => (v as unknown[])[i]) : [v];
  } catch {
    counts.threw++;
    return [MARKERS.threw];
  }
  return items.map((item) => text(item, counts, "") ?? "");
}

/** What agent code threw, described for an `error` section: type, message, stack. */
export interface ThrownInfo {
  errorType: string;
  message: string;
  stack?: string;
}

/** Describes a thrown value (an Error, a string, a Symbol, a hostile Proxy) without throwing. */
export function thrown(e: unknown, counts: MarkerCounts): ThrownInfo {
  let isError = false;
  try {
    isError = e instanceof Error;
  } catch {
    counts.threw++;
  }
  if (!isError) {
    return { errorType: e === null ? "null" : typeof e, message: text(e, counts, String(e === undefined ? "undefined" : "null")) ?? "" };
  }
  const name = text(read(e, "name", counts), counts, "Error") ?? "Error";
  const message = text(read(e, "message", counts), counts, "") ?? "";
  const stack = read(e, "stack", counts);
  return { errorType: name, message, ...(typeof stack === "string" ? { stack } : {}) };
}

/** `v.then` when `v` is a thenable (a getter that throws counts as not thenable). */
export function thenOf(v: unknown): ((onFulfilled: (x: unknown) => unknown, onRejected: (e: unknown) => unknown) => unknown) | undefined {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return undefined;
  try {
    const then = (v as { then?: unknown }).then;
    return typeof then === "function" ? (then as ReturnType<typeof thenOf>) : undefined;
  } catch {
    return undefined;
  }
}
