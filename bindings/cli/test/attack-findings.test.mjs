// The faults the attack on the collector found (issue 17, "What the attack found",
// items 1-5), one test per finding, each named for it.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { startCollector } from "../dist/collector/index.js";
import { SCHEMA_VERSION, migrate } from "../dist/collector/schema.js";
import { call, collector, get, tempDir } from "./helpers.mjs";

/** POSTs `text` as it is (JSON that JSON.stringify could not write) to /events. */
function postRaw(c, text) {
  return call(c, "POST", "/events", { raw: text, headers: { "Content-Type": "application/json" } });
}

const event = (session, id, extra = "") => `{"session_id":"${session}","event_type":"llm_call","event_id":"${id}"${extra}}`;

test("finding 1: an out-of-range or unreadable time never fails the batch: the record is kept, dated when received, with a warning", async (t) => {
  const c = await collector(t);
  const cases = [
    ["event timestamp 1e20", '{"session_id":"t1","event_type":"llm_call","event_id":"bad","timestamp":1e20}'],
    ["event timestamp -1e20", '{"session_id":"t2","event_type":"llm_call","event_id":"bad","timestamp":-1e20}'],
    ["event timestamp 2026-13-45T99:99:99Z", '{"session_id":"t3","event_type":"llm_call","event_id":"bad","timestamp":"2026-13-45T99:99:99Z"}'],
    ["session_start timestamp 1e20", '{"session_id":"t4","event_type":"session_start","timestamp":1e20}'],
    ["session_end ended_at 1e20", '{"session_id":"t5","event_type":"session_end","ended_at":1e20}'],
    ["session_end ended_at 1e300", '{"session_id":"t6","event_type":"session_end","ended_at":1e300,"timestamp":"2026-01-02T00:00:00Z"}'],
  ];
  for (const [what, bad] of cases) {
    const session = JSON.parse(bad).session_id;
    const before = Date.now();
    const r = await postRaw(c, `{"events":[${event(session, "honest-1", ',"timestamp":"2026-01-01T00:00:00Z"')},${bad},${event(session, "honest-2")}]}`);
    const after = Date.now();
    assert.equal(r.status, 200, `${what}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.processed, 3, what);
    assert.deepEqual(r.body.warnings, ["1 record with a time that could not be read was dated when received"], what);
    const stored = c.store.db.prepare("SELECT event_id, timestamp, ts_ms FROM events WHERE session_id = ? ORDER BY seq").all(session);
    assert.deepEqual(stored.map((e) => e.event_id).filter((id) => id.startsWith("honest")), ["honest-1", "honest-2"], `${what}: the honest events are kept`);
    assert.equal(stored[0].timestamp, "2026-01-01T00:00:00Z", `${what}: a good time is kept as sent`);
    const row = c.store.db.prepare("SELECT started_ms, ended_ms FROM sessions WHERE session_id = ?").get(session);
    const badMs = bad.includes("session_start") ? row.started_ms : bad.includes("session_end") ? row.ended_ms : stored.find((e) => e.event_id === "bad").ts_ms;
    assert.ok(badMs >= before - 1 && badMs <= after + 1, `${what}: dated when received (${badMs} not in ${before}..${after})`);
  }
  // A number too large for a double (valid JSON; JavaScript reads Infinity): kept as text, the time dated when received.
  const huge = await postRaw(c, `{"events":[${event("t8", "honest")},{"session_id":"t8","event_type":"llm_call","event_id":"bad","timestamp":1e400}]}`);
  assert.equal(huge.status, 200, JSON.stringify(huge.body));
  assert.equal(huge.body.processed, 2);
  assert.deepEqual(huge.body.warnings, ["1 record with a time that could not be read was dated when received", "1 number too large for a double kept as text"]);
  // The session reads back with its time (no 500 on reads either).
  const s = await get(c, "/sessions/t4");
  assert.equal(s.status, 200);
  assert.ok(new Date(s.body.started_at).getTime() > 0);
  // A batch with nothing wrong says nothing.
  const clean = await postRaw(c, `{"events":[${event("t7", "ok")}]}`);
  assert.equal(clean.body.warnings, undefined);
});

test("finding 2: an event is its session and its whole id: no false duplicates, ids kept whole or refused with a 400", async (t) => {
  const c = await collector(t);
  // The same event_id in two sessions: two events, two sessions.
  const a = await postRaw(c, `{"events":[${event("sa", "same")}]}`);
  const b = await postRaw(c, `{"events":[${event("sb", "same")}]}`);
  assert.deepEqual([a.body.processed, a.body.duplicates, b.body.processed, b.body.duplicates], [1, 0, 1, 0]);
  assert.equal((await get(c, "/sessions/sb")).status, 200, "the second session exists");
  // A real duplicate is still one.
  const again = await postRaw(c, `{"events":[${event("sb", "same")}]}`);
  assert.deepEqual([again.body.processed, again.body.duplicates], [0, 1]);
  // Ids that differ after their 64th character, or by a character past 64 in a long id.
  const long = "x".repeat(64);
  const l = await postRaw(c, `{"events":[${event("sc", `${long}a`)},${event("sc", `${long}b`)},${event("sc", "y".repeat(256))}]}`);
  assert.deepEqual([l.body.processed, l.body.duplicates], [3, 0]);
  const ids = c.store.db.prepare("SELECT event_id FROM events WHERE session_id = 'sc' ORDER BY seq").all().map((r) => r.event_id);
  assert.deepEqual(ids, [`${long}a`, `${long}b`, "y".repeat(256)], "stored whole");
  // Over the bound, or holding a control character: the request is refused, naming the field, nothing stored.
  for (const [what, id] of [["257 characters", "z".repeat(257)], ["a control character", "a\\u0001b"], ["DEL", "a\\u007fb"]]) {
    const r = await postRaw(c, `{"events":[${event("sd", "fine")},${event("sd", id)}]}`);
    assert.equal(r.status, 400, what);
    assert.match(r.body.error, /event_id/, what);
    assert.match(r.body.error, /events\[1\]/, what);
    assert.ok(!r.body.error.includes("zzz"), "never quotes the input");
  }
  assert.equal((await get(c, "/sessions/sd")).status, 404, "nothing of a refused batch is stored");
  // Session ids that differ only by a control character, or after 128 characters, are not merged.
  const sessions = await postRaw(c, `{"events":[${event("se", "1")},${event("s\\u0001e", "2")},${event("q".repeat(129), "3")}]}`);
  assert.deepEqual([sessions.body.processed, sessions.body.skipped], [1, 2]);
  assert.equal(c.store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE session_id = 'se'").get().n, 1);
});

test("finding 2: schema migration 4 rebuilds a v3 events table keeping every row, its seq and every index", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "v3.db");
  const db = new DatabaseSync(path);
  db.exec("PRAGMA foreign_keys=ON");
  migrate(db, 3);
  assert.equal(db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get().v, 3);
  db.prepare("INSERT INTO sessions (session_id, started_at, started_ms, last_ms, event_count) VALUES ('old', '2026-01-01T00:00:00Z', 1767225600000, 1767225600000, 2)").run();
  const payload = (id) => Buffer.concat([Buffer.from([0]), Buffer.from(JSON.stringify({ event_id: id, session_id: "old", event_type: "llm_call", timestamp: "2026-01-01T00:00:00Z" }))]);
  const insert = db.prepare("INSERT INTO events (seq, event_id, session_id, event_type, timestamp, ts_ms, payload) VALUES (?, ?, 'old', 'llm_call', '2026-01-01T00:00:00Z', 1767225600000, ?)");
  insert.run(7, "e1", payload("e1"));
  insert.run(9, "e2", payload("e2"));
  db.close();

  const c = await startCollector({ port: 0, dbPath: path, viewerDir: false });
  t.after(() => c.close());
  const v = c.store.db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get().v;
  assert.ok(SCHEMA_VERSION >= 4);
  assert.equal(v, SCHEMA_VERSION, "brought through migration 4 to the latest");
  const rows = c.store.db.prepare("SELECT seq, event_id FROM events ORDER BY seq").all();
  assert.deepEqual(rows.map((r) => [r.seq, r.event_id]), [[7, "e1"], [9, "e2"]], "rows and their seq kept");
  const indexes = c.store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND name LIKE 'idx_%' ORDER BY name").all().map((r) => r.name);
  assert.deepEqual(indexes, ["idx_events_error", "idx_events_event_id", "idx_events_model", "idx_events_run_ts", "idx_events_session_ts", "idx_events_ts"]);
  const read = await get(c, "/sessions/old");
  assert.deepEqual(read.body.events.map((e) => e.event_id), ["e1", "e2"], "the old events read back");
  // The rebuilt table takes the same id in another session, refuses it again in its own, and numbers on from the last seq.
  const r = await postRaw(c, `{"events":[${event("new", "e1")},${event("old", "e1")}]}`);
  assert.deepEqual([r.body.processed, r.body.duplicates], [1, 1]);
  assert.ok(c.store.db.prepare("SELECT seq FROM events WHERE session_id = 'new'").get().seq > 9);
  assert.equal(c.store.db.prepare("PRAGMA foreign_key_check").all().length, 0);
});

test("finding 3: the DNS-rebinding guard answers only real loopback names, localhost and allowedHosts", async (t) => {
  const c = await collector(t, { allowedHosts: ["collector.internal"] });
  const port = c.port;
  const refused = ["127.attacker.example", "127.0.0.1.evil.com", "127.0.0.1.nip.io", `127.0.0.1.nip.io:${port}`, "127.0.0.256", "127.1", "localhost.evil.com", "[::1].evil.com", "evil.com:127", "127.0.0.1:"];
  const accepted = ["127.0.0.1", `127.0.0.1:${port}`, "127.1.2.3", "127.255.255.255:80", "localhost", `LOCALHOST:${port}`, "[::1]", `[::1]:${port}`, "collector.internal", `collector.internal:${port}`];
  for (const host of [...refused, ...accepted]) {
    const status = await rawStatus(port, `GET /sessions HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    assert.equal(status, refused.includes(host) ? 403 : 200, host);
  }
});

/** Sends `request` on a new socket and returns the answer's status code. */
function rawStatus(port, request) {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.write(request));
    let data = "";
    s.setEncoding("latin1");
    s.on("data", (d) => (data += d));
    s.on("error", reject);
    s.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
  });
}

/** Opens a socket to the collector (from `localAddress`, default 127.0.0.1); resolves once connected. */
function openSocket(port, localAddress) {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: "127.0.0.1", ...(localAddress ? { localAddress } : {}) }, () => resolve(s));
    s.closedByServer = new Promise((done) => s.on("close", done));
    s.received = "";
    s.setEncoding("latin1");
    s.on("data", (d) => (s.received += d));
    s.on("error", () => {});
    s.once("error", reject);
  });
}

test("finding 4: 300 idle sockets cannot lock clients out; idle sockets are closed after the idle timeout; past the slots a client gets 503 + Retry-After", { timeout: 60_000 }, async (t) => {
  const c = await collector(t, { idleTimeoutMs: 300 });
  const idle = [];
  for (let i = 0; i < 300; i++) idle.push(await openSocket(c.port));
  t.after(() => idle.forEach((s) => s.destroy()));
  const health = await get(c, "/health");
  assert.equal(health.status, 200, "answers with 300 idle sockets open");
  // Every idle socket is closed by the server (evicted for newer ones, or timed out).
  await Promise.all(idle.map((s) => s.closedByServer));
  assert.ok(idle.every((s) => s.received === ""), "idle sockets were closed without an answer, not served");
  assert.equal((await get(c, "/health")).status, 200);

  // Every slot busy with a request in progress: the next client gets an HTTP 503, not a reset.
  const small = await collector(t, { maxConnections: 3, maxConnectionsPerClient: 3, idleTimeoutMs: 2_000 });
  const busy = [];
  for (let i = 0; i < 3; i++) {
    const s = await openSocket(small.port);
    s.write("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    busy.push(s);
  }
  t.after(() => busy.forEach((s) => s.destroy()));
  await new Promise((r) => setTimeout(r, 50)); // let the server read the request heads
  const over = await openSocket(small.port);
  over.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  await over.closedByServer;
  assert.match(over.received, /^HTTP\/1\.1 503 /);
  assert.match(over.received, /\r\nretry-after: 1\r\n/i);
  assert.ok(busy.every((s) => s.received === "" && !s.destroyed), "the busy connections hold their slots");
  busy.forEach((s) => s.destroy());
});

test("finding 4: one client address holds at most its share of the slots; others are still served", { timeout: 60_000 }, async (t) => {
  const c = await collector(t, { maxConnections: 8, maxConnectionsPerClient: 2, idleTimeoutMs: 5_000 });
  let probe;
  try {
    probe = await openSocket(c.port, "127.0.0.2");
  } catch {
    t.skip("this host cannot send from 127.0.0.2");
    return;
  }
  probe.destroy();
  await probe.closedByServer;
  const held = [];
  for (let i = 0; i < 2; i++) {
    const s = await openSocket(c.port, "127.0.0.2");
    s.write("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    held.push(s);
  }
  t.after(() => held.forEach((s) => s.destroy()));
  await new Promise((r) => setTimeout(r, 50));
  const third = await openSocket(c.port, "127.0.0.2");
  third.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  await third.closedByServer;
  assert.match(third.received, /^HTTP\/1\.1 503 /, "past its share");
  assert.equal((await get(c, "/health")).status, 200, "another address is served");
  held.forEach((s) => s.destroy());
});

test("finding 5: a lone surrogate in one event never rejects the batch: U+FFFD, counted as a warning", async (t) => {
  const c = await collector(t);
  const events = Array.from({ length: 100 }, (_, i) => event("lone", `e${i}`));
  events[50] = event("lone", "e50", ',"input_data":{"prompt":"half \\ud83d an emoji","\\udc00key":"v"}');
  const r = await postRaw(c, `{"events":[${events.join(",")}]}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.processed, 100);
  assert.deepEqual(r.body.warnings, ["2 lone UTF-16 surrogates replaced by U+FFFD"]);
  const read = await get(c, "/sessions/lone/events?limit=200");
  const e50 = read.body.events.find((e) => e.event_id === "e50");
  assert.equal(e50.input_data.prompt, "half \ufffd an emoji");
  assert.equal(e50.input_data["\ufffdkey"], "v");
  // A well-formed pair is kept as the character it is.
  const pair = await postRaw(c, `{"events":[${event("pair", "p", ',"input_data":{"prompt":"\\ud83d\\ude00"}')}]}`);
  assert.equal(pair.body.warnings, undefined);
  const p = await get(c, "/sessions/pair/events");
  assert.equal(p.body.events[0].input_data.prompt, "😀");
});
