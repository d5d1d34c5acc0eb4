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

/** The price data last handed to the core (`setPriceCatalog`), re-applied to a new instance. */
let catalogText: string | undefined;

/** The price data to hand to the core on first use (reading it takes tens of milliseconds). */
let pending: string | undefined;

/**
 * Installs the loaded analysis wasm module with `catalog` (the text of the package's
 * `prices/genai-prices.json`), unless a catalog was set before (`usePriceCatalog`): the
 * core embeds no prices. Called once by an entry point.
 *
 * The catalog is handed over on the first `analysisWasm()`, not here: importing the entry
 * stays as fast as it was, and a process that never asks pays nothing. The module is
 * installed wrapped: `setPriceCatalog` remembers the text it was given, and
 * `__wbg_reset_state` (a fresh instance, which starts without prices: the collector's
 * recycling) hands the remembered text to the new instance, so costs stay priced.
 */
export function useAnalysisWasm(module: AnalysisWasm, catalog?: string): void {
  loaded = Object.freeze({
    ...module,
    setPriceCatalog(text: string): string {
      pending = undefined;
      const info = module.setPriceCatalog(text);
      catalogText = text;
      return info;
    },
    __wbg_reset_state(): void {
      module.__wbg_reset_state();
      if (catalogText !== undefined) module.setPriceCatalog(catalogText);
    },
  });
  pending = catalogText ?? catalog;
}

/**
 * Hands the installed module its pending catalog. A catalog the core refuses (a broken
 * package) must not break every engine: costs then report every model unmatched, and
 * `priceCatalogInfo()` is null.
 */
function applyPending(w: AnalysisWasm, text: string): void {
  try {
    w.setPriceCatalog(text);
  } catch (e) {
    pending = undefined;
    (globalThis as { console?: { warn?: (message: string) => void } }).console?.warn?.(`agentlens: the package's price data was refused, costs are unpriced: ${e instanceof Error ? e.message : String(e)}`);
  }
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
  if (pending !== undefined) applyPending(loaded, pending);
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
