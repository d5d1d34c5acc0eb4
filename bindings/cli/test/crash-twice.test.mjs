// Collector chaos, the short version (issue 17): kill -9 twice during 12,000 events from 4
// clients, restarting on the same database each time; every acknowledged event is stored
// exactly once by (session_id, event_id), nothing unacknowledged appears, each session's
// counters equal its stored events (a batch resent after a kill counts once), and PRAGMA
// integrity_check is ok. scripts/chaos-collector.mjs runs the same with 200,000 events.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runChaos, verifyChaos } from "../../../scripts/chaos-collector.mjs";
import { tempDir } from "./helpers.mjs";

const EVENTS = 12_000;

test("kill -9 twice during ingestion from 4 clients: every acknowledged event stored exactly once", async (t) => {
  const { figures, acknowledged } = await runChaos({ events: EVENTS, clients: 4, batch: 50, kills: 2, dir: tempDir(t) });
  assert.equal(figures.kills, 2);
  assert.equal(figures.acknowledged, EVENTS, "every batch was acknowledged in the end (resent after a kill)");
  const check = await verifyChaos(figures.dbPath, acknowledged);
  assert.deepEqual(check, { integrity: "ok", stored: EVENTS, duplicated: 0, missing: 0, unacknowledged: 0, badSessions: 0 });
  t.diagnostic(`${EVENTS} events, 2 kills: ${figures.cutOff} requests cut off and resent, ${figures.resentDuplicates} resent events found already stored, restarts ${figures.restartsMs.join(" and ")} ms, ${figures.seconds} s`);
});
