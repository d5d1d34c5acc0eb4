// A customer-support agent built with OpenAI Agents JS, traced by AgentLens through the
// SDK's own tracing hook: one line, `addTraceProcessor(new AgentLensTracingProcessor())`.
//
// Runs offline: the model is a scripted test double implementing the SDK's `Model`
// interface (it opens `response` spans as the SDK's own OpenAI models do). "Triage" plans,
// looks an order up, tries a refund API that fails, hands off to "Refunds", which streams
// the answer. The trace goes to an NDJSON file (and to AGENTLENS_ENDPOINT when set);
// explain() then tells what happened.
//
//   node examples/openai-agents.mjs   (after `npm run build`; AGENTLENS_EXAMPLE_OUT=dir/ moves the file)
import { readFileSync, rmSync } from "node:fs";
import { Agent, Runner, Usage, createCustomSpan, createResponseSpan, handoff, resetCurrentSpan, setCurrentSpan, setTraceProcessors, tool } from "@openai/agents";
import { z } from "zod";
import { createHttpExporter, createNdjsonFileExporter, init } from "@agentlens/sdk";
import { AgentLensTracingProcessor } from "@agentlens/sdk/openai-agents";

const tracePath = `${process.env.AGENTLENS_EXAMPLE_OUT ?? "out/"}openai-agents-trace.ndjson`;
rmSync(tracePath, { force: true }); // a fresh file each run (the exporter appends)
const endpoint = process.env.AGENTLENS_ENDPOINT;
const exporters = [createNdjsonFileExporter({ path: tracePath, producer: "agentlens-example-openai-agents/0.1.0" })];
if (endpoint) exporters.push(createHttpExporter({ endpoint, apiKey: process.env.AGENTLENS_API_KEY ?? "default" }));
const tracker = init({ exporters });

// The one line that turns tracing on. A real app keeps OpenAI's exporter too with
// addTraceProcessor(...); this offline example replaces it so nothing leaves the machine.
const processor = new AgentLensTracingProcessor();
setTraceProcessors([processor]);

// --- a scripted model (a real app uses the SDK's OpenAI models) -----------------------
const call = (id, name, args) => ({ type: "function_call", id: `fc_${id}`, callId: `call_${id}`, name, status: "completed", arguments: JSON.stringify(args) });
const usage = (input, output, cached, reasoning) => ({ input_tokens: input, output_tokens: output, total_tokens: input + output, input_tokens_details: { cached_tokens: cached }, output_tokens_details: { reasoning_tokens: reasoning } });
const script = {
  "gpt-5-mini": [
    { output: [call("1", "lookup_order", { order_id: "A-1234", email: "jane.doe@example.com" })], usage: usage(1200, 80, 1024, 32) },
    { output: [call("2", "refund_api", { order_id: "A-1234", api_key: "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx" })], usage: usage(1400, 60, 1280, 16) },
    { output: [call("3", "transfer_to_Refunds", {})], usage: usage(1500, 40, 1408, 8) },
  ],
  "gpt-5": [{ output: [{ type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Your refund for order A-1234 is filed; expect it within 5 days." }] }], usage: usage(600, 120, 512, 48) }],
};

class ScriptedModel {
  constructor(name) {
    this.name = name;
    this.turn = 0;
  }

  /** One scripted answer, inside a `response` span filled as the SDK's OpenAI model fills it. */
  respond(request) {
    const { output, usage: u } = script[this.name][this.turn++];
    const id = `resp_${this.name}_${this.turn}`;
    const span = request.tracing ? createResponseSpan(undefined, request._internal?.tracingParent) : undefined;
    span?.start();
    if (span) setCurrentSpan(span);
    if (span) span.spanData.response_id = id;
    if (request.tracing === true) Object.assign(span.spanData, { _input: request.input, _response: { id, model: this.name, output, usage: u } });
    span?.end();
    if (span) resetCurrentSpan();
    const sdkUsage = { requests: 1, inputTokens: u.input_tokens, outputTokens: u.output_tokens, totalTokens: u.total_tokens, inputTokensDetails: u.input_tokens_details, outputTokensDetails: u.output_tokens_details };
    return { id, output, usage: sdkUsage };
  }

  async getResponse(request) {
    const r = this.respond(request);
    return { usage: new Usage(r.usage), output: r.output, responseId: r.id };
  }

  async *getStreamedResponse(request) {
    const r = this.respond(request);
    yield { type: "response_started" };
    for (const item of r.output.filter((i) => i.type === "message")) {
      for (const word of item.content[0].text.split(" ")) yield { type: "output_text_delta", delta: `${word} ` };
    }
    yield { type: "response_done", response: { id: r.id, usage: r.usage, output: r.output } };
  }
}
const models = { "gpt-5-mini": new ScriptedModel("gpt-5-mini"), "gpt-5": new ScriptedModel("gpt-5") };

// --- the agents ---------------------------------------------------------------------
const lookupOrder = tool({
  name: "lookup_order",
  description: "Looks an order up.",
  parameters: z.object({ order_id: z.string(), email: z.string() }),
  execute: async ({ order_id }) => {
    const plan = createCustomSpan({ data: { name: "plan", data: { steps: ["lookup", "refund", "hand off"] } } });
    plan.start();
    plan.end();
    return { order_id, status: "delivered", total: 42.5 };
  },
});
const refundApi = tool({
  name: "refund_api",
  description: "Files a refund.",
  parameters: z.object({ order_id: z.string(), api_key: z.string() }),
  execute: async () => {
    throw new Error("refund service unavailable (503)");
  },
});
const refunds = new Agent({ name: "Refunds", instructions: "You file refunds.", model: "gpt-5" });
const triage = new Agent({ name: "Triage", instructions: "Route the customer.", model: "gpt-5-mini", tools: [lookupOrder, refundApi], handoffs: [handoff(refunds)] });

const groupId = `support-chat-${Date.now().toString(36)}`; // one conversation: one AgentLens session
const runner = new Runner({ modelProvider: { getModel: async (name) => models[name] }, workflowName: "Customer support", groupId, traceMetadata: { channel: "web" } });
const result = await runner.run(triage, "Where is my order A-1234? Refund it please.", { stream: true });
let answer = "";
for await (const text of result.toTextStream()) answer += text;
await result.completed;

await processor.forceFlush();
await tracker.shutdown();
console.log(`Answer: ${answer.trim()}\n`);
console.log(tracker.explain(groupId));
const events = readFileSync(tracePath, "utf8").split("\n").filter((l) => l.includes('"event_type"')).length;
console.log(`Trace: ${tracePath} (${events} events)`);
console.log(`Viewer: ${endpoint ?? "http://127.0.0.1:3000"}/?session=${groupId}`);
console.log(`(start it with: npx agentlens serve; load this file with: npx agentlens import ${tracePath})`);
