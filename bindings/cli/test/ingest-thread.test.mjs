// POST /events bodies are read through the core on a second thread (ingest-runner.ts), so
// reading one body and writing another run on two cores. What is stored and answered is
// the same as when the main thread read them; a thread that fails loses nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { IngestRunner } from "../dist/collector/ingest-runner.js";
import { threadExecArgv } from "../dist/collector/threads.js";
import { call, collector, get, post } from "./helpers.mjs";

const events = (session, n) => Array.from({ length: n }, (_, i) => ({ event_id: `e${i}`, event_type: "llm_call", session_id: session, model: "gpt-4o", tokens_in: 10, tokens_out: 2, input_data: { prompt: `mail bob${i}@example.com` } }));

test("bodies are read on the ingest thread, stored in the order they came, redacted as before", async (t) => {
  const c = await collector(t, { rateLimitPerMinute: 0 });
  const answers = await Promise.all(Array.from({ length: 8 }, (_, k) => post(c, "/events", { events: events(`s${k}`, 25) })));
  for (const a of answers) assert.deepEqual([a.status, a.body.processed], [200, 25]);
  const stats = c.store.ingestThreadStats();
  assert.equal(stats.offThread, 8);
  assert.equal(stats.onMainThread, 0);
  const stored = await get(c, "/sessions/s3/events");
  assert.equal(stored.body.length ?? stored.body.events?.length, 25);
  assert.doesNotMatch(JSON.stringify(stored.body), /bob\d+@example\.com/);
  assert.match(JSON.stringify(stored.body), /\[REDACTED\]/);
  // Refusals are answered as the core words them, from the thread too.
  const broken = await call(c, "POST", "/events", { raw: '{"events":[', headers: { "Content-Type": "application/json" } });
  assert.deepEqual([broken.status, broken.body.error ?? broken.body.detail ?? broken.body], [400, "Malformed JSON in request body"]);
  const missing = await post(c, "/events", { nothing: [] });
  assert.equal(missing.status, 400);
  assert.equal(c.store.ingestThreadStats().onMainThread, 0);
});

test("OTLP requests are read on the ingest thread too, refusals answered with the core's status", async (t) => {
  const c = await collector(t, { rateLimitPerMinute: 0 });
  const span = (i) => ({
    traceId: "0102030405060708090a0b0c0d0e0f10", spanId: `00000000000000${String(i).padStart(2, "0")}`, name: "chat gpt-4o",
    startTimeUnixNano: "1767607200000000000", endTimeUnixNano: "1767607201000000000",
    attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "chat" } }, { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } }],
  });
  const body = { resourceSpans: [{ scopeSpans: [{ spans: [span(1), span(2)] }] }] };
  const r = await post(c, "/v1/traces", body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const broken = await call(c, "POST", "/v1/traces", { raw: "{not json", headers: { "Content-Type": "application/json" } });
  assert.equal(broken.status, 400);
  assert.equal(typeof broken.body.message, "string");
  const stats = c.store.ingestThreadStats();
  assert.deepEqual([stats.offThread, stats.onMainThread], [2, 0]);
  const sessions = await get(c, "/sessions");
  assert.match(JSON.stringify(sessions.body), /0102030405060708090a0b0c0d0e0f10/);
});

test("a thread that cannot start loses no body: each is read on the main thread instead", async () => {
  // A redaction option the core refuses: the thread's ingestor throws as it starts.
  const runner = new IngestRunner({ redact: { patterns: [{ name: "bad", regex: "(" }] }, maxFieldBytes: 1024, compress: false }, (job) => ({ read: job.format, bytes: job.bytes.length }));
  const bodies = ["a", "bb", "ccc"].map((s) => new TextEncoder().encode(s));
  const batches = await Promise.all(bodies.map((b) => runner.ingest("events", b, 10)));
  assert.deepEqual(batches, [{ read: "events", bytes: 1 }, { read: "events", bytes: 2 }, { read: "events", bytes: 3 }]);
  const stats = runner.stats();
  assert.equal(stats.onMainThread, 3);
  assert.equal(stats.offThread, 0);
  assert.ok(stats.failed >= 1);
  // A thread that keeps failing is given up: no spawn per body for ever.
  for (let i = 0; i < 5; i++) await runner.ingest("events", bodies[0], 10);
  assert.ok(runner.stats().failed <= 3, JSON.stringify(runner.stats()));
  assert.equal(runner.stats().onMainThread, 8);
  await runner.close();
});

test("threads start without options when the process's name its main code, else inherit them", () => {
  assert.deepEqual(threadExecArgv(["--input-type=module", "-e", "code", "--max-old-space-size=512"]), []);
  assert.deepEqual(threadExecArgv(["--eval=x"]), []);
  assert.deepEqual(threadExecArgv(["-p", "1"]), []);
  assert.equal(threadExecArgv(["--stack-trace-limit=10", "--enable-source-maps"]), undefined);
  assert.equal(threadExecArgv([]), undefined);
});

test("a collector started by `node --input-type=module -e` reads bodies on its thread and runs analyses on its worker", () => {
  const script = `
    const { startCollector } = await import(${JSON.stringify(new URL("../dist/collector/index.js", import.meta.url).href)});
    const c = await startCollector({ port: 0, dbPath: ":memory:", viewerDir: false, rateLimitPerMinute: 0, log: () => {} });
    const ev = (i) => ({ event_id: "e" + i, event_type: "llm_call", session_id: "s", model: "gpt-4o", tokens_in: 5, tokens_out: 1 });
    const r = await fetch(c.url + "/events", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ events: [ev(1), ev(2)] }) });
    const body = await r.json();
    const compliance = await fetch(c.url + "/analysis/compliance", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ session_id: "s" }) });
    console.log(JSON.stringify({ status: r.status, processed: body.processed, thread: c.store.ingestThreadStats(), compliance: compliance.status }));
    await c.close();`;
  const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 }).trim().split("\n").pop());
  assert.equal(out.status, 200);
  assert.equal(out.processed, 2);
  assert.equal(out.thread.offThread, 1);
  assert.equal(out.thread.onMainThread, 0);
  // The analysis worker inherited `--input-type` too, and exited at once: 503 before.
  assert.equal(out.compliance, 200);
});
