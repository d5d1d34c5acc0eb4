// compliance.preset / compliance.check: a policy (a preset or the user's JSON) checked
// by the core against each chosen session.
import { compliancePreset } from "@agentlens/sdk/analysis";
import type { HeldTrace } from "../contract";
import { answer, fail, paramsOf, stringList, type Result } from "./result";

/** Sessions checked per call; the rest are counted, not checked (`MAX_CHECKED_SESSIONS` in the core). */
export const MAX_CHECKED_SESSIONS = 2000;

export interface SessionVerdict {
  sessionId: string;
  report: Record<string, unknown>;
  text: string;
}
export type ComplianceCheckResult = Result<{
  policyName: string;
  compliant: number;
  nonCompliant: number;
  sessions: SessionVerdict[];
  notChecked: number;
}>;

/** `{name: "strict" | "permissive"}` → the preset as JSON text, to show and edit. */
export function presetPolicy(_trace: HeldTrace, params: unknown): Result<{ policy: string }> {
  const name = paramsOf(params).name === "permissive" ? "permissive" : "strict";
  return answer(() => ({ policy: JSON.stringify(compliancePreset(name), null, 2) }));
}

/** The policy's JSON text: a preset's, or the user's once it reads as a JSON object. */
function policyText(p: Record<string, unknown>): string {
  if (p.preset === "strict" || p.preset === "permissive") return JSON.stringify(compliancePreset(p.preset));
  const text = typeof p.policy === "string" ? p.policy : "";
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch (e) {
    throw new Error(`The policy is not valid JSON: ${(e as Error).message}`);
  }
  if (policy === null || typeof policy !== "object" || Array.isArray(policy)) throw new Error('The policy must be a JSON object: {"name": …, "rules": [ … ]}');
  return text;
}

/** `{preset | policy, sessionIds, checkedAtMs?}` → one report (and its text) per session. */
export function checkSessions(trace: HeldTrace, params: unknown): ComplianceCheckResult {
  const p = paramsOf(params);
  const checkedAt = typeof p.checkedAtMs === "number" ? p.checkedAtMs : Date.now();
  let policy: string;
  try {
    policy = policyText(p);
  } catch (e) {
    return fail(e);
  }
  return answer(() => trace.view.compliance<Omit<Extract<ComplianceCheckResult, { ok: true }>, "ok">>(policy, stringList(p.sessionIds), checkedAt));
}
