// agentlens/analysis in browsers and Web Workers: fetch the analysis wasm that ships next
// to this module, then install it. Top-level await: importers wait for the engines.
import init, * as analysisModule from "../../wasm-analysis/agentlens_wasm.js";
import { useAnalysisWasm } from "../analysis/wasm.js";

await init({ module_or_path: new URL("../../wasm-analysis/agentlens_wasm_bg.wasm", import.meta.url) });
useAnalysisWasm(analysisModule);

export * from "../analysis/index.js";
