/**
 * Holds the loaded analysis wasm (bindings/sdk/wasm-analysis/: every analysis engine, a
 * separate and larger module than the SDK's). `@agentlens/sdk/analysis` loads it on import.
 */
import type * as AnalysisWasmModule from "../../wasm-analysis/agentlens_wasm.js";
import { AgentLensNotLoadedError } from "../core/wasm.js";

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

/** The loaded analysis wasm module. */
export function analysisWasm(): AnalysisWasm {
  if (!loaded) {
    throw new AgentLensNotLoadedError("agentlens: the analysis wasm is not loaded; import from '@agentlens/sdk/analysis'");
  }
  return loaded;
}

/** A trace event in the wire shape (as `decodeNdjson` returns them): snake_case fields. */
export type WireEvent = Record<string, unknown>;

/** A JSON object the engines return; see the field names in the Rust core's docs. */
export type AnalysisObject = Record<string, unknown>;
