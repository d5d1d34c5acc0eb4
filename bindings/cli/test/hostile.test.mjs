// Attacks found in review, each against a real collector on 127.0.0.1: DNS rebinding,
// cross-site simple POSTs, a key-less client using up the rate limit, one request naming
// a big session a thousand times, one deeply nested batch among honest ones, absurd
// offsets and a `__proto__` field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { collector, call, get, post } from "./helpers.mjs";

/** A request with the Host header as given (fetch may not set it). */
function withHost(url, method, path, host, body, type = "application/json") {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = { Host: host, ...(body === undefined ? {} : { "Content-Type": type }) };
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const event = (session, extra = {}) => ({ event_type: "llm_call", session_id: session, timestamp: "2026-01-05T10:00:00Z", model: "gpt-4o", ...extra });

test("DNS rebinding: a foreign Host name is refused; loopback names and allowedHosts are served", async (t) => {
  const c = await collector(t);
  assert.equal((await post(c, "/events", { events: [event("victim", { input_data: { prompt: "private" } })] })).status < 300, true);
  const port = new URL(c.url).port;
  const evil = await withHost(c.url, "GET", "/sessions/victim/events", `evil.attacker.example:${port}`);
  assert.equal(evil.status, 403);
  assert.doesNotMatch(evil.body, /private/);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
    assert.equal((await withHost(c.url, "GET", "/sessions/victim/events", host)).status, 200, host);
  }
  const proxied = await collector(t, { allowedHosts: ["agentlens.internal"] });
  assert.equal((await withHost(proxied.url, "GET", "/health", "agentlens.internal")).status, 200);
});

test("cross-site simple POSTs (text/plain, forms) are refused with 415 and store nothing", async (t) => {
  const c = await collector(t);
  for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "TEXT/PLAIN;charset=UTF-8"]) {
    const res = await call(c, "POST", "/events", { raw: JSON.stringify({ events: [event("injected")] }), headers: { "Content-Type": type } });
    assert.equal(res.status, 415, type);
    assert.match(res.body.error, /content type/i);
  }
  assert.equal((await get(c, "/sessions/injected")).status, 404);
});

test("requests without the key have their own rate window: they cannot lock out the client that has it", async (t) => {
  const c = await collector(t, { apiKey: "k", rateLimitPerMinute: 5 });
  for (let i = 0; i < 8; i++) await get(c, "/sessions");
  const keyless = await get(c, "/sessions");
  assert.equal(keyless.status, 429);
  const keyed = await get(c, "/sessions", { "X-API-Key": "k" });
  assert.equal(keyed.status, 200);
});

test("one analysis request may not load more than the event budget, however often it names a session", async (t) => {
  const c = await collector(t);
  const events = Array.from({ length: 300 }, (_, i) => event("big", { event_id: `e${String(i).padStart(15, "0")}` }));
  assert.equal((await post(c, "/events", { events })).status < 300, true);
  // Each id once: a thousand mentions of one session load it once.
  const same = await post(c, "/analysis/drift", { baseline: Array(1000).fill("big"), current: Array(1000).fill("big") });
  assert.equal(same.status, 200, JSON.stringify(same.body));
  // Many distinct sessions past the budget: refused with 413, not loaded.
  const many = Array.from({ length: 400 }, (_, s) => Array.from({ length: 300 }, (_, i) => event(`s${s}`, { event_id: `${String(s).padStart(8, "0")}${String(i).padStart(8, "0")}` })));
  for (let i = 0; i < many.length; i += 20) assert.ok((await post(c, "/events", { events: many.slice(i, i + 20).flat() })).status < 300);
  const ids = many.map((_, s) => `s${s}`);
  const over = await post(c, "/analysis/drift", { baseline: ids.slice(0, 200), current: ids.slice(200, 400) });
  assert.equal(over.status, 413);
  assert.equal((await get(c, "/health")).status, 200, "still up");
});

test("a deeply nested batch is a 400 and does not fail honest batches sent at the same time", async (t) => {
  const c = await collector(t);
  let deep = "x";
  for (let i = 0; i < 200; i++) deep = [deep];
  const hostile = post(c, "/events", { events: [event("deep", { input_data: deep })] });
  const honest = Array.from({ length: 5 }, (_, i) => post(c, "/events", { events: [event(`ok${i}`)] }));
  const [bad, ...good] = await Promise.all([hostile, ...honest]);
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  for (const r of good) assert.ok(r.status < 300, JSON.stringify(r.body));
});

test("offsets beyond what SQLite takes are clamped, not a 500", async (t) => {
  const c = await collector(t);
  await post(c, "/events", { events: [event("p1")] });
  for (const path of ["/sessions?offset=1e20", "/sessions/p1/events?offset=1e20", "/sessions/p1?event_offset=1e20"]) {
    assert.equal((await get(c, path)).status, 200, path);
  }
});

test("a field named __proto__ is kept as data", async (t) => {
  const c = await collector(t);
  const raw = '{"events":[{"event_type":"generic","session_id":"pp","timestamp":"2026-01-05T10:00:00Z","__proto__":{"polluted":1}}]}';
  assert.ok((await call(c, "POST", "/events", { raw, headers: { "Content-Type": "application/json" } })).status < 300);
  const stored = (await get(c, "/sessions/pp/events")).body;
  const text = JSON.stringify(stored);
  assert.match(text, /polluted/);
  assert.equal({}.polluted, undefined);
});

test("a new database file is readable by its owner only", async (t) => {
  const { statSync } = await import("node:fs");
  const c = await collector(t);
  assert.equal(statSync(c.dbPath).mode & 0o777, 0o600);
});
