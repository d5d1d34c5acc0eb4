// The HTTP exporter against a local receiver that fails on command: 500, 503, 429 with
// Retry-After, timeouts and connection resets. The Driver and the wasm core decide what
// to retry; these tests check that across an outage that ends in time every event
// arrives exactly once, in order per session, in requests of at most 500 events, with
// the accounting identity intact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createHttpExporter, nodePlatform } from "@agentlens/sdk";
import { startReceiver } from "../support/receiver.mjs";
import { driverFor, identityHolds, llmEvent } from "../support/driver.mjs";

// Small backoffs keep the suite fast; the 429's Retry-After (1 s) still applies as sent.
const FAST = { backoffBaseMs: 20, backoffCapMs: 100, requestTimeoutMs: 300 };
const request = (body, timeoutMs = 1000) => ({ id: 1, events: 1, timeoutMs, body: new TextEncoder().encode(body) });

test("an outage that ends in time loses nothing: every event once, in order, batches of at most 500", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  // Node's fetch initialises itself on its first use, which on a loaded machine takes
  // longer than the 300 ms request timeout below; done here, outside the script (the
  // receiver answers anything but POST /events with a 404 and does not record it).
  await fetch(`${receiver.url}/warm-up`, { method: "OPTIONS" }).catch(() => {});
  // Five failures in a row (the core's default maxRetries is 5), a success, then more.
  receiver.behave(500, 503, { status: 429, retryAfter: 1 }, "timeout", "reset", 200, 503, "reset", 502, 200, 504);
  const exporter = createHttpExporter({ endpoint: `${receiver.url}/`, apiKey: "test-key-123" });
  const { driver, until } = driverFor(exporter, { platform: nodePlatform(), options: FAST });

  const sessions = ["sa", "sb", "sc"];
  const events = Array.from({ length: 1200 }, (_, i) => llmEvent(sessions[i % 3], i));
  driver.push(events.slice(0, 700));
  driver.push(events.slice(700));
  await driver.flush();
  const stats = await until((s) => s.pending === 0);

  assert.equal(stats.tracked, 1200);
  assert.equal(stats.delivered, 1200, JSON.stringify(stats));
  assert.ok(identityHolds(stats), JSON.stringify(stats));
  assert.deepEqual(Object.values(stats.dropped).filter((n) => n > 0), []);

  const failures = receiver.requests.filter((r) => !(typeof r.outcome === "number" && r.outcome < 300));
  assert.equal(failures.length, 9, "every queued failure was met");
  assert.equal(stats.retries, 9);
  assert.equal(stats.requests, receiver.requests.length);

  for (const r of receiver.requests) {
    assert.equal(r.method, "POST");
    assert.equal(r.path, "/events", "the trailing slash of the endpoint is stripped");
    assert.equal(r.headers["x-api-key"], "test-key-123");
    assert.match(r.headers["content-type"], /^application\/json/);
    assert.ok(r.body.events.length <= 500, `a request of ${r.body.events.length} events`);
  }
  assert.ok(receiver.requests.some((r) => r.body.events.length === 500), "1200 events need full 500-event requests");

  const got = receiver.events();
  assert.equal(got.length, 1200);
  const seqs = got.map((e) => e.input_data.seq);
  assert.equal(new Set(seqs).size, 1200, "no event delivered twice");
  for (const s of sessions) {
    const order = got.filter((e) => e.session_id === s).map((e) => e.input_data.seq);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `session ${s} in order`);
    assert.equal(order.length, 400);
  }
});

test("an outage longer than the retries drops that batch as retries_exhausted and the rest still arrives", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  receiver.behave(503, 503, 503);
  const exporter = createHttpExporter({ endpoint: receiver.url, apiKey: "k" });
  const { driver, until } = driverFor(exporter, { platform: nodePlatform(), options: { ...FAST, maxRetries: 2, batchSize: 5 } });

  driver.push(Array.from({ length: 5 }, (_, i) => llmEvent("s", i)));
  await until((s) => s.dropped.retries_exhausted === 5);
  driver.push(Array.from({ length: 5 }, (_, i) => llmEvent("s", 5 + i)));
  const stats = await until((s) => s.pending === 0);

  assert.equal(stats.delivered, 5);
  assert.equal(stats.dropped.retries_exhausted, 5);
  assert.ok(identityHolds(stats));
  assert.deepEqual(receiver.events().map((e) => e.input_data.seq), [5, 6, 7, 8, 9]);
});

test("statuses and Retry-After are reported as they came", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  receiver.behave({ status: 429, retryAfter: 1 }, 413, { status: 503, retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT" });
  const exporter = createHttpExporter({ endpoint: receiver.url, apiKey: "k" });
  assert.deepEqual(await exporter.send(request('{"events":[]}')), { status: 429, retryAfter: "1" });
  assert.deepEqual(await exporter.send(request('{"events":[]}')), { status: 413, retryAfter: null });
  assert.deepEqual(await exporter.send(request('{"events":[]}')), { status: 503, retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT" });
  assert.deepEqual(await exporter.send(request('{"events":[]}')), { status: 200, retryAfter: null });
});

test("a request the server holds past the timeout is reported as a timeout", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  receiver.behave("timeout", "timeout");
  const fromCore = createHttpExporter({ endpoint: receiver.url, apiKey: "k" });
  assert.deepEqual(await fromCore.send(request('{"events":[]}', 100)), { failure: "timeout" });
  const fromOptions = createHttpExporter({ endpoint: receiver.url, apiKey: "k", timeoutMs: 100 });
  assert.deepEqual(await fromOptions.send(request('{"events":[]}', 60_000)), { failure: "timeout" }, "timeoutMs shortens the core's");
  await receiver.waitFor((r) => r.requests.every((q) => q.outcome === "timeout"));
});

test("a reset connection and a refused connection are network failures, never rejections", async (t) => {
  const receiver = await startReceiver();
  receiver.behave("reset");
  const exporter = createHttpExporter({ endpoint: receiver.url, apiKey: "k" });
  assert.deepEqual(await exporter.send(request("{}")), { failure: "network" });
  await receiver.close();
  // Nothing listens on the port now.
  assert.deepEqual(await exporter.send(request("{}")), { failure: "network" });
  t.diagnostic(`refused on ${receiver.url}`);
});

test("extra headers are sent, and the API key and content type cannot be overridden", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const exporter = createHttpExporter({
    endpoint: `${receiver.url}/ingest//`,
    apiKey: "the-key",
    headers: { "X-Tenant": "t1", "x-api-key": "other", "content-type": "text/plain" },
  });
  assert.deepEqual(await exporter.send(request('{"events":[]}')), { status: 200, retryAfter: null });
  const [r] = receiver.requests;
  assert.equal(r.path, "/ingest/events");
  assert.equal(r.headers["x-tenant"], "t1");
  assert.equal(r.headers["x-api-key"], "the-key");
  assert.equal(r.headers["content-type"], "application/json");
});

test("the response body is always consumed", async () => {
  let pulled = 0;
  let cancelled = 0;
  const fetch = async () =>
    new Response(
      new ReadableStream({
        pull(c) {
          pulled++;
          c.enqueue(new TextEncoder().encode('{"success":true}'));
          c.close();
        },
        cancel() {
          cancelled++;
        },
      }),
      { status: 202 },
    );
  const exporter = createHttpExporter({ endpoint: "http://127.0.0.1:9", apiKey: "k", fetch });
  assert.deepEqual(await exporter.send(request("{}")), { status: 202, retryAfter: null });
  assert.ok(pulled + cancelled > 0, "the body was read or cancelled");

  // A body announced as large is cancelled, not read into memory.
  pulled = cancelled = 0;
  const big = async () =>
    new Response(new ReadableStream({ cancel() { cancelled++; } }), { status: 200, headers: { "Content-Length": String(10 << 20) } });
  const bigExporter = createHttpExporter({ endpoint: "http://127.0.0.1:9", apiKey: "k", fetch: big });
  assert.deepEqual(await bigExporter.send(request("{}")), { status: 200, retryAfter: null });
  assert.equal(cancelled, 1);
});

test("a fetch that throws or rejects becomes a network failure", async () => {
  const throws = createHttpExporter({ endpoint: "http://127.0.0.1:9", apiKey: "k", fetch: () => { throw new Error("sync"); } });
  assert.deepEqual(await throws.send(request("{}")), { failure: "network" });
  const rejects = createHttpExporter({ endpoint: "http://127.0.0.1:9", apiKey: "k", fetch: async () => { throw new TypeError("fetch failed"); } });
  assert.deepEqual(await rejects.send(request("{}")), { failure: "network" });
});

test("our own requests bypass a fetch instrumented after load, and unwrap __original when loaded after it", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const real = globalThis.fetch;
  let traced = 0;
  const instrumented = Object.assign((...args) => {
    traced++;
    return real(...args);
  }, { __original: real });
  t.after(() => {
    globalThis.fetch = real;
  });

  // Instrumented after the package loaded: the exporter kept the fetch it found.
  globalThis.fetch = instrumented;
  const early = createHttpExporter({ endpoint: receiver.url, apiKey: "k" });
  assert.deepEqual(await early.send(request('{"events":[]}')), { status: 200, retryAfter: null });

  // Instrumented before the package loaded (a fresh process): the exporter unwraps it.
  const child = `
    const real = globalThis.fetch;
    let traced = 0;
    globalThis.fetch = Object.assign((...args) => { traced++; return real(...args); }, { __original: real });
    const { createHttpExporter } = await import("@agentlens/sdk");
    const late = createHttpExporter({ endpoint: ${JSON.stringify(receiver.url)}, apiKey: "k" });
    const answer = await late.send({ id: 1, events: 1, timeoutMs: 5000, body: new TextEncoder().encode('{"events":[]}') });
    console.log(JSON.stringify({ answer, traced }));`;
  const out = await new Promise((resolve, reject) =>
    execFile(process.execPath, ["--input-type=module", "-e", child], { cwd: fileURLToPath(new URL(".", import.meta.url)), timeout: 60_000 }, (e, stdout, stderr) => (e ? reject(new Error(stderr || e.message)) : resolve(stdout))),
  );
  assert.deepEqual(JSON.parse(out), { answer: { status: 200, retryAfter: null }, traced: 0 });

  assert.equal(traced, 0, "the instrumented fetch never saw our requests");
  assert.equal(receiver.requests.length, 2);
});

test("bad options are refused with the option's name", () => {
  const named = (option) => (e) => e.name === "AgentLensConfigError" && e.message.includes(`"${option}"`) && !e.message.includes("secret");
  assert.throws(() => createHttpExporter({ endpoint: "ftp://127.0.0.1", apiKey: "k" }), named("endpoint"));
  assert.throws(() => createHttpExporter({ endpoint: "not a url", apiKey: "k" }), named("endpoint"));
  assert.throws(() => createHttpExporter({ endpoint: "http://127.0.0.1", apiKey: 5 }), named("apiKey"));
  assert.throws(() => createHttpExporter({ endpoint: "http://127.0.0.1", apiKey: "secret", timeoutMs: -1 }), named("timeoutMs"));
});
