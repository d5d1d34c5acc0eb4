/** Compliance checks of a session against a policy. */
import type { CompliancePolicy, ComplianceResult, CustomValidator, PresetPolicy } from "./check-types.js";
import type { WireEventInput } from "./event-types.js";
import { analysisError, json, kind, options as readOptions, text, time } from "./args.js";
import { eventsText } from "./cost.js";
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
  return parsed(analysisWasm().compliancePresetJson(text("name", name)));
}

/** A policy or preset name as the engines take it: the policy's JSON text. */
export function policyText(policy: CompliancePolicy | PresetName): string {
  return typeof policy === "string" ? analysisWasm().compliancePresetJson(policy) : json("policy", policy);
}

/** A report time as epoch milliseconds (default: now): a finite number or a valid `Date`. */
export function checkedAtMs(at?: Date | number): number {
  return time("checkedAt", at, Date.now);
}

/** What a validator threw, as the engine reports it: an `Error`'s message, a string, or neither. */
function thrownMessage(e: unknown): string {
  try {
    if (e instanceof Error) return String(e.message);
    return typeof e === "string" ? e : "a non-Error value was thrown";
  } catch {
    return "a non-Error value was thrown";
  }
}

/**
 * The validators as the engine takes them: a plain object of functions, each wrapped so
 * that what it throws or answers reaches the engine as an `Error` with a string message
 * and as plain JSON (a hostile answer fails its rule with a message, never the call).
 * Entries that are not functions are left out, as the engine leaves them out.
 */
export function validatorsArg(v: unknown): Record<string, CustomValidator> | undefined {
  if (v === undefined) return undefined;
  // Binary data is refused before its keys (one per byte) are listed.
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v)) throw analysisError(`options.validators must be an object of functions (got ${kind(v)})`);
  const read = readOptions("options.validators", v);
  let kinds: string[];
  try {
    kinds = Object.keys(v);
  } catch (e) {
    throw analysisError("options.validators could not be read", e);
  }
  const out: Record<string, CustomValidator> = {};
  for (const kind of kinds) {
    const f = read(kind);
    if (typeof f !== "function") continue;
    out[kind] = (session, rule) => {
      let answer: unknown;
      try {
        answer = (f as CustomValidator)(session, rule);
      } catch (e) {
        throw new Error(thrownMessage(e));
      }
      try {
        return JSON.parse(json("the validator's answer", answer)) as ReturnType<CustomValidator>;
      } catch (e) {
        throw new Error(thrownMessage(e));
      }
    };
  }
  return out;
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
 * the bad rule of an invalid policy (or the argument of the wrong type). A validator that
 * throws, or answers something JSON cannot hold, fails its rule with the message.
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
  const read = readOptions("options", options);
  const policyJson = json("policy", policy);
  const eventsJson = eventsText(events);
  const at = checkedAtMs(read("checkedAt") as Date | number | undefined);
  const validators = validatorsArg(read("validators"));
  return parsed(analysisWasm().complianceJson(policyJson, eventsJson, at, validators));
}
