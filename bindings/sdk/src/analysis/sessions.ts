/** Many sessions analysed together, held inside the analysis wasm. */
import type { CompliancePolicy, CustomValidator, SessionComplianceReport, SessionSetDrift } from "./check-types.js";
import { checkedAtMs, policyText, validatorsArg, type PresetName } from "./compliance.js";
import type { WireEventInput } from "./event-types.js";
import { bool, bytesOrText, jsonArray, num, options as readOptions } from "./args.js";
import { eventsText } from "./cost.js";
import { analysisWasm, parsed } from "./wasm.js";

/** Options of {@link SessionSet.compliance}. */
export type SessionSetComplianceOptions = {
  /** The reports' time (default: now). */
  checkedAt?: Date | number;
  /** Validators for custom rule kinds, by kind. */
  validators?: { [kind: string]: CustomValidator };
  /** Adds each report's `render()` text as `text`. */
  withText?: boolean;
};

/** A trace grouped into sessions once, for compliance and drift over many of them. */
export interface SessionSet {
  /** How many sessions. */
  readonly size: number;
  /** How many events. */
  readonly eventCount: number;
  /** Session ids in first-seen order. */
  sessionIds(): string[];
  /**
   * Checks every session against a policy (or the `"strict"`/`"permissive"` preset);
   * reports in session order. `withText` adds each report's `render()` text.
   */
  compliance(policy: CompliancePolicy | PresetName, options?: SessionSetComplianceOptions): SessionComplianceReport[];
  /** Drift of the `current` sessions against the `baseline` ones (by id); ids not in the set are listed in `unknown`. */
  drift(baseline: string[], current: string[], options?: { threshold?: number }): SessionSetDrift;
  /** Frees the wasm memory holding the sessions. */
  free(): void;
}

/** `Array.isArray`, false for a revoked proxy (which then fails as bytes). */
function isArray(v: unknown): v is unknown[] {
  try {
    return Array.isArray(v);
  } catch {
    return false;
  }
}

/**
 * Groups a trace into sessions inside the analysis wasm, so that many sessions can be
 * checked and compared without crossing into wasm again: the fast path for traces of
 * thousands of sessions. `trace` is the bytes or text of a trace file in any format the
 * importers read (NDJSON, AgentLens batches, OTLP JSON, …; gzip too), or an array of
 * events. Throws `AgentLensAnalysisError` with the position of what could not be read.
 *
 * @example
 * ```ts
 * import { createSessionSet } from "@agentlens/sdk/analysis";
 * const ndjson = [
 *   { event_type: "llm_call", session_id: "a", timestamp: "2026-01-05T10:00:00Z", model: "gpt-4o", tokens_in: 900, tokens_out: 80 },
 *   { event_type: "tool_call", session_id: "b", timestamp: "2026-01-05T10:01:00Z", tool_call: { tool_name: "shell" } },
 * ].map((e) => JSON.stringify(e)).join("\n");
 * const set = createSessionSet(ndjson);
 * const reports = set.compliance("strict");
 * console.log(set.sessionIds(), reports.map((r) => r.compliant)); // [ 'a', 'b' ] [ true, false ]
 * set.free();
 * ```
 */
export function createSessionSet(trace: Uint8Array | string | WireEventInput[]): SessionSet {
  const w = analysisWasm();
  const inner = isArray(trace) ? w.SessionSetWasm.fromEventsJson(eventsText(trace, "trace")) : w.SessionSetWasm.fromBytes(bytesOrText("trace", trace));
  return {
    get size() {
      return inner.size;
    },
    get eventCount() {
      return inner.eventCount;
    },
    sessionIds: () => parsed(inner.sessionIdsJson()),
    compliance(policy, options) {
      const read = readOptions("options", options);
      const policyJson = policyText(policy);
      const at = checkedAtMs(read("checkedAt") as Date | number | undefined);
      const withText = bool("options.withText", read("withText"), false);
      return parsed(inner.complianceJson(policyJson, at, withText, validatorsArg(read("validators"))));
    },
    drift(baseline, current, options) {
      const threshold = num("options.threshold", readOptions("options", options)("threshold") ?? 0.5);
      return parsed(inner.driftJson(jsonArray("baseline", baseline), jsonArray("current", current), threshold));
    },
    free: () => inner.free(),
  };
}
