/// <reference types="node" />
// The framework integrations' wasm on Node (and Bun, Deno): read it next to the package and
// compile it in place. Loaded by an integration's first record.
import { readFileBytes } from "./node-fs.js";
import * as liveModule from "../../wasm-live/agentlens_wasm.js";
import { useLiveWasm } from "../integrations/live-wasm.js";

liveModule.initSync({ module: readFileBytes(new URL("../../wasm-live/agentlens_wasm_bg.wasm", import.meta.url)) });
useLiveWasm(liveModule);
