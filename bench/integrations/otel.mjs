// The CPU @agentlens/sdk/otel adds to AI SDK 6 calls traced through OpenTelemetry
// (`experimental_telemetry`), against the same calls with telemetry off and with
// OpenTelemetry's own tracing to an OTLP endpoint, in one process:
//   node bench/integrations/otel.mjs
//
// Modes (a scripted LanguageModelV3, no network but loopback; ~1 KB prompts as an agent sends):
// - "off": `experimental_telemetry: { isEnabled: false }`;
// - "otel": BasicTracerProvider + BatchSpanProcessor + OTLPTraceExporter (protobuf) to a
//   no-op collector on 127.0.0.1 (what `@vercel/otel`/NodeSDK users run);
// - "agentlens": BasicTracerProvider with AgentLensSpanProcessor only, its tracker
//   exporting to a no-op AgentLens endpoint on 127.0.0.1.
// The no-op endpoints run in a child process, so their CPU is not counted.
// Workloads: "llm" (generateText, one step: ai.generateText + doGenerate), "tools-1" and
// "tools-5" (a step asking for 1 or 5 tool calls, then a final step): the cost per tool
// call is (tools-5 − tools-1) / 4. Each mode's overhead is its CPU time (process.cpuUsage)
// minus off's, per call, warm-up rounds first, rounds interleaved, medians; the timed
// region ends with a flush, and every span and event is checked delivered (a dropped one
// is cheap and would flatter its side). Prints a table, then one JSON line.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { medianRounds } from "./rounds.mjs";

if (process.argv[2] === "--server") {
  // The no-op endpoints: 200 to everything, bodies read and dropped.
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const otlp = req.url.startsWith("/v1/traces");
      res.writeHead(200, { "Content-Type": otlp ? "application/x-protobuf" : "application/json" }).end(otlp ? "" : '{"success":true}');
    });
  });
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
} else {
  await main();
}

async function main() {
  const { context } = await import("@opentelemetry/api");
  const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
  const { generateText, stepCountIs, tool } = await import("ai6");
  const { MockLanguageModelV3 } = await import("ai6/test");
  const { z } = await import("zod");
  const { Tracker } = await import("@agentlens/sdk");
  const { AgentLensSpanProcessor } = await import("@agentlens/sdk/otel");
  const { AsyncLocalStorageContextManager } = await import("../../bindings/sdk/test/integrations/fixtures/otel/context.mjs");

  globalThis.AI_SDK_LOG_WARNINGS = false;
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
  const CALLS = Number(process.env.BENCH_CALLS ?? 200);
  const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);

  const server = fork(fileURLToPath(import.meta.url), ["--server"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  process.on("exit", () => server.kill());
  const port = await new Promise((resolve) => server.once("message", resolve));
  const base = `http://127.0.0.1:${port}`;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());

  const PROMPT = "Find me the cheapest flight from San Francisco to New York next Tuesday, window seat, no red-eye, under four hundred dollars if you can. I prefer United and have status with them; my frequent flyer number is on file. ".repeat(3);
  const SYSTEM = "You are a travel agent. Answer with the cheapest option that meets every constraint, cite the fares you compared, and never book without confirmation. ";
  const ANSWER = "I compared 14 fares for Tuesday. The cheapest option that meets every constraint is United UA 1532 departing SFO at 8:05 and arriving JFK at 16:41 for $318 in economy, window seat 23A.";
  const usage = { inputTokens: { total: 812, noCache: 212, cacheRead: 600, cacheWrite: 0 }, outputTokens: { total: 96, text: 80, reasoning: 16 } };
  const model = (tools) =>
    new MockLanguageModelV3({
      provider: "openai.responses",
      modelId: "gpt-5-mini",
      doGenerate: async ({ prompt }) => {
        if (tools > 0 && prompt.at(-1)?.role !== "tool") {
          const content = Array.from({ length: tools }, (_, i) => ({ type: "tool-call", toolCallId: `call_${i}`, toolName: "search_fares", input: JSON.stringify({ from: "SFO", to: "JFK", page: i }) }));
          return { content, finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage, warnings: [] };
        }
        return { content: [{ type: "text", text: ANSWER }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] };
      },
    });
  const tools = {
    search_fares: tool({
      description: "Search fares",
      inputSchema: z.object({ from: z.string(), to: z.string(), page: z.number() }),
      execute: async ({ page }) => ({ page, fares: [{ flight: "UA 1532", price: 318 }, { flight: "AS 22", price: 297, redEye: true }] }),
    }),
  };
  const WORKLOADS = { llm: { model: model(0) }, "tools-1": { model: model(1), tools }, "tools-5": { model: model(5), tools } };

  // (b) OpenTelemetry's own tracing: every exported span counted once the collector said 200.
  let spansExported = 0;
  const otlp = new OTLPTraceExporter({ url: `${base}/v1/traces` });
  const counting = {
    export: (spans, done) => otlp.export(spans, (r) => ((spansExported += r.code === 0 ? spans.length : 0), done(r))),
    shutdown: () => otlp.shutdown(),
    forceFlush: () => otlp.forceFlush(),
  };
  const otelProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(counting, { maxQueueSize: 1 << 20 })] });
  // (c) AgentLens's processor only.
  const tracker = new Tracker({ endpoint: base, logLevel: "silent" });
  const processor = new AgentLensSpanProcessor({ tracker });
  const lensProvider = new BasicTracerProvider({ spanProcessors: [processor] });
  const MODES = {
    off: { telemetry: { isEnabled: false }, flush: async () => {} },
    otel: { telemetry: { isEnabled: true, tracer: otelProvider.getTracer("bench"), functionId: "fare-agent" }, flush: () => otelProvider.forceFlush() },
    agentlens: { telemetry: { isEnabled: true, tracer: lensProvider.getTracer("bench"), functionId: "fare-agent" }, flush: () => processor.forceFlush() },
  };

  async function run(workload, mode) {
    const w = WORKLOADS[workload];
    const u0 = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) {
      await generateText({ model: w.model, system: SYSTEM, prompt: PROMPT, tools: w.tools, stopWhen: stepCountIs(3), experimental_telemetry: MODES[mode].telemetry });
    }
    await MODES[mode].flush();
    const u = process.cpuUsage(u0);
    return ((u.user + u.system) * 1000) / CALLS; // ns per call
  }

  const perCall = await medianRounds(Object.keys(WORKLOADS), Object.keys(MODES), { rounds: ROUNDS, warmup: WARMUP }, run);

  // Everything was delivered: spans per call: llm 2 (ai.generateText, doGenerate), tools-1
  // 1 + 2 + 1, tools-5 1 + 2 + 5.
  const stats = tracker.stats();
  const calls = (ROUNDS + WARMUP) * CALLS;
  const expectedSpans = calls * (2 + 4 + 8);
  if (stats.tracked !== stats.delivered || stats.internalErrors > 0 || stats.integrationSkipped > 0) {
    console.error(`agentlens did not deliver everything: ${JSON.stringify({ tracked: stats.tracked, delivered: stats.delivered, internalErrors: stats.internalErrors, skipped: stats.integrationSkipped })}`);
    process.exit(1);
  }
  if (spansExported !== expectedSpans) {
    console.error(`OpenTelemetry exported ${spansExported} spans, expected ${expectedSpans}`);
    process.exit(1);
  }

  const overhead = (w, m) => (perCall[`${w}/${m}`] - perCall[`${w}/off`]) / 1000; // µs per call
  const result = {};
  for (const m of ["otel", "agentlens"]) result[m] = { perLlmCallUs: overhead("llm", m), perToolCallUs: (overhead("tools-5", m) - overhead("tools-1", m)) / 4 };
  const ratio = { llm: result.agentlens.perLlmCallUs / result.otel.perLlmCallUs, tool: result.agentlens.perToolCallUs / result.otel.perToolCallUs };
  const fmt = (x) => x.toFixed(1).padStart(8);
  console.log(`AI SDK 6 experimental_telemetry (scripted model), Node ${process.versions.node}, ${ROUNDS} rounds x ${CALLS} calls, CPU per call`);
  console.log(`  baseline (telemetry off): ${fmt(perCall["llm/off"] / 1000)} µs per 1-step call`);
  console.log("  added by                              per LLM call (µs)   per tool call (µs)");
  console.log(`  OTel BatchSpanProcessor + OTLP proto ${fmt(result.otel.perLlmCallUs)}            ${fmt(result.otel.perToolCallUs)}`);
  console.log(`  AgentLensSpanProcessor only          ${fmt(result.agentlens.perLlmCallUs)}            ${fmt(result.agentlens.perToolCallUs)}`);
  console.log(`  agentlens ÷ OTel tracing: ${ratio.llm.toFixed(2)} per LLM call, ${ratio.tool.toFixed(2)} per tool call (target ≤ 1.0)`);
  console.log(JSON.stringify({ bench: "otel", node: process.versions.node, rounds: ROUNDS, calls: CALLS, perCallNs: perCall, overheadUs: result, ratio, delivered: { events: stats.delivered, spans: spansExported } }));
  await tracker.shutdown(1000);
  await otelProvider.shutdown();
  server.kill();
  process.exit(0); // the exporters' keep-alive sockets would hold the process open
}
