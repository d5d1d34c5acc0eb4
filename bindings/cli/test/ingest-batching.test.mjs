// How a batch is split never changes what is stored: the same records ingested one per
// batch, all in one batch, or in several concurrent batches (which the writer commits
// together) give the same sessions, events and runs, and the same counts. Within a batch
// the writer adds up each session's effects of its events and applies them before the
// next session record and at the end; these cases put starts, ends, errors, duplicates,
// earlier and later times and runs between events of the same sessions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "../dist/collector/index.js";
import { tempDir } from "./helpers.mjs";

const at = (s) => `2026-03-01T10:00:${String(s).padStart(2, "0")}Z`;

/** Records mixing sessions with and without starts, ends, errors, duplicates and runs. */
function records() {
  return [
    { event_id: "a1", session_id: "A", event_type: "llm_call", tokens_in: 10, tokens_out: 2, timestamp: at(20) },
    { event_id: "b1", session_id: "B", event_type: "llm_call", tokens_in: 5, timestamp: at(30) },
    { event_id: "a2", session_id: "A", event_type: "tool_call", tokens_in: "7", timestamp: at(5), tool_call: { tool_name: "t" } },
    { event_id: "a3", session_id: "A", event_type: "llm_call", tokens_in: 1, timestamp: at(5) },
    { event_id: "a1", session_id: "B", event_type: "llm_call", tokens_in: 99, timestamp: at(1) },
    { event_id: "c1", session_id: "C", event_type: "llm_call", tokens_in: 3, timestamp: at(9) },
    { event_type: "session_start", session_id: "A", agent_name: "agent-a", timestamp: at(15), metadata: { v: 1 } },
    { event_id: "a4", session_id: "A", event_type: "llm_call", tokens_in: 4, tokens_out: 4, timestamp: at(1) },
    { event_id: "r1", session_id: "B", run_id: "run-1", event_type: "run_start", run_name: "plan", timestamp: at(31) },
    { event_id: "b2", session_id: "B", run_id: "run-1", event_type: "error", error: { error_type: "E", message: "m", critical: true }, timestamp: at(32) },
    { event_id: "r2", session_id: "B", run_id: "run-1", event_type: "run_end", status: "failed", duration_ms: 12, timestamp: at(33) },
    { event_type: "session_end", session_id: "A", ended_at: at(40), total_tokens_in: 50 },
    { event_id: "a5", session_id: "A", event_type: "llm_call", tokens_in: 2, tokens_out: 1, timestamp: at(41) },
    { event_id: "b1", session_id: "B", event_type: "llm_call", tokens_in: 5, timestamp: at(30) },
    { event_type: "session_end", session_id: "A", ended_at: at(40), total_tokens_in: 50 },
    { event_id: "c2", session_id: "C", event_type: "llm_call", tokens_out: 8, timestamp: at(2) },
    { event_type: "session_end", session_id: "C", ended_at: at(50), status: "error" },
    { event_id: "c3", session_id: "C", event_type: "llm_call", tokens_in: 1, timestamp: at(51) },
  ];
}

/** Everything stored, in a comparable form (events in id order, no storage sequence). */
function rows(store) {
  const all = (sql) => store.db.prepare(sql).all().map((r) => ({ ...r }));
  return {
    sessions: all("SELECT * FROM sessions ORDER BY session_id"),
    events: all("SELECT event_id, session_id, run_id, event_type, timestamp, ts_ms, model, name, status, tokens_in, tokens_out, duration_ms, is_error, payload FROM events ORDER BY event_id, session_id"),
    runs: all("SELECT id, name, status, started_at, completed_at, duration_ms, agent_type, user_id, session_id, parent_run_id, has_start FROM runs ORDER BY id"),
  };
}

const COUNTS = ["processed", "skipped", "duplicates", "stored_events", "duplicate_events", "session_records", "unchanged_session_records"];

async function ingestIn(t, batches, concurrent) {
  const store = await openStore({ path: join(tempDir(t), "batching.db") });
  const total = Object.fromEntries(COUNTS.map((k) => [k, 0]));
  const add = (r) => COUNTS.forEach((k) => (total[k] += r[k]));
  try {
    if (concurrent) (await Promise.all(batches.map((b) => store.ingest(b)))).forEach(add);
    else for (const b of batches) add(await store.ingest(b));
    return { rows: rows(store), total };
  } finally {
    store.close();
  }
}

test("one record per batch, one batch, or concurrent batches store the same rows and counts", async (t) => {
  const all = records();
  const one = await ingestIn(t, all.map((r) => [r]), false);
  const whole = await ingestIn(t, [all], false);
  const split = await ingestIn(t, [all.slice(0, 7), all.slice(7, 12), all.slice(12)], true);
  assert.deepEqual(whole.rows, one.rows);
  assert.deepEqual(split.rows, one.rows);
  assert.deepEqual(whole.total, one.total);
  assert.deepEqual(split.total, one.total);
  // What the cases are about, so that a change to them is seen.
  const a = one.rows.sessions.find((s) => s.session_id === "A");
  assert.equal(a.event_count, 5);
  assert.equal(a.event_tokens_in, 24, "B's event with one of A's ids is B's (an event is its session and its id)");
  assert.equal(one.rows.sessions.find((s) => s.session_id === "B").event_tokens_in, 104);
  assert.equal(a.total_tokens_in, 50, "the end's own total");
  assert.equal(a.started_at, at(15), "the start record's time, not the earlier events'");
  assert.equal(one.rows.sessions.find((s) => s.session_id === "C").status, "error");
  assert.equal(one.rows.sessions.find((s) => s.session_id === "B").started_at, at(1));
  assert.equal(one.total.duplicate_events, 1, "b1 resent in its own session");
  assert.equal(one.total.unchanged_session_records, 1);
});

test("a session without a start begins at its earliest event, the first of equal ones", async (t) => {
  const events = [
    { event_id: "x1", session_id: "S", event_type: "llm_call", timestamp: "2026-03-01T10:00:09Z" },
    { event_id: "x2", session_id: "S", event_type: "llm_call", timestamp: "2026-03-01T10:00:03+00:00" },
    { event_id: "x3", session_id: "S", event_type: "llm_call", timestamp: "2026-03-01T10:00:03Z" },
    { event_id: "x4", session_id: "S", event_type: "llm_call", timestamp: "2026-03-01T10:00:07Z" },
  ];
  const one = await ingestIn(t, events.map((e) => [e]), false);
  const whole = await ingestIn(t, [events], false);
  assert.deepEqual(whole.rows, one.rows);
  assert.equal(one.rows.sessions[0].started_at, "2026-03-01T10:00:03+00:00");
  assert.equal(one.rows.sessions[0].last_ms, Date.parse("2026-03-01T10:00:09Z"));
});
