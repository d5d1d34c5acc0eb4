// @agentlens/sdk/otel: the AgentLensSpanProcessor on a real OpenTelemetry
// BasicTracerProvider (its only processor: no exporter), fed by the real AI SDK 6
// (`experimental_telemetry`, mocks from `ai6/test`), AI SDK 7 with `@ai-sdk/otel` (on
// Node 24, in a child process) and hand-made OpenInference/OpenLLMetry spans. What the
// tracker records is read from its tap, what it sends from a receiver on 127.0.0.1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { Tracker } from "@agentlens/sdk";
import { AgentLensSpanProcessor, isGenAiSpan } from "@agentlens/sdk/otel";
import { startReceiver } from "../support/receiver.mjs";
import { useAsyncContext } from "./fixtures/otel/context.mjs";
import { ANSWER, SECRET, SESSION, USAGE, runAgent } from "./fixtures/otel/agent6.mjs";
import { badValues, openInference, openLlmetry, withHttpAround } from "./fixtures/otel/handmade.mjs";

useAsyncContext();
let receiver;
before(async () => {
  receiver = await startReceiver();
});
after(() => receiver.close());

/** A tracker sending to the receiver, its recorded events, and a provider with only our processor. */
function setup(options = {}) {
  const tracker = new Tracker({ endpoint: receiver.url, flushIntervalMs: 60_000 });
  const events = [];
  tracker.recorder.tap((batch) => events.push(...JSON.parse(batch)));
  const processor = new AgentLensSpanProcessor({ tracker, ...options });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  return { tracker, events, processor, tracer: provider.getTracer("test") };
}

const kinds = (events) => events.map((e) => e.event_type);
/** Kinds as a multiset (siblings are ordered by their start times, which may tie to the millisecond). */
const sortedKinds = (events) => kinds(events).sort();

/** Every run opens before anything inside it and closes after it. */
function assertNested(events) {
  for (const [i, e] of events.entries()) {
    if (e.event_type !== "run_start") continue;
    const inside = events.map((x, j) => [x, j]).filter(([x]) => x.run_id === e.run_id || x.parent_run_id === e.run_id);
    const before = inside.filter(([, j]) => j < i).map(([x]) => `${x.event_type} ${x.run_name} ${x.run_id} ${x.parent_run_id}`);
    assert.deepEqual(before, [], `run ${e.run_name} opens before what it contains`);
  }
}
const byRun = (events, runId) => events.filter((e) => e.run_id === runId && !e.event_type.startsWith("run_"));

test("AI SDK 6: embeddings, a plan, a streamed agent with two tools (one failing): runs, models, tokens, errors", async () => {
  const { tracker, events, processor, tracer } = setup();
  const text = await runAgent(tracer);
  assert.equal(text, ANSWER);
  await processor.forceFlush();
  // Three local roots (embed, generateText, streamText), each a run holding its model calls.
  const runs = events.filter((e) => e.event_type === "run_start");
  assert.deepEqual(runs.map((r) => [r.run_name, r.agent_name]), [["ai.embed", "retrieve"], ["ai.generateText", "planner"], ["ai.streamText", "support-agent"]]);
  assert.ok(events.every((e) => e.session_id === SESSION), "the telemetry metadata sessionId is the session");
  // A session a span names spans traces: opened once (a start of an open session is not
  // sent again), left open for the application.
  assert.equal(kinds(events).filter((k) => k === "session_start").length, 1);
  assert.equal(kinds(events).filter((k) => k === "session_end").length, 0);
  assertNested(events);
  const [embedRun, planRun, agentRun] = runs.map((r) => r.run_id);
  const [embedding] = byRun(events, embedRun);
  assert.deepEqual([embedding.event_type, embedding.model, embedding.tokens_in, embedding.tokens_out], ["llm_call", "text-embedding-3-small", 8, 0]);
  const [plan] = byRun(events, planRun);
  assert.deepEqual([plan.model, plan.tokens_in, plan.tokens_out, plan.cached_input_tokens, plan.reasoning_tokens], ["gpt-5-mini", ...USAGE.plan]);
  const inAgent = byRun(events, agentRun);
  assert.deepEqual(kinds(inAgent).sort(), ["llm_call", "llm_call", "tool_call", "tool_error"]);
  const llm = inAgent.filter((e) => e.event_type === "llm_call");
  assert.deepEqual(llm.map((e) => [e.tokens_in, e.tokens_out, e.cached_input_tokens, e.reasoning_tokens]), [USAGE.tools, USAGE.answer]);
  assert.match(JSON.stringify(llm[1].output_data), /refund for order A-1234/);
  // Only model calls count tokens: the run's own ai.usage totals are not counted again.
  const total = events.reduce((n, e) => n + (e.tokens_in ?? 0), 0);
  assert.equal(total, 8 + USAGE.plan[0] + USAGE.tools[0] + USAGE.answer[0]);
  const ok = inAgent.find((e) => e.event_type === "tool_call");
  assert.deepEqual([ok.tool_call.tool_name, ok.tool_call.tool_call_id, ok.tool_call.tool_input, ok.tool_call.tool_output.status], ["lookup_order", "call_1", { order_id: "A-1234" }, "delivered"]);
  const failed = inAgent.find((e) => e.event_type === "tool_error");
  assert.equal(failed.tool_call.tool_name, "refund_api");
  assert.match(failed.error.message, /refund service unavailable/);
  assert.equal(tracker.stats().internalErrors, 0);
  assert.equal(tracker.stats().integrationSkipped, 0);
  // What leaves the process is redacted.
  assert.equal(await tracker.flush(), true, "forceFlush/flush waits for delivery");
  const sent = JSON.stringify(receiver.events());
  assert.ok(sent.includes("refund_api"), "the tool call was sent");
  assert.ok(!sent.includes(SECRET), "the planted secret is redacted before sending");
  await tracker.shutdown();
});

test("AI SDK 6: generateObject is a run around its model call (legacy ai.usage.promptTokens), the object its response", async () => {
  const { generateObject } = await import("ai6");
  const { MockLanguageModelV3 } = await import("ai6/test");
  const { z } = await import("zod");
  const { tracker, events, processor, tracer } = setup();
  const model = new MockLanguageModelV3({
    provider: "openai.chat",
    modelId: "gpt-5-mini",
    doGenerate: async () => ({
      content: [{ type: "text", text: JSON.stringify({ city: "Lisbon", days: 3 }) }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: { inputTokens: { total: 300, noCache: 100, cacheRead: 200, cacheWrite: 50 }, outputTokens: { total: 20, text: 20, reasoning: 0 } },
      warnings: [],
    }),
  });
  const { object } = await generateObject({ model, schema: z.object({ city: z.string(), days: z.number() }), prompt: "Plan a trip", experimental_telemetry: { isEnabled: true, tracer, functionId: "trip-planner" } });
  assert.deepEqual(object, { city: "Lisbon", days: 3 });
  await processor.forceFlush();
  assert.deepEqual(kinds(events), ["session_start", "run_start", "llm_call", "run_end", "session_end"]);
  assert.deepEqual([events[1].run_name, events[1].agent_name], ["ai.generateObject", "trip-planner"]);
  const llm = events[2];
  // AI SDK 6 records generateObject's usage under the legacy names only
  // (ai.usage.promptTokens / completionTokens): no cache details to read.
  assert.deepEqual([llm.model, llm.tokens_in, llm.tokens_out, llm.cached_input_tokens], ["gpt-5-mini", 300, 20, undefined]);
  assert.match(JSON.stringify(llm.output_data), /Lisbon/);
  await tracker.shutdown();
});

test("forceFlush resolves only once the receiver has the events", async () => {
  const { tracker, processor, tracer } = setup();
  const before = receiver.events().length;
  await runAgent(tracer);
  await processor.forceFlush();
  assert.ok(receiver.events().length >= before + 10, `delivered by the time forceFlush resolved (${receiver.events().length - before})`);
  await tracker.shutdown();
});

test("OpenInference: agent run, a wrapper LLM span does not count tokens twice, tool error, indexed messages", async () => {
  const { tracker, events, processor, tracer } = setup();
  await openInference(tracer, SECRET);
  await processor.forceFlush();
  assert.equal(events[0].event_type, "session_start");
  assert.deepEqual(sortedKinds(events), ["llm_call", "run_end", "run_end", "run_start", "run_start", "session_start", "tool_error"]);
  assertNested(events);
  const [agent, wrapper] = events.filter((e) => e.event_type === "run_start");
  assert.deepEqual([agent.agent_name, agent.user_id, agent.session_id], ["researcher", "u-1", "oi-session"]);
  assert.equal(wrapper.parent_run_id, agent.run_id);
  const llm = events.find((e) => e.event_type === "llm_call");
  assert.equal(llm.run_id, wrapper.run_id);
  assert.deepEqual([llm.model, llm.tokens_in, llm.tokens_out, llm.cached_input_tokens, llm.reasoning_tokens], ["gpt-4o-2024-08-06", 900, 70, 512, 20]);
  assert.equal(llm.attributes.cache_creation_input_tokens, 64);
  assert.deepEqual(llm.input_data.prompt.map((m) => m.role), ["system", "user"]);
  assert.equal(events.reduce((n, e) => n + (e.tokens_in ?? 0), 0), 900, "the wrapper's repeated usage is not counted");
  const tool = events.find((e) => e.event_type === "tool_error");
  assert.deepEqual([tool.tool_call.tool_name, tool.tool_call.tool_call_id, tool.error.error_type], ["search_papers", "call_9", "BackendError"]);
  await tracker.flush();
  assert.ok(!JSON.stringify(receiver.events()).includes(SECRET));
  await tracker.shutdown();
});

test("OpenLLMetry: workflow and task runs, legacy llm.usage tokens, gen_ai.prompt.N messages, tool", async () => {
  const { tracker, events, processor, tracer } = setup();
  await openLlmetry(tracer);
  await processor.forceFlush();
  assert.equal(events[0].event_type, "session_start");
  assert.deepEqual(sortedKinds(events), ["llm_call", "run_end", "run_end", "run_start", "run_start", "session_start", "tool_call"]);
  assertNested(events);
  const [wf, task] = events.filter((e) => e.event_type === "run_start");
  assert.deepEqual([wf.agent_name, wf.session_id, task.parent_run_id], ["support", "tl-session", wf.run_id]);
  const llm = events.find((e) => e.event_type === "llm_call");
  assert.deepEqual([llm.model, llm.tokens_in, llm.tokens_out, llm.cached_input_tokens, llm.run_id], ["claude-sonnet-4-5-20250929", 300, 25, 200, task.run_id]);
  assert.equal(llm.input_data.prompt[0].content, "classify: refund please");
  assert.equal(llm.output_data.response[0].finish_reason, "end_turn");
  const tool = events.find((e) => e.event_type === "tool_call");
  assert.deepEqual([tool.tool_call.tool_name, tool.tool_call.tool_input, tool.tool_call.tool_output], ["lookup", { id: 7 }, { found: true }]);
  await tracker.shutdown();
});

test("non-GenAI spans are not recorded by default; GenAI spans under them hang from their recorded ancestor", async () => {
  const { tracker, events, processor, tracer } = setup();
  await withHttpAround(tracer);
  await processor.forceFlush();
  // The trace is the session (no span names one): it ends with its root.
  assert.deepEqual(kinds(events), ["session_start", "run_start", "llm_call", "run_end", "session_end"]);
  const run = events[1];
  assert.equal(run.parent_run_id, undefined, "the HTTP span was skipped, not left as a dangling parent");
  assert.equal(run.agent_name, "helper");
  assert.ok(!JSON.stringify(events).includes("SELECT orders"));
  await tracker.shutdown();
  const all = setup({ shouldRecord: () => true });
  await withHttpAround(all.tracer);
  await all.processor.forceFlush();
  assert.deepEqual(sortedKinds(all.events), ["generic", "llm_call", "run_end", "run_end", "run_start", "run_start", "session_end", "session_start"]);
  assertNested(all.events);
  assert.equal(isGenAiSpan({ name: "GET /", attributes: { "http.method": "GET" } }), false);
  await all.tracker.shutdown();
});

test("bad attribute values and broken spans never throw into the instrumentation", async () => {
  const { tracker, events, processor, tracer } = setup();
  badValues(tracer);
  const hostile = { name: "ai.x", attributes: {}, spanContext: () => ({ traceId: "t", spanId: "00000000000000ff" }), get startTime() { throw new Error("boom"); } };
  assert.doesNotThrow(() => processor.onStart(hostile));
  assert.doesNotThrow(() => processor.onEnd(hostile));
  assert.doesNotThrow(() => processor.onEnd({ name: "ai.y" }));
  await processor.forceFlush();
  const llm = events.find((e) => e.event_type === "llm_call");
  assert.ok(llm, "the span with bad values is still recorded");
  assert.deepEqual([llm.tokens_in, llm.tokens_out, llm.model], [0, 0, undefined]);
  assert.equal(llm.input_data.prompt, "[not json");
  assert.equal(tracker.stats().internalErrors, 2, "the two broken spans are counted");
  await tracker.shutdown();
});

test("AI SDK 7 with @ai-sdk/otel (Node 24): invoke_agent, steps, chat, execute_tool, embeddings, rerank", async () => {
  const node24 = fileURLToPath(new URL("../../../../node_modules/node/bin/node", import.meta.url));
  const script = fileURLToPath(new URL("./fixtures/otel/agent7.mjs", import.meta.url));
  const out = await new Promise((resolve, reject) => {
    execFile(node24, [script], { env: { ...process.env, AGENTLENS_ENDPOINT: receiver.url }, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
  const { events, stats } = JSON.parse(out);
  assert.equal(stats.internalErrors, 0);
  const runs = events.filter((e) => e.event_type === "run_start");
  assert.deepEqual(runs.map((r) => r.run_name), ["invoke_agent gpt-5", "step 1", "step 2", "invoke_agent gpt-5-mini", "step 1", "embeddings text-embedding-3-small", "rerank rerank-v3.5"]);
  assert.equal(runs[0].agent_name, "support-agent");
  assert.equal(runs[1].parent_run_id, runs[0].run_id);
  const llm = events.filter((e) => e.event_type === "llm_call");
  assert.deepEqual(llm.map((e) => [e.model, e.tokens_in, e.tokens_out, e.cached_input_tokens ?? null, e.reasoning_tokens ?? null]), [
    ["gpt-5", 1400, 60, 1280, 16],
    ["gpt-5", 1500, 40, 1408, 8],
    ["gpt-5-mini", 300, 5, 0, 0],
    ["text-embedding-3-small", 7, 0, null, null],
    ["rerank-v3.5", 0, 0, null, null],
  ]);
  assert.equal(llm[0].run_id, runs[1].run_id, "a chat span sits in its step");
  const tools = events.filter((e) => e.event_type.startsWith("tool_"));
  assert.deepEqual(tools.map((e) => [e.event_type, e.tool_call.tool_name, e.tool_call.tool_call_id]).sort(), [["tool_call", "lookup_order", "call_1"], ["tool_error", "refund_api", "call_2"]]);
  assert.equal(events.reduce((n, e) => n + (e.tokens_in ?? 0), 0), 1400 + 1500 + 300 + 7, "invoke_agent's totals are not counted again");
});
