// Decode+ingest throughput of OTLP/HTTP bodies, protobuf vs JSON, for the same spans,
// through the collector's path (the analysis wasm's IngestorWasm.ingestOtlp: decode,
// map spans to events, redact, normalise, encode the records to store).
//
//   node bench/otlp-ingest.mjs [spans=2000] [rounds=20]
//
// Bodies are made by the official schema's protobufjs encoder (otlp-official-schema) and
// the OTLP JSON encoding, from GenAI spans like tests/fixtures/otlp_proto/genai.*.
import { createRequire } from "node:module";
import "@agentlens/sdk/analysis"; // loads the analysis wasm
import { createIngestor } from "@agentlens/sdk/internal";

const require = createRequire(import.meta.url);
const Request = require("otlp-official-schema/build/src/generated/root.js").opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const SPANS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 20);
const T0 = 1_767_000_000_000_000_000n;
const hex = (n, width) => n.toString(16).padStart(width, "0");
const u64 = (n) => ({ low: Number(n & 0xffffffffn) | 0, high: Number(n >> 32n) | 0, unsigned: true });

const kv = (key, v) => ({ key, value: typeof v === "string" ? { stringValue: v } : { intValue: v } });
const jkv = (key, v) => ({ key, value: typeof v === "string" ? { stringValue: v } : { intValue: String(v) } });

function spans(json) {
  const out = [];
  for (let i = 0; i < SPANS; i++) {
    const trace = hex(BigInt(Math.floor(i / 50) + 1), 32);
    const root = i % 50 === 0;
    const id = hex(BigInt(i + 1), 16);
    const parent = hex(BigInt(Math.floor(i / 50) * 50 + 1), 16);
    const op = root ? "invoke_agent" : i % 3 === 0 ? "execute_tool" : "chat";
    const attrs = [["gen_ai.operation.name", op], ["gen_ai.conversation.id", `conv-${Math.floor(i / 50)}`]];
    if (op === "chat") attrs.push(["gen_ai.request.model", "gpt-4o"], ["gen_ai.provider.name", "openai"], ["gen_ai.usage.input_tokens", 1200 + i], ["gen_ai.usage.output_tokens", 300], ["gen_ai.usage.cache_read.input_tokens", 1000]);
    if (op === "execute_tool") attrs.push(["gen_ai.tool.name", "search"], ["gen_ai.tool.call.id", `call_${i}`]);
    if (op === "invoke_agent") attrs.push(["gen_ai.agent.name", "planner"]);
    const start = T0 + BigInt(i) * 1_000_000n;
    const end = start + 500_000n;
    const s = { name: `${op} x`, kind: 1, status: {} };
    if (json) {
      Object.assign(s, { traceId: trace, spanId: id, startTimeUnixNano: String(start), endTimeUnixNano: String(end), attributes: attrs.map(([k, v]) => jkv(k, v)) });
      if (!root) s.parentSpanId = parent;
    } else {
      Object.assign(s, { traceId: Buffer.from(trace, "hex"), spanId: Buffer.from(id, "hex"), startTimeUnixNano: u64(start), endTimeUnixNano: u64(end), attributes: attrs.map(([k, v]) => kv(k, v)) });
      if (!root) s.parentSpanId = Buffer.from(parent, "hex");
    }
    out.push(s);
  }
  return { resourceSpans: [{ resource: { attributes: [kv("service.name", "bench")] }, scopeSpans: [{ scope: { name: "bench" }, spans: out }] }] };
}

const pb = Request.encode(Request.fromObject(spans(false))).finish();
const js = new TextEncoder().encode(JSON.stringify(spans(true)));
const ingestor = createIngestor({}, false);

function time(encoding, bytes) {
  let records = 0;
  for (let i = 0; i < 3; i++) records = ingestor.ingestOtlp(encoding, bytes, Date.now(), 1e9).records.length; // warm-up
  const t = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) ingestor.ingestOtlp(encoding, bytes, Date.now(), 1e9);
  const ms = Number(process.hrtime.bigint() - t) / 1e6 / ROUNDS;
  return { encoding, bytes: bytes.length, records, msPerRequest: +ms.toFixed(2), spansPerSecond: Math.round((SPANS / ms) * 1000), mbPerSecond: +((bytes.length / ms) / 1000).toFixed(1) };
}

console.table([time("protobuf", pb), time("json", js)]);
ingestor.free();
