/** Cost and session statistics over one session's events. */
import type { CostSummary, DailyCosts, ModelPrice, PricingOverrides, SessionCost, SessionStats } from "./cost-types.js";
import type { WireEventInput } from "./event-types.js";
import { analysisError, json, jsonArray, options as optionsArg, text, time } from "./args.js";
import { analysisWasm, parsed } from "./wasm.js";

export type { PricingOverrides } from "./cost-types.js";

/** Override prices as the engines take them: JSON text, or nothing. */
export const pricingText = (pricing?: PricingOverrides) => (pricing === undefined ? undefined : json("pricing", pricing));

/** Events as the engines take them: a JSON array (anything else is `AgentLensAnalysisError`). */
export const eventsText = (events: unknown, arg = "events") => jsonArray(arg, events);

/** Options of `sessionCost`, `dailyCosts` and `costSummary`. */
export type CostOptions = {
  /**
   * Amounts unrounded (default: rounded to the micro-dollar, 6 dp). For adding up the
   * results of parts, such as the pages of a long window: each part rounded to 6 dp would
   * move the sum by up to half a micro-dollar per part. Each event's own cost stays at 6 dp.
   */
  exact?: boolean;
};

/** Whether `options` asks for unrounded amounts (anything but an object with a boolean `exact` is `AgentLensAnalysisError`). */
function exactArg(options: unknown): boolean {
  const exact = optionsArg("options", options)("exact");
  if (exact !== undefined && typeof exact !== "boolean") throw analysisError(`options.exact must be a boolean (got ${typeof exact})`);
  return exact === true;
}

/**
 * The cost of a session: totals, per-event costs, per-model roll-ups and the models no
 * price matched (never priced as zero silently). Throws `AgentLensAnalysisError` for a
 * bad pricing table or events JSON cannot hold, and `AgentLensDecodeError` for events
 * that are not an array of events (as every function of `@agentlens/sdk/analysis` does:
 * see the entry's errors).
 *
 * @example
 * ```ts
 * import { sessionCost } from "@agentlens/sdk/analysis";
 * const cost = sessionCost([
 *   { event_type: "llm_call", session_id: "s1", timestamp: "2026-01-05T10:00:00Z", model: "gpt-4o", tokens_in: 1000, tokens_out: 500 },
 * ]);
 * if (!(cost.total_cost > 0)) throw new Error("expected a cost");
 * console.log(cost.total_cost);
 * ```
 */
export function sessionCost(events: WireEventInput[], pricing?: PricingOverrides, options?: CostOptions): SessionCost {
  return parsed(analysisWasm().costJson(eventsText(events), pricingText(pricing), exactArg(options)));
}

/**
 * Costs per UTC day.
 *
 * @example
 * ```ts
 * import { dailyCosts } from "@agentlens/sdk/analysis";
 * console.log(dailyCosts([{ event_type: "llm_call", session_id: "s1", timestamp: "2026-01-05T10:00:00Z", model: "gpt-4o", tokens_in: 10, tokens_out: 5 }]));
 * ```
 */
export function dailyCosts(events: WireEventInput[], pricing?: PricingOverrides, options?: CostOptions): DailyCosts {
  return parsed(analysisWasm().dailyCostsJson(eventsText(events), pricingText(pricing), exactArg(options)));
}

/**
 * The cost summary: totals and each model's share.
 *
 * @example
 * ```ts
 * import { costSummary } from "@agentlens/sdk/analysis";
 * console.log(costSummary([{ event_type: "llm_call", session_id: "s1", model: "gpt-4o", tokens_in: 10, tokens_out: 5 }]));
 * ```
 */
export function costSummary(events: WireEventInput[], pricing?: PricingOverrides, options?: CostOptions): CostSummary {
  return parsed(analysisWasm().costSummaryJson(eventsText(events), pricingText(pricing), exactArg(options)));
}

/** Options of `pricingLookup`. */
export type PricingLookupOptions = {
  /** Your own prices, over the catalog (they win). */
  pricing?: PricingOverrides;
  /**
   * The provider, as a span's `gen_ai.provider.name` names it (`"openai"`, `"aws.bedrock"`,
   * `"azure.ai.openai"`, ...): the same model name can have another price there.
   */
  provider?: string;
  /** The price in force at this time (a `Date`, epoch milliseconds, RFC 3339 or a `YYYY-MM-DD` day, UTC); default: as of the catalog's date. */
  at?: Date | number | string;
};

const LOOKUP_KEYS = new Set(["pricing", "provider", "at"]);

/** Whether `pricingLookup`'s second argument is its options (else: an override table, the older form). */
function isLookupOptions(v: unknown): boolean {
  if (v === undefined || v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return v === undefined;
  try {
    return !Array.isArray(v) && Object.keys(v).every((k) => LOOKUP_KEYS.has(k));
  } catch {
    return false;
  }
}

/** `at` as the core reads it: RFC 3339 text (a bare `YYYY-MM-DD` day, as the CLI's `--at` takes, is its UTC midnight). */
function lookupTime(at: unknown): string | undefined {
  if (typeof at === "string" && /^\d{4}-\d{2}-\d{2}$/.test(at)) return `${at}T00:00:00Z`;
  if (at === undefined || typeof at === "string") return at;
  const ms = time("options.at", at, () => 0);
  // Past ±8.64e15 ms a Date is invalid (`toISOString` would throw a RangeError).
  if (Math.abs(ms) > 8.64e15) throw analysisError("options.at is out of the range of a Date");
  return new Date(ms).toISOString();
}

/**
 * The price a model resolves to (your `pricing` over the catalog; for `provider` when
 * given; in force `at` a time when given), or `null` when nothing prices it. The older
 * form `pricingLookup(model, pricing)` still works.
 *
 * @example
 * ```ts
 * import { pricingLookup } from "@agentlens/sdk/analysis";
 * console.log(pricingLookup("gpt-4o-2024-08-06")?.model);
 * const bedrock = pricingLookup("anthropic.claude-3-haiku-20240307-v1:0", { provider: "aws.bedrock" });
 * console.log(bedrock?.provider, bedrock?.input_per_1m);
 * ```
 */
export function pricingLookup(model: string, options?: PricingLookupOptions): ModelPrice | null;
/** @deprecated Pass `{ pricing }`. */
export function pricingLookup(model: string, pricing: PricingOverrides): ModelPrice | null;
export function pricingLookup(model: string, options?: PricingLookupOptions | PricingOverrides): ModelPrice | null {
  const name = text("model", model);
  if (!isLookupOptions(options)) return parsed(analysisWasm().pricingLookupJson(name, pricingText(options as PricingOverrides)));
  const get = optionsArg("options", options);
  const provider = get("provider");
  const at = lookupTime(get("at"));
  const p = provider === undefined ? undefined : text("options.provider", provider);
  return parsed(analysisWasm().pricingLookupJson(name, pricingText(get("pricing") as PricingOverrides | undefined), p, at === undefined ? undefined : text("options.at", at)));
}

/**
 * Session statistics: latency percentiles, tokens and cost by model, tool usage and
 * failures, error rate, events by type and per minute.
 *
 * @example
 * ```ts
 * import { sessionStats } from "@agentlens/sdk/analysis";
 * const stats = sessionStats([
 *   { event_type: "llm_call", session_id: "s1", timestamp: "2026-01-05T10:00:00Z", model: "gpt-4o", duration_ms: 120 },
 *   { event_type: "error", session_id: "s1", timestamp: "2026-01-05T10:00:01Z" },
 * ]);
 * if (stats.total_events !== 2) throw new Error("expected 2 events");
 * ```
 */
export function sessionStats(events: WireEventInput[], pricing?: PricingOverrides): SessionStats {
  return parsed(analysisWasm().sessionStatsJson(eventsText(events), pricingText(pricing)));
}
