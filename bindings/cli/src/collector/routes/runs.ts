/**
 * Agent Inspector-compatible reads (reference C.6). Parameter errors are 422 as FastAPI
 * gives them; `total` is the real number of matching runs (Agent Inspector returned the
 * page size).
 */
import { HttpError, sendJson } from "../http.js";
import { validId } from "../engine.js";
import type { Context, Route } from "../router.js";
import { getRun, listRuns, runSteps, stepData, type RunQuery } from "../store-runs.js";

function intParam(raw: string | null, name: string, min: number, max: number): number | undefined {
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(422, `${name} must be an integer in [${min}, ${max}]`);
  return n;
}

function runParam(ctx: Context): string {
  const id = validId(ctx.params.id);
  if (!id) throw new HttpError(404, "Run not found");
  if (!getRun(ctx.store, id)) throw new HttpError(404, "Run not found");
  return id;
}

function list(ctx: Context): void {
  const q = ctx.url.searchParams;
  const orderBy = q.get("order_by") ?? "started_at";
  const dir = (q.get("order_dir") ?? q.get("order") ?? "DESC").toUpperCase();
  if (dir !== "ASC" && dir !== "DESC") throw new HttpError(422, "order must be asc or desc");
  if (!["started_at", "completed_at", "duration_ms", "name"].includes(orderBy)) {
    throw new HttpError(422, "order_by must be one of started_at, completed_at, duration_ms, name");
  }
  const query: RunQuery = {
    limit: intParam(q.get("limit"), "limit", 1, 1000) ?? 100,
    offset: intParam(q.get("offset"), "offset", 0, Number.MAX_SAFE_INTEGER) ?? 0,
    status: q.get("status") ?? q.get("run_status") ?? undefined,
    userId: q.get("user_id") ?? undefined,
    sessionId: q.get("session_id") ?? undefined,
    search: q.get("search") ?? undefined,
    startedAfter: intParam(q.get("started_after"), "started_after", 0, Number.MAX_SAFE_INTEGER),
    startedBefore: intParam(q.get("started_before"), "started_before", 0, Number.MAX_SAFE_INTEGER),
    orderBy: orderBy as RunQuery["orderBy"],
    orderDir: dir,
  };
  const r = listRuns(ctx.store, query);
  sendJson(ctx.res, 200, { runs: r.runs, total: r.total, limit: query.limit, offset: query.offset });
}

function detail(ctx: Context): void {
  sendJson(ctx.res, 200, getRun(ctx.store, runParam(ctx)));
}

async function steps(ctx: Context): Promise<void> {
  const id = runParam(ctx);
  const q = ctx.url.searchParams;
  const limit = intParam(q.get("limit"), "limit", 1, 1000);
  const offset = intParam(q.get("offset"), "offset", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const r = await runSteps(ctx.store, id, { limit, offset, eventType: q.get("event_type") ?? undefined, withData: true });
  sendJson(ctx.res, 200, { steps: r.steps, total: r.total, limit: limit ?? null, offset });
}

async function timeline(ctx: Context): Promise<void> {
  const id = runParam(ctx);
  const withData = ctx.url.searchParams.get("include_data") === "true";
  const r = await runSteps(ctx.store, id, { withData });
  sendJson(ctx.res, 200, { run_id: id, events: r.steps, total: r.total });
}

async function data(ctx: Context): Promise<void> {
  const id = runParam(ctx);
  const step = ctx.params.step ?? "";
  const d = await stepData(ctx.store, id, step);
  if (d === undefined) throw new HttpError(404, "Step not found");
  sendJson(ctx.res, 200, { step_id: step, data: d });
}

async function exportRun(ctx: Context): Promise<void> {
  sendJson(ctx.res, 200, await ctx.store.exportRuns({ runId: runParam(ctx) }));
}

function stats(ctx: Context): void {
  sendJson(ctx.res, 200, { ...ctx.store.stats(), live_subscribers: ctx.live.size });
}

const id = { name: "id", in: "path" as const };
const q = (name: string, type: "string" | "integer" | "boolean" = "string") => ({ name, in: "query" as const, type });

export const runRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/runs",
    auth: true,
    handle: list,
    doc: {
      summary: "List runs; `total` is the number of matching runs",
      params: [
        q("limit", "integer"), q("offset", "integer"), q("status"), q("run_status"), q("user_id"), q("session_id"), q("search"),
        q("started_after", "integer"), q("started_before", "integer"), q("order"), q("order_by"), q("order_dir"),
      ],
      errors: [401, 422],
    },
  },
  { method: "GET", path: "/v1/runs/{id}", auth: true, handle: detail, doc: { summary: "One run", params: [id], errors: [401, 404] } },
  { method: "GET", path: "/v1/runs/{id}/timeline", auth: true, handle: timeline, doc: { summary: "A run's events, oldest first", params: [id, q("include_data", "boolean")], errors: [401, 404] } },
  { method: "GET", path: "/v1/runs/{id}/steps", auth: true, handle: steps, doc: { summary: "A run's steps with data", params: [id, q("limit", "integer"), q("offset", "integer"), q("event_type")], errors: [401, 404, 422] } },
  { method: "GET", path: "/v1/runs/{id}/steps/{step}/data", auth: true, handle: data, doc: { summary: "One step's data", params: [id, { name: "step", in: "path" }], errors: [401, 404] } },
  { method: "GET", path: "/v1/runs/{id}/export", auth: true, handle: exportRun, doc: { summary: "A run and its timeline with data (Agent Inspector export)", params: [id], errors: [401, 404] } },
  { method: "GET", path: "/v1/stats", auth: true, handle: stats, doc: { summary: "Database statistics", errors: [401] } },
];
