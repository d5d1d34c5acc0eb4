// Cold start: what a fresh process or isolate pays before its first event is delivered.
//   node bench/cold-start.mjs            (part of `npm run bench`; Node >= 22 for workerd's bundler)
//
// Node: a fresh `node` process per sample (this one's binary) imports the SDK, instantiates
// its wasm, calls init() with the default HTTP exporter pointed at a receiver on 127.0.0.1,
// tracks one event and awaits flush(), which resolves once the receiver has answered. Each
// phase is timed inside the child with process.hrtime (performance.now() would load
// perf_hooks and charge it to us). The peer, OpenTelemetry JS, does the same in its own
// fresh processes: import sdk-trace-base and the OTLP/HTTP protobuf exporter, build a
// provider with a BatchSpanProcessor, end one span and forceFlush() to the same receiver.
//
// workerd: a fresh workerd per sample serves a worker bundled as wrangler bundles it (the
// wasm kept as modules); the time from spawn to the first answer of a request that runs
// init + track + flush to the receiver, minus the same for a worker that only answers (the
// runtime's own start), median of the samples. Inside workerd the clock stands still while
// code runs, so only outside timing is honest.
//
// Floors, in the same run: in Node, the same entry point bundled into one file (what
// Node's module machinery for the package's modules costs); in workerd, a worker holding
// only the SDK's wasm, compiled, instantiated and its pipeline made as init() makes it
// (what the wasm itself costs a cold isolate), and a worker that imports the SDK and runs
// none of it (what loading it costs; the rest of the SDK's figure is its first run).
//
// A benchmark, not a test: prints a table and one JSON line; nothing is asserted.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { workerdConfig } from "../bindings/sdk/test/support/workerd.mjs";

const SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 9);
const root = fileURLToPath(new URL("../", import.meta.url));
const pkgDir = join(root, "bindings/sdk");

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** A receiver on 127.0.0.1 that answers 200 to every POST and counts them. */
async function startReceiver() {
  let posts = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      posts++;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${server.address().port}`, posts: () => posts, close: () => server.close() };
}

const AGENTLENS_CHILD = `
const ms = (a, b) => Number(b - a) / 1e6;
const t0 = process.hrtime.bigint();
const agentlens = await import("@agentlens/sdk");
const t1 = process.hrtime.bigint();
const tracker = agentlens.init({ endpoint: process.env.RECEIVER, apiKey: "bench" });
const t2 = process.hrtime.bigint();
tracker.startSession({ agentName: "cold" });
tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 12, tokensOut: 3 });
await tracker.flush();
const t3 = process.hrtime.bigint();
const s = tracker.stats();
process.stdout.write(JSON.stringify({ importMs: ms(t0, t1), initMs: ms(t1, t2), deliverMs: ms(t2, t3), totalMs: ms(t0, t3), sent: s.eventsSent ?? s.sent }) + "\\n");
process.exit(0);`;

const OTEL_CHILD = `
const ms = (a, b) => Number(b - a) / 1e6;
const t0 = process.hrtime.bigint();
const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
const t1 = process.hrtime.bigint();
const exporter = new OTLPTraceExporter({ url: process.env.RECEIVER + "/v1/traces" });
const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
const tracer = provider.getTracer("cold");
const t2 = process.hrtime.bigint();
const span = tracer.startSpan("chat gpt-4o", { attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 3 } });
span.end();
await provider.forceFlush();
const t3 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ importMs: ms(t0, t1), initMs: ms(t1, t2), deliverMs: ms(t2, t3), totalMs: ms(t0, t3) }) + "\\n");
process.exit(0);`;

/** Runs `source` as an ES module in a fresh Node process (cwd: the repository); its JSON line. */
async function nodeSample(source, receiver) {
  const child = spawn(process.execPath, ["--input-type=module", "-e", source], {
    cwd: root,
    env: { ...process.env, RECEIVER: receiver.url, AGENTLENS_LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  for await (const chunk of child.stdout) out += chunk;
  const [code] = child.exitCode === null ? await once(child, "exit") : [child.exitCode];
  if (code !== 0) throw new Error(`cold-start child exited with ${code}`);
  return JSON.parse(out.trim().split("\n").pop());
}

/**
 * The floor of the module machinery: the same Node entry point bundled into one file (the
 * wasm glue inlined), in a copy of the package where the bundle sits at the entry points'
 * depth, so it finds the same .wasm. What the entry loads only on demand (`import()`: the
 * analysis and integrations' modules, the ~470 KB price data) stays out of the file, as it
 * stays out of the entry's import: inlined, it was 734 KB of JavaScript to compile against
 * the entry's ~180 KB, and the floor came out as slow as the entry itself. Those imports
 * point at the package's own files. Returns the child's source and the copy to remove.
 */
async function oneFileChild() {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-onefile-"));
  execFileSync("cp", ["-r", join(pkgDir, "package.json"), join(pkgDir, "wasm"), join(dir, "")]);
  execFileSync("mkdir", ["-p", join(dir, "dist/entrypoints")]);
  const { build } = await import("esbuild");
  const onDemand = {
    name: "on-demand-stays-out",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => (args.kind === "dynamic-import" && args.path.startsWith(".") ? { path: pathToFileURL(join(dirname(args.importer), args.path)).href, external: true } : undefined));
    },
  };
  await build({
    entryPoints: [join(pkgDir, "dist/entrypoints/node.js")],
    outfile: join(dir, "dist/entrypoints/node.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    packages: "external",
    external: ["node:*"],
    plugins: [onDemand],
    logLevel: "error",
  });
  const url = pathToFileURL(join(dir, "dist/entrypoints/node.js")).href;
  return { source: AGENTLENS_CHILD.replace('await import("@agentlens/sdk")', `await import(${JSON.stringify(url)})`), dir };
}

async function nodeColdStart(receiver) {
  const fields = ["importMs", "initMs", "deliverMs", "totalMs"];
  const ours = [];
  const theirs = [];
  const oneFile = [];
  const single = await oneFileChild();
  try {
    // Alternate them so that the machine's noise falls on all; one warm-up of each (the
    // file system cache), discarded.
    await nodeSample(AGENTLENS_CHILD, receiver);
    await nodeSample(OTEL_CHILD, receiver);
    await nodeSample(single.source, receiver);
    for (let i = 0; i < SAMPLES; i++) {
      ours.push(await nodeSample(AGENTLENS_CHILD, receiver));
      theirs.push(await nodeSample(OTEL_CHILD, receiver));
      oneFile.push(await nodeSample(single.source, receiver));
    }
  } finally {
    rmSync(single.dir, { recursive: true, force: true });
  }
  const med = (xs) => Object.fromEntries(fields.map((f) => [f, +median(xs.map((x) => x[f])).toFixed(2)]));
  const importInit = (xs) => +median(xs.map((x) => x.importMs + x.initMs)).toFixed(2);
  return {
    agentlens: { ...med(ours), importInitMs: importInit(ours) },
    otel: { ...med(theirs), importInitMs: importInit(theirs) },
    agentlensOneFile: { ...med(oneFile), importInitMs: importInit(oneFile) },
  };
}

const workerdBin = join(root, "node_modules/@cloudflare/workerd-linux-64/bin/workerd");
const esbuildBin = join(root, "node_modules/.bin/esbuild");

const WORKER_SDK = `import * as agentlens from "@agentlens/sdk";
export default {
  async fetch(request, env) {
    const tracker = agentlens.init({ endpoint: env.RECEIVER, apiKey: "bench", logLevel: "silent" });
    tracker.startSession({ agentName: "cold" });
    tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 12, tokensOut: 3 });
    await tracker.flush();
    return new Response(String(tracker.stats().eventsSent ?? ""));
  },
};`;
const WORKER_EMPTY = `export default { async fetch(request, env) { await fetch(env.RECEIVER + "/ping", { method: "POST", body: "x" }); return new Response("ok"); } };`;
// The floor of the wasm part: the SDK's wasm alone, imported as the edge entry imports it
// (compiled with the isolate), instantiated and its pipeline made as init() makes it, then
// the empty worker's fetch. No JavaScript of the SDK's beyond wasm-bindgen's glue.
const WORKER_WASM = `import { initSync, PipelineWasm } from "./bindings/sdk/wasm/agentlens_wasm.js";
import wasmModule from "../../wasm/agentlens_wasm_bg.wasm";
export default {
  async fetch(request, env) {
    initSync({ module: wasmModule });
    new PipelineWasm("{}", new Uint8Array(32), ["agentlens"]).free();
    await fetch(env.RECEIVER + "/ping", { method: "POST", body: "x" });
    return new Response("ok");
  },
};`;
// The SDK imported (its JavaScript loaded, its wasm compiled and instantiated as the edge
// entry does on import), nothing of it run, then the empty worker's fetch.
const WORKER_IMPORT = `import * as agentlens from "@agentlens/sdk";
export default {
  async fetch(request, env) {
    if (typeof agentlens.init !== "function") throw new Error("the SDK did not load");
    await fetch(env.RECEIVER + "/ping", { method: "POST", body: "x" });
    return new Response("ok");
  },
};`;

/** Bundles a worker as wrangler would and writes its workerd config; returns the config path. */
function prepareWorker(dir, name, source, receiverUrl) {
  const work = join(dir, name);
  execFileSync("mkdir", ["-p", join(work, "bundle/out")]);
  symlinkSync(pkgDir, join(work, "pkg"));
  // From stdin, resolved from the repository (where @agentlens/sdk is installed).
  execFileSync(esbuildBin, ["--sourcefile=entry.mjs", "--bundle", "--format=esm", "--platform=neutral", "--conditions=workerd,worker,browser", "--external:*.wasm", `--outfile=${join(work, "bundle/out/worker.js")}`, "--log-level=error"], { cwd: root, input: source });
  const config = workerdConfig({ wasmRoot: "pkg", receiverUrl });
  writeFileSync(join(work, "config.capnp"), config);
  return join(work, "config.capnp");
}

/** Spawns workerd on `config`, sends one request once it listens; ms from spawn to the answer. */
async function workerdSample(config) {
  const start = process.hrtime.bigint();
  const proc = spawn(workerdBin, ["serve", config, "--control-fd=3"], { stdio: ["ignore", "ignore", "pipe", "pipe"] });
  let err = "";
  proc.stderr.on("data", (c) => (err += c));
  try {
    const port = await new Promise((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`workerd did not listen: ${err}`)), 20_000);
      createInterface({ input: proc.stdio[3] }).on("line", (line) => {
        const msg = JSON.parse(line);
        if (msg.event === "listen" && msg.socket === "http") {
          clearTimeout(guard);
          resolve(msg.port);
        }
      });
      proc.on("exit", (code) => reject(new Error(`workerd exited with ${code}: ${err}`)));
    });
    const listened = process.hrtime.bigint();
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`worker answered ${res.status}: ${text} ${err}`);
    const answered = process.hrtime.bigint();
    return { listenMs: Number(listened - start) / 1e6, firstAnswerMs: Number(answered - start) / 1e6, requestMs: Number(answered - listened) / 1e6 };
  } finally {
    proc.kill("SIGKILL");
    await once(proc, "exit").catch(() => {});
  }
}

async function workerdColdStart(receiver) {
  if (![workerdBin, esbuildBin].every(existsSync)) return { skipped: "workerd or esbuild is not installed (npm ci)" };
  const dir = mkdtempSync(join(tmpdir(), "agentlens-cold-"));
  try {
    const sdk = prepareWorker(dir, "sdk", WORKER_SDK, receiver.url);
    const empty = prepareWorker(dir, "empty", WORKER_EMPTY, receiver.url);
    const wasmOnly = prepareWorker(dir, "wasm", WORKER_WASM, receiver.url);
    const importOnly = prepareWorker(dir, "import", WORKER_IMPORT, receiver.url);
    for (const w of [sdk, empty, wasmOnly, importOnly]) await workerdSample(w);
    const ours = [];
    const base = [];
    const floor = [];
    const imported = [];
    for (let i = 0; i < SAMPLES; i++) {
      ours.push(await workerdSample(sdk));
      base.push(await workerdSample(empty));
      floor.push(await workerdSample(wasmOnly));
      imported.push(await workerdSample(importOnly));
    }
    const m = (xs, f) => +median(xs.map((x) => x[f])).toFixed(2);
    const added = (xs) => +median(xs.map((x, i) => x.firstAnswerMs - base[i].firstAnswerMs)).toFixed(2);
    const addedMs = added(ours);
    return {
      wasmFirstAnswerMs: m(floor, "firstAnswerMs"),
      wasmAddedMs: added(floor),
      importAddedMs: added(imported),
      sdkFirstAnswerMs: m(ours, "firstAnswerMs"),
      emptyFirstAnswerMs: m(base, "firstAnswerMs"),
      sdkListenMs: m(ours, "listenMs"),
      emptyListenMs: m(base, "listenMs"),
      sdkRequestMs: m(ours, "requestMs"),
      emptyRequestMs: m(base, "requestMs"),
      addedMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const receiver = await startReceiver();
const results = { node: process.version, samples: SAMPLES, targetMs: 10 };
try {
  results.nodeCold = await nodeColdStart(receiver);
  results.workerdCold = await workerdColdStart(receiver);
} finally {
  receiver.close();
}

const n = results.nodeCold;
const w = results.workerdCold;
console.log(`AgentLens cold start — Node ${process.version}, median of ${SAMPLES} fresh processes`);
const line = (name, value, note = "") => console.log(`${name.padEnd(56)} ${String(value).padStart(8)} ms  ${note}`);
line("Node: import + wasm instantiate (AgentLens)", n.agentlens.importMs);
line("Node: init() (AgentLens)", n.agentlens.initMs);
line("Node: import + instantiate + init() (AgentLens)", n.agentlens.importInitMs, `target ≤ ${results.targetMs} ms`);
line("Node: the same, the entry bundled into one file (the floor)", n.agentlensOneFile.importInitMs, `import ${n.agentlensOneFile.importMs} + init() ${n.agentlensOneFile.initMs}`);
line("Node: import + provider setup (OpenTelemetry JS)", n.otel.importInitMs, "sdk-trace-base + exporter-trace-otlp-proto");
line("Node: first event delivered over HTTP (AgentLens)", n.agentlens.totalMs, "from the import");
line("Node: first span delivered over HTTP (OpenTelemetry JS)", n.otel.totalMs, "from the import");
if (w.skipped) console.log(`workerd: skipped (${w.skipped})`);
else {
  line("workerd: spawn → first answer, worker with the SDK", w.sdkFirstAnswerMs, "init + track + flush to the receiver");
  line("workerd: spawn → first answer, empty worker", w.emptyFirstAnswerMs, "one fetch to the receiver");
  line("workerd: what the SDK adds to a cold isolate", w.addedMs, `target ≤ ${results.targetMs} ms`);
  line("workerd: what its wasm alone adds (a floor)", w.wasmAddedMs, "compiled, instantiated, its pipeline made");
  line("workerd: what importing the SDK adds, nothing run", w.importAddedMs, "its JavaScript loaded, its wasm instantiated");
}
console.log(JSON.stringify(results));
