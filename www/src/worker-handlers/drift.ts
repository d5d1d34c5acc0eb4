// drift.compare: the core's DriftDetector between two sets of sessions — either the
// chosen sessions split by time (the first N% as the baseline), or two explicit sets.
import { detectDrift } from "@agentlens/sdk/analysis";
import type { TraceStore } from "../contract";
import { fail, knownSessions, paramsOf, stringList, timeOf, type Result } from "./result";

export type DriftCompareResult = Result<{
  report: Record<string, unknown>;
  text: string;
  baseline: { sessions: number; fromMs: number | null; toMs: number | null };
  current: { sessions: number; fromMs: number | null; toMs: number | null };
}>;

/** Each session's first event time (NaN sorts last), for splitting by time. */
function startOf(store: TraceStore, id: string): number {
  let first = Number.NaN;
  for (const e of store.sessionEvents(id)) {
    const t = timeOf(e);
    if (Number.isFinite(t) && !(t >= first)) first = t;
  }
  return first;
}

/** Sessions in time order, split so the first `percent` are the baseline (each side ≥ 1). */
export function splitByTime(store: TraceStore, ids: string[], percent: number): { baseline: string[]; current: string[] } {
  const starts = new Map(ids.map((id) => [id, startOf(store, id)]));
  const ordered = [...ids].sort((a, b) => {
    const ta = starts.get(a) as number;
    const tb = starts.get(b) as number;
    if (Number.isNaN(ta) || Number.isNaN(tb)) return Number.isNaN(ta) ? (Number.isNaN(tb) ? 0 : 1) : -1;
    return ta - tb;
  });
  const p = Number.isFinite(percent) ? Math.min(99, Math.max(1, percent)) : 50;
  const cut = Math.min(ordered.length - 1, Math.max(1, Math.round((ordered.length * p) / 100)));
  return { baseline: ordered.slice(0, cut), current: ordered.slice(cut) };
}

function range(store: TraceStore, ids: string[]): { sessions: number; fromMs: number | null; toMs: number | null } {
  let from = Infinity;
  let to = -Infinity;
  for (const id of ids) {
    for (const e of store.sessionEvents(id)) {
      const t = timeOf(e);
      if (!Number.isFinite(t)) continue;
      if (t < from) from = t;
      if (t > to) to = t;
    }
  }
  return { sessions: ids.length, fromMs: Number.isFinite(from) ? from : null, toMs: Number.isFinite(to) ? to : null };
}

/**
 * `{mode: "split", sessionIds, baselinePercent}` or `{mode: "sets", baseline, current}`
 * (`current: "rest"` for every session not in the baseline),
 * with an optional `threshold` (Cohen's d, default 0.5) → the drift report and its text.
 */
export function compareDrift(store: TraceStore, params: unknown): DriftCompareResult {
  const p = paramsOf(params);
  let baseline: string[];
  let current: string[];
  if (p.mode === "sets") {
    baseline = knownSessions(store, stringList(p.baseline));
    const inBaseline = new Set(baseline);
    // `current: "rest"` compares the baseline with every other loaded session.
    current = p.current === "rest" ? store.sessionIds().filter((id) => !inBaseline.has(id)) : knownSessions(store, stringList(p.current));
  } else {
    const ids = knownSessions(store, stringList(p.sessionIds));
    if (ids.length < 2) return { ok: false, error: "Drift needs at least two sessions: one for each window." };
    ({ baseline, current } = splitByTime(store, ids, typeof p.baselinePercent === "number" ? p.baselinePercent : 50));
  }
  if (baseline.length === 0 || current.length === 0) return { ok: false, error: "Both windows need at least one session." };
  const threshold = typeof p.threshold === "number" ? p.threshold : 0.5;
  try {
    const { report, text } = detectDrift(
      baseline.map((id) => store.sessionEvents(id)),
      current.map((id) => store.sessionEvents(id)),
      { threshold },
    );
    return { ok: true, report, text, baseline: range(store, baseline), current: range(store, current) };
  } catch (e) {
    return fail(e);
  }
}
