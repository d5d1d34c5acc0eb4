// Profiling variant of bench/otlp.mjs: only the AgentLens side (OTLP, content off unless
// PROF_CONTENT=1), many rounds, for `node --cpu-prof bench/otlp-prof.mjs`. PROF_FORMAT=agentlens
// for the AgentLens wire; PROF_NO_PATTERNS=1 replaces the default redaction patterns by
// none (to measure what pattern redaction costs; never a figure to compare with a peer);
// PROF_EXPLAIN=N sets explainMaxEvents (0: no event text kept for explain()).
import * as agentlens from "@agentlens/sdk";

const N = Number(process.env.OTLP_BENCH_EVENTS ?? 20_000);
const ROUNDS = Number(process.env.OTLP_BENCH_ROUNDS ?? 10);
const FORMAT = process.env.PROF_FORMAT ?? "otlp";
const SESSION = "5f0c2a9e8b7d6c41";
const PROMPT = "You are a travel agent. The user asks: find me the cheapest flight from San Francisco to New York next Tuesday, window seat, no red-eye, and keep it under four hundred dollars if you can. Reply to jane.doe@example.com. Prior context: the user prefers United and has status with them. ";
const RESPONSE = "I compared 14 fares for Tuesday. The cheapest option that meets every constraint is United UA 1532 departing SFO at 8:05 and arriving JFK at 16:41 for $318 in economy with a window seat available (row 23A). Alaska AS 22 is $297 but departs at 22:50, which is a red-eye. ";
const ev = (i) => ({ eventType: "llm_call", sessionId: SESSION, model: "gpt-4o", inputData: { prompt: PROMPT }, outputData: { response: RESPONSE }, tokensIn: 1200 + (i & 7), tokensOut: 45, cachedInputTokens: 1000, durationMs: 812.5 });
const spec = agentlens.createOtlpExporter({ captureContent: process.env.PROF_CONTENT === "1", serviceName: "bench-agent" });
let events = 0;
const exporter = { name: "x", format: FORMAT, ...(FORMAT === "otlp" ? { otlp: spec.otlp } : {}), send: async (r) => { events += r.events; return { status: 200, body: new Uint8Array(0) }; } };
const xs = [];
for (let r = 0; r < ROUNDS; r++) {
  const tracker = agentlens.init({ exporters: [exporter], batchSize: 500, maxBufferEvents: 1_000_000, maxBufferBytes: 1 << 30, logLevel: "silent", ...(process.env.PROF_NO_PATTERNS === "1" ? { replaceDefaultPatterns: true, redactPatterns: [] } : {}), ...(process.env.PROF_EXPLAIN ? { explainMaxEvents: Number(process.env.PROF_EXPLAIN) } : {}) });
  tracker.startSession({ agentName: "bench", sessionId: SESSION });
  await tracker.flush();
  const u0 = process.cpuUsage();
  for (let i = 0; i < N; i++) tracker.track(ev(i));
  await tracker.flush();
  const u = process.cpuUsage(u0);
  xs.push((u.user + u.system) / N);
  await tracker.shutdown(1000);
}
xs.sort((a, b) => a - b);
console.log(`${FORMAT} content=${process.env.PROF_CONTENT === "1"}: median ${xs[xs.length >> 1].toFixed(2)} µs/event (min ${xs[0].toFixed(2)}), ${events} events`);
