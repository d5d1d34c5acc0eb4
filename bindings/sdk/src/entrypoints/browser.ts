// Browsers: fetch the wasm that ships next to this module (or where a bundler put it, see
// wasm-location.ts), then install it.
import init, * as wasmModule from "../../wasm/agentlens_wasm.js";
import { useWasm } from "../core/wasm.js";
import { useDefaultExporter } from "../core/default-exporter.js";
import { createHttpExporter } from "../exporters/http.js";
import { usePlatform } from "../core/platform.js";
import { useAnalysisLoader } from "../core/tracker-analysis.js";
import { useLiveLoader } from "../integrations/live-wasm.js";
import { usePatternsLoader } from "../core/patterns.js";
import { browserPlatform } from "../platform/browser.js";
import { initFromUrl, wasmLocation } from "./wasm-location.js";

await initFromUrl(init, wasmLocation.sdk ?? new URL("../../wasm/agentlens_wasm_bg.wasm", import.meta.url));
useWasm(wasmModule);
useDefaultExporter(createHttpExporter);
usePlatform(browserPlatform());

// The analysis engines (a larger, separate wasm) load on a tracker's first analysis call.
useAnalysisLoader(() => import("./analysis-browser.js"));
// The framework integrations' mapper (a third, small wasm) loads on an integration's first record.
useLiveLoader(() => import("./live-browser.js"));
// The regex engine for redactPatterns and price data (a fourth wasm) is fetched when price
// data needs it, or by `import "@agentlens/sdk/patterns"` before init() with redactPatterns.
usePatternsLoader({ async: () => import("./patterns-browser.js") });

export * from "../core/index.js";
export * from "../exporters/index.js";
export { browserPlatform } from "../platform/browser.js";
