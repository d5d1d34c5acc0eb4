/**
 * The price data every cost is computed with. The core embeds no prices: the entry point
 * hands the analysis wasm the catalog the package ships (`prices/genai-prices.json`, from
 * Pydantic's genai-prices, MIT) when it installs it; `usePriceCatalog` replaces it with a
 * newer file, offline. What an entry means and which price applies are the core's
 * (`src/analysis/cost/catalog.rs`); this file only hands text over and reads the answer.
 */
import { text } from "./args.js";
import { analysisWasm, parsed } from "./wasm.js";

/** Where the price data came from (`CatalogSource`). */
export type PriceCatalogSource = {
  /** The data's name (`"genai-prices"`). */
  name: string;
  /** Its version (`"0.2.1"`); empty when the file does not say. */
  version: string;
  /** Its licence. */
  licence: string;
  /** Where it is published. */
  url: string;
  /** The day the data was taken (`YYYY-MM-DD`): undated events are priced as of it. */
  as_of: string | null;
};

/** The price data in use: its source and size (`setPriceCatalog`'s answer). */
export type PriceCatalogInfo = {
  source: PriceCatalogSource;
  /** Providers it prices. */
  providers: number;
  /** Models it prices, over all providers. */
  models: number;
};

/**
 * Prices everything from now on with `catalog`: the text of a price file, either the
 * catalog this package ships (`prices/genai-prices.json`, or one written by
 * `agentlens prices update`) or an upstream genai-prices `prices.json` as published. No
 * network: read the file yourself. Your own `pricing` overrides still win over it. The
 * catalog is kept for the process (re-applied if the engines' instance is replaced).
 *
 * Throws `AgentLensAnalysisError` naming the bad entry when the core refuses the file;
 * the catalog in use stays as it was.
 *
 * @example
 * ```ts
 * import { usePriceCatalog, priceCatalogInfo } from "@agentlens/sdk/analysis";
 * const before = priceCatalogInfo();
 * const mine = { agentlens_price_catalog: 1, source: { name: "mine", version: "1", licence: "MIT", url: "https://example.com", as_of: "2026-01-01" },
 *   providers: [{ id: "acme", models: [{ id: "acme-1", match: { equals: "acme-1" }, prices: { input_mtok: 1, output_mtok: 2 } }] }] };
 * const info = usePriceCatalog(JSON.stringify(mine));
 * if (info.models !== 1) throw new Error("expected one model");
 * ```
 */
export function usePriceCatalog(catalog: string): PriceCatalogInfo {
  return parsed(analysisWasm().setPriceCatalog(text("catalog", catalog)));
}

/**
 * The price data in use (its source, version, licence, date and size), or `null` when
 * none was handed to the engines (then every model is reported unmatched, never free).
 *
 * @example
 * ```ts
 * import { priceCatalogInfo } from "@agentlens/sdk/analysis";
 * const info = priceCatalogInfo();
 * console.log(info?.source.name, info?.source.version, info?.models);
 * ```
 */
export function priceCatalogInfo(): PriceCatalogInfo | null {
  return parsed(analysisWasm().priceCatalogInfo());
}
