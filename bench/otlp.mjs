// OTLP export benchmark: CPU per event from the agent's call to OTLP protobuf bytes.
//   node bench/otlp.mjs            (part of `npm run bench`)
//
// - AgentLens: tracker.track() → the wasm core (redaction on, its defaults) → the OTLP
//   encoder → request bodies handed to an in-memory exporter that counts bytes (format
//   "otlp", the spec of createOtlpExporter).
// - OpenTelemetry JS (sdk-trace-base + BatchSpanProcessor): tracer.startSpan(...) + end()
//   → its ProtobufTraceSerializer (@opentelemetry/otlp-transformer) in an in-memory
//   exporter that counts bytes.
// - For reference, the same AgentLens pipeline to its own wire format ("agentlens"
//   bodies, the HTTP exporter's): what the OTLP encoding adds over it.
// Same data on both sides: the OpenTelemetry spans get exactly the name, kind, parent and
// attributes (keys and values, read back from one of our own bodies with the official
// schema) that our encoder writes for these events. Each side hands its batches off
// (no span kept), every span must reach the exporter (checked), the queue is large enough
// that nothing is dropped. CPU is process.cpuUsage (user + system) over the whole timed
// region, flush included; the sides alternate, after a warm-up round, and the median of
// the rounds is reported. Machines are noisy: read the ratio (same run).
import { createRequire } from "node:module";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import * as agentlens from "@agentlens/sdk";

const require = createRequire(import.meta.url);
const official = require("otlp-official-schema/build/src/generated/root.js").opentelemetry.proto;
const ExportTraceServiceRequest = official.collector.trace.v1.ExportTraceServiceRequest;

const N = Number(process.env.OTLP_BENCH_EVENTS ?? 20_000);
const ROUNDS = Number(process.env.OTLP_BENCH_ROUNDS ?? 7);
const SESSION = "5f0c2a9e8b7d6c41";
const PROMPT = "You are a travel agent. The user asks: find me the cheapest flight from San Francisco to New York next Tuesday, window seat, no red-eye, and keep it under four hundred dollars if you can. Reply to jane.doe@example.com. Prior context: the user prefers United and has status with them. ";
const RESPONSE = "I compared 14 fares for Tuesday. The cheapest option that meets every constraint is United UA 1532 departing SFO at 8:05 and arriving JFK at 16:41 for $318 in economy with a window seat available (row 23A). Alaska AS 22 is $297 but departs at 22:50, which is a red-eye. ";
const BIG = { batchSize: 500, maxBufferEvents: 1_000_000, maxBufferBytes: 1 << 30, logLevel: "silent" };
const EMPTY = new Uint8Array(0);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
function cpuMs(u0) {
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000;
}
const ourEvent = (i) => ({
  eventType: "llm_call",
  sessionId: SESSION,
  model: "gpt-4o",
  inputData: { prompt: PROMPT },
  outputData: { response: RESPONSE },
  tokensIn: 1200 + (i & 7),
  tokensOut: 45,
  cachedInputTokens: 1000,
  durationMs: 812.5,
});

/** A counting exporter (OTLP with createOtlpExporter's spec, or the AgentLens wire): bodies are counted, never sent. */
function countingExporter(captureContent, format = "otlp") {
  const spec = agentlens.createOtlpExporter({ captureContent, serviceName: "bench-agent" });
  const counter = { bytes: 0, events: 0, bodies: [] };
  const exporter = {
    name: `${format}-bytes`,
    format,
    ...(format === "otlp" ? { otlp: spec.otlp } : {}),
    send: async (r) => {
      counter.bytes += r.body.byteLength;
      counter.events += r.events;
      if (counter.keep) counter.bodies.push(r.body);
      return { status: 200, body: EMPTY };
    },
  };
  return { exporter, counter };
}

/** One of our chat spans as the official schema reads it: the template for the peer. */
async function template(captureContent) {
  const { exporter, counter } = countingExporter(captureContent);
  counter.keep = true;
  const tracker = agentlens.init({ exporters: [exporter], ...BIG });
  tracker.startSession({ agentName: "bench", sessionId: SESSION });
  tracker.track(ourEvent(0));
  await tracker.flush();
  await tracker.shutdown(1000);
  for (const body of counter.bodies) {
    for (const rs of ExportTraceServiceRequest.decode(body).resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          if (!s.name.startsWith("chat")) continue;
          const attributes = {};
          for (const kv of s.attributes) {
            const v = kv.value;
            attributes[kv.key] = v.stringValue ?? v.boolValue ?? (v.intValue != null ? Number(v.intValue.toString()) : v.doubleValue);
          }
          const resource = {};
          for (const kv of rs.resource.attributes) resource[kv.key] = kv.value.stringValue ?? kv.value.boolValue;
          return { name: s.name, kind: s.kind, parent: Buffer.from(s.parentSpanId).toString("hex"), trace: Buffer.from(s.traceId).toString("hex"), attributes, resource, scope: ss.scope };
        }
      }
    }
  }
  throw new Error("no chat span in our body");
}

/** AgentLens: N events tracked and flushed; CPU ms, and the bytes and events the exporter got. */
async function ours(captureContent, format = "otlp") {
  const { exporter, counter } = countingExporter(captureContent, format);
  const tracker = agentlens.init({ exporters: [exporter], ...BIG });
  tracker.startSession({ agentName: "bench", sessionId: SESSION });
  await tracker.flush();
  const base = counter.events;
  const bytes0 = counter.bytes;
  const u0 = process.cpuUsage();
  for (let i = 0; i < N; i++) tracker.track(ourEvent(i));
  await tracker.flush();
  const cpu = cpuMs(u0);
  const delivered = counter.events - base;
  await tracker.shutdown(1000);
  if (delivered !== N) throw new Error(`ours: ${delivered} of ${N} events reached the exporter`);
  return { cpu, bytes: counter.bytes - bytes0 };
}

/** OpenTelemetry JS: N spans with the template's name, kind, parent and attributes, serialised by its protobuf serialiser. */
async function peer(t) {
  const counter = { bytes: 0, spans: 0 };
  const exporter = {
    export(spans, done) {
      const body = ProtobufTraceSerializer.serializeRequest(spans);
      counter.bytes += body.byteLength;
      counter.spans += spans.length;
      done({ code: 0 });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize: N * 2, maxExportBatchSize: 500, scheduledDelayMillis: 5000 });
  const provider = new BasicTracerProvider({ spanProcessors: [processor], resource: resourceFromAttributes(t.resource) });
  const tracer = provider.getTracer(t.scope.name || "agentlens", t.scope.version || undefined);
  const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: t.trace, spanId: t.parent, traceFlags: TraceFlags.SAMPLED, isRemote: false });
  const kind = t.kind === 3 ? SpanKind.CLIENT : SpanKind.INTERNAL;
  const ids = Array.from({ length: 1024 }, (_, i) => (0x1000000000000000n + BigInt(i) * 7919n).toString(16));
  const u0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    // The same keys and values as our span; the per-event ones vary as ours do.
    const attributes = { ...t.attributes, "agentlens.event.id": ids[i & 1023], "gen_ai.usage.input_tokens": 1200 + (i & 7) };
    const start = Date.now();
    const span = tracer.startSpan(t.name, { kind, attributes, startTime: start }, parent);
    span.end(start + 812.5);
  }
  await provider.forceFlush();
  const cpu = cpuMs(u0);
  await provider.shutdown();
  if (counter.spans !== N) throw new Error(`OpenTelemetry: ${counter.spans} of ${N} spans reached the exporter`);
  return { cpu, bytes: counter.bytes };
}

const results = { node: process.version, events: N, rounds: ROUNDS };
for (const captureContent of [false, true]) {
  const t = await template(captureContent);
  const key = captureContent ? "content" : "noContent";
  // Warm-up round, discarded; then the three measurements in a rotating order.
  const sides = [() => ours(captureContent), () => peer(t), () => ours(captureContent, "agentlens")];
  for (const side of sides) await side();
  const cpu = [[], [], []];
  const bytes = [0, 0, 0];
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < 3; k++) {
      const i = (r + k) % 3;
      const m = await sides[i]();
      cpu[i].push((m.cpu * 1000) / N);
      bytes[i] = m.bytes;
    }
  }
  const [ourUs, peerUs, wireUs] = cpu.map(median);
  results[key] = {
    attributes: Object.keys(t.attributes).length,
    agentlensUsPerEvent: +ourUs.toFixed(2),
    otelUsPerSpan: +peerUs.toFixed(2),
    ratio: +(ourUs / peerUs).toFixed(3),
    agentlensWireUsPerEvent: +wireUs.toFixed(2),
    otlpOverWire: +(ourUs / wireUs).toFixed(3),
    agentlensBytesPerEvent: +(bytes[0] / N).toFixed(1),
    otelBytesPerSpan: +(bytes[1] / N).toFixed(1),
    agentlensRoundsUs: cpu[0].map((x) => +x.toFixed(2)),
    otelRoundsUs: cpu[1].map((x) => +x.toFixed(2)),
  };
}

console.log(`AgentLens OTLP benchmark — Node ${process.version}, ${N} events × ${ROUNDS} rounds, median CPU per event`);
for (const [key, label] of [["noContent", "content off (default)"], ["content", "captureContent: true"]]) {
  const r = results[key];
  console.log(`${label}: ${r.attributes} attributes per span`);
  console.log(`  AgentLens track → redact → OTLP protobuf  ${String(r.agentlensUsPerEvent).padStart(7)} µs/event  ${r.agentlensBytesPerEvent} B/event`);
  console.log(`  OpenTelemetry span → BSP → protobuf        ${String(r.otelUsPerSpan).padStart(7)} µs/span   ${r.otelBytesPerSpan} B/span`);
  console.log(`  ratio (AgentLens / OpenTelemetry)          ${String(r.ratio).padStart(7)}`);
  console.log(`  reference: AgentLens to its own wire format ${String(r.agentlensWireUsPerEvent).padStart(6)} µs/event  (OTLP / wire ${r.otlpOverWire})`);
}
console.log(JSON.stringify(results));
