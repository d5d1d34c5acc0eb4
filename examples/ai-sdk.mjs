// A travel assistant built with the Vercel AI SDK 7, traced by AgentLens through the
// SDK's own Telemetry interface: one line, `registerTelemetry(agentlens())`.
//
// Needs Node >= 22 (the `ai` 7 package does). Runs offline: the models are the AI SDK's
// own mock models (`ai/test`), scripted. The agent plans, calls two tools (one fails, one
// asks a sub-agent), answers; then streams a summary, aborts a streamed follow-up, extracts
// an itinerary object and embeds its notes. The trace goes to an NDJSON file (and to
// AGENTLENS_ENDPOINT when set); explain() then tells what happened.
//
//   node examples/ai-sdk.mjs          (after `npm run build`; AGENTLENS_EXAMPLE_OUT=dir/ moves the file)
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(`examples/ai-sdk.mjs needs Node >= 22 (the AI SDK 7 does); this is Node ${process.versions.node}. Try: node_modules/node/bin/node examples/ai-sdk.mjs`);
  process.exit(1);
}

const { readFileSync, rmSync } = await import("node:fs");
const { embedMany, generateObject, generateText, registerTelemetry, stepCountIs, streamText, tool } = await import("ai");
const { MockEmbeddingModelV4, MockLanguageModelV4, convertArrayToReadableStream } = await import("ai/test");
const { z } = await import("zod");
const { createHttpExporter, createNdjsonFileExporter, init } = await import("@agentlens/sdk");
const { agentlens } = await import("@agentlens/sdk/ai-sdk");

globalThis.AI_SDK_LOG_WARNINGS = false;
const tracePath = `${process.env.AGENTLENS_EXAMPLE_OUT ?? "out/"}ai-sdk-trace.ndjson`;
rmSync(tracePath, { force: true }); // a fresh file each run (the exporter appends)
const endpoint = process.env.AGENTLENS_ENDPOINT;
const exporters = [createNdjsonFileExporter({ path: tracePath, producer: "agentlens-example-ai-sdk/0.1.0" })];
if (endpoint) exporters.push(createHttpExporter({ endpoint, apiKey: process.env.AGENTLENS_API_KEY ?? "default" }));
const tracker = init({ exporters });

// The one line that turns tracing on for every AI SDK call.
const telemetry = agentlens();
registerTelemetry(telemetry);

// --- scripted models (a real app passes openai("gpt-5-mini") and friends) -------------
const usage = (input, output, { cacheRead = 0, cacheWrite = 0, reasoning = 0 } = {}) => ({
  inputTokens: { total: input, noCache: input - cacheRead - cacheWrite, cacheRead, cacheWrite },
  outputTokens: { total: output, text: output - reasoning, reasoning },
});
const stop = { unified: "stop", raw: "stop" };
const toolCalls = { unified: "tool-calls", raw: "tool_calls" };
const agentModel = new MockLanguageModelV4({
  provider: "openai.responses",
  modelId: "gpt-5-mini",
  doGenerate: [
    {
      content: [
        { type: "reasoning", text: "Flights first, then a hotel." },
        { type: "text", text: "Plan: 1) search flights 2) book a hotel." },
        { type: "tool-call", toolCallId: "call_flights", toolName: "search_flights", input: JSON.stringify({ from: "SFO", to: "CDG" }) },
        { type: "tool-call", toolCallId: "call_hotel", toolName: "book_hotel", input: JSON.stringify({ city: "Paris", contact: "jane.doe@example.com" }) },
      ],
      finishReason: toolCalls,
      usage: usage(1200, 150, { cacheRead: 800, cacheWrite: 200, reasoning: 60 }),
      warnings: [],
    },
    { content: [{ type: "text", text: "Booked AF83 on March 14; the hotel booking failed, please retry." }], finishReason: stop, usage: usage(1500, 80, { cacheRead: 1400 }), warnings: [] },
  ],
});
const expertModel = new MockLanguageModelV4({
  provider: "anthropic.messages",
  modelId: "claude-haiku-4-5",
  doGenerate: { content: [{ type: "text", text: "AF83 departs 15:40, $820." }], finishReason: stop, usage: usage(300, 40), warnings: [] },
});
const streamModel = new MockLanguageModelV4({
  provider: "openai.responses",
  modelId: "gpt-5-mini",
  doStream: [
    {
      stream: convertArrayToReadableStream([
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: "Trip: SFO→CDG, hotel pending." },
        { type: "text-end", id: "t" },
        { type: "finish", finishReason: stop, usage: usage(500, 120, { cacheRead: 100, reasoning: 20 }) },
      ]),
    },
    // The follow-up: starts answering, then hangs until the user aborts it.
    { stream: new ReadableStream({ start: (c) => c.enqueue({ type: "text-delta", id: "t", delta: "Paris will be " }) }) },
  ],
});
const extractModel = new MockLanguageModelV4({
  provider: "openai.chat",
  modelId: "gpt-4.1-mini",
  doGenerate: { content: [{ type: "text", text: '{"flight":"AF83","nights":3}' }], finishReason: stop, usage: usage(250, 60), warnings: [] },
});
const embedModel = new MockEmbeddingModelV4({
  provider: "openai.embedding",
  modelId: "text-embedding-3-small",
  maxEmbeddingsPerCall: 8,
  doEmbed: async ({ values }) => ({ embeddings: values.map(() => [0.1, 0.2]), usage: { tokens: 6 * values.length }, warnings: [] }),
});

// --- the agent -----------------------------------------------------------------------
const session = tracker.startSession({ agentName: "travel-assistant" });
const tools = {
  search_flights: tool({
    inputSchema: z.object({ from: z.string(), to: z.string() }),
    // A sub-agent: its own generateText, traced inside this tool's step.
    execute: async ({ from, to }) => ({ best: (await generateText({ model: expertModel, prompt: `Best flight ${from}→${to}?`, telemetry: { functionId: "flight-expert" } })).text }),
  }),
  book_hotel: tool({
    inputSchema: z.object({ city: z.string(), contact: z.string() }),
    execute: async () => {
      throw new Error("hotel API unavailable (503)");
    },
  }),
};
const answer = await generateText({
  model: agentModel,
  instructions: "You are a travel assistant.",
  prompt: "Book me a trip to Paris.",
  tools,
  stopWhen: stepCountIs(4),
  telemetry: { functionId: "travel-agent" },
});
const summary = streamText({ model: streamModel, prompt: "Summarise the trip.", telemetry: { functionId: "summarizer" } });
await summary.text;
const controller = new AbortController();
const followUp = streamText({ model: streamModel, prompt: "And the weather?", abortSignal: controller.signal, telemetry: { functionId: "follow-up" } });
try {
  for await (const _ of followUp.textStream) controller.abort(new Error("user closed the chat"));
} catch {
  // The abort ends the stream; its trace still records what it used.
}
await generateObject({ model: extractModel, schema: z.object({ flight: z.string(), nights: z.number() }), prompt: "Extract the itinerary.", telemetry: { functionId: "itinerary" } });
await embedMany({ model: embedModel, values: ["AF83 SFO→CDG", "Hotel: retry booking"], telemetry: { functionId: "notes" } });

await telemetry.flush();
await tracker.endSession(session.sessionId);
await tracker.shutdown();

console.log(`Answer: ${answer.text}\n`);
console.log(tracker.explain(session.sessionId));
const events = readFileSync(tracePath, "utf8").split("\n").filter((l) => l.includes('"event_type"')).length;
console.log(`Trace: ${tracePath} (${events} events)`);
console.log(`Viewer: ${endpoint ?? "http://127.0.0.1:3000"}/?session=${session.sessionId}`);
console.log(`(start it with: npx agentlens serve; load this file with: npx agentlens import ${tracePath})`);
