/** Compliance checks of a session against a policy. */
import { analysisWasm, type AnalysisObject, type WireEvent } from "./wasm.js";

/** A compliance policy: `{name, rules: [{type, limit?, tools?, models?, threshold?, severity?}]}`. */
export type CompliancePolicy = Record<string, unknown>;

/** The report (`compliant`, `passed`, `failed`, `skipped`, `results`, …) and its text. */
export interface ComplianceResult {
  report: AnalysisObject;
  /** The report's `render()` text. */
  text: string;
}

/**
 * A preset policy: `"strict"` or `"permissive"`, to pass to {@link checkCompliance} as is
 * or to extend.
 *
 * @example
 * ```ts
 * import { compliancePreset } from "agentlens/analysis";
 * const strict = compliancePreset("strict");
 * console.log(strict.name, (strict.rules as unknown[]).length);
 * ```
 */
export function compliancePreset(name: "strict" | "permissive"): CompliancePolicy {
  return JSON.parse(analysisWasm().compliancePresetJson(name));
}

/**
 * Checks one session's events against `policy`. Throws `AgentLensAnalysisError` naming
 * the bad rule of an invalid policy.
 *
 * @example
 * ```ts
 * import { checkCompliance } from "agentlens/analysis";
 * const { report, text } = checkCompliance(
 *   { name: "no shell", rules: [{ type: "forbidden_tools", tools: ["shell"] }] },
 *   [{ event_type: "llm_call", session_id: "s1", timestamp: "2026-01-05T10:00:00Z" }],
 *   { checkedAt: new Date("2026-01-05T11:00:00Z") },
 * );
 * if (report.compliant !== true) throw new Error(text);
 * ```
 */
export function checkCompliance(
  policy: CompliancePolicy,
  events: WireEvent[],
  options: { checkedAt?: Date | number } = {},
): ComplianceResult {
  const at = options.checkedAt ?? Date.now();
  const ms = typeof at === "number" ? at : at.getTime();
  return JSON.parse(analysisWasm().complianceJson(JSON.stringify(policy), JSON.stringify(events), ms));
}
