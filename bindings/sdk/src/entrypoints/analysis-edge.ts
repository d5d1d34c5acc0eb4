// @agentlens/sdk/analysis on workerd and Vercel Edge: these runtimes compile wasm only from a
// static import of the .wasm file, so the bundler hands over a compiled module.
import analysisWasmModule from "../../wasm-analysis/agentlens_wasm_bg.wasm";
import * as analysisModule from "../../wasm-analysis/agentlens_wasm.js";
import { useAnalysisWasm } from "../analysis/wasm.js";
// The price data (a module of its own, loaded only by the entries that price).
import catalog from "../../prices/catalog.js";

analysisModule.initSync({ module: analysisWasmModule });
useAnalysisWasm(analysisModule, catalog);

export * from "../analysis/index.js";
