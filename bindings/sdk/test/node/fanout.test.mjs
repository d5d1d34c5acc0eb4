// Fan-out in the core: one pipeline with a sink per exporter. Each event is redacted
// once however many exporters there are, crosses into wasm once, and each exporter gets
// its own framing (AgentLens request bodies, NDJSON lines) and its own batcher: a
// failing exporter retries on its own while the other delivers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { init } from "@agentlens/sdk";
import { countPipelineCalls } from "../support/wasm-calls.mjs";

const quiet = { logger: () => {} };
const decoder = new TextDecoder();

/** An exporter that keeps every body it is sent and answers `status(n)` for the n-th request. */
function capture(format, status = () => 200) {
  const bodies = [];
  let n = 0;
  return {
    bodies,
    exporter: { name: `capture-${format}`, format, send: async (r) => (bodies.push(decoder.decode(r.body)), { status: status(n++) }) },
  };
}


const SECRET = "reach me at bob@example.com";

test("two exporters: each event is redacted once, pushed once, and framed per exporter", async () => {
  const http = capture("agentlens");
  const file = capture("ndjson");
  const tracker = init({ ...quiet, exporters: [http.exporter, file.exporter], batchSize: 100 });
  let stats;
  const calls = await countPipelineCalls(async () => {
    tracker.startSession({ agentName: "fan", sessionId: "fan-1" });
    for (let i = 0; i < 20; i++) tracker.track({ eventType: "llm_call", inputData: { prompt: SECRET, i } });
    await tracker.endSession("fan-1");
    stats = tracker.stats();
  });
  assert.equal(calls.pushJsonBytes, 1, "one crossing for every exporter: the recorder drained once");

  // 20 matches in 20 events, once each: not 40 for two exporters.
  assert.equal(stats.redaction.matchesRedacted, 20);
  assert.deepEqual(stats.perExporter.map((e) => e.redaction.matchesRedacted), [20, 20]);
  assert.deepEqual(stats.perExporter.map((e) => [e.tracked, e.delivered]), [[22, 22], [22, 22]]);
  assert.equal(stats.tracked, 44, "delivery is counted per exporter");

  const wire = http.bodies.flatMap((b) => JSON.parse(b).events);
  const lines = file.bodies.flatMap((b) => b.split("\n").filter(Boolean).map((l) => JSON.parse(l)));
  assert.ok(http.bodies.every((b) => b.startsWith('{"events":[')), "AgentLens request bodies");
  assert.ok(file.bodies.every((b) => b.endsWith("\n") && !b.startsWith('{"events"')), "NDJSON lines");
  assert.equal(wire.length, 22);
  assert.equal(lines.length, 22);
  assert.deepEqual(wire.map((e) => e.event_id), lines.map((e) => e.event_id), "the same events, same ids, same order");
  for (const e of [...wire, ...lines]) assert.ok(!JSON.stringify(e).includes("bob@example.com"));
  // Each keeps its own wire shape: the HTTP body is backend-compatible, the file model-shaped.
  assert.equal(wire.at(-1).event_type, "session_end");
  assert.ok("agentlens_total_tokens_in" in wire.at(-1) || "total_tokens_in" in wire.at(-1));
  assert.equal(lines.at(-1).total_tokens_in, 0);
  await tracker.shutdown(1000);
});

test("a failing exporter retries on its own; the other is not held up", async () => {
  // The first exporter's receiver fails twice, then recovers.
  const flaky = capture("agentlens", (n) => (n < 2 ? 503 : 200));
  const steady = capture("ndjson");
  const tracker = init({ ...quiet, exporters: [flaky.exporter, steady.exporter], backoffBaseMs: 5, backoffCapMs: 10 });
  tracker.startSession({ agentName: "fan", sessionId: "fan-2" });
  for (let i = 0; i < 5; i++) tracker.track({ eventType: "generic", inputData: { i } });
  assert.equal(await tracker.flush(), true);
  const [a, b] = tracker.stats().perExporter;
  assert.deepEqual([a.delivered, a.retries, a.pending], [6, 2, 0]);
  assert.deepEqual([b.delivered, b.retries, b.pending], [6, 0, 0]);
  assert.equal(flaky.bodies.length, 3, "the same batch three times");
  assert.equal(steady.bodies.length, 1);
  await tracker.shutdown(1000);
});

test("no exporter: options are still checked by the core and ids still minted", () => {
  assert.throws(() => init({ ...quiet, exporters: [], batchSize: 0 }), (e) => e.name === "AgentLensConfigError" && e.option === "batchSize");
  const tracker = init({ ...quiet, exporters: [] });
  assert.match(tracker.track({ eventType: "generic" }), /^[0-9a-f]{16}$/);
  assert.deepEqual(tracker.stats().perExporter, []);
});
