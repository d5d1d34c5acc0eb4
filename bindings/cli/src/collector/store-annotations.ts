/// <reference types="node" />
/**
 * Session annotations (the `annotations` table): notes, bugs, insights, warnings and
 * milestones users attach to a session or to one of its events. Reads and writes only;
 * the routes validate input. Rows leave with their session (ON DELETE CASCADE).
 */
import { randomBytes } from "node:crypto";
import type { StoreHandle } from "./store-handle.js";

/** The annotation types (the AgentLens backend's). */
export const ANNOTATION_TYPES = ["note", "bug", "insight", "warning", "milestone"] as const;

/** One annotation type. */
export type AnnotationType = (typeof ANNOTATION_TYPES)[number];

/** An annotation as the API answers it (`type` is the stored `annotation_type`). */
export interface Annotation {
  annotation_id: string;
  session_id: string;
  text: string;
  author: string;
  event_id: string | null;
  type: string;
  created_at: string;
  updated_at: string;
  /** Only in the listing across sessions. */
  agent_name?: string;
}

interface Row {
  annotation_id: string;
  session_id: string;
  text: string;
  author: string;
  event_id: string | null;
  annotation_type: string;
  created_at: string;
  updated_at: string;
  agent_name?: string;
}

type Db = Pick<StoreHandle, "db">;

const view = (r: Row): Annotation => ({
  annotation_id: r.annotation_id,
  session_id: r.session_id,
  ...(r.agent_name !== undefined ? { agent_name: r.agent_name } : {}),
  text: r.text,
  author: r.author,
  event_id: r.event_id,
  type: r.annotation_type,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** Whether `eventId` is an event of `sessionId`. */
export function eventInSession(store: Db, sessionId: string, eventId: string): boolean {
  return store.db.prepare("SELECT 1 AS ok FROM events WHERE event_id = ? AND session_id = ?").get(eventId, sessionId) !== undefined;
}

/** Stores a new annotation and returns it. */
export function addAnnotation(store: Db, a: { sessionId: string; text: string; author: string; type: AnnotationType; eventId: string | null }): Annotation {
  const id = `ann-${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
  const now = new Date().toISOString();
  store.db
    .prepare("INSERT INTO annotations (annotation_id, session_id, text, author, event_id, annotation_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    .run(id, a.sessionId, a.text, a.author, a.eventId, a.type, now, now);
  return getAnnotation(store, a.sessionId, id)!;
}

/** One annotation of a session, or `undefined`. */
export function getAnnotation(store: Db, sessionId: string, annotationId: string): Annotation | undefined {
  const r = store.db.prepare("SELECT * FROM annotations WHERE annotation_id = ? AND session_id = ?").get(annotationId, sessionId) as Row | undefined;
  return r && view(r);
}

/** Sets the given fields (and `updated_at`); returns the annotation, or `undefined` if it is not there. */
export function updateAnnotation(store: Db, sessionId: string, annotationId: string, set: { text?: string; author?: string; type?: AnnotationType }): Annotation | undefined {
  const cols: string[] = [];
  const args: string[] = [];
  const fields: [string, string | undefined][] = [
    ["text", set.text],
    ["author", set.author],
    ["annotation_type", set.type],
    ["updated_at", new Date().toISOString()],
  ];
  for (const [col, value] of fields) {
    if (value === undefined) continue;
    cols.push(`${col} = ?`);
    args.push(value);
  }
  const r = store.db.prepare(`UPDATE annotations SET ${cols.join(", ")} WHERE annotation_id = ? AND session_id = ?`).run(...args, annotationId, sessionId);
  return Number(r.changes) === 0 ? undefined : getAnnotation(store, sessionId, annotationId);
}

/** Deletes one annotation; whether it was there. */
export function deleteAnnotation(store: Db, sessionId: string, annotationId: string): boolean {
  return Number(store.db.prepare("DELETE FROM annotations WHERE annotation_id = ? AND session_id = ?").run(annotationId, sessionId).changes) > 0;
}

/** Filters of a listing: types (any of), author (exact), and a page. */
export interface AnnotationQuery {
  types?: AnnotationType[];
  author?: string;
  limit: number;
  offset: number;
}

function where(sessionId: string | undefined, q: AnnotationQuery): { sql: string; args: string[] } {
  const parts: string[] = [];
  const args: string[] = [];
  const add = (sql: string, ...values: string[]) => {
    parts.push(sql);
    args.push(...values);
  };
  if (sessionId !== undefined) add("a.session_id = ?", sessionId);
  if (q.types?.length) add(`a.annotation_type IN (${q.types.map(() => "?").join(",")})`, ...q.types);
  if (q.author !== undefined) add("a.author = ?", q.author);
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", args };
}

/** A session's annotations, oldest first: the page, how many match, and how many of each type it has. */
export function sessionAnnotations(store: Db, sessionId: string, q: AnnotationQuery) {
  const w = where(sessionId, q);
  const rows = store.db.prepare(`SELECT a.* FROM annotations a ${w.sql} ORDER BY a.created_at, a.rowid LIMIT ? OFFSET ?`).all(...w.args, q.limit, q.offset) as unknown as Row[];
  const total = Number((store.db.prepare(`SELECT COUNT(*) AS n FROM annotations a ${w.sql}`).get(...w.args) as { n: number }).n);
  const breakdown = store.db
    .prepare("SELECT annotation_type, COUNT(*) AS n FROM annotations WHERE session_id = ? GROUP BY annotation_type ORDER BY n DESC, annotation_type")
    .all(sessionId) as { annotation_type: string; n: number }[];
  return { annotations: rows.map(view), total, type_breakdown: Object.fromEntries(breakdown.map((r) => [r.annotation_type, Number(r.n)])) };
}

/** The most recent annotations across sessions (with each session's agent), and how many match. */
export function recentAnnotations(store: Db, q: AnnotationQuery) {
  const w = where(undefined, q);
  const rows = store.db
    .prepare(`SELECT a.*, s.agent_name FROM annotations a JOIN sessions s ON s.session_id = a.session_id ${w.sql} ORDER BY a.created_at DESC, a.rowid DESC LIMIT ? OFFSET ?`)
    .all(...w.args, q.limit, q.offset) as unknown as Row[];
  const total = Number((store.db.prepare(`SELECT COUNT(*) AS n FROM annotations a ${w.sql}`).get(...w.args) as { n: number }).n);
  return { annotations: rows.map(view), total };
}
