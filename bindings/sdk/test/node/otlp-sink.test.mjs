// The OTLP sink's plumbing, end to end: a custom exporter of format "otlp" gets request
// bodies the Rust core encoded (protobuf or JSON), which the official OTLP schema decodes
// (otlp-official-schema: protobufjs code generated from opentelemetry-proto); a partial
// success in the response body is counted in stats() and its message logged once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { init } from "@agentlens/sdk";

const require = createRequire(import.meta.url);
const root = require("otlp-official-schema/build/src/generated/root.js");
const { ExportTraceServiceRequest, ExportTraceServiceResponse } = root.opentelemetry.proto.collector.trace.v1;

const SECRET = "reach me at bob@example.com";
const hex = (bytes) => Buffer.from(bytes).toString("hex");

/** An OTLP exporter that keeps each body and answers `answer(n)` to the n-th request. */
function otlpCapture(otlp, answer = () => ({ status: 200 })) {
  const bodies = [];
  let n = 0;
  return {
    bodies,
    exporter: { name: "otlp-capture", format: "otlp", otlp, send: async (r) => (bodies.push(r.body.slice()), answer(n++)) },
  };
}

async function traceOneRun(exporters, extra = {}) {
  const logs = [];
  const tracker = init({ exporters, batchSize: 100, logger: (level, msg) => logs.push([level, msg]), ...extra });
  tracker.startSession({ agentName: "planner", sessionId: "sess-otlp" });
  await tracker.run("plan", async (ctx) => {
    ctx.llm({ model: "gpt-4o", prompt: SECRET, response: "ok", tokensIn: 12, tokensOut: 3, cachedInputTokens: 2 });
    ctx.tool({ toolName: "search", toolArgs: { q: "x" }, toolResult: { hits: 1 } });
  });
  await tracker.endSession("sess-otlp");
  await tracker.flush();
  return { tracker, logs };
}

const attr = (span, key) => {
  const kv = span.attributes.find((a) => a.key === key);
  if (!kv) return undefined;
  const v = kv.value;
  return v.stringValue ?? (v.intValue != null ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue;
};

test("protobuf: the core's bodies decode with the official schema, one span per ended thing", async () => {
  const cap = otlpCapture({ serviceName: "svc-a", resourceAttributes: { "deployment.environment": "test", shard: 3 }, sdkVersion: "9.9.9" });
  const { tracker } = await traceOneRun([cap.exporter]);
  assert.ok(cap.bodies.length >= 1);
  const spans = [];
  for (const body of cap.bodies) {
    const req = ExportTraceServiceRequest.decode(body);
    assert.equal(req.resourceSpans.length, 1);
    const rs = req.resourceSpans[0];
    const res = Object.fromEntries(rs.resource.attributes.map((a) => [a.key, a.value.stringValue ?? Number(a.value.intValue)]));
    assert.equal(res["service.name"], "svc-a");
    assert.equal(res["telemetry.sdk.name"], "agentlens");
    assert.equal(res["telemetry.sdk.version"], "9.9.9");
    assert.equal(res["deployment.environment"], "test");
    assert.equal(res.shard, 3);
    assert.equal(rs.scopeSpans[0].scope.name, "agentlens");
    assert.equal(rs.scopeSpans[0].schemaUrl, "https://opentelemetry.io/schemas/gen-ai/1.42.0");
    spans.push(...rs.scopeSpans[0].spans);
  }
  const names = spans.map((s) => s.name);
  assert.deepEqual(names, ["chat gpt-4o", "execute_tool search", "invoke_agent plan", "invoke_agent planner"]);
  const [llm, tool, run, session] = spans;
  const traceIds = new Set(spans.map((s) => hex(s.traceId)));
  assert.equal(traceIds.size, 1, "one session, one trace");
  assert.equal(hex(session.parentSpanId ?? []), "", "the session span is the root");
  assert.equal(hex(run.parentSpanId), hex(session.spanId));
  assert.equal(hex(llm.parentSpanId), hex(run.spanId));
  assert.equal(llm.kind, 3, "CLIENT");
  assert.equal(attr(llm, "gen_ai.provider.name"), "openai");
  assert.equal(attr(llm, "gen_ai.usage.input_tokens"), 12);
  assert.equal(attr(llm, "gen_ai.usage.cache_read.input_tokens"), 2);
  assert.equal(attr(llm, "gen_ai.input.messages"), undefined, "content is off by default");
  assert.equal(attr(tool, "gen_ai.tool.name"), "search");
  assert.equal(attr(session, "agentlens.span.kind"), "session");
  assert.ok(Number(session.endTimeUnixNano) >= Number(session.startTimeUnixNano));
  const st = tracker.stats();
  assert.equal(st.perExporter[0].format, "otlp");
  assert.equal(st.perExporter[0].delivered, 4, "four spans: two events, the run, the session");
  assert.equal(st.partialRejected, 0);
  await tracker.shutdown(1000);
});

test("JSON with content capture: hex ids, redacted content in the message shape", async () => {
  const cap = otlpCapture({ protocol: "http/json", captureContent: true });
  const { tracker } = await traceOneRun([cap.exporter]);
  const docs = cap.bodies.map((b) => JSON.parse(new TextDecoder().decode(b)));
  const spans = docs.flatMap((d) => d.resourceSpans[0].scopeSpans[0].spans);
  const llm = spans.find((s) => s.name === "chat gpt-4o");
  assert.match(llm.traceId, /^[0-9a-f]{32}$/);
  assert.match(llm.spanId, /^[0-9a-f]{16}$/);
  assert.equal(typeof llm.startTimeUnixNano, "string");
  assert.equal(llm.kind, 3);
  const input = JSON.parse(llm.attributes.find((a) => a.key === "gen_ai.input.messages").value.stringValue);
  assert.equal(input[0].role, "user");
  assert.equal(input[0].parts[0].type, "text");
  assert.ok(!input[0].parts[0].content.includes("bob@example.com"), "redacted before encoding");
  for (const b of cap.bodies) assert.ok(!Buffer.from(b).toString().includes("bob@example.com"));
  await tracker.shutdown(1000);
});

test("a partial success is final, counted and explained once; bad specs name the field", async () => {
  const response = ExportTraceServiceResponse.encode({ partialSuccess: { rejectedSpans: 1, errorMessage: "span too old" } }).finish();
  const cap = otlpCapture({}, () => ({ status: 200, body: response }));
  const { tracker, logs } = await traceOneRun([cap.exporter]);
  const s = tracker.stats().perExporter[0];
  assert.equal(s.partialRejected, 1);
  assert.equal(s.dropped.rejected, 1);
  assert.equal(s.delivered, 3);
  assert.equal(s.tracked, s.delivered + s.dropped.rejected + s.pending + s.sampledOut);
  assert.equal(tracker.stats().partialRejected, 1);
  assert.equal(logs.filter(([level, m]) => level === "warn" && m.includes("span too old")).length, 1);
  await tracker.shutdown(1000);

  const bad = { name: "bad", format: "otlp", otlp: { protocol: "grpc" }, send: async () => ({ status: 200 }) };
  assert.throws(() => init({ exporters: [bad], logger: () => {} }), (e) => e.name === "AgentLensConfigError" && /protocol/.test(e.message));
});
