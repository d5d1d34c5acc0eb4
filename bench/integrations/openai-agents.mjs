// The CPU @agentlens/sdk/openai-agents adds to OpenAI Agents JS runs, against the same
// runs with tracing off (setTracingDisabled(true)) and with the SDK's own default tracing
// (its BatchTraceProcessor + OpenAITracingExporter, posting to a no-op endpoint), in one
// process.
//   node bench/integrations/openai-agents.mjs
//
// Workloads (a scripted Model that opens a `response` span with `_input`/`_response` as
// the SDK's OpenAI model does; ~1 KB prompts as an agent sends; no network beyond
// 127.0.0.1):
// - "llm": a run of one turn, one model call: the cost per LLM call, with the run's own
//   trace, task, agent and turn spans included.
// - "tools-1" / "tools-5": a turn asking for 1 (or 5) tool calls, then a final turn: the
//   cost per tool call is (tools-5 − tools-1) / 4.
// Both tracing modes post over HTTP to a no-op server on 127.0.0.1 answering 200, run in a
// child process so its CPU is not counted. Each mode's overhead is its CPU time
// (process.cpuUsage, user + system) minus tracing off's, per run; the timed region ends with
// a flush, and every span and event is checked delivered (a dropped one is cheap and would
// flatter its side). Rounds interleave the modes; medians over the rounds. Prints a table,
// then one JSON line.
import { fork } from "node:child_process";
import { once } from "node:events";
import { Agent, BatchTraceProcessor, Runner, Usage, createResponseSpan, resetCurrentSpan, setCurrentSpan, setTraceProcessors, setTracingDisabled, tool } from "@openai/agents";
import { OpenAITracingExporter } from "@openai/agents-openai";
import { z } from "zod";
import { Tracker } from "@agentlens/sdk";
import { AgentLensTracingProcessor } from "@agentlens/sdk/openai-agents";
import { medianRounds } from "./rounds.mjs";

if (process.argv[2] === "--serve") {
  // The no-op endpoint: answers 200, counts what it received.
  const { createServer } = await import("node:http");
  const counts = { openai: 0, agentlens: 0 };
  const server = createServer((req, res) => {
    if (req.method === "GET") return res.end(JSON.stringify(counts));
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (Array.isArray(body.data)) counts.openai += body.data.length;
      if (Array.isArray(body.events)) counts.agentlens += body.events.length;
      res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
    });
  });
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
  process.on("disconnect", () => process.exit(0));
} else {
  await main();
}

async function main() {
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
  const RUNS = Number(process.env.BENCH_CALLS ?? 100);
  delete process.env.OPENAI_API_KEY;

  const child = fork(new URL(import.meta.url), ["--serve"], { stdio: "inherit" });
  const [port] = await once(child, "message");
  const endpoint = `http://127.0.0.1:${port}`;

  const INSTRUCTIONS = "You are a travel agent. Answer with the cheapest option that meets every constraint, cite the fares you compared, and never book without confirmation. ";
  const PROMPT = "Find me the cheapest flight from San Francisco to New York next Tuesday, window seat, no red-eye, under four hundred dollars if you can. I prefer United and have status with them; my frequent flyer number is on file. ";
  const ANSWER = "I compared 14 fares for Tuesday. The cheapest option that meets every constraint is United UA 1532 departing SFO at 8:05 and arriving JFK at 16:41 for $318 in economy, window seat 23A. Alaska AS 22 is $297 but it is a red-eye, so I excluded it.";
  const raw = { input_tokens: 812, output_tokens: 96, total_tokens: 908, input_tokens_details: { cached_tokens: 600 }, output_tokens_details: { reasoning_tokens: 16 } };
  const usage = () => new Usage({ requests: 1, inputTokens: 812, outputTokens: 96, totalTokens: 908, inputTokensDetails: [{ cached_tokens: 600 }], outputTokensDetails: [{ reasoning_tokens: 16 }] });

  /** A scripted Model: `tools` tool calls when the conversation has no tool result yet, else the answer. */
  function model(tools) {
    let n = 0;
    return {
      async getResponse(request) {
        const asked = Array.isArray(request.input) && request.input.some((i) => i.type === "function_call_result");
        const output =
          tools > 0 && !asked
            ? Array.from({ length: tools }, (_, i) => ({ type: "function_call", id: `fc_${i}`, callId: `call_${++n}`, name: "search_fares", status: "completed", arguments: JSON.stringify({ from: "SFO", to: "JFK", day: "Tuesday", page: i }) }))
            : [{ type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: ANSWER }] }];
        const span = request.tracing ? createResponseSpan(undefined, request._internal?.tracingParent) : undefined;
        if (span) {
          span.start();
          setCurrentSpan(span);
          span.spanData.response_id = "resp_1";
          if (request.tracing === true) Object.assign(span.spanData, { _input: request.input, _response: { id: "resp_1", model: "gpt-5-mini", output, usage: raw } });
          span.end();
          resetCurrentSpan();
        }
        return { usage: usage(), output, responseId: "resp_1" };
      },
      async *getStreamedResponse() {
        throw new Error("not used");
      },
    };
  }
  const searchFares = tool({
    name: "search_fares",
    description: "Search fares",
    parameters: z.object({ from: z.string(), to: z.string(), day: z.string(), page: z.number() }),
    execute: async ({ page }) => ({ page, fares: [{ flight: "UA 1532", price: 318 }, { flight: "AS 22", price: 297, redEye: true }] }),
  });
  const agent = (tools) => new Agent({ name: "fare-agent", instructions: INSTRUCTIONS, model: model(tools), tools: tools > 0 ? [searchFares] : [] });
  const WORKLOADS = { llm: agent(0), "tools-1": agent(1), "tools-5": agent(5) };
  const runner = new Runner({ workflowName: "fares" });

  // --- the modes -----------------------------------------------------------------------
  const openai = new BatchTraceProcessor(new OpenAITracingExporter({ apiKey: "sk-bench-not-a-key", endpoint: `${endpoint}/v1/traces/ingest` }), { maxQueueSize: 1 << 20, scheduleDelay: 60_000 });
  const tracker = new Tracker({ endpoint, apiKey: "bench", logLevel: "silent", flushIntervalMs: 60_000 });
  const lens = new AgentLensTracingProcessor({ tracker });
  const MODES = {
    off: { processors: [], flush: async () => {} },
    "openai-tracing": { processors: [openai], flush: () => openai.forceFlush() },
    agentlens: { processors: [lens], flush: () => lens.forceFlush() },
  };

  async function run(workload, mode) {
    setTracingDisabled(mode === "off");
    setTraceProcessors(MODES[mode].processors);
    const u0 = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) await runner.run(WORKLOADS[workload], PROMPT);
    await MODES[mode].flush();
    const u = process.cpuUsage(u0);
    return ((u.user + u.system) * 1000) / RUNS; // ns per run
  }

  const perRun = await medianRounds(Object.keys(WORKLOADS), Object.keys(MODES), { rounds: ROUNDS, warmup: 2 }, run);

  // Everything was delivered. OpenAI: per run 1 trace + task, agent, turns, responses, tools.
  const received = await (await fetch(endpoint)).json();
  const stats = tracker.stats();
  if (stats.tracked !== stats.delivered || stats.internalErrors > 0 || stats.integrationSkipped > 0 || received.agentlens !== stats.delivered) {
    console.error(`agentlens did not deliver everything: ${JSON.stringify({ tracked: stats.tracked, delivered: stats.delivered, received: received.agentlens, internalErrors: stats.internalErrors, skipped: stats.integrationSkipped })}`);
    process.exit(1);
  }
  const runs = (ROUNDS + 2) * RUNS;
  const expectedItems = runs * (1 + 2 + 2) + runs * (1 + 2 + 2 * 2 + 1) + runs * (1 + 2 + 2 * 2 + 5);
  if (received.openai < expectedItems) {
    console.error(`OpenAI's exporter delivered ${received.openai} items, expected ${expectedItems}`);
    process.exit(1);
  }

  const overhead = (w, m) => (perRun[`${w}/${m}`] - perRun[`${w}/off`]) / 1000; // µs per run
  const result = {};
  for (const m of ["openai-tracing", "agentlens"]) {
    result[m] = { perLlmCallUs: overhead("llm", m), perToolCallUs: (overhead("tools-5", m) - overhead("tools-1", m)) / 4 };
  }
  const ratio = (k) => result.agentlens[k] / result["openai-tracing"][k];
  const fmt = (x) => x.toFixed(1).padStart(8);
  console.log(`OpenAI Agents JS 0.20 (scripted model), Node ${process.versions.node}, ${ROUNDS} rounds x ${RUNS} runs, CPU per run`);
  console.log(`  baseline (tracing off): ${fmt(perRun["llm/off"] / 1000)} µs per 1-call run, ${fmt(perRun["tools-1/off"] / 1000)} µs per 2-call run with 1 tool`);
  console.log("  added by              per LLM call (µs)   per tool call (µs)");
  for (const m of ["openai-tracing", "agentlens"]) console.log(`  ${m.padEnd(20)}${fmt(result[m].perLlmCallUs)}            ${fmt(result[m].perToolCallUs)}`);
  console.log(`  agentlens ÷ openai-tracing: ${ratio("perLlmCallUs").toFixed(2)} per LLM call, ${ratio("perToolCallUs").toFixed(2)} per tool call (target ≤ 1.0)`);
  console.log(JSON.stringify({ bench: "openai-agents", node: process.versions.node, rounds: ROUNDS, runs: RUNS, perRunNs: perRun, overheadUs: result, ratio: { llm: ratio("perLlmCallUs"), tool: ratio("perToolCallUs") }, delivered: { events: stats.delivered, openaiItems: received.openai } }));
  await tracker.shutdown(1000);
  await openai.shutdown();
  child.disconnect();
}
