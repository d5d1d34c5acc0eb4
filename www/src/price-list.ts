// The price list the worker's analysis wasm prices every cost with (the core embeds no
// prices): the viewer's bundled copy of the catalog (genai-prices.json, next to the worker
// in the build, fetched once), or, in collector mode, the collector's active catalog
// (GET /pricing/catalog, fetched by the shell with its key and handed in as text) so that
// the viewer and the collector price alike. Without one every model is unmatched: the
// views then say "unpriced", never $0.
import { analysisWasm } from "@agentlens/sdk/internal";

/** The bundled catalog, copied next to the worker's chunks by www/build.mjs. */
export const BUNDLED_CATALOG = "genai-prices.json";

/** What the catalog in use is, or why there is none. */
export interface PriceListStatus {
  /** Whether a catalog is in use. */
  loaded: boolean;
  /** Where it came from: "collector", "bundled", or "" while none. */
  from: "collector" | "bundled" | "";
  /** The catalog's `source` block (name, version, as_of, …), when loaded. */
  source: Record<string, unknown> | null;
  models: number;
  providers: number;
  /** Milliseconds from asking to a catalog in use (fetch, parse and the core's read). */
  ms: number;
  /** Of which the core's read of the text (`setPriceCatalog`). */
  readMs: number;
  /** Why the catalog asked for could not be used (empty when it was). */
  problem: string;
}

let prefetched: Promise<Response> | undefined;
/** Bumped each time a catalog is put in use: a TraceView prices with the one in use when it was made. */
let generation = 0;
let status: PriceListStatus = { loaded: false, from: "", source: null, models: 0, providers: 0, ms: 0, readMs: 0, problem: "" };
let current: Promise<PriceListStatus> | undefined;

function install(text: string, from: "collector" | "bundled", started: number): PriceListStatus {
  const reading = performance.now();
  const info = JSON.parse(analysisWasm().setPriceCatalog(text)) as { source?: Record<string, unknown>; models?: number; providers?: number };
  generation++;
  return { loaded: true, from, source: info.source ?? null, models: info.models ?? 0, providers: info.providers ?? 0, ms: Math.round(performance.now() - started), readMs: Math.round(performance.now() - reading), problem: "" };
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function fromBundle(started: number, before: string): Promise<PriceListStatus> {
  try {
    const res = await (prefetched ?? fetch(new URL(`./${BUNDLED_CATALOG}`, import.meta.url)));
    prefetched = undefined;
    if (!res.ok) throw new Error(`the viewer's ${BUNDLED_CATALOG} answered HTTP ${res.status}`);
    return install(await res.text(), "bundled", started);
  } catch (err) {
    const problem = before ? `${before}; ${reason(err)}` : reason(err);
    // A catalog already in use stays (the core keeps it when a new one is refused).
    return { ...status, problem, ms: Math.round(performance.now() - started) };
  }
}

async function load(text: string | undefined): Promise<PriceListStatus> {
  const started = performance.now();
  let before = "";
  if (typeof text === "string") {
    try {
      return install(text, "collector", started);
    } catch (err) {
      before = `the collector's price catalog was refused (${reason(err)})`;
    }
  }
  return fromBundle(started, before);
}

/**
 * Uses `text` (the collector's catalog) or, without it or when the core refuses it, the
 * bundled catalog. Resolves to the status once the catalog is in use; never rejects.
 */
export function usePriceList(text?: string): Promise<PriceListStatus> {
  const next = (current ?? Promise.resolve(status)).then(() => load(text));
  current = next.then((s) => (status = s));
  return current;
}

/** The bundled catalog's fetch, started by worker.ts beside the wasm's (used by the first bundled load). */
export function prefetchedCatalog(res: Promise<Response>): void {
  prefetched = res;
}

/** Counts the catalogs put in use (0: none yet). */
export function priceListGeneration(): number {
  return generation;
}

/** The price list in use now (or why there is none), without waiting for one asked for. */
export function priceListStatus(): PriceListStatus {
  return status;
}

/** The catalog in use once any load asked for has settled (the bundled one is asked for if none was). */
export function priceListReady(): Promise<PriceListStatus> {
  return current ?? usePriceList();
}
