// The wasm pipeline across the boundary: options, pushes, drains, responses, stats.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildInfo, createPipeline, ndjsonHeader } from "@agentlens/sdk";
import { decodeNdjson, decodeWireBody } from "@agentlens/sdk/analysis";

const seed = new Uint8Array(32).fill(7);
const body = (out) => JSON.parse(new TextDecoder().decode(out.body));
const llm = (i, session = "s1") => ({
  event_type: "llm_call", session_id: session, timestamp: "2026-11-22T10:00:00Z",
  model: "gpt-4o", input_data: { prompt: `question ${i}` }, output_data: { response: "ok" },
  tokens_in: 10, tokens_out: 2,
});

function identity(s) {
  const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
  return s.tracked === s.delivered + dropped + s.sampled_out + s.pending;
}

test("buildInfo reports the crate version", () => {
  assert.match(buildInfo().version, /^\d+\.\d+\.\d+/);
});

test("a full batch is sent as one AgentLens request body", () => {
  const p = createPipeline({}, seed);
  assert.equal(p.pushJson(0, JSON.stringify(Array.from({ length: 10 }, (_, i) => llm(i)))), 10);
  const outs = p.drain(0);
  const sends = outs.filter((o) => o.type === "send");
  assert.equal(sends.length, 1);
  const b = body(sends[0]);
  assert.equal(b.events.length, 10);
  assert.match(b.events[0].event_id, /^[0-9a-f]{16}$/);
  assert.equal(outs.at(-1).type, "wait");
  p.handleStatus(5, sends[0].id, 200, undefined, Date.now());
  p.drain(5);
  const s = p.stats();
  assert.equal(s.delivered, 10);
  assert.ok(identity(s));
});

test("fewer events than a batch wait for the flush interval", () => {
  const p = createPipeline({ flushIntervalMs: 1000 }, seed);
  p.pushJson(0, JSON.stringify([llm(1)]));
  const first = p.drain(0);
  assert.deepEqual(first.map((o) => o.type), ["wait"]);
  assert.equal(first[0].atMs, 1000);
  p.handleTimeout(1000);
  assert.equal(p.drain(1000).filter((o) => o.type === "send").length, 1);
});

test("a 503 is retried after a backoff and the retried body is identical", () => {
  const p = createPipeline({ batchSize: 1 }, seed);
  p.pushJson(0, JSON.stringify([llm(1)]));
  const [send] = p.drain(0).filter((o) => o.type === "send");
  p.handleStatus(10, send.id, 503, undefined, Date.now());
  const outs = p.drain(10);
  const wait = outs.at(-1);
  assert.equal(wait.type, "wait");
  assert.ok(wait.atMs >= 10 + 500 && wait.atMs <= 10 + 1000, `retry at ${wait.atMs}`);
  p.handleTimeout(wait.atMs);
  const [again] = p.drain(wait.atMs).filter((o) => o.type === "send");
  assert.deepEqual(again.body, send.body);
  assert.ok(identity(p.stats()));
});

test("Retry-After in seconds overrides the backoff", () => {
  const p = createPipeline({ batchSize: 1 }, seed);
  p.pushJson(0, JSON.stringify([llm(1)]));
  const [send] = p.drain(0).filter((o) => o.type === "send");
  p.handleStatus(0, send.id, 429, "7", Date.now());
  assert.equal(p.drain(0).at(-1).atMs, 7000);
});

test("a 400 is final and counted as rejected, never thrown", () => {
  const p = createPipeline({ batchSize: 2 }, seed);
  p.pushJson(0, JSON.stringify([llm(1), llm(2)]));
  const [send] = p.drain(0).filter((o) => o.type === "send");
  p.handleStatus(1, send.id, 400, undefined, Date.now());
  const notes = p.drain(1).filter((o) => o.type === "dropped");
  assert.deepEqual(notes, [{ type: "dropped", reason: "rejected", count: 2, sink: 0 }]);
  assert.equal(p.stats().dropped.rejected, 2);
});

test("each output has the documented shape, and a body is the host's own copy", () => {
  const p = createPipeline({ batchSize: 2 }, seed);
  assert.deepEqual(p.drain(0), [{ type: "wait", atMs: null }], "nothing pending: nothing to wait for");
  p.pushJson(0, JSON.stringify([llm(1), llm(2)]));
  const outs = p.drain(0);
  assert.deepEqual(outs.map((o) => Object.keys(o).sort()), [["body", "events", "id", "sink", "timeoutMs", "type"], ["atMs", "type"]]);
  const [send, wait] = outs;
  assert.ok(send.body instanceof Uint8Array);
  assert.deepEqual([send.type, send.sink, send.events, typeof send.id, typeof send.timeoutMs], ["send", 0, 2, "number", "number"]);
  assert.equal(typeof wait.atMs, "number", "a request in flight: the core has a deadline");
  // The core frees the body it handed over and reuses that memory: the host's copy stays.
  const before = body(send);
  for (let i = 0; i < 20; i++) {
    p.pushJson(0, JSON.stringify([llm(`x${"y".repeat(20_000)}${i}`), llm(i)]));
    p.drain(0);
  }
  assert.deepEqual(body(send), before);
  p.handleStatus(1, send.id, 200, undefined, Date.now());
  const notices = p.drain(1).filter((o) => o.type !== "wait" && o.type !== "send");
  assert.deepEqual(notices, [{ type: "delivered", events: 2, sink: 0 }]);
});

test("input that is not an event is counted invalid, not thrown", () => {
  const p = createPipeline({}, seed);
  assert.equal(p.pushJson(0, "[1, \"x\", {\"event_type\":\"generic\",\"session_id\":\"a\"}]"), 1);
  assert.equal(p.pushJson(0, "{not json"), 0);
  const s = p.stats();
  assert.equal(s.dropped.invalid, 3);
  assert.ok(identity(s));
});

test("bad options are refused at construction with the option's name", () => {
  assert.throws(() => createPipeline({ batchSiz: 3 }), (e) => e.name === "AgentLensConfigError" && /batchSiz/.test(e.message));
  assert.throws(() => createPipeline({ sampleRate: 2 }), (e) => e.name === "AgentLensConfigError" && /sample_rate|sampleRate/.test(e.message));
  assert.throws(
    () => createPipeline({ redactPatterns: [{ name: "broken", regex: "(" }] }),
    (e) => e.name === "AgentLensConfigError" && /broken/.test(e.message),
  );
});

test("ndjson format writes model-shaped lines that read back", () => {
  const p = createPipeline({ format: "ndjson", batchSize: 2 }, seed);
  p.pushJson(0, JSON.stringify([{ ...llm(1), event_type: "decision" }, llm(2)]));
  const [send] = p.drain(0).filter((o) => o.type === "send");
  const text = ndjsonHeader("test") + new TextDecoder().decode(send.body);
  const { header, events, errors } = decodeNdjson(text);
  assert.equal(header.format, "agentlens-trace");
  assert.deepEqual(errors, []);
  assert.deepEqual(events.map((e) => e.event_type), ["decision", "llm_call"]);
});

test("decode errors carry a position and a name", () => {
  assert.throws(() => decodeWireBody(new TextEncoder().encode('{"events":\n[{')), (e) => e.name === "AgentLensDecodeError" && /line 2/.test(e.message));
  const { events, errors } = decodeNdjson('{"session_id":"a"}\n{oops\n');
  assert.equal(events.length, 1);
  assert.match(errors[0], /line 2/);
});
