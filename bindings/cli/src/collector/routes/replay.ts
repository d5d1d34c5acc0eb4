/**
 * Session replay: `GET /replay/{id}` (frames with timing), `/replay/{id}/frame/{index}` and
 * `/replay/{id}/summary`, in the AgentLens backend's shapes (`backend/routes/replay.js`).
 * At most {@link REPLAY_EVENT_CAP} events are replayed (`truncated` says when there were
 * more). Our fixes: a frame index that is not a whole number is a 400 (the backend read
 * `3abc` as 3); a single frame's `elapsed_ms` is the sum of the capped delays up to it, the
 * same figure the full replay gives (the backend gave the raw span); a frame is an
 * `error` when the core classified the event as one (`is_error`), whatever its type's name.
 */
import { HttpError, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { countSessionEvents, decodeEvents, getStoredSession, sessionEventRows, type EventRow, type StoredSession } from "../store-read.js";
import type { WireEvent } from "../types.js";
import { sessionParam } from "./sessions.js";

/** The most events one replay or summary reads. */
export const REPLAY_EVENT_CAP = 5_000;
const DEFAULT_MAX_DELAY_MS = 30_000;

/** A frame's category: the core's error flag first, then the backend's reading of the type's name. */
function category(r: Pick<EventRow, "event_type" | "is_error">): string {
  if (r.is_error) return "error";
  const t = r.event_type.toLowerCase();
  if (t.includes("llm") || t.includes("completion")) return "llm_call";
  if (t.includes("tool")) return "tool_use";
  if (t.includes("decision") || t.includes("plan")) return "decision";
  return t || "generic";
}

interface Timing {
  speed: number;
  maxDelayMs: number;
}

function delay(prev: EventRow | undefined, r: EventRow, t: Timing): number {
  if (!prev) return 0;
  const capped = Math.min(Math.max(0, r.ts_ms - prev.ts_ms), t.maxDelayMs);
  return Math.round(capped / t.speed);
}

function frame(r: EventRow, e: WireEvent, index: number, delayMs: number, elapsedMs: number) {
  return {
    index,
    event_id: r.event_id,
    event_type: r.event_type,
    category: category(r),
    timestamp: r.timestamp,
    delay_ms: delayMs,
    elapsed_ms: elapsedMs,
    model: r.model || null,
    tokens_in: r.tokens_in,
    tokens_out: r.tokens_out,
    duration_ms: r.duration_ms || null,
    input_data: e.input_data ?? null,
    output_data: e.output_data ?? null,
    tool_call: e.tool_call ?? null,
    decision_trace: e.decision_trace ?? null,
  };
}

function speedLabel(totalMs: number): string {
  if (totalMs > 300_000) return "10x";
  if (totalMs > 60_000) return "5x";
  if (totalMs > 10_000) return "2x";
  return totalMs < 2_000 ? "0.5x" : "1x";
}

/** The summary of replayed rows (columns only: nothing is decoded). */
function summarize(rows: EventRow[], s: StoredSession, t: Timing) {
  const types: Record<string, number> = {};
  const categories: Record<string, number> = {};
  const models = new Set<string>();
  let tin = 0;
  let tout = 0;
  let total = 0;
  let max = 0;
  rows.forEach((r, i) => {
    types[r.event_type] = (types[r.event_type] ?? 0) + 1;
    const c = category(r);
    categories[c] = (categories[c] ?? 0) + 1;
    if (r.model) models.add(r.model);
    tin += r.tokens_in;
    tout += r.tokens_out;
    const d = delay(rows[i - 1], r, t);
    total += d;
    max = Math.max(max, d);
  });
  return {
    session_id: s.session_id,
    agent_name: s.agent_name,
    session_status: s.status,
    total_frames: rows.length,
    total_duration_ms: total,
    event_types: types,
    categories,
    models_used: [...models],
    total_tokens_in: tin,
    total_tokens_out: tout,
    avg_delay_ms: rows.length > 1 ? Math.round(total / (rows.length - 1)) : 0,
    max_delay_ms: max,
    speed_recommendation: speedLabel(total),
  };
}

function session(ctx: Context): StoredSession {
  const s = getStoredSession(ctx.store, sessionParam(ctx));
  if (!s) throw new HttpError(404, "Session not found");
  return s;
}

function intParam(raw: string | null): number | undefined {
  const n = Number.parseInt(raw ?? "", 10);
  return Number.isFinite(n) ? n : undefined;
}

async function replay(ctx: Context): Promise<void> {
  const s = session(ctx);
  const q = ctx.url.searchParams;
  const speed = Math.max(0.1, Math.min(100, Number.parseFloat(q.get("speed") ?? "") || 1));
  const maxDelayMs = Math.min(86_400_000, Math.max(0, intParam(q.get("maxDelay")) || DEFAULT_MAX_DELAY_MS));
  const t = { speed, maxDelayMs };
  const all = sessionEventRows(ctx.store, s.session_id, REPLAY_EVENT_CAP + 1);
  const truncated = all.length > REPLAY_EVENT_CAP;
  const capped = truncated ? all.slice(0, REPLAY_EVENT_CAP) : all;
  // Delays and elapsed times are those of the whole replay; from/to only choose frames.
  const from = intParam(q.get("from"));
  const to = intParam(q.get("to"));
  const start = from === undefined ? 0 : Math.max(0, from);
  const end = to === undefined ? capped.length : Math.max(start, Math.min(capped.length, to));
  const chosen = capped.slice(start, end);
  const events = await decodeEvents(ctx.store, chosen);
  let elapsed = 0;
  const frames: ReturnType<typeof frame>[] = [];
  capped.forEach((r, i) => {
    const d = delay(capped[i - 1], r, t);
    elapsed += d;
    if (i >= start && i < end) frames.push(frame(r, events[i - start]!, i, d, elapsed));
  });
  sendJson(ctx.res, 200, {
    session: { session_id: s.session_id, agent_name: s.agent_name, started_at: s.started_at, ended_at: s.ended_at, status: s.status },
    // As the backend: `max_delay_ms` is the longest delay replayed (the summary's), not the cap.
    replay: { speed, truncated, ...summarize(chosen, s, t), frames },
  });
}

async function oneFrame(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  const raw = ctx.params.index ?? "";
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(400, "Invalid frame index");
  const index = Number(raw);
  if (!getStoredSession(ctx.store, id)) throw new HttpError(404, "Session not found");
  const total = countSessionEvents(ctx.store, id);
  if (index >= total) {
    sendJson(ctx.res, 404, { error: "Frame index out of range", total_frames: total });
    return;
  }
  const rows = sessionEventRows(ctx.store, id, index > 0 ? 2 : 1, Math.max(0, index - 1));
  const target = rows[rows.length - 1]!;
  const t = { speed: 1, maxDelayMs: DEFAULT_MAX_DELAY_MS };
  // The sum of the capped gaps up to this frame, in SQL: one number, however far in it is.
  const elapsed = ctx.store.db
    .prepare(
      `SELECT COALESCE(SUM(MIN(gap, ?)), 0) AS ms FROM (
        SELECT ts_ms - LAG(ts_ms) OVER (ORDER BY ts_ms, seq) AS gap FROM events WHERE session_id = ? ORDER BY ts_ms, seq LIMIT ?)`,
    )
    .get(DEFAULT_MAX_DELAY_MS, id, index + 1) as { ms: number };
  const [event] = await decodeEvents(ctx.store, [target]);
  sendJson(ctx.res, 200, {
    frame: frame(target, event!, index, delay(index > 0 ? rows[0] : undefined, target, t), Number(elapsed.ms)),
    total_frames: total,
    has_next: index < total - 1,
    has_previous: index > 0,
  });
}

function summary(ctx: Context): void {
  const s = session(ctx);
  const rows = sessionEventRows(ctx.store, s.session_id, REPLAY_EVENT_CAP);
  sendJson(ctx.res, 200, summarize(rows, s, { speed: 1, maxDelayMs: DEFAULT_MAX_DELAY_MS }));
}

const ID = { name: "id", in: "path" as const, description: "Session id" };

/** The replay routes. */
export const replayRoutes: Route[] = [
  {
    method: "GET",
    path: "/replay/{id}",
    auth: true,
    handle: replay,
    doc: {
      summary: "Step-by-step replay of a session's first 5,000 events: frames with delays, elapsed times and payloads, plus a summary",
      params: [
        ID,
        { name: "speed", in: "query", type: "number", description: "Playback speed (default 1, clamped to 0.1–100)" },
        { name: "maxDelay", in: "query", type: "integer", description: "Longest delay between frames in ms before speed (default 30000)" },
        { name: "from", in: "query", type: "integer", description: "First frame index returned" },
        { name: "to", in: "query", type: "integer", description: "Frame index to stop before" },
      ],
      errors: [400, 401, 404],
    },
  },
  {
    method: "GET",
    path: "/replay/{id}/frame/{index}",
    auth: true,
    handle: oneFrame,
    doc: {
      summary: "One replay frame with navigation flags; 404 with total_frames when the index is out of range",
      params: [ID, { name: "index", in: "path", type: "integer", description: "0-based frame index" }],
      errors: [400, 401, 404],
    },
  },
  {
    method: "GET",
    path: "/replay/{id}/summary",
    auth: true,
    handle: summary,
    doc: { summary: "Replay statistics of a session's first 5,000 events (types, categories, models, tokens, delays)", params: [ID], errors: [400, 401, 404] },
  },
];
