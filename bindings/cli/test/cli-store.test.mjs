// The `agentlens` store commands against real SQLite databases in a temporary directory:
// import (NDJSON, gzip, AgentLens batch, stdin, the collector's own export), export and
// the import/export round-trip, explain, stats, prune by days and by bytes, vacuum,
// backup and restore, encryption-key errors, and the exit codes of each failure. The CLI
// runs as a child process with Node >= 22.13.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { CLI, NODE, cleanEnv, runCli, tempDir } from "./cli-support.mjs";

const fixture = (name) => fileURLToPath(new URL(`../../../tests/fixtures/import/${name}`, import.meta.url));
const SESSION = "a87237a69aa34bc0";
const KEY = Buffer.alloc(32, 7).toString("base64");
const OTHER_KEY = Buffer.alloc(32, 9).toString("base64");

async function ok(args, options) {
  const r = await runCli(args, options);
  assert.equal(r.code, 0, `agentlens ${args.join(" ")}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  return r;
}

async function stats(db, env) {
  return JSON.parse((await ok(["stats", "--json", "--db", db], { env })).stdout);
}

/** `PRAGMA integrity_check` and row counts of a database, read by a separate Node process. */
function inspectDb(path) {
  const script = `
    const { DatabaseSync } = require("node:sqlite");
    const db = new DatabaseSync(process.argv[1], { readOnly: true });
    const integrity = db.prepare("PRAGMA integrity_check").all().map((r) => Object.values(r)[0]);
    const count = (t) => db.prepare("SELECT COUNT(*) AS n FROM " + t).get().n;
    console.log(JSON.stringify({ integrity, sessions: count("sessions"), runs: count("runs"), events: count("events") }));`;
  const r = spawnSync(NODE, ["-e", script, path], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/**
 * An NDJSON trace: `count` sessions, session i starting `start + i * stepMs`, each with one
 * run (an llm_call carrying `payloadBytes` of text) and a session_end.
 */
function makeTrace({ count, start, stepMs, payloadBytes = 100, prefix = "s" }) {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const sid = `${prefix}${String(i).padStart(4, "0")}`;
    const at = (ms) => new Date(start + i * stepMs + ms).toISOString();
    const text = `event ${i} `.repeat(Math.ceil(payloadBytes / 10)).slice(0, payloadBytes);
    lines.push(
      { session_id: sid, event_type: "session_start", timestamp: at(0), agent_name: `agent-${i}` },
      { event_id: `${sid}-r0`, session_id: sid, event_type: "run_start", timestamp: at(1), run_id: `run-${sid}`, run_name: "main", status: "running" },
      { event_id: `${sid}-e1`, session_id: sid, event_type: "llm_call", timestamp: at(2), run_id: `run-${sid}`, model: "gpt-4o", tokens_in: 10, tokens_out: 5, input_data: { prompt: text }, output_data: { response: "ok" } },
      { event_id: `${sid}-r1`, session_id: sid, event_type: "run_end", timestamp: at(3), run_id: `run-${sid}`, status: "completed", duration_ms: 2 },
      { session_id: sid, event_type: "session_end", ended_at: at(4), status: "completed", total_tokens_in: 10, total_tokens_out: 5 },
    );
  }
  return lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
}

test("import an NDJSON trace, then stats shows it; importing again adds nothing", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  const r = await ok(["import", fixture("agentlens_trace.ndjson"), "--db", db]);
  assert.equal(r.stdout, "", "the summary goes to stderr");
  const imported = r.stderr.match(/^imported .*agentlens_trace\.ndjson \(ndjson\) into .*a\.db: (\d+) new events and 2 session start\/end records applied\n$/);
  assert.ok(imported, r.stderr);
  const s = await stats(db);
  assert.equal(Number(imported[1]), s.total_events, "the events imported are the events stats counts");
  assert.equal(s.total_sessions, 1);
  assert.equal(s.total_runs, 1);
  assert.equal(s.completed_runs, 1);
  assert.ok(s.total_events >= 6, `events: ${s.total_events}`);
  const again = await ok(["import", fixture("agentlens_trace.ndjson"), "--db", db]);
  const there = again.stderr.match(/: nothing new; already there: (\d+) events and 2 session start\/end records\n$/);
  assert.ok(there, again.stderr);
  assert.equal(Number(there[1]), s.total_events);
  assert.deepEqual({ ...(await stats(db)), db_size_bytes: 0, used_bytes: 0, wal_size_bytes: 0 }, { ...s, db_size_bytes: 0, used_bytes: 0, wal_size_bytes: 0 });
  const text = await ok(["stats", "--db", db]);
  assert.match(text.stdout, /^sessions +1 \(0 active\)$/m);
  assert.match(text.stdout, /^runs +1 \(0 running, 1 completed, 0 failed\)$/m);
});

/** A trace like the demo's: a header line, a session start, `n` events and the session's end. */
function demoLike(n, sid = "demo1") {
  const at = (i) => new Date(Date.parse("2026-05-01T00:00:00Z") + i * 1000).toISOString();
  const lines = [
    { format: "agentlens-trace", version: 1, producer: "test" },
    { session_id: sid, event_type: "session_start", timestamp: at(0), agent_name: "demo" },
    ...Array.from({ length: n }, (_, i) => ({ event_id: `${sid}-e${i}`, session_id: sid, event_type: "llm_call", timestamp: at(i + 1), tokens_in: 1, tokens_out: 1 })),
    { session_id: sid, event_type: "session_end", ended_at: at(n + 1), status: "completed" },
  ];
  return lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
}

test("import counts events as stats does, the session start and end apart; importing again says nothing is new", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  const file = join(dir, "demo.ndjson");
  writeFileSync(file, demoLike(12));
  const first = await ok(["import", file, "--db", db]);
  assert.equal(first.stderr, `imported ${file} (ndjson) into ${db}: 12 new events and 2 session start/end records applied\n`);
  assert.equal((await stats(db)).total_events, 12, "the events imported are the events stats counts");
  const again = await ok(["import", file, "--db", db]);
  assert.equal(again.stderr, `imported ${file} (ndjson) into ${db}: nothing new; already there: 12 events and 2 session start/end records\n`);
  assert.equal((await stats(db)).total_events, 12);

  // One more event and a record without a session: singular words.
  writeFileSync(file, demoLike(13) + JSON.stringify({ event_id: "orphan", event_type: "llm_call" }) + "\n");
  const more = await ok(["import", file, "--db", db]);
  assert.equal(
    more.stderr,
    `imported ${file} (ndjson) into ${db}: 1 new event and 1 session start/end record applied; ` +
      "already there: 12 events and 1 session start/end record; skipped: 1 record without a valid session id\n",
  );
  assert.equal((await stats(db)).total_events, 13);
});

test("import reads gzip, an AgentLens batch and stdin, into the same data", async (t) => {
  const dir = tempDir(t);
  const plain = join(dir, "plain.db");
  await ok(["import", fixture("agentlens_trace.ndjson"), "--db", plain]);
  const gz = join(dir, "gz.db");
  await ok(["import", fixture("agentlens_trace.ndjson.gz"), "--db", gz]);
  const stdin = join(dir, "stdin.db");
  await ok(["import", "-", "--db", stdin], { input: readFileSync(fixture("agentlens_trace.ndjson")) });
  const a = await stats(plain);
  for (const other of [gz, stdin]) {
    const b = await stats(other);
    assert.deepEqual([b.total_sessions, b.total_runs, b.total_events], [a.total_sessions, a.total_runs, a.total_events], other);
  }
  const batch = join(dir, "batch.db");
  await ok(["import", fixture("agentlens_batch.json"), "--db", batch]);
  assert.ok((await stats(batch)).total_events > 0);
});

const SCRIPT = ["/usr/bin/script", "/bin/script"].find(existsSync);

test(
  "on a terminal, import and export draw a progress bar on stderr and end with the summary",
  { skip: SCRIPT ? false : "no script(1) to give the CLI a terminal" },
  async (t) => {
    const dir = tempDir(t);
    const db = join(dir, "tty.db");
    writeFileSync(join(dir, "t.ndjson"), makeTrace({ count: 400, start: Date.parse("2026-01-01T00:00:00Z"), stepMs: 1000 }));
    // script(1) runs the command on a pseudo-terminal: stdout and stderr are both TTYs there.
    const inTerminal = (args) => {
      const r = spawnSync(SCRIPT, ["-qec", [NODE, CLI, ...args].join(" "), "/dev/null"], { cwd: dir, env: cleanEnv(), encoding: "utf8" });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      return r.stdout;
    };
    const imported = inTerminal(["import", "t.ndjson", "--db", "tty.db"]);
    assert.match(imported, /\r\x1b\[2Kimport \[#+\] 100% (\d+)\/\1/, "a bar over the bytes read");
    assert.match(imported, /\r\x1b\[2Kimported t\.ndjson \(ndjson\) into tty\.db: 1200 new events and 800 session start\/end records applied/);
    const exported = inTerminal(["export", "--all", "--output", "all.json", "--db", "tty.db"]);
    assert.match(exported, /\r\x1b\[2Kexport \[#+\] 100% (\d+)\/\1/);
    assert.match(exported, /exported 400 runs and \d+ sessions to all\.json/);
    assert.equal(JSON.parse(readFileSync(join(dir, "all.json"), "utf8")).runs.length, 400);
    assert.ok(existsSync(db));
  },
);

test("import failures: a missing file is exit 3, a file with no events is exit 1, and neither creates a database", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "x.db");
  const missing = await runCli(["import", join(dir, "nope.ndjson"), "--db", db]);
  assert.equal(missing.code, 3, missing.stderr);
  assert.match(missing.stderr, /no such file: .*nope\.ndjson/);
  const junk = join(dir, "junk.ndjson");
  writeFileSync(junk, "this is not a trace\nnor is this\n");
  const bad = await runCli(["import", junk, "--db", db]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /junk\.ndjson: (no events could be read|not a trace format this reader knows)/);
  const badGz = join(dir, "bad.gz");
  writeFileSync(badGz, Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]));
  const gz = await runCli(["import", badGz, "--db", db]);
  assert.equal(gz.code, 1, gz.stderr);
  assert.match(gz.stderr, /bad\.gz: .*gzip/);
  assert.equal(existsSync(db), false);
});

test("export one run, export --all to a file, import that file: the round trip keeps every run and event", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  await ok(["import", fixture("agentlens_trace.ndjson"), "--db", db]);
  writeFileSync(join(dir, "more.ndjson"), makeTrace({ count: 12, start: Date.parse("2026-01-01T00:00:00Z"), stepMs: 60_000 }));
  await ok(["import", join(dir, "more.ndjson"), "--db", db]);

  const one = await ok(["export", "r-plan", "--db", db]);
  const run = JSON.parse(one.stdout);
  assert.equal(run.run.id, "r-plan");
  assert.equal(run.run.status, "completed");
  assert.ok(run.timeline.length >= 4);
  assert.ok(run.timeline.some((s) => s.type === "llm_call" && s.data), "payloads decoded");
  assert.match(one.stderr, /^exported run r-plan \(\d+ steps\)\n$/);

  const file = join(dir, "all.json");
  const all = await ok(["export", "--all", "--output", file, "--db", db]);
  assert.equal(all.stdout, "");
  assert.match(all.stderr, /exported 13 runs and \d+ sessions to .*all\.json/);
  const data = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(data.format, "agentlens-collector-export");
  assert.equal(data.runs.length, 13);

  const limited = JSON.parse((await ok(["export", "--all", "--limit", "5", "--db", db])).stdout);
  assert.equal(limited.runs.length, 5);

  const copy = join(dir, "copy.db");
  await ok(["import", file, "--db", copy]);
  const [a, b] = [await stats(db), await stats(copy)];
  assert.deepEqual([b.total_sessions, b.total_runs, b.completed_runs, b.total_events], [a.total_sessions, a.total_runs, a.completed_runs, a.total_events]);
  const gzCopy = join(dir, "gz-copy.db");
  writeFileSync(join(dir, "all.json.gz"), gzipSync(readFileSync(file)));
  const gz = await ok(["import", join(dir, "all.json.gz"), "--db", gzCopy]);
  assert.match(gz.stderr, /\(agentlens-collector-export\)/);
  assert.equal((await stats(gzCopy)).total_events, a.total_events);
  const again = JSON.parse((await ok(["export", "--all", "--db", copy])).stdout);
  const strip = (x) => ({ ...x, exported_at: "", runs: x.runs.map((r) => ({ ...r, run: { ...r.run, created_at: "" } })) });
  assert.deepEqual(strip(again), strip(data));
});

test("export of an unknown run exits 3; store commands on a missing database exit 3 and create nothing", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  await ok(["import", fixture("agentlens_trace.ndjson"), "--db", db]);
  const r = await runCli(["export", "no-such-run", "--db", db]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /no run with id no-such-run/);
  assert.equal(r.stdout, "");
  const missing = join(dir, "missing.db");
  for (const args of [["stats"], ["prune"], ["vacuum"], ["backup", join(dir, "b.db")], ["export", "--all"], ["explain", SESSION]]) {
    const m = await runCli([...args, "--db", missing]);
    assert.equal(m.code, 3, `${args[0]}: ${m.stderr}`);
    assert.match(m.stderr, /no database at .*missing\.db/);
  }
  assert.equal(existsSync(missing), false);
});

test("explain prints a session's Markdown explanation; an unknown session exits 3", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  await ok(["import", fixture("agentlens_trace.ndjson"), "--db", db]);
  const r = await ok(["explain", SESSION, "--db", db]);
  assert.match(r.stdout, /research-agent/);
  assert.match(r.stdout, /llm_call|LLM/i);
  assert.match(r.stdout, /calculator/);
  const unknown = await runCli(["explain", "nobody", "--db", db]);
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /no session with id nobody/);
});

test("a file that is not SQLite is a database error (exit 5)", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "not.db");
  writeFileSync(db, "hello, I am a text file and not a database at all ".repeat(100));
  const r = await runCli(["stats", "--db", db]);
  assert.equal(r.code, 5, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("an encrypted database: no key or the wrong key exits 5 without reading anything; the right key works", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "enc.db");
  await ok(["import", fixture("agentlens_trace.ndjson"), "--db", db], { env: { AGENTLENS_ENCRYPTION_KEY: KEY } });
  for (const env of [{}, { AGENTLENS_ENCRYPTION_KEY: OTHER_KEY }, { AGENTLENS_ENCRYPTION_KEY: "short" }]) {
    const r = await runCli(["export", "r-plan", "--db", db], { env });
    assert.equal(r.code, 5, `${JSON.stringify(env)}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.doesNotMatch(r.stderr, new RegExp(KEY.slice(0, 12)));
  }
  const s = await stats(db, { AGENTLENS_ENCRYPTION_KEY: KEY });
  assert.equal(s.encrypted, true);
  const run = JSON.parse((await ok(["export", "r-plan", "--db", db], { env: { AGENTLENS_ENCRYPTION_KEY: KEY } })).stdout);
  assert.equal(run.run.id, "r-plan");
  // Names and ids are index columns; payloads (the prompt, the reasoning) are encrypted.
  const files = [db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f));
  for (const secret of ["What is 2+2", "the calculator agrees"]) {
    assert.ok(files.every((bytes) => !bytes.includes(secret)), `"${secret}" is not on disk in clear`);
  }
});

test("prune --retention-days with a fixed --now deletes exactly the sessions older than the window", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  const DAY = 86_400_000;
  // 20 sessions, one a day from 2025-01-01; with now = 2025-01-21T00:00Z and 10 days, sessions of days 0..9 are older.
  writeFileSync(join(dir, "t.ndjson"), makeTrace({ count: 20, start: Date.parse("2025-01-01T12:00:00Z"), stepMs: DAY }));
  await ok(["import", join(dir, "t.ndjson"), "--db", db]);
  assert.equal((await stats(db)).total_sessions, 20);
  const r = await ok(["prune", "--retention-days", "10", "--now", "2025-01-21T00:00:00Z", "--json", "--db", db]);
  const result = JSON.parse(r.stdout);
  assert.equal(result.sessions_deleted, 10);
  assert.equal(result.runs_deleted, 10);
  const s = await stats(db);
  assert.equal(s.total_sessions, 10);
  assert.equal(s.total_runs, 10);
  assert.ok(s.oldest_event >= "2025-01-11", `oldest left: ${s.oldest_event}`);
  const none = JSON.parse((await ok(["prune", "--retention-days", "10", "--now", "2025-01-21T00:00:00Z", "--json", "--db", db])).stdout);
  assert.equal(none.sessions_deleted, 0, "pruning is idempotent");
  const text = await ok(["prune", "--retention-days", "0", "--db", db]);
  assert.match(text.stdout, /^pruned nothing \(both bounds disabled\): deleted 0 sessions/);
  const bad = await runCli(["prune", "--now", "yesterday-ish", "--db", db]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--now needs a time/);
});

test("prune --retention-max-bytes deletes the oldest sessions until the used size fits; --vacuum shrinks the file", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "big.db");
  writeFileSync(join(dir, "t.ndjson"), makeTrace({ count: 60, start: Date.parse("2026-03-01T00:00:00Z"), stepMs: 60_000, payloadBytes: 8000 }));
  await ok(["import", join(dir, "t.ndjson"), "--db", db], { env: { AGENTLENS_COMPRESSION: "false" } });
  const before = await stats(db);
  assert.equal(before.total_sessions, 60);
  const budget = Math.floor(before.used_bytes / 2);
  const r = await ok(["prune", "--retention-days", "0", "--retention-max-bytes", String(budget), "--vacuum", "--json", "--db", db]);
  const result = JSON.parse(r.stdout);
  assert.ok(result.sessions_deleted > 0 && result.sessions_deleted < 60, `deleted ${result.sessions_deleted}`);
  assert.ok(result.used_bytes_after <= budget, `${result.used_bytes_after} <= ${budget}`);
  const after = await stats(db);
  assert.equal(after.total_sessions, 60 - result.sessions_deleted);
  assert.ok(after.db_size_bytes < before.db_size_bytes, "vacuum returned the space");
  assert.equal(result.db_size_bytes_after_vacuum, after.db_size_bytes);
  // The newest sessions are the ones kept.
  const exported = JSON.parse((await ok(["export", "--all", "--db", db])).stdout);
  const kept = exported.runs.map((x) => x.run.session_id).sort();
  assert.equal(kept.at(-1), "s0059");
  assert.ok(kept[0] > "s0000");
  const v = await ok(["vacuum", "--db", db]);
  assert.match(v.stdout, /^vacuumed .*big\.db: /);
});

test("backup, then restore: the copy holds the same data and passes PRAGMA integrity_check", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  await ok(["import", fixture("agentlens_trace.ndjson"), "--db", db]);
  writeFileSync(join(dir, "more.ndjson"), makeTrace({ count: 5, start: Date.parse("2026-02-01T00:00:00Z"), stepMs: 1000 }));
  await ok(["import", join(dir, "more.ndjson"), "--db", db]);
  const backup = join(dir, "backup.db");
  const r = await ok(["backup", backup, "--db", db]);
  assert.match(r.stdout, /^backed up .*a\.db to .*backup\.db \(/);
  const original = inspectDb(db);
  const copy = inspectDb(backup);
  assert.deepEqual(copy.integrity, ["ok"]);
  assert.deepEqual(copy, original);

  const exists = await runCli(["backup", backup, "--db", db]);
  assert.equal(exists.code, 1);
  assert.match(exists.stderr, /exists \(use --force/);
  const mtime = statSync(backup).mtimeMs;
  await ok(["backup", backup, "--force", "--db", db]);
  assert.deepEqual(inspectDb(backup).integrity, ["ok"]);
  assert.ok(statSync(backup).mtimeMs >= mtime);

  // Restore: the backup file becomes the database; it answers like the original.
  const restored = join(dir, "restored.db");
  copyFileSync(backup, restored);
  const exportOf = async (path) => {
    const x = JSON.parse((await ok(["export", "--all", "--db", path])).stdout);
    return { ...x, exported_at: "" };
  };
  assert.deepEqual(await exportOf(restored), await exportOf(db));
  assert.equal((await ok(["explain", SESSION, "--db", restored])).stdout, (await ok(["explain", SESSION, "--db", db])).stdout);
});
