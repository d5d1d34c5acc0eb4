// Redaction throughput inside wasm over a 1 MiB corpus (see corpus.mjs).
//   node bench/redact-wasm.mjs [path/to/wasm-bindgen-out-dir]
// Prints MiB/s (median of several rounds) and the match count, as one JSON line.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { corpus } from "./corpus.mjs";

const dir = process.argv[2] ?? new URL("../bindings/sdk/wasm/", import.meta.url).pathname;
const glue = await import(pathToFileURL(`${dir}/agentlens_wasm.js`).href);
glue.initSync({ module: readFileSync(`${dir}/agentlens_wasm_bg.wasm`) });

const text = corpus();
const redactor = new glue.RedactorWasm("{}");
const rounds = [];
let out = "";
for (let i = 0; i < 12; i++) {
  const t0 = process.hrtime.bigint();
  out = redactor.redact(text);
  rounds.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
rounds.sort((a, b) => a - b);
const medianMs = rounds[rounds.length >> 1];
const matches = (out.match(/\[REDACTED\]/g) ?? []).length;
console.log(JSON.stringify({ dir, medianMs: +medianMs.toFixed(2), mibPerSec: +(1 / (medianMs / 1000)).toFixed(1), matches, wasmBytes: readFileSync(`${dir}/agentlens_wasm_bg.wasm`).length }));
