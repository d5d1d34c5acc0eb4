/**
 * Agent Inspector-compatible reads (reference C.5/C.6): runs, their timelines and
 * steps. Runs come from `run_start`/`run_end` events (and any event carrying a
 * `run_id`); steps are a run's events except its `run_end`, as Agent Inspector stores
 * them. Unlike Agent Inspector, `total` in a run list is the real number of matching runs.
 */
import { decodeEvents, type EventRow } from "./store-read.js";
import type { StoreHandle } from "./store-handle.js";
import type { InspectorRun, InspectorStep, WireEvent } from "./types.js";

/** A row of the runs table: the run as the API gives it, less its metadata. */
type RunRow = Omit<InspectorRun, "metadata">;

export interface RunQuery {
  limit: number;
  offset: number;
  status?: string;
  userId?: string;
  sessionId?: string;
  search?: string;
  startedAfter?: number;
  startedBefore?: number;
  orderBy: "started_at" | "completed_at" | "duration_ms" | "name";
  orderDir: "ASC" | "DESC";
}

/** Agent Inspector's type names for ours. */
const INSPECTOR_TYPES: Record<string, string> = { final: "final_answer" };

function runView(r: RunRow & { has_start?: number }): InspectorRun {
  const { has_start: _internal, ...run } = r;
  return { ...run, metadata: {} };
}

export function listRuns(store: StoreHandle, q: RunQuery): { runs: InspectorRun[]; total: number } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const eq = (col: string, v: string | undefined) => {
    if (v !== undefined && v !== "") {
      where.push(`${col} = ?`);
      args.push(v);
    }
  };
  eq("status", q.status);
  eq("user_id", q.userId);
  eq("session_id", q.sessionId);
  if (q.search) {
    where.push("name LIKE ? ESCAPE '\\'");
    args.push(`%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (q.startedAfter !== undefined) {
    where.push("started_at > ?");
    args.push(q.startedAfter);
  }
  if (q.startedBefore !== undefined) {
    where.push("started_at < ?");
    args.push(q.startedBefore);
  }
  const w = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const total = (store.db.prepare(`SELECT COUNT(*) AS n FROM runs ${w}`).get(...args) as { n: number }).n;
  const rows = store.db
    .prepare(`SELECT * FROM runs ${w} ORDER BY ${q.orderBy} ${q.orderDir}, id LIMIT ? OFFSET ?`)
    .all(...args, q.limit, q.offset) as unknown as RunRow[];
  return { runs: rows.map(runView), total };
}

export function getRun(store: StoreHandle, id: string): InspectorRun | null {
  const r = store.db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined;
  return r ? runView(r) : null;
}

function stepView(r: EventRow, data?: WireEvent | null): InspectorStep {
  const step: InspectorStep = {
    id: r.event_id,
    run_id: r.run_id ?? "",
    timestamp: r.ts_ms,
    type: INSPECTOR_TYPES[r.event_type] ?? r.event_type,
    name: r.name,
    // The core's status label (`failed` for an error); rows always have one.
    status: r.status ?? "completed",
    duration_ms: r.duration_ms === null ? null : Math.round(r.duration_ms),
    parent_event_id: null,
  };
  if (data !== undefined) step.data = data;
  return step;
}

/** A run's steps (or timeline), oldest first, optionally of one type, with data decoded when asked. */
export async function runSteps(
  store: StoreHandle,
  runId: string,
  o: { limit?: number; offset?: number; eventType?: string; withData: boolean },
): Promise<{ steps: InspectorStep[]; total: number }> {
  const args: (string | number)[] = [runId];
  let filter = "run_id = ? AND event_type != 'run_end'";
  if (o.eventType) {
    const type = Object.entries(INSPECTOR_TYPES).find(([, v]) => v === o.eventType)?.[0] ?? o.eventType;
    filter += " AND event_type = ?";
    args.push(type);
  }
  const total = (store.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE ${filter}`).get(...args) as { n: number }).n;
  const rows = store.db
    .prepare(`SELECT * FROM events WHERE ${filter} ORDER BY ts_ms, seq LIMIT ? OFFSET ?`)
    .all(...args, o.limit ?? -1, o.offset ?? 0) as unknown as EventRow[];
  if (!o.withData) return { steps: rows.map((r) => stepView(r)), total };
  const data = await decodeEvents(store, rows);
  return { steps: rows.map((r, i) => stepView(r, data[i] ?? null)), total };
}

/** One step's data (the stored wire event), `undefined` if the step is not in the run. */
export async function stepData(store: StoreHandle, runId: string, stepId: string): Promise<WireEvent | null | undefined> {
  // An event id is unique within its session (schema v4): the run's own session's event wins.
  const r = store.db
    .prepare(`SELECT e.* FROM events e WHERE e.run_id = ? AND e.event_id = ?
      ORDER BY e.session_id IS (SELECT session_id FROM runs WHERE id = e.run_id) DESC, e.seq LIMIT 1`)
    .get(runId, stepId) as EventRow | undefined;
  if (!r) return undefined;
  const [data] = await decodeEvents(store, [r]);
  return data ?? null;
}

/** Every stored event of a run, run_end included (for exports that must round-trip). */
export async function runEvents(store: StoreHandle, runId: string): Promise<WireEvent[]> {
  const rows = store.db.prepare("SELECT * FROM events WHERE run_id = ? ORDER BY ts_ms, seq").all(runId) as unknown as EventRow[];
  return decodeEvents(store, rows);
}
