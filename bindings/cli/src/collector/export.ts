/** Reading our own export files back into wire events (for `agentlens import`). */
import type { WireEvent } from "./types.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The wire events in an export made by `store.exportRuns` (one run or all), or `null`
 * if `json` is not such an export. Feed the result to `store.importEvents`.
 */
export function eventsFromExport(json: unknown): WireEvent[] | null {
  if (!isObject(json)) return null;
  let runs: unknown[];
  let sessions: unknown[] = [];
  if (json.format === "agentlens-collector-export") {
    runs = Array.isArray(json.runs) ? json.runs : [];
    sessions = Array.isArray(json.sessions) ? json.sessions : [];
  } else if (isObject(json.run) && Array.isArray(json.timeline) && json.timeline.every((s) => isObject(s) && isObject(s.data) && typeof s.data.event_type === "string")) {
    // One run exported by a collector: its steps' data are wire events. (An Agent
    // Inspector export has its own event dicts there, and is left to the core's importer.)
    runs = [json];
  } else {
    return null;
  }
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
