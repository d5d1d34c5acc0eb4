/**
 * Holds the framework integrations' wasm (bindings/sdk/wasm-live/: the core's
 * `LiveMapper` alone, a third module beside the SDK's and the analysis engines'). Each
 * entry point says how its platform loads it (`useLiveLoader`); the bridge loads it on
 * the first record, so an agent that uses no integration never loads it.
 */
import type * as LiveWasmModule from "../../wasm-live/agentlens_wasm.js";

export type LiveWasm = typeof LiveWasmModule;

let loader: (() => Promise<unknown>) | undefined;
let loading: Promise<unknown> | undefined;
let loaded: LiveWasm | undefined;

/** Called by each entry point: how this platform loads the integrations' wasm. */
export function useLiveLoader(load: () => Promise<unknown>): void {
  loader = load;
}

/** Installs the loaded module. Called by the platform's loader module. */
export function useLiveWasm(module: LiveWasm): void {
  loaded = module;
}

/** The integrations' wasm, loading it on first use. Rejects with a named error when it cannot. */
export async function liveReady(): Promise<LiveWasm> {
  if (!loaded) {
    if (!loader) {
      const e = new Error("agentlens: this entry point does not load the framework integrations' wasm; import '@agentlens/sdk' (not '/slim') before an integration");
      e.name = "AgentLensNotLoadedError";
      throw e;
    }
    loading ??= loader().catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    await loading;
  }
  return loaded!;
}

/** The module if it is loaded already. */
export function liveLoaded(): LiveWasm | undefined {
  return loaded;
}
