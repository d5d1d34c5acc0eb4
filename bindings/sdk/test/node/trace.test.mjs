// Agent Inspector-style runs (seed 003, reference C.1/C.2) through the built package:
// nesting, concurrency under AsyncLocalStorage, errors rethrown unchanged, the context's
// event methods, and the module-level `trace` conveniences.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { AgentLensNotInitializedError, getActiveContext, init, trace } from "@agentlens/sdk";
import { decodeWireBody } from "@agentlens/sdk/analysis";

const HEX16 = /^[0-9a-f]{16}$/;

// Before any init() in this process.
test("trace.run before init() throws AgentLensNotInitializedError and the conveniences are no-ops", () => {
  assert.throws(() => trace.run("x", () => 1), (e) => e instanceof AgentLensNotInitializedError && e.message === "Call agentlens.init() before trace.run()");
  assert.equal(trace.llm({ model: "m" }), undefined);
  assert.equal(getActiveContext(), undefined);
});

function setup(options = {}) {
  const bodies = [];
  const warnings = [];
  const exporter = { name: "fake", format: "agentlens", send: async (r) => (bodies.push(r.body), { status: 200 }) };
  const tracker = init({ exporters: [exporter], logger: (_, m) => warnings.push(m), ...options });
  const events = async () => {
    await tracker.flush();
    return bodies.flatMap((b) => decodeWireBody(b));
  };
  return { tracker, events, warnings };
}

test("a run sends run_start and run_end with its name, user, ids and duration, and returns fn's result", async () => {
  const { events } = setup();
  const result = trace.run("flight_search", (ctx) => {
    assert.match(ctx.runId, HEX16);
    return 42;
  }, { userId: "user123", agentType: "planner" });
  assert.equal(result, 42);
  const all = await events();
  const start = all.find((e) => e.event_type === "run_start");
  const end = all.find((e) => e.event_type === "run_end");
  assert.equal(start.run_name, "flight_search");
  assert.equal(start.user_id, "user123");
  assert.match(start.run_id, HEX16);
  assert.match(start.trace_id, /^[0-9a-f]{32}$/);
  assert.deepEqual(start.attributes, { agent_type: "planner" });
  assert.equal(start.parent_run_id, undefined);
  assert.equal(end.run_id, start.run_id);
  assert.equal(end.status, "completed");
  assert.equal(typeof end.duration_ms, "number");
});

test("a root run with no session opens its own, named after the run, and ends it with the run", async () => {
  const { events } = setup();
  trace.run("standalone", () => {});
  const all = await events();
  assert.deepEqual(all.map((e) => e.event_type), ["session_start", "run_start", "run_end", "session_end"]);
  assert.equal(all[0].agent_name, "standalone");
  assert.ok(all.every((e) => e.session_id === all[0].session_id));
});

test("a run joins the current session, or the session it is given", async () => {
  const { tracker, events } = setup();
  const s = tracker.startSession({ agentName: "a" });
  trace.run("in-current", () => {});
  trace.run("in-given", () => {}, { sessionId: "booking_456" });
  const all = await events();
  const starts = all.filter((e) => e.event_type === "run_start");
  assert.equal(starts[0].session_id, s.sessionId);
  assert.equal(starts[1].session_id, "booking_456");
  assert.equal(all.filter((e) => e.event_type === "session_end").length, 0, "sessions the run did not open stay open");
});

test("nested runs record their parent's run id and share its trace id and session", async () => {
  const { events } = setup();
  let outerId;
  let innerId;
  await trace.run("planning_agent", async (outer) => {
    outerId = outer.runId;
    await trace.run("booking_agent", async (inner) => {
      innerId = inner.runId;
      assert.equal(inner.parentRunId, outer.runId);
      assert.equal(getActiveContext(), inner);
      trace.tool({ toolName: "book_flight", toolArgs: { flight_id: "UA123" }, toolResult: { status: "confirmed" } });
    });
    assert.equal(getActiveContext(), outer);
    trace.final({ answer: "booked" });
  });
  const all = await events();
  const inner = all.find((e) => e.event_type === "run_start" && e.run_id === innerId);
  const outer = all.find((e) => e.event_type === "run_start" && e.run_id === outerId);
  assert.equal(inner.parent_run_id, outerId);
  assert.equal(inner.trace_id, outer.trace_id);
  assert.equal(inner.session_id, outer.session_id);
  assert.equal(all.find((e) => e.event_type === "tool_call").run_id, innerId);
  assert.equal(all.find((e) => e.event_type === "final").run_id, outerId);
  const innerEnd = all.find((e) => e.event_type === "run_end" && e.run_id === innerId);
  assert.equal(innerEnd.parent_run_id, outerId);
});

test("concurrent async runs each keep their own run, with awaits interleaved", async () => {
  const { tracker, events } = setup();
  tracker.startSession({ agentName: "gather" });
  const task = (name, delays) =>
    trace.run(name, async (ctx) => {
      for (const [i, ms] of delays.entries()) {
        await sleep(ms);
        assert.equal(getActiveContext(), ctx, `${name} sees its own run after await ${i}`);
        trace.llm({ model: name, prompt: `${name} step ${i}`, response: "ok" });
      }
      return ctx.runId;
    });
  const ids = await Promise.all([task("agent_1", [5, 1, 8]), task("agent_2", [1, 9, 1]), task("agent_3", [3, 3, 3])]);
  assert.equal(new Set(ids).size, 3);
  const all = await events();
  for (const [i, id] of ids.entries()) {
    const llms = all.filter((e) => e.event_type === "llm_call" && e.run_id === id);
    assert.equal(llms.length, 3);
    assert.ok(llms.every((e) => e.model === `agent_${i + 1}`), "every event landed in its own run");
    const start = all.find((e) => e.event_type === "run_start" && e.run_id === id);
    assert.equal(start.parent_run_id, undefined, "concurrent siblings are not nested in each other");
  }
  assert.equal(getActiveContext(), undefined);
});

test("a thrown error is rethrown as the same object and the run ends with status error", async () => {
  const { events } = setup();
  const boom = new TypeError("tool exploded");
  assert.throws(() => trace.run("sync-fails", () => { throw boom; }), (e) => e === boom);
  const rejected = new RangeError("async exploded");
  await assert.rejects(trace.run("async-fails", async () => { await sleep(1); throw rejected; }), (e) => e === rejected);
  const all = await events();
  const ends = all.filter((e) => e.event_type === "run_end");
  assert.deepEqual(ends.map((e) => e.status), ["error", "error"]);
  const errors = all.filter((e) => e.event_type === "error");
  assert.deepEqual(errors.map((e) => [e.error.error_type, e.error.message, e.error.critical]), [["TypeError", "tool exploded", true], ["RangeError", "async exploded", true]]);
});

test("a non-Error thrown value is rethrown unchanged too", () => {
  setup();
  const thrown = { code: 7 };
  assert.throws(() => trace.run("weird", () => { throw thrown; }), (e) => e === thrown);
  assert.throws(() => trace.run("string", () => { throw "plain"; }), (e) => e === "plain");
});

test("ctx.error marks the run failed even when the code recovers", async () => {
  const { events } = setup();
  const out = trace.run("recovers", (ctx) => {
    ctx.error({ errorType: "ConnectionError", message: "Tool failed to connect", critical: false });
    return "fallback";
  });
  assert.equal(out, "fallback");
  const all = await events();
  const err = all.find((e) => e.event_type === "error");
  assert.deepEqual(err.error, { error_type: "ConnectionError", message: "Tool failed to connect", critical: false });
  assert.equal(all.find((e) => e.event_type === "run_end").status, "error");
});

test("ctx methods produce the right wire fields", async () => {
  const { events } = setup();
  const ids = trace.run("all-methods", (ctx) => [
    ctx.llm({ model: "gpt-4", prompt: "Capital of France?", response: "Paris", tokensIn: 12, tokensOut: 3, durationMs: 40, temperature: 0.2 }),
    ctx.tool({ toolName: "search", toolArgs: { query: "capital of France" }, toolResult: "Paris", durationMs: 5 }),
    ctx.memoryRead({ key: "user_preferences", value: { seat: "window" }, memoryType: "key_value" }),
    ctx.memoryWrite({ key: "last_search", value: { query: "SFO to JFK" }, memoryType: "key_value", overwrite: true }),
    ctx.error(new Error("soft failure")),
    ctx.final({ answer: "The capital of France is Paris." }),
    ctx.emit("agent_handoff", { inputData: { from: "triage" }, to: "billing", attributes: { reason: "refund" } }),
  ]);
  assert.ok(ids.every((id) => HEX16.test(id)));
  const all = await events();
  const get = (id) => all.find((e) => e.event_id === id);
  const [llm, tool, read, write, error, final, custom] = ids.map(get);
  assert.equal(llm.event_type, "llm_call");
  assert.deepEqual([llm.model, llm.input_data, llm.output_data, llm.tokens_in, llm.tokens_out, llm.duration_ms], ["gpt-4", { prompt: "Capital of France?" }, { response: "Paris" }, 12, 3, 40]);
  assert.deepEqual(llm.attributes, { temperature: 0.2 });
  assert.equal(tool.tool_call.tool_name, "search");
  assert.deepEqual(tool.tool_call.tool_input, { query: "capital of France" });
  assert.equal(tool.tool_call.tool_output, "Paris");
  assert.equal(tool.duration_ms, 5);
  assert.equal(read.event_type, "memory_read");
  assert.deepEqual(read.memory, { key: "user_preferences", value: { seat: "window" }, memory_type: "key_value" });
  assert.equal(write.event_type, "memory_write");
  assert.deepEqual(write.memory, { key: "last_search", value: { query: "SFO to JFK" }, memory_type: "key_value", overwrite: true });
  assert.equal(error.error.error_type, "Error");
  assert.equal(error.error.message, "soft failure");
  assert.equal(error.error.critical, false);
  assert.match(error.error.stack_trace, /soft failure/);
  assert.equal(final.event_type, "final");
  assert.deepEqual(final.output_data, { answer: "The capital of France is Paris." });
  assert.equal(custom.event_type, "agent_handoff");
  assert.deepEqual(custom.input_data, { from: "triage" });
  assert.deepEqual(custom.attributes, { to: "billing", reason: "refund" });
  for (const e of [llm, tool, read, write, error, final, custom]) assert.equal(e.run_id, llm.run_id);
});

test("LLM tokens inside runs count toward the session's totals", async () => {
  const { tracker, events } = setup();
  const s = tracker.startSession();
  trace.run("r", (ctx) => ctx.llm({ model: "m", tokensIn: 10, tokensOut: 4 }));
  await tracker.endSession();
  assert.equal(s.totalTokensIn, 10);
  const end = (await events()).find((e) => e.event_type === "session_end");
  assert.deepEqual([end.total_tokens_in, end.total_tokens_out], [10, 4]);
});

test("track() inside a run carries the run's id", async () => {
  const { tracker, events } = setup();
  let runId;
  let id;
  trace.run("r", (ctx) => {
    runId = ctx.runId;
    id = tracker.track({ eventType: "llm_call" });
  });
  assert.equal((await events()).find((e) => e.event_id === id).run_id, runId);
});

test("getActiveContext is undefined outside a run and the context is inert after its run ends", async () => {
  const { warnings } = setup();
  assert.equal(getActiveContext(), undefined);
  let saved;
  trace.run("short", (ctx) => {
    saved = ctx;
    assert.equal(getActiveContext(), ctx);
    assert.equal(ctx.isActive, true);
  });
  assert.equal(getActiveContext(), undefined);
  assert.equal(saved.isActive, false);
  assert.equal(saved.llm({ model: "late" }), undefined);
  assert.equal(trace.llm({ model: "outside" }), undefined);
  assert.equal(trace.final({ answer: "outside" }), undefined);
  assert.ok(warnings.some((w) => w.includes("after its run ended")));
});

test("sync and async runs both return fn's value; an async run returns a promise", async () => {
  setup();
  assert.deepEqual(trace.run("sync", () => ({ ok: 1 })), { ok: 1 });
  const p = trace.run("async", async () => "later");
  assert.ok(p instanceof Promise);
  assert.equal(await p, "later");
});

test("sampling is the core's: sampleRate 0 keeps nothing and the accounting says so", async () => {
  const { tracker, events } = setup({ sampleRate: 0 });
  trace.run("unsampled", (ctx) => ctx.llm({ model: "m" }));
  assert.equal((await events()).length, 0);
  const s = tracker.stats();
  assert.equal(s.sampledOut, s.tracked);
});

test("onlyOnError keeps a failed run's events and drops a clean run's", async () => {
  const { tracker, events } = setup({ onlyOnError: true });
  tracker.startSession();
  trace.run("clean", (ctx) => ctx.llm({ model: "clean" }));
  try {
    trace.run("failed", (ctx) => {
      ctx.llm({ model: "failed" });
      throw new Error("x");
    });
  } catch {
    // expected
  }
  const models = (await events()).filter((e) => e.event_type === "llm_call").map((e) => e.model);
  assert.deepEqual(models, ["failed"]);
});
