// The shared explain fixtures of tests/fixtures/explain/, run through the raw wasm export
// `explainJson`: the same cases the cargo tests run natively must give the same Markdown.
// (The package's TypeScript wrapper over explainJson comes later; this calls the wasm.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as w from "../../wasm/agentlens_wasm.js";

w.initSync({ module: readFileSync(new URL("../../wasm/agentlens_wasm_bg.wasm", import.meta.url)) });
// redactPatterns need the regex engine, which the package (its Node entry says how to load
// it) hands the same module (patterns.ts).
await import("@agentlens/sdk");
const { ensurePatternEngine } = await import("@agentlens/sdk/internal");
ensurePatternEngine();

const dir = new URL("../../../../tests/fixtures/explain/", import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), "utf8"))]);

test("there are shared explain fixtures in both styles", () => {
  assert.ok(cases.length >= 4, `found ${cases.length}`);
  const styles = new Set(cases.map(([, c]) => c.style));
  assert.deepEqual([...styles].sort(), ["backend", "sdk"]);
});

for (const [name, c] of cases) {
  test(`explain fixture ${name} renders the same Markdown through wasm`, () => {
    assert.equal(w.explainJson("{}", JSON.stringify(c.events), c.style), c.expected, c.about);
  });
}

test("the style defaults to the SDK's format", () => {
  const text = w.explainJson("{}", "[]", undefined);
  assert.ok(text.startsWith("## Session Explanation: default-agent\n"), text);
});

test("bad input throws named errors", () => {
  assert.throws(() => w.explainJson("{}", '{"events": []}', "sdk"), { name: "AgentLensDecodeError" });
  assert.throws(() => w.explainJson("{}", "[", "sdk"), { name: "AgentLensDecodeError" });
  assert.throws(() => w.explainJson("{}", "[]", "html"), { name: "AgentLensConfigError", message: /style/ });
  assert.throws(() => w.explainJson('{"batchSiz": 1}', "[]", "sdk"), { name: "AgentLensConfigError" });
});

test("the options' redaction applies to the explanation", () => {
  const events = [
    { event_type: "decision", session_id: "s1", timestamp: "2026-11-22T10:00:00Z",
      decision_trace: { reasoning: "ask jane.doe@example.com about order A-77" } },
  ];
  const options = JSON.stringify({
    redactPatterns: [{ name: "order", regex: "A-[0-9]+" }],
    redactionMarker: "<hidden>",
  });
  const text = w.explainJson(options, JSON.stringify(events), "sdk");
  assert.ok(text.endsWith("💡 Reasoning: ask <hidden> about order <hidden>"), text);
});
