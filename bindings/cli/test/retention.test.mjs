// Retention: /retention/config, /retention/stats and /retention/purge with the AgentLens
// backend's contract and the Python SDK's exact requests, applied by the engine of
// `agentlens prune` (store.prune with max sessions, exempt tags and dry runs), and the
// automatic purge (once at start, then hourly; unref'd; stopped on close).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "../dist/collector/index.js";
import { saveRetentionConfig, startAutoPurge, DEFAULT_RETENTION } from "../dist/collector/store-retention.js";
import { collector, call, get, post, tempDir } from "./helpers.mjs";

const DAY = 86_400_000;
const DEFAULTS = { max_age_days: 90, max_sessions: 0, exempt_tags: [], auto_purge: false };
const put = (c, path, body) => call(c, "PUT", path, { body });

/** A session last active `daysAgo` days ago with `events` stored events (LLM calls; its start is not an event row). */
function sessionAt(sid, daysAgo, events = 2) {
  const ts = (s) => new Date(Date.now() - daysAgo * DAY + s * 1000).toISOString();
  return [
    { event_type: "session_start", session_id: sid, agent_name: "kept", timestamp: ts(0) },
    ...Array.from({ length: events }, (_, i) => ({ event_id: `${sid}-${i}`, session_id: sid, event_type: "llm_call", model: "gpt-4o", tokens_in: 1, tokens_out: 1, timestamp: ts(1 + i) })),
  ];
}

const AGES = { old1: [200, 3], tagged: [150, 2], old2: [120, 2], mid50: [50, 2], mid40: [40, 4], fresh: [0.5, 2] };

function tag(c, sid, tagName) {
  c.store.db.prepare("INSERT INTO session_tags (session_id, tag, created_at) VALUES (?, ?, ?)").run(sid, tagName, new Date().toISOString());
}

/** Six sessions of AGES; `tagged` carries the tag "production". */
async function seeded(t, options) {
  const c = await collector(t, options);
  const events = Object.entries(AGES).flatMap(([sid, [days, n]]) => sessionAt(sid, days, n));
  assert.equal((await post(c, "/events", { events })).status, 200);
  tag(c, "tagged", "production");
  return c;
}

const sessionIds = (c) => c.store.db.prepare("SELECT session_id FROM sessions ORDER BY session_id").all().map((r) => r.session_id);

test("get_retention_config and set_retention_config as the SDK sends them; the policy persists", async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, "r.db");
  const c = await collector(t, { dbPath });
  assert.deepEqual((await get(c, "/retention/config")).body, { config: DEFAULTS });
  const r = await put(c, "/retention/config", { max_age_days: 30, exempt_tags: ["production"] });
  assert.deepEqual([r.status, r.body], [200, { config: { ...DEFAULTS, max_age_days: 30, exempt_tags: ["production"] }, updated: 2 }]);
  assert.deepEqual((await put(c, "/retention/config", { max_sessions: "1000", auto_purge: false, unknown: 1 })).body.updated, 2, "digits in a string are a number, as the backend's parseInt; unknown keys are ignored");
  await c.close();
  const again = await collector(t, { dbPath });
  assert.deepEqual((await get(again, "/retention/config")).body, { config: { max_age_days: 30, max_sessions: 1000, exempt_tags: ["production"], auto_purge: false } });
});

test("PUT /retention/config refuses every bad value with a message, and changes nothing then", async (t) => {
  const c = await collector(t);
  const cases = [
    [{ max_age_days: -1 }, "max_age_days must be 0-3650 (0 = disabled)"],
    [{ max_age_days: 3651 }, "max_age_days must be 0-3650 (0 = disabled)"],
    [{ max_age_days: 1.5 }, "max_age_days must be 0-3650 (0 = disabled)"],
    [{ max_age_days: "ten" }, "max_age_days must be 0-3650 (0 = disabled)"],
    [{ max_age_days: null }, "max_age_days must be 0-3650 (0 = disabled)"],
    [{ max_sessions: -5 }, "max_sessions must be 0-1000000 (0 = unlimited)"],
    [{ max_sessions: 1_000_001 }, "max_sessions must be 0-1000000 (0 = unlimited)"],
    [{ exempt_tags: "production" }, "exempt_tags must be an array of strings"],
    [{ exempt_tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, "Maximum 50 exempt tags allowed"],
    [{ exempt_tags: [""] }, "Each exempt tag must be a non-empty string (max 64 chars)"],
    [{ exempt_tags: ["x".repeat(65)] }, "Each exempt tag must be a non-empty string (max 64 chars)"],
    [{ exempt_tags: [7] }, "Each exempt tag must be a non-empty string (max 64 chars)"],
    [{ auto_purge: "yes" }, "auto_purge must be true or false"],
    [{ max_age_days: 10, auto_purge: 1 }, "auto_purge must be true or false"],
    [{}, "No valid config fields provided"],
    [{ retention: 5 }, "No valid config fields provided"],
    [[1], "Request body must be a JSON object"],
  ];
  for (const [body, error] of cases) assert.deepEqual(await put(c, "/retention/config", body).then((r) => [r.status, r.body]), [400, { error }], JSON.stringify(body).slice(0, 50));
  assert.deepEqual(await call(c, "PUT", "/retention/config").then((r) => [r.status, r.body]), [400, { error: "No valid config fields provided" }]);
  assert.equal((await call(c, "PUT", "/retention/config", { raw: "{x", headers: { "Content-Type": "application/json" } })).status, 400);
  assert.deepEqual((await get(c, "/retention/config")).body.config, DEFAULTS, "nothing was stored");
  assert.equal((await put(c, "/retention/config", { max_age_days: 3650, max_sessions: 0, exempt_tags: ["x".repeat(64)], auto_purge: true })).status, 200, "the bounds themselves are accepted");
});

test("get_retention_stats: the backend's keys, ages, statuses, and what the policy would purge", async (t) => {
  const c = await seeded(t);
  const r = await get(c, "/retention/stats");
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.body).sort(), ["age_breakdown", "avg_events_per_session", "config", "eligible_for_purge", "events", "newest_session", "oldest_session", "sessions", "status_breakdown"]);
  assert.equal(r.body.sessions, 6);
  assert.equal(r.body.events, 15);
  assert.equal(r.body.avg_events_per_session, 2.5);
  assert.deepEqual(r.body.age_breakdown, { last_24h: 1, last_7d: 0, last_30d: 0, last_90d: 2, older: 3 });
  assert.deepEqual(r.body.status_breakdown, { active: 6 });
  const startOf = (sid) => c.store.db.prepare("SELECT started_at FROM sessions WHERE session_id = ?").get(sid).started_at;
  assert.deepEqual([r.body.oldest_session, r.body.newest_session], [startOf("old1"), startOf("fresh")]);
  assert.equal(r.body.eligible_for_purge, 3, "older than 90 days: old1, tagged, old2");
  assert.deepEqual(r.body.config, DEFAULTS);
  await put(c, "/retention/config", { max_age_days: 30, exempt_tags: ["production"] });
  assert.equal((await get(c, "/retention/stats")).body.eligible_for_purge, 4, "older than 30 days and not tagged production");
});

test("purge(dry_run=True) reports what the policy would purge and deletes nothing; purge() deletes it with its annotations and bookmarks", async (t) => {
  const c = await seeded(t);
  await put(c, "/retention/config", { max_age_days: 30, exempt_tags: ["production"] });
  assert.equal((await post(c, "/sessions/old1/annotations", { text: "gone with its session" })).status, 201);
  assert.equal((await call(c, "PUT", "/bookmarks/old2", { body: { note: "also gone" } })).status, 200);
  const dry = await call(c, "POST", "/retention/purge?dry_run=true", { body: {} });
  assert.equal(dry.status, 200);
  assert.deepEqual(Object.keys(dry.body).sort(), ["capped", "details", "dry_run", "message", "total_eligible", "would_purge_events", "would_purge_sessions"]);
  assert.deepEqual(
    [dry.body.dry_run, dry.body.would_purge_sessions, dry.body.total_eligible, dry.body.capped, dry.body.would_purge_events, dry.body.message],
    [true, 4, 4, false, 11, "Would purge 4 sessions and 11 events"],
  );
  assert.deepEqual(dry.body.details, [
    { session_id: "old1", reason: "age", events: 3 },
    { session_id: "old2", reason: "age", events: 2 },
    { session_id: "mid50", reason: "age", events: 2 },
    { session_id: "mid40", reason: "age", events: 4 },
  ]);
  assert.equal(sessionIds(c).length, 6, "a dry run deletes nothing");
  assert.equal((await post(c, "/retention/purge", { dry_run: true })).body.would_purge_sessions, 4, "dry_run in the body");
  const real = await post(c, "/retention/purge", {});
  assert.deepEqual(Object.keys(real.body).sort(), ["details", "dry_run", "message", "purged_events", "purged_sessions", "remaining", "total_eligible"]);
  assert.deepEqual(
    [real.body.dry_run, real.body.purged_sessions, real.body.total_eligible, real.body.remaining, real.body.purged_events, real.body.message],
    [false, 4, 4, 0, 11, "Purged 4 sessions and 11 events"],
  );
  assert.deepEqual(real.body.details[0], { session_id: "old1", events_deleted: 3, reason: "age" });
  assert.deepEqual(sessionIds(c), ["fresh", "tagged"], "the exempt session is kept, however old");
  assert.equal((await get(c, "/sessions/old1")).status, 404);
  assert.equal((await get(c, "/annotations")).body.total, 0, "annotations go with their session");
  assert.deepEqual((await get(c, "/bookmarks")).body.bookmarks, [], "bookmarks go with their session");
  assert.equal(c.store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE session_id NOT IN ('fresh', 'tagged')").get().n, 0);
  const none = await post(c, "/retention/purge", {});
  assert.deepEqual([none.body.purged_sessions, none.body.remaining, none.body.details, none.body.message], [0, 0, [], "No sessions eligible for purge"]);
  const noneDry = await call(c, "POST", "/retention/purge?dry_run=true", { body: {} });
  assert.deepEqual([noneDry.body.dry_run, noneDry.body.would_purge_sessions, noneDry.body.would_purge_events, noneDry.body.message], [true, 0, 0, "No sessions eligible for purge"]);
});

test("max_sessions keeps the most recently active sessions; exempt ones count but stay", async (t) => {
  const c = await seeded(t);
  await put(c, "/retention/config", { max_age_days: 0, max_sessions: 2, exempt_tags: ["production"] });
  const dry = (await call(c, "POST", "/retention/purge?dry_run=true")).body;
  assert.deepEqual(dry.details.map((d) => [d.session_id, d.reason]), [["old1", "count"], ["old2", "count"], ["mid50", "count"], ["mid40", "count"]]);
  await post(c, "/retention/purge", {});
  assert.deepEqual(sessionIds(c), ["fresh", "tagged"]);
  await put(c, "/retention/config", { max_age_days: 90, max_sessions: 1, exempt_tags: [] });
  const both = (await call(c, "POST", "/retention/purge?dry_run=true")).body.details;
  assert.deepEqual(both, [{ session_id: "tagged", reason: "age", events: 2 }], "the age bound chose it first; the count is then met");
});

test("a purge deletes at most 500 sessions per call, as the backend, and says how many remain", async (t) => {
  const c = await collector(t);
  const events = Array.from({ length: 505 }, (_, i) => sessionAt(`s${String(i).padStart(3, "0")}`, 100, 1)).flat();
  assert.equal((await post(c, "/events", { events })).status, 200);
  const dry = (await call(c, "POST", "/retention/purge?dry_run=true", { body: {} })).body;
  assert.deepEqual([dry.would_purge_sessions, dry.total_eligible, dry.capped, dry.message], [500, 505, true, "Would purge 500 of 505 eligible sessions (batch limit 500)"]);
  const first = (await post(c, "/retention/purge", {})).body;
  assert.deepEqual([first.purged_sessions, first.total_eligible, first.remaining, first.message], [500, 505, 5, "Purged 500 of 505 eligible sessions (5 remaining)"]);
  const second = (await post(c, "/retention/purge", {})).body;
  assert.deepEqual([second.purged_sessions, second.remaining], [5, 0]);
  assert.equal(sessionIds(c).length, 0);
});

test("POST /retention/purge refuses a bad body; ?dry_run=false purges; the key is needed when set", async (t) => {
  const c = await seeded(t);
  assert.deepEqual(await post(c, "/retention/purge", { dry_run: "yes" }).then((r) => [r.status, r.body]), [400, { error: "dry_run must be true or false" }]);
  assert.deepEqual(await post(c, "/retention/purge", [1]).then((r) => [r.status, r.body]), [400, { error: "Request body must be a JSON object" }]);
  assert.equal((await call(c, "POST", "/retention/purge", { raw: "{", headers: { "Content-Type": "application/json" } })).status, 400);
  assert.equal(sessionIds(c).length, 6);
  assert.equal((await call(c, "POST", "/retention/purge?dry_run=false", { body: {} })).body.purged_sessions, 3);
  const locked = await collector(t, { apiKey: "k-1" });
  for (const [m, p] of [["GET", "/retention/config"], ["PUT", "/retention/config"], ["GET", "/retention/stats"], ["POST", "/retention/purge"]]) {
    assert.equal((await call(locked, m, p, { body: m === "GET" ? undefined : {} })).status, 401, `${m} ${p}`);
  }
});

test("with auto_purge the collector purges by the policy as it starts; without, it does not", async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, "auto.db");
  const a = await seeded(t, { dbPath });
  await put(a, "/retention/config", { max_age_days: 100, exempt_tags: ["production"] });
  await a.close();
  const b = await collector(t, { dbPath });
  assert.equal(sessionIds(b).length, 6, "auto_purge is off: nothing purged at start");
  await put(b, "/retention/config", { auto_purge: true });
  await b.close();
  const logs = [];
  const c = await collector(t, { dbPath, log: (level, message) => logs.push([level, message]) });
  assert.deepEqual(sessionIds(c), ["fresh", "mid40", "mid50", "tagged"], "old1 and old2 purged before the first request");
  assert.ok(logs.some(([level, m]) => level === "info" && m === "retention: purged 2 sessions and 5 events"), JSON.stringify(logs));
});

test("the automatic purge runs hourly while auto_purge is on, reads the policy afresh, and stops when stopped", async (t) => {
  const dir = tempDir(t);
  const store = await openStore({ path: join(dir, "timer.db") });
  t.after(() => store.close());
  t.mock.timers.enable({ apis: ["setInterval"] });
  const timer = startAutoPurge(store, () => {});
  await store.ingest(sessionAt("old", 200));
  t.mock.timers.tick(3_600_000);
  assert.equal(store.stats().total_sessions, 1, "auto_purge is off by default");
  saveRetentionConfig(store, { ...DEFAULT_RETENTION, auto_purge: true });
  t.mock.timers.tick(3_599_999);
  assert.equal(store.stats().total_sessions, 1, "not before the hour");
  t.mock.timers.tick(1);
  assert.equal(store.stats().total_sessions, 0, "purged at the next hour");
  timer.stop();
  await store.ingest(sessionAt("old-again", 200));
  t.mock.timers.tick(3 * 3_600_000);
  assert.equal(store.stats().total_sessions, 1, "a stopped timer purges nothing");
});

test("the automatic purge's timer does not keep the process alive, and a collector stops it on close", async (t) => {
  const timeouts = () => process.getActiveResourcesInfo().filter((x) => x === "Timeout").length;
  const dir = tempDir(t);
  const store = await openStore({ path: join(dir, "ref.db") });
  t.after(() => store.close());
  const before = timeouts();
  const timer = startAutoPurge(store, () => {});
  assert.equal(timeouts(), before, "unref'd");
  timer.stop();
  const logs = [];
  const c = await collector(t, { log: (l, m) => logs.push(m) });
  await c.close();
  assert.ok(!logs.some((m) => m.includes("retention")), "nothing to purge, nothing said");
});

test("store.prune: exempt tags protect sessions and their runs from every bound; a dry run deletes nothing; plain prune is unchanged", async (t) => {
  const dir = tempDir(t);
  const store = await openStore({ path: join(dir, "p.db") });
  t.after(() => store.close());
  const now = Date.parse("2026-06-01T00:00:00Z");
  for (let d = 0; d < 6; d++) {
    const sid = `day${d}`;
    const ts = new Date(now - d * 10 * DAY).toISOString();
    await store.ingest([
      { event_type: "session_start", session_id: sid, timestamp: ts },
      ...Array.from({ length: 20 }, (_, i) => ({ event_id: `${sid}-${i}`, session_id: sid, event_type: "llm_call", timestamp: ts, input_data: { text: "x".repeat(1500) } })),
      { event_id: `${sid}-run`, session_id: sid, event_type: "run_start", run_id: `r${d}`, timestamp: ts },
    ]);
  }
  store.db.prepare("INSERT INTO session_tags (session_id, tag, created_at) VALUES ('day5', 'keep', 'x'), ('day4', 'other', 'x')").run();
  const dry = store.prune({ retentionDays: 25, exemptTags: ["keep"], dryRun: true, now });
  assert.deepEqual(
    [dry.dry_run, dry.sessions_deleted, dry.events_deleted, dry.runs_deleted, dry.used_bytes_after === dry.used_bytes_before],
    [true, 2, 42, 2, true],
  );
  assert.deepEqual(dry.sessions.map((s) => [s.session_id, s.reason, s.events]), [["day4", "age", 21], ["day3", "age", 21]]);
  assert.equal(store.stats().total_sessions, 6, "the dry run deleted nothing");
  const real = store.prune({ retentionDays: 25, exemptTags: ["keep"], now });
  assert.deepEqual([real.sessions_deleted, real.events_deleted, real.runs_deleted, real.sessions, real.dry_run], [dry.sessions_deleted, dry.events_deleted, dry.runs_deleted, undefined, undefined], "the dry run said what the prune did");
  assert.deepEqual(Object.keys(real), ["sessions_deleted", "runs_deleted", "events_deleted", "used_bytes_before", "used_bytes_after"], "without the new options, the result is as before");
  assert.equal(store.stats().total_runs, 4, "day5's run is kept with its session");
  const used = store.stats().used_bytes;
  const sizeDry = store.prune({ retentionMaxBytes: Math.floor(used / 3), exemptTags: ["keep"], dryRun: true, now });
  assert.ok(sizeDry.sessions.length > 0 && sizeDry.sessions.every((s) => s.reason === "size" && s.session_id !== "day5"), JSON.stringify(sizeDry.sessions));
  assert.equal(store.stats().total_sessions, 4);
  const bySize = store.prune({ retentionMaxBytes: 1, exemptTags: ["keep"], listSessions: true, now });
  assert.deepEqual(bySize.sessions.map((s) => s.session_id), ["day2", "day1", "day0"], "oldest first, the exempt one never");
  assert.equal(store.stats().total_sessions, 1);
  const capped = store.prune({ retentionDays: 1, maxDeletions: 0, now });
  assert.deepEqual([capped.sessions_deleted, capped.sessions_eligible], [0, 1]);
});
