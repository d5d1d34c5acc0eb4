// workerd and Vercel Edge refuse to compile wasm from bytes at run time; they hand over a
// compiled WebAssembly.Module for a static import of the .wasm file (flipt-client-sdks#931).
import wasmModule from "../../wasm/agentlens_wasm_bg.wasm";
import * as bindings from "../../wasm/agentlens_wasm.js";
import patternsWasmModule from "../../wasm-patterns/agentlens_wasm_bg.wasm";
import * as patternsModule from "../../wasm-patterns/agentlens_wasm.js";
import { useWasm } from "../core/wasm.js";
import { useDefaultExporter } from "../core/default-exporter.js";
import { createHttpExporter } from "../exporters/http.js";
import { usePlatform } from "../core/platform.js";
import { useAnalysisLoader } from "../core/tracker-analysis.js";
import { useLiveLoader } from "../integrations/live-wasm.js";
import { usePatternsLoader } from "../core/patterns.js";
import { edgePlatform } from "../platform/edge.js";

bindings.initSync({ module: wasmModule });
useWasm(bindings);
useDefaultExporter(createHttpExporter);
usePlatform(edgePlatform());

// The analysis engines (a larger, separate wasm) load on a tracker's first analysis call.
useAnalysisLoader(() => import("./analysis-edge.js"));
// The framework integrations' mapper (a third, small wasm) loads on an integration's first record.
useLiveLoader(() => import("./live-edge.js"));
// The regex engine for redactPatterns and price data (a fourth wasm, compiled by the runtime
// at the static import) is instantiated when a pattern needs it.
usePatternsLoader({
  sync: () => {
    patternsModule.initSync({ module: patternsWasmModule });
    return patternsModule;
  },
});

export * from "../core/index.js";
export * from "../exporters/index.js";
export { edgePlatform, type EdgePlatformOptions } from "../platform/edge.js";
