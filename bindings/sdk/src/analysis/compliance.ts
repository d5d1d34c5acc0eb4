/** Compliance checks of a session against a policy. */
import type { CompliancePolicy, ComplianceResult, CustomValidator, PresetPolicy } from "./check-types.js";
import type { WireEventInput } from "./event-types.js";
import { analysisWasm, parsed } from "./wasm.js";

export type { CompliancePolicy, ComplianceResult, CustomValidator } from "./check-types.js";

/** A preset policy's name. */
export type PresetName = "strict" | "permissive";

/**
 * A preset policy: `"strict"` or `"permissive"`, to pass to {@link checkCompliance} as is
 * or to extend.
 *
 * @example
 * ```ts
 * import { compliancePreset } from "@agentlens/sdk/analysis";
 * const strict = compliancePreset("strict");
 * console.log(strict.name, strict.rules.length, strict.rules[0]?.kind);
 * ```
 */
export function compliancePreset(name: PresetName): PresetPolicy {
  return parsed(analysisWasm().compliancePresetJson(name));
}

/** A policy or preset name as the engines take it: the policy's JSON text. */
export function policyText(policy: CompliancePolicy | PresetName): string {
  return typeof policy === "string" ? analysisWasm().compliancePresetJson(policy) : JSON.stringify(policy);
}

/** A report time as epoch milliseconds (default: now). */
export function checkedAtMs(at: Date | number = Date.now()): number {
  return typeof at === "number" ? at : at.getTime();
}

/** Options of {@link checkCompliance}. */
export interface ComplianceOptions {
  /** The report's time (default: now). */
  checkedAt?: Date | number;
  /** Validators for custom rule kinds, by kind (built-in kinds cannot be overridden). */
  validators?: { [kind: string]: CustomValidator };
}

/**
 * Checks one session's events against `policy`. Throws `AgentLensAnalysisError` naming
 * the bad rule of an invalid policy.
 *
 * @example
 * ```ts
 * import { checkCompliance } from "@agentlens/sdk/analysis";
 * const { report, text } = checkCompliance(
 *   { name: "no shell", rules: [{ type: "forbidden_tools", tools: ["shell"] }] },
 *   [{ event_type: "llm_call", session_id: "s1", timestamp: "2026-01-05T10:00:00Z" }],
 *   { checkedAt: new Date("2026-01-05T11:00:00Z") },
 * );
 * if (report.compliant !== true) throw new Error(text);
 * ```
 *
 * @example A custom rule backed by a function
 * ```ts
 * import { checkCompliance } from "@agentlens/sdk/analysis";
 * const { report } = checkCompliance(
 *   { name: "pii", rules: [{ type: "no_email_in_prompts" }] },
 *   [{ event_type: "llm_call", session_id: "s1", input_data: { prompt: "mail bob@example.com" } }],
 *   {
 *     validators: {
 *       no_email_in_prompts: (session) => {
 *         const hits = session.events.filter((e) => /@/.test(JSON.stringify(e.input_data ?? "")));
 *         return { passed: hits.length === 0, message: `${hits.length} prompt(s) with an email`, actualValue: hits.length };
 *       },
 *     },
 *   },
 * );
 * if (report.compliant !== false) throw new Error("the custom rule should fail");
 * ```
 */
export function checkCompliance(
  policy: CompliancePolicy,
  events: WireEventInput[],
  options: ComplianceOptions = {},
): ComplianceResult {
  const json = analysisWasm().complianceJson(JSON.stringify(policy), JSON.stringify(events), checkedAtMs(options.checkedAt), options.validators);
  return parsed(json);
}
