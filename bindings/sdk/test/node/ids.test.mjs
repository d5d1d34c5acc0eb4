// Ids come from the core a block at a time: tracking many events makes no wasm call per
// event, and the ids keep the core's format (16 lowercase hex, never all zero) and never
// repeat, across events, tool calls, decisions, sessions and trackers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { init } from "@agentlens/sdk";
import { countPipelineCalls, totalCalls } from "../support/wasm-calls.mjs";

const quiet = { logger: () => {} };

/** Every call into a PipelineWasm while `fn` runs (synchronously). */
const wasmCalls = (fn) => totalCalls(countPipelineCalls(fn));

test("10,000 tracked events mint their ids without a wasm call per event, all distinct", () => {
  const tracker = init({ ...quiet, exporters: [] });
  tracker.startSession({ agentName: "ids" });
  const ids = [];
  const N = 10_000;
  const calls = wasmCalls(() => {
    for (let i = 0; i < N; i++) ids.push(tracker.track({ eventType: "llm_call", tokensIn: 3, tokensOut: 4 }));
  });
  assert.ok(calls <= Math.ceil(N / 256) + 1, `${calls} wasm calls for ${N} events`);
  assert.ok(calls >= 1, "the ids do come from the core");
  assert.equal(new Set(ids).size, N);
  for (const id of ids) assert.match(id, /^[0-9a-f]{16}$/);
  assert.ok(!ids.includes("0".repeat(16)));
});

test("events with a tool call and a decision take three ids each, still in blocks and distinct", async () => {
  const seen = [];
  const exporter = { name: "keep", format: "ndjson", send: async (r) => (seen.push(new TextDecoder().decode(r.body)), { status: 200 }) };
  const tracker = init({ ...quiet, exporters: [exporter], batchSize: 500 });
  tracker.startSession({ agentName: "ids" });
  const N = 2000;
  const calls = wasmCalls(() => {
    for (let i = 0; i < N; i++) tracker.track({ eventType: "tool_call", toolName: "search", reasoning: "because" });
  });
  // Id blocks (3 ids an event), plus at most the pushes a full stage drains synchronously.
  assert.ok(calls <= Math.ceil((3 * N) / 256) + 1 + 2 * Math.ceil(N / 512), `${calls} wasm calls`);
  await tracker.flush();
  const events = seen.flatMap((b) => b.split("\n").filter(Boolean).map((l) => JSON.parse(l)));
  const all = events.flatMap((e) => [e.event_id, e.tool_call?.tool_call_id, e.decision_trace?.trace_id]).filter(Boolean);
  assert.equal(all.length, 3 * N, "an event id, a tool call id and a decision id per event (the session start has none)");
  assert.equal(new Set(all).size, all.length);
});

test("two trackers never share ids", () => {
  const a = init({ ...quiet, exporters: [] });
  const b = init({ ...quiet, exporters: [] });
  const ids = new Set();
  for (let i = 0; i < 1000; i++) {
    ids.add(a.track({ eventType: "generic" }));
    ids.add(b.track({ eventType: "generic" }));
  }
  assert.equal(ids.size, 2000);
});
