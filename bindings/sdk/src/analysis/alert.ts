/** Alert rules over events, with cooldowns driven by event time. */
import type { AlertEngineWasm } from "../../wasm-analysis/agentlens_wasm.js";
import type { AlertRules, FiredAlert } from "./check-types.js";
import type { WireEventInput } from "./event-types.js";
import { json } from "./args.js";
import { eventsText } from "./cost.js";
import { analysisWasm, parsed } from "./wasm.js";

export type { AlertRules, FiredAlert } from "./check-types.js";

/** An alert engine; see {@link createAlertEngine}. */
export interface AlertEngine {
  /** Streams one event in; returns the alerts it fired. */
  push(event: WireEventInput): FiredAlert[];
  /** Streams each of `events` in, in order; returns every alert that fired. */
  pushMany(events: WireEventInput[]): FiredAlert[];
  /** Evaluates every rule over `events`; returns the alerts that fired. */
  evaluate(events: WireEventInput[]): FiredAlert[];
  /** The rules, as accepted by {@link createAlertEngine}, every default written out. */
  toJSON(): AlertRules;
  /** Frees the engine's wasm memory. */
  free(): void;
}

/**
 * An alert engine over `rules`. Throws `AgentLensAnalysisError` naming the rule that
 * does not parse or compile (an invalid regex pattern, say).
 *
 * @example
 * ```ts
 * import { createAlertEngine } from "@agentlens/sdk/analysis";
 * const engine = createAlertEngine({
 *   rules: [{ name: "slow", condition: { type: "threshold", metric: "duration_ms", operator: ">", value: 1000 } }],
 * });
 * const fired = engine.push({ event_type: "llm_call", session_id: "s", timestamp: "2026-01-05T10:00:00Z", duration_ms: 2500 });
 * if (fired[0]?.rule_name !== "slow") throw new Error("expected the rule to fire");
 * ```
 */
export function createAlertEngine(rules: AlertRules): AlertEngine {
  const rulesJson = json("rules", rules);
  const inner: AlertEngineWasm = new (analysisWasm().AlertEngineWasm)(rulesJson);
  return {
    push: (event) => parsed(inner.push(json("event", event))),
    pushMany: (events) => parsed(inner.pushMany(eventsText(events))),
    evaluate: (events) => parsed(inner.evaluate(eventsText(events))),
    toJSON: () => parsed(inner.toJson()),
    free: () => inner.free(),
  };
}
