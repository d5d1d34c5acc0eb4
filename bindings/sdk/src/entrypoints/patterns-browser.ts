// Browsers: fetch the regex engine for redactPatterns and price data (a fourth wasm) and
// hand it to the SDK. `import "@agentlens/sdk/patterns"` before init() with redactPatterns;
// price data loads it by itself.
import init, * as patternsModule from "../../wasm-patterns/agentlens_wasm.js";
import { usePatternsLoader } from "../core/patterns.js";
import { initFromUrl, wasmLocation } from "./wasm-location.js";

await initFromUrl(init, wasmLocation.patterns ?? new URL("../../wasm-patterns/agentlens_wasm_bg.wasm", import.meta.url));
usePatternsLoader({ sync: () => patternsModule });
