/**
 * Session bookmarks, the AgentLens backend's contract: `GET /bookmarks` (newest first, with
 * each session's agent, start, status and totals), `GET|PUT|DELETE /bookmarks/{sessionId}`,
 * and `POST` as `PUT`. A note is cut to 500 characters, as the original; unlike it, a note
 * that is not a string is a 400 rather than silently dropped.
 */
import { HttpError, parseJson, readBody, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { getStoredSession } from "../store-read.js";
import { sessionParam } from "./sessions.js";

const MAX_NOTE = 500;

/** The `{sessionId}` path parameter, validated as every session id. */
const sessionId = (ctx: Context): string => sessionParam({ ...ctx, params: { id: ctx.params.sessionId ?? "" } });

function list(ctx: Context): void {
  const bookmarks = ctx.store.db
    .prepare(
      `SELECT b.session_id, b.note, b.created_at, s.agent_name, s.started_at, s.status, s.total_tokens_in, s.total_tokens_out
       FROM session_bookmarks b JOIN sessions s ON s.session_id = b.session_id ORDER BY b.created_at DESC, b.rowid DESC`,
    )
    .all();
  sendJson(ctx.res, 200, { bookmarks });
}

function getOne(ctx: Context): void {
  const id = sessionId(ctx);
  const bookmark = ctx.store.db.prepare("SELECT session_id, note, created_at FROM session_bookmarks WHERE session_id = ?").get(id);
  sendJson(ctx.res, 200, { bookmarked: bookmark !== undefined, bookmark: bookmark ?? null });
}

async function put(ctx: Context): Promise<void> {
  const id = sessionId(ctx);
  const bytes = await readBody(ctx.req, ctx.config.maxBodyBytes);
  const b = bytes.length === 0 ? {} : parseJson(bytes);
  if (typeof b !== "object" || b === null || Array.isArray(b)) throw new HttpError(400, "Request body must be a JSON object");
  const raw = (b as { note?: unknown }).note;
  if (raw !== undefined && raw !== null && typeof raw !== "string") throw new HttpError(400, "note must be a string");
  const note = typeof raw === "string" ? raw.slice(0, MAX_NOTE) : "";
  if (!getStoredSession(ctx.store, id)) throw new HttpError(404, "Session not found");
  ctx.store.db
    .prepare("INSERT INTO session_bookmarks (session_id, note, created_at) VALUES (?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET note = excluded.note")
    .run(id, note, new Date().toISOString());
  sendJson(ctx.res, 200, { bookmarked: true, session_id: id, note });
}

function remove(ctx: Context): void {
  const id = sessionId(ctx);
  const r = ctx.store.db.prepare("DELETE FROM session_bookmarks WHERE session_id = ?").run(id);
  sendJson(ctx.res, 200, { bookmarked: false, deleted: Number(r.changes) > 0 });
}

const PARAM = [{ name: "sessionId", in: "path" as const }];
const BODY = `Optional: {note?: string (cut to ${MAX_NOTE} characters)}`;

export const bookmarkRoutes: Route[] = [
  {
    method: "GET",
    path: "/bookmarks",
    auth: true,
    handle: list,
    doc: { summary: "Bookmarked sessions, newest bookmark first: {bookmarks:[{session_id, note, created_at, agent_name, started_at, status, total_tokens_in, total_tokens_out}]}", errors: [401] },
  },
  {
    method: "GET",
    path: "/bookmarks/{sessionId}",
    auth: true,
    handle: getOne,
    doc: { summary: "Whether a session is bookmarked: {bookmarked, bookmark: {session_id, note, created_at} | null}", params: PARAM, errors: [400, 401] },
  },
  {
    method: "PUT",
    path: "/bookmarks/{sessionId}",
    auth: true,
    handle: put,
    doc: { summary: "Bookmarks a session, or changes its note (the first bookmark's time is kept): {bookmarked: true, session_id, note}", params: PARAM, body: BODY, errors: [400, 401, 404, 413, 415] },
  },
  {
    method: "POST",
    path: "/bookmarks/{sessionId}",
    auth: true,
    handle: put,
    doc: { summary: "As PUT: bookmarks a session: {bookmarked: true, session_id, note}", params: PARAM, body: BODY, errors: [400, 401, 404, 413, 415] },
  },
  {
    method: "DELETE",
    path: "/bookmarks/{sessionId}",
    auth: true,
    handle: remove,
    doc: { summary: "Removes a bookmark: {bookmarked: false, deleted} (deleted is false when there was none)", params: PARAM, errors: [400, 401] },
  },
];
