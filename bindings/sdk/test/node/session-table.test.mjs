// SessionTable (core/session.ts): the ended sessions it keeps for explain() are bounded,
// the oldest ended forgotten first, active ones never for that bound, counted as they end.
import { test } from "node:test";
import assert from "node:assert/strict";

const { SessionRecord, SessionTable } = await import("@agentlens/sdk/internal");

const limits = { maxEvents: 10, maxChars: 1_000_000 };
const tokens = () => [0, 0];
const session = (id) => new SessionRecord(id, "agent", undefined, "2026-01-01T00:00:00.000Z", "started", limits, tokens);

test("past maxEnded, the oldest ended sessions are forgotten; active ones stay", () => {
  const table = new SessionTable(3, 1000);
  const active = session("active-0");
  table.add(active, true);
  const all = [];
  for (let i = 0; i < 6; i++) {
    const s = session(`s${i}`);
    s.eventCount = 2;
    table.add(s, true);
    all.push(s);
  }
  // End them out of start order: s4, s0, s1, s5, s2, s3.
  for (const i of [4, 0, 1, 5, 2, 3]) {
    all[i].end("2026-01-01T00:00:01.000Z");
    table.ended(all[i]);
  }
  const kept = table.all().map((s) => s.sessionId);
  // Three ended kept: the most recently started ones (the table's order), and the active one.
  assert.deepEqual(kept, ["active-0", "s3", "s4", "s5"]);
  assert.equal(table.forgotten(), 3 * 2, "the forgotten sessions' events are counted");
  assert.equal(table.current(), active);
});

test("a session re-added under the same id, or evicted by maxSessions, no longer counts as ended", () => {
  const table = new SessionTable(2, 4);
  const a = session("a");
  table.add(a, false);
  a.end("t");
  table.ended(a);
  table.add(session("a"), false); // a new, active record for the same id replaces it
  for (const id of ["b", "c"]) {
    const s = session(id);
    table.add(s, false);
    s.end("t");
    table.ended(s);
  }
  assert.deepEqual(table.all().map((s) => s.sessionId), ["a", "b", "c"], "two ended kept: the replaced one was not counted");
  for (const id of ["d", "e", "f"]) table.add(session(id), false); // maxSessions 4 evicts a, b
  assert.deepEqual(table.all().map((s) => s.sessionId), ["c", "d", "e", "f"]);
  const g = session("g");
  table.add(g, false); // evicts c
  const d = table.get("d");
  d.end("t");
  table.ended(d);
  g.end("t");
  table.ended(g);
  assert.deepEqual(table.all().map((s) => s.sessionId), ["d", "e", "f", "g"], "b and c left the count when evicted: nothing more is forgotten");
});
