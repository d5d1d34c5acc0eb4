/// <reference types="node" />
// @agentlens/sdk/analysis on Node (and Bun, Deno): read the analysis wasm next to the package
// and compile it in place. A separate module from the SDK's wasm, loaded only here.
import { readFileBytes } from "./node-fs.js";
import * as analysisModule from "../../wasm-analysis/agentlens_wasm.js";
import { useAnalysisWasm } from "../analysis/wasm.js";
// The price data (a module of its own, loaded only by the entries that price).
import catalog from "../../prices/catalog.js";

analysisModule.initSync({ module: readFileBytes(new URL("../../wasm-analysis/agentlens_wasm_bg.wasm", import.meta.url)) });
useAnalysisWasm(analysisModule, catalog);

export * from "../analysis/index.js";
