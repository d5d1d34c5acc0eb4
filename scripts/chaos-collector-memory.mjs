#!/usr/bin/env node
// Collector memory under hostile bodies, and one heavy analysis request (issue 17: "memory
// only grows", "one analysis request blocks the collector"). Runs each phase in a child
// process of its own, so one phase's memory never counts in another's:
//
//   store      the hostile bodies straight into a store, with no recycling: what the
//              collector kept before (wasm memory never shrinks)
//   collector  the same bodies to a collector over HTTP, ROUNDS rounds from 4 clients at
//              once: RSS and the analysis wasm's memory before, at peak (sampled every 10 ms)
//              and after (a collector is idle between bursts; after a GC when --expose-gc)
//   alerts     POST /analysis/alerts with 1,000 and 10,000 rules over 5,000 events, timing
//              /health and POST /events while each runs
//
//   node_modules/node/bin/node --expose-gc scripts/chaos-collector-memory.mjs [ROUNDS]   (default 5)
//
// Needs Node >= 22.13 (node:sqlite) and the built CLI (npm run build -w @agentlens/cli).
// bindings/cli/test/memory-bound.test.mjs and analysis-bounds.test.mjs are the short versions.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = new URL("../bindings/cli/dist/collector/", import.meta.url);
const MiB = 1024 * 1024;
const mb = (n) => Math.round(n / MiB);

/** Hostile bodies of about 10 MB (the default body limit): each costs the core far more than its size. */
function hostileBodies() {
  const n = Math.floor((10 * MiB - 4096) / 2);
  const wrap = (data) => `{"events":[{"event_type":"generic","session_id":"hostile","input_data":${data}}]}`;
  const keys = [];
  for (let i = 0; i < n / 8; i++) keys.push(`"k${i}":1`);
  const tiny = `{"event_type":"generic","session_id":"tiny","input_data":[${Array(300).fill("{}").join(",")}]}`;
  return {
    numbers: wrap(`[${Array(n).fill("1").join(",")}]`),
    "tiny objects": wrap(`[${Array(Math.floor(n / 1.5)).fill("{}").join(",")}]`),
    strings: wrap(`[${Array(Math.floor(n / 2)).fill('"a"').join(",")}]`),
    "many keys": wrap(`{${keys.join(",")}}`),
    "deep nesting": wrap(`${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`),
    "10,000 events of tiny objects": `{"events":[${Array(10_000).fill(tiny).join(",")}]}`,
  };
}

/** Samples RSS and wasm memory every 10 ms until stopped; returns the peaks. */
function sampler(wasmBytes) {
  const peak = { rss: process.memoryUsage().rss, wasm: wasmBytes() };
  const timer = setInterval(() => {
    peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
    peak.wasm = Math.max(peak.wasm, wasmBytes());
  }, 10);
  return { peak, stop: () => clearInterval(timer) };
}

async function settle() {
  await new Promise((r) => setTimeout(r, 500));
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 500));
}

async function storePhase(dir) {
  const { openStore } = await import(new URL("index.js", DIST));
  const { wasmMemoryBytes } = await import(new URL("engine.js", DIST));
  const store = await openStore({ path: join(dir, "store.db") });
  const before = { rss: process.memoryUsage().rss, wasm: wasmMemoryBytes() };
  const s = sampler(wasmMemoryBytes);
  for (const raw of Object.values(hostileBodies())) await store.ingestBytes("events", new TextEncoder().encode(raw), 10_000).catch(() => {});
  s.stop();
  await settle();
  store.close();
  return { before, peak: s.peak, after: { rss: process.memoryUsage().rss, wasm: wasmMemoryBytes() } };
}

async function collectorPhase(dir, rounds) {
  const { startCollector } = await import(new URL("index.js", DIST));
  const { wasmMemoryBytes, wasmMemoryStats } = await import(new URL("engine.js", DIST));
  const c = await startCollector({ port: 0, dbPath: join(dir, "collector.db"), viewerDir: false, rateLimitPerMinute: 0 });
  await settle();
  const before = { rss: process.memoryUsage().rss, wasm: wasmMemoryBytes() };
  const bodies = Object.values(hostileBodies());
  const s = sampler(wasmMemoryBytes);
  const statuses = {};
  const client = async (k) => {
    for (let round = 0; round < rounds; round++) {
      const raw = bodies[(round + k) % bodies.length];
      // A connection cut off (not an HTTP answer) is counted by its error code.
      let outcome;
      try {
        const r = await fetch(`${c.url}/events`, { method: "POST", headers: { "Content-Type": "application/json" }, body: raw });
        await r.arrayBuffer();
        outcome = r.status;
      } catch (e) {
        outcome = e?.cause?.code ?? e?.name ?? "error";
      }
      statuses[outcome] = (statuses[outcome] ?? 0) + 1;
    }
  };
  await Promise.all([0, 1, 2, 3].map(client));
  s.stop();
  await settle();
  const after = { rss: process.memoryUsage().rss, wasm: wasmMemoryBytes() };
  // The bodies were read on the ingest thread: its threads ended past the mark, and started.
  const thread = c.store.ingestThreadStats();
  await c.close();
  // The sampler cannot run inside a request (one thread): the wasm peak is the one seen between requests.
  const stats = wasmMemoryStats();
  return { before, peak: { ...s.peak, wasm: Math.max(s.peak.wasm, stats.peakBytes) }, after, requests: statuses, recycled: stats.recycled, thread };
}

async function alertRun(c, rules, events) {
  const set = {
    rules: Array.from({ length: rules }, (_, i) => ({
      name: `r${i}`,
      condition: i % 2 ? { type: "threshold", metric: "tokens_in", operator: ">", value: i } : { type: "pattern", field: "event_type", pattern: "err.*" },
    })),
  };
  let stop = false;
  const probes = { health: 0, ingested: 0, worstMs: 0 };
  const probe = (async () => {
    while (!stop) {
      const t0 = performance.now();
      if ((await fetch(`${c.url}/health`)).ok) probes.health++;
      const r = await fetch(`${c.url}/events`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ events: [{ event_type: "generic", session_id: "probe" }] }) });
      if (r.status < 300) probes.ingested++;
      probes.worstMs = Math.max(probes.worstMs, Math.round(performance.now() - t0));
      await new Promise((res) => setTimeout(res, 100));
    }
  })();
  const t0 = performance.now();
  const r = await fetch(`${c.url}/analysis/alerts`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rules: set, session_id: "alerts" }) });
  const text = await r.text();
  const ms = Math.round(performance.now() - t0);
  stop = true;
  await probe;
  return { rules, events, status: r.status, ms, answerBytes: text.length, ...probes, error: r.status >= 300 ? JSON.parse(text).error : undefined };
}

async function alertsPhase(dir) {
  const { startCollector } = await import(new URL("index.js", DIST));
  const c = await startCollector({ port: 0, dbPath: join(dir, "alerts.db"), viewerDir: false, rateLimitPerMinute: 0 });
  const now = Date.now();
  // 4,999 events and the session's start: 1,000 rules over them is the largest request allowed.
  for (let b = 0; b < 4_999; b += 1_000) {
    const events = Array.from({ length: Math.min(1_000, 4_999 - b) }, (_, k) => {
      const i = b + k;
      return { event_id: `e${i}`, session_id: "alerts", event_type: i % 7 ? "llm_call" : "error", timestamp: new Date(now - 5_000 + i).toISOString(), model: "gpt-4o", tokens_in: i % 100, tokens_out: 5 };
    });
    await (await fetch(`${c.url}/events`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ events }) })).arrayBuffer();
  }
  const out = [await alertRun(c, 1_000, 5_000), await alertRun(c, 1_001, 5_000), await alertRun(c, 10_000, 5_000)];
  await c.close();
  return out;
}

async function child(phase, rounds) {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-memory-"));
  try {
    const run = { store: () => storePhase(dir), collector: () => collectorPhase(dir, rounds), alerts: () => alertsPhase(dir) }[phase];
    process.stdout.write(JSON.stringify(await run()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function figures(r) {
  const row = (k) => `${mb(r[k].rss)} MB RSS, ${mb(r[k].wasm)} MiB wasm`;
  return `before ${row("before")}; peak ${row("peak")}; after ${row("after")}`;
}

const [phase, roundsArg] = process.argv.slice(2);
if (phase === "--child") {
  await child(process.argv[4], Number(roundsArg));
} else {
  const rounds = Number(phase ?? 5);
  const script = fileURLToPath(import.meta.url);
  const results = {};
  for (const p of ["store", "collector", "alerts"]) {
    const out = spawnSync(process.execPath, ["--expose-gc", script, "--child", String(rounds), p], { encoding: "utf8", maxBuffer: 64 * MiB, stdio: ["ignore", "pipe", "inherit"] });
    if (out.status !== 0) throw new Error(`phase ${p} failed (${out.status})`);
    results[p] = JSON.parse(out.stdout);
  }
  console.log(`hostile bodies into a store, no recycling (as before): ${figures(results.store)}`);
  console.log(`hostile bodies to a collector, ${rounds} rounds × 4 clients: ${figures(results.collector)}; answers ${JSON.stringify(results.collector.requests)}, main thread's instance replaced ${results.collector.recycled} times; bodies read on the ingest thread ${results.collector.thread.offThread}, past the mark after ${results.collector.thread.recycled}, threads started ${results.collector.thread.started} and ended for it ${results.collector.thread.retired}`);
  for (const a of results.alerts) {
    console.log(
      `POST /analysis/alerts ${a.rules} rules × ${a.events} events: ${a.status} in ${a.ms} ms (${a.answerBytes} B)` +
        `${a.error ? ` "${a.error}"` : ""}; meanwhile ${a.health} /health and ${a.ingested} POST /events answered, slowest pair ${a.worstMs} ms`,
    );
  }
}
