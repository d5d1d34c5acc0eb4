// OTLP/HTTP into `agentlens serve` (docs/otlp.md, "Ingest"), against the REAL OpenTelemetry
// JS exporters (@opentelemetry/exporter-trace-otlp-proto and -http, driven by
// sdk-trace-base's BasicTracerProvider) sending GenAI spans to a real `agentlens serve` on
// 127.0.0.1; what they stored is read back through the collector's HTTP API. Then the
// route's answers: content types, encodings, 400 with a google.rpc.Status, answers in the
// request's encoding (protobuf ones decoded with the official schema's decoder), and
// spans written by AgentLens stored as the events they were made from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { createOtlpExporter, init, wrapTool } from "@agentlens/sdk";
import { CLI, NODE, cleanEnv, tempDir } from "./cli-support.mjs";
import { collector } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const schema = require("otlp-official-schema/build/src/generated/root.js").opentelemetry.proto.collector.trace.v1;
const FIXTURES = new URL("../../../tests/fixtures/otlp_proto/", import.meta.url);

/** Starts `agentlens serve` on 127.0.0.1 (port 0) over a temporary database; resolves to its URL. */
async function serve(t) {
  const db = join(tempDir(t), "otlp.db");
  const child = spawn(NODE, [CLI, "serve", "--host", "127.0.0.1", "--port", "0", "--db", db], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  t.after(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1].replace(/\/+$/, ""));
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
  });
}

const getJson = async (url) => {
  const r = await fetch(url);
  assert.equal(r.status, 200, url);
  return r.json();
};

/** A real exporter whose every export result is recorded. */
function recorded(exporter) {
  const results = [];
  const inner = exporter.export.bind(exporter);
  exporter.export = (spans, done) => inner(spans, (r) => (results.push(r), done(r)));
  return { exporter, results };
}

/**
 * GenAI spans as an instrumented agent writes them: an invoke_agent root carrying the
 * conversation, a nested invoke_agent, a chat with cached and reasoning tokens, a tool
 * that works and one that fails (status ERROR + exception event). Returns their ids.
 * `everySpan`: every span names the conversation (needed when each span is its own
 * request: the collector reads one request at a time, docs/otlp.md "Ingest").
 */
function agentRun(provider, conversation, everySpan = false) {
  const base = provider.getTracer("otlp-test", "1.0.0");
  const conv = everySpan ? { "gen_ai.conversation.id": conversation } : {};
  const tracer = { startSpan: (name, o, ctx) => base.startSpan(name, { ...o, attributes: { ...conv, ...o.attributes } }, ctx) };
  const under = (span) => trace.setSpan(ROOT_CONTEXT, span);
  const root = tracer.startSpan("invoke_agent planner", { kind: SpanKind.INTERNAL, attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "planner", "gen_ai.conversation.id": conversation } }, ROOT_CONTEXT);
  const sub = tracer.startSpan("invoke_agent researcher", { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "researcher" } }, under(root));
  const chat = tracer.startSpan("chat gpt-4o", {
    kind: SpanKind.CLIENT,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.usage.input_tokens": 1200,
      "gen_ai.usage.output_tokens": 300,
      "gen_ai.usage.cache_read.input_tokens": 1000,
      "gen_ai.usage.reasoning.output_tokens": 120,
    },
  }, under(sub));
  chat.end();
  const search = tracer.startSpan("execute_tool search", { attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search", "gen_ai.tool.call.id": "call_1" } }, under(sub));
  search.end();
  const fetchTool = tracer.startSpan("execute_tool fetch", { attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "fetch" } }, under(sub));
  const err = new Error("upstream timed out");
  err.name = "TimeoutError";
  fetchTool.recordException(err);
  fetchTool.setAttribute("error.type", "TimeoutError");
  fetchTool.setStatus({ code: SpanStatusCode.ERROR, message: "upstream timed out" });
  fetchTool.end();
  sub.end();
  root.end();
  const id = (s) => s.spanContext().spanId;
  return { root: id(root), sub: id(sub), chat: id(chat) };
}

/** What the collector stored for `conversation` matches what the spans said. */
async function assertStored(url, conversation, ids) {
  const session = await getJson(`${url}/sessions/${conversation}`);
  assert.equal(session.session_id, conversation);
  const { events } = await getJson(`${url}/sessions/${conversation}/events`);
  const kinds = events.map((e) => e.event_type).sort();
  assert.deepEqual(kinds, ["llm_call", "run_end", "run_end", "run_start", "run_start", "tool_call", "tool_error"]);
  const llm = events.find((e) => e.event_type === "llm_call");
  assert.equal(llm.model, "gpt-4o");
  assert.deepEqual([llm.tokens_in, llm.tokens_out, llm.cached_input_tokens, llm.reasoning_tokens], [1200, 300, 1000, 120]);
  assert.equal(llm.run_id, ids.sub, "the chat belongs to the nested agent's run");
  const starts = events.filter((e) => e.event_type === "run_start");
  const nested = starts.find((e) => e.run_id === ids.sub);
  assert.equal(nested.parent_run_id, ids.root);
  assert.equal(nested.agent_name, "researcher");
  assert.equal(starts.find((e) => e.run_id === ids.root).agent_name, "planner");
  const ok = events.find((e) => e.event_type === "tool_call");
  assert.deepEqual([ok.tool_call.tool_name, ok.tool_call.tool_call_id], ["search", "call_1"]);
  const failed = events.find((e) => e.event_type === "tool_error");
  assert.equal(failed.tool_call.tool_name, "fetch");
  assert.equal(failed.error.error_type, "TimeoutError");
  assert.equal(failed.error.message, "upstream timed out");
  assert.equal(session.total_tokens_in, 1200);
}

test("the OpenTelemetry protobuf exporter (SimpleSpanProcessor) delivers GenAI spans that are stored as their events", async (t) => {
  const url = await serve(t);
  const { exporter, results } = recorded(new ProtoExporter({ url: `${url}/v1/traces` }));
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const ids = agentRun(provider, "conv-proto", true);
  await provider.forceFlush();
  await provider.shutdown();
  assert.equal(results.length, 5, "one export per span");
  assert.ok(results.every((r) => r.code === 0), JSON.stringify(results.map((r) => String(r.error ?? ""))));
  await assertStored(url, "conv-proto", ids);
});

test("the OpenTelemetry JSON exporter (BatchSpanProcessor, gzip) delivers the same", async (t) => {
  const url = await serve(t);
  const { exporter, results } = recorded(new JsonExporter({ url: `${url}/v1/traces`, compression: "gzip" }));
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 10 })] });
  const ids = agentRun(provider, "conv-json");
  await provider.forceFlush();
  await provider.shutdown();
  assert.ok(results.length >= 1 && results.every((r) => r.code === 0), JSON.stringify(results.map((r) => String(r.error ?? ""))));
  await assertStored(url, "conv-json", ids);
});

test("the gzipped protobuf exporter (BatchSpanProcessor) is read too", async (t) => {
  const url = await serve(t);
  const { exporter, results } = recorded(new ProtoExporter({ url: `${url}/v1/traces`, compression: "gzip" }));
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 10 })] });
  const ids = agentRun(provider, "conv-gzip");
  await provider.forceFlush();
  await provider.shutdown();
  assert.ok(results.length >= 1 && results.every((r) => r.code === 0));
  await assertStored(url, "conv-gzip", ids);
});

const post = (url, body, headers) => fetch(`${url}/v1/traces`, { method: "POST", body, headers });

test("answers: 415 for other content types and encodings, 400 with a google.rpc.Status in the request's encoding", async (t) => {
  const url = await serve(t);
  assert.equal((await post(url, "{}", { "Content-Type": "text/plain" })).status, 415);
  assert.equal((await post(url, "{}", { "Content-Type": "application/xml" })).status, 415);
  assert.equal((await post(url, "{}", { "Content-Type": "application/json", "Content-Encoding": "br" })).status, 415);
  // Garbage protobuf: a length past the end.
  const bad = await post(url, new Uint8Array([0x0a, 0x7f, 0x01, 0x02]), { "Content-Type": "application/x-protobuf" });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("content-type"), "application/x-protobuf");
  const status = new Uint8Array(await bad.arrayBuffer());
  // google.rpc.Status{code(1, varint)=3, message(2, string)}
  assert.deepEqual([...status.subarray(0, 3)], [0x08, 3, 0x12]);
  const message = new TextDecoder().decode(status.subarray(4, 4 + status[3]));
  assert.match(message, /invalid OTLP protobuf at byte 1/);
  const badJson = await post(url, '{"events":[]}', { "Content-Type": "application/json; charset=utf-8" });
  assert.equal(badJson.status, 400);
  assert.match(badJson.headers.get("content-type"), /^application\/json/);
  const body = await badJson.json();
  assert.equal(body.code, 3);
  assert.match(body.message, /not an OTLP ExportTraceServiceRequest/);
  // Broken gzip is a 400 Status too.
  const zip = await post(url, new Uint8Array([0x1f, 0x8b, 0, 1]), { "Content-Type": "application/json", "Content-Encoding": "gzip" });
  assert.equal(zip.status, 400);
  assert.equal((await zip.json()).code, 3);
});

test("answers in the request's encoding: an empty response, or partial_success for rejected spans", async (t) => {
  const url = await serve(t);
  const pb = readFileSync(new URL("genai.pb", FIXTURES));
  const ok = await post(url, pb, { "Content-Type": "application/x-protobuf" });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("content-type"), "application/x-protobuf");
  const okAnswer = schema.ExportTraceServiceResponse.decode(new Uint8Array(await ok.arrayBuffer()));
  assert.equal(okAnswer.partialSuccess, null, "everything accepted: an empty message");
  const json = await post(url, readFileSync(new URL("genai.json", FIXTURES)), { "Content-Type": "application/json" });
  assert.equal(json.status, 200);
  assert.match(json.headers.get("content-type"), /^application\/json/);
  assert.deepEqual(await json.json(), {});
  // The same spans in the other encoding are the same events: nothing is stored twice.
  const stored = await getJson(`${url}/sessions/conv-42/events`);
  assert.equal(stored.total, 7);
  // A conversation id that redaction changes: its spans are kept under the redacted id with
  // a keyed tag (issue 17: never merged under the marker, never refused), the address nowhere.
  const request = schema.ExportTraceServiceRequest.decode(pb);
  for (const s of request.resourceSpans[0].scopeSpans[0].spans) {
    for (const a of s.attributes) if (a.key === "gen_ai.conversation.id") a.value.stringValue = "someone@example.com";
  }
  const body = gzipSync(schema.ExportTraceServiceRequest.encode(request).finish());
  const partial = await post(url, body, { "Content-Type": "application/x-protobuf", "Content-Encoding": "gzip" });
  assert.equal(partial.status, 200);
  const answer = schema.ExportTraceServiceResponse.decode(new Uint8Array(await partial.arrayBuffer()));
  assert.equal(answer.partialSuccess, null, "everything accepted");
  const sessions = await getJson(`${url}/sessions`);
  const tagged = sessions.sessions.map((x) => x.session_id).filter((id) => /^REDACTED\.[a-p]{16}$/.test(id));
  assert.equal(tagged.length, 1, JSON.stringify(sessions));
  assert.ok(!JSON.stringify(sessions).includes("someone@example.com"));
  assert.equal((await getJson(`${url}/sessions/${tagged[0]}/events`)).total, stored.total, "the same spans, the same events");
});

test("spans written by AgentLens are stored as the events they were made from", async (t) => {
  const url = await serve(t);
  const r = await post(url, readFileSync(new URL("agentlens.pb", FIXTURES)), { "Content-Type": "application/x-protobuf" });
  assert.equal(r.status, 200);
  const session = await getJson(`${url}/sessions/sess-7`);
  assert.equal(session.agent_name, "travel");
  assert.equal(session.status, "completed");
  assert.deepEqual([session.total_tokens_in, session.total_tokens_out], [1500, 200]);
  const { events } = await getJson(`${url}/sessions/sess-7/events`);
  const byId = Object.fromEntries(events.filter((e) => e.event_id).map((e) => [e.event_id, e]));
  assert.equal(byId.ev00000000000001.event_type, "llm_call");
  assert.equal(byId.ev00000000000001.run_id, "run-child");
  assert.equal(byId.ev00000000000002.event_type, "tool_error");
  assert.equal(byId.ev00000000000003.decision_trace.reasoning, "cheapest");
  assert.equal(byId.ev00000000000004.memory.key, "pref.seat");
  assert.equal(byId.ev00000000000005.error.error_type, "PaymentError");
  assert.deepEqual(byId.ev00000000000006.output_data, { answer: "Book the train" });
  const child = events.find((e) => e.event_type === "run_start" && e.run_id === "run-child");
  assert.equal(child.parent_run_id, "run-root");
  const runs = await getJson(`${url}/sessions/sess-7/runs`).catch(() => null);
  if (runs) assert.ok(JSON.stringify(runs).includes("run-child"));
});

for (const protocol of ["http/protobuf", "http/json"]) {
  test(`the SDK's own OTLP exporter (${protocol}) to agentlens serve: the session comes back as the events it recorded`, async (t) => {
    const url = await serve(t);
    const otlp = createOtlpExporter({ endpoint: `${url}/v1/traces`, protocol, captureContent: true, serviceName: "round-trip" });
    const tracker = init({ exporters: [otlp], logLevel: "silent" });
    const weather = wrapTool(({ city }) => ({ city, forecast: "sunny" }), "get_weather");
    const session = tracker.startSession({ agentName: "weather-agent" });
    const ids = {};
    await tracker.run("answer_question", async (ctx) => {
      ids.llm = ctx.llm({ model: "gpt-4o-mini", prompt: "What to wear?", response: "Checking.", tokensIn: 14, tokensOut: 6, cachedInputTokens: 4, durationMs: 420 });
      ids.decision = ctx.decision({ reasoning: "depends on the forecast", alternatives: ["guess"], confidence: 0.9 });
      weather({ city: "Lisbon" });
      ids.final = ctx.final({ answer: "A T-shirt." });
    });
    await tracker.endSession(session.sessionId);
    const stats = await tracker.shutdown(10_000);
    const s = stats.perExporter[0];
    assert.equal(s.delivered, s.tracked, JSON.stringify(s));
    const stored = await getJson(`${url}/sessions/${session.sessionId}`);
    assert.equal(stored.agent_name, "weather-agent");
    assert.equal(stored.status, "completed");
    const { events } = await getJson(`${url}/sessions/${session.sessionId}/events`);
    const byId = Object.fromEntries(events.filter((e) => e.event_id).map((e) => [e.event_id, e]));
    assert.ok(ids.llm && byId[ids.llm], `llm_call ${ids.llm} stored under its own id`);
    assert.equal(byId[ids.llm].event_type, "llm_call");
    assert.deepEqual([byId[ids.llm].model, byId[ids.llm].tokens_in, byId[ids.llm].tokens_out, byId[ids.llm].cached_input_tokens], ["gpt-4o-mini", 14, 6, 4]);
    assert.equal(byId[ids.decision].decision_trace.reasoning, "depends on the forecast");
    assert.deepEqual(byId[ids.final].output_data, { answer: "A T-shirt." });
    const run = events.find((e) => e.event_type === "run_start");
    assert.equal(run.run_name, "answer_question");
    assert.equal(byId[ids.llm].run_id, run.run_id, "events keep their run's own id");
    const tool = events.find((e) => e.event_type === "tool_call");
    assert.equal(tool.tool_call.tool_name, "get_weather");
    assert.equal(tool.run_id, run.run_id);
  });
}

test("a body over the collector's limit is a 413 with a Status", async (t) => {
  const c = await collector(t, { maxBodyBytes: 64 });
  const big = readFileSync(new URL("genai.pb", FIXTURES));
  const r = await fetch(`${c.url}/v1/traces`, { method: "POST", body: big, headers: { "Content-Type": "application/x-protobuf" } });
  assert.equal(r.status, 413);
  const status = new Uint8Array(await r.arrayBuffer());
  assert.deepEqual([...status.subarray(0, 2)], [0x08, 8]);
});
