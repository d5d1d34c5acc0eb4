/**
 * `GET /diff?baseline=<id>&candidate=<id>`: two sessions side by side, in the AgentLens
 * backend's shape (`backend/routes/diff.js`): totals and their deltas, tools and models
 * used, event types added and removed, and an alignment of the two event sequences (a
 * longest common subsequence over `type` or `type:tool`). At most {@link MAX_DIFF_EVENTS}
 * events per side, so the alignment table stays at most 2,500 × 2,500 one-byte cells.
 * Our fix: the 404 names which side is missing without echoing the id back.
 */
import { HttpError, sendJson } from "../http.js";
import { validId } from "../engine.js";
import type { Context, Route } from "../router.js";
import { decodeEvents, getStoredSession, sessionEventRows, type StoredSession } from "../store-read.js";

/** Events read per side. */
export const MAX_DIFF_EVENTS = 2_500;

interface Step {
  type: string;
  tool: string | null;
  model: string | null;
  tin: number;
  tout: number;
  duration: number | null;
  key: string;
}

async function steps(ctx: Context, s: StoredSession): Promise<Step[]> {
  const rows = sessionEventRows(ctx.store, s.session_id, MAX_DIFF_EVENTS);
  const events = await decodeEvents(ctx.store, rows);
  return rows.map((r, i) => {
    const call = events[i]?.tool_call as { tool_name?: unknown } | null | undefined;
    const tool = typeof call?.tool_name === "string" && call.tool_name ? call.tool_name : null;
    return { type: r.event_type, tool, model: r.model, tin: r.tokens_in, tout: r.tokens_out, duration: r.duration_ms, key: tool ? `${r.event_type}:${tool}` : r.event_type };
  });
}

interface Pair {
  label: string;
  status: "matched" | "modified" | "removed" | "added";
  changes: Record<string, string>;
  b: Step | null;
  c: Step | null;
}

function changes(b: Step, c: Step): Record<string, string> {
  const out: Record<string, string> = {};
  if (b.tin !== c.tin) out.tokens_in = `${b.tin}→${c.tin}`;
  if (b.tout !== c.tout) out.tokens_out = `${b.tout}→${c.tout}`;
  if (b.model !== c.model) out.model = `${b.model}→${c.model}`;
  if (b.duration && c.duration && Math.abs(b.duration - c.duration) > 10) out.duration_ms = `${b.duration}→${c.duration}`;
  return out;
}

/** Aligns two step lists by a longest common subsequence of their keys. */
export function align(base: Step[], cand: Step[]): Pair[] {
  const n = base.length;
  const m = cand.length;
  // Suffix LCS lengths, two rows at a time; the move chosen at each cell, one byte each.
  const move = new Uint8Array(n * m);
  let below = new Uint16Array(m + 1);
  let row = new Uint16Array(m + 1);
  for (let i = n - 1; i >= 0; i--) {
    row[m] = 0;
    for (let j = m - 1; j >= 0; j--) {
      if (base[i]!.key === cand[j]!.key) {
        row[j] = below[j + 1]! + 1;
        move[i * m + j] = 0;
      } else if (below[j]! >= row[j + 1]!) {
        row[j] = below[j]!;
        move[i * m + j] = 1;
      } else {
        row[j] = row[j + 1]!;
        move[i * m + j] = 2;
      }
    }
    [below, row] = [row, below];
  }
  const pairs: Pair[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const mv = i < n && j < m ? move[i * m + j] : i < n ? 1 : 2;
    if (mv === 0) {
      const c = changes(base[i]!, cand[j]!);
      pairs.push({ label: base[i]!.key, status: Object.keys(c).length ? "modified" : "matched", changes: c, b: base[i]!, c: cand[j]! });
      i++;
      j++;
    } else if (mv === 1) {
      pairs.push({ label: base[i]!.key, status: "removed", changes: {}, b: base[i]!, c: null });
      i++;
    } else {
      pairs.push({ label: cand[j]!.key, status: "added", changes: {}, b: null, c: cand[j]! });
      j++;
    }
  }
  return pairs;
}

function counts(list: Step[], of: (s: Step) => string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of list) {
    const k = of(s);
    if (k) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

const stepTokens = (s: Step) => s.tin + s.tout;

function side(s: StoredSession, list: Step[]) {
  return {
    session_id: s.session_id,
    agent_name: s.agent_name,
    status: s.status,
    event_count: list.length,
    tokens_in: list.reduce((a, x) => a + x.tin, 0),
    tokens_out: list.reduce((a, x) => a + x.tout, 0),
    duration_ms: list.reduce((a, x) => a + (x.duration ?? 0), 0),
  };
}

async function diff(ctx: Context): Promise<void> {
  const q = ctx.url.searchParams;
  const rawB = q.get("baseline");
  const rawC = q.get("candidate");
  if (!rawB || !rawC) throw new HttpError(400, "baseline and candidate query params required");
  const bId = validId(rawB);
  const cId = validId(rawC);
  if (!bId || !cId || rawB.length > 128 || rawC.length > 128) throw new HttpError(400, "Invalid session ID format");
  if (bId === cId) throw new HttpError(400, "Cannot diff a session with itself");
  const bs = getStoredSession(ctx.store, bId);
  if (!bs) throw new HttpError(404, "Baseline session not found");
  const cs = getStoredSession(ctx.store, cId);
  if (!cs) throw new HttpError(404, "Candidate session not found");
  const b = await steps(ctx, bs);
  const c = await steps(ctx, cs);
  const base = side(bs, b);
  const cand = side(cs, c);
  const delta = (k: "tokens_in" | "tokens_out" | "duration_ms" | "event_count") => cand[k] - base[k];
  const bTools = counts(b, (s) => s.tool);
  const cTools = counts(c, (s) => s.tool);
  const tools = [...new Set([...Object.keys(bTools), ...Object.keys(cTools)])].sort();
  const bTypes = new Set(b.map((s) => s.type));
  const cTypes = new Set(c.map((s) => s.type));
  const pairs = align(b, c);
  const matched = pairs.filter((p) => p.status === "matched" || p.status === "modified").length;
  sendJson(ctx.res, 200, {
    baseline: base,
    candidate: cand,
    deltas: {
      tokens_in: delta("tokens_in"),
      tokens_out: delta("tokens_out"),
      tokens_total: delta("tokens_in") + delta("tokens_out"),
      duration_ms: delta("duration_ms"),
      event_count: delta("event_count"),
    },
    tools: {
      added: tools.filter((t) => !(t in bTools)),
      removed: tools.filter((t) => !(t in cTools)),
      common: tools.filter((t) => t in bTools && t in cTools),
      baseline_counts: bTools,
      candidate_counts: cTools,
    },
    models: { baseline: counts(b, (s) => s.model), candidate: counts(c, (s) => s.model) },
    event_types: { added: [...cTypes].filter((t) => !bTypes.has(t)).sort(), removed: [...bTypes].filter((t) => !cTypes.has(t)).sort() },
    alignment: pairs.map((p) => ({
      label: p.label,
      status: p.status,
      changes: p.changes,
      baseline_tokens: p.b ? stepTokens(p.b) : null,
      candidate_tokens: p.c ? stepTokens(p.c) : null,
      baseline_duration: p.b ? p.b.duration : null,
      candidate_duration: p.c ? p.c.duration : null,
    })),
    similarity: pairs.length > 0 ? matched / pairs.length : 1,
    truncated: b.length >= MAX_DIFF_EVENTS || c.length >= MAX_DIFF_EVENTS,
  });
}

/** The session diff route. */
export const diffRoutes: Route[] = [
  {
    method: "GET",
    path: "/diff",
    auth: true,
    handle: diff,
    doc: {
      summary: "Compare two sessions: totals and deltas, tools, models, event types and an event-by-event alignment (first 2,500 events each)",
      params: [
        { name: "baseline", in: "query", description: "Baseline session id (required)" },
        { name: "candidate", in: "query", description: "Candidate session id (required, not the baseline)" },
      ],
      errors: [400, 401, 404],
    },
  },
];
