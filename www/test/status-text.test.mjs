// The status line after a trace loads (www/src/status-text.ts): a sentence with right
// plurals and a human name for the format, with or without a file name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { importSource } from "./support.mjs";
import { FORMAT_NAMES } from "./traces.mjs";

const { loadedSummary, formatName, plural } = await importSource("src/status-text.ts");

test("plurals: 1 event, 2 events, 1 session, 1,234 sessions", () => {
  assert.equal(plural(1, "event"), "1 event");
  assert.equal(plural(0, "event"), "0 events");
  assert.equal(plural(2, "session"), "2 sessions");
  assert.equal(plural(1234, "session"), "1,234 sessions");
});

test("every format the importer detects has a human name", () => {
  for (const [format, name] of Object.entries(FORMAT_NAMES)) assert.equal(formatName(format), name);
  assert.equal(formatName("something_new"), "something_new");
});

test("the loaded line is a sentence: counts, format, warnings; never a leading colon", () => {
  assert.equal(loadedSummary({ events: 14, sessions: 1, format: "event_array", warnings: 0 }), "14 events in 1 session · AgentLens event array");
  assert.equal(loadedSummary({ events: 1, sessions: 1, format: "ndjson", warnings: 1 }), "1 event in 1 session · AgentLens NDJSON · 1 warning");
  assert.equal(loadedSummary({ events: 168, sessions: 12, format: "ndjson", warnings: 3 }), "168 events in 12 sessions · AgentLens NDJSON · 3 warnings");
  assert.equal(loadedSummary({ events: 0, sessions: 0, format: "ndjson", warnings: 0 }), "No events in this file · AgentLens NDJSON");
});
