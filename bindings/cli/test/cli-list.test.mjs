// `agentlens sessions`, `agentlens runs` and `agentlens export <session>`: what the database
// holds, listed as a table or as JSON, with filters and paging, and one session exported
// on its own. The CLI runs as a child process (Node >= 22.13) on a temporary database.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, tempDir } from "./cli-support.mjs";

async function ok(args, options) {
  const r = await runCli(args, options);
  assert.equal(r.code, 0, `agentlens ${args.join(" ")}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  return r;
}

const line = (e) => JSON.stringify(e);

/**
 * Three sessions: alpha (two root runs, one failed; its end says completed, but a failed
 * root run makes the session an error by the core's rule), beta (one run; ended in
 * error) and gamma (no run, no end: active), started a day apart from 2026-01-01.
 */
function fixture() {
  const events = [
    { session_id: "s-alpha", event_type: "session_start", timestamp: "2026-01-01T10:00:00Z", agent_name: "alpha-agent" },
    { event_id: "a1", session_id: "s-alpha", event_type: "run_start", timestamp: "2026-01-01T10:00:01Z", run_id: "run-a1", run_name: "plan" },
    { event_id: "a2", session_id: "s-alpha", event_type: "llm_call", timestamp: "2026-01-01T10:00:02Z", run_id: "run-a1", model: "gpt-4o", tokens_in: 100, tokens_out: 20 },
    { event_id: "a3", session_id: "s-alpha", event_type: "run_end", timestamp: "2026-01-01T10:00:03Z", run_id: "run-a1", status: "completed", duration_ms: 2000 },
    { event_id: "a4", session_id: "s-alpha", event_type: "run_start", timestamp: "2026-01-01T10:00:04Z", run_id: "run-a2", run_name: "act" },
    { event_id: "a5", session_id: "s-alpha", event_type: "tool_call", timestamp: "2026-01-01T10:00:05Z", run_id: "run-a2", tool_call: { tool_name: "search" } },
    { event_id: "a6", session_id: "s-alpha", event_type: "run_end", timestamp: "2026-01-01T10:00:06Z", run_id: "run-a2", status: "failed", duration_ms: 1500 },
    { event_id: "a7", session_id: "s-alpha", event_type: "llm_call", timestamp: "2026-01-01T10:00:07Z", model: "gpt-4o", tokens_in: 5, tokens_out: 2 },
    { session_id: "s-alpha", event_type: "session_end", ended_at: "2026-01-01T10:00:08Z", status: "completed" },
    { session_id: "s-beta", event_type: "session_start", timestamp: "2026-01-02T10:00:00Z", agent_name: "beta-bot" },
    { event_id: "b1", session_id: "s-beta", event_type: "run_start", timestamp: "2026-01-02T10:00:01Z", run_id: "run-b1", run_name: "answer" },
    { event_id: "b2", session_id: "s-beta", event_type: "llm_call", timestamp: "2026-01-02T10:00:02Z", run_id: "run-b1", tokens_in: 7, tokens_out: 3 },
    { session_id: "s-beta", event_type: "session_end", ended_at: "2026-01-02T10:00:03Z", status: "error" },
    { session_id: "s-gamma", event_type: "session_start", timestamp: "2026-01-03T10:00:00Z", agent_name: "alpha-agent" },
    { event_id: "g1", session_id: "s-gamma", event_type: "llm_call", timestamp: "2026-01-03T10:00:01Z", tokens_in: 1, tokens_out: 1 },
  ];
  return events.map(line).join("\n") + "\n";
}

async function seeded(t) {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  writeFileSync(join(dir, "t.ndjson"), fixture());
  await ok(["import", join(dir, "t.ndjson"), "--db", db]);
  return { dir, db };
}

const sessionsJson = async (db, args = []) => JSON.parse((await ok(["sessions", "--json", "--db", db, ...args])).stdout);
const runsJson = async (db, args = []) => JSON.parse((await ok(["runs", "--json", "--db", db, ...args])).stdout);

test("sessions lists every session, newest first, as a table: id, agent, status, started, events, tokens", async (t) => {
  const { db } = await seeded(t);
  const r = await ok(["sessions", "--db", db]);
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^SESSION +AGENT +STATUS +STARTED \(UTC\) +EVENTS +TOKENS IN +TOKENS OUT$/);
  assert.match(lines[1], /^s-gamma +alpha-agent +active +2026-01-03 10:00:00 +1 +1 +1$/);
  assert.match(lines[2], /^s-beta +beta-bot +error +2026-01-02 10:00:00 +2 +7 +3$/);
  assert.match(lines[3], /^s-alpha +alpha-agent +error +2026-01-01 10:00:00 +7 +105 +22$/);
  assert.equal(lines[4], "3 sessions");
  assert.equal(lines.length, 5);
  // Columns line up: every row starts its STATUS cell where the header does.
  const at = lines[0].indexOf("STATUS");
  for (const l of lines.slice(1, 4)) assert.match(l.slice(at), /^(active|error) /);
});

test("sessions --json is stable machine output: every field, the total and the page", async (t) => {
  const { db } = await seeded(t);
  const out = await sessionsJson(db);
  assert.deepEqual(Object.keys(out), ["sessions", "total", "limit", "offset"]);
  assert.deepEqual([out.total, out.limit, out.offset], [3, 50, 0]);
  assert.deepEqual(out.sessions[2], {
    session_id: "s-alpha",
    agent_name: "alpha-agent",
    status: "error",
    // As stored: the importer writes timestamps with microseconds.
    started_at: "2026-01-01T10:00:00.000000Z",
    ended_at: "2026-01-01T10:00:08.000000Z",
    event_count: 7,
    total_tokens_in: 105,
    total_tokens_out: 22,
  });
  assert.deepEqual(out.sessions.map((s) => s.session_id), ["s-gamma", "s-beta", "s-alpha"]);
  assert.equal(out.sessions[0].ended_at, null);
});

test("sessions filters by agent, status and start time, and pages with --limit and --offset", async (t) => {
  const { db } = await seeded(t);
  const ids = async (args) => (await sessionsJson(db, args)).sessions.map((s) => s.session_id);
  assert.deepEqual(await ids(["--agent", "alpha"]), ["s-gamma", "s-alpha"], "agent name contains the text");
  assert.deepEqual(await ids(["--status", "error"]), ["s-beta", "s-alpha"], "a failed root run makes alpha an error");
  assert.deepEqual(await ids(["--status", "completed"]), []);
  assert.deepEqual(await ids(["--status", "active"]), ["s-gamma"]);
  assert.deepEqual(await ids(["--since", "2026-01-02"]), ["s-gamma", "s-beta"]);
  assert.deepEqual(await ids(["--until", "2026-01-02T00:00:00Z"]), ["s-alpha"]);
  assert.deepEqual(await ids(["--since", "2026-01-02", "--until", "2026-01-02T23:59:59Z"]), ["s-beta"]);
  assert.deepEqual(await ids(["--since", String(Date.parse("2026-01-03T00:00:00Z"))]), ["s-gamma"], "epoch ms");
  assert.deepEqual(await ids(["--since", "100000d"]), ["s-gamma", "s-beta", "s-alpha"], "a duration before now");
  assert.deepEqual(await ids(["--since", "1h"]), []);
  const page = await sessionsJson(db, ["--limit", "1", "--offset", "1"]);
  assert.deepEqual([page.sessions.map((s) => s.session_id), page.total, page.limit, page.offset], [["s-beta"], 3, 1, 1]);
  const text = await ok(["sessions", "--limit", "1", "--offset", "1", "--db", db]);
  assert.match(text.stdout, /^showing 2-2 of 3 sessions \(next page: --offset 2\)$/m);
  const one = await ok(["sessions", "--status", "active", "--db", db]);
  assert.match(one.stdout, /^1 session$/m);
  const none = await ok(["sessions", "--agent", "nobody", "--db", db]);
  assert.equal(none.stdout, "no sessions match (3 sessions in the database)\n");
});

test("runs lists runs with name, status, session, duration and steps; filters by session and status", async (t) => {
  const { db } = await seeded(t);
  const r = await ok(["runs", "--db", db]);
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^RUN +NAME +STATUS +SESSION +STARTED \(UTC\) +DURATION +STEPS$/);
  assert.match(lines[1], /^run-b1 +answer +running +s-beta +2026-01-02 10:00:01 +\(running\) +2$/);
  assert.match(lines[2], /^run-a2 +act +failed +s-alpha +2026-01-01 10:00:04 +1\.5 s +2$/);
  assert.match(lines[3], /^run-a1 +plan +completed +s-alpha +2026-01-01 10:00:01 +2\.0 s +2$/);
  assert.equal(lines[4], "3 runs");
  const all = await runsJson(db);
  assert.deepEqual(Object.keys(all), ["runs", "total", "limit", "offset"]);
  assert.deepEqual([all.total, all.limit, all.offset], [3, 50, 0]);
  const a1 = all.runs.find((x) => x.id === "run-a1");
  assert.deepEqual(
    { id: a1.id, name: a1.name, status: a1.status, session_id: a1.session_id, started_at: a1.started_at, duration_ms: a1.duration_ms, step_count: a1.step_count },
    { id: "run-a1", name: "plan", status: "completed", session_id: "s-alpha", started_at: Date.parse("2026-01-01T10:00:01Z"), duration_ms: 2000, step_count: 2 },
  );
  assert.deepEqual((await runsJson(db, ["--session", "s-alpha"])).runs.map((x) => x.id), ["run-a2", "run-a1"]);
  assert.deepEqual((await runsJson(db, ["--status", "failed"])).runs.map((x) => x.id), ["run-a2"]);
  assert.deepEqual((await runsJson(db, ["--limit", "1", "--offset", "2"])).runs.map((x) => x.id), ["run-a1"]);
  const one = await ok(["runs", "--status", "failed", "--db", db]);
  assert.match(one.stdout, /^1 run$/m);
  const none = await ok(["runs", "--session", "s-gamma", "--db", db]);
  assert.equal(none.stdout, "no runs match (3 runs in the database)\n");
});

test("sessions and runs: bad filters are usage errors (exit 2); a missing database is exit 3", async (t) => {
  const { dir, db } = await seeded(t);
  for (const [args, message] of [
    [["sessions", "--status", "done"], /--status must be one of active, completed, error, timeout/],
    [["runs", "--status", "error"], /--status must be one of running, completed, failed/],
    [["sessions", "--since", "last tuesday"], /--since needs a time \(ISO 8601, epoch ms, or a duration before now such as 24h or 7d\)/],
    [["runs", "--until", "soon"], /--until needs a time/],
    [["sessions", "--limit", "0"], /--limit must be at least 1/],
    [["sessions", "--offset", "-1"], /--offset must be at least 0/],
  ]) {
    const r = await runCli([...args, "--db", db]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.match(r.stderr, new RegExp(`Run "agentlens ${args[0]} --help" for usage\\.`));
  }
  for (const command of ["sessions", "runs"]) {
    const missing = await runCli([command, "--db", join(dir, "missing.db")]);
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /no database at .*missing\.db/);
    assert.equal(existsSync(join(dir, "missing.db")), false);
  }
});

test("export SESSION_ID writes that session only (its runs and events), and it imports back alone", async (t) => {
  const { dir, db } = await seeded(t);
  const r = await ok(["export", "s-alpha", "--db", db]);
  assert.equal(r.stderr, "exported session s-alpha (2 runs, 7 events)\n");
  const data = JSON.parse(r.stdout);
  assert.equal(data.format, "agentlens-collector-export");
  assert.deepEqual(data.runs.map((x) => x.run.id).sort(), ["run-a1", "run-a2"]);
  assert.deepEqual(data.sessions.map((s) => s.session.session_id), ["s-alpha"]);
  const file = join(dir, "alpha.json");
  const flagged = await ok(["export", "--session", "s-alpha", "--output", file, "--db", db]);
  assert.equal(flagged.stderr, `exported session s-alpha (2 runs, 7 events) to ${file}\n`);
  const strip = (x) => ({ ...x, exported_at: "" });
  assert.deepEqual(strip(JSON.parse(readFileSync(file, "utf8"))), strip(data));
  const copy = join(dir, "copy.db");
  await ok(["import", file, "--db", copy]);
  const [only] = (await sessionsJson(copy)).sessions;
  assert.equal((await sessionsJson(copy)).total, 1);
  assert.deepEqual(only, (await sessionsJson(db)).sessions.find((s) => s.session_id === "s-alpha"));
  assert.deepEqual((await runsJson(copy)).runs.map((x) => x.id).sort(), ["run-a1", "run-a2"]);

  const gamma = await ok(["export", "s-gamma", "--db", db]);
  assert.equal(gamma.stderr, "exported session s-gamma (0 runs, 1 event)\n");
  const run = await ok(["export", "run-b1", "--db", db]);
  assert.equal(run.stderr, "exported run run-b1 (2 steps)\n", "a run id still exports the run");
});

test("export: an unknown id exits 3 naming both kinds; --session takes no RUN_ID or --all beside it", async (t) => {
  const { db } = await seeded(t);
  const unknown = await runCli(["export", "nobody", "--db", db]);
  assert.equal(unknown.code, 3, unknown.stderr);
  assert.match(unknown.stderr, /no run with id nobody and no session with that id in .*a\.db \(agentlens runs and agentlens sessions list them\)/);
  assert.equal(unknown.stdout, "");
  const notSession = await runCli(["export", "--session", "run-a1", "--db", db]);
  assert.equal(notSession.code, 3);
  assert.match(notSession.stderr, /no session with id run-a1 in .*a\.db \(agentlens sessions lists them\)/);
  for (const args of [["export", "run-a1", "--session", "s-alpha"], ["export", "--all", "--session", "s-alpha"], ["export", "--session", "s-alpha", "--limit", "2"]]) {
    const r = await runCli([...args, "--db", db]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /give one of RUN_ID, --session and --all|--limit applies only with --all/);
  }
});
