// explain() through the explain digest each session keeps (core/session.ts): every text
// must equal the core's full re-read, `explainJson` of all the events the session keeps,
// in both styles, as events arrive, are forgotten (event and character bounds) and
// sessions end, with the tracker's redaction options. Generated sessions, seeded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { init, trace } from "@agentlens/sdk";
// The wasm module the package loaded (the same file, so the same instance).
import * as w from "../../wasm/agentlens_wasm.js";

const { SessionRecord, SessionTable } = await import("@agentlens/sdk/internal");
const wasm = () => w;

/** xorshift32: the same sessions on every run. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return { below: (n) => next() % n, pick: (xs) => xs[next() % xs.length] };
}

const TEXTS = [
  "plain words",
  "mail jane.doe@example.com now",
  "key sk-abcdefghijklmnopqrstuvwxyz0123456789",
  "card 4111 1111 1111 1111",
  "emoji 😀 \"quoted\" back\\slash [brackets], {braces}",
  "order A-7731 for customer_ref 99",
];
const text = (r) => Array.from({ length: 1 + r.below(r.below(6) === 0 ? 40 : 3) }, () => r.pick(TEXTS)).join(" ");

/** The full re-read: the core reads, redacts and renders every event the session keeps. */
function fullReread(tracker, sessionId, style) {
  const record = tracker.recorder.sessions.get(sessionId);
  if (!record) return `Session ${sessionId} not found.`;
  return wasm().explainJson(tracker.coreOptions, record.eventsJson(), style);
}

function assertSame(tracker, sessionId, where) {
  for (const style of ["sdk", "backend"]) {
    assert.equal(tracker.explain(sessionId, style), fullReread(tracker, sessionId, style), `${where}, ${style}`);
  }
}

/** One random recording call in `sessionId`, through each kind of API. */
function record(tracker, r, sessionId) {
  switch (r.below(8)) {
    case 0:
      return tracker.track({ eventType: "llm_call", sessionId, model: r.pick(["gpt-4o", ""]), inputData: { prompt: text(r), api_key: "k-1" }, outputData: { response: text(r) }, tokensIn: r.below(300), tokensOut: r.below(90), durationMs: r.below(9000) / 8 });
    case 1:
      return tracker.trackTool({ toolName: r.pick(["search", "db"]), toolInput: { q: text(r) }, toolOutput: { rows: r.below(9), note: text(r) }, durationMs: r.below(4000) / 4, sessionId });
    case 2:
      return tracker.track({ eventType: "decision", sessionId, reasoning: text(r), alternatives: [text(r), text(r)], confidence: r.below(1000) / 800 });
    case 3:
      return tracker.track({ eventType: r.pick(["error", "memory_write", "final", "my_custom"]), sessionId, outputData: r.below(2) ? { answer: text(r) } : text(r) });
    case 4:
      return tracker.track({ eventType: "tool_call", sessionId, toolName: "browser", toolInput: text(r), attributes: { note: text(r) } });
    default:
      return tracker.track({ eventType: "llm_call", sessionId, inputData: { prompt: text(r) }, outputData: { response: text(r) }, tokensIn: 120, tokensOut: 45 });
  }
}

test("explain() of generated sessions equals the core's full re-read of the kept events, in both styles, as events arrive and are forgotten", async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const r = rng(seed * 7919);
    const maxEvents = r.pick([0, 1, 5, 40, 1000]);
    const tracker = init({
      exporters: [],
      logger: () => {},
      explainMaxEvents: maxEvents,
      redactKeys: ["customer_ref"],
      redactPatterns: seed % 2 ? [{ name: "order", regex: "A-[0-9]+" }] : undefined,
      redactionMarker: seed % 3 ? undefined : "<hidden>",
    });
    const a = tracker.startSession({ agentName: `agent-${seed} mail x@example.com` }).sessionId;
    const b = "feedfacefeedface"; // a session this tracker did not start: no session_start
    for (let step = 0; step < 150; step++) {
      record(tracker, r, r.below(4) ? a : b);
      if (r.below(5) === 0) {
        const where = `seed ${seed} (maxEvents ${maxEvents}), step ${step}`;
        assertSame(tracker, a, where);
        assertSame(tracker, b, where);
      }
    }
    await trace.run("outer", (ctx) => {
      ctx.llm({ model: "m", prompt: text(r), response: text(r), tokensIn: 3, tokensOut: 4 });
      trace.run("inner", (inner) => {
        inner.memoryWrite({ key: "user.email", value: "jane.doe@example.com", overwrite: true });
        inner.error({ errorType: "Timeout", message: text(r), critical: true });
      });
      ctx.decision({ reasoning: text(r), alternatives: ["a", "b"], confidence: 0.625 });
      ctx.final({ answer: text(r) });
    });
    await tracker.endSession(a);
    assertSame(tracker, a, `seed ${seed}, ended`);
    assertSame(tracker, b, `seed ${seed}, other session`);
    await tracker.shutdown(1000);
  }
});

/** Events as the recorder keeps them: JSON object text, of very different sizes. */
function eventJson(r, i) {
  const kind = r.pick(["llm_call", "tool_call", "decision", "run_start", "run_end", "session_end", "error"]);
  const e = { event_id: `e${i}`, session_id: "s1", event_type: kind, timestamp: new Date(Date.UTC(2026, 10, 22, 9) + i * 250 - r.below(2000)).toISOString() };
  if (kind === "llm_call") Object.assign(e, { model: "gpt-4o", input_data: { prompt: text(r) }, output_data: { response: text(r) }, tokens_in: r.below(99), tokens_out: 7 });
  if (kind === "tool_call") e.tool_call = { tool_name: "search", tool_input: { q: text(r) }, duration_ms: 12.25 };
  if (kind === "decision") e.decision_trace = { reasoning: text(r), alternatives_considered: [text(r)], confidence: 0.5 };
  if (kind === "run_start") Object.assign(e, { run_id: `r${i}`, parent_run_id: r.below(2) ? "r0" : undefined, run_name: text(r) });
  if (kind === "run_end") Object.assign(e, { run_id: "r0", status: r.pick(["completed", "failed"]) });
  if (kind === "session_end") Object.assign(e, { status: r.pick(["completed", "timeout"]), total_tokens_in: r.below(3), ended_at: e.timestamp });
  if (kind === "error") e.error = { error_type: "E", message: text(r), critical: r.below(2) === 0 };
  return JSON.stringify(e);
}

test("a session record's explanation equals the full re-read under its event and character bounds, past compaction", () => {
  const create = (style) => new (wasm().ExplainDigestWasm)(style === "backend");
  const options = JSON.stringify({ redactKeys: ["q"] });
  const redactor = new (wasm().RedactorWasm)(options);
  for (const limits of [{ maxEvents: 30, maxChars: 4_000 }, { maxEvents: 3, maxChars: 1_000_000 }, { maxEvents: 500, maxChars: 20_000 }, { maxEvents: 0, maxChars: 100 }]) {
    const r = rng(limits.maxEvents + limits.maxChars);
    const s = new SessionRecord("s1", "agent", undefined, "2026-11-22T09:00:00.000Z", "started", limits);
    s.keep('{"event_type":"session_start","session_id":"s1","agent_name":"bounded","timestamp":"2026-11-22T09:00:00Z"}', true);
    for (let i = 0; i < 3_000; i++) {
      s.keep(eventJson(r, i), false);
      if (r.below(60) === 0 || i === 2_999) {
        for (const style of ["sdk", "backend"]) {
          assert.equal(s.explain(style, redactor, create), wasm().explainJson(options, s.eventsJson(), style), `${JSON.stringify(limits)}, event ${i}, ${style}`);
        }
      }
    }
    assert.ok(s.forgotten > 0, "events were forgotten");
    s.dispose();
  }
});

test("a digest is made again after a failure, and freed when its session is forgotten", () => {
  const made = [];
  const create = (style) => {
    const d = new (wasm().ExplainDigestWasm)(style === "backend");
    const counted = { free: 0 };
    made.push(counted);
    return { update: (...args) => d.update(...args), free: () => (counted.free++, d.free()) };
  };
  const options = JSON.stringify({ redactPatterns: [{ name: "order", regex: "A-[0-9]+" }] });
  const redactor = new (wasm().RedactorWasm)(options);
  const s = new SessionRecord("s1", "agent", undefined, "t", "started", { maxEvents: 2, maxChars: 1_000 });
  s.keep('{"event_type":"decision","session_id":"s1","decision_trace":{"reasoning":"order A-12"}}', false);
  assert.match(s.explain("sdk", redactor, create), /Reasoning: order \[REDACTED\]$/);
  s.keep("{not json", false);
  assert.throws(() => s.explain("sdk", redactor, create), { name: "AgentLensDecodeError" });
  assert.throws(() => wasm().explainJson(options, s.eventsJson(), "sdk"), { name: "AgentLensDecodeError" }, "as the full re-read fails");
  assert.equal(made[0].free, 1, "a digest that failed is dropped");
  s.keep('{"event_type":"llm_call","session_id":"s1"}', false);
  s.keep('{"event_type":"final","session_id":"s1","output_data":{"answer":"A-9"}}', false);
  assert.equal(s.explain("sdk", redactor, create), wasm().explainJson(options, s.eventsJson(), "sdk"), "the bad event was forgotten");
  assert.equal(made.length, 2, "a new digest read the kept events again");
  assert.equal(s.explain("backend", redactor, create), wasm().explainJson(options, s.eventsJson(), "backend"));
  const table = new SessionTable(0, 10);
  table.add(s, false);
  s.end("t");
  table.ended(s);
  assert.deepEqual(table.all(), [], "the ended session was forgotten");
  assert.deepEqual(made.map((m) => m.free), [1, 1, 1], "an evicted session frees its digests");
});
