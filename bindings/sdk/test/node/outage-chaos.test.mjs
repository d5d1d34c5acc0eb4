// The SDK through a long outage (issue 17, chaos): a loopback receiver scripted to cycle
// through 500, 503, 429 + Retry-After, connection resets, stalls past the request timeout,
// final refusals and OTLP partial success (`rejected_spans`), retries running out, then
// recovery; for the AgentLens wire and for OTLP. The accounting identity
//   tracked = delivered + Σ dropped(reason) + sampledOut + pending
// is checked every millisecond while the outage runs (summed and per exporter), after
// every step with each step's own deltas, and at the end `shutdown` with a deadline
// delivers what the deadline allows and counts the rest by reason. Backoffs and timeouts
// are small (the whole file runs in seconds); only Retry-After waits as sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createOtlpExporter, init } from "@agentlens/sdk";
import { startReceiver } from "../support/receiver.mjs";
import { startOtlpReceiver } from "../otlp/receiver.mjs";

const REASONS = ["buffer_full", "retries_exhausted", "rejected", "too_large", "shutdown_timeout", "hold_full", "invalid"];
const droppedTotal = (s) => Object.values(s.dropped).reduce((a, b) => a + b, 0);
const FAST = { batchSize: 1000, flushIntervalMs: 600_000, backoffBaseMs: 20, backoffCapMs: 80, maxRetries: 3, requestTimeoutMs: 400, maxRequestEvents: 4, logLevel: "silent" };

/** Every way the identity fails in `stats` (summed and per exporter); [] when it holds. */
function broken(stats) {
  return [stats, ...stats.perExporter].filter((s) => s.tracked !== s.delivered + droppedTotal(s) + s.sampledOut + s.pending)
    .map((s) => `${s.name ?? "sum"}: tracked ${s.tracked} != delivered ${s.delivered} + dropped ${JSON.stringify(s.dropped)} + sampledOut ${s.sampledOut} + pending ${s.pending}`);
}

/** Checks the identity every millisecond until stopped; `stop()` returns what it saw broken. */
function watch(tracker) {
  const seen = [];
  let checks = 0;
  const timer = setInterval(() => {
    checks++;
    for (const b of broken(tracker.stats())) if (seen.length < 5) seen.push(b);
  }, 1);
  return () => {
    clearInterval(timer);
    return { seen, checks };
  };
}

/** The change in each count from `a` to `b`. */
function delta(a, b) {
  const dropped = {};
  for (const r of REASONS) dropped[r] = (b.dropped[r] ?? 0) - (a.dropped[r] ?? 0);
  return { tracked: b.tracked - a.tracked, delivered: b.delivered - a.delivered, dropped, pending: b.pending - a.pending, partialRejected: b.partialRejected - a.partialRejected };
}

const none = Object.fromEntries(REASONS.map((r) => [r, 0]));
const only = (reason, n) => ({ ...none, [reason]: n });

/**
 * The outage script of one wire: [name, answers, events tracked, what the step must end
 * with]. Each step tracks its events, queues its answers and flushes (retries included).
 */
function script(wire) {
  const otlp = wire === "otlp";
  return [
    ["healthy", [200], 4, { delivered: 4, dropped: none }],
    // AgentLens retries every 5xx (the backend's 500 is a failed transaction); OTLP only
    // 429, 502, 503, 504: its 500 is final.
    otlp ? ["500 (final under OTLP)", [500], 4, { delivered: 0, dropped: only("rejected", 4) }] : ["500 (retried)", [500, 200], 4, { delivered: 4, dropped: none }],
    ["503 twice", [503, 503, 200], 4, { delivered: 4, dropped: none }],
    ["429 with Retry-After: 1", [{ status: 429, retryAfter: 1 }, 200], 4, { delivered: 4, dropped: none, atLeastMs: 900 }],
    ["connection resets", ["reset", "reset", 200], 4, { delivered: 4, dropped: none }],
    ["a stall past the request timeout", ["timeout", 200], 4, { delivered: 4, dropped: none }],
    ["a 503 with Retry-After, then a reset", [{ status: 503, retryAfter: 0 }, "reset", 200], 3, { delivered: 3, dropped: none }],
    otlp
      ? ["partial success: 2 spans rejected", [{ partial: { rejected: 2, message: "spans too old" } }], 4, { delivered: 2, dropped: only("rejected", 2), partialRejected: 2 }]
      : ["a final refusal (400)", [400], 4, { delivered: 0, dropped: only("rejected", 4) }],
    ["retries run out (503 four times, maxRetries 3)", [503, 503, 503, 503], 4, { delivered: 0, dropped: only("retries_exhausted", 4) }],
    ["recovery", [200, 200], 8, { delivered: 8, dropped: none }],
  ];
}

/** A tracker for `wire` against a fresh receiver, its session started and delivered. */
async function setup(t, wire) {
  const receiver = wire === "otlp" ? await startOtlpReceiver() : await startReceiver();
  t.after(() => receiver.close());
  const tracker = wire === "otlp"
    ? init({ exporters: [createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, protocol: "http/json" })], ...FAST })
    : init({ endpoint: receiver.url, apiKey: "chaos-key", ...FAST });
  tracker.startSession({ agentName: "chaos", sessionId: `chaos-${wire}` });
  assert.equal(await tracker.flush(5000), true);
  return { receiver, tracker };
}

let seq = 0;
const trackSome = (tracker, n, tag) => {
  for (let i = 0; i < n; i++) tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 10, tokensOut: 2, inputData: { tag, seq: seq++ } });
};

for (const wire of ["agentlens", "otlp"]) {
  test(`${wire}: through 500, 503, 429 + Retry-After, resets, stalls, refusals and spent retries every event is delivered, dropped by reason or pending`, { timeout: 60_000 }, async (t) => {
    const { receiver, tracker } = await setup(t, wire);
    const stop = watch(tracker);
    for (const [name, answers, n, want] of script(wire)) {
      const before = tracker.stats();
      receiver.behave(...answers);
      const requestsBefore = receiver.requests.length;
      trackSome(tracker, n, name);
      assert.deepEqual(broken(tracker.stats()), [], `${name}: right after tracking`);
      const started = performance.now();
      assert.equal(await tracker.flush(10_000), true, `${name}: the flush settled every event`);
      const took = performance.now() - started;
      const after = tracker.stats();
      assert.deepEqual(broken(after), [], `${name}: after the flush`);
      const d = delta(before, after);
      assert.equal(d.tracked, n, `${name}: tracked`);
      assert.equal(d.delivered, want.delivered, `${name}: delivered ${JSON.stringify(d)}`);
      assert.deepEqual(d.dropped, want.dropped, `${name}: dropped by reason`);
      assert.equal(after.pending, 0, `${name}: nothing pending`);
      assert.equal(d.partialRejected, want.partialRejected ?? 0, `${name}: partial rejections`);
      assert.equal(receiver.requests.length - requestsBefore, answers.length, `${name}: one request per scripted answer, nothing more`);
      if (want.atLeastMs) assert.ok(took >= want.atLeastMs, `${name}: Retry-After was waited out (${took.toFixed(0)} ms)`);
    }
    const { seen, checks } = stop();
    assert.deepEqual(seen, [], "the identity held at every check during the outage");
    assert.ok(checks > 10, `checked ${checks} times while the outage ran`);
    if (wire === "agentlens") {
      // What the stats call delivered is what the receiver accepted (the session's start included).
      assert.equal(receiver.events().length, tracker.stats().delivered);
    }
  });

  test(`${wire}: shutdown with a deadline delivers what the deadline allows and counts the rest shutdown_timeout`, { timeout: 60_000 }, async (t) => {
    const { receiver, tracker } = await setup(t, wire);
    const before = tracker.stats();
    // Three requests of at most 4 events: the first after a reset, the second after a
    // stall, the third told to come back in 30 s, past the deadline.
    receiver.behave("reset", 200, "timeout", 200, { status: 429, retryAfter: 30 });
    trackSome(tracker, 12, "shutdown");
    const stop = watch(tracker);
    const stats = await tracker.shutdown(2500);
    const { seen } = stop();
    assert.deepEqual(seen, [], "the identity held while shutting down");
    assert.deepEqual(broken(stats), []);
    const d = delta(before, stats);
    assert.equal(d.tracked, 12);
    assert.equal(stats.pending, 0, "nothing is left pending after shutdown");
    assert.equal(d.delivered, 8, `the two requests the deadline allowed were delivered: ${JSON.stringify(d)}`);
    assert.deepEqual(d.dropped, only("shutdown_timeout", 4), "the request held past the deadline is counted shutdown_timeout");
    if (wire === "agentlens") assert.equal(receiver.events().length, stats.delivered);
  });
}
