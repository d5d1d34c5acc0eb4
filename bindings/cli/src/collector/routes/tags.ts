/**
 * AgentLens-compatible session tags (reference A.5): every tag with its session count, the
 * sessions carrying a tag, and a session's tags (read, add, remove). These routes come
 * before the session routes in the table, so `/sessions/tags` and `/sessions/by-tag/...`
 * are never read as a session id.
 *
 * Fixes over the original: a missing session is 404 on every per-session route (the
 * original answered `GET`/`DELETE` for any id), tags a session already has do not count
 * against the limit, and a bad tag in `DELETE` is 400 naming the rule.
 */
import { HttpError, limitParam, offsetParam, parseJson, readBody, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { getStoredSession } from "../store-read.js";
import { addTags, allTags, MAX_TAGS_PER_SESSION, normalizeTag, normalizeTags, removeTags, sessionsByTag, TAG_RULE, tagsOf } from "../store-tags.js";
import { sessionParam } from "./sessions.js";

/** The session of the `:id` parameter: 400 for a malformed id, 404 for an unknown one. */
function existingSession(ctx: Context): string {
  const id = sessionParam(ctx);
  if (!getStoredSession(ctx.store, id)) throw new HttpError(404, "Session not found");
  return id;
}

/** The body's `tags` list (normalised); `undefined` when the body gives none (absent, null or empty). */
function bodyTags(body: unknown, required: boolean): string[] | undefined {
  if (body !== null && body !== undefined && (typeof body !== "object" || Array.isArray(body))) {
    throw new HttpError(400, "The body must be a JSON object: { tags: string[] }");
  }
  const raw = (body as { tags?: unknown } | null | undefined)?.tags;
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
    if (required) throw new HttpError(400, `Invalid tags: give a non-empty array of strings; ${TAG_RULE}`);
    return undefined;
  }
  const tags = normalizeTags(raw);
  if (!tags) throw new HttpError(400, `Invalid tags: give an array of strings; ${TAG_RULE}`);
  return tags;
}

function listAll(ctx: Context): void {
  sendJson(ctx.res, 200, { tags: allTags(ctx.store) });
}

async function byTag(ctx: Context): Promise<void> {
  const tag = normalizeTag(ctx.params.tag);
  if (tag === null) throw new HttpError(400, `Invalid tag: ${TAG_RULE}`);
  const q = ctx.url.searchParams;
  const limit = limitParam(q.get("limit"), 50, 200);
  const offset = offsetParam(q.get("offset"));
  const r = await sessionsByTag(ctx.store, tag, limit, offset);
  sendJson(ctx.res, 200, { sessions: r.sessions, total: r.total, limit, offset, tag });
}

function get(ctx: Context): void {
  const id = existingSession(ctx);
  sendJson(ctx.res, 200, { session_id: id, tags: tagsOf(ctx.store, id) });
}

async function add(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  const tags = bodyTags(parseJson(await readBody(ctx.req, ctx.config.maxBodyBytes)), true)!;
  if (!getStoredSession(ctx.store, id)) throw new HttpError(404, "Session not found");
  const added = addTags(ctx.store, id, tags);
  if (added === "limit") throw new HttpError(400, `Tag limit exceeded: a session carries at most ${MAX_TAGS_PER_SESSION} tags`);
  sendJson(ctx.res, 200, { session_id: id, added, tags: tagsOf(ctx.store, id) });
}

async function remove(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  const bytes = await readBody(ctx.req, ctx.config.maxBodyBytes);
  const tags = bytes.length === 0 ? undefined : bodyTags(parseJson(bytes), false);
  if (!getStoredSession(ctx.store, id)) throw new HttpError(404, "Session not found");
  const removed = removeTags(ctx.store, id, tags ?? null);
  sendJson(ctx.res, 200, { session_id: id, removed, tags: tagsOf(ctx.store, id) });
}

const idParam = { name: "id", in: "path" as const, description: "session id (≤128 of [A-Za-z0-9_.:-])" };
const pageParams = [
  { name: "limit", in: "query" as const, type: "integer" as const, description: "sessions per page (default 50, at most 200)" },
  { name: "offset", in: "query" as const, type: "integer" as const },
];

/** The tag routes, in match order (collection routes before the per-session ones). */
export const tagRoutes: Route[] = [
  { method: "GET", path: "/sessions/tags", auth: true, handle: listAll, doc: { summary: "Every tag with its number of sessions, most used first: { tags: [{ tag, session_count }] }", errors: [401] } },
  {
    method: "GET",
    path: "/sessions/by-tag/{tag}",
    auth: true,
    handle: byTag,
    doc: {
      summary: "Sessions carrying a tag, newest first, each with its tags: { sessions, total, limit, offset, tag }",
      params: [{ name: "tag", in: "path", description: "the tag (URL-encoded; 1-64 of letters, digits, space and _ - . : /)" }, ...pageParams],
      errors: [400, 401],
    },
  },
  { method: "GET", path: "/sessions/{id}/tags", auth: true, handle: get, doc: { summary: "A session's tags, oldest first: { session_id, tags }", params: [idParam], errors: [400, 401, 404] } },
  {
    method: "POST",
    path: "/sessions/{id}/tags",
    auth: true,
    handle: add,
    doc: {
      summary: `Add tags to a session (at most ${MAX_TAGS_PER_SESSION} per session): { session_id, added, tags }`,
      params: [idParam],
      body: "{ tags: string[] } (non-empty; each 1-64 of letters, digits, space and _ - . : /)",
      errors: [400, 401, 404, 413],
    },
  },
  {
    method: "DELETE",
    path: "/sessions/{id}/tags",
    auth: true,
    handle: remove,
    doc: {
      summary: "Remove tags from a session (all of them when the body is absent, {} or has an empty list): { session_id, removed, tags }",
      params: [idParam],
      body: "optional { tags: string[] }",
      errors: [400, 401, 404, 413],
    },
  },
];
