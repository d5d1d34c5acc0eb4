// POST /events against a real collector on 127.0.0.1: the AgentLens wire contract
// (reference A.3) with the seed backend's bugs fixed, and our own SDK's HTTP exporter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { init, createHttpExporter } from "@agentlens/sdk";
import { collector, post, get, call, PYTHON_SDK_BATCH } from "./helpers.mjs";

const SID = "a87237a69aa34bc0";

test("the exact AgentLens Python SDK batch is stored with the right totals, events and explanation", async (t) => {
  const c = await collector(t);
  const r = await post(c, "/events", PYTHON_SDK_BATCH);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: "ok", processed: 4, skipped: 0, duplicates: 0, truncated_fields: 0 });

  const s = await get(c, `/sessions/${SID}`);
  assert.equal(s.status, 200);
  assert.equal(s.body.agent_name, "research-agent");
  assert.deepEqual(s.body.metadata, { env: "dev" });
  assert.equal(s.body.status, "completed");
  assert.equal(s.body.started_at, "2026-11-22T02:41:23.314377+00:00");
  assert.equal(s.body.ended_at, "2026-11-22T02:41:23.314894+00:00");
  // The seed backend stored 240/90 here (totals applied, then the events added again).
  assert.equal(s.body.total_tokens_in, 120);
  assert.equal(s.body.total_tokens_out, 45);
  assert.equal(s.body.total_events, 2);
  const [llm, tool] = s.body.events;
  assert.equal(llm.event_id, "a01bdf57e9c94b6d");
  assert.equal(llm.timestamp, "2026-11-22T02:41:23.314486Z");
  assert.deepEqual(llm.input_data, { prompt: "What is 2+2?" });
  assert.equal(llm.decision_trace.reasoning, "simple arithmetic");
  assert.equal(llm.duration_ms, 812.5);
  assert.equal(tool.tool_call.tool_name, "calculator");
  assert.deepEqual(tool.tool_call.tool_output, { result: 4 });
  assert.deepEqual(tool.input_data, {}, "absent payloads read as {} like the AgentLens backend");

  const ex = await get(c, `/sessions/${SID}/explain`);
  assert.match(ex.body.explanation, /^## Agent Session: research-agent/);
  assert.match(ex.body.explanation, /\*\*Total tokens used:\*\* 165 \(120 input, 45 output\)/);
  assert.match(ex.body.explanation, /called the \*\*calculator\*\* tool/);
});

test("session totals are never double counted, whatever the order and batching", async (t) => {
  const c = await collector(t);
  const [start, llm, tool, end] = PYTHON_SDK_BATCH.events;
  // End first, then the events in another batch: the end's totals stay authoritative.
  await post(c, "/events", { events: [end] });
  await post(c, "/events", { events: [tool, llm, start] });
  const s = (await get(c, `/sessions/${SID}`)).body;
  assert.deepEqual([s.total_tokens_in, s.total_tokens_out], [120, 45]);
  // Without totals on the end, the events are summed once.
  await post(c, "/events", {
    events: [
      { event_type: "session_start", session_id: "nototals", agent_name: "a" },
      { event_id: "n1", session_id: "nototals", event_type: "llm_call", tokens_in: 7, tokens_out: 3 },
      { event_id: "n2", session_id: "nototals", event_type: "llm_call", tokens_in: 5, tokens_out: 1 },
      { event_type: "session_end", session_id: "nototals", status: "completed" },
    ],
  });
  const n = (await get(c, "/sessions/nototals")).body;
  assert.deepEqual([n.total_tokens_in, n.total_tokens_out], [12, 4]);
});

test("a duplicate event (its session and event_id) is ignored and adds nothing; a resent batch changes nothing", async (t) => {
  const c = await collector(t);
  await post(c, "/events", PYTHON_SDK_BATCH);
  const again = await post(c, "/events", PYTHON_SDK_BATCH);
  assert.equal(again.status, 200);
  assert.equal(again.body.duplicates, 4, "the start, both events and the same end were already stored");
  assert.equal(again.body.processed, 0, "a resent batch changes nothing, so nothing is counted as processed");
  const dupOnly = await post(c, "/events", { events: [{ event_id: "a01bdf57e9c94b6d", session_id: SID, event_type: "llm_call", tokens_in: 999 }] });
  assert.equal(dupOnly.body.duplicates, 1);
  assert.equal(dupOnly.body.processed, 0);
  const s = (await get(c, `/sessions/${SID}`)).body;
  assert.equal(s.total_events, 2);
  assert.deepEqual([s.total_tokens_in, s.total_tokens_out], [120, 45]);
  // An event is its session and its id (issue 17): the same id in another session is another event.
  const otherSession = await post(c, "/events", { events: [{ event_id: "a01bdf57e9c94b6d", session_id: "other", event_type: "llm_call", tokens_in: 999 }] });
  assert.deepEqual([otherSession.body.processed, otherSession.body.duplicates], [1, 0]);
  assert.equal((await get(c, "/sessions/other")).body.total_tokens_in, 999);
  assert.deepEqual([(await get(c, `/sessions/${SID}`)).body.total_tokens_in], [120], "the first session is untouched");
});

test("span, decision and custom events are kept, not skipped", async (t) => {
  const c = await collector(t);
  const r = await post(c, "/events", {
    events: [
      { event_type: "span_start", session_id: "sp", span_id: "s1", span_name: "plan", parent_span_id: null, attributes: { k: 1 } },
      { event_id: "d1", event_type: "decision", session_id: "sp", decision_trace: { reasoning: "pick b", alternatives_considered: ["a"] } },
      { event_id: "c1", event_type: "my_custom_kind", session_id: "sp" },
      { event_type: "span_end", session_id: "sp", span_id: "s1", duration_ms: 12, status: "ok", event_count: 1, children: [] },
    ],
  });
  assert.equal(r.body.processed, 4);
  assert.equal(r.body.skipped, 0);
  const ev = (await get(c, "/sessions/sp/events")).body;
  assert.deepEqual(ev.events.map((e) => e.event_type), ["span_start", "decision", "my_custom_kind", "span_end"]);
  assert.equal(ev.events[0].span_name, "plan", "unknown fields such as span_name are kept");
});

test("an event before its session_start keeps the agent name and metadata that arrive later", async (t) => {
  const c = await collector(t);
  await post(c, "/events", { events: [{ event_id: "early", session_id: "late1", event_type: "llm_call", timestamp: "2026-01-01T00:00:01Z", tokens_in: 3 }] });
  assert.equal((await get(c, "/sessions/late1")).body.agent_name, "default-agent");
  await post(c, "/events", { events: [{ event_type: "session_start", session_id: "late1", agent_name: "named-later", metadata: { v: 2 }, timestamp: "2026-01-01T00:00:00Z" }] });
  const s = (await get(c, "/sessions/late1")).body;
  assert.equal(s.agent_name, "named-later");
  assert.deepEqual(s.metadata, { v: 2 });
  assert.equal(s.started_at, "2026-01-01T00:00:00Z");
  // A second start does not rename it.
  const dup = await post(c, "/events", { events: [{ event_type: "session_start", session_id: "late1", agent_name: "imposter" }] });
  assert.equal(dup.body.duplicates, 1);
  assert.equal((await get(c, "/sessions/late1")).body.agent_name, "named-later");
});

test("invalid session ids are skipped and counted; values are sanitised like the backend", async (t) => {
  const c = await collector(t);
  const before = Date.now();
  const r = await post(c, "/events", {
    events: [
      { event_id: "x1", session_id: "", event_type: "llm_call" },
      { event_id: "x2", session_id: "bad id!", event_type: "llm_call" },
      "not an object",
      { event_id: "ok1", session_id: "good", event_type: "llm_call", tokens_in: -5, tokens_out: "7", duration_ms: -3 },
      { event_id: "ok2", session_id: "good", event_type: "llm_call", tokens_in: "seven", tokens_out: 2.9, timestamp: 1e300 },
      { event_type: "session_end", session_id: "good", status: "weird" },
    ],
  });
  assert.equal(r.body.skipped, 3);
  assert.equal(r.body.processed, 3);
  const s = (await get(c, "/sessions/good")).body;
  assert.equal(s.status, "completed", "an unknown end status becomes completed");
  const [ok1, ok2] = ["ok1", "ok2"].map((id) => s.events.find((e) => e.event_id === id));
  assert.equal(ok1.tokens_in, 0);
  // The core's one token rule (model::lenient::token_count): a numeric string is a count.
  assert.equal(ok1.tokens_out, 7);
  assert.equal(ok1.duration_ms, 0);
  assert.deepEqual([ok2.tokens_in, ok2.tokens_out], [0, 2], "other strings are 0; fractions are floored");
  // An absurd time (issue 17): neither a crash nor clamped to 2262, but the time it was received, with a warning.
  const received = Date.parse(ok2.timestamp);
  assert.ok(received >= before - 1 && received <= Date.now() + 1, ok2.timestamp);
  assert.deepEqual(r.body.warnings, ["1 record not an object", "2 records without a valid session id", "1 record with a time that could not be read was dated when received"]);
});

test("request errors: malformed JSON 400, missing events 400, batch too large 400, empty batch ok, oversize 413", async (t) => {
  const c = await collector(t, { maxBodyBytes: 4096, maxBatchEvents: 3 });
  const bad = await call(c, "POST", "/events", { raw: "{not json", headers: { "Content-Type": "application/json" } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, "Malformed JSON in request body");
  const missing = await post(c, "/events", { nope: [] });
  assert.deepEqual([missing.status, missing.body.error], [400, "Missing 'events' array in request body"]);
  const big = await post(c, "/events", { events: [{}, {}, {}, {}] });
  assert.deepEqual([big.status, big.body.error], [400, "Batch too large: 4 events (max 3)"]);
  const empty = await post(c, "/events", { events: [] });
  assert.deepEqual([empty.status, empty.body], [200, { status: "ok", processed: 0 }]);
  const huge = await post(c, "/events", { events: [{ session_id: "s", input_data: { x: "y".repeat(10_000) } }] });
  assert.equal(huge.status, 413);
  assert.match(huge.body.error, /too large/);
  const gzBomb = await call(c, "POST", "/events", {
    raw: gzipSync(JSON.stringify({ events: [{ session_id: "s", input_data: { x: "y".repeat(100_000) } }] })),
    headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
  });
  assert.equal(gzBomb.status, 413, "the limit applies to the inflated body too");
  const weird = await call(c, "POST", "/events", { raw: "{}", headers: { "Content-Encoding": "br" } });
  assert.equal(weird.status, 415);
  assert.equal((await get(c, "/sessions")).body.total, 0, "nothing was stored by failed requests");
});

test("a gzip-encoded batch is accepted", async (t) => {
  const c = await collector(t);
  const r = await call(c, "POST", "/events", {
    raw: gzipSync(JSON.stringify(PYTHON_SDK_BATCH)),
    headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
  });
  assert.equal(r.status, 200);
  assert.equal(r.body.processed, 4);
});

test("secrets are redacted with the core's rules before storage, in payloads and derived columns", async (t) => {
  const c = await collector(t);
  await post(c, "/events", {
    events: [
      { event_type: "session_start", session_id: "red", agent_name: "a", metadata: { api_key: "sk-live-metadata-secret", note: "mail bob@example.com" } },
      { event_id: "r1", session_id: "red", event_type: "tool_call", tool_call: { tool_name: "t", tool_input: { password: "hunter2", card: "4111 1111 1111 1111" } }, input_data: { prompt: "my key sk-abcdefghijklmnopqrstuvwx" } },
    ],
  });
  const s = (await get(c, "/sessions/red")).body;
  const text = JSON.stringify(s);
  for (const secret of ["sk-live-metadata-secret", "bob@example.com", "hunter2", "4111 1111 1111 1111", "sk-abcdefghijklmnopqrstuvwx"]) {
    assert.ok(!text.includes(secret), "a planted secret came back from the store");
  }
  assert.equal(s.metadata.api_key, "[REDACTED]");
  assert.equal(s.events[0].tool_call.tool_input.password, "[REDACTED]");
});

test("an oversized payload field is cut to the field limit and reported", async (t) => {
  const c = await collector(t);
  const r = await post(c, "/events", { events: [{ event_id: "big1", session_id: "big", event_type: "llm_call", input_data: { prompt: "z".repeat(300_000) } }] });
  assert.equal(r.body.truncated_fields, 1);
  assert.equal(r.headers.get("x-agentlens-truncated"), "1");
  const e = (await get(c, "/sessions/big/events")).body.events[0];
  assert.ok(JSON.stringify(e.input_data).length <= 256 * 1024);
  assert.match(e.input_data.prompt, /\[truncated\]$/);
});

test("our npm package's tracker and HTTP exporter deliver unchanged, with runs, decisions and real totals", async (t) => {
  const c = await collector(t, { apiKey: "npm-key" });
  const tracker = init({ apiKey: "npm-key", endpoint: c.url, exporters: [createHttpExporter({ endpoint: c.url, apiKey: "npm-key" })] });
  const session = tracker.startSession({ agentName: "npm-agent", metadata: { v: "1" } });
  const sid = session.sessionId ?? session.id ?? session;
  tracker.track({ eventType: "llm_call", model: "gpt-4o", inputData: { prompt: "hi" }, outputData: { response: "yo" }, tokensIn: 10, tokensOut: 5 });
  const { trace } = await import("@agentlens/sdk");
  await trace.run("plan", async (ctx) => {
    ctx.llm({ model: "gpt-4o", prompt: "p", response: "r", tokensIn: 1, tokensOut: 2 });
    ctx.decision({ reasoning: "use calc", alternatives: ["guess"] });
    ctx.final({ answer: "4" });
  });
  await tracker.endSession();
  await tracker.shutdown(5000);
  const stats = tracker.stats();
  assert.equal(stats.pending, 0);
  assert.equal(stats.delivered, stats.tracked, JSON.stringify(stats));

  const list = (await get(c, "/sessions", { "X-API-Key": "npm-key" })).body;
  assert.equal(list.total, 1);
  const s = list.sessions[0];
  assert.equal(typeof sid === "string" ? sid : s.session_id, s.session_id);
  assert.equal(s.agent_name, "npm-agent");
  assert.equal(s.status, "completed");
  assert.deepEqual([s.total_tokens_in, s.total_tokens_out], [11, 7], "agentlens_total_tokens_* read as the session totals, once");
  const events = (await get(c, `/sessions/${s.session_id}/events`, { "X-API-Key": "npm-key" })).body.events;
  const types = events.map((e) => e.event_type);
  for (const t of ["llm_call", "run_start", "decision", "final", "run_end"]) assert.ok(types.includes(t), `${t} stored under its real type`);
  assert.ok(events.every((e) => e.agentlens_type === undefined));
  const runs = (await get(c, "/v1/runs", { "X-API-Key": "npm-key" })).body;
  assert.equal(runs.total, 1);
  assert.equal(runs.runs[0].name, "plan");
  assert.equal(runs.runs[0].status, "completed");
});

test("concurrent batches (committed together) each get their own exact answer; overlapping duplicates count once", async (t) => {
  const c = await collector(t);
  const batchOf = (k) => ({
    events: Array.from({ length: 50 }, (_, i) => ({ event_id: `cc-${(k * 25 + i) % 500}`, session_id: `cc${k % 3}`, event_type: "llm_call", tokens_in: 1 })),
  });
  const answers = await Promise.all(Array.from({ length: 20 }, (_, k) => post(c, "/events", batchOf(k))));
  assert.ok(answers.every((a) => a.status === 200));
  const processed = answers.reduce((n, a) => n + a.body.processed, 0);
  const duplicates = answers.reduce((n, a) => n + a.body.duplicates, 0);
  assert.equal(processed + duplicates, 1000);
  const stats = (await get(c, "/v1/stats")).body;
  assert.equal(stats.total_events, processed, "every event acknowledged as processed is stored once");
  const sessions = (await get(c, "/sessions")).body.sessions;
  assert.equal(sessions.reduce((n, s) => n + s.total_tokens_in, 0), processed, "tokens added once per stored event");
});

test("over-limit bodies (declared or chunked) and aborted uploads get 413 or nothing, and the server keeps answering", async (t) => {
  const c = await collector(t, { maxBodyBytes: 1024 * 1024 });
  const raw = JSON.stringify({ events: [{ session_id: "s", input_data: { x: "y".repeat(3 * 1024 * 1024) } }] });
  for (let i = 0; i < 2; i++) {
    const r = await call(c, "POST", "/events", { raw, headers: { "Content-Type": "application/json" } });
    assert.equal(r.status, 413);
  }
  const chunks = new ReadableStream({
    start(ctl) {
      for (let i = 0; i < 3; i++) ctl.enqueue(new Uint8Array(1024 * 1024).fill(32));
      ctl.close();
    },
  });
  const chunked = await fetch(`${c.url}/events`, { method: "POST", body: chunks, duplex: "half" });
  assert.equal(chunked.status, 413);
  assert.match((await chunked.json()).error, /too large/);
  const aborter = new AbortController();
  const endless = new ReadableStream({
    pull(ctl) {
      ctl.enqueue(new Uint8Array(1024).fill(32));
      aborter.abort();
    },
  });
  await fetch(`${c.url}/events`, { method: "POST", body: endless, duplex: "half", signal: aborter.signal }).catch(() => {});
  assert.equal((await get(c, "/health")).status, 200, "the server is still up");
  assert.equal((await post(c, "/events", PYTHON_SDK_BATCH)).status, 200);
});
