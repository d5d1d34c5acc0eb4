/// <reference types="node" />
// `@agentlens/sdk/patterns` on Node, Bun and Deno: loads the regex engine for redactPatterns
// and price data now and leaves it where the SDK looks for it (core/patterns.ts,
// FETCHED_PATTERNS). Not needed where require() loads ES modules (Node >= 20.19, 22.12):
// there the SDK loads it by itself when a pattern first needs it.
import * as patternsModule from "../../wasm-patterns/agentlens_wasm.js";
import { readFileBytes } from "./node-fs.js";

patternsModule.initSync({ module: readFileBytes(new URL("../../wasm-patterns/agentlens_wasm_bg.wasm", import.meta.url)) });
(globalThis as Record<symbol, unknown>)[Symbol.for("agentlens.patterns-wasm")] = patternsModule;
