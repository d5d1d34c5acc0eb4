// Costs as the viewer shows them: an event's cost split by token kind with the price that
// was used (its key, provider, source, date and tier), a session's split, and what is said
// when no price list could be loaded (costs are then "unpriced", never $0). Every value,
// the trace's model names included, goes into the page as text.
import { fmtCost } from "../dom";
import type { CostParts } from "../worker-handlers/cost";
import type { PriceListStatus } from "../price-list";

/** The cost engine's `EventCost`, as the core's JSON holds it (older fields may be absent). */
export interface EventCostView {
  total_cost: number;
  matched: boolean;
  pricing_key: string | null;
  provider?: string | null;
  tokens_in?: number;
  tokens_out?: number;
  cached_input_tokens?: number;
  cache_write_tokens?: number;
  reasoning_tokens?: number;
  input_cost?: number;
  cached_input_cost?: number;
  cache_write_cost?: number;
  output_cost?: number;
  reasoning_cost?: number;
  other_cost?: number;
  pricing_provider?: string | null;
  pricing_source?: string | null;
  price_date?: string | null;
  price_tier?: number | null;
  cached_price_assumed?: boolean;
  cache_write_price_assumed?: boolean;
}

/** One fact: its label and its text (an empty text is not shown). */
export type Fact = [string, string | undefined];

const n = (v: number | undefined) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** What a missing price list means, in one line, or "" while one is in use. */
export function unpricedReason(list: PriceListStatus | undefined): string {
  if (!list || list.loaded) return "";
  return `unpriced: no price list could be loaded${list.problem ? ` (${list.problem})` : ""}`;
}

/** The sentence on prices that were assumed, or "" when none was. */
export function assumedNote(cached: boolean | undefined, cacheWrite: boolean | undefined): string {
  const parts = [cached ? "cached reads" : "", cacheWrite ? "cache writes" : ""].filter(Boolean);
  if (!parts.length) return "";
  return `Note: ${parts.join(" and ")} were priced at the input price, because the price list gives none for this model.`;
}

/** The split by token kind: the kinds with a cost or tokens, each as "$cost" or "$cost (n tokens)". */
function partFacts(p: { input: number; cachedInput: number; cacheWrite: number; output: number; reasoning: number; other: number; cachedInputTokens: number; cacheWriteTokens: number }): Fact[] {
  const out: Fact[] = [];
  const add = (label: string, cost: number, tokens?: number) => {
    if (cost === 0 && !tokens) return;
    out.push([label, tokens ? `${fmtCost(cost)} (${tokens} tokens)` : fmtCost(cost)]);
  };
  add("Input cost", p.input);
  add("Cached read cost", p.cachedInput, p.cachedInputTokens);
  add("Cache write cost", p.cacheWrite, p.cacheWriteTokens);
  add("Output cost", p.output);
  add("Reasoning cost", p.reasoning);
  add("Other cost", p.other);
  return out;
}

/** An event's token counts and cost, the price used, and the split by kind. */
export function eventCostFacts(model: string, c: EventCostView | null, list: PriceListStatus | undefined): Fact[] {
  if (!c) return [];
  const tokens: Fact[] = [
    ["Cached tokens", c.cached_input_tokens ? String(c.cached_input_tokens) : undefined],
    ["Cache write tokens", c.cache_write_tokens ? String(c.cache_write_tokens) : undefined],
    ["Reasoning tokens", c.reasoning_tokens ? String(c.reasoning_tokens) : undefined],
  ];
  if (!c.matched) return [...tokens, ["Cost", unpricedReason(list) || `no price for ${model || "this model"}`]];
  const parts = partFacts({
    input: n(c.input_cost),
    cachedInput: n(c.cached_input_cost),
    cacheWrite: n(c.cache_write_cost),
    output: n(c.output_cost),
    reasoning: n(c.reasoning_cost),
    other: n(c.other_cost),
    cachedInputTokens: n(c.cached_input_tokens),
    cacheWriteTokens: n(c.cache_write_tokens),
  });
  return [
    ...tokens,
    ["Cost", `${fmtCost(c.total_cost)} (priced as ${c.pricing_key ?? "?"})`],
    ...parts,
    ["Price", c.pricing_key ?? undefined],
    ["Price provider", c.pricing_provider ?? undefined],
    ["Price source", c.pricing_source ?? undefined],
    ["Price date", c.price_date ?? "no date"],
    ["Price tier", typeof c.price_tier === "number" ? `prompts of ${c.price_tier} input tokens and more` : undefined],
    ["Price note", assumedNote(c.cached_price_assumed, c.cache_write_price_assumed) || undefined],
  ];
}

/** A session's cost line: the total (or why it is unpriced) and the models with no price. */
export function sessionCostText(total: number, unmatched: string[], models: string[], list: PriceListStatus | undefined): string {
  const reason = unpricedReason(list);
  if (reason && models.length) return reason;
  const missing = unmatched.length ? ` (no price for ${unmatched.join(", ")})` : "";
  if (models.length && unmatched.length === models.length && total === 0) return `unpriced${missing}`;
  return fmtCost(total) + missing;
}

/**
 * A session's split by kind, and the note on assumed prices: shown when the session has
 * cache reads or writes, reasoning or other costs (plain input and output alone need no split).
 */
export function sessionPartFacts(parts: CostParts | null | undefined): Fact[] {
  if (!parts || !(parts.cachedInput || parts.cacheWrite || parts.reasoning || parts.other || parts.cachedInputTokens || parts.cacheWriteTokens)) return [];
  return [...partFacts(parts), ["Price note", assumedNote(parts.cachedPriceAssumed, parts.cacheWritePriceAssumed) || undefined]];
}
