/** Cost and session statistics over one session's events. */
import type { CostSummary, DailyCosts, ModelPrice, PricingOverrides, SessionCost, SessionStats } from "./cost-types.js";
import type { WireEventInput } from "./event-types.js";
import { json, jsonArray, text } from "./args.js";
import { analysisWasm, parsed } from "./wasm.js";

export type { PricingOverrides } from "./cost-types.js";

/** Override prices as the engines take them: JSON text, or nothing. */
export const pricingText = (pricing?: PricingOverrides) => (pricing === undefined ? undefined : json("pricing", pricing));

/** Events as the engines take them: a JSON array (anything else is `AgentLensAnalysisError`). */
export const eventsText = (events: unknown, arg = "events") => jsonArray(arg, events);

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
export function sessionCost(events: WireEventInput[], pricing?: PricingOverrides): SessionCost {
  return parsed(analysisWasm().costJson(eventsText(events), pricingText(pricing)));
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
export function dailyCosts(events: WireEventInput[], pricing?: PricingOverrides): DailyCosts {
  return parsed(analysisWasm().dailyCostsJson(eventsText(events), pricingText(pricing)));
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
export function costSummary(events: WireEventInput[], pricing?: PricingOverrides): CostSummary {
  return parsed(analysisWasm().costSummaryJson(eventsText(events), pricingText(pricing)));
}

/**
 * The price entry a model name resolves to (exact, then the longest prefix ending at a
 * delimiter), or `null`.
 *
 * @example
 * ```ts
 * import { pricingLookup } from "@agentlens/sdk/analysis";
 * console.log(pricingLookup("gpt-4o-2024-08-06")?.model);
 * ```
 */
export function pricingLookup(model: string, pricing?: PricingOverrides): ModelPrice | null {
  return parsed(analysisWasm().pricingLookupJson(text("model", model), pricingText(pricing)));
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
