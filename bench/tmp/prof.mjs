import { readFileSync } from "node:fs";
import { analysisWasm } from "/work/main/bindings/sdk/dist/analysis/wasm.js";
import { importTrace } from "@agentlens/sdk/analysis";
importTrace('{"session_id":"a","event_type":"final"}\n');
const w = analysisWasm();
const b = readFileSync("/tmp/imp/otlp.json");
for (let r = 0; r < 4; r++) w.importTraceJson(b);
