// collector.pricing: collector mode prices the held trace with the collector's stored
// prices (the core's table with them over it). A table the core refuses throws its error.
import type { PricingOverrides } from "@agentlens/sdk/analysis";
import type { HeldTrace } from "../contract";
import { paramsOf } from "./result";

/** `{overrides}` → how many prices the trace's view now holds. */
export function setPricing(trace: HeldTrace, params: unknown): number {
  const overrides = paramsOf(params).overrides;
  return trace.view.setPricing(Array.isArray(overrides) ? (overrides as PricingOverrides) : []);
}
