// The store on its own: schema and pragmas, encryption at rest (wrong key is a clear
// error, planted plaintext never reaches the file), compression, retention, vacuum,
// backup and restore, export and re-import.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { randomBytes } from "node:crypto";
import { openStore, eventsFromExport, parseEncryptionKey } from "../dist/collector/index.js";
import { tempDir, PYTHON_SDK_BATCH } from "./helpers.mjs";

const PLANTED = "PLANTED-PLAINTEXT-7f3a9c";
const KEY_HEX = randomBytes(32).toString("hex");
const KEY_B64 = Buffer.from(KEY_HEX, "hex").toString("base64");

function plantedBatch(n = 20) {
  const events = [{ event_type: "session_start", session_id: "enc", agent_name: "agent", metadata: { note: `${PLANTED} in metadata` }, timestamp: "2026-05-01T00:00:00Z" }];
  for (let i = 0; i < n; i++) {
    events.push({ event_id: `p${i}`, session_id: "enc", event_type: "llm_call", model: "gpt-4o", input_data: { prompt: `${PLANTED} number ${i} `.repeat(20) }, tokens_in: 1, timestamp: "2026-05-01T00:00:01Z" });
  }
  return events;
}

/** Every byte on disk for this database (main file, WAL, shared memory). */
function diskBytes(dir) {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
}

test("the schema: WAL, migrations recorded, tables and the indexes the queries use", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "a.db");
  const store = await openStore({ path });
  store.close();
  const again = await openStore({ path }); // a second open applies nothing twice
  again.close();
  const db = new DatabaseSync(path);
  t.after(() => db.close());
  assert.equal(db.prepare("PRAGMA journal_mode").get().journal_mode, "wal");
  assert.deepEqual(db.prepare("SELECT version FROM schema_migrations").all().map((r) => r.version), [1, 2, 3, 4, 5]);
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','index')").all().map((r) => r.name);
  for (const n of ["sessions", "events", "runs", "meta", "idx_events_session_ts", "idx_events_run_ts", "idx_runs_started_at", "idx_runs_status", "idx_sessions_started"]) {
    assert.ok(names.includes(n), n);
  }
  const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM events WHERE session_id = ? ORDER BY ts_ms, seq").all("x").map((r) => r.detail).join(" ");
  assert.match(plan, /idx_events_session_ts/);
});

test("migration 2 stores every session's token totals by the core's rule (the end's total above zero, else the events' sum)", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "v1.db");
  (await openStore({ path })).close();
  // Back to a version-1 database holding sessions with and without an end's totals.
  const db = new DatabaseSync(path);
  db.exec("ALTER TABLE sessions DROP COLUMN total_tokens_in; ALTER TABLE sessions DROP COLUMN total_tokens_out; DELETE FROM schema_migrations WHERE version >= 2");
  // ... and without what later versions added.
  for (const table of ["session_tags", "annotations", "session_bookmarks", "alert_events", "alert_rules", "model_pricing", "retention_config"]) db.exec(`DROP TABLE ${table}`);
  const add = db.prepare("INSERT INTO sessions (session_id, started_at, started_ms, last_ms, event_tokens_in, event_tokens_out, end_tokens_in, end_tokens_out) VALUES (?, 'x', 0, 0, ?, ?, ?, ?)");
  add.run("sums", 40, 4, null, null);
  add.run("end", 40, 4, 500, null);
  add.run("zero", 40, 4, 0, 9);
  db.close();
  (await openStore({ path })).close();
  const again = new DatabaseSync(path);
  t.after(() => again.close());
  const rows = again.prepare("SELECT session_id, total_tokens_in, total_tokens_out FROM sessions ORDER BY session_id").all().map((r) => [r.session_id, r.total_tokens_in, r.total_tokens_out]);
  assert.deepEqual(rows, [["end", 500, 4], ["sums", 40, 4], ["zero", 40, 9]]);
  assert.deepEqual(again.prepare("SELECT version FROM schema_migrations").all().map((r) => r.version), [1, 2, 3, 4, 5]);
});

test("a database from a newer collector is refused with a clear error", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "new.db");
  (await openStore({ path })).close();
  const db = new DatabaseSync(path);
  db.prepare("INSERT INTO schema_migrations VALUES (99, 'future', 'x')").run();
  db.close();
  await assert.rejects(openStore({ path }), (e) => e.name === "AgentLensStoreError" && /schema version 99/.test(e.message));
});

test("encrypted at rest: planted plaintext never reaches the file; reads decrypt", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "enc.db");
  const store = await openStore({ path, encryptionKey: KEY_HEX });
  const r = await store.ingest(plantedBatch());
  assert.equal(r.processed, 21);
  assert.ok(diskBytes(dir).length > 0);
  assert.equal(diskBytes(dir).indexOf(PLANTED), -1, "plaintext found in the database files (with WAL)");
  const trace = await store.sessionEvents("enc");
  assert.match(trace[1].input_data.prompt, new RegExp(PLANTED));
  assert.match(JSON.stringify(trace[0].metadata), new RegExp(PLANTED));
  assert.equal(store.stats().encrypted, true);
  store.close();
  assert.equal(diskBytes(dir).indexOf(PLANTED), -1, "plaintext found after checkpoint");
  // The same key as base64 opens it.
  const b64 = await openStore({ path, encryptionKey: KEY_B64 });
  assert.equal((await b64.sessionEvents("enc")).length, 21, "start + 20 events (no end)");
  b64.close();
});

test("a wrong or missing key is a clear error at open, never garbage", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "enc.db");
  const store = await openStore({ path, encryptionKey: KEY_HEX });
  await store.ingest(plantedBatch(2));
  store.close();
  const wrong = randomBytes(32).toString("hex");
  await assert.rejects(openStore({ path, encryptionKey: wrong }), (e) => e.name === "AgentLensStoreKeyError" && /does not match/.test(e.message) && !e.message.includes(wrong));
  await assert.rejects(openStore({ path }), (e) => e.name === "AgentLensStoreKeyError" && /encrypted/.test(e.message));
  await assert.rejects(openStore({ path, encryptionKey: "too-short" }), (e) => e.name === "AgentLensStoreKeyError" && !e.message.includes("too-short"));
  assert.throws(() => parseEncryptionKey("00".repeat(31)), /32 bytes/);
  assert.equal(parseEncryptionKey(KEY_B64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")).length, 32, "URL-safe base64 without padding");
});

test("compressed payloads are smaller on disk and read back the same, with or without encryption", async (t) => {
  const dir = tempDir(t);
  const plain = await openStore({ path: join(dir, "plain.db") });
  const gz = await openStore({ path: join(dir, "gz.db"), compress: true });
  const both = await openStore({ path: join(dir, "both.db"), compress: true, encryptionKey: KEY_HEX });
  for (const s of [plain, gz, both]) await s.ingest(plantedBatch());
  const payload = (s) => s.stats().payload_bytes;
  assert.ok(payload(gz) < payload(plain) / 3, `gzip ${payload(gz)} vs plain ${payload(plain)}`);
  assert.ok(payload(both) < payload(plain) / 3);
  const expected = await plain.sessionEvents("enc");
  assert.deepEqual(await gz.sessionEvents("enc"), expected);
  assert.deepEqual(await both.sessionEvents("enc"), expected);
  assert.equal(gz.stats().compressed, true);
  for (const s of [plain, gz, both]) s.close();
  // Rows written compressed stay readable by a store opened without compression.
  const reopened = await openStore({ path: join(dir, "gz.db") });
  assert.deepEqual(await reopened.sessionEvents("enc"), expected);
  reopened.close();
});

test("prune by age and by size, then vacuum", async (t) => {
  const dir = tempDir(t);
  const store = await openStore({ path: join(dir, "p.db") });
  t.after(() => store.close());
  const day = 86_400_000;
  const now = Date.parse("2026-06-01T00:00:00Z");
  for (let d = 0; d < 10; d++) {
    const sid = `day${d}`;
    const ts = new Date(now - d * day).toISOString();
    await store.ingest([
      { event_type: "session_start", session_id: sid, timestamp: ts },
      ...Array.from({ length: 30 }, (_, i) => ({ event_id: `${sid}-${i}`, session_id: sid, event_type: "llm_call", timestamp: ts, input_data: { text: "x".repeat(2000) } })),
      { event_id: `${sid}-run`, session_id: sid, event_type: "run_start", run_id: `r${d}`, timestamp: ts },
    ]);
  }
  const byAge = store.prune({ retentionDays: 5, now });
  assert.equal(byAge.sessions_deleted, 4, "sessions older than 5 days (days 6..9)");
  assert.equal(byAge.events_deleted, 4 * 31);
  assert.equal(byAge.runs_deleted, 4);
  assert.equal(store.stats().total_sessions, 6);
  assert.equal(store.prune({ retentionDays: 0, now }).sessions_deleted, 0, "0 disables retention by age");
  const before = store.stats().used_bytes;
  const bySize = store.prune({ retentionMaxBytes: Math.floor(before / 2), now });
  assert.ok(bySize.sessions_deleted > 0);
  assert.ok(bySize.used_bytes_after <= Math.floor(before / 2));
  const left = (await Promise.all(["day0", "day1", "day5"].map((s) => store.sessionEvents(s)))).map(Boolean);
  assert.deepEqual(left.slice(0, 1), [true], "the newest session survives");
  assert.equal(left[2], false, "the oldest goes first");
  const sizeBefore = store.stats().db_size_bytes;
  store.vacuum();
  assert.ok(store.stats().db_size_bytes < sizeBefore, "vacuum returns the free pages");
});

test("backup is a consistent copy that opens and reads back; it never overwrites", async (t) => {
  const dir = tempDir(t);
  const store = await openStore({ path: join(dir, "live.db"), encryptionKey: KEY_HEX, compress: true });
  t.after(() => store.close());
  await store.ingest(PYTHON_SDK_BATCH.events);
  const explained = await store.explain("a87237a69aa34bc0");
  const target = join(dir, "backup.db");
  store.backup(target);
  assert.ok(existsSync(target));
  assert.throws(() => store.backup(target), (e) => e.name === "AgentLensStoreError" && /exists/.test(e.message));
  await store.ingest([{ event_id: "after", session_id: "a87237a69aa34bc0", event_type: "llm_call" }]);
  await assert.rejects(openStore({ path: target }), (e) => e.name === "AgentLensStoreKeyError", "the backup keeps the key check");
  const restored = await openStore({ path: target, encryptionKey: KEY_HEX });
  t.after(() => restored.close());
  const trace = await restored.sessionEvents("a87237a69aa34bc0");
  assert.equal(trace.length, 4, "start, two events, end: the later event is not in the backup");
  assert.equal(await restored.explain("a87237a69aa34bc0"), explained);
  const db = new DatabaseSync(target);
  assert.equal(db.prepare("PRAGMA integrity_check").get().integrity_check, "ok");
  db.close();
});

test("exportRuns gives Agent Inspector JSON; eventsFromExport + importEvents restores everything", async (t) => {
  const dir = tempDir(t);
  const store = await openStore({ path: join(dir, "src.db") });
  t.after(() => store.close());
  await store.ingest([
    ...PYTHON_SDK_BATCH.events,
    { event_type: "session_start", session_id: "rs", agent_name: "runner" },
    { event_id: "rs1", session_id: "rs", event_type: "run_start", run_id: "run-a", run_name: "plan", user_id: "u" },
    { event_id: "rs2", session_id: "rs", event_type: "llm_call", run_id: "run-a", model: "gpt-4o", tokens_in: 3 },
    { event_id: "rs3", session_id: "rs", event_type: "run_end", run_id: "run-a", status: "completed", duration_ms: 5 },
    { event_type: "session_end", session_id: "rs", status: "completed" },
  ]);
  const one = await store.exportRuns({ runId: "run-a" });
  assert.equal(one.run.id, "run-a");
  assert.deepEqual(one.timeline.map((s) => s.type), ["run_start", "llm_call"]);
  await assert.rejects(store.exportRuns({ runId: "nope" }), /not found/);
  const progress = [];
  const all = await store.exportRuns({ all: true }, (done, total) => progress.push([done, total]));
  assert.equal(all.runs.length, 1);
  assert.equal(all.sessions.length, 2);
  assert.deepEqual(progress.at(-1), [3, 3]);
  const events = eventsFromExport(JSON.parse(JSON.stringify(all)));
  const copy = await openStore({ path: join(dir, "copy.db") });
  t.after(() => copy.close());
  const seen = [];
  const r = await copy.importEvents(events, (d, n) => seen.push([d, n]));
  assert.equal(r.skipped, 0);
  assert.deepEqual(seen.at(-1), [events.length, events.length]);
  for (const sid of ["a87237a69aa34bc0", "rs"]) assert.deepEqual(await copy.sessionEvents(sid), await store.sessionEvents(sid), sid);
  assert.deepEqual({ ...(await copy.exportRuns({ runId: "run-a" })).run, created_at: 0 }, { ...one.run, created_at: 0 }, "created_at is when this database first saw it");
  assert.equal(eventsFromExport({ unrelated: true }), null);
  const again = await copy.importEvents(events);
  assert.equal(again.processed, 0, "re-import adds nothing, not even the same session ends again");
  assert.equal(again.duplicates, events.length);
  assert.equal(copy.stats().total_events, store.stats().total_events);
});
