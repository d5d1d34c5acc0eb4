/** Compliance checks of a session against a policy. */
import { analysisWasm, type AnalysisObject, type WireEvent } from "./wasm.js";

/**
 * A compliance policy: `{name, rules: [{kind, limit?, tools?, models?, threshold?, severity?, description?}]}`
 * (`type` is accepted for `kind`).
 */
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
 * import { compliancePreset } from "@agentlens/sdk/analysis";
 * const strict = compliancePreset("strict");
 * console.log(strict.name, (strict.rules as unknown[]).length);
 * ```
 */
export function compliancePreset(name: "strict" | "permissive"): CompliancePolicy {
  return JSON.parse(analysisWasm().compliancePresetJson(name));
}

/** A policy or preset name as the engines take it: the policy's JSON text. */
export function policyText(policy: CompliancePolicy | "strict" | "permissive"): string {
  return typeof policy === "string" ? analysisWasm().compliancePresetJson(policy) : JSON.stringify(policy);
}

/** A report time as epoch milliseconds (default: now). */
export function checkedAtMs(at: Date | number = Date.now()): number {
  return typeof at === "number" ? at : at.getTime();
}

/**
 * What a custom validator answers: `true`/`false`, or an outcome with `verdict`
 * (`"pass" | "fail" | "skip"`) or `passed`, and optionally a message and the values.
 */
export type CustomRuleAnswer =
  | boolean
  | {
      verdict?: "pass" | "fail" | "skip";
      passed?: boolean;
      message?: string;
      actualValue?: unknown;
      expectedValue?: unknown;
      details?: Record<string, unknown>;
    };

/**
 * A custom rule, called synchronously with the session (its id, agent name, status,
 * token totals and `events`) and the rule as written in the policy. A validator that
 * throws, or answers something else, makes the rule a `skip` with the reason.
 */
export type CustomValidator = (session: AnalysisObject, rule: AnalysisObject) => CustomRuleAnswer;

/** Options of {@link checkCompliance}. */
export interface ComplianceOptions {
  /** The report's time (default: now). */
  checkedAt?: Date | number;
  /** Validators for custom rule kinds, by kind (built-in kinds cannot be overridden). */
  validators?: Record<string, CustomValidator>;
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
 *         const hits = (session.events as { input_data?: unknown }[]).filter((e) => /@/.test(JSON.stringify(e.input_data ?? "")));
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
  events: WireEvent[],
  options: ComplianceOptions = {},
): ComplianceResult {
  const json = analysisWasm().complianceJson(JSON.stringify(policy), JSON.stringify(events), checkedAtMs(options.checkedAt), options.validators);
  return JSON.parse(json);
}
