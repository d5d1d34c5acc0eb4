// The CPU @agentlens/sdk/ai-sdk adds to AI SDK 7 calls, against the same calls with
// telemetry off and with the SDK's own default tracing (@ai-sdk/otel on a real
// OpenTelemetry tracer provider: BasicTracerProvider + BatchSpanProcessor, an exporter
// that discards), in one process.
//   node_modules/node/bin/node bench/integrations/ai-sdk.mjs      (the AI SDK 7 needs Node >= 22)
//
// Workloads (a scripted LanguageModelV4, no network; ~1 KB prompts as an agent sends):
// - "llm": generateText, one step, one model call: the cost per LLM call, with the call's
//   own run, step and end included.
// - "tools-1" / "tools-5": generateText, a step asking for 1 (or 5) tool calls, then a
//   final step: the cost per tool call is (tools-5 − tools-1) / 4.
// Each mode's overhead is its CPU time (process.cpuUsage, user + system) minus telemetry
// off's, per call, in steady state (warm-up rounds first); the timed region ends with a flush, and every span and event is checked
// delivered (a dropped one is cheap and would flatter its side). Rounds interleave the
// modes; medians over the rounds. Prints a table, then one JSON line.
import { performance } from "node:perf_hooks";
import { medianRounds } from "./rounds.mjs";

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error("bench/integrations/ai-sdk.mjs needs Node >= 22 (the AI SDK 7 does): node_modules/node/bin/node bench/integrations/ai-sdk.mjs");
  process.exit(1);
}
const { generateText, registerTelemetry, stepCountIs, tool } = await import("ai");
const { OpenTelemetry } = await import("@ai-sdk/otel");
const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
const { spawn } = await import("node:child_process");
const { Tracker, createHttpExporter } = await import("@agentlens/sdk");
const { agentlens } = await import("@agentlens/sdk/ai-sdk");
const { z } = await import("zod");

globalThis.AI_SDK_LOG_WARNINGS = false;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
// Warm-up rounds (discarded): V8 tiers the wasm and the SDK's code up over the first
// thousands of calls; measured cold, every mode looks several times dearer.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);

const INSTRUCTIONS = "You are a travel agent. Answer with the cheapest option that meets every constraint, cite the fares you compared, and never book without confirmation. ";
const PROMPT = "Find me the cheapest flight from San Francisco to New York next Tuesday, window seat, no red-eye, under four hundred dollars if you can. I prefer United and have status with them; my frequent flyer number is on file. ";
const ANSWER = "I compared 14 fares for Tuesday. The cheapest option that meets every constraint is United UA 1532 departing SFO at 8:05 and arriving JFK at 16:41 for $318 in economy, window seat 23A. Alaska AS 22 is $297 but it is a red-eye, so I excluded it.";
const usage = { inputTokens: { total: 812, noCache: 212, cacheRead: 600, cacheWrite: 0 }, outputTokens: { total: 96, text: 80, reasoning: 16 } };
const stop = { unified: "stop", raw: "stop" };

/** A scripted LanguageModelV4: tool calls when the conversation has no tool result yet (and `tools` > 0), else the answer. */
function model(tools) {
  return {
    specificationVersion: "v4",
    provider: "openai.responses",
    modelId: "gpt-5-mini",
    supportedUrls: {},
    async doGenerate({ prompt }) {
      if (tools > 0 && prompt.at(-1)?.role !== "tool") {
        const content = Array.from({ length: tools }, (_, i) => ({ type: "tool-call", toolCallId: `call_${i}`, toolName: "search_fares", input: JSON.stringify({ from: "SFO", to: "JFK", day: "Tuesday", page: i }) }));
        return { content, finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage, warnings: [] };
      }
      return { content: [{ type: "text", text: ANSWER }], finishReason: stop, usage, warnings: [] };
    },
    async doStream() {
      throw new Error("not used");
    },
  };
}
const tools = {
  search_fares: tool({
    description: "Search fares",
    inputSchema: z.object({ from: z.string(), to: z.string(), day: z.string(), page: z.number() }),
    execute: async ({ page }) => ({ page, fares: [{ flight: "UA 1532", price: 318 }, { flight: "AS 22", price: 297, redEye: true }] }),
  }),
};
const WORKLOADS = {
  llm: { model: model(0), tools: undefined, llmCalls: 1, toolCalls: 0 },
  "tools-1": { model: model(1), tools, llmCalls: 2, toolCalls: 1 },
  "tools-5": { model: model(5), tools, llmCalls: 2, toolCalls: 5 },
};

// --- the modes -------------------------------------------------------------------------
let spansExported = 0;
const provider = new BasicTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor(
      { export: (spans, done) => ((spansExported += spans.length), done({ code: 0 })), shutdown: async () => {} },
      { maxQueueSize: 1 << 20, maxExportBatchSize: 512, scheduledDelayMillis: 60_000 },
    ),
  ],
});
const otel = new OpenTelemetry({ tracer: provider.getTracer("bench") });

let eventsDelivered = 0;
const discard = { name: "discard", format: "agentlens", send: async () => ({ status: 200 }) };
const tracker = new Tracker({ exporters: [discard], logLevel: "silent", flushIntervalMs: 60_000 });
const lens = agentlens({ tracker });

// "… over HTTP": both sides deliver for real, to a no-op HTTP server on 127.0.0.1 in a
// child process (its CPU is not ours): @ai-sdk/otel through OpenTelemetry's OTLP/HTTP
// protobuf exporter, AgentLens through its HTTP exporter.
const sink = spawn(process.execPath, ["-e", `require("node:http").createServer((q, r) => { q.resume(); q.on("end", () => r.end()); }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve) => sink.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
let otlpSpans = 0;
const otlp = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` });
const countingOtlp = { export: (spans, done) => otlp.export(spans, (r) => ((otlpSpans += r.code === 0 ? spans.length : 0), done(r))), shutdown: () => otlp.shutdown(), forceFlush: () => otlp.forceFlush() };
const httpProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(countingOtlp, { maxQueueSize: 1 << 20, maxExportBatchSize: 512, scheduledDelayMillis: 60_000 })] });
const otelHttp = new OpenTelemetry({ tracer: httpProvider.getTracer("bench") });
const httpTracker = new Tracker({ exporters: [createHttpExporter({ endpoint: `http://127.0.0.1:${port}`, apiKey: "bench" })], logLevel: "silent", flushIntervalMs: 60_000 });
const lensHttp = agentlens({ tracker: httpTracker });

// "… no content": the same with the calls' recordInputs and recordOutputs off (no
// prompts, responses, tool arguments or results recorded), what a privacy-minded app runs.
const MODES = {
  off: { integration: undefined, flush: async () => {} },
  "@ai-sdk/otel": { integration: otel, flush: () => provider.forceFlush() },
  agentlens: { integration: lens, flush: () => lens.flush() },
  "@ai-sdk/otel over HTTP": { integration: otelHttp, flush: () => httpProvider.forceFlush() },
  "agentlens over HTTP": { integration: lensHttp, flush: () => lensHttp.flush() },
  "@ai-sdk/otel no content": { integration: otel, flush: () => provider.forceFlush(), content: false },
  "agentlens no content": { integration: lens, flush: () => lens.flush(), content: false },
};

async function run(workload, mode) {
  const w = WORKLOADS[workload];
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
  if (MODES[mode].integration) registerTelemetry(MODES[mode].integration);
  const content = MODES[mode].content ?? true;
  const telemetry = mode === "off" ? { isEnabled: false } : { functionId: "fare-agent", recordInputs: content, recordOutputs: content };
  const u0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    await generateText({ model: w.model, instructions: INSTRUCTIONS, prompt: PROMPT, tools: w.tools, stopWhen: stepCountIs(3), telemetry });
  }
  await MODES[mode].flush();
  const u = process.cpuUsage(u0);
  return ((u.user + u.system) * 1000) / CALLS; // ns per call
}

const perCall = await medianRounds(Object.keys(WORKLOADS), Object.keys(MODES), { rounds: ROUNDS, warmup: WARMUP }, run);

// Everything was delivered: spans (per call: 1 root + 1 step + 1 chat per LLM call + tools) and events.
const stats = tracker.stats();
eventsDelivered = stats.delivered;
if (stats.tracked !== stats.delivered || stats.internalErrors > 0 || stats.integrationSkipped > 0) {
  console.error(`agentlens did not deliver everything: ${JSON.stringify({ tracked: stats.tracked, delivered: stats.delivered, internalErrors: stats.internalErrors, skipped: stats.integrationSkipped })}`);
  process.exit(1);
}
const httpStats = httpTracker.stats();
if (httpStats.tracked !== httpStats.delivered) {
  console.error(`agentlens over HTTP did not deliver everything: ${httpStats.delivered} of ${httpStats.tracked}`);
  process.exit(1);
}
const calls = (ROUNDS + WARMUP) * CALLS;
const expectedSpans = 2 * (calls * (2 + 1) + calls * (1 + 2 + 2 + 1) + calls * (1 + 2 + 2 + 5));
if (spansExported < expectedSpans || otlpSpans < expectedSpans / 2) {
  console.error(`@ai-sdk/otel exported ${spansExported} spans (${otlpSpans} over OTLP/HTTP), expected at least ${expectedSpans} (${expectedSpans / 2})`);
  process.exit(1);
}

const overhead = (w, m) => (perCall[`${w}/${m}`] - perCall[`${w}/off`]) / 1000; // µs per call
const TRACED = Object.keys(MODES).filter((m) => m !== "off");
const result = {};
for (const m of TRACED) {
  result[m] = { perLlmCallUs: overhead("llm", m), perToolCallUs: (overhead("tools-5", m) - overhead("tools-1", m)) / 4 };
}
const ratio = (k, suffix = "") => result[`agentlens${suffix}`][k] / result[`@ai-sdk/otel${suffix}`][k];
const fmt = (x) => x.toFixed(1).padStart(8);
console.log(`AI SDK 7 (${WORKLOADS.llm.model.modelId} scripted), Node ${process.versions.node}, ${ROUNDS} rounds x ${CALLS} calls, CPU per call`);
console.log(`  baseline (telemetry off): ${fmt(perCall["llm/off"] / 1000)} µs per 1-step call, ${fmt(perCall["tools-1/off"] / 1000)} µs per 2-step call with 1 tool`);
console.log("  added by                        per LLM call (µs)   per tool call (µs)");
for (const m of TRACED) console.log(`  ${m.padEnd(26)}${fmt(result[m].perLlmCallUs)}            ${fmt(result[m].perToolCallUs)}`);
console.log(`  agentlens ÷ @ai-sdk/otel: ${ratio("perLlmCallUs").toFixed(2)} per LLM call, ${ratio("perToolCallUs").toFixed(2)} per tool call (target ≤ 1.0)`);
console.log(`  both over HTTP:           ${ratio("perLlmCallUs", " over HTTP").toFixed(2)} per LLM call, ${ratio("perToolCallUs", " over HTTP").toFixed(2)} per tool call`);
console.log(`  without content:          ${ratio("perLlmCallUs", " no content").toFixed(2)} per LLM call, ${ratio("perToolCallUs", " no content").toFixed(2)} per tool call`);
console.log(JSON.stringify({ bench: "ai-sdk", node: process.versions.node, rounds: ROUNDS, calls: CALLS, perCallNs: perCall, overheadUs: result, ratio: { llm: ratio("perLlmCallUs"), tool: ratio("perToolCallUs"), llmHttp: ratio("perLlmCallUs", " over HTTP"), toolHttp: ratio("perToolCallUs", " over HTTP"), llmNoContent: ratio("perLlmCallUs", " no content"), toolNoContent: ratio("perToolCallUs", " no content") }, delivered: { events: eventsDelivered + httpStats.delivered, spans: spansExported + otlpSpans } }));
await Promise.all([tracker.shutdown(1000), httpTracker.shutdown(1000), provider.shutdown(), httpProvider.shutdown()]);
sink.kill();
