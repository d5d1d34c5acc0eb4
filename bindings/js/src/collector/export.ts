/** Reading our own export files back into wire events (for `agentlens import`). */
import type { WireEvent } from "./types.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The wire events in an export made by `store.exportRuns` (one run or all), or `null`
 * if `json` is not such an export. Feed the result to `store.importEvents`.
 */
export function eventsFromExport(json: unknown): WireEvent[] | null {
  if (!isObject(json)) return null;
  const runs: unknown[] = Array.isArray(json.runs) ? json.runs : isObject(json.run) && Array.isArray(json.timeline) ? [json] : [];
  const sessions: unknown[] = Array.isArray(json.sessions) ? json.sessions : [];
  if (runs.length === 0 && sessions.length === 0 && !Array.isArray(json.runs)) return null;
  const out: WireEvent[] = [];
  for (const s of sessions) {
    if (isObject(s) && Array.isArray(s.events)) out.push(...s.events.filter(isObject));
  }
  for (const r of runs) {
    if (!isObject(r) || !Array.isArray(r.timeline)) continue;
    for (const step of r.timeline) if (isObject(step) && isObject(step.data)) out.push(step.data);
    if (isObject(r.run_end)) out.push(r.run_end);
  }
  return out;
}
