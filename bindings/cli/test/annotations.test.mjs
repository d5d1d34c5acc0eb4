// Annotations and bookmarks through the collector, with the exact requests the AgentLens
// Python SDK sends (tests/fixtures/python_sdk/calls.json) and the response keys of the
// AgentLens backend (backend/routes/annotations.js, bookmarks.js): every route, every 400
// and 404.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collector, call, get, post, PYTHON_SDK_BATCH } from "./helpers.mjs";

const SID = "a87237a69aa34bc0";
const EVENT = "a01bdf57e9c94b6d";
const OTHER = "b2";
const ANNOTATION_KEYS = ["annotation_id", "session_id", "text", "author", "event_id", "type", "created_at", "updated_at"].sort();
const put = (c, path, body) => call(c, "PUT", path, { body });
const del = (c, path, body) => call(c, "DELETE", path, { body });

async function seeded(t, options) {
  const c = await collector(t, options);
  const other = { events: [{ event_type: "session_start", session_id: OTHER, agent_name: "other-agent", timestamp: "2026-11-22T03:00:00Z" }, { event_id: "b2-e1", session_id: OTHER, event_type: "llm_call", timestamp: "2026-11-22T03:00:01Z", model: "gpt-4o", tokens_in: 1, tokens_out: 1 }] };
  for (const batch of [PYTHON_SDK_BATCH, other]) assert.equal((await post(c, "/events", batch, options?.apiKey ? { "X-API-Key": options.apiKey } : {})).status, 200);
  return c;
}

test("annotate as the SDK does: 201 with the backend's keys, author and type as sent", async (t) => {
  const c = await seeded(t);
  const r = await post(c, `/sessions/${SID}/annotations`, { text: "Bug: model hallucinated tool name", author: "sdk", type: "bug" });
  assert.equal(r.status, 201);
  assert.deepEqual(Object.keys(r.body).sort(), ANNOTATION_KEYS);
  assert.equal(r.body.session_id, SID);
  assert.equal(r.body.text, "Bug: model hallucinated tool name");
  assert.equal(r.body.author, "sdk");
  assert.equal(r.body.type, "bug");
  assert.equal(r.body.event_id, null);
  assert.match(r.body.annotation_id, /^ann-/);
  assert.equal(r.body.created_at, r.body.updated_at);
  assert.ok(!Number.isNaN(Date.parse(r.body.created_at)));
});

test("a new annotation defaults to author system and type note, trims its text, and may point at an event of its session", async (t) => {
  const c = await seeded(t);
  const plain = await post(c, `/sessions/${SID}/annotations`, { text: "  looks fine  " });
  assert.equal(plain.status, 201);
  assert.equal(plain.body.text, "looks fine");
  assert.equal(plain.body.author, "system");
  assert.equal(plain.body.type, "note");
  const onEvent = await post(c, `/sessions/${SID}/annotations`, { text: "this call", event_id: EVENT, annotation_type: "milestone" });
  assert.equal(onEvent.status, 201);
  assert.equal(onEvent.body.event_id, EVENT);
  assert.equal(onEvent.body.type, "milestone", "annotation_type (the SDK's argument name) is read as type");
  const elsewhere = await post(c, `/sessions/${SID}/annotations`, { text: "x", event_id: "b2-e1" });
  assert.deepEqual([elsewhere.status, elsewhere.body], [400, { error: "event_id not found in this session" }]);
  const unknown = await post(c, `/sessions/${SID}/annotations`, { text: "x", event_id: "nope" });
  assert.equal(unknown.status, 400);
});

test("creating refuses bad fields with the backend's Validation failed and its details, and bad sessions", async (t) => {
  const c = await seeded(t);
  const path = `/sessions/${SID}/annotations`;
  const cases = [
    [{}, /text is required/],
    [{ text: "   " }, /text is required/],
    [{ text: 5 }, /text is required/],
    [{ text: "x".repeat(4001) }, /at most 4000/],
    [{ text: "x", author: "" }, /author must be a non-empty string/],
    [{ text: "x", author: "a".repeat(101) }, /author must be at most 100/],
    [{ text: "x", type: "idea" }, /type must be one of: note, bug, insight, warning, milestone/],
    [{ text: "x", event_id: 7 }, /event_id must be a non-empty string/],
  ];
  for (const [body, detail] of cases) {
    const r = await post(c, path, body);
    assert.equal(r.status, 400, JSON.stringify(body).slice(0, 60));
    assert.equal(r.body.error, "Validation failed");
    assert.ok(r.body.details.some((d) => detail.test(d)), `${JSON.stringify(r.body.details)}`);
  }
  assert.equal((await post(c, path, { text: "x".repeat(4000) })).status, 201, "4000 characters is the limit");
  assert.deepEqual((await post(c, path, [1])).body, { error: "Request body must be a JSON object" });
  assert.deepEqual((await call(c, "POST", path, { raw: "{nope", headers: { "Content-Type": "application/json" } })).body, { error: "Malformed JSON in request body" });
  assert.deepEqual(await post(c, "/sessions/missing/annotations", { text: "x" }).then((r) => [r.status, r.body]), [404, { error: "Session not found" }]);
  assert.deepEqual(await post(c, `/sessions/${"x".repeat(129)}/annotations`, { text: "x" }).then((r) => [r.status, r.body]), [400, { error: "Invalid session ID format" }]);
});

test("get_annotations as the SDK asks: the backend's keys, type and author filters, paging, oldest first", async (t) => {
  const c = await seeded(t);
  const path = `/sessions/${SID}/annotations`;
  const made = [];
  for (const [text, type, author] of [["one", "bug", "sdk"], ["two", "note", "ana"], ["three", "bug", "ana"], ["four", "insight", "sdk"]]) {
    made.push((await post(c, path, { text, type, author })).body);
  }
  await post(c, `/sessions/${OTHER}/annotations`, { text: "elsewhere", type: "bug" });
  const r = await get(c, `${path}?limit=100&offset=0&type=bug`);
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.body).sort(), ["annotations", "limit", "offset", "returned", "session_id", "total", "type_breakdown"]);
  assert.deepEqual(r.body.annotations.map((a) => a.text), ["one", "three"]);
  assert.deepEqual(Object.keys(r.body.annotations[0]).sort(), ANNOTATION_KEYS);
  assert.deepEqual([r.body.session_id, r.body.total, r.body.returned, r.body.limit, r.body.offset], [SID, 2, 2, 100, 0]);
  assert.deepEqual(r.body.type_breakdown, { bug: 2, insight: 1, note: 1 }, "the breakdown is the session's, unfiltered");
  assert.deepEqual((await get(c, `${path}?type=bug,insight`)).body.annotations.map((a) => a.text), ["one", "three", "four"]);
  assert.deepEqual((await get(c, `${path}?author=ana`)).body.annotations.map((a) => a.text), ["two", "three"]);
  const page = (await get(c, `${path}?limit=2&offset=1`)).body;
  assert.deepEqual([page.annotations.map((a) => a.text), page.total, page.returned, page.limit, page.offset], [["two", "three"], 4, 2, 2, 1]);
  assert.equal((await get(c, `${path}?limit=9999`)).body.limit, 500);
  assert.equal((await get(c, `${path}?limit=abc`)).body.limit, 100);
  assert.deepEqual((await get(c, `${path}?type=bug,idea`)).body, { error: "type must be one of: note, bug, insight, warning, milestone" });
  assert.equal((await get(c, `${path}?author=${"a".repeat(101)}`)).status, 400);
  assert.deepEqual((await get(c, "/sessions/missing/annotations")).status, 404);
  assert.deepEqual((await get(c, `/sessions/${"x".repeat(129)}/annotations`)).status, 400);
  const one = await get(c, `${path}/${made[1].annotation_id}`);
  assert.deepEqual(one.body, made[1]);
  assert.deepEqual(await get(c, `${path}/ann-none`).then((x) => [x.status, x.body]), [404, { error: "Annotation not found" }]);
  assert.equal((await get(c, `/sessions/${OTHER}/annotations/${made[1].annotation_id}`)).status, 404, "an annotation is found only under its own session");
  assert.equal((await get(c, `${path}/${"a".repeat(129)}`)).status, 400);
});

test("update_annotation and delete_annotation as the SDK sends them; every refusal", async (t) => {
  const c = await seeded(t);
  const path = `/sessions/${SID}/annotations`;
  const a = (await post(c, path, { text: "Bug: model hallucinated tool name", author: "sdk", type: "bug" })).body;
  const u = await put(c, `${path}/${a.annotation_id}`, { text: "Fixed in v2.2", type: "insight" });
  assert.equal(u.status, 200);
  assert.deepEqual(Object.keys(u.body).sort(), ANNOTATION_KEYS);
  assert.deepEqual([u.body.annotation_id, u.body.text, u.body.type, u.body.author, u.body.created_at], [a.annotation_id, "Fixed in v2.2", "insight", "sdk", a.created_at]);
  assert.ok(u.body.updated_at >= a.updated_at);
  assert.equal((await put(c, `${path}/${a.annotation_id}`, { author: " ana " })).body.author, "ana");
  assert.equal((await put(c, `${path}/${a.annotation_id}`, { annotation_type: "warning" })).body.type, "warning");
  const refusals = [
    [{}, "No valid fields to update"],
    [{ event_id: EVENT }, "No valid fields to update"],
    [{ text: "" }, "text must be a non-empty string"],
    [{ text: "x".repeat(4001) }, "text must be at most 4000 characters"],
    [{ type: "idea" }, "type must be one of: note, bug, insight, warning, milestone"],
    [{ author: 3 }, "author must be a non-empty string"],
    [{ author: "a".repeat(101) }, "author must be at most 100 characters"],
  ];
  for (const [body, error] of refusals) assert.deepEqual(await put(c, `${path}/${a.annotation_id}`, body).then((r) => [r.status, r.body]), [400, { error }]);
  assert.deepEqual(await put(c, `${path}/ann-none`, { text: "x" }).then((r) => [r.status, r.body]), [404, { error: "Annotation not found" }]);
  assert.equal((await put(c, `/sessions/${OTHER}/annotations/${a.annotation_id}`, { text: "x" })).status, 404);
  assert.equal((await put(c, `/sessions/missing/annotations/${a.annotation_id}`, { text: "x" })).status, 404);
  assert.equal((await put(c, `${path}/${a.annotation_id}`, [1])).status, 400);
  const d = await del(c, `${path}/${a.annotation_id}`);
  assert.deepEqual([d.status, d.body], [200, { deleted: true, annotation_id: a.annotation_id }]);
  assert.deepEqual(await del(c, `${path}/${a.annotation_id}`).then((r) => [r.status, r.body]), [404, { error: "Annotation not found" }]);
  assert.equal((await del(c, `/sessions/${"x".repeat(129)}/annotations/${a.annotation_id}`)).status, 400);
  assert.equal((await get(c, path)).body.total, 0);
});

test("list_recent_annotations as the SDK asks: newest first across sessions, with each session's agent; filters and paging", async (t) => {
  const c = await seeded(t);
  await post(c, `/sessions/${SID}/annotations`, { text: "first", type: "insight" });
  await post(c, `/sessions/${OTHER}/annotations`, { text: "second", type: "bug", author: "ana" });
  await post(c, `/sessions/${SID}/annotations`, { text: "third", type: "insight" });
  const r = await get(c, "/annotations?limit=50&type=insight");
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.body).sort(), ["annotations", "limit", "offset", "returned", "total"]);
  assert.deepEqual(r.body.annotations.map((a) => a.text), ["third", "first"]);
  assert.deepEqual(Object.keys(r.body.annotations[0]).sort(), [...ANNOTATION_KEYS, "agent_name"].sort());
  assert.equal(r.body.annotations[0].agent_name, "research-agent");
  assert.equal(r.body.total, 2);
  const all = (await get(c, "/annotations")).body;
  assert.deepEqual([all.annotations.map((a) => a.text), all.total, all.limit], [["third", "second", "first"], 3, 50]);
  assert.equal(all.annotations[1].agent_name, "other-agent");
  const page = (await get(c, "/annotations?limit=1&offset=1")).body;
  assert.deepEqual([page.annotations.map((a) => a.text), page.total, page.returned], [["second"], 3, 1], "total counts every match, not the page");
  assert.deepEqual((await get(c, "/annotations?author=ana")).body.annotations.map((a) => a.text), ["second"]);
  assert.equal((await get(c, "/annotations?limit=1000")).body.limit, 200);
  assert.deepEqual(await get(c, "/annotations?type=nope").then((x) => [x.status, x.body]), [400, { error: "type must be one of: note, bug, insight, warning, milestone" }]);
});

test("annotations and bookmarks need the API key when one is set", async (t) => {
  const c = await seeded(t, { apiKey: "k-123" });
  for (const [method, path] of [["GET", "/annotations"], ["GET", `/sessions/${SID}/annotations`], ["POST", `/sessions/${SID}/annotations`], ["GET", "/bookmarks"], ["PUT", `/bookmarks/${SID}`]]) {
    assert.equal((await call(c, method, path, { body: method === "GET" ? undefined : { text: "x" } })).status, 401, `${method} ${path}`);
  }
  assert.equal((await call(c, "POST", `/sessions/${SID}/annotations`, { body: { text: "x" }, headers: { "X-API-Key": "k-123" } })).status, 201);
});

test("bookmarks: list, check, add with a note, change the note, remove, as the backend answers", async (t) => {
  const c = await seeded(t);
  assert.deepEqual((await get(c, "/bookmarks")).body, { bookmarks: [] });
  assert.deepEqual((await get(c, `/bookmarks/${SID}`)).body, { bookmarked: false, bookmark: null });
  const added = await put(c, `/bookmarks/${SID}`, { note: "look at the tool call" });
  assert.deepEqual([added.status, added.body], [200, { bookmarked: true, session_id: SID, note: "look at the tool call" }]);
  const check = (await get(c, `/bookmarks/${SID}`)).body;
  assert.equal(check.bookmarked, true);
  assert.deepEqual(Object.keys(check.bookmark).sort(), ["created_at", "note", "session_id"]);
  const first = check.bookmark.created_at;
  assert.deepEqual((await post(c, `/bookmarks/${OTHER}`, {})).body, { bookmarked: true, session_id: OTHER, note: "" }, "POST bookmarks as PUT; no note is an empty one");
  const list = (await get(c, "/bookmarks")).body.bookmarks;
  assert.deepEqual(list.map((b) => b.session_id), [OTHER, SID], "newest bookmark first");
  assert.deepEqual(Object.keys(list[1]).sort(), ["agent_name", "created_at", "note", "session_id", "started_at", "status", "total_tokens_in", "total_tokens_out"]);
  assert.deepEqual([list[1].agent_name, list[1].status, list[1].total_tokens_in, list[1].total_tokens_out], ["research-agent", "completed", 120, 45]);
  const changed = await put(c, `/bookmarks/${SID}`, { note: "n".repeat(600) });
  assert.equal(changed.body.note.length, 500, "a note is cut to 500 characters");
  assert.equal((await get(c, `/bookmarks/${SID}`)).body.bookmark.created_at, first, "changing the note keeps the bookmark's time");
  assert.deepEqual((await call(c, "PUT", `/bookmarks/${SID}`)).body.note, "", "a PUT without a body clears the note");
  assert.deepEqual(await put(c, `/bookmarks/${SID}`, { note: 5 }).then((r) => [r.status, r.body]), [400, { error: "note must be a string" }]);
  assert.deepEqual(await put(c, `/bookmarks/${SID}`, [1]).then((r) => [r.status, r.body]), [400, { error: "Request body must be a JSON object" }]);
  assert.deepEqual(await put(c, "/bookmarks/missing", {}).then((r) => [r.status, r.body]), [404, { error: "Session not found" }]);
  for (const method of ["GET", "PUT", "POST", "DELETE"]) {
    assert.deepEqual(await call(c, method, `/bookmarks/${"x".repeat(129)}`).then((r) => [r.status, r.body]), [400, { error: "Invalid session ID format" }], method);
  }
  assert.deepEqual((await del(c, `/bookmarks/${SID}`)).body, { bookmarked: false, deleted: true });
  assert.deepEqual((await del(c, `/bookmarks/${SID}`)).body, { bookmarked: false, deleted: false });
  assert.deepEqual((await get(c, "/bookmarks")).body.bookmarks.map((b) => b.session_id), [OTHER]);
});
