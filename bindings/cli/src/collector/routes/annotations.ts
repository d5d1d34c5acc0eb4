/**
 * Session annotations, the AgentLens backend's contract: `GET /annotations` (recent, across
 * sessions), `GET|POST /sessions/{id}/annotations`, `GET|PUT|DELETE
 * /sessions/{id}/annotations/{annId}`. Fixes over the original: an unknown type in a
 * filter is a 400 (it used to drop the filter and list everything), the author is bounded
 * on update too, `total` of the recent listing counts every match (it was the page's
 * length), and the body's `annotation_type` is read as `type`.
 */
import { HttpError, limitParam, offsetParam, readObjectBody, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import {
  addAnnotation,
  ANNOTATION_TYPES,
  deleteAnnotation,
  eventInSession,
  getAnnotation,
  recentAnnotations,
  sessionAnnotations,
  updateAnnotation,
  type AnnotationQuery,
  type AnnotationType,
} from "../store-annotations.js";
import { getStoredSession } from "../store-read.js";
import { sessionParam } from "./sessions.js";

const MAX_TEXT = 4000;
const MAX_AUTHOR = 100;
const MAX_ID = 128;
const TYPES_TEXT = `type must be one of: ${ANNOTATION_TYPES.join(", ")}`;

const isType = (v: unknown): v is AnnotationType => typeof v === "string" && (ANNOTATION_TYPES as readonly string[]).includes(v);

/** The body as a JSON object; an empty body is `{}`. */
const objectBody = (ctx: Context) => readObjectBody(ctx.req, ctx.config.maxBodyBytes, true);

/** The session of the path, which must exist (400 for a bad id, 404 for a missing one). */
function session(ctx: Context): string {
  const id = sessionParam(ctx);
  if (!getStoredSession(ctx.store, id)) throw new HttpError(404, "Session not found");
  return id;
}

function annotationParam(ctx: Context): string {
  const id = ctx.params.annId ?? "";
  if (id === "" || id.length > MAX_ID) throw new HttpError(400, "Invalid annotation ID format");
  return id;
}

/** The body's type: `type`, else `annotation_type` (the SDK's argument name); `null` is absent. */
const bodyType = (b: Record<string, unknown>): unknown => b.type ?? b.annotation_type ?? undefined;

/** What is wrong with a new annotation's fields (empty when nothing). */
function problems(b: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof b.text !== "string" || !b.text.trim()) out.push("text is required and must be a non-empty string");
  else if (b.text.length > MAX_TEXT) out.push(`text must be at most ${MAX_TEXT} characters`);
  if (b.author !== undefined && b.author !== null) {
    if (typeof b.author !== "string" || !b.author.trim()) out.push("author must be a non-empty string");
    else if (b.author.length > MAX_AUTHOR) out.push(`author must be at most ${MAX_AUTHOR} characters`);
  }
  const type = bodyType(b);
  if (type !== undefined && !isType(type)) out.push(TYPES_TEXT);
  if (b.event_id !== undefined && b.event_id !== null && (typeof b.event_id !== "string" || b.event_id === "" || b.event_id.length > MAX_ID)) {
    out.push(`event_id must be a non-empty string of at most ${MAX_ID} characters`);
  }
  return out;
}

async function create(ctx: Context): Promise<void> {
  const sessionId = session(ctx);
  const b = await objectBody(ctx);
  const errors = problems(b);
  if (errors.length > 0) return sendJson(ctx.res, 400, { error: "Validation failed", details: errors });
  const eventId = typeof b.event_id === "string" ? b.event_id : null;
  if (eventId !== null && !eventInSession(ctx.store, sessionId, eventId)) throw new HttpError(400, "event_id not found in this session");
  const type = bodyType(b);
  const a = addAnnotation(ctx.store, {
    sessionId,
    text: (b.text as string).trim(),
    author: typeof b.author === "string" ? b.author.trim() : "system",
    type: isType(type) ? type : "note",
    eventId,
  });
  sendJson(ctx.res, 201, a);
}

/** `type` (comma-separated, each a known type) and `author` filters, and a page. */
function query(ctx: Context, defLimit: number, maxLimit: number): AnnotationQuery {
  const q = ctx.url.searchParams;
  const types = (q.get("type") ?? "").split(",").map((t) => t.trim()).filter(Boolean);
  if (!types.every(isType)) throw new HttpError(400, TYPES_TEXT);
  const author = q.get("author") || undefined;
  if (author !== undefined && author.length > MAX_AUTHOR) throw new HttpError(400, `author must be at most ${MAX_AUTHOR} characters`);
  return { types: types as AnnotationType[], author, limit: limitParam(q.get("limit"), defLimit, maxLimit), offset: offsetParam(q.get("offset")) };
}

function list(ctx: Context): void {
  const sessionId = session(ctx);
  const q = query(ctx, 100, 500);
  const r = sessionAnnotations(ctx.store, sessionId, q);
  sendJson(ctx.res, 200, { session_id: sessionId, total: r.total, returned: r.annotations.length, limit: q.limit, offset: q.offset, type_breakdown: r.type_breakdown, annotations: r.annotations });
}

function recent(ctx: Context): void {
  const q = query(ctx, 50, 200);
  const r = recentAnnotations(ctx.store, q);
  sendJson(ctx.res, 200, { total: r.total, returned: r.annotations.length, limit: q.limit, offset: q.offset, annotations: r.annotations });
}

function getOne(ctx: Context): void {
  const sessionId = session(ctx);
  const a = getAnnotation(ctx.store, sessionId, annotationParam(ctx));
  if (!a) throw new HttpError(404, "Annotation not found");
  sendJson(ctx.res, 200, a);
}

/** The fields an update sets (text, type, author), each checked. */
function updates(b: Record<string, unknown>): { text?: string; author?: string; type?: AnnotationType } {
  const set: { text?: string; author?: string; type?: AnnotationType } = {};
  if (b.text !== undefined) {
    if (typeof b.text !== "string" || !b.text.trim()) throw new HttpError(400, "text must be a non-empty string");
    if (b.text.length > MAX_TEXT) throw new HttpError(400, `text must be at most ${MAX_TEXT} characters`);
    set.text = b.text.trim();
  }
  const type = bodyType(b);
  if (type !== undefined) {
    if (!isType(type)) throw new HttpError(400, TYPES_TEXT);
    set.type = type;
  }
  if (b.author !== undefined) {
    if (typeof b.author !== "string" || !b.author.trim()) throw new HttpError(400, "author must be a non-empty string");
    if (b.author.length > MAX_AUTHOR) throw new HttpError(400, `author must be at most ${MAX_AUTHOR} characters`);
    set.author = b.author.trim();
  }
  if (Object.keys(set).length === 0) throw new HttpError(400, "No valid fields to update");
  return set;
}

async function update(ctx: Context): Promise<void> {
  const sessionId = session(ctx);
  const annId = annotationParam(ctx);
  const b = await objectBody(ctx);
  if (!getAnnotation(ctx.store, sessionId, annId)) throw new HttpError(404, "Annotation not found");
  const a = updateAnnotation(ctx.store, sessionId, annId, updates(b));
  if (!a) throw new HttpError(404, "Annotation not found");
  sendJson(ctx.res, 200, a);
}

function remove(ctx: Context): void {
  const sessionId = session(ctx);
  const annId = annotationParam(ctx);
  if (!deleteAnnotation(ctx.store, sessionId, annId)) throw new HttpError(404, "Annotation not found");
  sendJson(ctx.res, 200, { deleted: true, annotation_id: annId });
}

const FILTERS = [
  { name: "type", in: "query" as const, description: `Comma-separated types (${ANNOTATION_TYPES.join(", ")})` },
  { name: "author", in: "query" as const, description: "Exact author" },
  { name: "offset", in: "query" as const, type: "integer" as const },
];
const SESSION = { name: "id", in: "path" as const };
const ANNOTATION = { name: "annId", in: "path" as const };
const SHAPE = "{annotation_id, session_id, text, author, event_id, type, created_at, updated_at}";

export const annotationRoutes: Route[] = [
  {
    method: "GET",
    path: "/annotations",
    auth: true,
    handle: recent,
    doc: {
      summary: "The most recent annotations across sessions, newest first, each with its session's agent_name: {total, returned, limit, offset, annotations}",
      params: [...FILTERS, { name: "limit", in: "query", type: "integer", description: "Default 50, at most 200" }],
      errors: [400, 401],
    },
  },
  {
    method: "GET",
    path: "/sessions/{id}/annotations",
    auth: true,
    handle: list,
    doc: {
      summary: "A session's annotations, oldest first: {session_id, total, returned, limit, offset, type_breakdown, annotations}",
      params: [SESSION, ...FILTERS, { name: "limit", in: "query", type: "integer", description: "Default 100, at most 500" }],
      errors: [400, 401, 404],
    },
  },
  {
    method: "POST",
    path: "/sessions/{id}/annotations",
    auth: true,
    handle: create,
    doc: {
      summary: `Annotates a session: ${SHAPE}`,
      status: 201,
      params: [SESSION],
      body: `{text (1-${MAX_TEXT} characters), author? (default "system", at most ${MAX_AUTHOR}), type? (${ANNOTATION_TYPES.join("|")}, default note; annotation_type is read too), event_id? (an event of this session, else 400)}`,
      errors: [400, 401, 404, 413, 415],
    },
  },
  {
    method: "GET",
    path: "/sessions/{id}/annotations/{annId}",
    auth: true,
    handle: getOne,
    doc: { summary: `One annotation: ${SHAPE}`, params: [SESSION, ANNOTATION], errors: [400, 401, 404] },
  },
  {
    method: "PUT",
    path: "/sessions/{id}/annotations/{annId}",
    auth: true,
    handle: update,
    doc: { summary: `Updates an annotation's text, type or author; answers ${SHAPE}`, params: [SESSION, ANNOTATION], body: "Any of {text, type, author}", errors: [400, 401, 404, 413, 415] },
  },
  {
    method: "DELETE",
    path: "/sessions/{id}/annotations/{annId}",
    auth: true,
    handle: remove,
    doc: { summary: "Deletes an annotation: {deleted: true, annotation_id}", params: [SESSION, ANNOTATION], errors: [400, 401, 404] },
  },
];
