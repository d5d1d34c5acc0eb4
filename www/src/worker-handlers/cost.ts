// The parts of a cost by token kind (input, cached read, cache write, output, reasoning,
// other), added up over the statistics engine's per-model costs (`ModelCost`) for the
// session header and the Charts tab. The core prices every part; this only adds them for
// display. Read field by field from the core's JSON, so a field absent reads as 0.
import type { HeldTrace } from "../contract";

/** The cost of some calls split by token kind, in USD, with the token counts shown beside. */
export interface CostParts {
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  other: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  /** A cached read (or cache write) was priced at the input price: the model lists none. */
  cachedPriceAssumed: boolean;
  cacheWritePriceAssumed: boolean;
}

type Obj = Record<string, unknown>;
const num = (o: Obj, k: string) => (typeof o[k] === "number" && Number.isFinite(o[k]) ? (o[k] as number) : 0);

/** An empty split. */
export function noParts(): CostParts {
  return { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, other: 0, cachedInputTokens: 0, cacheWriteTokens: 0, cachedPriceAssumed: false, cacheWritePriceAssumed: false };
}

/** Adds one `ModelCost` (the core's JSON object) into `into`. */
export function addModelCost(into: CostParts, m: unknown): CostParts {
  if (!m || typeof m !== "object") return into;
  const o = m as Obj;
  into.input += num(o, "input_cost");
  into.cachedInput += num(o, "cached_input_cost");
  into.cacheWrite += num(o, "cache_write_cost");
  into.output += num(o, "output_cost");
  into.reasoning += num(o, "reasoning_cost");
  into.other += num(o, "other_cost");
  into.cachedInputTokens += num(o, "cached_input_tokens");
  into.cacheWriteTokens += num(o, "cache_write_tokens");
  into.cachedPriceAssumed ||= o.cached_price_assumed === true;
  into.cacheWritePriceAssumed ||= o.cache_write_price_assumed === true;
  return into;
}

/** The split of every model's cost in `models` (the statistics engine's `models` map). */
export function partsOf(models: Record<string, unknown> | undefined): CostParts {
  return Object.values(models ?? {}).reduce<CostParts>(addModelCost, noParts());
}

/** One session's split, from the core's statistics over it; null for an unknown session. */
export function sessionParts(trace: HeldTrace, id: string): CostParts | null {
  const data = trace.view.charts([id]);
  return data ? partsOf(data.stats.models as unknown as Record<string, unknown>) : null;
}
