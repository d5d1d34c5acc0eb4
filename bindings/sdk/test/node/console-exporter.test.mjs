// The console exporter prints each event as the OpenAI Agents SDK's ConsoleSpanExporter
// prints a span: `[Exporter] Export span: {json}`, one line per event, redacted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createConsoleExporter, nodePlatform } from "@agentlens/sdk";
import { driverFor, identityHolds, llmEvent } from "../support/driver.mjs";

test("each event is printed as one ConsoleSpanExporter line of redacted JSON", async () => {
  const lines = [];
  const exporter = createConsoleExporter({ write: (l) => lines.push(l) });
  assert.equal(exporter.name, "console");
  assert.equal(exporter.format, "ndjson");
  const { driver, until } = driverFor(exporter, { platform: nodePlatform() });
  const events = Array.from({ length: 3 }, (_, i) => llmEvent("s", i));
  events[1].input_data.prompt = "mail me at canary.person@example.org";
  driver.push(events);
  await driver.flush();
  const stats = await until((s) => s.pending === 0);
  assert.equal(stats.delivered, 3);
  assert.ok(identityHolds(stats));

  assert.equal(lines.length, 3);
  const prefix = "[Exporter] Export span: ";
  for (const [i, line] of lines.entries()) {
    assert.ok(line.startsWith(prefix), line);
    const event = JSON.parse(line.slice(prefix.length));
    assert.equal(event.input_data.seq, i);
    assert.equal(event.event_type, "llm_call");
  }
  assert.ok(!lines.join("\n").includes("canary.person@example.org"), "printed after redaction");
});

test("by default it writes with console.log", async (t) => {
  const logged = [];
  t.mock.method(console, "log", (line) => logged.push(line));
  const body = new TextEncoder().encode('{"a":1}\n{"b":2}\n');
  const result = await createConsoleExporter().send({ id: 1, events: 2, timeoutMs: 1000, body });
  assert.deepEqual(result, { status: 200 });
  assert.deepEqual(logged, ['[Exporter] Export span: {"a":1}', '[Exporter] Export span: {"b":2}']);
});

test("a sink that throws does not fail the send", async () => {
  const exporter = createConsoleExporter({ write: () => { throw new Error("EPIPE"); } });
  const body = new TextEncoder().encode('{"a":1}\n');
  assert.deepEqual(await exporter.send({ id: 1, events: 1, timeoutMs: 1000, body }), { status: 200 });
});
