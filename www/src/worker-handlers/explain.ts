// explain.session: the core's explanation of one session, in either style, as Markdown
// and as blocks (the panel draws the blocks; the Markdown is its source view).
import type { ExplainBlock } from "@agentlens/sdk/internal";
import type { HeldTrace } from "../contract";
import { answer, paramsOf, type Result } from "./result";

export type ExplainStyle = "sdk" | "backend";
export type ExplainResult = Result<{ sessionId: string; style: ExplainStyle; markdown: string; blocks: ExplainBlock[] }>;

/** `{sessionId, style}` → the explanation (redacted with the default rules, as the SDK does). */
export function explainSession(trace: HeldTrace, params: unknown): ExplainResult {
  const p = paramsOf(params);
  const sessionId = typeof p.sessionId === "string" ? p.sessionId : "";
  const style: ExplainStyle = p.style === "backend" ? "backend" : "sdk";
  return answer(() => ({ ...trace.view.explain(sessionId, style), style }));
}
