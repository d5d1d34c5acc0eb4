// Delivery as a user meets it: `shutdown` and `flush` keep driving the core through
// retries, backoff and Retry-After until everything is delivered or the deadline passes;
// the exit hook does the same; a wrong or unreachable endpoint, a refused key or a spent
// retry budget each give one clear warning naming the endpoint (never the key), and
// `stats()` says what went wrong last. Against a real HTTP receiver on loopback.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { init } from "@agentlens/sdk";
import { startReceiver } from "../support/receiver.mjs";

const dropped = (s) => Object.values(s.dropped).reduce((a, b) => a + b, 0);
const identityHolds = (s) => s.tracked === s.delivered + dropped(s) + s.sampledOut + s.pending;
// Only an explicit flush, shutdown or the exit hook sends; backoff short enough to test.
const quiet = { batchSize: 1000, flushIntervalMs: 600_000, backoffBaseMs: 50, backoffCapMs: 200 };

function tracked(receiver, options = {}) {
  const warnings = [];
  const tracker = init({ endpoint: receiver.url, apiKey: "secret-key-123", logger: (level, m) => warnings.push(`${level}: ${m}`), ...quiet, ...options });
  tracker.startSession({ agentName: "outage" });
  for (let i = 0; i < 3; i++) tracker.track({ eventType: "llm_call", model: "gpt-4o", inputData: { seq: i } });
  return { tracker, warnings };
}

/** An HTTP date `secs` seconds from now, as a server would send it. */
const httpDate = (secs) => new Date(Date.now() + secs * 1000).toUTCString();

for (const [name, outage, atLeastMs] of [
  ["503 twice", () => [503, 503], 0],
  ["429 with Retry-After in seconds", () => [{ status: 429, retryAfter: 1 }], 900],
  ["429 with Retry-After as an HTTP date", () => [{ status: 429, retryAfter: httpDate(2) }], 900],
  ["a connection reset", () => ["reset", "reset"], 0],
  ["502, 504 and a reset", () => [502, 504, "reset"], 0],
]) {
  test(`shutdown delivers every event through ${name}, taking as long as it must`, { timeout: 30_000 }, async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    const behaviours = outage();
    receiver.behave(...behaviours);
    const { tracker, warnings } = tracked(receiver);
    const started = performance.now();
    const stats = await tracker.shutdown(20_000);
    const took = performance.now() - started;
    assert.equal(receiver.events().length, 4, "session start and three events arrived before shutdown resolved");
    assert.equal(stats.delivered, 4);
    assert.equal(stats.pending, 0);
    assert.equal(dropped(stats), 0, JSON.stringify(stats.dropped));
    assert.ok(identityHolds(stats));
    assert.equal(receiver.requests.length, behaviours.length + 1, "one retry per failure, nothing more");
    assert.ok(took >= atLeastMs, `shutdown waited out Retry-After (${took.toFixed(0)} ms)`);
    assert.ok(!warnings.join("\n").includes("secret-key-123"));
  });
}

test("flush waits for the retries too, and says whether everything got through", { timeout: 30_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  receiver.behave(503, { status: 429, retryAfter: 1 });
  const { tracker } = tracked(receiver);
  assert.equal(await tracker.flush(), true);
  assert.equal(receiver.events().length, 4);
  assert.equal(tracker.stats().pending, 0);

  receiver.behave({ status: 429, retryAfter: 5 });
  tracker.track({ eventType: "final", outputData: { answer: "4" } });
  assert.equal(await tracker.flush(200), false, "the timeout came first; the event is still pending");
  assert.equal(tracker.stats().pending, 1);
  await tracker.shutdown(20_000);
  assert.equal(receiver.events().length, 5, "and it was delivered by shutdown");
});

test("what the deadline leaves is counted shutdown_timeout and reported with the cause", { timeout: 30_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  receiver.behave({ status: 429, retryAfter: 30 });
  const { tracker, warnings } = tracked(receiver);
  const stats = await tracker.shutdown(500);
  assert.equal(stats.dropped.shutdown_timeout, 4);
  assert.equal(stats.pending, 0);
  assert.ok(identityHolds(stats));
  assert.equal(stats.perExporter[0].lastError.problem, "rate_limited");
  assert.equal(stats.perExporter[0].lastError.gaveUp, "shutdown_timeout");
  const text = warnings.join("\n");
  assert.match(text, /rate limiting \(HTTP 429\)/);
  assert.match(text, /dropped 4 event\(s\) \(shutdown_timeout 4\)/);
});

/** A loopback port with nothing listening on it. */
async function closedPort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

test("an unreachable endpoint gives one warning naming it, and every event is accounted for", { timeout: 30_000 }, async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const warnings = [];
  const tracker = init({ endpoint, apiKey: "secret-key-123", logger: (level, m) => warnings.push(`${level}: ${m}`), ...quiet, maxRetries: 2 });
  tracker.startSession();
  for (let i = 0; i < 3; i++) tracker.track({ eventType: "llm_call" });
  const stats = await tracker.shutdown(10_000);
  assert.equal(stats.pending, 0);
  assert.equal(stats.dropped.retries_exhausted, 4);
  assert.ok(identityHolds(stats));
  const delivery = warnings.filter((w) => w.includes("could not deliver"));
  assert.equal(delivery.length, 1, warnings.join("\n"));
  assert.match(delivery[0], /^warn: /);
  assert.ok(delivery[0].includes(`${endpoint}/events`), delivery[0]);
  assert.match(delivery[0], /nothing answered there: check that the receiver is running/);
  assert.ok(!warnings.join("\n").includes("secret-key-123"), "never the key");
  const last = stats.perExporter[0].lastError;
  assert.equal(last.problem, "network");
  assert.equal(last.gaveUp, "retries_exhausted");
  assert.equal(last.count, 3);
  assert.equal(stats.perExporter[0].target, `${endpoint}/events`);
});

test("a custom exporter whose send() fails is pointed at its send(), never at an endpoint option it does not have", { timeout: 30_000 }, async () => {
  const variants = [
    { format: "ndjson", send: async () => ({ ok: true }) },
    { format: "ndjson", send: async () => { throw new Error("disk full"); } },
    { format: "agentlens", target: "queue:orders", send: async () => ({ failure: "network" }) },
  ];
  for (const { format, target, send } of variants) {
    const warnings = [];
    const exporter = { name: "mine", format, target, send };
    const tracker = init({ exporters: [exporter], logger: (level, m) => warnings.push(`${level}: ${m}`), ...quiet, maxRetries: 1 });
    tracker.track({ eventType: "llm_call" });
    const stats = await tracker.shutdown(10_000);
    assert.equal(stats.dropped.retries_exhausted, stats.tracked, "every event is accounted for");
    const delivery = warnings.filter((w) => w.includes("could not deliver"));
    assert.equal(delivery.length, 1, warnings.join("\n"));
    assert.match(delivery[0], /exporter "mine" could not deliver( to queue:orders)?: its send\(\) threw, rejected, or answered/);
    assert.doesNotMatch(delivery[0], /endpoint|AGENTLENS_ENDPOINT|nothing answered/);
    assert.match(stats.perExporter[0].lastError.message, /its send\(\)/);
  }
});

test("a refused key and a wrong path each get their own warning, and the drops their reason", { timeout: 30_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  receiver.behave(401, 401, 404);
  const { tracker, warnings } = tracked(receiver);
  await tracker.flush();
  tracker.track({ eventType: "llm_call" });
  await tracker.flush();
  tracker.track({ eventType: "llm_call" });
  const stats = await tracker.shutdown(5000);
  assert.equal(stats.dropped.rejected, 6);
  const delivery = warnings.filter((w) => w.includes("could not deliver"));
  assert.equal(delivery.length, 2, delivery.join("\n"));
  assert.match(delivery[0], /refused the API key \(HTTP 401\): check the apiKey option/);
  assert.match(delivery[1], /nothing receives events at this URL \(HTTP 404\)/);
  assert.equal(stats.perExporter[0].lastError.status, 404);
  assert.ok(!warnings.join("\n").includes("secret-key-123"));
});

test("a busy receiver that recovers is not worth a warning", { timeout: 30_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  receiver.behave(503);
  const { tracker, warnings } = tracked(receiver);
  await tracker.shutdown(10_000);
  assert.deepEqual(warnings.filter((w) => w.startsWith("warn:")), []);
  assert.equal(tracker.stats().perExporter[0].lastError.problem, "server_error", "but stats remember it");
});

const child = fileURLToPath(new URL("./fixtures/delivery-child.mjs", import.meta.url));

async function runChild(args) {
  const proc = spawn(process.execPath, [child, ...args], { stdio: ["ignore", "pipe", "pipe"], timeout: 25_000 });
  let stderr = "";
  proc.stderr.on("data", (c) => (stderr += c));
  proc.stdout.resume();
  const [code, signal] = await once(proc, "exit");
  return { code, signal, stderr };
}

test("the exit hook drains through retries and Retry-After before the process ends", { timeout: 30_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  receiver.behave(503, { status: 429, retryAfter: 1 }, "reset");
  const { code, signal, stderr } = await runChild([receiver.url]);
  assert.equal(signal, null, stderr);
  assert.equal(code, 0, stderr);
  // The 503 and the 429 are a busy receiver (no warning); the reset is a network error,
  // warned about once. Nothing was dropped, so there is no drop report.
  assert.equal(stderr.match(/could not deliver/g)?.length, 1, stderr);
  assert.match(stderr, /nothing answered there/);
  assert.doesNotMatch(stderr, /dropped/);
  assert.deepEqual(receiver.events().filter((e) => e.event_type === "llm_call").map((e) => e.input_data.seq), [0, 1, 2, 3, 4]);
});

test("at the default log level, an unreachable endpoint is named on stderr before the process ends", { timeout: 30_000 }, async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const { code, stderr } = await runChild([endpoint, "fast-exit"]);
  assert.equal(code, 0, stderr);
  assert.ok(stderr.includes(`could not deliver to ${endpoint}/events`), stderr);
  assert.match(stderr, /dropped \d+ event\(s\) \(shutdown_timeout \d+\)/);
  assert.ok(!stderr.includes("child-secret-key"), "never the key");
});
