// AgentLens benchmark: our track() and pipeline against OpenTelemetry JS, in one process.
//   npm run bench
// Prints a table, then one JSON line with every figure. A benchmark, not a test: these
// machines are noisy, so read the ratios (measured in the same run), not the absolutes.
import { performance } from "node:perf_hooks";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { corpus } from "./corpus.mjs";

const t0 = performance.now();
const agentlens = await import("@agentlens/sdk");
const importMs = performance.now() - t0;

const PROMPT = "You are a travel agent. The user asks: find me the cheapest flight from San Francisco to New York next Tuesday, window seat, no red-eye, and keep it under four hundred dollars if you can. Think step by step and cite the fares you compared. Prior context: the user prefers United and has status with them. ";
const RESPONSE = "I compared 14 fares for Tuesday. The cheapest option that meets every constraint is United UA 1532 departing SFO at 8:05 and arriving JFK at 16:41 for $318 in economy with a window seat available (row 23A). Alaska AS 22 is $297 but departs at 22:50, which is a red-eye, so I excluded it. ";
const SESSION = "5f0c2a9e8b7d6c41";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median ns per op over `samples` timed batches of `batch` calls. */
function perOp(fn, { batch = 1000, samples = 200, warmup = 20 } = {}) {
  for (let i = 0; i < warmup * batch; i++) fn(i);
  const out = [];
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn(i);
    out.push(((performance.now() - start) * 1e6) / batch);
  }
  return median(out);
}

// --- OpenTelemetry peer ------------------------------------------------------------
function otelSetup(exporter, maxQueueSize) {
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize, maxExportBatchSize: 512, scheduledDelayMillis: 5000 });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  return { provider, tracer: provider.getTracer("bench", "1.0.0") };
}
function otelSpan(tracer, i) {
  const span = tracer.startSpan("chat gpt-4o", {
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.conversation.id": SESSION,
      "gen_ai.input.messages": PROMPT,
      "gen_ai.output.messages": RESPONSE,
      "gen_ai.usage.input_tokens": 120 + (i & 7),
      "gen_ai.usage.output_tokens": 45,
      "agentlens.duration_ms": 812.5,
    },
  });
  span.end();
}
let otelExported = 0;
const noopOtelExporter = { export: (spans, cb) => { otelExported += spans.length; cb({ code: 0 }); }, shutdown: async () => {}, forceFlush: async () => {} };

// --- AgentLens ---------------------------------------------------------------------
let ourDelivered = 0;
const noopExporter = { name: "noop", format: "agentlens", send: async (r) => { ourDelivered += r.events; return { status: 200 }; } };
function ourEvent(i) {
  return {
    eventType: "llm_call",
    sessionId: SESSION,
    model: "gpt-4o",
    inputData: { prompt: PROMPT },
    outputData: { response: RESPONSE },
    tokensIn: 120 + (i & 7),
    tokensOut: 45,
    durationMs: 812.5,
  };
}

const results = {};
const rows = [];
const row = (name, value, unit, note = "") => rows.push([name, value, unit, note]);

// 1. wasm instantiate + init (in this process, after the bench's own imports: the fresh
// process figures are bench/cold-start.mjs's)
{
  const init0 = performance.now();
  const tracker = agentlens.init({ exporters: [noopExporter], batchSize: 500, maxBufferEvents: 1_000_000, maxBufferBytes: 1 << 30 });
  results.initMs = +(performance.now() - init0).toFixed(2);
  results.importAndInstantiateMs = +importMs.toFixed(2);
  row("import + wasm instantiate (warm process)", results.importAndInstantiateMs, "ms", "fresh process: bench/cold-start.mjs");
  row("init() (warm process)", results.initMs, "ms");
  await tracker.shutdown(1000);
}

// 2. Caller cost: what track() costs the agent synchronously. A real agent records a few
// events per turn and the batch work runs at the turn's end, so each sample is 100 calls
// (below the 512-event staging bound) and the drain runs between samples, untimed. The
// peer is OpenTelemetry's startSpan + end with the same attributes, 100 per sample, its
// BatchSpanProcessor's export left to its timer as ours is left to the turn's end.
const CALLS = 100;
async function callerCost(fn, drain, samples = 400) {
  const out = [];
  for (let s = 0; s < samples + 40; s++) {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) fn(s * CALLS + i);
    const ns = ((performance.now() - start) * 1e6) / CALLS;
    if (s >= 40) out.push(ns);
    await drain();
  }
  return median(out);
}
{
  ourDelivered = 0;
  const tracker = agentlens.init({ exporters: [noopExporter], batchSize: 500, maxBufferEvents: 1_000_000, maxBufferBytes: 1 << 30 });
  tracker.startSession({ agentName: "bench", sessionId: SESSION });
  const { provider, tracer } = otelSetup(noopOtelExporter, 2_000_000);
  const turnEnd = () => new Promise((r) => setImmediate(r));
  // Interleaved rounds, so that the machine's noise falls on both.
  const ours = [];
  const theirs = [];
  for (let round = 0; round < 5; round++) {
    ours.push(await callerCost((i) => tracker.track(ourEvent(i)), async () => { await turnEnd(); }));
    theirs.push(await callerCost((i) => otelSpan(tracer, i), async () => { await turnEnd(); }));
  }
  await tracker.flush();
  await tracker.shutdown(1000);
  await provider.forceFlush();
  await provider.shutdown();
  results.trackCallerNs = Math.round(median(ours));
  results.otelSpanCallerNs = Math.round(median(theirs));
  results.trackCallerVsOtel = +(results.trackCallerNs / results.otelSpanCallerNs).toFixed(3);
  results.trackCallerTarget = 0.5;
}
// 3. the floor
{
  let sink = [];
  results.floorNs = Math.round(perOp((i) => {
    sink.push(ourEvent(i));
    if (sink.length === 1000) sink = [];
  }));
}
row("track() caller cost, LLM event", results.trackCallerNs, "ns/call", `median; ${CALLS} calls per turn, drained between turns`);
row("OpenTelemetry startSpan + end, same attributes", results.otelSpanCallerNs, "ns/span", "median; 100 per turn, BatchSpanProcessor");
row("track() caller cost / OpenTelemetry span", results.trackCallerVsOtel, "ratio", "target ≤ 0.5");
row("floor: build object + push", results.floorNs, "ns/event");

// 4. Total CPU to bytes per event: track → redact → encode → batch → request body (our
// own wire, the default exporter's), against what an OpenTelemetry user pays: span +
// BatchSpanProcessor + its own OTLP serialiser (protobuf, and JSON) of the same data.
// Both sides hand bodies to an exporter that counts bytes; CPU over the whole run,
// flush included; sides alternate after a warm-up round; median of the rounds.
const N = 50_000;
const ROUNDS = 5;
async function ourPipeline(exporterCount = 1) {
  let bytes = 0;
  let events = 0;
  const counting = { name: "bytes", format: "agentlens", send: async (r) => { bytes += r.body.byteLength; events += r.events; return { status: 200 }; } };
  const exporters = exporterCount === 1 ? [counting] : [counting, { ...counting, name: "lines", format: "ndjson" }];
  const tracker = agentlens.init({ exporters, batchSize: 500, maxBufferEvents: 1_000_000, maxBufferBytes: 1 << 30 });
  tracker.startSession({ agentName: "bench", sessionId: SESSION });
  await tracker.flush();
  const e0 = events;
  const b0 = bytes;
  const u0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < N; i++) tracker.track(ourEvent(i));
  await tracker.flush();
  const wall = performance.now() - w0;
  const u = process.cpuUsage(u0);
  await tracker.shutdown(1000);
  if (events - e0 !== N * exporterCount) throw new Error(`ours: ${events - e0} of ${N * exporterCount} events delivered`);
  return { cpuNs: ((u.user + u.system) * 1000) / N, bytes: (bytes - b0) / N, perSec: N / (wall / 1000) };
}
async function otelPipeline(serializer) {
  let bytes = 0;
  let spans = 0;
  const exporter = {
    export(batch, done) {
      bytes += serializer.serializeRequest(batch).byteLength;
      spans += batch.length;
      done({ code: 0 });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  const { provider, tracer } = otelSetup(exporter, 2_000_000);
  const u0 = process.cpuUsage();
  for (let i = 0; i < N; i++) otelSpan(tracer, i);
  await provider.forceFlush();
  const u = process.cpuUsage(u0);
  await provider.shutdown();
  if (spans !== N) throw new Error(`OpenTelemetry: ${spans} of ${N} spans exported`);
  return { cpuNs: ((u.user + u.system) * 1000) / N, bytes: bytes / N };
}
{
  const sides = [() => ourPipeline(), () => otelPipeline(ProtobufTraceSerializer), () => otelPipeline(JsonTraceSerializer)];
  for (const side of sides) await side();
  const got = sides.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (r + k) % sides.length;
      got[i].push(await sides[i]());
    }
  }
  const med = (xs, f) => median(xs.map((x) => x[f]));
  results.pipelineCpuNsPerEvent = Math.round(med(got[0], "cpuNs"));
  results.pipelineBytesPerEvent = Math.round(med(got[0], "bytes"));
  results.pipelineEventsPerSec = Math.round(med(got[0], "perSec"));
  results.otelProtobufCpuNsPerSpan = Math.round(med(got[1], "cpuNs"));
  results.otelProtobufBytesPerSpan = Math.round(med(got[1], "bytes"));
  results.otelJsonCpuNsPerSpan = Math.round(med(got[2], "cpuNs"));
  results.otelJsonBytesPerSpan = Math.round(med(got[2], "bytes"));
  results.pipelineCpuVsOtel = +(results.pipelineCpuNsPerEvent / results.otelProtobufCpuNsPerSpan).toFixed(3);
  results.pipelineCpuVsOtelJson = +(results.pipelineCpuNsPerEvent / results.otelJsonCpuNsPerSpan).toFixed(3);
  results.pipelineCpuTarget = 1.0;
}
row("pipeline CPU per event to bytes (AgentLens wire)", results.pipelineCpuNsPerEvent, "ns", `track → redact → encode → batch; ${results.pipelineBytesPerEvent} B/event; ${results.pipelineEventsPerSec} events/s`);
row("OpenTelemetry span + BSP + OTLP protobuf", results.otelProtobufCpuNsPerSpan, "ns", `${results.otelProtobufBytesPerSpan} B/span`);
row("OpenTelemetry span + BSP + OTLP JSON", results.otelJsonCpuNsPerSpan, "ns", `${results.otelJsonBytesPerSpan} B/span`);
row("pipeline CPU / OpenTelemetry (protobuf)", results.pipelineCpuVsOtel, "ratio", `target ≤ 1.0 (JSON: ${results.pipelineCpuVsOtelJson})`);

// 5b. the same with two exporters (AgentLens bodies and NDJSON lines): redaction runs once
// per event, so the second exporter costs its encoding and batching only. Interleaved
// with the one-exporter run, median of the rounds.
{
  const one = [];
  const two = [];
  for (let r = 0; r < ROUNDS; r++) {
    one.push((await ourPipeline(1)).cpuNs);
    two.push((await ourPipeline(2)).cpuNs);
  }
  results.pipelineTwoExportersCpuNsPerEvent = Math.round(median(two));
  results.pipelineTwoExportersVsOne = +(median(two) / median(one)).toFixed(3);
}
row("pipeline CPU per event, two exporters", results.pipelineTwoExportersCpuNsPerEvent, "ns", `${results.pipelineTwoExportersVsOne}× one exporter (same rounds)`);

// 5c. crossings into wasm per tracked event (counted on a separate run: counting costs time).
{
  const { countPipelineCalls, totalCalls } = await import("../bindings/sdk/test/support/wasm-calls.mjs");
  const M = 10_000;
  for (const exporters of [[noopExporter], [noopExporter, { ...noopExporter, name: "noop-ndjson", format: "ndjson" }]]) {
    const tracker = agentlens.init({ exporters, batchSize: 500, maxBufferEvents: 1_000_000, maxBufferBytes: 1 << 30 });
    const calls = await countPipelineCalls(async () => {
      tracker.startSession({ agentName: "bench", sessionId: SESSION });
      for (let i = 0; i < M; i++) {
        tracker.track(ourEvent(i));
        if (i % 100 === 99) await Promise.resolve(); // a drain per 100 events, as an agent's turns would give
      }
      await tracker.flush();
    });
    const total = totalCalls(calls);
    const key = exporters.length === 1 ? "wasmCallsPerEventOneExporter" : "wasmCallsPerEventTwoExporters";
    results[key] = +(total / M).toFixed(4);
    results[`${key}ByMethod`] = Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, +(v / M).toFixed(4)]));
    await tracker.shutdown(1000);
  }
  row("wasm calls per tracked event, one exporter", results.wasmCallsPerEventOneExporter, "calls", JSON.stringify(results.wasmCallsPerEventOneExporterByMethod));
  row("wasm calls per tracked event, two exporters", results.wasmCallsPerEventTwoExporters, "calls", JSON.stringify(results.wasmCallsPerEventTwoExportersByMethod));
}

// 6. redaction: the default rules inside wasm against the same rules as JS regexes
// (bench/redact-js.mjs: byte-identical output), 1 MiB corpus, rounds interleaved. The call
// through createRedactor() carries the text into wasm and back (UTF-16 → UTF-8 → UTF-16);
// a redactor with no rules measures that crossing alone, and what is left is the
// redaction inside wasm, which is what the pipeline pays (its text is already inside).
{
  const { jsDefaultRedact, timeRedactors } = await import("./redact-js.mjs");
  const text = corpus();
  const ours = agentlens.createRedactor({});
  const crossing = agentlens.createRedactor({ replaceDefaultPatterns: true, redactPatterns: [], redactKeys: [] });
  // Three user patterns beside the defaults: they run in the regex engine's own wasm, each
  // string handed over as a pointer into the SDK module's memory (DESIGN.md).
  const user = agentlens.createRedactor({ redactPatterns: [
    { name: "order", regex: "order #[0-9]+" },
    { name: "ticket", regex: "TICKET-[0-9]{6}" },
    { name: "total", regex: "(?i-u:total)[ =:]+(?P<v>[a-z]+)" },
  ] });
  const timed = timeRedactors({ js: jsDefaultRedact, wasm: ours, crossing, user }, text, 15);
  if (timed.crossing.output !== text) throw new Error("the rule-less redactor changed the text");
  const inside = 1 / (1 / timed.wasm.mibPerSec - 1 / timed.crossing.mibPerSec);
  results.redactJsMiBps = timed.js.mibPerSec;
  results.redactCallMiBps = timed.wasm.mibPerSec;
  results.redactCrossingMiBps = timed.crossing.mibPerSec;
  results.redactWasmMiBps = +inside.toFixed(1);
  results.redactRatio = +(inside / timed.js.mibPerSec).toFixed(2);
  results.redactCallRatio = +(timed.wasm.mibPerSec / timed.js.mibPerSec).toFixed(2);
  results.redactTarget = 3;
  const count = (s) => (s.match(/\[REDACTED\]/g) ?? []).length;
  results.redactMatchesJs = count(timed.js.output);
  results.redactMatchesWasm = count(timed.wasm.output);
  results.redactSameSpans = timed.js.output === timed.wasm.output;
  row("redaction, the 8 default rules as JS regexes", results.redactJsMiBps, "MiB/s");
  row("redaction inside wasm (the pipeline's cost)", results.redactWasmMiBps, "MiB/s", `${results.redactRatio}× JS; target ≥ 3×`);
  row("createRedactor() call, text crossing included", results.redactCallMiBps, "MiB/s", `${results.redactCallRatio}× JS; the crossing alone ${results.redactCrossingMiBps} MiB/s`);
  row("both redact the same spans", results.redactSameSpans ? "yes" : "no", "", `${results.redactMatchesJs} vs ${results.redactMatchesWasm} markers`);
  results.redactUserPatternsCallMiBps = timed.user.mibPerSec;
  row("createRedactor() call, 3 user patterns too", results.redactUserPatternsCallMiBps, "MiB/s", `${count(timed.user.output)} markers; the patterns in the regex engine's own wasm`);
}

// 7. analysis engines through the analysis wasm (@agentlens/sdk/analysis): the strict
// compliance preset and drift over 10,000 sessions × 50 events. Two ways in: one call per
// session from JS arrays (each call stringifies and parses its events), and a session set
// read once from the trace file's bytes (NDJSON, as the viewer and collector hold it),
// then compliance over every session and drift of the first 5,000 against the last 5,000
// inside wasm. Then the SDK's explain() of one 10,000-event session.
{
  const analysis = await import("@agentlens/sdk/analysis");
  const SESSIONS = 10_000;
  const PER = 50;
  const tools = ["search", "calculator", "browser", "code_exec"];
  const sessions = Array.from({ length: SESSIONS }, (_, s) =>
    Array.from({ length: PER }, (_, i) => {
      const t = new Date(Date.UTC(2026, 0, 5, 10, 0, 0) + s * 60_000 + i * 500).toISOString();
      const base = { session_id: `s${s}`, timestamp: t, duration_ms: 100 + ((s * 7 + i * 13) % 400) };
      if (i % 10 === 3) return { ...base, event_type: "tool_call", tool_call: { tool_name: tools[(s + i) % 4], tool_input: { q: "x" } } };
      if (i % 25 === 7 && s % 3 === 0) return { ...base, event_type: "error", error: { error_type: "Timeout", message: "slow" } };
      return { ...base, event_type: "llm_call", model: s % 2 ? "gpt-4o" : "claude-3-5-sonnet", tokens_in: 200 + (i % 50), tokens_out: 80, reasoning: "because" };
    }),
  );
  const policy = analysis.compliancePreset("strict");
  const c0 = performance.now();
  let compliant = 0;
  for (const events of sessions) if (analysis.checkCompliance(policy, events, { checkedAt: 0 }).report.compliant) compliant++;
  results.compliancePerCallMs = +(performance.now() - c0).toFixed(1);
  row("compliance (strict), 10k sessions × 50 events", results.compliancePerCallMs, "ms", `${compliant} compliant; one call per session from JS arrays`);

  const bytes = new TextEncoder().encode(sessions.map((events) => events.map((e) => JSON.stringify(e)).join("\n")).join("\n"));
  const s0 = performance.now();
  const set = analysis.createSessionSet(bytes);
  const s1 = performance.now();
  const reports = set.compliance(policy, { checkedAt: 0 });
  const s2 = performance.now();
  const ids = set.sessionIds();
  const drift = set.drift(ids.slice(0, SESSIONS / 2), ids.slice(SESSIONS / 2), { threshold: 0.5 });
  const s3 = performance.now();
  const eventCount = set.eventCount;
  set.free();
  results.sessionSetReadMs = +(s1 - s0).toFixed(1);
  results.sessionSetComplianceMs = +(s2 - s1).toFixed(1);
  results.sessionSetDriftMs = +(s3 - s2).toFixed(1);
  results.complianceAndDriftMs = +(s3 - s0).toFixed(1);
  results.complianceAndDriftTargetMs = 1000;
  results.complianceCompliant = reports.filter((r) => r.compliant).length;
  results.driftStatus = drift.report.status;
  // The peer: what V8's own JSON.parse pays for the same bytes, line by line (decoding
  // the text included, nothing grouped or checked), as analysis engines written in JS
  // would pay at least once before their first rule.
  const j0 = performance.now();
  const ndjson = new TextDecoder().decode(bytes);
  let parsedLines = 0;
  for (let from = 0; from < ndjson.length; ) {
    const end = ndjson.indexOf("\n", from);
    const stop = end < 0 ? ndjson.length : end;
    if (JSON.parse(ndjson.slice(from, stop)) !== null) parsedLines++;
    from = stop + 1;
  }
  results.jsonParseSameBytesMs = +(performance.now() - j0).toFixed(1);
  const mib = (bytes.length / (1 << 20)).toFixed(0);
  row("session set: read 10k sessions (NDJSON bytes)", results.sessionSetReadMs, "ms", `${mib} MiB, ${eventCount} events`);
  row("JS JSON.parse of the same NDJSON (peer)", results.jsonParseSameBytesMs, "ms", `${parsedLines} lines, decoded and parsed one by one; nothing grouped or typed`);
  row("session set: compliance (strict), 10k sessions", results.sessionSetComplianceMs, "ms", `${results.complianceCompliant} compliant (same as above: ${results.complianceCompliant === compliant})`);
  row("session set: drift, 5,000 vs 5,000 sessions", results.sessionSetDriftMs, "ms", `status ${results.driftStatus}`);
  row("compliance + drift, 10k sessions, total", results.complianceAndDriftMs, "ms", "read + compliance + drift; target ≤ 1000 ms");

  const EXPLAIN_EVENTS = 10_000;
  const tracker = agentlens.init({ exporters: [noopExporter], batchSize: 500, maxBufferEvents: 1_000_000, maxBufferBytes: 1 << 30, explainMaxEvents: EXPLAIN_EVENTS });
  const sessionId = "bench-explain-10k";
  tracker.startSession({ agentName: "bench-explain", sessionId });
  for (let i = 0; i < EXPLAIN_EVENTS; i++) tracker.track({ ...ourEvent(i), sessionId });
  const f0 = performance.now();
  tracker.explain(sessionId);
  results.explain10kFirstMs = +(performance.now() - f0).toFixed(1);
  const xs = [];
  let text = "";
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    text = tracker.explain(sessionId);
    xs.push(performance.now() - s);
  }
  results.explain10kMs = +median(xs).toFixed(1);
  results.explain10kTargetMs = 20;
  results.explain10kChars = text.length;
  row("explain(), 10,000-event session (SDK)", results.explain10kMs, "ms", `median of 5 after the first; ${text.length} chars; target ≤ 20 ms`);
  row("explain(), the session's first call", results.explain10kFirstMs, "ms", "reads, redacts and renders every event once");
  await tracker.shutdown(1000);
}

// 8. the SDK's wasm, gzipped as scripts/build-wasm.sh measures it (gzip -9)
{
  const { readFileSync } = await import("node:fs");
  const { gzipSync } = await import("node:zlib");
  const wasmDir = new URL("../bindings/sdk/", import.meta.url);
  for (const [key, dir] of [["sdkWasmGzBytes", "wasm"], ["analysisWasmGzBytes", "wasm-analysis"], ["liveWasmGzBytes", "wasm-live"], ["patternsWasmGzBytes", "wasm-patterns"]]) {
    results[key] = gzipSync(readFileSync(new URL(`${dir}/agentlens_wasm_bg.wasm`, wasmDir)), { level: 9 }).length;
  }
  results.sdkWasmTargetBytes = 150_000;
  row("SDK wasm, gzipped", results.sdkWasmGzBytes, "bytes", `target ≤ 150,000; analysis ${results.analysisWasmGzBytes}, integrations ${results.liveWasmGzBytes}, regex engine and prices (loaded for redactPatterns and OTLP costs) ${results.patternsWasmGzBytes}`);
}

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`AgentLens benchmark — Node ${process.version}, ${new Date().toISOString()}`);
for (const [name, value, unit, note] of rows) console.log(`${name.padEnd(width)}  ${String(value).padStart(10)} ${unit.padEnd(9)} ${note}`);
console.log(JSON.stringify(results));
