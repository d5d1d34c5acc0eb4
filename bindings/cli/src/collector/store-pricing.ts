/**
 * The prices users stored with `PUT /pricing` (the `model_pricing` table), in the form the
 * core's cost engine takes as overrides. Every cost the collector reports is priced with
 * them merged over the core's table, so a stored price wins everywhere at once.
 */
import type { PriceOverride, PricingOverrides } from "@agentlens/sdk/analysis";
import type { StoreHandle } from "./store-handle.js";

/** One stored row of `model_pricing`. */
export interface StoredPrice {
  model: string;
  input_cost_per_1m: number;
  output_cost_per_1m: number;
  cached_input_cost_per_1m: number | null;
  reasoning_cost_per_1m: number | null;
  cache_write_cost_per_1m: number | null;
  currency: string;
  updated_at: string;
}

/** Every stored price, by model (lower case, as stored). */
export function storedPrices(store: Pick<StoreHandle, "db">): StoredPrice[] {
  return store.db.prepare("SELECT * FROM model_pricing ORDER BY model").all() as unknown as StoredPrice[];
}

/** The stored prices as the cost engine's overrides, or `undefined` when there are none. */
export function storedPricing(store: Pick<StoreHandle, "db">): PricingOverrides | undefined {
  const rows = storedPrices(store);
  if (rows.length === 0) return undefined;
  return rows.map((r) => {
    const p: PriceOverride = { model: r.model, input_per_1m: r.input_cost_per_1m, output_per_1m: r.output_cost_per_1m, currency: r.currency, source: "collector" };
    if (r.cached_input_cost_per_1m !== null) p.cached_input_per_1m = r.cached_input_cost_per_1m;
    if (r.reasoning_cost_per_1m !== null) p.reasoning_per_1m = r.reasoning_cost_per_1m;
    if (r.cache_write_cost_per_1m !== null) p.cache_write_per_1m = r.cache_write_cost_per_1m;
    return p;
  });
}

/** A price to store for one model (lower-cased, trimmed); USD per 1M tokens. */
export interface PriceInput {
  model: string;
  input_cost_per_1m: number;
  output_cost_per_1m: number;
  cached_input_cost_per_1m?: number;
  reasoning_cost_per_1m?: number;
  cache_write_cost_per_1m?: number;
}

/** Stores every price in one transaction (replacing a model's earlier price); returns how many. */
export function putPrices(store: Pick<StoreHandle, "db">, prices: PriceInput[]): number {
  const upsert = store.db.prepare(`INSERT INTO model_pricing (model, input_cost_per_1m, output_cost_per_1m, cached_input_cost_per_1m, reasoning_cost_per_1m, cache_write_cost_per_1m, currency, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, 'USD', ?) ON CONFLICT(model) DO UPDATE SET input_cost_per_1m = excluded.input_cost_per_1m, output_cost_per_1m = excluded.output_cost_per_1m,
    cached_input_cost_per_1m = excluded.cached_input_cost_per_1m, reasoning_cost_per_1m = excluded.reasoning_cost_per_1m,
    cache_write_cost_per_1m = excluded.cache_write_cost_per_1m, currency = excluded.currency, updated_at = excluded.updated_at`);
  const now = new Date().toISOString();
  store.db.exec("BEGIN IMMEDIATE");
  try {
    for (const p of prices) {
      upsert.run(p.model, p.input_cost_per_1m, p.output_cost_per_1m, p.cached_input_cost_per_1m ?? null, p.reasoning_cost_per_1m ?? null, p.cache_write_cost_per_1m ?? null, now);
    }
    store.db.exec("COMMIT");
  } catch (e) {
    store.db.exec("ROLLBACK");
    throw e;
  }
  return prices.length;
}

/** Deletes a model's stored price (the core's default applies again); whether there was one. */
export function deletePrice(store: Pick<StoreHandle, "db">, model: string): boolean {
  return Number(store.db.prepare("DELETE FROM model_pricing WHERE model = ?").run(model).changes) > 0;
}
