// The CPU @agentlens/sdk/langchain adds to LangChain.js calls, against the same calls with
// no callbacks and with LangChain's own default tracing (the LangSmith tracer,
// LangChainTracer, on a langsmith Client pointed at a no-op endpoint with a fake key), in
// one process.
//   node bench/integrations/langchain.mjs
//
// A handler that does nothing is measured too: LangChain's own cost of any callback.
//
// Workloads (@langchain/core 1.4, a scripted FakeListChatModel returning usage metadata,
// no network; ~1 KB prompts as an agent sends):
// - "llm": one chat model call (a root run): the cost per LLM call.
// - "tools-1" / "tools-5": an agent runnable making one model call, then 1 (or 5) tool
//   calls (`tool()` with a zod schema): the cost per tool call is (tools-5 − tools-1) / 4.
// Both tracers send over HTTP to a no-op server on 127.0.0.1 in a child process (its CPU
// is not counted). Each mode's overhead is its CPU time (process.cpuUsage, user + system)
// minus no callbacks', per call; the timed region ends with a flush that waits for
// delivery, and delivery is checked (AgentLens: every event delivered; LangSmith: every
// run posted, counted by id). Rounds interleave the modes; medians over the rounds. Prints a table,
// then one JSON line.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { medianRounds } from "./rounds.mjs";

delete process.env.LANGSMITH_TRACING;
delete process.env.LANGCHAIN_TRACING_V2;
const { FakeListChatModel } = await import("@langchain/core/utils/testing");
const { AIMessage, HumanMessage, SystemMessage } = await import("@langchain/core/messages");
const { RunnableLambda } = await import("@langchain/core/runnables");
const { tool } = await import("@langchain/core/tools");
const { awaitAllCallbacks } = await import("@langchain/core/callbacks/promises");
const { LangChainTracer } = await import("@langchain/core/tracers/tracer_langchain");
const { Client } = await import("langsmith");
const { Tracker } = await import("@agentlens/sdk");
const { AgentLensCallbackHandler } = await import("@agentlens/sdk/langchain");
const { z } = await import("zod");

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);

// --- a no-op HTTP endpoint in a child process: answers 200, counts LangSmith's runs -----
const server = spawn(process.execPath, [
  "-e",
  `const posted = new Set();
   require("node:http").createServer((req, res) => {
     if (req.url === "/count") return res.end(String(posted.size));
     const chunks = [];
     req.on("data", (c) => chunks.push(c));
     req.on("end", () => {
       const body = Buffer.concat(chunks).toString("latin1");
       for (const m of body.matchAll(/name="post\\.([0-9a-f-]{36})"/g)) posted.add(m[1]);
       res.writeHead(200, { "content-type": "application/json" }).end("{}");
     });
   }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`,
]);
const [portLine] = await once(server.stdout, "data");
const endpoint = `http://127.0.0.1:${String(portLine).trim()}`;
const posted = async () => Number(await (await fetch(`${endpoint}/count`)).text());

// --- the workloads -------------------------------------------------------------------------
const INSTRUCTIONS = "You are a travel agent. Answer with the cheapest option that meets every constraint, cite the fares you compared, and never book without confirmation. ";
const PROMPT = "Find me the cheapest flight from San Francisco to New York next Tuesday, window seat, no red-eye, under four hundred dollars if you can. I prefer United and have status with them; my frequent flyer number is on file. ";
const ANSWER = "I compared 14 fares for Tuesday. The cheapest option that meets every constraint is United UA 1532 departing SFO at 8:05 and arriving JFK at 16:41 for $318 in economy, window seat 23A. Alaska AS 22 is $297 but it is a red-eye, so I excluded it.";
const usage = { input_tokens: 812, output_tokens: 96, total_tokens: 908, input_token_details: { cache_read: 600 }, output_token_details: { reasoning: 16 } };

class Model extends FakeListChatModel {
  getLsParams(options) {
    return { ...super.getLsParams(options), ls_provider: "openai", ls_model_name: "gpt-5-mini" };
  }
  async _generate() {
    return { generations: [{ text: ANSWER, message: new AIMessage({ content: ANSWER, usage_metadata: usage, response_metadata: { model_name: "gpt-5-mini", finish_reason: "stop" } }) }], llmOutput: {} };
  }
}
const model = new Model({ responses: [ANSWER] });
const messages = [new SystemMessage(INSTRUCTIONS), new HumanMessage(PROMPT)];
const searchFares = tool(async ({ page }) => JSON.stringify({ page, fares: [{ flight: "UA 1532", price: 318 }, { flight: "AS 22", price: 297, redEye: true }] }), {
  name: "search_fares",
  description: "Search fares",
  schema: z.object({ from: z.string(), to: z.string(), day: z.string(), page: z.number() }),
});
const agent = (tools) =>
  RunnableLambda.from(async (input, config) => {
    await model.invoke(input, config);
    for (let i = 0; i < tools; i++) await searchFares.invoke({ id: `call_${i}`, name: "search_fares", type: "tool_call", args: { from: "SFO", to: "JFK", day: "Tuesday", page: i } }, config);
  }).withConfig({ runName: "fare-agent" });
const WORKLOADS = {
  llm: { run: (config) => model.invoke(messages, config), runs: 1 },
  "tools-1": { run: (config) => agent(1).invoke(messages, config), runs: 3 },
  "tools-5": { run: (config) => agent(5).invoke(messages, config), runs: 7 },
};

// --- the modes -----------------------------------------------------------------------------
const client = new Client({ apiUrl: endpoint, apiKey: "lsv2_pt_fake_key_for_bench", autoBatchTracing: true });
const langsmith = new LangChainTracer({ client, projectName: "bench" });
const tracker = new Tracker({ endpoint, apiKey: "bench", logLevel: "silent", flushIntervalMs: 60_000, batchSize: 1000 });
const lens = new AgentLensCallbackHandler({ tracker });
// LangChain's own cost of having a callback at all (a manager, run ids, the model's
// serialisation): a handler that does nothing, awaited like AgentLens's.
const noop = { name: "noop", awaitHandlers: true, copy() { return this; } };
for (const m of ["handleChainStart", "handleChainEnd", "handleChatModelStart", "handleLLMEnd", "handleToolStart", "handleToolEnd"]) noop[m] = () => {};
const MODES = {
  off: { callbacks: undefined, flush: async () => {} },
  "no-op handler": { callbacks: [noop], flush: async () => {} },
  langsmith: { callbacks: [langsmith], flush: async () => (await awaitAllCallbacks(), await client.awaitPendingTraceBatches()) },
  agentlens: { callbacks: [lens], flush: () => lens.flush() },
};

async function run(workload, mode) {
  const w = WORKLOADS[workload];
  const config = MODES[mode].callbacks ? { callbacks: MODES[mode].callbacks } : {};
  const u0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await w.run(config);
  await MODES[mode].flush();
  const u = process.cpuUsage(u0);
  return ((u.user + u.system) * 1000) / CALLS; // ns per call
}

const perCall = await medianRounds(Object.keys(WORKLOADS), Object.keys(MODES), { rounds: ROUNDS, warmup: 2 }, run);

// Everything was delivered by both.
const stats = tracker.stats();
if (stats.tracked !== stats.delivered || stats.internalErrors > 0 || stats.integrationSkipped > 0) {
  console.error(`agentlens did not deliver everything: ${JSON.stringify({ tracked: stats.tracked, delivered: stats.delivered, internalErrors: stats.internalErrors, skipped: stats.integrationSkipped })}`);
  process.exit(1);
}
const expectedRuns = (ROUNDS + 2) * CALLS * Object.values(WORKLOADS).reduce((n, w) => n + w.runs, 0);
const runsPosted = await posted();
if (runsPosted < expectedRuns) {
  console.error(`the LangSmith tracer posted ${runsPosted} runs, expected at least ${expectedRuns}`);
  process.exit(1);
}

const overhead = (w, m) => (perCall[`${w}/${m}`] - perCall[`${w}/off`]) / 1000; // µs per call
const result = {};
for (const m of ["no-op handler", "langsmith", "agentlens"]) {
  result[m] = { perLlmCallUs: overhead("llm", m), perToolCallUs: (overhead("tools-5", m) - overhead("tools-1", m)) / 4 };
}
const ratio = (k) => result.agentlens[k] / result.langsmith[k];
const fmt = (x) => x.toFixed(1).padStart(8);
console.log(`LangChain.js (@langchain/core, scripted chat model), Node ${process.versions.node}, ${ROUNDS} rounds x ${CALLS} calls, CPU per call`);
console.log(`  baseline (no callbacks): ${fmt(perCall["llm/off"] / 1000)} µs per model call, ${fmt(perCall["tools-1/off"] / 1000)} µs per agent call with 1 tool`);
console.log("  added by              per LLM call (µs)   per tool call (µs)");
for (const m of ["no-op handler", "langsmith", "agentlens"]) console.log(`  ${m.padEnd(20)}${fmt(result[m].perLlmCallUs)}            ${fmt(result[m].perToolCallUs)}`);
console.log(`  agentlens ÷ LangSmith tracer: ${ratio("perLlmCallUs").toFixed(2)} per LLM call, ${ratio("perToolCallUs").toFixed(2)} per tool call (target ≤ 1.0)`);
console.log(JSON.stringify({ bench: "langchain", node: process.versions.node, rounds: ROUNDS, calls: CALLS, perCallNs: perCall, overheadUs: result, ratio: { llm: ratio("perLlmCallUs"), tool: ratio("perToolCallUs") }, delivered: { events: stats.delivered, langsmithRuns: runsPosted } }));
await tracker.shutdown(1000);
server.kill();
