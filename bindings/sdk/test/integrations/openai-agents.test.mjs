// @agentlens/sdk/openai-agents with the real @openai/agents runner, offline: a scripted
// Model (fixtures/openai-agents/agent.mjs) drives a streamed run — a plan step, two tool
// calls (one failing), a handoff, a final answer — and the processor records it into a
// tracker whose HTTP exporter posts to a receiver on 127.0.0.1. OpenAI's own exporter is
// replaced (setTraceProcessors), so nothing leaves the machine.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Agent, Runner, setTraceProcessors, setTracingDisabled } from "@openai/agents";
import { Tracker } from "@agentlens/sdk";
import { importTrace } from "@agentlens/sdk/analysis";
import { isPlainJson } from "@agentlens/sdk/internal";
import { AgentLensTracingProcessor } from "@agentlens/sdk/openai-agents";
import { startReceiver } from "../support/receiver.mjs";
import { EMAIL, SECRET, ScriptedModel, USAGE, runAgent } from "./fixtures/openai-agents/agent.mjs";

let receiver;
before(async () => {
  delete process.env.OPENAI_API_KEY;
  setTracingDisabled(false);
  receiver = await startReceiver();
});
after(async () => {
  setTraceProcessors([]);
  await receiver.close();
});

/** A tracker posting to the receiver, its processor registered instead of OpenAI's exporter. */
function setup(options = {}) {
  const warnings = [];
  const tracker = new Tracker({ endpoint: receiver.url, apiKey: "test-key", logger: (level, m) => warnings.push(`${level}: ${m}`), flushIntervalMs: 60_000 });
  const processor = new AgentLensTracingProcessor({ tracker, ...options });
  setTraceProcessors([processor]);
  return { tracker, processor, warnings };
}

/**
 * The receiver's events of one session (arrival order), read back from the request bodies
 * by the core's importer (runs travel in the backend's compatible form).
 */
const sessionEvents = (id) => receiver.accepted().flatMap((r) => importTrace(r.raw).events).filter((e) => e.session_id === id);

const TOTAL_IN = Object.values(USAGE).reduce((n, u) => n + u[0], 0);
const TOTAL_OUT = Object.values(USAGE).reduce((n, u) => n + u[1], 0);

test("a streamed agent run arrives as session → task → agent → turn → LLM and tool calls, with tokens, errors and a handoff", async () => {
  const { tracker, processor } = setup({ sessionId: () => "oa-tree" });
  const answer = await runAgent();
  assert.match(answer, /refund for order A-1234/);
  await processor.forceFlush();
  // forceFlush waited for delivery: the session's end is already at the receiver.
  const events = sessionEvents("oa-tree");
  assert.ok(events.some((e) => e.event_type === "session_end"), `forceFlush returned before delivery: ${events.map((e) => e.event_type)}`);
  const runs = new Map(events.filter((e) => e.event_type === "run_start").map((e) => [e.run_id, e]));
  const task = [...runs.values()].find((r) => r.attributes?.type === "task");
  assert.equal(task.run_name, "Customer support");
  assert.equal(task.parent_run_id, undefined);
  const agents = [...runs.values()].filter((r) => r.attributes?.type === "agent");
  assert.deepEqual(agents.map((a) => a.agent_name), ["Triage", "Refunds"]);
  for (const a of agents) assert.equal(a.parent_run_id, task.run_id);
  const turns = [...runs.values()].filter((r) => r.attributes?.type === "turn");
  assert.deepEqual(turns.map((t) => [t.run_name, t.agent_name, runs.get(t.parent_run_id).agent_name]), [
    ["turn 1", "Triage", "Triage"],
    ["turn 2", "Triage", "Triage"],
    ["turn 3", "Triage", "Triage"],
    ["turn 4", "Refunds", "Refunds"],
  ]);
  const turnOf = (e) => runs.get(e.run_id)?.run_name;
  const llm = events.filter((e) => e.event_type === "llm_call");
  assert.deepEqual(llm.map((e) => [e.model, turnOf(e), e.tokens_in, e.tokens_out, e.cached_input_tokens, e.reasoning_tokens]), [
    ["gpt-5-mini", "turn 1", ...USAGE.plan],
    ["gpt-5-mini", "turn 2", ...USAGE.tools],
    ["gpt-5-mini", "turn 3", ...USAGE.handoff],
    ["gpt-5", "turn 4", ...USAGE.answer],
  ]);
  assert.equal(llm[0].input_data.prompt[0].content, "Where is my order A-1234? Refund it please.");
  assert.equal(llm[3].output_data.response[0].content[0].text.startsWith("Your refund"), true);
  const tools = events.filter((e) => e.event_type.startsWith("tool_"));
  assert.deepEqual(tools.map((e) => [e.event_type, e.tool_call.tool_name, turnOf(e)]), [
    ["tool_call", "lookup_order", "turn 1"],
    ["tool_error", "refund_api", "turn 2"],
  ]);
  assert.equal(tools[0].tool_call.tool_input.order_id, "A-1234");
  assert.deepEqual(tools[0].tool_call.tool_output, { order_id: "A-1234", status: "delivered", total: 42.5 });
  assert.equal(tools[1].error.message, "Error running tool (non-fatal)");
  const handoff = events.find((e) => e.event_type === "decision");
  assert.equal(handoff.decision_trace.reasoning, "handoff from Triage to Refunds");
  assert.equal(turnOf(handoff), "turn 3");
  const plan = events.find((e) => e.event_type === "generic" && e.attributes?.["span.name"] === "plan");
  assert.equal(turnOf(plan), "turn 1", "a span inside a tool belongs to the tool's run");
  // Turn and task usage is kept, never counted again: the session total is the calls' sum.
  const turnEnd = events.find((e) => e.event_type === "run_end" && e.run_id === turns[0].run_id);
  assert.equal(turnEnd.attributes.usage.cached_input_tokens, USAGE.plan[2]);
  const start = events.find((e) => e.event_type === "session_start");
  assert.equal(start.agent_name, "Customer support");
  assert.deepEqual(start.metadata, { channel: "web", user: "u_7" });
  const end = events.find((e) => e.event_type === "session_end");
  assert.deepEqual([end.total_tokens_in, end.total_tokens_out], [TOTAL_IN, TOTAL_OUT]);
  assert.equal(tracker.stats().integrationSkipped, 0);
  assert.equal(tracker.stats().internalErrors, 0);
  await tracker.shutdown(1000);
});

test("planted secrets (an sk- key, an email) in tool inputs and prompts never reach the receiver", async () => {
  const { tracker, processor } = setup({ sessionId: () => "oa-secrets" });
  await runAgent();
  await processor.forceFlush();
  const bodies = receiver.accepted().map((r) => r.raw.toString("utf8"));
  assert.ok(bodies.some((b) => b.includes("oa-secrets") && b.includes("refund_api")));
  for (const b of bodies) {
    assert.ok(!b.includes(SECRET), "the sk- key was sent");
    assert.ok(!b.includes(EMAIL), "the email was sent");
  }
  await tracker.shutdown(1000);
});

test("every record handed to the core is plain data, written natively (the SDK's own undefined fields, like model_config.temperature, included)", async () => {
  const { tracker, processor } = setup({ sessionId: () => "oa-plain" });
  const records = [];
  const bridge = processor.bridge;
  const record = bridge.record.bind(bridge);
  bridge.record = (r) => {
    records.push(r);
    record(r);
  };
  await runAgent();
  await runAgent({ stream: false });
  await processor.forceFlush();
  const types = new Set(records.map((r) => (r.object === "trace" ? `trace.${r.phase}` : `${r.phase}.${r.span_data.type}`)));
  for (const t of ["trace.start", "trace.end", "end.response", "end.function", "end.handoff", "end.turn"]) assert.ok(types.has(t), `no ${t} record among ${[...types]}`);
  for (const r of records) assert.ok(isPlainJson(r), `not written natively: ${JSON.stringify(r).slice(0, 300)}`);
  assert.equal(sessionEvents("oa-plain").filter((e) => e.event_type === "llm_call").length, 8);
  await tracker.shutdown(1000);
});

test("with the SDK's sensitive-data switch off, no content is recorded and tokens are still counted once", async () => {
  const { tracker, processor } = setup({ sessionId: () => "oa-private" });
  await runAgent({ runConfig: { traceIncludeSensitiveData: false } });
  await processor.forceFlush();
  const events = sessionEvents("oa-private");
  const llm = events.filter((e) => e.event_type === "llm_call");
  assert.equal(llm.length, 4);
  for (const e of llm) assert.equal(e.input_data, undefined);
  const tools = events.filter((e) => e.tool_call);
  assert.equal(tools.length, 2);
  for (const e of tools) assert.doesNotMatch(JSON.stringify(e.tool_call), /A-1234/);
  const end = events.find((e) => e.event_type === "session_end");
  assert.deepEqual([end.total_tokens_in, end.total_tokens_out], [TOTAL_IN, TOTAL_OUT]);
  await tracker.shutdown(1000);
});

test("bad data never throws: a cyclic tool output with a BigInt, hostile spans, garbage traces", async () => {
  const { tracker, processor } = setup({ sessionId: () => "oa-hostile" });
  const toolOutput = () => {
    const o = { big: 12345678901234567890n, status: "delivered" };
    o.self = o;
    return o;
  };
  const metadata = { channel: "web", big: 10n };
  metadata.self = metadata; // a cycle and a BigInt in the trace metadata reach the processor as they are
  const answer = await runAgent({ toolOutput, runConfig: { traceMetadata: metadata } });
  assert.match(answer, /refund/);
  const hostile = { traceId: "trace_x", spanId: "span_x", parentId: null, startedAt: null, endedAt: null, error: null };
  Object.defineProperty(hostile, "spanData", {
    get() {
      throw new Error("boom");
    },
  });
  for (const call of [
    () => processor.onSpanStart(hostile),
    () => processor.onSpanEnd(hostile),
    () => processor.onSpanEnd(null),
    () => processor.onTraceStart(undefined),
    () => processor.onTraceEnd({ traceId: 42, metadata: { big: 1n } }),
  ]) {
    await call();
  }
  await processor.forceFlush();
  const events = sessionEvents("oa-hostile");
  const tool = events.find((e) => e.tool_call?.tool_name === "lookup_order");
  assert.ok(tool, "the run was still recorded");
  const start = events.find((e) => e.event_type === "session_start");
  assert.equal(start.metadata.channel, "web");
  assert.equal(typeof start.metadata.big, "string", "the BigInt became a marker");
  assert.ok(events.some((e) => e.event_type === "session_end"));
  await tracker.shutdown(1000);
});

test("shutdown flushes; a processor the SDK shut down when setTraceProcessors replaced it records again once given back", async () => {
  const { tracker, processor } = setup({ sessionId: () => "oa-shutdown" });
  await runAgent();
  await processor.shutdown(5000);
  const n = sessionEvents("oa-shutdown").filter((e) => e.event_type === "llm_call").length;
  assert.equal(n, 4, "shutdown delivered the run");
  setTraceProcessors([processor]); // the SDK calls processor.shutdown() here, then registers it again
  await runAgent();
  await processor.forceFlush();
  assert.equal(sessionEvents("oa-shutdown").filter((e) => e.event_type === "llm_call").length, 8);
  await tracker.shutdown(1000);
});

test("the default session is the trace's groupId: two traces of one conversation share it", async () => {
  const { tracker, processor } = setup();
  await runAgent({ runConfig: { groupId: "conv_shared" } });
  await runAgent({ runConfig: { groupId: "conv_shared" } });
  await processor.forceFlush();
  const events = sessionEvents("conv_shared");
  assert.equal(events.filter((e) => e.event_type === "llm_call").length, 8);
  assert.equal(new Set(events.map((e) => e.trace_id).filter(Boolean)).size, 2);
  const ends = events.filter((e) => e.event_type === "session_end");
  assert.equal(ends.length, 2);
  assert.equal(ends[1].total_tokens_in, 2 * TOTAL_IN, "the conversation's totals keep adding up");
  await tracker.shutdown(1000);
});

test("an agent used as a tool: its run nests inside the calling turn, and every call's tokens count once", async () => {
  const { tracker, processor } = setup({ sessionId: () => "oa-as-tool" });
  const call = { type: "function_call", id: "fc_1", callId: "call_1", name: "expert", status: "completed", arguments: JSON.stringify({ input: "cheapest fare?" }) };
  const say = (text) => ({ type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text }] });
  const expert = new Agent({ name: "Expert", instructions: "Fares.", model: new ScriptedModel("gpt-5", [{ key: "tools", output: [say("UA 1532, $318")] }], "response") });
  const boss = new Agent({
    name: "Boss",
    instructions: "Delegate.",
    model: new ScriptedModel("gpt-5-mini", [{ key: "plan", output: [call] }, { key: "answer", output: [say("Booked UA 1532.")] }], "response"),
    tools: [expert.asTool({ toolName: "expert", toolDescription: "Asks the fare expert." })],
  });
  await new Runner({ workflowName: "Delegation" }).run(boss, "Book the cheapest fare.");
  await processor.forceFlush();
  const events = sessionEvents("oa-as-tool");
  const runs = new Map(events.filter((e) => e.event_type === "run_start").map((e) => [e.run_id, e]));
  const name = (id) => (runs.get(id)?.agent_name ?? runs.get(id)?.run_name);
  const bossTurn1 = [...runs.values()].find((r) => r.run_name === "turn 1" && r.agent_name === "Boss");
  const innerTask = [...runs.values()].find((r) => r.attributes?.type === "task" && r.parent_run_id);
  assert.equal(innerTask.parent_run_id, bossTurn1.run_id, "the nested run sits in the turn that called the tool");
  const expertRun = [...runs.values()].find((r) => r.agent_name === "Expert" && r.attributes?.type === "agent");
  assert.equal(expertRun.parent_run_id, innerTask.run_id);
  const tool = events.find((e) => e.tool_call?.tool_name === "expert");
  assert.equal(name(tool.run_id), "Boss");
  assert.equal(tool.run_id, bossTurn1.run_id);
  const llm = events.filter((e) => e.event_type === "llm_call");
  assert.deepEqual(llm.map((e) => e.model).sort(), ["gpt-5", "gpt-5-mini", "gpt-5-mini"]);
  const end = events.find((e) => e.event_type === "session_end");
  assert.equal(end.total_tokens_in, USAGE.plan[0] + USAGE.tools[0] + USAGE.answer[0]);
  assert.equal(end.total_tokens_out, USAGE.plan[1] + USAGE.tools[1] + USAGE.answer[1]);
  await tracker.shutdown(1000);
});
