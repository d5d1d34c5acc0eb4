// Redaction throughput inside wasm over a 1 MiB corpus (see corpus.mjs), against the same
// default rules as JS regexes (redact-js.mjs) in the same run, rounds interleaved.
//   node bench/redact-wasm.mjs [path/to/wasm-bindgen-out-dir ...]
// Prints, as one JSON line per build: MiB/s (median of the rounds), the match count,
// whether the output is the JS peer's byte for byte, the median time to build a default
// redactor (`new RedactorWasm("{}")`, part of `init()`), and the wasm size; then the JS line.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { corpus } from "./corpus.mjs";
import { jsDefaultRedact, timeRedactors } from "./redact-js.mjs";

const dirs = process.argv.length > 2 ? process.argv.slice(2) : [new URL("../bindings/sdk/wasm/", import.meta.url).pathname];
const text = corpus();
const builds = [];
for (const [i, dir] of dirs.entries()) {
  const glue = await import(pathToFileURL(`${dir}/agentlens_wasm.js`).href + `?build=${i}`);
  glue.initSync({ module: readFileSync(`${dir}/agentlens_wasm_bg.wasm`) });
  const times = [];
  for (let k = 0; k < 41; k++) {
    const t0 = process.hrtime.bigint();
    const r = new glue.RedactorWasm("{}");
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    r.free();
  }
  times.sort((a, b) => a - b);
  const redactor = new glue.RedactorWasm("{}");
  builds.push({ dir, buildMs: times[times.length >> 1], redact: (t) => redactor.redact(t) });
}
const fns = Object.fromEntries(builds.map((b, i) => [`wasm${i}`, b.redact]));
fns.js = jsDefaultRedact;
const timed = timeRedactors(fns, text, 12);
const count = (s) => (s.match(/\[REDACTED\]/g) ?? []).length;
for (const [i, b] of builds.entries()) {
  const t = timed[`wasm${i}`];
  console.log(JSON.stringify({
    dir: b.dir,
    mibPerSec: t.mibPerSec,
    matches: count(t.output),
    sameAsJs: t.output === timed.js.output,
    redactorBuildMs: +b.buildMs.toFixed(3),
    wasmBytes: readFileSync(`${b.dir}/agentlens_wasm_bg.wasm`).length,
  }));
}
console.log(JSON.stringify({ js: "jsDefaultRedact", mibPerSec: timed.js.mibPerSec, matches: count(timed.js.output) }));
