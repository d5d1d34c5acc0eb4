#!/usr/bin/env node
// The long hostile-input run (issue 17, "Hostile input and secrets"): every class of
// bindings/sdk/test/node/hostile-zoo.mjs at the sizes (50 MB strings, a million
// keys, 100 MB typed arrays, ...) through every call of hostile-calls.mjs, each class in
// its own process (a hang or a trap cannot hide the classes after it). Reports calls
// tried, failures by kind and by call, the tracker's verdict per class, and the slowest
// calls. The short version is bindings/sdk/test/node/hostile-every-call.test.mjs.
//
//   node scripts/hostile.mjs [--scale long|short] [--timeout-s 300] [--only "NAME|NAME…"] [--trace]
//
// --trace names each call on the child's stderr (shown when a class crashes or hangs).
//
// Needs the built SDK (npm run build -w @agentlens/sdk). Exits 1 when a call failed.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(import.meta.url);
const zooUrl = new URL("../bindings/sdk/test/node/hostile-zoo.mjs", import.meta.url);
const runUrl = new URL("../bindings/sdk/test/node/hostile-run.mjs", import.meta.url);

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function child(index, scale) {
  const { hostileClasses } = await import(zooUrl);
  const { runClass, runInitOptions } = await import(runUrl);
  const [name, make] = hostileClasses(scale)[index];
  const { results, tracking } = await runClass(make);
  results.push(...(await runInitOptions(make)));
  process.stdout.write(JSON.stringify({ name, results, tracking }));
  process.exit(0);
}

async function parent() {
  const scale = arg("--scale", "long");
  const timeoutS = Number(arg("--timeout-s", "300"));
  const only = arg("--only", undefined);
  const { hostileClasses } = await import(zooUrl);
  const chosen = only?.split("|");
  const classes = hostileClasses(scale).map(([name], i) => [name, i]).filter(([name]) => !chosen || chosen.includes(name));
  let tried = 0;
  const failures = [];
  const byKind = {};
  const byCall = {};
  const trackingProblems = [];
  const slow = [];
  const started = performance.now();
  for (const [name, i] of classes) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ["--max-old-space-size=8192", here, "--child", String(i), "--scale", scale], {
      encoding: "utf8",
      timeout: timeoutS * 1000,
      maxBuffer: 64 << 20,
      env: process.argv.includes("--trace") ? { ...process.env, AGENTLENS_HOSTILE_TRACE: "1" } : process.env,
    });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0 || !r.stdout) {
      const lastCall = (r.stderr ?? "").split("\n").filter((l) => l.startsWith("call ")).slice(-1).join("");
      const why = r.error?.code === "ETIMEDOUT" ? `hung past ${timeoutS} s ${lastCall}` : `exited ${r.status ?? r.signal}: ${lastCall || (r.stderr ?? "").slice(-300)}`;
      trackingProblems.push(`${name}: the run ${why}`);
      console.log(`${name.padEnd(34)} ${why}`);
      continue;
    }
    const { results, tracking } = JSON.parse(r.stdout);
    let bad = 0;
    for (const x of results) {
      tried++;
      slow.push({ ms: x.ms, what: `${x.call} ← ${name}` });
      if (x.kind === "ok" || x.kind === "named") continue;
      bad++;
      failures.push(`${x.call} ← ${name}: ${x.kind} ${x.message ?? ""}`);
      byKind[x.kind] = (byKind[x.kind] ?? 0) + 1;
      byCall[x.call] = (byCall[x.call] ?? 0) + 1;
    }
    if (!tracking.delivered) trackingProblems.push(`${name}: a later event was not delivered`);
    if (!tracking.balanced) trackingProblems.push(`${name}: stats do not balance`);
    console.log(`${name.padEnd(34)} ${results.length} calls, ${bad} failed, ${wall.toFixed(1)} s`);
  }
  slow.sort((a, b) => b.ms - a.ms);
  console.log(`\n${classes.length} classes × calls: ${tried} calls tried in ${((performance.now() - started) / 1000).toFixed(0)} s (scale ${scale})`);
  console.log(`failures: ${failures.length} ${JSON.stringify(byKind)}`);
  for (const [call, n] of Object.entries(byCall).sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${String(n).padStart(3)} × ${call}`);
  for (const f of failures.slice(0, 40)) console.log(`  - ${f}`);
  console.log(`tracking problems: ${trackingProblems.length}`);
  for (const p of trackingProblems) console.log(`  - ${p}`);
  console.log(`calls over 1 s: ${slow.filter((s) => s.ms > 1000).length}; slowest:`);
  for (const s of slow.slice(0, 10)) console.log(`  ${s.ms.toFixed(0).padStart(7)} ms  ${s.what}`);
  process.exit(failures.length + trackingProblems.length > 0 ? 1 : 0);
}

if (process.argv.includes("--child")) await child(Number(arg("--child")), arg("--scale", "long"));
else await parent();
