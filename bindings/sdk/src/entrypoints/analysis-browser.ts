// @agentlens/sdk/analysis in browsers and Web Workers: fetch the analysis wasm that ships next
// to this module (or where a bundler put it, see wasm-location.ts), then install it.
// Top-level await: importers wait for the engines.
import init, * as analysisModule from "../../wasm-analysis/agentlens_wasm.js";
import { useAnalysisWasm } from "../analysis/wasm.js";
// The price data (a module of its own, loaded only by the entries that price).
import catalog from "../../prices/catalog.js";
import { initFromUrl, wasmLocation } from "./wasm-location.js";

await initFromUrl(init, wasmLocation.analysis ?? new URL("../../wasm-analysis/agentlens_wasm_bg.wasm", import.meta.url));
useAnalysisWasm(analysisModule, catalog);

export * from "../analysis/index.js";
