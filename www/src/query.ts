// The shell's own queries over the store, answered in the worker in pages so the main
// thread never holds more than a screenful of rows: the filtered session list, facets for
// the filter menus, a session's timeline rows and one event's detail.
import { sessionCost } from "@agentlens/sdk/analysis";
import type { WireEvent } from "./contract";
import { FLAG_ERROR, toolName, type SessionInfo, type Store } from "./store";

export interface ListFilter {
  agent?: string;
  status?: string;
  model?: string;
  tool?: string;
  /** Epoch ms; sessions overlapping [from, to] pass. */
  from?: number;
  to?: number;
  q?: string;
  /** "newest": sessions by their first event, newest first (the collector); else as read. */
  order?: "newest";
}

export interface SessionRow {
  id: string;
  agent: string;
  status: string;
  first: number;
  durationMs: number;
  events: number;
  errors: number;
  tokens: number;
  models: string[];
}

export interface TimelineRow {
  /** Position in the session's timeline (deep links use it when an event has no id). */
  n: number;
  type: string;
  label: string;
  depth: number;
  /** Offset from the session's first event, in ms. */
  start: number;
  dur: number;
  error: boolean;
  ref: string;
  run: string;
}

export interface Timeline {
  id: string;
  rows: TimelineRow[];
  /** Store index of each row's event. */
  index: number[];
  span: number;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const obj = (v: unknown) => (v && typeof v === "object" ? (v as Record<string, unknown>) : undefined);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function matches(store: Store, s: SessionInfo, f: ListFilter): boolean {
  if (f.agent && s.agent !== f.agent) return false;
  if (f.status && s.status !== f.status) return false;
  if (f.model && !s.models.has(store.models.id(f.model))) return false;
  if (f.tool && !s.tools.has(store.tools.id(f.tool))) return false;
  if (f.from !== undefined && Number.isFinite(f.from) && !(s.last >= f.from)) return false;
  if (f.to !== undefined && Number.isFinite(f.to) && !(s.first <= f.to)) return false;
  if (f.q) {
    const re = new RegExp(escapeRegExp(f.q), "i");
    if (!re.test(s.id) && !re.test(s.agent) && !s.events.some((i) => re.test(store.text(i)))) return false;
  }
  return true;
}

/** The indices of the sessions passing `f`, in the order `f` asks for. */
export function filterSessions(store: Store, f: ListFilter): number[] {
  const out: number[] = [];
  store.sessions.forEach((s, i) => {
    if (matches(store, s, f)) out.push(i);
  });
  if (f.order === "newest") {
    const first = (i: number) => (Number.isFinite(store.sessions[i]!.first) ? store.sessions[i]!.first : -Infinity);
    out.sort((a, b) => first(b) - first(a) || a - b);
  }
  return out;
}

export function sessionRow(store: Store, s: SessionInfo): SessionRow {
  return {
    id: s.id,
    agent: s.agent,
    status: s.status,
    first: s.first,
    durationMs: Number.isFinite(s.last - s.first) ? s.last - s.first : 0,
    events: s.events.length,
    errors: s.errors,
    tokens: s.tokensIn + s.tokensOut,
    models: [...s.models].slice(0, 3).map((m) => store.models.get(m)),
  };
}

/** The values present, for the filter menus. */
export function facets(store: Store) {
  const agents = new Set<string>();
  const statuses = new Set<string>();
  const models = new Set<number>();
  const tools = new Set<number>();
  let min = Infinity;
  let max = -Infinity;
  for (const s of store.sessions) {
    if (s.agent) agents.add(s.agent);
    if (s.status) statuses.add(s.status);
    for (const m of s.models) models.add(m);
    for (const t of s.tools) tools.add(t);
    if (s.first < min) min = s.first;
    if (s.last > max) max = s.last;
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return {
    agents: sorted(agents),
    statuses: sorted(statuses),
    models: sorted(new Set([...models].map((m) => store.models.get(m)))),
    tools: sorted(new Set([...tools].map((t) => store.tools.get(t)))),
    from: Number.isFinite(min) ? min : null,
    to: Number.isFinite(max) ? max : null,
  };
}

function label(e: WireEvent): string {
  const type = str(e.event_type);
  const err = obj(e.error);
  const mem = obj(e.memory);
  const dec = obj(e.decision_trace);
  if (type === "llm_call") return str(e.model) || "LLM call";
  if (type.startsWith("tool")) return toolName(e) || type;
  if (type === "run_start") return str(e.run_name) || str(e.run_id) || "run";
  if (err) return [str(err.error_type), str(err.message)].filter(Boolean).join(": ") || type;
  if (mem) return str(mem.key) || type;
  if (dec) return str(dec.reasoning).slice(0, 120) || type;
  if (type === "session_start") return str(e.agent_name) || "session start";
  if (type === "session_end") return str(e.status) ? `ended: ${str(e.status)}` : "session end";
  return str(e.name) || str(e.agent_name) || type;
}

/** Builds a session's waterfall: runs nested by parent_run_id, events under their run. */
export function buildTimeline(store: Store, s: SessionInfo): Timeline {
  const order = store.ordered(s);
  const parents = new Map<string, string>();
  const ends = new Map<string, number>();
  const started = new Set<string>();
  for (const i of order) {
    const e = store.event(i);
    const run = str(e.run_id);
    if (!run) continue;
    const parent = str(e.parent_run_id);
    if (parent && parent !== run && !parents.has(run)) parents.set(run, parent);
    if (e.event_type === "run_end") ends.set(run, i);
    if (e.event_type === "run_start") started.add(run);
  }
  const depthCache = new Map<string, number>();
  const depth = (run: string): number => {
    if (!run) return 0;
    const known = depthCache.get(run);
    if (known !== undefined) return known;
    let d = 1;
    const seen = new Set([run]);
    for (let p = parents.get(run); p && !seen.has(p) && d < 64; p = parents.get(p)) {
      seen.add(p);
      d++;
    }
    depthCache.set(run, d);
    return d;
  };
  const t0 = Number.isFinite(s.first) ? s.first : 0;
  const rows: TimelineRow[] = [];
  const index: number[] = [];
  let span = 0;
  for (const i of order) {
    const e = store.event(i);
    const type = str(e.event_type);
    const run = str(e.run_id);
    if (type === "run_end" && started.has(run)) continue;
    const t = store.time[i]!;
    const start = Number.isFinite(t) ? t - t0 : 0;
    let dur = store.duration[i]!;
    let error = (store.flags[i]! & FLAG_ERROR) !== 0;
    if (type === "run_start" && ends.has(run)) {
      const end = ends.get(run)!;
      const endDur = store.duration[end]!;
      dur = Number.isFinite(endDur) ? endDur : store.time[end]! - t;
      error ||= (store.flags[end]! & FLAG_ERROR) !== 0;
    }
    const d = type === "run_start" ? Math.max(0, depth(run) - 1) : depth(run);
    const n = rows.length;
    rows.push({ n, type, label: label(e), depth: d, start, dur: Number.isFinite(dur) ? dur : Number.NaN, error, ref: str(e.event_id) || `@${n}`, run });
    index.push(i);
    span = Math.max(span, start + (Number.isFinite(dur) ? dur : 0));
  }
  return { id: s.id, rows, index, span };
}

/** A session's header: totals and its cost through the core's pricing. */
export function sessionSummary(store: Store, s: SessionInfo, timeline: Timeline) {
  let cost: Record<string, unknown> | null = null;
  let costError = "";
  try {
    // Only events with a model or tokens carry cost; a million-event session need not be
    // copied whole into the engine for its header.
    cost = sessionCost(store.pricedEvents(s));
  } catch (err) {
    costError = err instanceof Error ? err.message : String(err);
  }
  return {
    ...sessionRow(store, s),
    tokensIn: s.tokensIn,
    tokensOut: s.tokensOut,
    tools: [...s.tools].map((t) => store.tools.get(t)),
    models: [...s.models].map((m) => store.models.get(m)),
    rows: timeline.rows.length,
    span: timeline.span,
    totalCost: cost ? (cost.total_cost as number) : null,
    unmatchedModels: cost ? (cost.unmatched_models as string[]) : [],
    costError,
  };
}

/** One event in full, with its own cost. */
export function eventDetail(store: Store, timeline: Timeline, n: number) {
  const i = timeline.index[n];
  if (i === undefined) return null;
  const event = store.event(i);
  let cost: Record<string, unknown> | null = null;
  if (event.model || event.tokens_in || event.tokens_out) {
    try {
      const c = sessionCost([event]);
      const one = (c.event_costs as Record<string, unknown>[] | undefined)?.[0];
      cost = { total: c.total_cost, matched: one ? one.matched : false, pricingKey: one?.pricing_key ?? null, unmatched: c.unmatched_models };
    } catch {
      cost = null;
    }
  }
  return { row: timeline.rows[n], event, cost };
}
