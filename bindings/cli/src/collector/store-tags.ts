/**
 * Session tags (the AgentLens backend's `session_tags`, reference A.4/A.5): what a tag may
 * be, a session's tags in the order they were added, every tag with its number of
 * sessions, and the sessions that carry one. Tags go with their session (the table's
 * foreign key cascades, so `prune` and any other delete of a session remove them).
 *
 * This file reads and writes the `session_tags` table only; it decides nothing about
 * events.
 */
import { SESSION_COLUMNS, sessionView, type StoredSession } from "./store-read.js";
import type { StoreHandle } from "./store-handle.js";

/** The most tags one session carries (the AgentLens backend's `MAX_TAGS_PER_SESSION`). */
export const MAX_TAGS_PER_SESSION = 20;
/** The longest tag, in characters. */
export const MAX_TAG_LENGTH = 64;
const TAG_PATTERN = /^[a-zA-Z0-9_\-.:/ ]+$/;

/** The rule a tag follows, for error messages (which never quote the input). */
export const TAG_RULE = `each tag is a string of 1-${MAX_TAG_LENGTH} characters: letters, digits, spaces and _ - . : /`;

/** A tag as it is stored (surrounding spaces trimmed), or null when it breaks {@link TAG_RULE}. */
export function normalizeTag(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const tag = raw.trim();
  return tag.length > 0 && tag.length <= MAX_TAG_LENGTH && TAG_PATTERN.test(tag) ? tag : null;
}

/**
 * A list of tags as stored (each normalised, duplicates dropped, first spelling kept), or
 * null when it is not an array or any element breaks {@link TAG_RULE}.
 */
export function normalizeTags(raw: unknown): string[] | null {
  if (!Array.isArray(raw)) return null;
  const out: string[] = [];
  for (const t of raw) {
    const tag = normalizeTag(t);
    if (tag === null) return null;
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}

/** A session's tags, oldest first (ties in the order they were added). */
export function tagsOf(store: StoreHandle, sessionId: string): string[] {
  const rows = store.db.prepare("SELECT tag FROM session_tags WHERE session_id = ? ORDER BY created_at, rowid").all(sessionId) as { tag: string }[];
  return rows.map((r) => r.tag);
}

/** The tags of several sessions at once (every id is a key, untagged ones map to `[]`). */
export function tagsOfMany(store: StoreHandle, sessionIds: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(sessionIds.map((id) => [id, []]));
  if (sessionIds.length === 0) return out;
  const rows = store.db
    .prepare("SELECT session_id, tag FROM session_tags WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid")
    .all(JSON.stringify(sessionIds)) as { session_id: string; tag: string }[];
  for (const r of rows) out.get(r.session_id)?.push(r.tag);
  return out;
}

/** Every tag with the number of sessions carrying it, most used first (then by name). */
export function allTags(store: StoreHandle): { tag: string; session_count: number }[] {
  const rows = store.db
    .prepare("SELECT tag, COUNT(*) AS session_count FROM session_tags GROUP BY tag ORDER BY session_count DESC, tag ASC")
    .all() as { tag: string; session_count: number }[];
  return rows.map((r) => ({ tag: r.tag, session_count: Number(r.session_count) }));
}

/**
 * Adds `tags` (already normalised) to a session. Tags it already has are not added again
 * and do not count against {@link MAX_TAGS_PER_SESSION}. Returns how many were added, or
 * `"limit"` (nothing added) when the session would carry more than the maximum.
 */
export function addTags(store: StoreHandle, sessionId: string, tags: string[]): number | "limit" {
  const have = new Set(tagsOf(store, sessionId));
  const fresh = tags.filter((t) => !have.has(t));
  if (have.size + fresh.length > MAX_TAGS_PER_SESSION) return "limit";
  if (fresh.length === 0) return 0;
  const insert = store.db.prepare("INSERT OR IGNORE INTO session_tags (session_id, tag, created_at) VALUES (?, ?, ?)");
  const now = new Date().toISOString();
  let added = 0;
  // One synchronous transaction: nothing else runs on the connection until it ends.
  store.db.exec("BEGIN IMMEDIATE");
  try {
    for (const t of fresh) added += Number(insert.run(sessionId, t, now).changes);
    store.db.exec("COMMIT");
  } catch (e) {
    store.db.exec("ROLLBACK");
    throw e;
  }
  return added;
}

/** Removes `tags` from a session, or all of its tags when `tags` is null; returns how many went. */
export function removeTags(store: StoreHandle, sessionId: string, tags: string[] | null): number {
  if (tags === null) return Number(store.db.prepare("DELETE FROM session_tags WHERE session_id = ?").run(sessionId).changes);
  if (tags.length === 0) return 0;
  return Number(
    store.db.prepare("DELETE FROM session_tags WHERE session_id = ? AND tag IN (SELECT value FROM json_each(?))").run(sessionId, JSON.stringify(tags)).changes,
  );
}

/** Sessions carrying `tag`, newest first, each with all its tags; and how many carry it. */
export async function sessionsByTag(
  store: StoreHandle,
  tag: string,
  limit: number,
  offset: number,
): Promise<{ sessions: Record<string, unknown>[]; total: number }> {
  const rows = store.db
    .prepare(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE session_id IN (SELECT session_id FROM session_tags WHERE tag = ?)
       ORDER BY started_ms DESC, session_id LIMIT ? OFFSET ?`,
    )
    .all(tag, limit, offset) as unknown as StoredSession[];
  const total = (store.db.prepare("SELECT COUNT(*) AS n FROM session_tags WHERE tag = ?").get(tag) as { n: number }).n;
  return { sessions: await withTags(store, rows), total: Number(total) };
}

/** Session rows in the AgentLens API shape, each with its `tags`. */
export async function withTags(store: StoreHandle, rows: StoredSession[]): Promise<Record<string, unknown>[]> {
  const tags = tagsOfMany(store, rows.map((r) => r.session_id));
  return Promise.all(rows.map(async (r) => ({ ...(await sessionView(store, r)), tags: tags.get(r.session_id) ?? [] })));
}
