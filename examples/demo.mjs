// A simulated agent, traced end to end: a deterministic fake LLM, real tool functions,
// no API key. Its events go through the wasm core (redaction, truncation, batching) and
// land in an NDJSON trace file, which is then read back and summarised.
//
//   npm run demo            # writes out/demo-trace.ndjson
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createDriver, decodeNdjson, ndjsonHeader } from "agentlens";

const tracePath = new URL("../out/demo-trace.ndjson", import.meta.url);
mkdirSync(new URL("../out/", import.meta.url), { recursive: true });
writeFileSync(tracePath, ndjsonHeader("agentlens-demo/0.1.0"));

// The host: where bytes go (a file), the clock, and timers that never keep Node alive.
let timer;
const host = {
  now: () => performance.now(),
  wallClock: () => Date.now(),
  send: async (req) => {
    appendFileSync(tracePath, req.body);
    return { status: 200 };
  },
  schedule: (atMs, wake) => {
    clearTimeout(timer);
    if (atMs !== null) timer = setTimeout(wake, Math.max(0, atMs - performance.now())).unref();
  },
  warn: (m) => console.warn(m),
};
const tracer = createDriver(host, { format: "ndjson" });

// --- the agent -------------------------------------------------------------------
const sessionId = tracer.newId();
let clock = Date.parse("2026-11-22T09:00:00Z");
const at = (ms = 0) => new Date((clock += ms)).toISOString();
const emit = (event) => tracer.push([{ session_id: sessionId, timestamp: at(7), ...event }]);

function fakeLlm(prompt) {
  // Deterministic "model": answers from the prompt's shape.
  if (prompt.includes("plan")) return { text: "Use the calculator, then format the total.", tokensIn: 412, tokensOut: 38 };
  const total = prompt.match(/\$[\d,]+\.\d\d/)?.[0] ?? "unknown";
  return { text: `The total for 3 laptops is ${total} including tax.`, tokensIn: 655, tokensOut: 41 };
}
const tools = {
  calculator: ({ expr }) => {
    if (!/^[\d+\-*/(). ]+$/.test(expr)) throw new Error("unsupported expression");
    return { result: Math.round(Function(`return (${expr})`)() * 100) / 100 };
  },
  currency: ({ amount }) => ({ text: `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2 })}` }),
};
let flaky = 1;
function lookupTaxRate() {
  if (flaky-- > 0) throw new Error("rates service timed out (connect ECONNRESET)");
  return { rate: 0.0825 };
}

emit({ event_type: "session_start", agent_name: "shopping-assistant", metadata: { version: "1.2.0", env: "demo" } });
const question = "What do 3 laptops at $1,201.99 cost with tax? Email the receipt to jane.doe@example.com";
const run = tracer.newId();
emit({ event_type: "run_start", run_id: run, run_name: "answer-question", user_id: "user-42" });

const plan = fakeLlm(`plan: ${question}`);
emit({
  event_type: "llm_call", run_id: run, model: "gpt-4o-mini",
  input_data: { prompt: `plan: ${question}` }, output_data: { response: plan.text },
  tokens_in: plan.tokensIn, tokens_out: plan.tokensOut, duration_ms: 640.2,
});
emit({
  event_type: "decision", run_id: run,
  decision_trace: { step: 2, reasoning: "Arithmetic is exact with a tool; the LLM is not.", alternatives_considered: ["answer directly"], confidence: 0.9 },
});

let rate;
try {
  rate = lookupTaxRate();
} catch (err) {
  emit({ event_type: "error", run_id: run, error: { error_type: err.name, message: err.message, critical: false } });
  rate = lookupTaxRate(); // retry once: recovered
}
emit({ event_type: "memory_write", run_id: run, memory: { key: "tax_rate", value: rate, memory_type: "key_value", overwrite: true } });

const child = tracer.newId();
emit({ event_type: "run_start", run_id: child, parent_run_id: run, run_name: "compute-total" });
const calcInput = { expr: `3 * 1201.99 * (1 + ${rate.rate})`, api_key: "sk-demo-1234567890abcdefghijklmnop" };
const calc = tools.calculator(calcInput);
emit({ event_type: "tool_call", run_id: child, tool_call: { tool_name: "calculator", tool_input: calcInput, tool_output: calc, duration_ms: 0.4 }, duration_ms: 0.4 });
const money = tools.currency({ amount: calc.result });
emit({ event_type: "tool_call", run_id: child, tool_call: { tool_name: "currency", tool_input: { amount: calc.result }, tool_output: money, duration_ms: 0.1 }, duration_ms: 0.1 });
emit({ event_type: "run_end", run_id: child, status: "completed", duration_ms: 3.1 });

const answer = fakeLlm(`answer with ${money.text}`);
emit({
  event_type: "llm_call", run_id: run, model: "gpt-4o-mini",
  input_data: { prompt: `Write the answer using ${money.text}; receipt to jane.doe@example.com` },
  output_data: { response: answer.text }, tokens_in: answer.tokensIn, tokens_out: answer.tokensOut, duration_ms: 702.9,
});
emit({ event_type: "final", run_id: run, output_data: { answer: answer.text } });
emit({ event_type: "run_end", run_id: run, status: "completed", duration_ms: 1460.3 });
emit({ event_type: "session_end", status: "completed", total_tokens_in: plan.tokensIn + answer.tokensIn, total_tokens_out: plan.tokensOut + answer.tokensOut });

const stats = await tracer.shutdown(2000);

// --- what happened ---------------------------------------------------------------
const { events, errors } = decodeNdjson(readFileSync(tracePath, "utf8"));
console.log(`Agent answer: ${answer.text}\n`);
console.log(`Trace of session ${sessionId} (${events.length} events):`);
for (const [i, e] of events.entries()) {
  const detail =
    e.model ? `model ${e.model}, ${e.tokens_in} in / ${e.tokens_out} out` :
    e.tool_call ? `${e.tool_call.tool_name}(${JSON.stringify(e.tool_call.tool_input)})` :
    e.decision_trace ? `because: ${e.decision_trace.reasoning}` :
    e.error ? `${e.error.error_type}: ${e.error.message} (recovered)` :
    e.memory ? `${e.memory.key} = ${JSON.stringify(e.memory.value)}` :
    e.run_name ? `run "${e.run_name}"${e.parent_run_id ? " (nested)" : ""}` :
    e.output_data?.answer ? `answer: ${e.output_data.answer}` : e.status ?? e.agent_name ?? "";
  console.log(`${String(i + 1).padStart(2)}. ${e.event_type.padEnd(13)} ${detail}`);
}
console.log(`\nStats: tracked ${stats.tracked}, delivered ${stats.delivered}, dropped ${Object.values(stats.dropped).reduce((a, b) => a + b, 0)}, pending ${stats.pending}`);
console.log(`Redaction: ${stats.redaction.keys_redacted} key(s) and ${stats.redaction.matches_redacted} pattern match(es) replaced before anything was written`);
console.log(`Trace file: ${tracePath.pathname}${errors.length ? ` (${errors.length} unreadable lines)` : ""}`);
