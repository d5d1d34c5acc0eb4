/// <reference types="node" />
import { readFileSync } from "node:fs";
import * as wasmModule from "../../wasm/agentlens_wasm.js";
import { useWasm } from "../core/wasm.js";

wasmModule.initSync({ module: readFileSync(new URL("../../wasm/agentlens_wasm_bg.wasm", import.meta.url)) });
useWasm(wasmModule);

export * from "../core/index.js";
