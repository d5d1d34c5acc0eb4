// compliance.preset / compliance.check: a policy (a preset or the user's JSON) checked
// against each chosen session by the core's ComplianceChecker.
import { checkCompliance, compliancePreset, type CompliancePolicy } from "@agentlens/sdk/analysis";
import type { TraceStore } from "../contract";
import { fail, knownSessions, paramsOf, stringList, type Result } from "./result";

/** Sessions checked per call; the rest are counted, not checked. */
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
export function presetPolicy(_store: TraceStore, params: unknown): Result<{ policy: string }> {
  const name = paramsOf(params).name === "permissive" ? "permissive" : "strict";
  try {
    return { ok: true, policy: JSON.stringify(compliancePreset(name), null, 2) };
  } catch (e) {
    return fail(e);
  }
}

function readPolicy(p: Record<string, unknown>): CompliancePolicy {
  if (p.preset === "strict" || p.preset === "permissive") return compliancePreset(p.preset);
  const text = typeof p.policy === "string" ? p.policy : "";
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch (e) {
    throw new Error(`The policy is not valid JSON: ${(e as Error).message}`);
  }
  if (policy === null || typeof policy !== "object" || Array.isArray(policy)) throw new Error('The policy must be a JSON object: {"name": …, "rules": [ … ]}');
  return policy as CompliancePolicy;
}

/** `{preset | policy, sessionIds, checkedAtMs?}` → one report (and its text) per session. */
export function checkSessions(store: TraceStore, params: unknown): ComplianceCheckResult {
  const p = paramsOf(params);
  const ids = knownSessions(store, stringList(p.sessionIds));
  const checkedAt = typeof p.checkedAtMs === "number" ? p.checkedAtMs : Date.now();
  try {
    const policy = readPolicy(p);
    // Validate the policy even when no session is chosen: a bad rule is named at once.
    if (ids.length === 0) checkCompliance(policy, [], { checkedAt });
    const sessions: SessionVerdict[] = [];
    let compliant = 0;
    for (const id of ids.slice(0, MAX_CHECKED_SESSIONS)) {
      const { report, text } = checkCompliance(policy, store.sessionEvents(id), { checkedAt });
      if (report.compliant === true) compliant++;
      sessions.push({ sessionId: id, report, text });
    }
    return {
      ok: true,
      policyName: typeof policy.name === "string" ? policy.name : "",
      compliant,
      nonCompliant: sessions.length - compliant,
      sessions,
      notChecked: Math.max(0, ids.length - MAX_CHECKED_SESSIONS),
    };
  } catch (e) {
    return fail(e);
  }
}
