import { readFileSync } from "node:fs";
import { analysisWasm } from "/work/main/bindings/sdk/dist/analysis/wasm.js";
import { importTrace } from "@agentlens/sdk/analysis";
importTrace("{}\n".replace("{}", '{"session_id":"a","event_type":"final"}'));
const w = analysisWasm();
for (const f of ["otlp.json", "events.ndjson"]) {
  const b = readFileSync("/tmp/imp/" + f);
  let bw = 1e9, bp = 1e9, len = 0;
  for (let r = 0; r < 7; r++) {
    let t = performance.now(); const s = w.importTraceJson(b); const a = performance.now() - t;
    t = performance.now(); JSON.parse(s); const p = performance.now() - t;
    bw = Math.min(bw, a); bp = Math.min(bp, p); len = s.length;
  }
  console.log(f, "wasm+str", bw.toFixed(0), "ms; JSON.parse", bp.toFixed(0), "ms; out", len);
}
