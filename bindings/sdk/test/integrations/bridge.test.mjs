// The bridge every integration records through (integrations/bridge.ts), driven with AI SDK
// records built by hand (plain JSON, as @agentlens/sdk/ai-sdk builds them; no framework
// needed, so this runs on the suite's Node 20): the core maps them into events handed back
// already serialised (`mapText`), which the recorder keeps and pushes as text, in order
// with the events `track()` staged around them, with the same sessions as `pushMapped`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tracker } from "@agentlens/sdk";

const { Bridge } = await import("../../dist/integrations/bridge.js");

const usage = { inputTokens: 120, outputTokens: 30, totalTokens: 150, inputTokenDetails: { noCacheTokens: 100, cacheReadTokens: 20, cacheWriteTokens: 0 }, outputTokenDetails: { textTokens: 30, reasoningTokens: 0 } };

/** One AI SDK generateText call, every hook in its order (`extra` goes into onStart). */
function call(callId, at, extra = {}) {
  return [
    { hook: "onStart", callId, at, operationId: "ai.generateText", functionId: "fare-agent", ...extra },
    { hook: "onLanguageModelCallStart", callId, at: at + 1, modelId: "gpt-5-mini", messages: [{ role: "user", content: "cheapest fare to JFK?" }] },
    { hook: "onLanguageModelCallEnd", callId, at: at + 5, modelId: "gpt-5-mini", finishReason: "stop", usage, content: [{ type: "text", text: "UA 1532, $318" }] },
    { hook: "onEnd", callId, at: at + 6, text: "UA 1532, $318" },
  ];
}

/** A tracker that sends nowhere, with every batch it pushes (parsed) in `events`. */
async function setup(t) {
  const tracker = new Tracker({ exporters: [], logLevel: "silent", flushIntervalMs: 600_000 });
  t.after(() => tracker.shutdown(1000));
  const events = [];
  tracker.recorder.tap((batch) => events.push(...JSON.parse(batch)));
  const bridge = new Bridge("ai-sdk", { tracker });
  // The first record waits for the mapper's wasm: load it, so later drains map at once.
  for (const r of call("warm-up", 1)) bridge.record(r);
  await bridge.flush(1000);
  events.length = 0;
  return { tracker, bridge, events };
}

test("mapped events keep their order with the track() events staged around them in the same turn", async (t) => {
  const { tracker, bridge, events } = await setup(t);
  const s = tracker.startSession({ agentName: "planner" });
  const before = tracker.track({ eventType: "generic", sessionId: s.sessionId });
  for (const r of call("c1", 100)) bridge.record(r);
  bridge.drain();
  const after = tracker.track({ eventType: "generic", sessionId: s.sessionId });
  await bridge.flush(1000);

  const order = events.map((e) => (e.session_id === s.sessionId ? (e.event_id ?? e.event_type) : e.event_type));
  assert.deepEqual(order, ["session_start", before, "session_start", "run_start", "llm_call", "run_end", "session_end", after]);
  const llm = events.find((e) => e.event_type === "llm_call");
  assert.equal(llm.model, "gpt-5-mini");
  assert.equal(llm.tokens_in, 120);
  assert.equal(tracker.stats().internalErrors, 0);
  assert.equal(tracker.stats().integrationSkipped, 0);
});

test("a session_start from the mapper opens a session that explain() shows, every event kept, session_start first", async (t) => {
  const { tracker, bridge, events } = await setup(t);
  for (const r of call("c2", 200)) bridge.record(r);
  await bridge.flush(1000);
  const start = events.find((e) => e.event_type === "session_start");
  assert.ok(start, JSON.stringify(events));
  const session = tracker.recorder.sessions.get(start.session_id);
  assert.ok(session, "the mapped session_start opened a session in the tracker");
  assert.equal(session.agentName, "fare-agent");
  assert.equal(session.status, "completed", "the mapped session_end closed it");
  assert.equal(session.eventCount, 3, "run_start, llm_call, run_end");
  const text = tracker.explain(start.session_id);
  assert.match(text, /fare-agent/);
  assert.match(text, /gpt-5-mini/);
});

test("a session id holding the field separator (U+001F) is read from the event's JSON", async (t) => {
  const { tracker, bridge, events } = await setup(t);
  const id = "odd\u001fsession";
  for (const r of call("c3", 300, { sessionId: id })) bridge.record(r);
  await bridge.flush(1000);
  const mine = events.filter((e) => e.session_id === id).map((e) => e.event_type);
  assert.deepEqual(mine, ["session_start", "run_start", "llm_call", "run_end"], JSON.stringify(events));
  const session = tracker.recorder.sessions.get(id);
  assert.equal(session?.agentName, "fare-agent");
  assert.equal(session?.eventCount, 3);
  assert.equal(tracker.stats().internalErrors, 0);
});

test("records the core could not map are counted in integrationSkipped, the others recorded", async (t) => {
  const { tracker, bridge, events } = await setup(t);
  bridge.record({ hook: "onStart", at: 1 }); // no callId
  bridge.record({ hook: "onEnd", callId: "never-started", at: 2 });
  for (const r of call("c4", 400)) bridge.record(r);
  await bridge.flush(1000);
  assert.equal(tracker.stats().integrationSkipped, 2);
  assert.equal(events.filter((e) => e.event_type === "llm_call").length, 1);
});
