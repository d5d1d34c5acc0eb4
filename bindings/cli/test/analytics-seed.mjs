// Realistic traffic for the analytics tests (not a test file): the AgentLens Python SDK's
// event shapes (see helpers.mjs PYTHON_SDK_BATCH) for three agents over two UTC days a few
// days ago, plus one old session. Times are relative to now so the `days` windows hold
// them; each test derives what it expects from these events, never from the collector.
import { post } from "./helpers.mjs";

export const DAY = 86_400_000;
const HOUR = 3_600_000;

/** 08:00 UTC three days ago: every seeded day stays inside one UTC day. */
export function seedOrigin(now = Date.now()) {
  return Math.floor((now - 3 * DAY) / DAY) * DAY + 8 * HOUR;
}

const iso = (ms) => new Date(ms).toISOString();
let n = 0;
const eid = () => (++n).toString(16).padStart(16, "0");

function llm(sid, at, model, tin, tout, duration, extra = {}) {
  return { event_id: eid(), session_id: sid, event_type: "llm_call", timestamp: iso(at), input_data: { prompt: "q" }, output_data: { response: "a" }, model, tokens_in: tin, tokens_out: tout, duration_ms: duration, ...extra };
}

function tool(sid, at, name, duration, type = "tool_call", extra = {}) {
  return {
    event_id: eid(), session_id: sid, event_type: type, timestamp: iso(at), tokens_in: 0, tokens_out: 0, duration_ms: duration,
    tool_call: { tool_call_id: eid(), tool_name: name, tool_input: { q: "x" }, tool_output: { ok: true }, timestamp: iso(at), duration_ms: duration },
    ...extra,
  };
}

const start = (sid, agent, at) => ({ event_type: "session_start", session_id: sid, agent_name: agent, metadata: {}, timestamp: iso(at) });
const end = (sid, at, status) => ({ event_type: "session_end", session_id: sid, ended_at: iso(at), status });

/** The seeded events (session records included), in order, for `t0 = seedOrigin()`. */
export function seedEvents(t0, now = Date.now()) {
  const a2 = t0 + HOUR;
  const a3 = t0 + DAY;
  const b1 = t0 + 2 * HOUR;
  const b2 = t0 + DAY + 2 * HOUR;
  const s1 = t0 + 3 * HOUR;
  const old = now - 100 * DAY;
  return [
    start("alpha-1", "alpha", t0), llm("alpha-1", t0 + 1000, "gpt-4o", 1000, 500, 100), tool("alpha-1", t0 + 2000, "search", 50), end("alpha-1", t0 + 5000, "completed"),
    start("alpha-2", "alpha", a2), llm("alpha-2", a2 + 1000, "gpt-4o", 1000, 500, 200), tool("alpha-2", a2 + 40_000, "search", 50), end("alpha-2", a2 + 50_000, "completed"),
    start("alpha-3", "alpha", a3), llm("alpha-3", a3 + 1000, "gpt-4o", 1000, 500, 300), tool("alpha-3", a3 + 2000, "calculator", 50),
    // Failed by its status: the core counts it as an error although its type is llm_call.
    llm("alpha-3", a3 + 3000, "gpt-4o", 10, 0, 900, { status: "timeout" }), end("alpha-3", a3 + 20_000, "error"),
    start("beta-1", "beta", b1), llm("beta-1", b1 + 1000, "claude-3-haiku", 2000, 100, 400),
    tool("beta-1", b1 + 1500, "search", 20, "tool_error", { output_data: { error: "rate limited" } }), end("beta-1", b1 + 3000, "error"),
    start("beta-2", "beta", b2), llm("beta-2", b2 + 1000, "claude-3-haiku", 2000, 100, 500),
    { event_id: eid(), session_id: "beta-2", event_type: "agent_error", timestamp: iso(b2 + 2000), output_data: { message: "boom", error_type: "ValueError" }, tokens_in: 0, tokens_out: 0 },
    end("beta-2", b2 + 9000, "completed"),
    start("solo-1", "solo", s1), llm("solo-1", s1 + 1000, "mystery-model", 100, 100, 70),
    start("alpha-old", "alpha", old), llm("alpha-old", old + 1000, "gpt-4o", 1000, 500, 1000), end("alpha-old", old + 2000, "completed"),
  ];
}

/** Posts the seeded events to `c`; returns them with their origin. */
export async function seed(c) {
  const now = Date.now();
  const t0 = seedOrigin(now);
  const events = seedEvents(t0, now);
  const r = await post(c, "/events", { events });
  if (r.status !== 200) throw new Error(`seeding failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { t0, now, events, records: events.filter((e) => e.event_type !== "session_start" && e.event_type !== "session_end") };
}

/** The p-th percentile of `values`, interpolated linearly (the AgentLens backend's rule), as a reference. */
export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  const at = (p / 100) * (s.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return lo === hi ? s[lo] : s[lo] + (s[hi] - s[lo]) * (at - lo);
}

/** Rounded as the collector rounds: half up, at 12 significant digits (so the order of a sum cannot move a tie). */
const round = (x, f) => Math.round(Number((x * f).toPrecision(12))) / f;
export const r2 = (x) => round(x, 100);
export const r4 = (x) => round(x, 10000);
