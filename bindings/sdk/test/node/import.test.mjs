// @agentlens/sdk/analysis trace importers: every fixture in tests/fixtures/import/ through the
// analysis wasm gives exactly the events the native importer gives (the expected/*.json
// files tests/integration/import.rs checks the core against), gzip round trips, errors
// carry positions and never quote the input, streaming in any split matches one shot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { importTrace, createTraceImporter, gzip, gunzip } from "@agentlens/sdk/analysis";

const DIR = fileURLToPath(new URL("../../../../tests/fixtures/import/", import.meta.url));
const FIXTURES = {
  "agentlens_trace.ndjson": "ndjson",
  "agentlens_trace.ndjson.gz": "ndjson",
  "agentlens_batch.json": "agentlens_batch",
  "agentlens_session.json": "agentlens_session",
  "event_array.json": "event_array",
  "otlp_genai.json": "otlp_json",
  "openai_agents.json": "openai_agents",
  "inspector_export.json": "inspector_export",
};

const bytesOf = (name) => new Uint8Array(readFileSync(DIR + name));
const expected = (name) => JSON.parse(readFileSync(`${DIR}expected/${name}.json`, "utf8"));

function streamed(bytes, size) {
  const importer = createTraceImporter();
  try {
    const events = [];
    for (let i = 0; i < bytes.length; i += size) events.push(...importer.push(bytes.subarray(i, i + size)));
    events.push(...importer.finish());
    return { format: importer.format, events, warnings: importer.warnings };
  } finally {
    importer.free();
  }
}

for (const [name, format] of Object.entries(FIXTURES)) {
  test(`${name} imports through wasm exactly as natively`, () => {
    const got = importTrace(bytesOf(name));
    assert.equal(got.format, format);
    assert.deepEqual(got, expected(name));
  });

  test(`${name} streamed in small chunks matches one shot`, () => {
    const bytes = bytesOf(name);
    const once = importTrace(bytes);
    for (const size of [1, 7, 64, 4096]) assert.deepEqual(streamed(bytes, size), once, `chunks of ${size}`);
  });
}

test("a string is read as UTF-8 text", () => {
  const text = readFileSync(DIR + "agentlens_trace.ndjson", "utf8");
  assert.deepEqual(importTrace(text), importTrace(bytesOf("agentlens_trace.ndjson")));
});

test("gzip round-trips and gzipped traces are detected by content", () => {
  const plain = bytesOf("otlp_genai.json");
  for (const level of [undefined, 0, 1, 9]) {
    const packed = gzip(plain, level);
    assert.deepEqual(gunzip(packed), plain);
    assert.deepEqual(importTrace(packed), importTrace(plain));
  }
  assert.ok(gzip(plain, 9).length < plain.length / 4);
});

test("a zip bomb stops at the limit with a named error", () => {
  const bomb = gzip(new Uint8Array(20_000_000), 9);
  assert.throws(() => gunzip(bomb, 1_000_000), (e) => e.name === "AgentLensAnalysisError" && /1000000 bytes/.test(e.message));
  assert.throws(() => gunzip(bytesOf("agentlens_trace.ndjson")), (e) => e.name === "AgentLensAnalysisError" && /gzip/.test(e.message));
});

test("errors carry positions and never quote the input", () => {
  const broken = '{\n  "events": [\n    {"session_id": "sk-live-hunter2" "x"}\n  ]\n}';
  assert.throws(
    () => importTrace(broken),
    (e) => e.name === "AgentLensAnalysisError" && /line 3, column 38/.test(e.message) && !e.message.includes("hunter2"),
  );
  assert.throws(() => importTrace("hello"), (e) => /accepted: ndjson, agentlens_batch/.test(e.message));
  const packed = gzip(bytesOf("agentlens_trace.ndjson"));
  assert.throws(() => importTrace(packed.subarray(0, packed.length - 12)), (e) => /compressed byte \d+/.test(e.message));
});

test("bad NDJSON lines are skipped and named by line", () => {
  const { events, warnings } = importTrace('{"session_id":"a","event_type":"llm_call"}\n{oops sk-secret\n{"session_id":"a","event_type":"final"}\n');
  assert.deepEqual(events.map((e) => e.event_type), ["llm_call", "final"]);
  assert.match(warnings[0], /^line 2: invalid JSON/);
  assert.ok(!warnings.join("").includes("sk-secret"));
});

test("a streaming importer hands out events before finish and reports its format", () => {
  const importer = createTraceImporter();
  assert.equal(importer.format, undefined);
  const first = importer.push(bytesOf("agentlens_trace.ndjson.gz"));
  assert.equal(first.length, 8);
  assert.equal(importer.format, "ndjson");
  assert.deepEqual(importer.finish(), []);
  assert.throws(() => importer.finish(), /already finished/);
  importer.free();
});

test("a million-line gzipped NDJSON trace streams through in bounded pieces", () => {
  const line = '{"session_id":"s","event_type":"llm_call","model":"gpt-4o","tokens_in":1,"tokens_out":2}\n';
  const block = new TextEncoder().encode(line.repeat(10_000));
  const packedBlock = gzip(block, 6); // concatenated gzip members are one stream
  const importer = createTraceImporter();
  let count = 0;
  for (let i = 0; i < 100; i++) count += importer.push(packedBlock).length;
  count += importer.finish().length;
  importer.free();
  assert.equal(count, 1_000_000);
});
