// What the CLI says to someone new to it: right plurals, a value wherever one is known,
// and errors that say what to do next. The CLI runs as a child process (Node >= 22.13)
// on temporary databases; the collector's upload route is called over HTTP on 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, tempDir } from "./cli-support.mjs";
import { call, collector } from "./helpers.mjs";

const { listenError } = await import(new URL("../dist/cli/serve.js", import.meta.url).href);

async function ok(args, options) {
  const r = await runCli(args, options);
  assert.equal(r.code, 0, `agentlens ${args.join(" ")}: ${r.stderr}`);
  return r;
}

const ndjson = (lines) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n";

/** One session on 2025-01-01 with one run of three events, and an end. */
const ONE_SESSION = [
  { session_id: "p1", event_type: "session_start", timestamp: "2025-01-01T00:00:00Z", agent_name: "a" },
  { event_id: "p1-r0", session_id: "p1", event_type: "run_start", timestamp: "2025-01-01T00:00:01Z", run_id: "run-p1", run_name: "main" },
  { event_id: "p1-e1", session_id: "p1", event_type: "llm_call", timestamp: "2025-01-01T00:00:02Z", run_id: "run-p1", tokens_in: 1 },
  { event_id: "p1-r1", session_id: "p1", event_type: "run_end", timestamp: "2025-01-01T00:00:03Z", run_id: "run-p1", status: "completed" },
  { session_id: "p1", event_type: "session_end", ended_at: "2025-01-01T00:00:04Z", status: "completed" },
];

test("prune speaks in singulars when it deleted one of each, and of one day", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  writeFileSync(join(dir, "t.ndjson"), ndjson(ONE_SESSION));
  await ok(["import", join(dir, "t.ndjson"), "--db", db]);
  const r = await ok(["prune", "--retention-days", "1", "--now", "2025-01-03T00:00:00Z", "--db", db]);
  assert.match(r.stdout, /^pruned older than 1 day: deleted 1 session, 1 run, 3 events; used /);
});

test("stats on a database without events says so instead of printing -", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  writeFileSync(join(dir, "t.ndjson"), ndjson([ONE_SESSION[0], ONE_SESSION.at(-1)]));
  const imported = await ok(["import", join(dir, "t.ndjson"), "--db", db]);
  assert.match(imported.stderr, /: 2 session start\/end records applied\n$/);
  const r = await ok(["stats", "--db", db]);
  assert.match(r.stdout, /^events +0$/m);
  assert.match(r.stdout, /^oldest event +\(no events\)$/m);
  assert.match(r.stdout, /^newest event +\(no events\)$/m);
  assert.doesNotMatch(r.stdout, / -$/m);
});

test("import reports the reader's warnings as warnings, counted as many as it prints", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  const file = join(dir, "t.ndjson");
  writeFileSync(file, ndjson([...ONE_SESSION.slice(0, 3), "{this line is broken", ...ONE_SESSION.slice(3)]));
  const r = await ok(["import", file, "--db", db]);
  const [summary, ...rest] = r.stderr.trimEnd().split("\n");
  const m = summary.match(/: 3 new events and 2 session start\/end records applied; (\d+) reader warnings?:$/);
  assert.ok(m, summary);
  assert.equal(rest.length, Number(m[1]), "one indented line per warning counted");
  for (const l of rest) assert.match(l, /^ {2}\S/);
  assert.doesNotMatch(r.stderr, /this line is broken/, "warnings never quote the input");
  assert.doesNotMatch(r.stderr, /malformed records/);
});

test("import of a file the reader finds no event in says why, creates no database, and exits 1", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  const file = join(dir, "batch.json");
  writeFileSync(file, JSON.stringify({ events: [1] }));
  const r = await runCli(["import", file, "--db", db]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /batch\.json: no events could be read \(1 reader warning: element 0 is not an event object; skipped\)\n/);
  assert.equal(existsSync(db), false);
});

test("POST /import of a body without a readable event names its warnings with the right plural", async (t) => {
  const c = await collector(t);
  const r = await call(c, "POST", "/import", { raw: JSON.stringify({ events: [1] }), headers: { "Content-Type": "application/json" } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error, "No events could be read (1 warning)");
});

test("explain and export of an unknown id point to the commands that list ids", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "a.db");
  writeFileSync(join(dir, "t.ndjson"), ndjson(ONE_SESSION));
  await ok(["import", join(dir, "t.ndjson"), "--db", db]);
  const explain = await runCli(["explain", "nobody", "--db", db]);
  assert.equal(explain.code, 3);
  assert.match(explain.stderr, /no session with id nobody in .*a\.db \(agentlens sessions lists them\)/);
});

test("serve's listen errors say what to change", () => {
  const config = { host: "10.9.8.7", port: 80 };
  const error = (code) => Object.assign(new Error(code), { code });
  assert.equal(listenError(error("EADDRINUSE"), config).message, "10.9.8.7:80 is already in use (pick another with --port, or --port 0 for any free one)");
  assert.equal(listenError(error("EACCES"), config).message, "no permission to listen on 10.9.8.7:80 (ports below 1024 need privileges: pick another with --port)");
  assert.equal(listenError(error("EADDRNOTAVAIL"), config).message, "cannot listen on 10.9.8.7:80: this machine has no address 10.9.8.7 (--host 127.0.0.1 is this machine only)");
  for (const code of ["EADDRINUSE", "EACCES", "EADDRNOTAVAIL"]) assert.equal(listenError(error(code), config).exitCode, 1);
  assert.equal(listenError(error("ENOENT"), config), undefined, "not a listen error");
});
