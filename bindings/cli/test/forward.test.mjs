// `--forward-otlp`: a collector relays what it stores (redacted) upstream as OTLP/HTTP
// through the SDK's OTLP exporter. Upstream is a second, real collector (it reads OTLP
// protobuf), or a real HTTP server scripting failures; bodies are checked with the
// official schema's decoder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { collector, get, post, PYTHON_SDK_BATCH } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const schema = require("otlp-official-schema/build/src/generated/root.js").opentelemetry.proto.collector.trace.v1;

/** Polls `check` (no sleeps beyond 50 ms steps) until it returns a value, for at most ~10 s. */
async function eventually(check) {
  for (let i = 0; i < 200; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not reached");
}

/** A real HTTP server on 127.0.0.1 answering each OTLP request with the next scripted status. */
async function upstream(t, statuses) {
  const bodies = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      bodies.push({ type: req.headers["content-type"], body: Buffer.concat(chunks) });
      const status = statuses[bodies.length - 1] ?? 200;
      res.writeHead(status, { "Content-Type": "application/x-protobuf", ...(status === 503 ? { "Retry-After": "0" } : {}) });
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${server.address().port}/v1/traces`, bodies };
}

const spansOf = (body) => schema.ExportTraceServiceRequest.decode(body).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

test("what a collector stores reaches an upstream collector over OTLP, session by session", async (t) => {
  const up = await collector(t);
  const front = await collector(t, { forwardOtlp: { endpoint: `${up.url}/v1/traces` } });
  const sent = await post(front, "/events", PYTHON_SDK_BATCH);
  assert.equal(sent.status, 200);
  const id = PYTHON_SDK_BATCH.events[0].session_id;
  const upstreamSession = await eventually(async () => {
    const r = await get(up, `/sessions/${id}`);
    return r.status === 200 && r.body.total_tokens_in === 120 ? r.body : null;
  });
  assert.equal(upstreamSession.total_tokens_out, 45);
  const events = (await get(up, `/sessions/${id}/events?limit=100`)).body.events;
  const byType = Object.groupBy(events, (e) => e.event_type);
  assert.equal(byType.llm_call?.[0]?.model, "gpt-4o");
  assert.equal(byType.llm_call?.[0]?.tokens_in, 120);
  assert.equal(byType.tool_call?.[0]?.tool_call?.tool_name, "calculator");
  assert.equal(upstreamSession.status, "completed", "the session span's end ends the session upstream");
  // Content stays home unless asked for.
  assert.equal(JSON.stringify(events).includes("What is 2+2?"), false, "no prompt upstream without --forward-content");
});

test("forwarded content is the collector's redacted copy, and only with captureContent", async (t) => {
  const up = await upstream(t, []);
  const front = await collector(t, { forwardOtlp: { endpoint: up.url, captureContent: true } });
  const secret = "sk-live-4eC39HqLyjWDarjtT1zdp7dc";
  const batch = structuredClone(PYTHON_SDK_BATCH);
  for (const e of batch.events) e.session_id = "fwd-content";
  batch.events[1].input_data = { prompt: `use key ${secret} for bob@example.com` };
  assert.equal((await post(front, "/events", batch)).status, 200);
  await eventually(() => up.bodies.length > 0 && spansOf(up.bodies.at(-1).body).some((s) => s.name.startsWith("invoke_agent")));
  const text = up.bodies.map((b) => b.body.toString("latin1")).join("");
  assert.equal(up.bodies[0].type, "application/x-protobuf");
  assert.ok(!text.includes(secret) && !text.includes("bob@example.com"), "secrets never leave");
  const chat = up.bodies.flatMap((b) => spansOf(b.body)).find((s) => s.name.startsWith("chat"));
  const input = chat.attributes.find((a) => a.key === "gen_ai.input.messages")?.value.stringValue;
  assert.match(input, /\[REDACTED/);
});

test("an upstream outage is retried by OTLP's rules, and a final refusal is not", async (t) => {
  const up = await upstream(t, [503, 503, 200, 400]);
  const logs = [];
  const front = await collector(t, { forwardOtlp: { endpoint: up.url }, log: (level, message) => logs.push([level, message]) });
  const batch = structuredClone(PYTHON_SDK_BATCH);
  for (const e of batch.events) e.session_id = "fwd-outage-1";
  assert.equal((await post(front, "/events", batch)).status, 200, "ingest answers whatever upstream does");
  await eventually(() => up.bodies.length >= 3);
  const spans = spansOf(up.bodies[2].body);
  assert.deepEqual(spansOf(up.bodies[0].body).length, spans.length, "the retry resends the same spans");
  for (const e of batch.events) e.session_id = "fwd-outage-2";
  assert.equal((await post(front, "/events", batch)).status, 200);
  await eventually(() => up.bodies.length >= 4 && logs.some(([level, m]) => level === "warn" && /400/.test(m)));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(up.bodies.length, 4, "a 400 is final: never resent");
});

test("a bad --forward-otlp URL is refused at start", async (t) => {
  await assert.rejects(collector(t, { forwardOtlp: { endpoint: "ftp://example" } }), /endpoint/);
});

test("--forward-otlp takes a base URL (gets /v1/traces) or a full traces URL; AGENTLENS_FORWARD_OTLP too", async () => {
  const { resolveCollector } = await import("../dist/cli/config.js");
  assert.equal(resolveCollector({}, { forwardOtlp: "http://127.0.0.1:4318" }).config.forwardOtlp, "http://127.0.0.1:4318/v1/traces");
  assert.equal(resolveCollector({}, { forwardOtlp: "https://otel.example/api/traces" }).config.forwardOtlp, "https://otel.example/api/traces");
  const env = resolveCollector({ AGENTLENS_FORWARD_OTLP: "http://10.0.0.5:4318/", AGENTLENS_FORWARD_CONTENT: "yes" });
  assert.deepEqual([env.config.forwardOtlp, env.config.forwardContent, env.sources.forwardOtlp], ["http://10.0.0.5:4318/v1/traces", true, "env"]);
  assert.throws(() => resolveCollector({}, { forwardOtlp: "collector:4318" }), /--forward-otlp must be an http or https URL/);
  assert.equal(resolveCollector({}, {}).config.forwardOtlp, undefined);
});
