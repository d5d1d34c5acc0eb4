/**
 * Holds the loaded analysis wasm (bindings/sdk/wasm-analysis/: every analysis engine, a
 * separate and larger module than the SDK's). `@agentlens/sdk/analysis` loads it on import.
 *
 * The raw module is not part of the public API: users call the typed functions of
 * `@agentlens/sdk/analysis`; AgentLens's own packages reach it through
 * `@agentlens/sdk/internal`. This folder imports nothing from `core/` (the tracker's
 * analysis methods in `core/tracker-analysis.ts` build on it, never the reverse).
 */
import type * as AnalysisWasmModule from "../../wasm-analysis/agentlens_wasm.js";

export type AnalysisWasm = typeof AnalysisWasmModule;

let loaded: AnalysisWasm | undefined;

/** Installs the loaded analysis wasm module. Called once by an entry point. */
export function useAnalysisWasm(module: AnalysisWasm): void {
  loaded = module;
}

/** Whether an entry point has installed the analysis wasm. */
export function isAnalysisLoaded(): boolean {
  return loaded !== undefined;
}

/**
 * The loaded analysis wasm module. Throws an `Error` named `AgentLensNotLoadedError` (the
 * name the SDK's own not-loaded error has; matched by name, like the core's errors) when no
 * entry point installed it.
 */
export function analysisWasm(): AnalysisWasm {
  if (!loaded) {
    const e = new Error("agentlens: the analysis wasm is not loaded; import from '@agentlens/sdk/analysis'");
    e.name = "AgentLensNotLoadedError";
    throw e;
  }
  return loaded;
}

/**
 * Parses the JSON text an engine returned as the report type the caller declares. The
 * types are field for field the Rust core's serde output (see `*-types.ts`); a test runs
 * each engine on fixture traces and checks every returned key against them.
 */
export function parsed<T>(json: string): T {
  return JSON.parse(json) as T;
}
