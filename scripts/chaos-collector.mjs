#!/usr/bin/env node
// Collector chaos (issue 17): 4 clients send EVENTS events in batches to a collector in its
// own process; the collector is killed with SIGKILL twice while requests are in flight and
// restarted each time on the same database. A client whose request was cut off resends the
// same batch to the restarted collector (it may have been committed before the kill: the
// collector must count it a duplicate, not store it twice). At the end: every acknowledged
// event is stored exactly once, identified by (session_id, event_id) — the clients reuse
// the same event ids in their different sessions — nothing unacknowledged is invented,
// every session's counters equal its stored events, and PRAGMA integrity_check is ok.
//
//   node_modules/node/bin/node scripts/chaos-collector.mjs [EVENTS] [KILLS]   (default 200000 2)
//
// Needs Node >= 22.13 (node:sqlite) and the built CLI (npm run build -w @agentlens/cli).
// bindings/cli/test/crash-twice.test.mjs runs the short version through `runChaos`.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const CHILD = fileURLToPath(new URL("../bindings/cli/test/crash-child.mjs", import.meta.url));
const SESSIONS_PER_CLIENT = 4;

/** Starts the collector on `dbPath` in its own process; resolves with `{ child, url }` once it listens. */
async function startChild(dbPath) {
  const child = spawn(process.execPath, [CHILD, dbPath], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  for await (const chunk of child.stdout) {
    out += chunk;
    if (out.includes("\n")) break;
  }
  if (!out.includes("\n")) throw new Error("the collector exited before listening");
  const { port } = JSON.parse(out.split("\n")[0]);
  return { child, url: `http://127.0.0.1:${port}`, exited: once(child, "exit") };
}

/** Client `c`'s batch `n`: its session is one of the client's four; event ids repeat across clients. */
function batchOf(c, n, size) {
  const sessionId = `chaos-c${c}-s${n % SESSIONS_PER_CLIENT}`;
  return {
    events: Array.from({ length: size }, (_, i) => ({
      event_id: `b${n}-e${i}`, session_id: sessionId, event_type: "llm_call", model: "gpt-4o",
      tokens_in: 1, tokens_out: 2, input_data: { prompt: `client ${c} batch ${n} event ${i} `.repeat(6) },
    })),
  };
}

/**
 * Runs the chaos: `events` events (rounded down to whole batches) from `clients` clients,
 * `kills` SIGKILLs spread evenly over the acknowledgements. Resolves with the figures:
 * `{ events, acknowledged, kills, cutOff, resentDuplicates, restartsMs, seconds, dbPath }`.
 * The database is left for `verifyChaos`; the caller removes `dir`.
 */
export async function runChaos({ events = 200_000, clients = 4, batch = 50, kills = 2, dir }) {
  const dbPath = join(dir, "chaos.db");
  const batchesPerClient = Math.floor(events / clients / batch);
  const total = batchesPerClient * clients * batch;
  const started = performance.now();
  let current = await startChild(dbPath);
  const figures = { events: total, acknowledged: 0, kills: 0, cutOff: 0, resentDuplicates: 0, restartsMs: [], dbPath };
  const acknowledged = new Set();
  let generation = 0;
  let restarting = null; // a promise while the collector is down

  async function killAndRestart() {
    figures.kills++;
    const dead = current;
    restarting = (async () => {
      dead.child.kill("SIGKILL"); // other clients' requests are in flight right now
      const [, signal] = await dead.exited;
      if (signal !== "SIGKILL") throw new Error(`the collector ended by ${signal}, not SIGKILL`);
      const t0 = performance.now();
      current = await startChild(dbPath);
      figures.restartsMs.push(Math.round(performance.now() - t0));
      generation++;
      restarting = null;
    })();
    await restarting;
  }

  async function client(c) {
    for (let n = 0; n < batchesPerClient; n++) {
      const body = batchOf(c, n, batch);
      const text = JSON.stringify(body);
      for (;;) {
        const gen = generation;
        let res;
        try {
          res = await fetch(`${current.url}/events`, { method: "POST", headers: { "Content-Type": "application/json" }, body: text });
        } catch (err) {
          // Only a kill may cut a request off: wait for the restart, then resend the batch.
          if (restarting === null && gen === generation) throw err;
          figures.cutOff++;
          await restarting;
          continue;
        }
        const json = await res.json().catch(() => null);
        if (res.status !== 200 || json?.processed + json?.duplicates !== batch) {
          throw new Error(`client ${c} batch ${n}: ${res.status} ${JSON.stringify(json)}`);
        }
        figures.resentDuplicates += json.duplicates;
        for (const e of body.events) acknowledged.add(`${e.session_id}\u0000${e.event_id}`);
        break;
      }
      const due = figures.kills < kills && acknowledged.size >= ((figures.kills + 1) * total) / (kills + 1);
      if (due && restarting === null) await killAndRestart();
    }
  }
  try {
    await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  } finally {
    await restarting?.catch(() => {}); // never leave a collector running, even on failure
    current.child.kill("SIGKILL");
    await current.exited;
  }
  figures.acknowledged = acknowledged.size;
  figures.seconds = Math.round(performance.now() - started) / 1000;
  return { figures, acknowledged };
}

/**
 * Opens the database the chaos left and checks it. Resolves with `{ integrity, stored,
 * duplicated, missing, unacknowledged, badSessions }` (every count should be 0 and
 * `integrity` "ok").
 */
export async function verifyChaos(dbPath, acknowledged) {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(dbPath);
  try {
    const integrity = db.prepare("PRAGMA integrity_check").get().integrity_check;
    const duplicated = db.prepare("SELECT COUNT(*) AS n FROM (SELECT 1 FROM events GROUP BY session_id, event_id HAVING COUNT(*) > 1)").get().n;
    const stored = new Set(db.prepare("SELECT session_id, event_id FROM events").all().map((r) => `${r.session_id}\u0000${r.event_id}`));
    const missing = [...acknowledged].filter((k) => !stored.has(k)).length;
    const unacknowledged = [...stored].filter((k) => !acknowledged.has(k)).length;
    // A resent batch must not count twice in its session's totals.
    const badSessions = db.prepare(`SELECT s.session_id FROM sessions s
      WHERE s.event_count != (SELECT COUNT(*) FROM events e WHERE e.session_id = s.session_id)
         OR s.event_tokens_in != (SELECT COALESCE(SUM(tokens_in), 0) FROM events e WHERE e.session_id = s.session_id)
         OR s.event_tokens_out != (SELECT COALESCE(SUM(tokens_out), 0) FROM events e WHERE e.session_id = s.session_id)`).all().length;
    return { integrity, stored: stored.size, duplicated, missing, unacknowledged, badSessions };
  } finally {
    db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const events = Number(process.argv[2] ?? 200_000);
  const kills = Number(process.argv[3] ?? 2);
  const dir = mkdtempSync(join(tmpdir(), "agentlens-chaos-"));
  try {
    const { figures, acknowledged } = await runChaos({ events, kills, dir });
    const check = await verifyChaos(figures.dbPath, acknowledged);
    const { dbPath: _, ...shown } = figures;
    console.log(JSON.stringify({ ...shown, ...check }, null, 2));
    const ok = check.integrity === "ok" && check.duplicated + check.missing + check.unacknowledged + check.badSessions === 0 && figures.kills === kills;
    console.log(ok ? "OK: every acknowledged event stored exactly once" : "FAILED");
    process.exitCode = ok ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
