// Synthetic traces for the viewer's tests and benchmark (AgentLens NDJSON wire events):
// deterministic, with nested runs, LLM calls on several models, tools, memory, decisions
// and errors spread over agents.

const AGENTS = ["shopping-assistant", "research-agent", "support-bot", "planner"];
const MODELS = ["gpt-4o", "gpt-4o-mini", "claude-3.5-sonnet", "gemini-1.5-flash"];
const TOOLS = ["search", "calculator", "fetch_page", "send_email"];

/** Zero-padded hex id from a number. */
const hex = (n, width = 16) => n.toString(16).padStart(width, "0");

/**
 * The events of session `s` (index), `n` events long (at least 7), starting at `t0` ms.
 * Sessions whose index is divisible by 5 fail (an error event and status "error").
 */
export function sessionEvents(s, n, t0 = Date.UTC(2026, 10, 1, 9, 0, 0) + s * 60_000) {
  const sid = `sess-${hex(s, 8)}`;
  const agent = AGENTS[s % AGENTS.length];
  const fails = s % 5 === 0;
  const run = `run-${hex(s, 8)}`;
  const child = `run-${hex(s, 8)}-c`;
  const iso = (ms) => new Date(ms).toISOString().replace("Z", "000Z");
  const out = [];
  let t = t0;
  let k = 0;
  const ev = (fields) => out.push({ event_id: hex(s * 1_000_003 + k++), session_id: sid, timestamp: iso(t), ...fields });
  out.push({ session_id: sid, event_type: "session_start", timestamp: iso(t), agent_name: agent, metadata: { env: "test" } });
  ev({ event_type: "run_start", run_id: run, run_name: "answer" });
  ev({ event_type: "run_start", run_id: child, parent_run_id: run, run_name: "tools" });
  const body = n - 7; // so the session has exactly n events
  for (let i = 0; i < body; i++) {
    t += 7;
    const which = i % 4;
    if (which === 0) {
      const model = MODELS[(s + i) % MODELS.length];
      ev({ event_type: "llm_call", run_id: run, model, tokens_in: 100 + (i % 50), tokens_out: 20 + (i % 10), duration_ms: 120 + (i % 30), input_data: { prompt: `step ${i} of ${agent}` }, output_data: { response: `answer ${i}` } });
    } else if (which === 1) {
      const tool = TOOLS[(s + i) % TOOLS.length];
      ev({ event_type: "tool_call", run_id: child, parent_run_id: run, tool_call: { tool_name: tool, tool_call_id: `tc-${i}` }, input_data: { query: `q${i}` }, output_data: { result: { ok: true, n: i } }, duration_ms: 15 });
    } else if (which === 2) {
      ev({ event_type: "memory_write", run_id: run, memory: { key: `k${i}`, value: { v: i }, memory_type: "key_value" } });
    } else {
      ev({ event_type: "decision", run_id: run, decision_trace: { reasoning: `because ${i}`, alternatives_considered: ["a", "b"], confidence: 0.5 } });
    }
  }
  t += 5;
  if (fails) ev({ event_type: "error", run_id: run, error: { error_type: "TimeoutError", message: `tool timed out in ${sid}`, critical: false } });
  else ev({ event_type: "final", run_id: run, output_data: { answer: "done" } });
  ev({ event_type: "run_end", run_id: child, parent_run_id: run, status: "completed", duration_ms: t - t0 - 1 });
  ev({ event_type: "run_end", run_id: run, status: fails ? "error" : "completed", duration_ms: t - t0 });
  out.push({ session_id: sid, event_type: "session_end", timestamp: iso(t + 1), ended_at: iso(t + 1), status: fails ? "error" : "completed" });
  return out;
}

/** An NDJSON trace of `sessions` sessions of `perSession` events (as a string). */
export function ndjsonTrace(sessions, perSession) {
  const lines = ['{"format":"agentlens-trace","version":1,"producer":"www-test"}'];
  for (let s = 0; s < sessions; s++) for (const e of sessionEvents(s, perSession)) lines.push(JSON.stringify(e));
  return `${lines.join("\n")}\n`;
}

/** Writes an NDJSON trace of about `total` events to a stream, a session at a time. */
export async function writeNdjsonTrace(stream, total, perSession = 1000) {
  const sessions = Math.max(1, Math.round(total / perSession));
  const write = (text) => (stream.write(text) ? Promise.resolve() : new Promise((r) => stream.once("drain", r)));
  await write('{"format":"agentlens-trace","version":1,"producer":"www-bench"}\n');
  for (let s = 0; s < sessions; s++) await write(`${sessionEvents(s, perSession).map((e) => JSON.stringify(e)).join("\n")}\n`);
  await new Promise((r) => stream.end(r));
  return sessions * perSession;
}

/** What the status line must call each format the core's importer detects. */
export const FORMAT_NAMES = {
  ndjson: "AgentLens NDJSON",
  agentlens_batch: "AgentLens batch",
  agentlens_session: "AgentLens session export",
  inspector_export: "Agent Inspector export",
  otlp_json: "OTLP JSON",
  openai_agents: "OpenAI Agents trace",
  event_array: "AgentLens event array",
};
