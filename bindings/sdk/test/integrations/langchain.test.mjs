// @agentlens/sdk/langchain against the real @langchain/core (1.4) and its own test doubles,
// offline: a realistic agent (plan step, two tool calls with one failing, a retriever, a
// streamed sub-chain, a final answer) recorded through AgentLensCallbackHandler and
// delivered to a receiver on 127.0.0.1. What arrives there is asserted: the event tree,
// types, models, tokens (cached and reasoning included, counted once), tool calls, errors,
// redaction of planted secrets; and that flush() waits for delivery.
import { test } from "node:test";
import assert from "node:assert/strict";
import { init } from "@agentlens/sdk";
import { decodeNdjson } from "@agentlens/sdk/analysis";
import { AgentLensCallbackHandler } from "@agentlens/sdk/langchain";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { startReceiver } from "../support/receiver.mjs";
import { buildAgent, PLAN_USAGE, QUESTION, SECRET_EMAIL, SECRET_KEY, SUMMARY_USAGE } from "./fixtures/langchain/agent.mjs";

// Only flush() sends: what the receiver has right after it resolves was waited for.
const quiet = { batchSize: 10_000, flushIntervalMs: 600_000 };

async function setup(t, options = {}) {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const tracker = init({ endpoint: receiver.url, apiKey: "test-key", logLevel: "error", ...quiet });
  t.after(() => tracker.shutdown(2000));
  const handler = new AgentLensCallbackHandler({ tracker, ...options });
  return { receiver, tracker, handler };
}

/** What the receiver got, backend compatibility undone (run fields out of `output_data._agentlens`). */
const received = (receiver) => decodeNdjson(receiver.events().map((e) => JSON.stringify(e)).join("\n")).events;
const byType = (events, type) => events.filter((e) => e.event_type === type);
const runNamed = (events, name) => events.find((e) => e.event_type === "run_start" && e.run_name === name);

test("a realistic agent is recorded as a tree of runs, LLM calls and tool calls, delivered when flush() resolves", async (t) => {
  const { receiver, tracker, handler } = await setup(t);
  const answer = await buildAgent().invoke({ question: QUESTION }, { callbacks: [handler] });
  assert.equal(answer, "Mild and sunny, 21C: a light jacket.");
  assert.equal(await handler.flush(5000), true);
  const events = received(receiver);

  const root = runNamed(events, "weather-agent");
  assert.ok(root, "the agent is a run");
  assert.equal(root.parent_run_id, undefined);
  const session = root.session_id;
  assert.ok(events.every((e) => e.session_id === session), "one session");
  assert.deepEqual(byType(events, "session_start").map((e) => e.agent_name), ["weather-agent"]);
  const plan = runNamed(events, "plan");
  const summarise = runNamed(events, "summarise");
  assert.equal(plan.parent_run_id, root.run_id);
  assert.equal(summarise.parent_run_id, root.run_id);

  const [planCall, summaryCall] = byType(events, "llm_call");
  assert.equal(planCall.run_id, plan.run_id);
  assert.equal(planCall.model, "gpt-5-mini");
  assert.equal(planCall.tokens_in, PLAN_USAGE.input_tokens, "cached tokens are among tokens_in, counted once");
  assert.equal(planCall.tokens_out, PLAN_USAGE.output_tokens);
  assert.equal(planCall.cached_input_tokens, 1000);
  assert.equal(planCall.reasoning_tokens, 200);
  assert.equal(planCall.attributes.cache_creation_input_tokens, 50);
  assert.deepEqual(planCall.output_data.response.tool_calls.map((c) => c.name), ["get_weather", "get_news"]);
  assert.equal(planCall.input_data.prompt[0].role, "system");
  // The streamed summary: usage at the stream's end, counted once (LangChain also copies it into llmOutput).
  assert.equal(summaryCall.run_id, summarise.run_id);
  assert.equal(summaryCall.model, "gpt-5-nano");
  assert.equal(summaryCall.tokens_in, SUMMARY_USAGE.input_tokens);
  assert.equal(summaryCall.tokens_out, SUMMARY_USAGE.output_tokens);
  assert.equal(summaryCall.output_data.response, answer);
  assert.equal(typeof summaryCall.attributes.time_to_first_token_ms, "number");
  // In the stream, the parser's input (the streamed message) is known at its end only.
  const parser = events.find((e) => e.event_type === "run_start" && e.run_name === "StrOutputParser");
  assert.equal(parser.parent_run_id, summarise.run_id);
  assert.equal(parser.input_data, undefined);
  const parserEnd = events.find((e) => e.event_type === "run_end" && e.run_id === parser.run_id);
  assert.equal(parserEnd.input_data.inputs.content, answer);

  const [weather] = byType(events, "tool_call");
  assert.equal(weather.run_id, root.run_id);
  assert.equal(weather.tool_call.tool_name, "get_weather");
  assert.equal(weather.tool_call.tool_call_id, "call_weather");
  assert.equal(weather.tool_call.tool_input.city, "Lisbon");
  assert.deepEqual(weather.tool_call.tool_output, { city: "Lisbon", forecast: "sunny", highC: 21 });
  const [news] = byType(events, "tool_error");
  assert.equal(news.tool_call.tool_name, "get_news");
  assert.equal(news.tool_call.tool_call_id, "call_news");
  assert.equal(news.error.message, "news feed down");
  const [read] = byType(events, "memory_read");
  assert.equal(read.run_id, root.run_id);
  assert.match(read.memory.value[0].page_content, /Lisbon forecasts/);

  // The handled tool failure failed no run; every run that started ended.
  const ends = byType(events, "run_end");
  assert.equal(ends.length, byType(events, "run_start").length);
  assert.ok(ends.every((e) => e.status === "completed"));
  const [end] = byType(events, "session_end");
  assert.equal(end.total_tokens_in, PLAN_USAGE.input_tokens + SUMMARY_USAGE.input_tokens);
  assert.equal(end.total_tokens_out, PLAN_USAGE.output_tokens + SUMMARY_USAGE.output_tokens);

  // Planted secrets (in the prompt and in a tool input) never reach the receiver.
  const wire = receiver.requests.map((r) => r.raw.toString("utf8")).join("\n");
  assert.ok(!wire.includes(SECRET_KEY) && !wire.includes(SECRET_EMAIL), "secrets are redacted");
  assert.match(wire, /\[REDACTED\]/);
  assert.equal(weather.tool_call.tool_input.notify, "[REDACTED]");

  const stats = tracker.stats();
  assert.equal(stats.internalErrors, 0);
  assert.equal(stats.integrationSkipped, 0);
  assert.match(tracker.explain(session), /weather-agent/);
});

test("the handler works given once to a runnable with .withConfig({ callbacks })", async (t) => {
  const { receiver, handler } = await setup(t);
  const agent = buildAgent().withConfig({ callbacks: [handler] });
  await agent.invoke({ question: "Lisbon?" });
  await agent.invoke({ question: "Porto?" });
  await handler.flush(5000);
  const events = received(receiver);
  const roots = events.filter((e) => e.event_type === "run_start" && e.run_name === "weather-agent");
  assert.equal(roots.length, 2);
  assert.notEqual(roots[0].session_id, roots[1].session_id, "each root run has a session of its own");
  assert.equal(byType(events, "llm_call").length, 4);
  assert.equal(byType(events, "session_end").length, 2);
});

test("inside a tracker's session and run, the agent joins them; metadata.session_id and LangGraph's thread_id choose a session", async (t) => {
  const { receiver, tracker, handler } = await setup(t);
  const s = tracker.startSession({ agentName: "host" });
  await tracker.run("outer", (ctx) => buildAgent().invoke({ question: "Lisbon?" }, { callbacks: [handler] }).then(() => ctx.runId));
  await tracker.endSession(s.sessionId);
  await buildAgent().invoke({ question: "Faro?" }, { callbacks: [handler], metadata: { session_id: "chosen-session" } });
  await buildAgent().invoke({ question: "Braga?" }, { callbacks: [handler], metadata: { thread_id: "thread-42" } });
  await handler.flush(5000);
  const events = received(receiver);
  const outer = runNamed(events, "outer");
  const roots = events.filter((e) => e.event_type === "run_start" && e.run_name === "weather-agent");
  assert.equal(roots[0].session_id, s.sessionId);
  assert.equal(roots[0].parent_run_id, outer.run_id, "nested in the tracker's active run");
  assert.equal(roots[1].session_id, "chosen-session");
  assert.equal(roots[2].session_id, "thread-42");
  assert.deepEqual(byType(events, "session_start").map((e) => e.session_id), [s.sessionId, "chosen-session", "thread-42"]);
});

test("recordInputs/recordOutputs false keep content out, tokens and structure in", async (t) => {
  const { receiver, handler } = await setup(t, { recordInputs: false, recordOutputs: false });
  await buildAgent().invoke({ question: QUESTION }, { callbacks: [handler] });
  await handler.flush(5000);
  const events = received(receiver);
  const wire = JSON.stringify(events);
  assert.ok(!wire.includes("Lisbon") && !wire.includes("light jacket"), "no prompts, inputs or outputs");
  const [plan] = byType(events, "llm_call");
  assert.equal(plan.tokens_in, PLAN_USAGE.input_tokens);
  assert.equal(plan.cached_input_tokens, 1000);
  assert.equal(byType(events, "tool_call").length, 1);
  assert.equal(byType(events, "tool_error").length, 1);
});

test("background: true runs in LangChain's queue; awaitAllCallbacks() then flush() delivers everything", async (t) => {
  const { receiver, handler } = await setup(t, { background: true });
  assert.equal(handler.awaitHandlers, false);
  await buildAgent().invoke({ question: "Lisbon?" }, { callbacks: [handler] });
  await awaitAllCallbacks();
  await handler.flush(5000);
  const events = received(receiver);
  assert.equal(byType(events, "llm_call").length, 2);
  assert.equal(byType(events, "run_start").length, byType(events, "run_end").length);
});

test("a failing chain: the error is recorded once, every run it ended fails, the agent's error is LangChain's", async (t) => {
  const { receiver, handler } = await setup(t);
  const model = new FakeListChatModel({ responses: ["x"] });
  const boom = tool(
    async () => {
      throw new TypeError("disk full");
    },
    { name: "save", description: "save", schema: z.object({ path: z.string() }) },
  );
  const agent = RunnableLambda.from(async (_, config) => {
    await model.invoke("hi", config);
    return boom.invoke({ path: "/tmp/x" }, config);
  }).withConfig({ runName: "saver" });
  await assert.rejects(agent.invoke({}, { callbacks: [handler] }), /disk full/);
  await handler.flush(5000);
  const events = received(receiver);
  const [failed] = byType(events, "tool_error");
  assert.equal(failed.error.error_type, "TypeError");
  assert.equal(failed.error.message, "disk full");
  assert.equal(byType(events, "error").length, 0, "not repeated by the run it bubbled through");
  assert.deepEqual(byType(events, "run_end").map((e) => e.status), ["error"]);
  assert.equal(byType(events, "session_end")[0].status, "error");
});

test("bad data (cycles, BigInt, throwing getters, garbage arguments) never throws into LangChain", async (t) => {
  const { receiver, tracker, handler } = await setup(t);
  const cyclic = { name: "loop", big: 10n ** 30n };
  cyclic.self = cyclic;
  const hostile = new Proxy({}, { get: () => { throw new Error("getter"); }, ownKeys: () => { throw new Error("keys"); } });
  const echo = tool(async ({ n }) => ({ n, back: cyclic }), { name: "echo", description: "echo", schema: z.object({ n: z.number() }) });
  const chain = RunnableLambda.from(async (input, config) => {
    await echo.invoke({ n: 1 }, config);
    return { cyclic, big: 7n };
  }).withConfig({ runName: "odd" });
  const out = await chain.invoke({ cyclic, when: new Date(0) }, { callbacks: [handler], metadata: { big: 1n, cyclic } });
  assert.equal(out.big, 7n);
  // Direct calls with whatever a buggy caller passes.
  const calls = [
    () => handler.handleChainStart(hostile, hostile, "h1", undefined, hostile, hostile),
    () => handler.handleChainEnd(hostile, "h1", undefined, undefined, hostile),
    () => handler.handleChainError(hostile, "h2"),
    () => handler.handleLLMEnd(hostile, "h3"),
    () => handler.handleChatModelStart(undefined, hostile, "h4"),
    () => handler.handleToolEnd(hostile, "h5"),
    () => handler.handleAgentAction(hostile, "h6"),
    () => handler.handleLLMError(Symbol("odd"), "h7"),
    () => handler.handleCustomEvent("e", cyclic, "h8"),
  ];
  for (const call of calls) assert.doesNotThrow(call);
  await handler.flush(5000);
  const events = received(receiver);
  const odd = runNamed(events, "odd");
  assert.ok(odd);
  assert.equal(odd.input_data.inputs.cyclic.self, "[Circular]");
  assert.equal(byType(events, "tool_call")[0].tool_call.tool_output.n, 1);
  const stats = tracker.stats();
  assert.ok(stats.markers.cycles > 0);
  assert.ok(stats.integrationSkipped > 0, "records for runs never started are counted, not mapped");
});

test("binary metadata is not copied key by key: the run is recorded without it", async (t) => {
  const { receiver, handler } = await setup(t);
  // 16 MB: spread, it was a key per byte (100 MB took 33 s in the long hostile run), and
  // its first keys became the run's langchain.metadata.
  handler.handleChainStart({ id: ["x"] }, { input: 1 }, "bin-1", undefined, [], new Uint8Array(16 << 20), "chain", "binary");
  handler.handleChainEnd({ output: 2 }, "bin-1");
  await handler.flush(5000);
  const run = runNamed(received(receiver), "binary");
  assert.ok(run, "the run is recorded");
  assert.equal(run.attributes?.["langchain.metadata"], undefined);
});

test("a million-key object as inputs, outputs and metadata: listed once, only the kept keys read", async (t) => {
  const { receiver, handler } = await setup(t);
  const big = {};
  for (let i = 0; i < 1_000_000; i++) big[`k${i}`] = i;
  const counts = { ownKeys: 0, get: 0 };
  const v = new Proxy(big, {
    ownKeys: (o) => (counts.ownKeys++, Reflect.ownKeys(o)),
    get: (o, k, r) => (counts.get++, Reflect.get(o, k, r)),
  });
  // Copied key by key, all of them, in every argument: 16 callbacks given such an object
  // took 9.7 s in the long hostile run.
  handler.handleChainStart({ id: ["x"] }, v, "wide-1", undefined, [], v, "chain", "wide");
  handler.handleChainEnd(v, "wide-1", undefined, undefined, { inputs: v });
  assert.equal(counts.ownKeys, 1, `ownKeys ran ${counts.ownKeys} times`);
  assert.ok(counts.get <= 4 * 10_000 + 16, `${counts.get} reads`);
  await handler.flush(5000);
  const run = runNamed(received(receiver), "wide");
  assert.ok(run, "the run is recorded");
});

test("the handler is what LangChain takes for a BaseCallbackHandler", async () => {
  const { isBaseCallbackHandler } = await import("@langchain/core/callbacks/base");
  const handler = new AgentLensCallbackHandler({ tracker: init({ exporters: [], logLevel: "error" }) });
  assert.equal(isBaseCallbackHandler(handler), true);
  assert.equal(handler.copy(), handler, "a copy records into the same mapper");
  assert.equal(handler.raiseError, false);
  assert.equal(handler.awaitHandlers, true);
  const ignoring = new AgentLensCallbackHandler({ tracker: handler.tracker, ignoreLLM: true, ignoreChain: true });
  assert.equal(ignoring.ignoreLLM && ignoring.ignoreChain, true);
  await handler.tracker.shutdown(100);
});

test("runs tagged langsmith:hidden are folded into the run around them; ignoreLLM skips model calls", async (t) => {
  const { receiver, tracker, handler } = await setup(t);
  const model = new FakeListChatModel({ responses: ["ok"] });
  const internal = RunnableLambda.from((input, config) => model.invoke("inner", config)).withConfig({ runName: "internal", tags: ["langsmith:hidden"] });
  const outer = RunnableLambda.from((input, config) => internal.invoke(input, config)).withConfig({ runName: "outer" });
  await outer.invoke("x", { callbacks: [handler] });
  const quiet = new AgentLensCallbackHandler({ tracker, ignoreLLM: true });
  await outer.invoke("y", { callbacks: [quiet] });
  await handler.flush(5000);
  const events = received(receiver);
  assert.equal(runNamed(events, "internal"), undefined);
  const outers = events.filter((e) => e.event_type === "run_start" && e.run_name === "outer");
  assert.equal(outers.length, 2);
  const calls = byType(events, "llm_call");
  assert.equal(calls.length, 1, "the ignoring handler recorded no model call");
  assert.equal(calls[0].run_id, outers[0].run_id);
  assert.equal(tracker.stats().integrationSkipped, 0);
});
