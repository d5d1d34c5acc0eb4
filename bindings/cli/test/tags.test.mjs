// Session tags against a real collector, with the request shapes the AgentLens Python SDK
// sends (add_tags, remove_tags, get_tags, list_all_tags, list_sessions_by_tag) and the
// response keys it reads; the tag filters of GET /sessions and /sessions/search; every
// 400 and 404; the route order; and tags going with their session.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, collector, get, post, PYTHON_SDK_BATCH } from "./helpers.mjs";

const SID = "a87237a69aa34bc0";
const del = (c, path, body) => call(c, "DELETE", path, body === undefined ? {} : { body });

/** The SDK's session plus s0..s3 (s3 newest), none tagged. */
async function seeded(t, options) {
  const c = await collector(t, options);
  await post(c, "/events", PYTHON_SDK_BATCH, options?.apiKey ? { "X-API-Key": options.apiKey } : undefined);
  const more = [];
  for (let i = 0; i < 4; i++) {
    more.push({ event_type: "session_start", session_id: `s${i}`, agent_name: `agent-${i}`, metadata: {}, timestamp: `2027-01-0${i + 1}T10:00:00Z` });
    if (i < 3) more.push({ event_type: "session_end", session_id: `s${i}`, ended_at: `2027-01-0${i + 1}T10:00:05Z`, status: i === 1 ? "error" : "completed" });
  }
  await post(c, "/events", { events: more }, options?.apiKey ? { "X-API-Key": options.apiKey } : undefined);
  return c;
}

test("add_tags, get_tags, list_all_tags, list_sessions_by_tag and remove_tags work as the Python SDK calls them", async (t) => {
  const c = await seeded(t);
  // tracker.add_tags(["production", "v2.1"], session_id): POST {tags}
  const added = await post(c, `/sessions/${SID}/tags`, { tags: ["production", "v2.1", "production"] });
  assert.equal(added.status, 200);
  assert.deepEqual(added.body, { session_id: SID, added: 2, tags: ["production", "v2.1"] });
  assert.equal((await post(c, "/sessions/s1/tags", { tags: ["production"] })).body.added, 1);
  await post(c, "/sessions/s2/tags", { tags: ["production", "team/a b"] });
  // tracker.get_tags(session_id) reads .tags
  assert.deepEqual((await get(c, `/sessions/${SID}/tags`)).body, { session_id: SID, tags: ["production", "v2.1"] });
  // tracker.list_all_tags() reads .tags: [{tag, session_count}], most used first, then by name
  assert.deepEqual((await get(c, "/sessions/tags")).body, {
    tags: [
      { tag: "production", session_count: 3 },
      { tag: "team/a b", session_count: 1 },
      { tag: "v2.1", session_count: 1 },
    ],
  });
  // tracker.list_sessions_by_tag(tag, limit, offset): GET /sessions/by-tag/{tag}?limit&offset
  const page = (await get(c, "/sessions/by-tag/production?limit=2&offset=0")).body;
  assert.deepEqual(Object.keys(page).sort(), ["limit", "offset", "sessions", "tag", "total"]);
  assert.deepEqual([page.total, page.limit, page.offset, page.tag], [3, 2, 0, "production"]);
  assert.deepEqual(page.sessions.map((s) => s.session_id), ["s2", "s1"], "newest first");
  assert.deepEqual(page.sessions[0].tags, ["production", "team/a b"]);
  assert.deepEqual(page.sessions[1].tags, ["production"]);
  const rest = (await get(c, "/sessions/by-tag/production?limit=2&offset=2")).body;
  assert.deepEqual(rest.sessions.map((s) => s.session_id), [SID]);
  assert.deepEqual(rest.sessions[0].tags, ["production", "v2.1"]);
  assert.equal(rest.sessions[0].agent_name, "research-agent");
  assert.deepEqual(rest.sessions[0].metadata, { env: "dev" });
  const encoded = (await get(c, `/sessions/by-tag/${encodeURIComponent("team/a b")}`)).body;
  assert.deepEqual([encoded.total, encoded.tag, encoded.limit], [1, "team/a b", 50]);
  assert.equal((await get(c, "/sessions/by-tag/unused")).body.total, 0);
  // tracker.remove_tags(["v2.1"]): DELETE with a JSON body
  const removed = await del(c, `/sessions/${SID}/tags`, { tags: ["v2.1", "never-there"] });
  assert.deepEqual(removed.body, { session_id: SID, removed: 1, tags: ["production"] });
  // tracker.remove_tags(): DELETE with {} removes all; so do an empty list and no body
  await post(c, `/sessions/${SID}/tags`, { tags: ["x", "y"] });
  assert.deepEqual((await del(c, `/sessions/${SID}/tags`, {})).body, { session_id: SID, removed: 3, tags: [] });
  await post(c, "/sessions/s1/tags", { tags: ["x"] });
  assert.deepEqual((await del(c, "/sessions/s1/tags", { tags: [] })).body, { session_id: "s1", removed: 2, tags: [] });
  assert.deepEqual((await del(c, "/sessions/s2/tags")).body, { session_id: "s2", removed: 2, tags: [] });
  assert.deepEqual((await get(c, "/sessions/tags")).body, { tags: [] });
});

test("tags keep the order they were added in, and tags a session has do not count against the limit of 20", async (t) => {
  const c = await seeded(t);
  const twenty = Array.from({ length: 20 }, (_, i) => `t${String(i).padStart(2, "0")}`);
  const first = await post(c, "/sessions/s0/tags", { tags: twenty.slice(0, 19) });
  assert.equal(first.body.added, 19);
  const again = await post(c, "/sessions/s0/tags", { tags: [...twenty.slice(0, 19), twenty[19]] });
  assert.deepEqual([again.status, again.body.added, again.body.tags.length], [200, 1, 20]);
  const over = await post(c, "/sessions/s0/tags", { tags: ["t00", "one-more"] });
  assert.equal(over.status, 400);
  assert.match(over.body.error, /at most 20 tags/);
  assert.deepEqual((await get(c, "/sessions/s0/tags")).body.tags, twenty, "nothing was added, the order is kept");
  const spaced = await post(c, "/sessions/s1/tags", { tags: ["  padded  "] });
  assert.deepEqual(spaced.body.tags, ["padded"], "surrounding spaces are trimmed");
});

test("bad tags, bodies and ids are 400 naming the rule (never quoting the input); unknown sessions are 404", async (t) => {
  const c = await seeded(t);
  const evil = "<script>";
  for (const body of [{ tags: [evil] }, { tags: ["a".repeat(65)] }, { tags: [""] }, { tags: ["   "] }, { tags: [42] }, { tags: "production" }, { tags: [] }, {}, { tags: null }, [], "x"]) {
    const r = await post(c, "/sessions/s0/tags", body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.ok(!r.body.error.includes(evil), "the input is not echoed");
  }
  const rule = await post(c, "/sessions/s0/tags", { tags: [evil] });
  assert.match(rule.body.error, /1-64 characters: letters, digits, spaces and _ - \. : \//);
  assert.equal((await post(c, "/sessions/s0/tags", { tags: ["a".repeat(64)] })).status, 200, "64 characters is allowed");
  const malformed = await call(c, "POST", "/sessions/s0/tags", { raw: "{", headers: { "Content-Type": "application/json" } });
  assert.deepEqual([malformed.status, malformed.body.error], [400, "Malformed JSON in request body"]);
  for (const body of [{ tags: [evil] }, { tags: "x" }, [1], "x"]) assert.equal((await del(c, "/sessions/s0/tags", body)).status, 400, JSON.stringify(body));
  const byTag = await get(c, `/sessions/by-tag/${encodeURIComponent(evil)}`);
  assert.equal(byTag.status, 400);
  assert.match(byTag.body.error, /^Invalid tag: /);
  assert.equal((await get(c, `/sessions/by-tag/${"a".repeat(65)}`)).status, 400);
  for (const [method, body] of [["GET"], ["POST", { tags: ["a"] }], ["DELETE", { tags: ["a"] }], ["DELETE"]]) {
    const bad = await call(c, method, `/sessions/${encodeURIComponent("bad id!")}/tags`, body ? { body } : {});
    assert.deepEqual([bad.status, bad.body.error], [400, "Invalid session ID format"], method);
    const missing = await call(c, method, "/sessions/nope/tags", body ? { body } : {});
    assert.deepEqual([missing.status, missing.body.error], [404, "Session not found"], method);
  }
  assert.deepEqual((await get(c, "/sessions/tags")).body.tags, [{ tag: "a".repeat(64), session_count: 1 }], "nothing bad was stored");
});

test("/sessions/tags and /sessions/by-tag/... are never read as a session id, even beside sessions named so", async (t) => {
  const c = await seeded(t);
  await post(c, "/events", {
    events: [
      { event_type: "session_start", session_id: "tags", agent_name: "named-tags", timestamp: "2027-02-01T00:00:00Z" },
      { event_type: "session_start", session_id: "by-tag", agent_name: "named-by-tag", timestamp: "2027-02-01T00:00:00Z" },
    ],
  });
  await post(c, "/sessions/tags/tags", { tags: ["on-the-tags-session"] });
  await post(c, "/sessions/by-tag/tags", { tags: ["tags"] });
  const all = await get(c, "/sessions/tags");
  assert.equal(all.status, 200);
  assert.deepEqual(all.body, { tags: [{ tag: "on-the-tags-session", session_count: 1 }, { tag: "tags", session_count: 1 }] });
  assert.equal(all.body.session_id, undefined);
  const byTag = (await get(c, "/sessions/by-tag/tags")).body;
  assert.deepEqual([byTag.tag, byTag.total, byTag.sessions[0].session_id], ["tags", 1, "by-tag"], "by-tag/tags lists sessions tagged 'tags'");
  assert.deepEqual((await get(c, "/sessions/tags/tags")).body, { session_id: "tags", tags: ["on-the-tags-session"] });
  assert.equal((await get(c, "/sessions/tags?limit=1")).body.tags.length, 2);
  assert.equal((await get(c, "/sessions/by-tag")).status, 200, "a session named by-tag is still readable");
  assert.equal((await get(c, "/sessions/by-tag")).body.agent_name, "named-by-tag");
  const notAllowed = await post(c, "/sessions/tags", { tags: ["x"] });
  assert.equal(notAllowed.status, 405);
});

test("?tag= filters GET /sessions, and ?tags= (all must match) filters /sessions/search, whose sessions carry their tags", async (t) => {
  const c = await seeded(t);
  await post(c, `/sessions/${SID}/tags`, { tags: ["prod", "eu"] });
  await post(c, "/sessions/s0/tags", { tags: ["prod"] });
  await post(c, "/sessions/s1/tags", { tags: ["eu", "prod", "night"] });
  const list = (await get(c, "/sessions?tag=prod")).body;
  assert.deepEqual(list.sessions.map((s) => s.session_id), ["s1", "s0", SID]);
  assert.equal(list.total, 3);
  const paged = (await get(c, "/sessions?tag=prod&limit=1&offset=1")).body;
  assert.deepEqual([paged.sessions.map((s) => s.session_id), paged.total], [["s0"], 3]);
  const withStatus = (await get(c, "/sessions?tag=prod&status=error")).body;
  assert.deepEqual(withStatus.sessions.map((s) => s.session_id), ["s1"]);
  assert.deepEqual((await get(c, "/sessions?tag=absent")).body, { sessions: [], total: 0 });
  const badTag = await get(c, `/sessions?tag=${encodeURIComponent("a;b")}`);
  assert.deepEqual([badTag.status, /^Invalid tag filter/.test(badTag.body.error)], [400, true]);

  const both = (await get(c, "/sessions/search?tags=prod,eu")).body;
  assert.deepEqual(both.sessions.map((s) => s.session_id), ["s1", SID]);
  assert.equal(both.total, 2);
  assert.deepEqual(both.sessions[0].tags, ["eu", "prod", "night"]);
  assert.deepEqual(both.sessions[1].tags, ["prod", "eu"]);
  assert.deepEqual(both.filters.tags, "prod,eu");
  const three = (await get(c, "/sessions/search?tags=prod,%20eu%20,night,prod")).body;
  assert.deepEqual(three.sessions.map((s) => s.session_id), ["s1"], "spaces trimmed, a repeated tag counts once");
  const withQ = (await get(c, "/sessions/search?tags=prod&q=agent-0")).body;
  assert.deepEqual(withQ.sessions.map((s) => s.session_id), ["s0"]);
  const untagged = (await get(c, "/sessions/search?agent=agent-2")).body;
  assert.deepEqual(untagged.sessions.map((s) => [s.session_id, s.tags]), [["s2", []]]);
  const many = Array.from({ length: 21 }, (_, i) => `t${i}`).join(",");
  const tooMany = await get(c, `/sessions/search?tags=${many}`);
  assert.deepEqual([tooMany.status, tooMany.body.error], [400, "Invalid tags filter: at most 20 tags"]);
  const twenty = await get(c, `/sessions/search?tags=${Array.from({ length: 20 }, (_, i) => `t${i}`).join(",")}`);
  assert.deepEqual([twenty.status, twenty.body.total], [200, 0]);
  assert.equal((await get(c, `/sessions/search?tags=${encodeURIComponent("ok,b@d")}`)).status, 400);
});

test("a pruned session's tags are gone with it (the foreign key cascades)", async (t) => {
  const c = await seeded(t);
  await post(c, "/sessions/s0/tags", { tags: ["old", "shared"] });
  await post(c, `/sessions/${SID}/tags`, { tags: ["shared"] });
  const count = () => Number(c.store.db.prepare("SELECT COUNT(*) AS n FROM session_tags").get().n);
  assert.equal(count(), 3);
  // The SDK's session was last active in November 2026, s0..s3 in January 2027: 30 days'
  // retention on 2027-01-20 deletes the SDK's session only.
  const r = c.store.prune({ retentionDays: 30, now: Date.parse("2027-01-20T00:00:00Z") });
  assert.equal(r.sessions_deleted, 1);
  assert.equal((await get(c, `/sessions/${SID}/tags`)).status, 404);
  assert.equal(count(), 2);
  assert.deepEqual((await get(c, "/sessions/tags")).body.tags, [{ tag: "old", session_count: 1 }, { tag: "shared", session_count: 1 }]);
  assert.deepEqual((await get(c, "/sessions/by-tag/shared")).body.sessions.map((s) => s.session_id), ["s0"]);
  const all = c.store.prune({ retentionDays: 1, now: Date.parse("2030-01-01T00:00:00Z") });
  assert.equal(all.sessions_deleted, 4);
  assert.equal(count(), 0);
  assert.deepEqual((await get(c, "/sessions/tags")).body, { tags: [] });
});

test("the tag routes need the API key when one is set", async (t) => {
  const c = await seeded(t, { apiKey: "k" });
  const paths = [["GET", "/sessions/tags"], ["GET", "/sessions/by-tag/x"], ["GET", "/sessions/s0/tags"], ["POST", "/sessions/s0/tags"], ["DELETE", "/sessions/s0/tags"]];
  for (const [method, path] of paths) {
    const body = method === "POST" ? { tags: ["x"] } : undefined;
    assert.equal((await call(c, method, path, body ? { body } : {})).status, 401, `${method} ${path}`);
    assert.equal((await call(c, method, path, { body, headers: { "X-API-Key": "k" } })).status, 200, `${method} ${path} with the key`);
  }
});
