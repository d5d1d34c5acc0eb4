// explain.session: the core's Markdown explanation of one session, in either style.
import { analysisWasm } from "@agentlens/sdk/internal";
import type { TraceStore } from "../contract";
import { fail, paramsOf, type Result } from "./result";

export type ExplainStyle = "sdk" | "backend";
export type ExplainResult = Result<{ sessionId: string; style: ExplainStyle; markdown: string }>;

/** `{sessionId, style}` → the Markdown (redacted with the default rules, as the SDK does). */
export function explainSession(store: TraceStore, params: unknown): ExplainResult {
  const p = paramsOf(params);
  const sessionId = typeof p.sessionId === "string" ? p.sessionId : "";
  const style: ExplainStyle = p.style === "backend" ? "backend" : "sdk";
  if (!store.sessionIds().includes(sessionId)) return { ok: false, error: "Select a session to explain." };
  try {
    const events = store.sessionEvents(sessionId);
    const markdown = analysisWasm().explainJson("{}", JSON.stringify(events), style);
    return { ok: true, sessionId, style, markdown };
  } catch (e) {
    return fail(e);
  }
}
