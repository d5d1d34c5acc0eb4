// Browsers: fetch the regex engine for redactPatterns and price data (a fourth wasm) and
// leave it where the SDK looks for it (core/patterns.ts, FETCHED_PATTERNS). `import
// "@agentlens/sdk/patterns"` before init() with redactPatterns; price data loads it by
// itself. Nothing of the core is imported here: see FETCHED_PATTERNS.
import init, * as patternsModule from "../../wasm-patterns/agentlens_wasm.js";
import { initFromUrl, wasmLocation } from "./wasm-location.js";

await initFromUrl(init, wasmLocation.patterns ?? new URL("../../wasm-patterns/agentlens_wasm_bg.wasm", import.meta.url));
(globalThis as Record<symbol, unknown>)[Symbol.for("agentlens.patterns-wasm")] = patternsModule;
