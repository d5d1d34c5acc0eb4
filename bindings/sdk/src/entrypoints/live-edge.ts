// The framework integrations' wasm on workerd and Vercel Edge: these runtimes compile wasm
// only from a static import of the .wasm file, so the bundler hands over a compiled module.
import liveWasmModule from "../../wasm-live/agentlens_wasm_bg.wasm";
import * as liveModule from "../../wasm-live/agentlens_wasm.js";
import { useLiveWasm } from "../integrations/live-wasm.js";

liveModule.initSync({ module: liveWasmModule });
useLiveWasm(liveModule);
