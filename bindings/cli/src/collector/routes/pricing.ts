/** `GET /pricing`, `GET /pricing/costs/{id}` (priced by the core) and `GET /analytics`. */
import { pricingLookup, sessionCost } from "@agentlens/sdk/analysis";
import { HttpError, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { decodeEvents, getStoredSession, sessionEventRows } from "../store-read.js";
import { sessionParam } from "./sessions.js";

/** The models the AgentLens backend lists; their prices come from the core's table. */
const LISTED_MODELS = [
  "gpt-4", "gpt-4-turbo", "gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo", "claude-3-opus", "claude-3-sonnet",
  "claude-3-haiku", "claude-3.5-sonnet", "claude-4-opus", "claude-4-sonnet", "gemini-pro", "gemini-1.5-pro", "gemini-1.5-flash",
];

function pricing(ctx: Context): void {
  const defaults: Record<string, unknown> = {};
  for (const m of LISTED_MODELS) {
    const p = pricingLookup(m);
    if (p) defaults[m] = { input: p.input_per_1m, output: p.output_per_1m, source: p.source };
  }
  sendJson(ctx.res, 200, { pricing: {}, defaults });
}

async function costs(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  const row = getStoredSession(ctx.store, id);
  if (!row) throw new HttpError(404, "Session not found");
  const events = await decodeEvents(ctx.store, sessionEventRows(ctx.store, id));
  sendJson(ctx.res, 200, { ...sessionCost(events), session_id: id, agent_name: row.agent_name });
}

function analytics(ctx: Context): void {
  const db = ctx.store.db;
  const one = (sql: string) => db.prepare(sql).get() as Record<string, number | string | null>;
  const all = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
  // The totals the writer stored by the core's rule.
  const totals = "total_tokens_in";
  const totalsOut = "total_tokens_out";
  const o = one(`SELECT COUNT(*) AS total_sessions,
      SUM(status = 'active') AS active_sessions, SUM(status = 'completed') AS completed_sessions, SUM(status = 'error') AS error_sessions,
      COALESCE(SUM(${totals}), 0) AS tin, COALESCE(SUM(${totalsOut}), 0) AS tout,
      MIN(started_at) AS earliest_session, MAX(started_at) AS latest_session FROM sessions`);
  const total = Number(o.total_sessions ?? 0);
  const tin = Number(o.tin ?? 0);
  const tout = Number(o.tout ?? 0);
  const d = one("SELECT AVG(ended_ms - started_ms) AS avg_ms, MIN(ended_ms - started_ms) AS min_ms, MAX(ended_ms - started_ms) AS max_ms FROM sessions WHERE ended_ms IS NOT NULL");
  sendJson(ctx.res, 200, {
    overview: {
      total_sessions: total,
      active_sessions: Number(o.active_sessions ?? 0),
      completed_sessions: Number(o.completed_sessions ?? 0),
      error_sessions: Number(o.error_sessions ?? 0),
      error_rate: total ? Math.round((Number(o.error_sessions ?? 0) / total) * 10000) / 100 : 0,
      total_events: Number(one("SELECT COUNT(*) AS n FROM events").n ?? 0),
      total_tokens: tin + tout,
      total_tokens_in: tin,
      total_tokens_out: tout,
      avg_tokens_per_session: total ? Math.round((tin + tout) / total) : 0,
      earliest_session: o.earliest_session ?? null,
      latest_session: o.latest_session ?? null,
    },
    duration: { avg_ms: d.avg_ms === null ? null : Math.round(Number(d.avg_ms)), min_ms: d.min_ms, max_ms: d.max_ms },
    top_agents: all(`SELECT agent_name, COUNT(*) AS session_count, SUM(${totals} + ${totalsOut}) AS total_tokens
      FROM sessions GROUP BY agent_name ORDER BY session_count DESC, agent_name LIMIT 10`),
    model_usage: all(`SELECT model, COUNT(*) AS call_count, SUM(tokens_in) AS tokens_in, SUM(tokens_out) AS tokens_out,
      AVG(duration_ms) AS avg_duration_ms FROM events WHERE model IS NOT NULL AND model != '' GROUP BY model ORDER BY call_count DESC`),
    event_types: all("SELECT event_type, COUNT(*) AS count FROM events GROUP BY event_type ORDER BY count DESC"),
    sessions_over_time: all(`SELECT * FROM (SELECT date(started_ms / 1000, 'unixepoch') AS day, COUNT(*) AS count
      FROM sessions GROUP BY day ORDER BY day DESC LIMIT 90) ORDER BY day ASC`),
    hourly_activity: all("SELECT CAST(strftime('%H', ts_ms / 1000, 'unixepoch') AS INTEGER) AS hour, COUNT(*) AS count FROM events GROUP BY hour ORDER BY hour"),
  });
}

export const pricingRoutes: Route[] = [
  { method: "GET", path: "/pricing", auth: true, handle: pricing, doc: { summary: "Model prices (USD per 1M tokens) from the core's table", errors: [401] } },
  {
    method: "GET",
    path: "/pricing/costs/{id}",
    auth: true,
    handle: costs,
    doc: { summary: "A session's cost by event and model; unmatched models listed", params: [{ name: "id", in: "path" }], errors: [400, 401, 404] },
  },
  { method: "GET", path: "/analytics", auth: true, handle: analytics, doc: { summary: "Overview, durations, agents, models, event types, sessions per day, activity per hour", errors: [401] } },
];
