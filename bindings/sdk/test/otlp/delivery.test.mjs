// OTLP delivery end to end: the tracker, the core's OTLP policy (docs/otlp.md: retry 429,
// 502, 503, 504 and network failures, honour Retry-After on 429 and 503, every other
// status final, partial success final and counted) and createOtlpExporter, against a real
// local HTTP server scripting its answers. Each test checks the number of requests the
// server saw and that stats() adds up. Backoffs are small; only Retry-After waits as sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createOtlpExporter, Tracker } from "@agentlens/sdk";
import { startOtlpReceiver } from "./receiver.mjs";
import { spansOfBody } from "./schema.mjs";

const FAST = { backoffBaseMs: 20, backoffCapMs: 100, requestTimeoutMs: 5000 };

/** `tracked = delivered + Σ dropped + sampledOut + pending`. */
function identityHolds(s) {
  const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
  return s.tracked === s.delivered + dropped + s.sampledOut + s.pending;
}
const droppedTotal = (s) => Object.values(s.dropped).reduce((a, b) => a + b, 0);

/**
 * A tracker with one OTLP exporter to a fresh receiver and a session started and flushed:
 * a start is remembered for its end's span, not queued, so nothing is tracked or sent yet.
 */
async function setup(t, { protocol = "http/protobuf", logs } = {}) {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const otlp = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, protocol });
  const logger = logs ? (level, message) => logs.push({ level, message }) : undefined;
  const tracker = new Tracker({ exporters: [otlp], logLevel: logs ? "debug" : "silent", logger, ...FAST });
  t.after(() => tracker.shutdown(1000));
  tracker.startSession({ agentName: "delivery", sessionId: `delivery-${protocol.slice(5)}` });
  assert.equal(await tracker.flush(), true);
  assert.equal(tracker.stats().tracked, 0);
  assert.equal(receiver.requests.length, 0);
  return { receiver, tracker, base: 0 };
}

/** Tracks `n` LLM calls and flushes them (retries included); resolves with the requests that flush caused. */
async function batch(receiver, tracker, n, tag) {
  const before = receiver.requests.length;
  for (let i = 0; i < n; i++) tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 10, tokensOut: 2, attributes: { tag, i } });
  assert.equal(await tracker.flush(), true, `${tag}: flush settled`);
  return receiver.requests.slice(before);
}

test("a scripted outage: each status handled as the OTLP policy says, requests and stats exact", async (t) => {
  const { receiver, tracker, base } = await setup(t);
  const script = [
    // [answers, events, requests the server sees, delivered?]
    ["500 is final", [500], 3, 1, false],
    ["502 then 504 are retried", [502, 504, 200], 3, 3, true],
    ["a reset connection is retried", ["reset", 200], 3, 2, true],
    ["400 is final", [400], 3, 1, false],
    ["413 is final", [413], 3, 1, false],
    ["503 without Retry-After is retried", [503, 200], 3, 2, true],
  ];
  let expectDelivered = 0;
  let expectDropped = 0;
  let expectRequests = base;
  let expectRetries = 0;
  for (const [what, answers, n, requests, delivered] of script) {
    receiver.behave(...answers);
    const seen = await batch(receiver, tracker, n, what);
    assert.equal(seen.length, requests, `${what}: the server saw ${requests} request(s), got ${seen.map((r) => r.outcome).join(",")}`);
    expectRequests += requests;
    expectRetries += requests - 1;
    if (delivered) expectDelivered += n;
    else expectDropped += n;
    const s = tracker.stats();
    assert.equal(s.delivered, expectDelivered, `${what}: ${JSON.stringify(s)}`);
    assert.equal(droppedTotal(s), expectDropped, `${what}: ${JSON.stringify(s.dropped)}`);
    assert.ok(identityHolds(s), `${what}: ${JSON.stringify(s)}`);
  }
  const s = tracker.stats();
  assert.equal(s.requests, expectRequests);
  assert.equal(s.requests, receiver.requests.length);
  assert.equal(s.retries, expectRetries);
  assert.equal(s.pending, 0);
  assert.equal(s.dropped.rejected + s.dropped.too_large, expectDropped, "final statuses count as rejected (or too_large)");
  // Every body the server saw, retries included, is a valid OTLP request.
  for (const r of receiver.requests.slice(base)) assert.equal(spansOfBody(r.body, r.headers["content-type"]).length, 3);
});

test("503 with Retry-After in seconds waits that long before the retry", async (t) => {
  const { receiver, tracker } = await setup(t);
  receiver.behave({ status: 503, retryAfter: 1 }, 200);
  const seen = await batch(receiver, tracker, 2, "503 + Retry-After: 1");
  assert.equal(seen.length, 2);
  assert.ok(seen[1].at - seen[0].at >= 900, `the retry came ${seen[1].at - seen[0].at} ms later (backoff alone is at most 100 ms)`);
  const s = tracker.stats();
  assert.equal(s.delivered, 2);
  assert.equal(s.retries, 1);
  assert.ok(identityHolds(s));
});

test("429 with Retry-After as an HTTP date waits until then before the retry", async (t) => {
  const { receiver, tracker } = await setup(t);
  // An HTTP date has whole seconds: at least 600 ms from now whatever the rounding.
  const date = new Date(Date.now() + 1600).toUTCString();
  receiver.behave({ status: 429, retryAfter: date }, 200);
  const seen = await batch(receiver, tracker, 2, "429 + HTTP date");
  assert.equal(seen.length, 2);
  assert.ok(seen[1].at - seen[0].at >= 500, `the retry came ${seen[1].at - seen[0].at} ms later`);
  const s = tracker.stats();
  assert.equal(s.delivered, 2);
  assert.equal(s.retries, 1);
  assert.ok(identityHolds(s));
});

for (const protocol of ["http/protobuf", "http/json"]) {
  test(`a 200 with partial_success (${protocol} response) is final, its rejected spans counted exactly and its message logged once`, async (t) => {
    const logs = [];
    const { receiver, tracker, base } = await setup(t, { protocol, logs });
    receiver.behave({ partial: { rejected: 2, message: "2 spans older than the retention window" } });
    const seen = await batch(receiver, tracker, 5, "partial");
    assert.equal(seen.length, 1, "a partial success is never retried");
    assert.equal(spansOfBody(seen[0].body, seen[0].headers["content-type"]).length, 5);
    receiver.behave({ partial: { rejected: 1, message: "2 spans older than the retention window" } });
    assert.equal((await batch(receiver, tracker, 4, "partial again")).length, 1);

    const s = tracker.stats();
    assert.equal(s.partialRejected, 3, JSON.stringify(s));
    assert.equal(s.dropped.rejected, 3);
    assert.equal(s.delivered, 5 + 4 - 3);
    assert.equal(s.requests, base + 2);
    assert.equal(s.retries, 0);
    assert.ok(identityHolds(s), JSON.stringify(s));
    const logged = logs.filter((l) => l.message.includes("older than the retention window"));
    assert.equal(logged.length, 1, logs.map((l) => l.message).join("\n"));
  });
}

test("a failure's message names what to check for an OTLP receiver, not the AgentLens variables", async (t) => {
  const logs = [];
  const { receiver, tracker } = await setup(t, { logs });
  receiver.behave(401);
  await batch(receiver, tracker, 1, "unauthorized");
  receiver.behave(404);
  await batch(receiver, tracker, 1, "not-found");
  const messages = logs.filter((l) => l.level === "warn").map((l) => l.message).join("\n");
  assert.match(messages, /OTEL_EXPORTER_OTLP_HEADERS/);
  assert.match(messages, /full traces URL/);
  assert.doesNotMatch(messages, /AGENTLENS_|<endpoint>\/events/);
  const down = new Tracker({ exporters: [createOtlpExporter({ endpoint: "http://127.0.0.1:9/v1/traces" })], logLevel: "silent", maxRetries: 0, ...FAST });
  down.startSession({ sessionId: "down" });
  down.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 1, tokensOut: 1 });
  await down.shutdown(5000);
  assert.match(down.stats().perExporter[0].lastError.message, /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
  assert.match(messages + "\n", /dropped 1 span\(s\) \(rejected 1\)/, "an OTLP exporter's records are spans");
});
