// The framework integrations' wasm in browsers and Web Workers: fetch the file that ships
// next to this module (or where a bundler put it, see wasm-location.ts), then install it.
import init, * as liveModule from "../../wasm-live/agentlens_wasm.js";
import { useLiveWasm } from "../integrations/live-wasm.js";
import { initFromUrl, wasmLocation } from "./wasm-location.js";

await initFromUrl(init, wasmLocation.live ?? new URL("../../wasm-live/agentlens_wasm_bg.wasm", import.meta.url));
useLiveWasm(liveModule);
