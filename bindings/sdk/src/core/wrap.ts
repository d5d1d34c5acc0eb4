/**
 * `wrapTool` / `wrapAgent`: a function with the same signature (sync or async) that
 * records each call, as the AgentLens Python decorators do:
 * - `wrapTool`, as `track_tool_call`: `tool_call` with `tool_call.tool_input` (the single
 *   plain-object argument itself, as a tool's named arguments, else `{ args: [...] }`) and
 *   `tool_call.tool_output` (a plain-object result itself, else `{ result }`); or
 *   `tool_error` with the input and `output_data: { error, error_type }`. Both backends'
 *   explanations show the tool's input and output from there.
 * - `wrapAgent`, as `track_agent`: `agent_call` with `input_data: { args }` and
 *   `output_data: { result }`, or `agent_error` with `output_data: { error, error_type }`.
 * After a throw the same error is rethrown.
 *
 * The tracker is looked up at call time, so functions can be wrapped at import time,
 * before `init()`; until then (or after shutdown) they run untraced.
 */
import { thenOf, thrown } from "./fields.js";
import type { Recorder } from "./recorder.js";

type Kind = "tool" | "agent";

/** What the call did: returned `value` or threw `error`. */
type Outcome = { value: unknown } | { error: unknown };

/** Whether `v` is a plain object (`{...}`), which a tool's input or output is shown as itself. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  try {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
    const proto: unknown = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

function toolFields(tracker: Recorder, label: string, args: unknown[], durationMs: number, outcome: Outcome): Record<string, unknown> {
  const call: Record<string, unknown> = {
    tool_call_id: tracker.newId(),
    tool_name: label,
    tool_input: args.length === 1 && isPlainObject(args[0]) ? args[0] : { args },
    timestamp: tracker.isoNow(),
    duration_ms: durationMs,
  };
  const fields: Record<string, unknown> = { tool_call: call, tokens_in: 0, tokens_out: 0, duration_ms: durationMs };
  if ("error" in outcome) {
    const t = thrown(outcome.error, tracker.markers);
    fields.output_data = { error: t.message, error_type: t.errorType };
  } else {
    call.tool_output = isPlainObject(outcome.value) ? outcome.value : { result: outcome.value };
  }
  return fields;
}

function agentFields(tracker: Recorder, label: string, args: unknown[], durationMs: number, outcome: Outcome): Record<string, unknown> {
  let output: Record<string, unknown>;
  if ("error" in outcome) {
    const t = thrown(outcome.error, tracker.markers);
    output = { error: t.message, error_type: t.errorType };
  } else {
    output = { result: outcome.value };
  }
  return { agent_name: label, input_data: { args }, output_data: output, tokens_in: 0, tokens_out: 0, duration_ms: durationMs };
}

function recordCall(tracker: Recorder, kind: Kind, label: string, args: unknown[], startedAt: number, outcome: Outcome): void {
  tracker.guard(kind === "tool" ? "wrapTool" : "wrapAgent", () => {
    const run = tracker.activeContext();
    const session = tracker.sessionFor(undefined, run);
    const durationMs = Math.max(0, tracker.now() - startedAt);
    const fields = (kind === "tool" ? toolFields : agentFields)(tracker, label, args, durationMs, outcome);
    tracker.record(session, `${kind}_${"error" in outcome ? "error" : "call"}`, fields, run);
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
