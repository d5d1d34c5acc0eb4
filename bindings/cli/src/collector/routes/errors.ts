/**
 * `GET /errors`, `/errors/summary`, `/errors/by-type`, `/errors/by-model`, `/errors/by-agent`
 * in the AgentLens backend's shapes (`backend/routes/errors.js`). An error is what the core
 * classified as one (`events.is_error`), so an `llm_call` that failed counts and a type
 * merely named like an error does not decide it here. Times are ISO 8601 UTC.
 */
import { limitParam, sendJson } from "../http.js";
import type { Context, ParamDoc, Route } from "../router.js";
import { errorRateByDay, errorsByAgent, errorsByHour, errorsByModel, errorsByType, errorSessions, errorSummary, percent, topErrors } from "../store-analytics-errors.js";

const limitOf = (ctx: Context) => limitParam(ctx.url.searchParams.get("limit"), 10, 100);

async function dashboard(ctx: Context): Promise<void> {
  const limit = limitOf(ctx);
  const days = limitParam(ctx.url.searchParams.get("days"), 30, 365);
  const s = errorSummary(ctx.store);
  sendJson(ctx.res, 200, {
    summary: {
      total_errors: s.total_errors,
      affected_sessions: s.affected_sessions,
      error_rate_percent: percent(s.total_errors, s.total_events),
      session_error_rate_percent: percent(s.affected_sessions, s.total_sessions),
      first_error: s.first_error,
      last_error: s.last_error,
      mtbf: s.mtbf,
    },
    rate_over_time: errorRateByDay(ctx.store, days),
    by_type: errorsByType(ctx.store),
    by_model: errorsByModel(ctx.store, limit),
    by_agent: errorsByAgent(ctx.store, limit),
    top_errors: await topErrors(ctx.store, limit),
    error_sessions: errorSessions(ctx.store, limit),
    hourly_distribution: errorsByHour(ctx.store),
  });
}

function summary(ctx: Context): void {
  const s = errorSummary(ctx.store);
  sendJson(ctx.res, 200, {
    total_errors: s.total_errors,
    affected_sessions: s.affected_sessions,
    error_rate_percent: percent(s.total_errors, s.total_events),
    first_error: s.first_error,
    last_error: s.last_error,
  });
}

const LIMIT: ParamDoc = { name: "limit", in: "query", type: "integer", description: "Rows per breakdown (default 10, clamped to 1–100)" };

/** The error analytics routes. */
export const errorRoutes: Route[] = [
  {
    method: "GET",
    path: "/errors",
    auth: true,
    handle: dashboard,
    doc: {
      summary: "Error dashboard: summary with mean time between errors, daily rate, by type, model and agent, top messages, error sessions, hourly distribution",
      params: [LIMIT, { name: "days", in: "query", type: "integer", description: "Days with errors in rate_over_time (default 30, 1–365)" }],
      errors: [401],
    },
  },
  {
    method: "GET",
    path: "/errors/summary",
    auth: true,
    handle: summary,
    doc: { summary: "Error totals: count, affected sessions, rate among all events, first and last", errors: [401] },
  },
  {
    method: "GET",
    path: "/errors/by-type",
    auth: true,
    handle: (ctx) => sendJson(ctx.res, 200, { by_type: errorsByType(ctx.store) }),
    doc: { summary: "Errors by event type", errors: [401] },
  },
  {
    method: "GET",
    path: "/errors/by-model",
    auth: true,
    handle: (ctx) => sendJson(ctx.res, 200, { by_model: errorsByModel(ctx.store, limitOf(ctx)) }),
    doc: { summary: "Errors by model, with the model's calls and error rate", params: [LIMIT], errors: [401] },
  },
  {
    method: "GET",
    path: "/errors/by-agent",
    auth: true,
    handle: (ctx) => sendJson(ctx.res, 200, { by_agent: errorsByAgent(ctx.store, limitOf(ctx)) }),
    doc: { summary: "Errors by agent, with the share of its sessions that had one", params: [LIMIT], errors: [401] },
  },
];
