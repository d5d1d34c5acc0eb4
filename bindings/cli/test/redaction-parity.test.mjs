// One redaction rule: the same event, with secrets planted in every field the SDK
// redacts (ids, names, status, model, payloads, tool call, memory, error, attributes and
// a field the model does not know), is redacted by the SDK's pipeline (written to a file
// as NDJSON, as an exporter would) and by the collector; both keep the same values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPipeline } from "@agentlens/sdk";
import { collector, get, post, tempDir } from "./helpers.mjs";

const MAIL = "bob@example.com";
const SECRETS = [MAIL, "hunter2", "123-45-6789", "4111 1111 1111 1111", "sk-abcdefghijklmnopqrstuvwx", "top-secret-extra"];

function plantedEvent() {
  return {
    event_id: "parity-1",
    session_id: "parity",
    event_type: "tool_call",
    timestamp: "2026-01-05T10:00:00.123456Z",
    run_id: `run-${MAIL}`,
    parent_run_id: `parent-${MAIL}`,
    run_name: `plan for ${MAIL}`,
    user_id: MAIL,
    agent_name: `agent of ${MAIL}`,
    model: `model ${MAIL}`,
    status: `ok ${MAIL}`,
    tokens_in: 12,
    tokens_out: 3,
    duration_ms: 40,
    metadata: { password: "hunter2", note: MAIL },
    input_data: { prompt: "my ssn is 123-45-6789", api_key: "sk-abcdefghijklmnopqrstuvwx" },
    output_data: { text: "card 4111 1111 1111 1111" },
    tool_call: { tool_call_id: "tc1", tool_name: `lookup ${MAIL}`, tool_input: { token: "hunter2", q: MAIL }, tool_output: { who: MAIL } },
    memory: { key: "password", value: "hunter2" },
    error: { error_type: `E ${MAIL}`, message: `failed for ${MAIL}`, critical: false, stack_trace: `at ${MAIL}` },
    attributes: { contact: MAIL },
    span_name: `extra ${MAIL}`,
    secret: "top-secret-extra",
  };
}

/** The event as the SDK's pipeline sends it (NDJSON), written to and read back from a file. */
function throughSdk(dir, event) {
  const p = createPipeline({ format: "ndjson", batchSize: 1 });
  try {
    p.pushJson(0, JSON.stringify([event]));
    p.flush(0);
    const sends = p.drain(0).filter((o) => o.type === "send");
    assert.equal(sends.length, 1, "one request");
    const file = join(dir, "sdk.ndjson");
    writeFileSync(file, sends[0].body);
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    return lines.find((l) => l.event_id === event.event_id);
  } finally {
    p.free();
  }
}

test("the collector redacts the same fields as the SDK, ids included", async (t) => {
  const dir = tempDir(t);
  const sdk = throughSdk(dir, plantedEvent());
  assert.ok(sdk, "the SDK sent the event");
  const c = await collector(t);
  const r = await post(c, "/events", { events: [plantedEvent()] });
  assert.equal(r.status, 200);
  assert.equal(r.body.processed, 1, JSON.stringify(r.body));
  const stored = (await get(c, "/sessions/parity/events")).body.events[0];

  for (const [name, text] of [["SDK", JSON.stringify(sdk)], ["collector", JSON.stringify(stored)]]) {
    for (const secret of SECRETS.slice(0, 5)) assert.ok(!text.includes(secret), `${name} kept ${secret}: ${text}`);
  }
  assert.ok(!JSON.stringify(stored).includes("top-secret-extra"), "a field the model does not know is redacted too");
  // Every field the SDK sends, the collector stores with the same value; an id that held
  // data is redacted by both to the same shape, each tagged under its own key (DESIGN.md
  // "Redaction": the tag keeps distinct ids apart and is keyed per process).
  const untag = (v) => (typeof v === "string" ? v.replace(/\.[a-p]{16}$/, ".<tag>") : v);
  const ids = ["run_id", "parent_run_id", "user_id"];
  for (const [k, v] of Object.entries(sdk)) {
    if (ids.includes(k)) assert.equal(untag(stored[k]), untag(v), k);
    else assert.deepEqual(stored[k], v, k);
  }
  assert.equal(untag(stored.run_id), "REDACTED.<tag>", "ids are pattern-redacted by both (the email pattern takes `run-bob@…` whole) and tagged");
  assert.equal(stored.tool_call.tool_name, "lookup [REDACTED]");
  assert.equal(untag(stored.user_id), "REDACTED.<tag>");
  assert.equal(stored.memory.value, "[REDACTED]", "a sensitive memory key hides its value");
});

test("events whose session ids hold redacted data are kept apart under tagged ids, not merged under the marker", async (t) => {
  const c = await collector(t);
  const events = ["a-123-45-6789-b", "a-987-65-4321-b"].map((session_id, i) => ({ ...plantedEvent(), event_id: `e${i}`, session_id }));
  const r = await post(c, "/events", { events });
  assert.deepEqual([r.body.processed, r.body.skipped], [2, 0]);
  const sessions = (await get(c, "/sessions")).body;
  assert.equal(sessions.total, 2, "two sessions stay two");
  const text = JSON.stringify(sessions);
  for (const secret of ["123-45-6789", "987-65-4321"]) assert.ok(!text.includes(secret), text);
  assert.match(text, /a-REDACTED-b\.[a-p]{16}/);
});
