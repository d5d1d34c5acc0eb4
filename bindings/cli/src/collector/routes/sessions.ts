/** AgentLens-compatible session reads (reference A.5): same paths, parameters and shapes. */
import { HttpError, limitParam, numberParam, offsetParam, parseJson, readBody, sendJson } from "../http.js";
import { validId } from "../engine.js";
import type { Context, Route } from "../router.js";
import {
  agentlensEvent,
  compareMetrics,
  countSessionEvents,
  decodeEvents,
  explain,
  getStoredSession,
  searchSessions,
  sessionEventRows,
  sessionView,
  SESSION_STATUSES,
  type SearchParams,
} from "../store-read.js";
import { MAX_TAGS_PER_SESSION, normalizeTag, TAG_RULE, tagsOfMany } from "../store-tags.js";

const COMPARE_CAP = 5000;

/** The `:id` path parameter, validated as the AgentLens backend does. */
export function sessionParam(ctx: Context): string {
  const raw = ctx.params.id ?? "";
  const id = validId(raw);
  if (!id || raw.length > 128) throw new HttpError(400, "Invalid session ID format");
  return id;
}

function statusParam(raw: string | null): string | undefined {
  if (raw === null || raw === "") return undefined;
  if (!SESSION_STATUSES.has(raw)) throw new HttpError(400, "Invalid status filter");
  return raw;
}

/** `?tag=` of `GET /sessions`: one tag, or none. */
function tagParam(raw: string | null): string[] | undefined {
  if (raw === null || raw === "") return undefined;
  const tag = normalizeTag(raw);
  if (tag === null) throw new HttpError(400, `Invalid tag filter: ${TAG_RULE}`);
  return [tag];
}

/** `?tags=` of `GET /sessions/search`: comma-separated, at most 20, all must match. */
function tagsParam(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  const parts = raw.split(",").map((t) => t.trim()).filter(Boolean);
  if (parts.length === 0) return undefined;
  if (parts.length > MAX_TAGS_PER_SESSION) throw new HttpError(400, `Invalid tags filter: at most ${MAX_TAGS_PER_SESSION} tags`);
  const tags = parts.map(normalizeTag);
  if (tags.some((t) => t === null)) throw new HttpError(400, `Invalid tags filter: ${TAG_RULE}`);
  return tags as string[];
}

async function list(ctx: Context): Promise<void> {
  const q = ctx.url.searchParams;
  const limit = limitParam(q.get("limit"), 50, 200);
  const offset = offsetParam(q.get("offset"));
  const status = statusParam(q.get("status"));
  const tags = tagParam(q.get("tag"));
  const r = await searchSessions(ctx.store, { status, tags, sort: "started_at", order: "desc", limit, offset });
  sendJson(ctx.res, 200, r);
}

async function search(ctx: Context): Promise<void> {
  const q = ctx.url.searchParams;
  const sortRaw = q.get("sort") ?? "started_at";
  const sort = (["started_at", "total_tokens", "agent_name", "status"].includes(sortRaw) ? sortRaw : "started_at") as SearchParams["sort"];
  const order = q.get("order")?.toLowerCase() === "asc" ? "asc" : "desc";
  const p: SearchParams = {
    q: q.get("q") ?? undefined,
    agent: q.get("agent") ?? undefined,
    status: statusParam(q.get("status")),
    after: q.get("after") ?? undefined,
    before: q.get("before") ?? undefined,
    minTokens: numberParam(q.get("min_tokens")),
    maxTokens: numberParam(q.get("max_tokens")),
    tags: tagsParam(q.get("tags")),
    sort,
    order,
    limit: limitParam(q.get("limit"), 50, 200),
    offset: offsetParam(q.get("offset")),
  };
  const r = await searchSessions(ctx.store, p);
  const tagMap = tagsOfMany(ctx.store, r.sessions.map((s) => String(s.session_id)));
  const filters: Record<string, unknown> = {};
  for (const k of ["q", "agent", "status", "after", "before", "min_tokens", "max_tokens", "tags"]) {
    const v = q.get(k);
    if (v !== null && v !== "") filters[k] = v;
  }
  sendJson(ctx.res, 200, {
    sessions: r.sessions.map((s) => ({ ...s, tags: tagMap.get(String(s.session_id)) ?? [] })),
    total: r.total,
    limit: p.limit,
    offset: p.offset,
    sort,
    order,
    filters,
  });
}

async function detail(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  const row = getStoredSession(ctx.store, id);
  if (!row) throw new HttpError(404, "Session not found");
  const q = ctx.url.searchParams;
  const eventLimit = limitParam(q.get("event_limit"), 200, 1000);
  const eventOffset = offsetParam(q.get("event_offset"));
  const events = await decodeEvents(ctx.store, sessionEventRows(ctx.store, id, eventLimit, eventOffset));
  sendJson(ctx.res, 200, {
    ...(await sessionView(ctx.store, row)),
    total_events: countSessionEvents(ctx.store, id),
    event_limit: eventLimit,
    event_offset: eventOffset,
    events: events.map(agentlensEvent),
  });
}

async function events(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  if (!getStoredSession(ctx.store, id)) throw new HttpError(404, "Session not found");
  const q = ctx.url.searchParams;
  const limit = limitParam(q.get("limit"), 100, 1000);
  const offset = offsetParam(q.get("offset"));
  const list = await decodeEvents(ctx.store, sessionEventRows(ctx.store, id, limit, offset));
  sendJson(ctx.res, 200, {
    session_id: id,
    total: countSessionEvents(ctx.store, id),
    returned: list.length,
    limit,
    offset,
    events: list.map(agentlensEvent),
  });
}

async function explainRoute(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  const text = await explain(ctx.store, id);
  if (text === null) throw new HttpError(404, "Session not found");
  sendJson(ctx.res, 200, { session_id: id, explanation: text });
}

async function compare(ctx: Context): Promise<void> {
  const body = parseJson(await readBody(ctx.req, ctx.config.maxBodyBytes)) as Record<string, unknown> | null;
  const a = body && typeof body === "object" ? body.session_a : undefined;
  const b = body && typeof body === "object" ? body.session_b : undefined;
  if (a === undefined || b === undefined) throw new HttpError(400, "Both session_a and session_b are required");
  const ida = validId(a);
  const idb = validId(b);
  if (!ida || !idb) throw new HttpError(400, "Invalid session ID format");
  if (ida === idb) throw new HttpError(400, "Cannot compare a session with itself");
  const ma = await compareMetrics(ctx.store, ida, COMPARE_CAP);
  if (!ma) throw new HttpError(404, "Session A not found");
  const mb = await compareMetrics(ctx.store, idb, COMPARE_CAP);
  if (!mb) throw new HttpError(404, "Session B not found");
  const deltas: Record<string, unknown> = {};
  for (const [k, va] of Object.entries(ma.metrics)) {
    const vb = (mb.metrics as Record<string, unknown>)[k];
    if (typeof va !== "number" || typeof vb !== "number") continue;
    deltas[k] = { a: va, b: vb, diff: vb - va, percent: va === 0 ? null : Math.round(((vb - va) / va) * 10000) / 100 };
  }
  const shared = (key: "event_types" | "tools" | "models") =>
    Object.keys(ma.metrics[key]).filter((k) => k in mb.metrics[key]).sort();
  sendJson(ctx.res, 200, {
    compared_at: new Date().toISOString(),
    truncated: { session_a: ma.truncated, session_b: mb.truncated },
    session_a: ma.metrics,
    session_b: mb.metrics,
    deltas,
    shared: { event_types: shared("event_types"), tools: shared("tools"), models: shared("models") },
  });
}

const idParam = { name: "id", in: "path" as const, description: "session id (≤128 of [A-Za-z0-9_.:-])" };
const q = (name: string, type: "string" | "integer" = "string") => ({ name, in: "query" as const, type });

export const sessionRoutes: Route[] = [
  { method: "GET", path: "/sessions", auth: true, handle: list, doc: { summary: "List sessions, newest first (`tag`: only sessions carrying that tag)", params: [q("limit", "integer"), q("offset", "integer"), q("status"), q("tag")], errors: [400, 401] } },
  {
    method: "GET",
    path: "/sessions/search",
    auth: true,
    handle: search,
    doc: {
      summary: "Search sessions (terms ANDed over agent name and metadata; `tags`: comma-separated, at most 20, all must match); each session with its tags",
      params: ["q", "agent", "status", "after", "before", "tags", "sort", "order"].map((n) => q(n)).concat([q("min_tokens", "integer"), q("max_tokens", "integer"), q("limit", "integer"), q("offset", "integer")]),
      errors: [400, 401],
    },
  },
  { method: "POST", path: "/sessions/compare", auth: true, handle: compare, doc: { summary: "Compare two sessions' metrics", body: "{ session_a: string, session_b: string }", errors: [400, 401, 404] } },
  { method: "GET", path: "/sessions/{id}", auth: true, handle: detail, doc: { summary: "A session with a page of its events", params: [idParam, q("event_limit", "integer"), q("event_offset", "integer")], errors: [400, 401, 404] } },
  { method: "GET", path: "/sessions/{id}/events", auth: true, handle: events, doc: { summary: "A page of a session's events, oldest first", params: [idParam, q("limit", "integer"), q("offset", "integer")], errors: [400, 401, 404] } },
  { method: "GET", path: "/sessions/{id}/explain", auth: true, handle: explainRoute, doc: { summary: "The session explained in Markdown (the core's backend style)", params: [idParam], errors: [400, 401, 404] } },
];
