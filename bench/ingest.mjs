// Collector ingest benchmark: events/s over HTTP into a real collector (its own process,
// a fresh SQLite database, synchronous=FULL) with batches of 100 from several concurrent
// keep-alive clients, for the plain, gzip and gzip+AES-GCM payload settings.
//   node bench/ingest.mjs            (Node >= 22, after `npm run build -w @agentlens/sdk -w @agentlens/cli`)
// A benchmark, not a test: prints a table and one JSON line; nothing is asserted.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const BATCH = 100;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 300);
const WARMUP_BATCHES = 20;
const COLLECTOR = new URL("../bindings/cli/dist/collector/index.js", import.meta.url).href;
const KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

const PROMPT = "You are a travel agent. Find the cheapest flight from San Francisco to New York next Tuesday, window seat, no red-eye, under four hundred dollars. ";
const RESPONSE = "I compared 14 fares. United UA 1532 departs SFO at 8:05 and arrives JFK at 16:41 for $318 in economy with a window seat (23A). ";

/** Starts a collector in a child process; resolves with its URL. */
async function startServer(dir, options) {
  const script = `
    const { startCollector } = await import(${JSON.stringify(COLLECTOR)});
    const c = await startCollector({ port: 0, dbPath: ${JSON.stringify(join(dir, "bench.db"))}, viewerDir: false, rateLimitPerMinute: 0, ...${JSON.stringify(options)} });
    process.stdout.write(JSON.stringify({ port: c.port }) + "\\n");`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  for await (const chunk of child.stdout) {
    out += chunk;
    if (out.includes("\n")) break;
  }
  return { child, url: `http://127.0.0.1:${JSON.parse(out).port}` };
}

function body(client, n) {
  const sid = `bench-${client}-${n % 10}`;
  const events = [];
  for (let i = 0; i < BATCH; i++) {
    events.push({
      event_id: `${client}-${n}-${i}`, session_id: sid, event_type: i % 3 ? "llm_call" : "tool_call",
      timestamp: new Date(Date.UTC(2026, 0, 5, 10, 0, 0, n * BATCH + i)).toISOString(),
      model: "gpt-4o", tokens_in: 120, tokens_out: 45, duration_ms: 800 + i,
      input_data: { prompt: `${PROMPT}#${i}` }, output_data: { response: RESPONSE },
      ...(i % 3 ? {} : { tool_call: { tool_name: "search", tool_input: { q: "flights SFO JFK" }, tool_output: { fares: 14 } } }),
    });
  }
  return JSON.stringify({ events });
}

async function run(url, client, from, count) {
  for (let n = from; n < from + count; n++) {
    const res = await fetch(`${url}/events`, { method: "POST", headers: { "Content-Type": "application/json" }, body: body(client, n) });
    const json = await res.json();
    if (res.status !== 200 || json.processed !== BATCH) throw new Error(`collector answered ${res.status}`);
  }
}

async function measure(name, options) {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-bench-"));
  const { child, url } = await startServer(dir, options);
  try {
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => run(url, c, 0, WARMUP_BATCHES / CLIENTS)));
    const per = Math.ceil(BATCHES / CLIENTS);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => run(url, c, 1000, per)));
    const seconds = (performance.now() - t0) / 1000;
    const events = per * CLIENTS * BATCH;
    return { name, events, seconds, eventsPerSecond: Math.round(events / seconds) };
  } finally {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const [name, options] of [
  ["plain", {}],
  ["gzip", { compress: true }],
  ["gzip+aes-gcm", { compress: true, encryptionKey: KEY }],
]) {
  results.push(await measure(name, options));
}
console.log(`collector ingest over HTTP: batches of ${BATCH}, ${CLIENTS} concurrent clients, synchronous=FULL`);
for (const r of results) console.log(`  ${r.name.padEnd(14)} ${String(r.eventsPerSecond).padStart(8)} events/s  (${r.events} events in ${r.seconds.toFixed(2)} s)`);
console.log(JSON.stringify({ bench: "collector-ingest", batch: BATCH, clients: CLIENTS, results }));
