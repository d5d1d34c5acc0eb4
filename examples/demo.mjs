// A simulated shopping agent, traced with AgentLens: a deterministic fake LLM and real
// tool functions, no API key. It makes nested runs, tool calls, a decision, a memory
// write, an error it recovers from, and a final answer. Its trace goes through the wasm
// core (redaction, truncation, batching) into an NDJSON file; then explain() tells what
// happened and why.
//
// With AGENTLENS_DEMO_COLLECTOR=http://127.0.0.1:PORT the trace also goes, as the SDK
// sends it to any AgentLens backend, to a running `agentlens serve` (scripts/demo.sh
// starts one), and the session's id is written to out/demo-session.txt. AGENTLENS_DEMO_OUT
// names another directory for both files (the tests use a temporary one).
//
//   node examples/demo.mjs        (after the build; `bash scripts/demo.sh` does both)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHttpExporter, createNdjsonFileExporter, init, trace, wrapTool } from "@agentlens/sdk";
import { decodeNdjson } from "@agentlens/sdk/analysis";

const outDir = process.env.AGENTLENS_DEMO_OUT ?? new URL("../out/", import.meta.url).pathname;
const tracePath = join(outDir, "demo-trace.ndjson");
const collector = process.env.AGENTLENS_DEMO_COLLECTOR;
const exporters = [createNdjsonFileExporter({ path: tracePath, producer: "agentlens-demo/0.1.0" })];
if (collector) exporters.push(createHttpExporter({ endpoint: collector, apiKey: process.env.AGENTLENS_API_KEY ?? "default" }));
const tracker = init({ exporters });
// Start each run of the demo with a fresh file (the exporter appends and rotates).
import { rmSync } from "node:fs";
rmSync(tracePath, { force: true });

// --- the agent's parts -------------------------------------------------------------
function fakeLlm(prompt) {
  // A deterministic "model": answers from the prompt's shape, counts tokens by words.
  const tokensIn = Math.ceil(prompt.split(/\s+/).length * 1.3);
  if (prompt.startsWith("plan:")) return { text: "Look up the tax rate, compute with the calculator, format the total.", tokensIn, tokensOut: 14 };
  const total = prompt.match(/\$[\d,]+\.\d\d/)?.[0] ?? "unknown";
  return { text: `3 laptops cost ${total} including tax. The receipt is on its way.`, tokensIn, tokensOut: 12 };
}
const calculator = wrapTool(({ expr }) => {
  if (!/^[\d+\-*/(). ]+$/.test(expr)) throw new Error("unsupported expression");
  return { result: Math.round(Function(`return (${expr})`)() * 100) / 100 };
}, "calculator");
const formatCurrency = wrapTool(({ amount }) => ({ text: `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2 })}` }), "format_currency");
let outages = 1;
async function fetchTaxRate(region) {
  if (outages-- > 0) throw Object.assign(new Error(`tax service for ${region} timed out`), { name: "TimeoutError" });
  return 0.0825;
}

// --- one session -------------------------------------------------------------------
const question = "What do 3 laptops at $1,201.99 cost with tax in Austin? Email the receipt to jane.doe@example.com";
const session = tracker.startSession({ agentName: "shopping-assistant", metadata: { version: "1.2.0", env: "demo" } });

const answer = await trace.run("answer-question", async (ctx) => {
  const plan = fakeLlm(`plan: ${question}`);
  ctx.llm({ model: "gpt-4o-mini", prompt: `plan: ${question}`, response: plan.text, tokensIn: plan.tokensIn, tokensOut: plan.tokensOut, durationMs: 640.2 });
  ctx.decision({
    reasoning: "Prices with tax need exact arithmetic: use the calculator tool rather than the model.",
    alternatives: ["answer from the model directly", "ask the user for the tax rate"],
    confidence: 0.9,
  });

  let rate;
  try {
    rate = await fetchTaxRate("TX-Austin");
  } catch (err) {
    ctx.error(err); // recorded, then recovered from
    rate = await fetchTaxRate("TX-Austin");
  }
  ctx.memoryWrite({ key: "tax_rate:TX-Austin", value: { rate, source: "tax-service" }, memoryType: "key_value", overwrite: true });

  const total = await trace.run("compute-total", async () => {
    const { result } = calculator({ expr: `3 * 1201.99 * (1 + ${rate})`, api_key: "sk-demo-1234567890abcdefghijklmnop" });
    return formatCurrency({ amount: result }).text;
  });

  const final = fakeLlm(`Write the answer using ${total}; send the receipt to jane.doe@example.com`);
  ctx.llm({ model: "gpt-4o-mini", prompt: `Write the answer using ${total}; send the receipt to jane.doe@example.com`, response: final.text, tokensIn: final.tokensIn, tokensOut: final.tokensOut, durationMs: 702.9 });
  ctx.final({ answer: final.text });
  return final.text;
}, { userId: "user-42" });

await tracker.endSession(session.sessionId);
if (collector) writeFileSync(join(outDir, "demo-session.txt"), session.sessionId);
console.log(`Agent answer: ${answer}\n`);
console.log(tracker.explain(session.sessionId));
const stats = await tracker.shutdown(2000);

const { events, errors } = decodeNdjson(readFileSync(tracePath, "utf8"));
const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
console.log(`\nTrace: ${events.length} events written to ${tracePath}${errors.length ? ` (${errors.length} unreadable lines)` : ""}`);
console.log(`Accounting: tracked ${stats.tracked}, delivered ${stats.delivered}, dropped ${dropped}, pending ${stats.pending}`);
console.log(`Redaction: ${stats.redaction.keysRedacted ?? stats.redaction.keys_redacted} key(s) and ${stats.redaction.matchesRedacted ?? stats.redaction.matches_redacted} pattern match(es) replaced before anything left the process`);
