// The round trip SDK → OTLP → `agentlens serve` → viewer shows what the AgentLens wire shows.
//
// One scripted agent (fixtures/otlp-roundtrip/agent.mjs: nested runs, LLM calls on two
// models with cached and reasoning tokens, a tool that works and one that fails, a
// decision, a memory read and write, an error, a final answer, the session's end) runs
// once per exporter of the REAL SDK (`init()` trackers with `batchSize: 2` and
// `maxRequestEvents: 2`, so every session goes over several requests) into a REAL
// collector (the built @agentlens/cli on the project's Node 24, 127.0.0.1, port 0):
// `createHttpExporter` (the AgentLens wire, POST /events), then `createOtlpExporter`
// (POST /v1/traces, content captured) in protobuf, in JSON, and in gzipped protobuf. The
// viewer then reads the collector as it does when the collector serves it (its own
// CollectorClient and CollectorSync from www/src, bundled for Node: GET /sessions, then
// each session's GET /sessions/:id/events) into the core's view engine (TraceView, as the
// viewer's worker holds it), and each OTLP session's view is compared with the wire
// session's: the session header (status, event and error counts, models, tools, token
// totals, cost), the statistics behind the Charts tab (per-model tokens in, out, cached
// and reasoning, cost, tool failures, errors), the run tree (names, nesting, status), the
// timeline rows (types, labels, nesting, errors, order) and every event's detail (tokens,
// content, errors, cost). Ids and times differ between the sessions: runs are mapped by
// their order in the timeline, ids and measured times are left out. Where OTLP
// legitimately shows something else, the difference is asserted exactly and explained.
//
// Event spans must carry `agentlens.run.id`: a run's span is sent at the run's end, so
// an event whose run's span arrives in a later request (checked on the requests really
// sent, decoded with the official schema) is placed by that attribute alone. A second
// collector receives the OTLP JSON session's requests in reverse order and must show the
// same: the collector's view does not depend on the order requests arrive in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { createHttpExporter, createOtlpExporter, init } from "@agentlens/sdk";
import "@agentlens/sdk/analysis";
import { TraceView } from "@agentlens/sdk/internal";
import { recordingFetch, requestSpans, scriptedAgent } from "./fixtures/otlp-roundtrip/agent.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const NODE24 = join(here, "../../node_modules/node/bin/node");
const COLLECTOR = join(here, "../../bindings/cli/dist/collector/index.js");
const skip = (!existsSync(NODE24) && `${NODE24} is absent`) || (!existsSync(COLLECTOR) && `${COLLECTOR} is absent (npm run build -w @agentlens/cli)`);

/** The exporters compared; `wire` is the reference. */
const EXPORTERS = {
  wire: (url, f) => createHttpExporter({ endpoint: url, apiKey: "round-trip", fetch: f }),
  "OTLP protobuf": (url, f) => createOtlpExporter({ endpoint: `${url}/v1/traces`, captureContent: true, fetch: f }),
  "OTLP JSON": (url, f) => createOtlpExporter({ endpoint: `${url}/v1/traces`, protocol: "http/json", captureContent: true, fetch: f }),
  "OTLP protobuf gzip": (url, f) => createOtlpExporter({ endpoint: `${url}/v1/traces`, compression: "gzip", captureContent: true, fetch: f }),
};
const OTLP = Object.keys(EXPORTERS).filter((k) => k !== "wire");
/** The OTLP JSON session's requests re-sent to a second collector in reverse order. */
const REVERSED = "OTLP JSON, requests in reverse order";

let dir;
let child;
/** Exporter name → { id (the session), requests, view (what the viewer shows of it) }. */
const sessions = {};

/** Starts two of `agentlens serve`'s collectors (two databases) on Node 24; resolves to their URLs. */
async function startCollectors() {
  dir = mkdtempSync(join(tmpdir(), "agentlens-otlp-roundtrip-"));
  const script = `
    const { startCollector } = await import(${JSON.stringify(COLLECTOR)});
    const cs = [];
    for (const db of ["a.sqlite", "b.sqlite"]) cs.push(await startCollector({ port: 0, host: "127.0.0.1", dbPath: ${JSON.stringify(dir)} + "/" + db, viewerDir: false }));
    console.log("URLS " + cs.map((c) => c.url).join(" "));
    process.on("SIGTERM", () => Promise.all(cs.map((c) => c.close())).then(() => process.exit(0)));`;
  child = spawn(NODE24, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /URLS (\S+) (\S+)\n/.exec(out);
      if (m) resolve([m[1], m[2]].map((u) => u.replace(/\/+$/, "")));
    });
    child.on("exit", (code) => reject(new Error(`the collector exited (${code})`)));
  });
}

/** The viewer's collector mode (www/src/collector.ts and collector-sync.ts), bundled for Node. */
async function viewerCollectorMode() {
  const out = mkdtempSync(join(tmpdir(), "agentlens-otlp-roundtrip-viewer-"));
  try {
    await build({
      stdin: { contents: 'export { CollectorClient } from "./collector"; export { CollectorSync } from "./collector-sync";', resolveDir: join(here, "../src"), loader: "ts" },
      outfile: join(out, "collector.mjs"),
      bundle: true,
      format: "esm",
      platform: "node",
      logLevel: "error",
    });
    return await import(pathToFileURL(join(out, "collector.mjs")).href);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Loads every session of the collector at `url` into a TraceView as the viewer does (main.ts's reset/add). */
async function loadAsTheViewer(url) {
  const { CollectorClient, CollectorSync } = await viewerCollectorMode();
  const view = new TraceView();
  const add = async (events) => ({ ...view.counts(), changed: view.pushNew(events) });
  const shell = {
    reset: (events) => (view.clear(), add(events)),
    add,
    status: () => {},
    placeholder: () => {},
    notice: () => {},
    select: async () => {},
    selected: () => undefined,
    linked: () => undefined,
  };
  const sync = new CollectorSync(new CollectorClient(undefined, url), shell, () => {});
  await sync.clear();
  await sync.start(true);
  return view;
}

/** Sends `bodies` (OTLP JSON) to the collector at `url`, in order, one request each. */
async function resend(url, bodies) {
  for (const body of bodies) {
    const res = await fetch(`${url}/v1/traces`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    assert.equal(res.status, 200, await res.text());
  }
}

/** What the viewer shows of each session in `names`, read from the collector at `url`. */
async function viewSessions(url, names) {
  const view = await loadAsTheViewer(url);
  assert.deepEqual(new Set(view.sessionIds()), new Set(names.map((n) => sessions[n].id)), "the viewer holds the collector's sessions");
  for (const name of names) {
    const s = sessions[name];
    const timeline = view.timeline(s.id, 0, 10_000);
    s.view = { header: view.header(s.id), stats: view.charts([s.id]).stats, rows: timeline.rows, details: timeline.rows.map((r) => view.event(s.id, r.n)) };
  }
  view.free();
}

before(async () => {
  if (skip) return;
  const [url, reversedUrl] = await startCollectors();
  for (const [name, make] of Object.entries(EXPORTERS)) {
    const rec = recordingFetch();
    const tracker = init({ exporters: [make(url, rec.fetch)], batchSize: 2, maxRequestEvents: 2, logLevel: "silent" });
    const id = await scriptedAgent(tracker);
    const stats = (await tracker.shutdown(30_000)).perExporter[0];
    assert.equal(stats.delivered, stats.tracked, `${name}: ${JSON.stringify(stats)}`);
    sessions[name] = { id, requests: rec.requests };
  }
  await viewSessions(url, Object.keys(EXPORTERS));
  // The same OTLP JSON requests, last first, into a second collector.
  sessions[REVERSED] = { id: sessions["OTLP JSON"].id, requests: [...sessions["OTLP JSON"].requests].reverse() };
  await resend(reversedUrl, sessions[REVERSED].requests.map((r) => Buffer.from(r.body).toString("utf8")));
  await viewSessions(reversedUrl, [REVERSED]);
});

after(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Keys of `o` but `keys`. */
const omit = (o, keys) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/** The header without what is an id or a time (the session id, its first time, durations). */
const headerShape = (h) => omit(h, ["id", "first", "durationMs", "span"]);

/** The Charts tab's statistics without ids and measured times (latencies, minute buckets). */
function statsShape(s) {
  const tools = Object.fromEntries(Object.entries(s.tools).map(([k, v]) => [k, omit(v, ["latency"])]));
  return { ...omit(s, ["session_id", "latency", "latency_by_type", "timeline"]), tools };
}

/** Run id → "run1", "run2", ... in the order the runs start in the timeline. */
function runNames(rows) {
  const names = new Map([["", ""]]);
  for (const r of rows) if (r.type === "run_start" && !names.has(r.run)) names.set(r.run, `run${names.size}`);
  return (id) => names.get(id ?? "") ?? `unknown run ${id}`;
}

/** The run tree: each run's name, parent, depth and whether it failed, in timeline order. */
function runTree(v) {
  const run = runNames(v.rows);
  return v.rows.flatMap((r, i) => (r.type === "run_start" ? [{ run: run(r.run), name: r.label, parent: run(v.details[i].event.parent_run_id), depth: r.depth, failed: r.error }] : []));
}

/** The timeline's rows without ids and times. */
function rowShapes(v) {
  const run = runNames(v.rows);
  return v.rows.map((r) => ({ n: r.n, type: r.type, label: r.label, depth: r.depth, error: r.error, run: run(r.run) }));
}

/**
 * One event's detail without ids and measured times (an LLM call's duration is the
 * script's, so it stays); runs by their timeline names.
 */
function detailShape(d, run) {
  const e = structuredClone(d.event);
  for (const k of ["event_id", "session_id", "trace_id", "span_id", "timestamp", "ended_at"]) delete e[k];
  if (e.run_id !== undefined) e.run_id = run(e.run_id);
  if (e.parent_run_id !== undefined) e.parent_run_id = run(e.parent_run_id);
  if (e.event_type !== "llm_call") delete e.duration_ms;
  if (e.tool_call) for (const k of ["tool_call_id", "timestamp", "duration_ms"]) delete e.tool_call[k];
  const cost = d.cost && omit(d.cost, ["event_id", "timestamp"]);
  // The OTLP exporter adds the call's cost to its span (agentlens.cost.usd, priced over the
  // same catalog): read back, it is the viewer's cost of that event; the wire event has none.
  if (e.attributes && "agentlens.cost.usd" in e.attributes) {
    assert.ok(d.cost && Math.abs(e.attributes["agentlens.cost.usd"] - d.cost.total_cost) < 1e-9, `agentlens.cost.usd ${e.attributes["agentlens.cost.usd"]} vs the viewer's ${d.cost?.total_cost}`);
    delete e.attributes["agentlens.cost.usd"];
    if (Object.keys(e.attributes).length === 0) delete e.attributes;
  }
  return { event: e, cost };
}

const parts = (text) => [{ type: "text", content: text }];

/**
 * The wire's LLM content in the GenAI conventions' message shape, as docs/otlp.md says the
 * OTLP exporter writes it and the collector reads it back (`input_data.prompt`: a string is
 * one user message, a `{role, content}` list is read message by message with the system
 * ones in `input_data.system_instructions`; `output_data.response`: one assistant message,
 * `finish_reason` "stop").
 */
function asConventionMessages(e) {
  const prompt = e.input_data?.prompt;
  if (typeof prompt === "string") e.input_data.prompt = [{ role: "user", parts: parts(prompt) }];
  else if (Array.isArray(prompt)) {
    const system = prompt.filter((m) => m.role === "system");
    e.input_data.prompt = prompt.filter((m) => m.role !== "system").map((m) => ({ role: m.role, parts: parts(m.content) }));
    if (system.length) e.input_data.system_instructions = system.flatMap((m) => parts(m.content));
  }
  const response = e.output_data?.response;
  if (typeof response === "string") e.output_data.response = [{ role: "assistant", parts: parts(response), finish_reason: "stop" }];
}

/**
 * Turns the wire's view of an event into what OTLP legitimately shows instead, after
 * asserting each difference exactly on the raw events (`w`, `o`: the wire's and OTLP's).
 */
function expectOtlpDifferences(want, w, o, label) {
  // `w` and `o` are the views' own objects: read, never changed.
  const e = want.event;
  switch (e.event_type) {
    case "session_start":
      // The session span (sent at session_end) carries the agent and user but not the
      // session's metadata (docs/otlp.md, the events-to-spans table), so it reads back empty.
      assert.deepEqual(w.metadata, { version: "2.1.0", environment: "test" }, `${label}: the wire keeps the metadata`);
      assert.deepEqual(o.metadata, {}, `${label}: no metadata over OTLP`);
      e.metadata = {};
      break;
    case "run_start":
      // A run span is written at the run's end; its run_start is read back as "running".
      assert.equal(w.status, undefined, label);
      assert.equal(o.status, "running", label);
      e.status = "running";
      break;
    case "llm_call":
      asConventionMessages(e);
      break;
    case "decision":
      // The read-back decision trace is stamped with the span's start (the event's time).
      assert.equal(w.decision_trace.timestamp, undefined, label);
      assert.equal(Date.parse(o.decision_trace.timestamp), Date.parse(o.timestamp), label);
      e.decision_trace.timestamp = o.decision_trace.timestamp;
      break;
    case "tool_error":
      // The OTLP exporter writes a tool's result from `tool_call.tool_output`, else the
      // event's `output_data` (src/encode/otlp/span.rs, `tool`), into
      // gen_ai.tool.call.result, which reads back as `tool_call.tool_output`: wrapTool's
      // `output_data: { error, error_type }` comes back there. The span's failure
      // (status ERROR, error.type, the exception event) reads back as the event's `error`.
      assert.deepEqual(w.output_data, { error: "hotel API returned 503", error_type: "UpstreamError" }, label);
      assert.equal(w.tool_call.tool_output, undefined, label);
      assert.equal(w.error, undefined, label);
      assert.deepEqual(o.tool_call.tool_output, w.output_data, label);
      assert.deepEqual(o.error, { error_type: w.output_data.error_type, message: w.output_data.error, critical: false }, label);
      e.tool_call.tool_output = e.output_data;
      e.output_data = {};
      e.error = { ...o.error };
      break;
  }
}

/**
 * The spans of an OTLP session's requests, and how many event spans came in an earlier
 * request than their run's span (a run's span is sent at the run's end).
 */
function spansSent(requests) {
  const spans = requests.map(requestSpans);
  const runSpanAt = new Map();
  spans.forEach((list, i) => list.filter((s) => s.attrs["agentlens.span.kind"] === "run").forEach((s) => runSpanAt.set(s.id, { at: i, run: s.attrs["agentlens.run.id"] })));
  const events = spans.flatMap((list, i) => list.filter((s) => s.attrs["agentlens.event.id"] !== undefined).map((s) => ({ ...s, at: i, runSpan: runSpanAt.get(s.parent) })));
  return { spans: spans.flat(), events, early: events.filter((e) => e.runSpan && e.runSpan.at > e.at).length };
}

/** What the viewer must show for an OTLP session: the wire session's view with OTLP's legitimate differences. */
function expectedFor(name) {
  const w = sessions.wire.view;
  const o = sessions[name].view;
  const run = runNames(w.rows);
  const details = w.details.map((d, i) => {
    const want = detailShape(d, run);
    const got = o.details[i]?.event;
    if (got && got.event_type === d.event.event_type) expectOtlpDifferences(want, d.event, got, `${name} row ${i} (${d.event.event_type})`);
    return want;
  });
  return { rows: rowShapes(w), details };
}

/** The OTLP session `name`'s timeline rows and event details are the wire session's. */
function assertShowsAsWire(name) {
  const want = expectedFor(name);
  const o = sessions[name].view;
  const run = runNames(o.rows);
  assert.deepEqual(rowShapes(o), want.rows, "timeline rows");
  assert.equal(o.details.length, want.details.length);
  o.details.forEach((d, i) => assert.deepEqual(detailShape(d, run), want.details[i], `row ${i} (${d.event.event_type})`));
}

/** The session header, the Charts tab's statistics and the run tree are the wire session's. */
function assertSummaryAsWire(name) {
  const w = sessions.wire.view;
  const o = sessions[name].view;
  assert.deepEqual(headerShape(o.header), headerShape(w.header), "session header");
  assert.deepEqual(statsShape(o.stats), statsShape(w.stats), "statistics: tokens per model (in, out, cached, reasoning), cost, tools, errors");
  assert.deepEqual(runTree(o), runTree(w), "run tree");
}

test("the wire session is the scenario: nested runs, two priced models, a failing tool and an error", { skip }, () => {
  const v = sessions.wire.view;
  assert.deepEqual(runTree(v), [
    { run: "run1", name: "plan_trip", parent: "", depth: 0, failed: false },
    { run: "run2", name: "research", parent: "run1", depth: 1, failed: true },
  ]);
  assert.deepEqual(v.rows.map((r) => r.type), [
    "session_start", "run_start", "memory_read", "llm_call", "decision", "run_start", "llm_call", "tool_call", "tool_error", "error", "memory_write", "llm_call", "final", "session_end",
  ]);
  assert.deepEqual(v.header.models, ["gpt-4o", "claude-3.5-sonnet"]);
  assert.deepEqual(v.header.unmatchedModels, [], "both models are priced, so the cost compared is a real figure");
  assert.ok(v.header.totalCost > 0);
  assert.deepEqual([v.header.tokensIn, v.header.tokensOut, v.header.errors], [2400, 830, 2]);
  assert.deepEqual(v.stats.models["claude-3.5-sonnet"].reasoning_tokens, 200);
  assert.ok(sessions.wire.requests.length >= 4, `the wire session went over ${sessions.wire.requests.length} requests`);
});

for (const name of OTLP) {
  test(`${name}: spans go over several requests, each event's naming its run, some ahead of their run's span`, { skip }, () => {
    const { requests } = sessions[name];
    const { spans, events, early } = spansSent(requests);
    // One span per event but session_start and run_start (docs/otlp.md, Delivery): the
    // timeline's rows but one (session_start and session_end are the session's span, a
    // run_start row is its run's span).
    assert.equal(spans.length, sessions.wire.view.details.length - 1, `${name}: spans sent`);
    assert.ok(requests.length >= 4, `${name}: ${requests.length} requests`);
    assert.ok(early >= 1, `${name}: an event span whose run's span arrives in a later request`);
    // Such an event is placed under its run by `agentlens.run.id` alone (docs/otlp.md,
    // "Spans written by AgentLens, read back"): every event span names its run's id.
    for (const e of events) assert.equal(e.attrs["agentlens.run.id"], e.runSpan?.run, `${e.attrs["agentlens.event.type"]} span: agentlens.run.id`);
  });

  test(`${name}: the viewer shows the wire session's header, totals, cost and run tree`, { skip }, () => assertSummaryAsWire(name));

  test(`${name}: the viewer shows the wire session's timeline (every event under its run) and every event's detail`, { skip }, () => assertShowsAsWire(name));
}

test(`${REVERSED}: the viewer shows the same session whatever order the requests arrive in`, { skip }, () => {
  assert.ok(spansSent(sessions[REVERSED].requests).events.some((e) => e.runSpan && e.runSpan.at < e.at), "reversed: run spans now come before their events' spans");
  assertSummaryAsWire(REVERSED);
  assertShowsAsWire(REVERSED);
});
