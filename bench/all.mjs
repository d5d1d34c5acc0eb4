// Every benchmark, each in its own fresh Node 24 process (the repository's `node` package),
// then the figures that matter with their peer and target, and one JSON line at the end.
//   npm run bench
// Each benchmark prints its own table and ends with a JSON line, which is collected here.
// These machines are noisy: read the ratios, which are measured in the same run.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const node24 = `${root}node_modules/node/bin/node`;
const node = existsSync(node24) ? node24 : process.execPath;

/** The benchmarks: a name, the script, extra Node flags. */
const BENCHES = [
  ["tracker", "bench/run.mjs"],
  ["coldStart", "bench/cold-start.mjs"],
  ["outage", "bench/outage.mjs", ["--expose-gc"]],
  ["ingest", "bench/ingest.mjs"],
  ["otlp", "bench/otlp.mjs"],
  ["viewer", "bench/viewer.mjs"],
  ["openaiAgents", "bench/integrations/openai-agents.mjs"],
  ["aiSdk", "bench/integrations/ai-sdk.mjs"],
  ["otel", "bench/integrations/otel.mjs"],
  ["langchain", "bench/integrations/langchain.mjs"],
];
const only = process.env.BENCH_ONLY?.split(",");

/** Runs one benchmark, echoing its output; resolves with its last JSON line (or an error). */
async function run(script, flags = []) {
  const child = spawn(node, [...flags, script], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c) => {
    out += c;
    process.stdout.write(c);
  });
  const code = await new Promise((resolve) => child.on("close", resolve));
  const last = out.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  if (code !== 0 || !last) return { error: `${script} exited with ${code}` };
  try {
    return JSON.parse(last);
  } catch {
    return { error: `${script}: its last line is not JSON` };
  }
}

const runs = {};
for (const [name, script, flags] of BENCHES) {
  if (only && !only.includes(name)) continue;
  console.log(`\n=== ${script} ===`);
  runs[name] = await run(script, flags);
}

// The issue's figures: what we measure, the peer in the same run, the target, met or not.
const t = runs.tracker ?? {};
const c = runs.coldStart ?? {};
const o = runs.outage ?? {};
const g = runs.ingest ?? {};
const rows = [
  { figure: "cold start, Node: import + instantiate + init()", unit: "ms", value: c.nodeCold?.agentlens?.importInitMs, peer: c.nodeCold?.otel?.importInitMs, peerName: `OpenTelemetry JS import + setup; floor, the entry in one file: ${c.nodeCold?.agentlensOneFile?.importInitMs} ms`, target: 10, better: "lower" },
  { figure: "cold start, Node: first event delivered", unit: "ms", value: c.nodeCold?.agentlens?.totalMs, peer: c.nodeCold?.otel?.totalMs, peerName: "OpenTelemetry JS first span delivered" },
  { figure: "cold start, workerd: added to a cold isolate", unit: "ms", value: c.workerdCold?.addedMs, peer: c.workerdCold?.emptyFirstAnswerMs, peerName: `empty worker's first answer; the SDK's wasm alone adds ${c.workerdCold?.wasmAddedMs} ms, importing the SDK ${c.workerdCold?.importAddedMs} ms`, target: 10, better: "lower" },
  { figure: "track() caller cost / OpenTelemetry span", unit: "×", value: t.trackCallerVsOtel, peer: t.otelSpanCallerNs, peerName: "ns per OpenTelemetry span", target: 0.5, better: "lower" },
  { figure: "pipeline CPU to bytes / OpenTelemetry + protobuf", unit: "×", value: t.pipelineCpuVsOtel, peer: t.otelProtobufCpuNsPerSpan, peerName: "ns per span (JSON: " + t.otelJsonCpuNsPerSpan + ")", target: 1.0, better: "lower" },
  { figure: "redaction in wasm / JS regexes, same rules", unit: "×", value: t.redactRatio, peer: t.redactJsMiBps, peerName: "MiB/s JS", target: 3, better: "higher" },
  { figure: "SDK wasm, gzipped", unit: "B", value: t.sdkWasmGzBytes, target: 150_000, better: "lower" },
  { figure: "explain() of a 10,000-event session", unit: "ms", value: t.explain10kMs, note: `first call of the session ${t.explain10kFirstMs} ms`, target: 20, better: "lower" },
  { figure: "compliance + drift, 10k sessions × 50 (read included)", unit: "ms", value: t.complianceAndDriftMs, peer: t.jsonParseSameBytesMs, peerName: `ms for JS JSON.parse of the same NDJSON alone; ours: read ${t.sessionSetReadMs}, compliance ${t.sessionSetComplianceMs}, drift ${t.sessionSetDriftMs} ms`, target: 1000, better: "lower" },
  { figure: "collector ingest, ~1 KB events, redaction on", unit: "events/s", value: g.realisticEventsPerSecond, peer: g.floorEventsPerSecond, peerName: "bare node:sqlite floor", target: 25_000, better: "higher" },
  { figure: "60 s outage at 10k events/s: JS heap retained", unit: "MiB", value: o.byteCap?.heapRetainedMiB, note: `${o.byteCap?.bufferedMiB} MiB in the core's buffer (cap 16 MiB)` },
  { figure: "60 s outage at 10k events/s: wasm linear memory", unit: "MiB", value: o.byteCap?.wasmMemoryMiB, note: `${o.byteCap?.droppedTotal} events dropped and counted; every event accounted: ${o.byteCap?.accounted}; peak RSS growth ${o.byteCap?.rssGrowthMiB} MiB (garbage included)` },
];
for (const r of rows) r.met = r.target === undefined || r.value == null ? null : r.better === "lower" ? r.value <= r.target : r.value >= r.target;

console.log(`\n=== AgentLens performance — ${new Date().toISOString()}, ${node === node24 ? "Node 24 (node_modules/node)" : `Node ${process.version}`} ===`);
const w = Math.max(...rows.map((r) => r.figure.length));
for (const r of rows) {
  const target = r.target === undefined ? "" : `target ${r.better === "lower" ? "≤" : "≥"} ${r.target}`;
  const met = r.met === null ? "" : r.met ? "met" : "NOT met";
  const peer = r.peer == null ? (r.note ?? "") : `peer: ${r.peer} ${r.peerName}`;
  console.log(`${r.figure.padEnd(w)}  ${String(r.value ?? "n/a").padStart(9)} ${r.unit.padEnd(8)} ${target.padEnd(16)} ${met.padEnd(8)} ${peer}`);
}
const failed = Object.entries(runs).filter(([, v]) => v.error).map(([k, v]) => `${k}: ${v.error}`);
if (failed.length) console.log(`benchmarks that failed: ${failed.join("; ")}`);
console.log(JSON.stringify({ bench: "all", summary: rows, runs }));
if (failed.length) process.exitCode = 1;
