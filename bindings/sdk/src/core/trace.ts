/**
 * Agent Inspector-style runs: `trace.run(name, fn)` wraps sync or async agent code in a
 * run (`run_start` ... `run_end`) and passes `fn` a `RunContext` to record into.
 *
 * The current run is found through the platform's context store (AsyncLocalStorage on
 * Node, so concurrent async runs each keep their own; a call stack elsewhere), and is
 * always passed to `fn` explicitly as well. Runs nest: a run started inside another
 * records it as `parent_run_id`. The agent's own errors are rethrown unchanged, after a
 * critical `error` event and a `run_end` with status `error`.
 */
import { read, text, thenOf } from "./fields.js";
import type { Recorder } from "./recorder.js";
import { RunContext } from "./run-context.js";
import { SessionRecord } from "./session.js";
import { put } from "./event-fields.js";

/** What `trace.run` takes besides the name and function. */
export interface RunOptions {
  userId?: string;
  /** Default: the enclosing run's session, else the current session, else a new one for this run. */
  sessionId?: string;
  /** Agent Inspector's `agent_type`; kept in `attributes`. */
  agentType?: string;
}

/** Starts a run: picks its session and parent, sends `run_start`. */
function begin(rec: Recorder, name: unknown, options: unknown): RunContext {
  const c = rec.markers;
  const parent = rec.activeContext();
  const runName = text(name, c, "run") || "run";
  const given = rec.givenId(read(options, "sessionId", c));
  let session: SessionRecord;
  let owns = false;
  if (given !== undefined) session = rec.sessionFor(given, undefined);
  else if (parent) session = parent.session;
  else {
    const current = rec.sessions.current();
    // A root run with no session gets its own, named after the run and ended with it.
    owns = !current;
    session = current ?? rec.openSession(runName, undefined, rec.newId(), "implicit", false);
  }
  const userId = text(read(options, "userId", c), c);
  const ctx = new RunContext(rec, rec.newId(), runName, parent?.runId, parent?.traceId ?? rec.newTraceId(), userId, session, owns);
  const fields: Record<string, unknown> = { run_id: ctx.runId, run_name: runName };
  put(fields, "parent_run_id", ctx.parentRunId);
  put(fields, "user_id", userId);
  const agentType = read(options, "agentType", c);
  if (agentType !== undefined && agentType !== null) fields.attributes = { agent_type: text(agentType, c) };
  rec.record(session, "run_start", fields, ctx);
  return ctx;
}

/** A run that records nothing, for when starting one failed inside AgentLens. */
function detached(rec: Recorder, name: unknown): RunContext {
  const session = new SessionRecord("0000000000000000", "default-agent", undefined, new Date(0).toISOString(), "external", { maxEvents: 0, maxChars: 0 });
  const ctx = new RunContext(rec, "0000000000000000", typeof name === "string" ? name : "run", undefined, "0".repeat(32), undefined, session, false);
  ctx.detach();
  return ctx;
}

/** `trace.run` for one tracker (its recorder). See the module docs. */
export function runTraced<R>(rec: Recorder, name: string, fn: (ctx: RunContext) => R, options?: RunOptions): R {
  if (typeof fn !== "function") {
    rec.health.warnOnce("run-not-fn", "agentlens: trace.run() was given something other than a function; nothing ran");
    return undefined as R;
  }
  const ctx = rec.guard("trace.run", () => begin(rec, name, options), undefined) ?? detached(rec, name);
  let result: R;
  try {
    result = rec.contexts.run(ctx, () => fn(ctx));
  } catch (err) {
    ctx.end({ value: err });
    throw err;
  }
  const then = thenOf(result);
  if (then === undefined) {
    ctx.end();
    return result;
  }
  try {
    return (then as PromiseLike<unknown>["then"]).call(
      result,
      (v) => {
        ctx.end();
        return v;
      },
      (err: unknown) => {
        ctx.end({ value: err });
        throw err;
      },
    ) as R;
  } catch (e) {
    rec.health.internal("trace.run", e);
    ctx.end();
    return result;
  }
}
