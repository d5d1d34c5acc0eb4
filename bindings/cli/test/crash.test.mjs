// Crash safety: kill -9 the collector during sustained ingestion, restart it on the same
// database: every acknowledged event is there and PRAGMA integrity_check is ok. An
// acknowledgement is a 200, which the server sends only after the commit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { tempDir } from "./helpers.mjs";

const CHILD = new URL("./crash-child.mjs", import.meta.url);
const CLIENTS = 4;
const BATCH = 50;
const KILL_AFTER_ACKS = 40;

async function startChild(dbPath) {
  const child = spawn(process.execPath, [CHILD.pathname, dbPath], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  for await (const chunk of child.stdout) {
    out += chunk;
    if (out.includes("\n")) break;
  }
  const { port } = JSON.parse(out.split("\n")[0]);
  return { child, url: `http://127.0.0.1:${port}` };
}

function batch(client, n) {
  const sid = `crash-${client}`;
  return {
    events: Array.from({ length: BATCH }, (_, i) => ({
      event_id: `c${client}-b${n}-e${i}`, session_id: sid, event_type: "llm_call", model: "gpt-4o",
      tokens_in: 1, tokens_out: 1, input_data: { prompt: `batch ${n} event ${i} `.repeat(8) },
    })),
  };
}

test("every acknowledged event survives kill -9 mid-ingestion, and the database is intact", async (t) => {
  const dbPath = join(tempDir(t), "crash.db");
  const { child, url } = await startChild(dbPath);
  t.after(() => child.kill("SIGKILL"));
  const acknowledged = [];
  let killed = false;
  let failedAfterKill = 0;
  const exited = once(child, "exit");

  async function client(id) {
    for (let n = 0; !killed; n++) {
      const body = batch(id, n);
      try {
        const res = await fetch(`${url}/events`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
        const json = await res.json();
        if (res.status === 200 && json.processed === BATCH) acknowledged.push(...body.events.map((e) => e.event_id));
        else assert.fail(`unexpected answer ${res.status}`);
      } catch (e) {
        if (e.code === "ERR_ASSERTION") throw e;
        failedAfterKill++;
        return; // the connection died with the process
      }
      if (!killed && acknowledged.length >= KILL_AFTER_ACKS * BATCH) {
        killed = true;
        // Requests of the other clients are in flight right now.
        child.kill("SIGKILL");
      }
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  const [, signal] = await exited;
  assert.equal(signal, "SIGKILL");
  assert.ok(acknowledged.length >= KILL_AFTER_ACKS * BATCH);

  // Restart a collector on the same database: it opens (WAL recovery) and serves.
  const second = await startChild(dbPath);
  t.after(() => second.child.kill("SIGKILL"));
  const stats = await (await fetch(`${second.url}/v1/stats`)).json();
  assert.ok(stats.total_events >= acknowledged.length, `${stats.total_events} stored < ${acknowledged.length} acknowledged`);
  second.child.kill("SIGKILL");
  await once(second.child, "exit");

  const db = new DatabaseSync(dbPath);
  t.after(() => db.close());
  assert.equal(db.prepare("PRAGMA integrity_check").get().integrity_check, "ok");
  const stored = new Set(db.prepare("SELECT event_id FROM events").all().map((r) => r.event_id));
  const missing = acknowledged.filter((id) => !stored.has(id));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} acknowledged events lost`);
  // Each session's token total equals its stored events: no half-applied batch.
  for (const row of db.prepare("SELECT session_id, event_tokens_in, event_count, (SELECT COUNT(*) FROM events e WHERE e.session_id = s.session_id) AS n FROM sessions s").all()) {
    assert.equal(row.event_tokens_in, row.n, row.session_id);
    assert.equal(row.event_count, row.n, row.session_id);
  }
  t.diagnostic(`acknowledged ${acknowledged.length} events before kill -9; stored ${stored.size}; ${failedAfterKill} requests cut off`);
});
