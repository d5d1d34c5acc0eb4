// A customer-support agent on the Vercel AI SDK 6 with OpenTelemetry, traced by AgentLens
// through OpenTelemetry itself: one line, an AgentLensSpanProcessor on the tracer
// provider; no exporter, no second pipeline. The same processor reads @ai-sdk/otel
// (AI SDK 7), OpenLLMetry and OpenInference spans.
//
// Runs offline: the models are the AI SDK's own mocks. The agent embeds the question,
// plans, then streams: it looks an order up, tries a refund API that fails, and answers.
// The trace goes to an NDJSON file (and to AGENTLENS_ENDPOINT when set); explain() then
// tells what happened.
//
//   node examples/otel.mjs   (after `npm run build`; AGENTLENS_EXAMPLE_OUT=dir/ moves the file)
import { readFileSync, rmSync } from "node:fs";
import { AsyncLocalStorage } from "node:async_hooks";
import { ROOT_CONTEXT, context } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
// Users write `from "ai"` and `from "ai/test"` (AI SDK 6). This repository has AI SDK 7 as
// `ai`, so AI SDK 6 is installed under the npm alias `ai6`.
import { embed, generateText, stepCountIs, streamText, tool } from "ai6";
import { MockEmbeddingModelV3, MockLanguageModelV3, convertArrayToReadableStream } from "ai6/test";
import { z } from "zod";
import { createHttpExporter, createNdjsonFileExporter, init } from "@agentlens/sdk";
import { AgentLensSpanProcessor } from "@agentlens/sdk/otel";

const tracePath = `${process.env.AGENTLENS_EXAMPLE_OUT ?? "out/"}otel-trace.ndjson`;
rmSync(tracePath, { force: true }); // a fresh file each run (the exporter appends)
const endpoint = process.env.AGENTLENS_ENDPOINT;
const exporters = [createNdjsonFileExporter({ path: tracePath, producer: "agentlens-example-otel/0.1.0" })];
if (endpoint) exporters.push(createHttpExporter({ endpoint, apiKey: process.env.AGENTLENS_API_KEY ?? "default" }));
const tracker = init({ exporters });

// Spans started inside another span's callback need a context manager to find their
// parent. NodeTracerProvider.register() (@opentelemetry/sdk-trace-node) or the Node SDK
// install @opentelemetry/context-async-hooks' for you; this example carries the same few
// lines so it needs only @opentelemetry/sdk-trace-base.
class AsyncLocalStorageContextManager {
  #als = new AsyncLocalStorage();
  active = () => this.#als.getStore() ?? ROOT_CONTEXT;
  with = (ctx, fn, thisArg, ...args) => this.#als.run(ctx, () => fn.apply(thisArg, args));
  bind = (ctx, target) => (typeof target === "function" ? (...args) => this.with(ctx, target, undefined, ...args) : target);
  enable = () => this;
  disable = () => (this.#als.disable(), this);
}
context.setGlobalContextManager(new AsyncLocalStorageContextManager());

// The one line that turns tracing on.
const processor = new AgentLensSpanProcessor();
const provider = new BasicTracerProvider({ spanProcessors: [processor] });
const tracer = provider.getTracer("support-app");

// --- mock models (a real app uses @ai-sdk/openai & co.) -------------------------------
const usage = (input, output, cached, reasoning) => ({
  inputTokens: { total: input, noCache: input - cached, cacheRead: cached, cacheWrite: 0 },
  outputTokens: { total: output, text: output - reasoning, reasoning },
});
const stop = { unified: "stop", raw: "stop" };
const answer = "Your refund for order A-1234 is filed; expect it within 5 days.";
const planner = new MockLanguageModelV3({
  provider: "openai.chat",
  modelId: "gpt-5-mini",
  doGenerate: async () => ({ content: [{ type: "text", text: "1. look the order up 2. file the refund 3. answer" }], finishReason: stop, usage: usage(1200, 80, 1024, 32), warnings: [] }),
});
let step = 0;
const agent = new MockLanguageModelV3({
  provider: "openai.chat",
  modelId: "gpt-5",
  doStream: async () => {
    step++;
    const parts =
      step === 1
        ? [
            { type: "tool-call", toolCallId: "call_1", toolName: "lookup_order", input: JSON.stringify({ order_id: "A-1234", email: "jane.doe@example.com" }) },
            { type: "tool-call", toolCallId: "call_2", toolName: "refund_api", input: JSON.stringify({ order_id: "A-1234", api_key: "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx" }) },
            { type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: usage(1400, 60, 1280, 16) },
          ]
        : [
            { type: "text-start", id: "t" },
            ...answer.split(/(?<= )/).map((delta) => ({ type: "text-delta", id: "t", delta })),
            { type: "text-end", id: "t" },
            { type: "finish", finishReason: stop, usage: usage(1500, 40, 1408, 8) },
          ];
    return { stream: convertArrayToReadableStream(parts) };
  },
});
const embedder = new MockEmbeddingModelV3({
  provider: "openai.embedding",
  modelId: "text-embedding-3-small",
  doEmbed: async () => ({ embeddings: [[0.12, -0.5, 0.33]], usage: { tokens: 12 } }),
});

// --- the agent ------------------------------------------------------------------------
const tools = {
  lookup_order: tool({
    description: "Looks an order up.",
    inputSchema: z.object({ order_id: z.string(), email: z.string() }),
    execute: async ({ order_id }) => ({ order_id, status: "delivered", total: 42.5 }),
  }),
  refund_api: tool({
    description: "Files a refund.",
    inputSchema: z.object({ order_id: z.string(), api_key: z.string() }),
    execute: async () => {
      throw new Error("refund service unavailable (503)");
    },
  }),
};
// One conversation: one AgentLens session (telemetry metadata `sessionId`).
const sessionId = `support-chat-${Date.now().toString(36)}`;
const telemetry = (functionId) => ({ isEnabled: true, tracer, functionId, metadata: { sessionId, userId: "user-7" } });
const question = "Where is my order A-1234? Refund it please.";

// The app's own span around one turn of the agent (as OpenTelemetry users write it: the
// GenAI `invoke_agent` span) holds the AI SDK's spans: agent → call → model call/tool call.
const agentSpan = { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "support-agent", "gen_ai.conversation.id": sessionId } };
const text = await tracer.startActiveSpan("invoke_agent support-agent", agentSpan, async (span) => {
  try {
    await embed({ model: embedder, value: question, experimental_telemetry: telemetry("support-agent") });
    const plan = await generateText({ model: planner, prompt: question, experimental_telemetry: telemetry("planner") });
    const result = streamText({ model: agent, system: `Plan: ${plan.text}`, prompt: question, tools, stopWhen: stepCountIs(3), experimental_telemetry: telemetry("support-agent") });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    return text;
  } finally {
    span.end();
  }
});

// A session the spans name spans many requests: the app ends it when the chat is over.
await processor.forceFlush();
await tracker.endSession(sessionId);
await tracker.shutdown();
console.log(`Answer: ${text.trim()}\n`);
console.log(tracker.explain(sessionId));
const events = readFileSync(tracePath, "utf8").split("\n").filter((l) => l.includes('"event_type"')).length;
console.log(`Trace: ${tracePath} (${events} events)`);
console.log(`Viewer: ${endpoint ?? "http://127.0.0.1:3000"}/?session=${sessionId}`);
console.log(`(start it with: npx agentlens serve; load this file with: npx agentlens import ${tracePath})`);
