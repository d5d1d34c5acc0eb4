// drift.compare: the core's DriftDetector between two sets of sessions — either the
// chosen sessions split by time (the first N% as the baseline), or two explicit sets.
import type { HeldTrace } from "../contract";
import { answer, paramsOf, stringList, type Result } from "./result";

type Window = { sessions: number; fromMs: number | null; toMs: number | null };
export type DriftCompareResult = Result<{ report: Record<string, unknown>; text: string; baseline: Window; current: Window }>;
type Compared = Omit<Extract<DriftCompareResult, { ok: true }>, "ok">;

/**
 * `{mode: "split", sessionIds, baselinePercent}` or `{mode: "sets", baseline, current}`
 * (`current: "rest"` for every session not in the baseline),
 * with an optional `threshold` (Cohen's d, default 0.5) → the drift report and its text.
 */
export function compareDrift(trace: HeldTrace, params: unknown): DriftCompareResult {
  const p = paramsOf(params);
  const threshold = typeof p.threshold === "number" ? p.threshold : 0.5;
  if (p.mode === "sets") {
    const current = p.current === "rest" ? undefined : stringList(p.current);
    return answer(() => trace.view.drift<Compared>(stringList(p.baseline), current, threshold));
  }
  const percent = typeof p.baselinePercent === "number" ? p.baselinePercent : 50;
  return answer(() => trace.view.driftSplit<Compared>(stringList(p.sessionIds), percent, threshold));
}
