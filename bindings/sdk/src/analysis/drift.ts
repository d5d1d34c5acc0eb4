/** Behavioural drift between a baseline and a current window of sessions. */
import type { DriftResult } from "./check-types.js";
import type { WireEventInput } from "./event-types.js";
import { jsonArray, num, options as readOptions } from "./args.js";
import { analysisWasm, parsed } from "./wasm.js";

export type { DriftResult } from "./check-types.js";

/**
 * Compares two windows of sessions (each session an array of events) over the eight
 * per-session metrics and tool usage. Throws `AgentLensAnalysisError` for an empty
 * window or a threshold that is not positive.
 *
 * @example
 * ```ts
 * import { detectDrift } from "@agentlens/sdk/analysis";
 * const session = [{ event_type: "llm_call", session_id: "s", duration_ms: 100, tokens_in: 10, tokens_out: 10 }];
 * const { report } = detectDrift([session, session], [session, session], { threshold: 0.5 });
 * console.log(report.status, report.drift_score);
 * ```
 */
export function detectDrift(
  baselineSessions: WireEventInput[][],
  currentSessions: WireEventInput[][],
  options: { threshold?: number } = {},
): DriftResult {
  const baseline = jsonArray("baselineSessions", baselineSessions);
  const current = jsonArray("currentSessions", currentSessions);
  const threshold = num("options.threshold", readOptions("options", options)("threshold") ?? 0.5);
  return parsed(analysisWasm().driftJson(baseline, current, threshold));
}
