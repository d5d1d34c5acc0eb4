/// <reference types="node" />
// Node (and Bun, Deno): read the wasm bytes next to this module and compile them in place.
import { readFileBytes, requireModule } from "./node-fs.js";
import * as wasmModule from "../../wasm/agentlens_wasm.js";
import { useWasm } from "../core/wasm.js";
import { useDefaultExporter } from "../core/default-exporter.js";
import { createHttpExporter } from "../exporters/http.js";
import { usePlatform } from "../core/platform.js";
import { useAnalysisLoader } from "../core/tracker-analysis.js";
import { useLiveLoader } from "../integrations/live-wasm.js";
import { usePatternsLoader, type PatternsWasm } from "../core/patterns.js";
import { nodePlatform } from "../platform/node.js";

wasmModule.initSync({ module: readFileBytes(new URL("../../wasm/agentlens_wasm_bg.wasm", import.meta.url)) });
useWasm(wasmModule);
useDefaultExporter(createHttpExporter);
usePlatform(nodePlatform());

// The analysis engines (a larger, separate wasm) load on a tracker's first analysis call.
useAnalysisLoader(() => import("./analysis-node.js"));
// The framework integrations' mapper (a third, small wasm) loads on an integration's first record.
useLiveLoader(() => import("./live-node.js"));
// The regex engine for redactPatterns and price data (a fourth wasm) loads when a pattern
// needs it, its glue by require(): a static import would load it into every process
// (~1.5-3 ms of a cold start, measured). Where require() cannot load an ES module (Node 20
// before 20.19), init() asks for `import "@agentlens/sdk/patterns"` (patterns-node.ts).
usePatternsLoader({
  sync: () => {
    const patternsModule = requireModule("../../wasm-patterns/agentlens_wasm.js", import.meta.url) as PatternsWasm;
    patternsModule.initSync({ module: readFileBytes(new URL("../../wasm-patterns/agentlens_wasm_bg.wasm", import.meta.url)) });
    return patternsModule;
  },
});

export * from "../core/index.js";
export * from "../exporters/index.js";
export { nodePlatform } from "../platform/node.js";
export { createNdjsonFileExporter, type NdjsonFileExporterOptions } from "../platform/node-file.js";
