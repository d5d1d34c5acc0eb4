// Memory under an outage: the destination is down for BENCH_OUTAGE_SECONDS (default 60)
// while the agent tracks 10,000 events a second (~1 KB each); memory must stay bounded by
// the tracker's buffer caps, and every event that does not fit is counted as dropped.
//   node --expose-gc bench/outage.mjs            (part of `npm run bench`)
//
// The exporter answers every request with a network error, as an unreachable collector
// does, so the core retries with backoff and buffers. The event-count cap is lifted
// (maxBufferEvents 1,000,000) so that the byte cap (maxBufferBytes, default 16 MiB) is the
// bound under test; a second run keeps the defaults. Memory is sampled every 250 ms: the
// JS heap, the wasm linear memory (ArrayBuffers) and the resident set. Real time, paced:
// each 100 ms slice tracks 1,000 events and then waits for the slice's end.
// A benchmark, not a test: prints a table and one JSON line; nothing is asserted.
import * as agentlens from "@agentlens/sdk";
// The SDK's own wasm instance (the glue is one module; initSync returns the instance it holds).
import { initSync } from "../bindings/sdk/wasm/agentlens_wasm.js";

const wasmMemoryBytes = () => initSync().memory.buffer.byteLength;

const SECONDS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 60);
const RATE = 10_000;
const SLICE_MS = 100;
const PER_SLICE = (RATE * SLICE_MS) / 1000;
const FILLER = "The user asked for a refund of order 4417 and the agent looked up the order, the payment and the policy before answering. ".repeat(6);

const mib = (b) => +(b / (1 << 20)).toFixed(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sample() {
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

async function outage(label, options) {
  let attempts = 0;
  const down = {
    name: "down",
    format: "agentlens",
    send: async () => {
      attempts++;
      throw new TypeError("fetch failed: connect ECONNREFUSED 127.0.0.1:9");
    },
  };
  globalThis.gc?.();
  const before = sample();
  const wasmBefore = wasmMemoryBytes();
  const tracker = agentlens.init({ exporters: [down], logLevel: "silent", ...options });
  tracker.startSession({ agentName: "outage" });
  const peak = { ...before };
  const timer = setInterval(() => {
    const s = sample();
    for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], s[k]);
  }, 250);
  const start = performance.now();
  let tracked = 0;
  for (let slice = 0; slice < (SECONDS * 1000) / SLICE_MS; slice++) {
    for (let i = 0; i < PER_SLICE; i++) {
      tracker.track({
        eventType: "llm_call",
        model: "gpt-4o",
        inputData: { prompt: `${FILLER} #${tracked}` },
        outputData: { response: "Refund approved for order 4417." },
        tokensIn: 300,
        tokensOut: 12,
        durationMs: 640,
      });
      tracked++;
    }
    const wait = start + (slice + 1) * SLICE_MS - performance.now();
    if (wait > 0) await sleep(wait);
  }
  clearInterval(timer);
  const stats = tracker.stats();
  const last = sample();
  for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], last[k]);
  globalThis.gc?.(); // what the tracker retains, garbage aside (run with --expose-gc)
  const after = sample();
  await tracker.shutdown(0);
  const dropped = Object.fromEntries(Object.entries(stats.dropped).filter(([, n]) => n > 0));
  return {
    label,
    seconds: SECONDS,
    tracked,
    bufferedMiB: mib(stats.bufferedBytes),
    pending: stats.pending,
    dropped,
    droppedTotal: Object.values(stats.dropped).reduce((a, b) => a + b, 0),
    accounted: stats.delivered + Object.values(stats.dropped).reduce((a, b) => a + b, 0) + stats.sampledOut + stats.pending === stats.tracked,
    sendAttempts: attempts,
    heapGrowthMiB: mib(peak.heapUsed - before.heapUsed),
    heapRetainedMiB: globalThis.gc ? mib(after.heapUsed - before.heapUsed) : null,
    wasmMemoryMiB: mib(wasmMemoryBytes()),
    wasmMemoryGrowthMiB: mib(wasmMemoryBytes() - wasmBefore),
    rssGrowthMiB: mib(peak.rss - before.rss),
    peakRssMiB: mib(peak.rss),
  };
}

const results = { node: process.version, ratePerSecond: RATE };
results.byteCap = await outage("byte cap (maxBufferBytes 16 MiB, event cap lifted)", { maxBufferEvents: 1_000_000 });
results.defaults = await outage("defaults (5,000 events, 16 MiB)", {});

console.log(`AgentLens under a ${SECONDS} s outage at ${RATE} events/s — Node ${process.version}`);
for (const r of [results.byteCap, results.defaults]) {
  console.log(`${r.label}:`);
  console.log(`  tracked ${r.tracked}, buffered ${r.bufferedMiB} MiB (${r.pending} events), dropped ${r.droppedTotal} ${JSON.stringify(r.dropped)}, every event accounted: ${r.accounted}`);
  console.log(`  retained at the end (after a full GC): JS heap ${r.heapRetainedMiB} MiB; in the core's buffer ${r.bufferedMiB} MiB; wasm linear memory ${r.wasmMemoryMiB} MiB (grew ${r.wasmMemoryGrowthMiB} MiB)`);
  console.log(`  peak growth: JS heap ${r.heapGrowthMiB} MiB (garbage included), RSS ${r.rssGrowthMiB} MiB (peak RSS ${r.peakRssMiB} MiB); ${r.sendAttempts} send attempts`);
}
console.log(JSON.stringify(results));
