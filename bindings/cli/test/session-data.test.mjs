// GET /sessions/:id/export and GET /sessions/:id/events/search against a real collector,
// with the request shapes the AgentLens Python SDK sends (export_session, search_events)
// and the response keys it reads (and what export_transcript / export_run_metadata read
// from the JSON export); every filter, every 400 and 404, CSV quoting and formula
// defusing, and exports of a session too large to be paged once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, collector, get, post, PYTHON_SDK_BATCH } from "./helpers.mjs";

const SID = "a87237a69aa34bc0";
const S = "search-s1";
const at = (hhmm) => `2026-06-15T10:${hhmm}:00Z`;
const llm = (id, mm, prompt, response, model, tin, tout, reasoning, ms) => ({
  event_id: id, session_id: S, event_type: "llm_call", timestamp: at(mm), input_data: { prompt }, output_data: { response },
  model, tokens_in: tin, tokens_out: tout, decision_trace: { step: 1, reasoning }, duration_ms: ms,
});

/** Eight events of one session, in the Python SDK's shapes. */
const EVENTS = [
  { event_type: "session_start", session_id: S, agent_name: "search agent", metadata: { task: "Migrate billing" }, timestamp: at("00") },
  llm("e1", "01", "Plan the migration of billing", "Step one: export invoices", "gpt-4", 500, 200, "Billing first because it blocks others", 150.5),
  {
    event_id: "e2", session_id: S, event_type: "tool_call", timestamp: at("02"), tokens_in: 0, tokens_out: 0, duration_ms: 50,
    tool_call: { tool_name: "sql_runner", tool_input: { sql: "SELECT count(*) FROM invoices" }, tool_output: { rows: 42 } },
  },
  llm("e3", "05", "Summarize invoice totals", "Revenue grew 15%", "claude-3-sonnet", 1200, 800, "Totals needed for the report", 320),
  { event_id: "e4", session_id: S, event_type: "agent_error", timestamp: at("08"), input_data: { task: "Render chart" }, output_data: { error: "Plot library missing" }, model: "gpt-4", tokens_in: 100, tokens_out: 50, duration_ms: 10 },
  {
    event_id: "e5", session_id: S, event_type: "tool_error", timestamp: at("09"), output_data: { error: "Timeout" }, duration_ms: 5000,
    tool_call: { tool_name: "http_get", tool_input: { url: "https://example.invalid/x" }, tool_output: null },
  },
  llm("e6", "12", "Write the quarterly report", "Quarterly report: billing migrated", "gpt-4o", 2000, 1500, "Report from all collected data", 800),
  { event_id: "e7", session_id: S, event_type: "generic", timestamp: at("15"), input_data: { status: "done" }, duration_ms: 5 },
  llm("e8", "20", "Review the quarterly report", "Looks complete", "GPT-4-Turbo", 800, 400, "Check the quarterly report for gaps", 200),
  { event_type: "session_end", session_id: S, ended_at: at("30"), status: "completed", total_tokens_in: 4600, total_tokens_out: 2950 },
];

async function seeded(t, options) {
  const c = await collector(t, options);
  const headers = options?.apiKey ? { "X-API-Key": options.apiKey } : undefined;
  assert.equal((await post(c, "/events", { events: EVENTS }, headers)).status, 200);
  assert.equal((await post(c, "/events", PYTHON_SDK_BATCH, headers)).status, 200);
  return c;
}

const ids = (r) => r.body.events.map((e) => e.event_id);
/** The core stores event times in one form (microseconds, Z). */
const stored = (hhmm) => `2026-06-15T10:${hhmm}:00.000000Z`;
/** A GET whose body is kept as text (the helpers parse anything typed *json*, NDJSON included). */
async function text(c, path) {
  const res = await fetch(`${c.url}${path}`);
  return { status: res.status, headers: res.headers, body: await res.text() };
}
const search = (c, query) => get(c, `/sessions/${S}/events/search${query ? `?${query}` : ""}`);

test("search_events as the Python SDK sends it: the response keys it reads, paging and the summary of every match", async (t) => {
  const c = await seeded(t);
  // tracker.search_events(session_id) sends limit=100&offset=0 at least
  const all = await search(c, "limit=100&offset=0");
  assert.equal(all.status, 200);
  assert.deepEqual(Object.keys(all.body).sort(), ["events", "limit", "matched", "offset", "returned", "session_id", "summary", "total_events"]);
  assert.deepEqual([all.body.session_id, all.body.total_events, all.body.matched, all.body.returned, all.body.limit, all.body.offset], [S, 8, 8, 8, 100, 0]);
  assert.deepEqual(ids(all), ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"], "oldest first");
  assert.deepEqual(all.body.events[1].tool_call.tool_name, "sql_runner");
  assert.deepEqual(all.body.events[6].output_data, {}, "absent payloads read as {}, as GET /sessions/:id/events");
  const summary = {
    tokens_in: 4600, tokens_out: 2950, total_tokens: 7550, total_duration_ms: 6535.5,
    event_types: { llm_call: 4, tool_call: 1, agent_error: 1, tool_error: 1, generic: 1 },
    models: { "gpt-4": 2, "claude-3-sonnet": 1, "gpt-4o": 1, "GPT-4-Turbo": 1 },
  };
  assert.deepEqual(all.body.summary, summary);
  const one = (await search(c, "limit=1")).body;
  assert.deepEqual([one.returned, one.matched, one.limit], [1, 8, 1]);
  assert.deepEqual(one.summary, summary, "the summary covers every match, not the page");
  const page = await search(c, "limit=3&offset=3");
  assert.deepEqual([ids(page), page.body.offset, page.body.matched], [["e4", "e5", "e6"], 3, 8]);
  const past = (await search(c, "offset=100")).body;
  assert.deepEqual([past.returned, past.events, past.matched], [0, [], 8]);
  assert.equal((await search(c, "limit=9999")).body.limit, 500, "clamped to 500");
  assert.equal((await search(c, "limit=0")).body.limit, 100, "0 gives the default, as the original");
  // The same question answered by SQL alone and by decoding payloads gives the same summary.
  const byColumns = (await search(c, "type=llm_call")).body;
  const byPayload = (await search(c, "type=llm_call&has_reasoning=true")).body;
  assert.deepEqual(byPayload.summary, byColumns.summary);
  assert.deepEqual(byColumns.summary.models, { "gpt-4": 1, "claude-3-sonnet": 1, "gpt-4o": 1, "GPT-4-Turbo": 1 });
  const paged = (await search(c, "q=report&limit=1&offset=1")).body;
  assert.deepEqual([ids({ body: paged }), paged.matched, paged.summary.event_types], [["e6"], 3, { llm_call: 3 }]);
});

test("every search filter: q, type, model, tokens, duration, errors, tools, reasoning, time, and their combinations", async (t) => {
  const c = await seeded(t);
  const cases = [
    ["type=llm_call", ["e1", "e3", "e6", "e8"]],
    ["type=agent_error,tool_error", ["e4", "e5"]],
    ["type=LLM_CALL,%20generic%20", ["e1", "e3", "e6", "e7", "e8"]],
    ["model=gpt-4", ["e1", "e4", "e6", "e8"]],
    ["model=claude", ["e3"]],
    ["model=gpt-4o,CLAUDE", ["e3", "e6"]],
    ["model=turbo", ["e8"]],
    ["model=%25", []],
    ["q=billing", ["e1", "e6"]],
    ["q=invoices", ["e1", "e2"]],
    ["q=sql_runner", ["e2"]],
    ["q=quarterly%20report", ["e6", "e8"]],
    ["q=quarterly+billing", ["e6"]],
    ["q=GAPS", ["e8"]],
    ["q=tool_error", ["e5"]],
    ["q=example.invalid", ["e5"]],
    ["q=xyz-nothing", []],
    ["q=", ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"]],
    ["min_tokens=1000", ["e3", "e6", "e8"]],
    ["max_tokens=200", ["e2", "e4", "e5", "e7"]],
    ["min_tokens=100&max_tokens=800", ["e1", "e4"]],
    ["max_tokens=0", ["e2", "e5", "e7"]],
    ["min_duration_ms=500", ["e5", "e6"]],
    ["min_duration_ms=150.5", ["e1", "e3", "e5", "e6", "e8"]],
    ["errors=true", ["e4", "e5"]],
    ["errors=false", ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"]],
    ["has_tools=true", ["e2", "e5"]],
    ["has_reasoning=true", ["e1", "e3", "e6", "e8"]],
    ["after=2026-06-15T10:10:00Z", ["e6", "e7", "e8"]],
    ["before=2026-06-15T10:05:00Z", ["e1", "e2", "e3"]],
    ["after=2026-06-15T10:05:00Z&before=2026-06-15T10:10:00Z", ["e3", "e4", "e5"]],
    ["after=2026-06-15T12:05:00%2B02:00", ["e3", "e4", "e5", "e6", "e7", "e8"]],
    ["type=llm_call&model=gpt-4o", ["e6"]],
    ["q=report&type=llm_call&min_tokens=1000", ["e3", "e6", "e8"]],
    ["has_tools=true&q=timeout", ["e5"]],
    ["errors=true&has_tools=true", ["e5"]],
    ["has_reasoning=true&before=2026-06-15T10:05:00Z&q=billing", ["e1"]],
  ];
  for (const [query, want] of cases) {
    const r = await search(c, query);
    assert.equal(r.status, 200, query);
    assert.deepEqual(ids(r), want, query);
    assert.equal(r.body.matched, want.length, query);
    assert.equal(r.body.total_events, 8, query);
  }
});

test("bad search parameters are 400 with a message naming the parameter; bad and unknown sessions are 400 and 404", async (t) => {
  const c = await seeded(t);
  const many = (n) => Array.from({ length: n }, (_, i) => `v${i}`);
  const cases = [
    ["min_tokens=abc", /^min_tokens must be a number/],
    ["min_tokens=-10", /^min_tokens must be a number ≥ 0/],
    ["max_tokens=1e999", /^max_tokens/],
    ["min_duration_ms=soon", /^min_duration_ms/],
    ["after=yesterday", /^after must be an ISO 8601 time/],
    ["before=2026-13-45", /^before must be an ISO 8601 time/],
    ["errors=yes", /^errors must be true or false/],
    ["has_tools=maybe", /^has_tools must be true or false/],
    ["has_reasoning=2", /^has_reasoning must be true or false/],
    [`type=${many(21).join(",")}`, /^type: at most 20/],
    [`model=${many(21).join(",")}`, /^model: at most 20/],
    [`q=${many(11).join("+")}`, /^q: at most 10 terms/],
  ];
  for (const [query, message] of cases) {
    const r = await search(c, query);
    assert.equal(r.status, 400, query);
    assert.match(r.body.error, message, query);
  }
  assert.equal((await search(c, `type=${many(20).join(",")}`)).status, 200, "20 values are allowed");
  assert.equal((await search(c, `q=${many(10).join("+")}`)).status, 200, "10 terms are allowed");
  const evil = await search(c, `after=${encodeURIComponent("<script>")}`);
  assert.ok(!evil.body.error.includes("<script>"), "the input is not echoed");
  const bad = await get(c, `/sessions/${encodeURIComponent("bad id!")}/events/search`);
  assert.deepEqual([bad.status, bad.body.error], [400, "Invalid session ID format"]);
  const missing = await get(c, "/sessions/nope/events/search");
  assert.deepEqual([missing.status, missing.body.error], [404, "Session not found"]);
});

test("export_session(format='json'): the original's shape, an attachment named after the agent and id, and the summary", async (t) => {
  const c = await seeded(t);
  // tracker.export_session(session_id, format="json"): GET /sessions/{sid}/export?format=json
  const r = await get(c, `/sessions/${SID}/export?format=json`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /^application\/json/);
  assert.equal(r.headers.get("content-disposition"), `attachment; filename="agentlens-research-agent-a87237a6.json"`);
  assert.equal(r.headers.get("cache-control"), "no-store");
  const x = r.body;
  assert.ok(!Number.isNaN(Date.parse(x.exported_at)));
  assert.deepEqual(x.session, {
    session_id: SID, agent_name: "research-agent", started_at: "2026-11-22T02:41:23.314377+00:00", ended_at: "2026-11-22T02:41:23.314894+00:00",
    metadata: { env: "dev" }, total_tokens_in: 120, total_tokens_out: 45, status: "completed", duration_ms: 0, tags: [],
  });
  assert.deepEqual(x.summary, { total_events: 2, total_tokens: 165, models_used: ["gpt-4o"], event_types: ["llm_call", "tool_call"], total_duration_ms: 815.7 });
  assert.equal(x.summary.total_tokens, 165, "the SDK's README reads data['summary']['total_tokens']");
  assert.deepEqual(x.events.map((e) => Object.keys(e).sort()), Array(2).fill(["decision_trace", "duration_ms", "event_id", "event_type", "input_data", "model", "output_data", "timestamp", "tokens_in", "tokens_out", "tool_call"]));
  assert.deepEqual(x.events[0], {
    event_id: "a01bdf57e9c94b6d", event_type: "llm_call", timestamp: "2026-11-22T02:41:23.314486Z", model: "gpt-4o", tokens_in: 120, tokens_out: 45, duration_ms: 812.5,
    input_data: { prompt: "What is 2+2?" }, output_data: { response: "4" }, tool_call: null, decision_trace: PYTHON_SDK_BATCH.events[1].decision_trace,
  });
  assert.deepEqual([x.events[1].model, x.events[1].input_data, x.events[1].tool_call.tool_name, x.events[1].decision_trace], ["", {}, "calculator", null]);
  for (const [q, name] of [["", "json"], ["?format=JSON", "json"], ["?format=csv", "csv"], ["?format=ndjson", "ndjson"]]) {
    const h = await text(c, `/sessions/${S}/export${q}`);
    assert.equal(h.status, 200, q);
    assert.equal(h.headers.get("content-disposition"), `attachment; filename="agentlens-search_agent-search-s.${name}"`, "the agent name made safe for a file name");
  }
  await post(c, `/sessions/${S}/tags`, { tags: ["exported"] });
  assert.deepEqual((await get(c, `/sessions/${S}/export`)).body.session.tags, ["exported"]);
});

test("the JSON export holds every field the SDK's export_transcript and export_run_metadata read, with its type", async (t) => {
  const c = await seeded(t);
  const x = (await get(c, `/sessions/${S}/export?format=json`)).body;
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isTime = (v) => typeof v === "string" && !Number.isNaN(Date.parse(v));
  // export_transcript(session dict): the title, task, outcome and duration read the top level.
  assert.equal(typeof x.agent_name, "string");
  assert.equal(x.agent_name, "search agent");
  assert.ok(isTime(x.started_at) && isTime(x.ended_at));
  assert.equal(x.status, "completed");
  assert.ok(isObject(x.metadata));
  assert.equal(x.metadata.task, "Migrate billing", "## Task prefers metadata.task");
  assert.ok(Array.isArray(x.events));
  // export_run_metadata: status, the recorded wall clock and duration_ms.
  assert.equal(typeof x.duration_ms, "number");
  assert.equal(x.duration_ms, 30 * 60_000);
  assert.equal(x.session.duration_ms, x.duration_ms);
  for (const k of ["session_id", "agent_name", "status", "started_at", "ended_at", "metadata", "total_tokens_in", "total_tokens_out"]) {
    assert.deepEqual(x[k], x.session[k], `${k} is the session's`);
  }
  // Per event: actions (tool_call.tool_name/tool_input, decision_trace.reasoning for
  // decisions), outputs (tool_output, output_data), errors (event_type, output_data, input_data).
  for (const e of x.events) {
    assert.equal(typeof e.event_type, "string");
    assert.ok(isObject(e.input_data) && isObject(e.output_data), "payloads are objects ({} when absent)");
    assert.ok(e.tool_call === null || (isObject(e.tool_call) && typeof e.tool_call.tool_name === "string" && "tool_input" in e.tool_call));
    assert.ok(e.decision_trace === null || (isObject(e.decision_trace) && typeof e.decision_trace.reasoning === "string"));
  }
  assert.deepEqual(x.events.filter((e) => e.tool_call).map((e) => [e.tool_call.tool_name, e.tool_call.tool_output]), [["sql_runner", { rows: 42 }], ["http_get", undefined]]);
  const open = await post(c, "/events", { events: [{ event_type: "session_start", session_id: "open-1", agent_name: "a", timestamp: at("00") }] });
  assert.equal(open.status, 200);
  const running = (await get(c, "/sessions/open-1/export")).body;
  assert.deepEqual([running.status, running.ended_at, running.duration_ms, running.events], ["active", null, null, []], "an open session: no end, no duration");
});

/** RFC 4180 records of `text` (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\n") row.push(cell), rows.push(row), (row = []), (cell = "");
    else cell += ch;
  }
  if (cell !== "" || row.length) row.push(cell), rows.push(row);
  return rows;
}

test("export_session(format='csv'): the original's columns, RFC 4180 quoting, and formula-like text defused in every cell", async (t) => {
  const c = await seeded(t);
  const csv = await get(c, `/sessions/${S}/export?format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get("content-type"), /^text\/csv/);
  const rows = parseCsv(csv.body);
  assert.deepEqual(rows[0], ["event_id", "event_type", "timestamp", "model", "tokens_in", "tokens_out", "duration_ms", "input_data", "output_data", "tool_name", "tool_input", "tool_output", "reasoning"]);
  assert.equal(rows.length, 9, "a header and 8 events");
  assert.deepEqual(rows[1], ["e1", "llm_call", stored("01"), "gpt-4", "500", "200", "150.5", '{"prompt":"Plan the migration of billing"}', '{"response":"Step one: export invoices"}', "", "", "", "Billing first because it blocks others"]);
  assert.deepEqual(rows[2].slice(9), ["sql_runner", '{"sql":"SELECT count(*) FROM invoices"}', '{"rows":42}', ""]);
  assert.deepEqual(rows[7].slice(3, 9), ["", "0", "0", "5", '{"status":"done"}', "{}"]);

  const nasty = [
    { event_type: "session_start", session_id: "csv-1", agent_name: "=cmd|' /C calc'!A0", timestamp: at("00") },
    {
      event_id: "x1", session_id: "csv-1", event_type: "llm_call", timestamp: at("01"), model: "@model", input_data: "=HYPERLINK(\"http://evil\")", output_data: "+1+1",
      tool_call: { tool_name: "-rm", tool_input: "\tcmd", tool_output: "\rcr" }, decision_trace: { reasoning: 'a,b "quoted"\nnext line' }, tokens_in: 3, duration_ms: 1.25,
    },
  ];
  assert.equal((await post(c, "/events", { events: nasty })).status, 200);
  const r = await get(c, "/sessions/csv-1/export?format=csv");
  assert.equal(r.headers.get("content-disposition"), `attachment; filename="agentlens-_cmd____C_calc__A0-csv-1.csv"`);
  const [, cells] = parseCsv(r.body);
  const byName = Object.fromEntries(rows[0].map((name, i) => [name, cells[i]]));
  for (const name of ["input_data", "output_data", "tool_name", "tool_input", "tool_output", "model"]) {
    assert.ok(byName[name].startsWith("'"), `${name} is defused: ${JSON.stringify(byName[name])}`);
    assert.match(byName[name], /^'[=+\-@\t\r]/);
  }
  assert.equal(byName.tool_input, "'\tcmd");
  assert.equal(byName.tool_output, "'\rcr", "a cell holding a carriage return is quoted and kept");
  assert.equal(byName.reasoning, 'a,b "quoted"\nnext line', "commas, quotes and line breaks survive quoting");
  assert.deepEqual([byName.tokens_in, byName.duration_ms], ["3", "1.25"], "numbers are not prefixed");
  assert.ok(r.body.includes('"\'\rcr"'), "the CR cell is inside quotes");
});

test("export as NDJSON: one session line, then one line per event in order", async (t) => {
  const c = await seeded(t);
  const r = await text(c, `/sessions/${S}/export?format=ndjson`);
  assert.match(r.headers.get("content-type"), /^application\/x-ndjson/);
  assert.ok(r.body.endsWith("\n"));
  const lines = r.body.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 9);
  assert.deepEqual(lines[0], {
    _type: "session", session_id: S, agent_name: "search agent", status: "completed", started_at: at("00"), ended_at: at("30"),
    metadata: { task: "Migrate billing" }, total_tokens_in: 4600, total_tokens_out: 2950, tags: [],
  });
  assert.deepEqual(lines.slice(1).map((l) => [l._type, l.event_id]), ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"].map((id) => ["event", id]));
  const json = (await get(c, `/sessions/${S}/export`)).body;
  assert.deepEqual(lines.slice(1).map(({ _type, ...e }) => e), json.events, "the same events as the JSON export");
});

test("unknown formats are 400 naming the ones that exist (pdf too); bad and unknown sessions are 400 and 404", async (t) => {
  const c = await seeded(t);
  const pdf = await get(c, `/sessions/${S}/export?format=pdf`);
  assert.equal(pdf.status, 400);
  assert.match(pdf.body.error, /PDF .*json, csv or ndjson/);
  for (const f of ["xml", "<b>", "toString", "__proto__"]) {
    const r = await get(c, `/sessions/${S}/export?format=${encodeURIComponent(f)}`);
    assert.deepEqual([r.status, r.body.error], [400, "Invalid format: use json, csv or ndjson"], f);
  }
  const bad = await get(c, `/sessions/${encodeURIComponent("bad id!")}/export`);
  assert.deepEqual([bad.status, bad.body.error], [400, "Invalid session ID format"]);
  const missing = await get(c, "/sessions/nope/export?format=csv");
  assert.deepEqual([missing.status, missing.body.error], [404, "Session not found"]);
});

test("exports and search need the API key when one is set, and work over payloads encrypted at rest", async (t) => {
  const c = await seeded(t, { apiKey: "k", encryptionKey: "00".repeat(32) });
  for (const path of [`/sessions/${S}/export`, `/sessions/${S}/events/search?q=billing`]) assert.equal((await get(c, path)).status, 401, path);
  const key = { "X-API-Key": "k" };
  const found = await get(c, `/sessions/${S}/events/search?q=billing&has_reasoning=true`, key);
  assert.deepEqual(ids(found), ["e1", "e6"]);
  const x = (await get(c, `/sessions/${S}/export`, key)).body;
  assert.deepEqual([x.events.length, x.events[0].input_data, x.metadata], [8, { prompt: "Plan the migration of billing" }, { task: "Migrate billing" }]);
});

test("a 100,000-event session exports whole in every format, in order, and its search pages through all of it", async (t) => {
  const c = await collector(t);
  const N = 100_000;
  const id = (i) => `big-${String(i).padStart(6, "0")}`;
  for (let b = 0; b < N; b += 5000) {
    const events = [];
    for (let i = b; i < b + 5000; i++) {
      events.push({ event_id: id(i), session_id: "big", event_type: i % 1000 === 0 ? "tool_call" : "llm_call", timestamp: new Date(Date.UTC(2027, 0, 1) + i * 10).toISOString(), model: "gpt-4o", tokens_in: 1, tokens_out: 2, input_data: { prompt: `p${i}` } });
    }
    assert.equal((await post(c, "/events", { events })).status, 200);
  }
  const json = await get(c, "/sessions/big/export");
  assert.equal(json.status, 200);
  assert.equal(json.body.summary.total_events, N);
  assert.equal(json.body.events.length, N);
  assert.ok(json.body.events.every((e, i) => e.event_id === id(i)), "every event once, oldest first");
  const csvLines = (await text(c, "/sessions/big/export?format=csv")).body.trimEnd().split("\n");
  assert.equal(csvLines.length, N + 1);
  assert.ok(csvLines[N].startsWith(`${id(N - 1)},`));
  const nd = (await text(c, "/sessions/big/export?format=ndjson")).body.trimEnd().split("\n");
  assert.equal(nd.length, N + 1);
  assert.equal(JSON.parse(nd[N]).event_id, id(N - 1));
  const last = (await get(c, `/sessions/big/events/search?q=p${N - 1}`)).body;
  assert.deepEqual([last.matched, last.events[0].event_id, last.total_events], [1, id(N - 1), N]);
  const tools = (await get(c, "/sessions/big/events/search?type=tool_call&q=p&limit=500&offset=50")).body;
  assert.deepEqual([tools.matched, tools.returned, tools.events[0].event_id, tools.summary.tokens_in], [100, 50, id(50_000), 100]);
  // A client that goes away mid-export leaves the collector answering.
  const abort = new AbortController();
  const res = await fetch(`${c.url}/sessions/big/export?format=ndjson`, { signal: abort.signal });
  const reader = res.body.getReader();
  assert.ok((await reader.read()).value.length > 0);
  abort.abort();
  await assert.rejects(reader.read());
  assert.equal((await get(c, "/sessions/big/events/search?limit=1")).body.matched, N);
});
