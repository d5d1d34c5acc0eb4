// The shared fixture cases of tests/fixtures/, run through the wasm build: the same
// cases the cargo tests run natively must give the same results here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { redactJson } from "@agentlens/sdk";
import { decodeWireBody } from "@agentlens/sdk/analysis";

const fixtures = new URL("../../../../tests/fixtures/", import.meta.url);
const cases = (dir) =>
  readdirSync(new URL(`${dir}/`, fixtures))
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, JSON.parse(readFileSync(new URL(`${dir}/${f}`, fixtures), "utf8"))]);

function optionsOf(config = {}) {
  const o = {};
  if (config.keys) o.redactKeys = config.keys;
  if (config.patterns) o.redactPatterns = config.patterns;
  if (config.replace_patterns) o.replaceDefaultPatterns = true;
  if (config.max_field_bytes) o.maxFieldBytes = config.max_field_bytes;
  return o;
}

const redactCases = cases("redact");
test("there are shared redaction fixtures to run", () => {
  assert.ok(redactCases.length >= 8, `found ${redactCases.length}`);
});

for (const [name, c] of redactCases) {
  test(`redaction fixture ${name} gives the same result through wasm`, () => {
    const { value, report } = redactJson(optionsOf(c.config), JSON.stringify(c.input));
    assert.deepEqual(JSON.parse(value), c.expected, c.about);
    assert.equal(typeof report.keys_redacted, "number");
  });
}

test("the Python SDK's captured batch decodes through wasm", () => {
  const body = readFileSync(new URL("wire/python_sdk_batch.json", fixtures));
  const events = decodeWireBody(new Uint8Array(body));
  assert.equal(events.length, 4);
  assert.equal(events[1].model, "gpt-4o");
  assert.equal(events[1].timestamp, "2026-11-22T02:41:23.314486Z");
  assert.equal(events[0].timestamp, "2026-11-22T02:41:23.314377Z", "+00:00 is normalised to Z");
  assert.equal(events[3].total_tokens_in, 120);
});
