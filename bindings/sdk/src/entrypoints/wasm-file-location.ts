// Under the "agentlens-wasm-file" condition: import the .wasm files so that the bundler
// copies them and gives their URLs (esbuild --loader:.wasm=file gives a path relative to
// the bundle), and record them before the browser entry points run.
import sdkWasm from "../../wasm/agentlens_wasm_bg.wasm";
import analysisWasm from "../../wasm-analysis/agentlens_wasm_bg.wasm";
import liveWasm from "../../wasm-live/agentlens_wasm_bg.wasm";
import patternsWasm from "../../wasm-patterns/agentlens_wasm_bg.wasm";
import { wasmLocation } from "./wasm-location.js";

// wasm-module.d.ts types a .wasm import as the compiled module edge runtimes give; a
// file-emitting bundler gives its URL instead, relative to the output file or absolute.
wasmLocation.sdk = new URL(sdkWasm as unknown as string, import.meta.url);
wasmLocation.analysis = new URL(analysisWasm as unknown as string, import.meta.url);
wasmLocation.live = new URL(liveWasm as unknown as string, import.meta.url);
wasmLocation.patterns = new URL(patternsWasm as unknown as string, import.meta.url);
