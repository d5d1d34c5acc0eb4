/**
 * `wrapTool` / `wrapAgent`: a function with the same signature (sync or async) that
 * records each call, as the AgentLens Python decorators `track_tool_call` and
 * `track_agent`: `tool_call`/`agent_call` with `input_data: { args }` and
 * `output_data: { result }`, or `tool_error`/`agent_error` with
 * `output_data: { error, error_type }`, after which the same error is rethrown.
 *
 * The tracker is looked up at call time, so functions can be wrapped at import time,
 * before `init()`; until then (or after shutdown) they run untraced.
 */
import { thenOf, thrown } from "./fields.js";
import type { Recorder } from "./recorder.js";

type Kind = "tool" | "agent";

/** What the call did: returned `value` or threw `error`. */
type Outcome = { value: unknown } | { error: unknown };

function recordCall(tracker: Recorder, kind: Kind, label: string, args: unknown[], startedAt: number, outcome: Outcome): void {
  tracker.guard(kind === "tool" ? "wrapTool" : "wrapAgent", () => {
    const run = tracker.activeContext();
    const session = tracker.sessionFor(undefined, run);
    const durationMs = Math.max(0, tracker.now() - startedAt);
    const failed = "error" in outcome;
    let output: Record<string, unknown>;
    if (failed) {
      const t = thrown(outcome.error, tracker.markers);
      output = { error: t.message, error_type: t.errorType };
    } else {
      output = { result: outcome.value };
    }
    const fields: Record<string, unknown> = { input_data: { args }, output_data: output, tokens_in: 0, tokens_out: 0, duration_ms: durationMs };
    if (kind === "tool") {
      fields.tool_call = { tool_call_id: tracker.newId(), tool_name: label, duration_ms: durationMs };
    } else {
      fields.agent_name = label;
    }
    tracker.record(session, `${kind}_${failed ? "error" : "call"}`, fields, run);
  }, undefined);
}

function nameFor(fn: Function, name: unknown, kind: Kind): string {
  if (typeof name === "string" && name !== "") return name;
  try {
    const own: unknown = fn.name;
    if (typeof own === "string" && own !== "") return own;
  } catch {
    // A hostile function object; the default will do.
  }
  return kind === "tool" ? "anonymous_tool" : "anonymous_agent";
}

/**
 * @internal The wrapper behind `wrapTool`/`wrapAgent`. `tracker()` is called at each call.
 */
export function wrapCall<F extends (...args: never[]) => unknown>(tracker: () => Recorder | undefined, kind: Kind, fn: F, name?: string): F {
  if (typeof fn !== "function") return fn;
  const label = nameFor(fn, name, kind);
  const original = fn as unknown as (...args: unknown[]) => unknown;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    let t: Recorder | undefined;
    try {
      t = tracker();
    } catch {
      t = undefined;
    }
    if (!t) return original.apply(this, args);
    const startedAt = t.now();
    let result: unknown;
    try {
      result = original.apply(this, args);
    } catch (error) {
      recordCall(t, kind, label, args, startedAt, { error });
      throw error;
    }
    const then = thenOf(result);
    if (then === undefined) {
      recordCall(t, kind, label, args, startedAt, { value: result });
      return result;
    }
    const tr = t;
    try {
      return (then as PromiseLike<unknown>["then"]).call(
        result,
        (value) => {
          recordCall(tr, kind, label, args, startedAt, { value });
          return value;
        },
        (error: unknown) => {
          recordCall(tr, kind, label, args, startedAt, { error });
          throw error;
        },
      );
    } catch (e) {
      tr.health.internal(kind === "tool" ? "wrapTool" : "wrapAgent", e);
      return result;
    }
  };
  try {
    Object.defineProperty(wrapped, "name", { value: label, configurable: true });
    Object.defineProperty(wrapped, "length", { value: fn.length, configurable: true });
  } catch {
    // Cosmetic only.
  }
  return wrapped as unknown as F;
}
