/**
 * The two errors AgentLens ever throws into agent code: using the module-level API
 * before `init()`, and a configuration `init()` refuses. Everything else the package
 * meets (bad values, failing exporters, its own bugs) is counted in `stats()` and
 * logged, never thrown.
 */

/**
 * Thrown by the module-level functions (`track`, `startSession`, ...) when `init()` has
 * not been called, as the AgentLens Python SDK's `RuntimeError`.
 *
 * @example
 * ```ts
 * import { track, AgentLensNotInitializedError } from "@agentlens/sdk";
 * try {
 *   track({ eventType: "llm_call" });
 * } catch (e) {
 *   e instanceof AgentLensNotInitializedError; // true
 *   (e as Error).message; // "Call agentlens.init() before track()"
 * }
 * ```
 */
export class AgentLensNotInitializedError extends Error {
  override name = "AgentLensNotInitializedError";

  /** @param fn The function that was called, as the message names it (`track`). */
  constructor(fn: string) {
    super(`Call agentlens.init() before ${fn}()`);
  }
}

/**
 * A configuration `init()` refuses. The message names the option (`sampleRate`) or the
 * environment variable (`AGENTLENS_SAMPLE_RATE`) and never quotes its value, which may
 * be a secret.
 *
 * The wasm core validates options too and throws plain `Error`s named
 * `AgentLensConfigError`; `instanceof AgentLensConfigError` is true for those as well.
 *
 * @example
 * ```ts
 * import { init, AgentLensConfigError } from "@agentlens/sdk";
 * try {
 *   init({ sampleRate: 2 });
 * } catch (e) {
 *   e instanceof AgentLensConfigError; // true
 *   (e as Error).message; // 'agentlens: option "sampleRate" must be a number in [0, 1] (got 2)'
 * }
 * ```
 */
export class AgentLensConfigError extends Error {
  override name = "AgentLensConfigError";

  /** The option or environment variable at fault. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }

  /** Matches the core's errors too: they are plain `Error`s with this `name`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === "AgentLensConfigError";
  }
}

/** `agentlens: option "x" must be ...`. */
export function optionError(option: string, must: string, ...got: [unknown?]): AgentLensConfigError {
  const suffix = got.length > 0 ? ` (got ${describe(got[0])})` : "";
  return new AgentLensConfigError(option, `agentlens: option "${option}" ${must}${suffix}`);
}

/**
 * A factory's options copied once (own enumerable properties), so that reading them later
 * never runs a getter or Proxy trap again; one that throws is `AgentLensConfigError`
 * ("options could not be read"). Anything but an object is returned as it is, for the
 * factory's own check.
 */
export function optionsSnapshot<T>(o: T): T {
  if (typeof o !== "object" || o === null) return o;
  let keys: string[];
  try {
    // Binary data is refused before its keys are listed: one per byte (minutes for 100 MB).
    if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer) throw optionError("options", "must be an object of options, not binary data");
    if (Array.isArray(o)) return o;
    keys = optionKeys(o);
  } catch (e) {
    throw e instanceof AgentLensConfigError ? e : optionError("options", "could not be read");
  }
  const copy: Record<string, unknown> = {};
  try {
    for (const key of keys) copy[key] = (o as Record<string, unknown>)[key];
  } catch {
    throw optionError("options", "could not be read");
  }
  return copy as T;
}

/** More keys than any object of options has; such an object is refused before a value is read. */
export const MAX_OPTION_KEYS = 1_000;

/**
 * The own enumerable keys of an object of options, at most {@link MAX_OPTION_KEYS}: a
 * Proxy claiming a million keys costs one listing, never a million reads.
 */
export function optionKeys(o: object): string[] {
  let keys: string[];
  try {
    keys = Object.keys(o);
  } catch {
    throw optionError("options", "could not be read");
  }
  if (keys.length > MAX_OPTION_KEYS) throw optionError("options", `has ${keys.length} keys, more than any object of options (at most ${MAX_OPTION_KEYS})`);
  return keys;
}

/** `agentlens: environment variable AGENTLENS_X must be ...`. */
export function envError(variable: string, must: string): AgentLensConfigError {
  return new AgentLensConfigError(variable, `agentlens: environment variable ${variable} ${must}`);
}

/** A value's kind; numbers and booleans as themselves, never a string's text (it may be an API key). */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  try {
    if (Array.isArray(v)) return "an array";
  } catch {
    return "a revoked proxy";
  }
  const t = typeof v;
  return t === "object" ? "an object" : t === "undefined" ? "undefined" : `a ${t}`;
}

/**
 * An analysis the engines refuse: an unknown session, an invalid policy or rule set. The
 * analysis wasm throws plain `Error`s with this `name` too.
 */
export class AgentLensAnalysisError extends Error {
  override name = "AgentLensAnalysisError";

  /** Matches the core's errors too: they are plain `Error`s with this `name`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === "AgentLensAnalysisError";
  }
}
