// The NDJSON file exporter: a header line when a file starts, appends after that,
// rotation by size (path → path.1 → … → path.{maxFiles}), and files that read back with
// decodeNdjson. Driven through the Driver and the wasm core, as the tracker drives it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNdjsonFileExporter, init, nodePlatform } from "@agentlens/sdk";
import { decodeNdjson } from "@agentlens/sdk/analysis";
import { driverFor, identityHolds, llmEvent } from "../support/driver.mjs";

async function tempDir(t) {
  const dir = await mkdtemp(join(tmpdir(), "agentlens-file-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const seqsOf = (text) => decodeNdjson(text).events.map((e) => e.input_data.seq);

test("a new file starts with the header line and holds one event per line", async (t) => {
  const path = join(await tempDir(t), "nested", "trace.ndjson");
  const exporter = createNdjsonFileExporter({ path, producer: "file-test" });
  assert.equal(exporter.format, "ndjson");
  const { driver, until } = driverFor(exporter, { platform: nodePlatform() });
  driver.push(Array.from({ length: 12 }, (_, i) => llmEvent("s", i)));
  await driver.flush();
  const stats = await until((s) => s.pending === 0);
  assert.equal(stats.delivered, 12);
  assert.ok(identityHolds(stats));
  await exporter.shutdown();

  const text = await readFile(path, "utf8");
  const lines = text.split("\n");
  assert.equal(lines.at(-1), "", "the file ends with a newline");
  const header = JSON.parse(lines[0]);
  assert.equal(header.format, "agentlens-trace");
  assert.equal(header.producer, "file-test");
  const { events, errors } = decodeNdjson(text);
  assert.deepEqual(errors, []);
  assert.deepEqual(events.map((e) => e.input_data.seq), Array.from({ length: 12 }, (_, i) => i));
  assert.equal(lines.length, 1 + 12 + 1);
});

test("an existing file is appended to without a second header", async (t) => {
  const path = join(await tempDir(t), "trace.ndjson");
  for (const range of [[0, 3], [3, 6]]) {
    const exporter = createNdjsonFileExporter({ path });
    const { driver, until } = driverFor(exporter, { platform: nodePlatform() });
    driver.push(Array.from({ length: range[1] - range[0] }, (_, i) => llmEvent("s", range[0] + i)));
    await driver.flush();
    await until((s) => s.pending === 0);
    await exporter.shutdown();
  }
  const text = await readFile(path, "utf8");
  assert.equal(text.split("\n").filter((l) => l.includes('"agentlens-trace"')).length, 1);
  assert.deepEqual(seqsOf(text), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(decodeNdjson(text).errors, []);
});

test("files rotate by size, each starting with a header, and the oldest beyond maxFiles are deleted", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "trace.ndjson");
  const exporter = createNdjsonFileExporter({ path, maxBytes: 2000, maxFiles: 2 });
  // One event per request, so rotation can happen between any two events.
  const { driver, until } = driverFor(exporter, { platform: nodePlatform(), options: { batchSize: 1, maxRequestEvents: 1 } });
  for (let i = 0; i < 60; i++) driver.push([llmEvent("s", i)]);
  await driver.flush();
  const stats = await until((s) => s.pending === 0);
  assert.equal(stats.delivered, 60);
  await exporter.shutdown();

  assert.deepEqual((await readdir(dir)).sort(), ["trace.ndjson", "trace.ndjson.1", "trace.ndjson.2"]);
  const texts = await Promise.all([`${path}.2`, `${path}.1`, path].map((p) => readFile(p, "utf8")));
  for (const text of texts) {
    assert.ok(Buffer.byteLength(text) <= 2000, `a file of ${Buffer.byteLength(text)} bytes`);
    assert.equal(JSON.parse(text.split("\n")[0]).format, "agentlens-trace");
    assert.deepEqual(decodeNdjson(text).errors, []);
  }
  // Oldest to newest, the kept files hold the latest events, contiguous and in order.
  const kept = texts.flatMap(seqsOf);
  assert.ok(kept.length > 0 && kept.length < 60);
  assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => 60 - kept.length + i));
});

test("a body larger than maxBytes goes whole into a fresh file, and maxFiles 0 keeps no old file", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "trace.ndjson");
  const exporter = createNdjsonFileExporter({ path, maxBytes: 300, maxFiles: 0 });
  const line = (n) => `${JSON.stringify({ event_type: "generic", session_id: "s", input_data: { seq: n, pad: "x".repeat(200) } })}\n`;
  const send = (text) => exporter.send({ id: 1, events: 1, timeoutMs: 1000, body: new TextEncoder().encode(text) });
  assert.deepEqual(await send(line(0)), { status: 200 });
  assert.deepEqual(await send(line(1) + line(2)), { status: 200 }, "larger than maxBytes on its own");
  await exporter.shutdown();
  assert.deepEqual(await readdir(dir), ["trace.ndjson"]);
  const text = await readFile(path, "utf8");
  assert.deepEqual(seqsOf(text), [1, 2], "the batch is whole, in a file of its own");
  assert.equal(JSON.parse(text.split("\n")[0]).format, "agentlens-trace");
});

test("an I/O error is a network failure the core retries, never a rejection", async (t) => {
  const dir = await tempDir(t);
  const blocker = join(dir, "not-a-dir");
  await writeFile(blocker, "x");
  const exporter = createNdjsonFileExporter({ path: join(blocker, "trace.ndjson") });
  const body = new TextEncoder().encode('{"event_type":"generic"}\n');
  assert.deepEqual(await exporter.send({ id: 1, events: 1, timeoutMs: 1000, body }), { failure: "network" });

  // Through the core: the failure counts as a retry, then the batch is dropped, and the
  // accounting still adds up.
  const { driver, until } = driverFor(exporter, {
    platform: nodePlatform(),
    options: { batchSize: 1, maxRetries: 1, backoffBaseMs: 10, backoffCapMs: 20 },
  });
  driver.push([llmEvent("s", 1)]);
  const stats = await until((s) => s.pending === 0);
  assert.equal(stats.dropped.retries_exhausted, 1);
  assert.equal(stats.retries, 1);
  assert.ok(identityHolds(stats));
});

test("a file that cannot be written is warned about as a file, not as an endpoint", async (t) => {
  const dir = await tempDir(t);
  const blocker = join(dir, "not-a-dir");
  await writeFile(blocker, "x");
  const path = join(blocker, "trace.ndjson");
  const warnings = [];
  const tracker = init({ exporters: [createNdjsonFileExporter({ path })], logger: (level, m) => warnings.push(m), maxRetries: 1, backoffBaseMs: 10, backoffCapMs: 20 });
  tracker.track({ eventType: "llm_call" });
  const stats = await tracker.shutdown(10_000);
  assert.equal(stats.dropped.retries_exhausted, stats.tracked);
  const delivery = warnings.filter((w) => w.includes("could not deliver"));
  assert.equal(delivery.length, 1, warnings.join("\n"));
  assert.ok(delivery[0].includes(`could not deliver to ${path}: it could not be written: check that its directory exists`), delivery[0]);
  assert.doesNotMatch(delivery[0], /endpoint|receiver/);
});

test("bad options are refused with the option's name", () => {
  const named = (option) => (e) => e.name === "AgentLensConfigError" && e.message.includes(`"${option}"`);
  assert.throws(() => createNdjsonFileExporter({ path: "" }), named("path"));
  assert.throws(() => createNdjsonFileExporter({ path: "x", maxBytes: 0 }), named("maxBytes"));
  assert.throws(() => createNdjsonFileExporter({ path: "x", maxFiles: 1.5 }), named("maxFiles"));
});
