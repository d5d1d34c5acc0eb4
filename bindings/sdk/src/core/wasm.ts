/**
 * Holds the loaded wasm module. Entry points load it the way their platform allows
 * (bytes on Node, a static module import on edge runtimes) and hand it over here.
 */
import type * as WasmModule from "../../wasm/agentlens_wasm.js";

export type Wasm = typeof WasmModule;

let loaded: Wasm | undefined;

/** Installs the loaded wasm module. Called once by an entry point. */
export function useWasm(module: Wasm): void {
  loaded = module;
}

/** Raised when the package is used before its wasm is loaded. */
export class AgentLensNotLoadedError extends Error {
  override name = "AgentLensNotLoadedError";
}

/** The loaded wasm module. */
export function wasm(): Wasm {
  if (!loaded) {
    throw new AgentLensNotLoadedError(
      "agentlens: the wasm core is not loaded; import from '@agentlens/sdk' (or call init() from '@agentlens/sdk/slim') first",
    );
  }
  return loaded;
}
