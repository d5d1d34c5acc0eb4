/**
 * A session's event rows read page by page, oldest first (`ts_ms`, then `seq`), each page
 * found by the last row of the one before (never `OFFSET`, so a long read costs one pass
 * over the index and an event stored meanwhile is neither skipped nor read twice). For
 * exports and searches that must see every event without holding them all at once.
 */
import type { EventRow } from "./store-read.js";
import type { StoreHandle } from "./store-handle.js";

/** Conditions on the events table, ANDed, with their arguments in order. */
export interface EventFilter {
  sql: string[];
  args: (string | number)[];
}

/** The last event stored so far: reads bounded by it see the session as it was when they began. */
export function lastSeq(store: StoreHandle): number {
  return Number((store.db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM events").get() as { n: number }).n);
}

/** `filter` as a `WHERE` clause over one session's events up to `maxSeq`, with its arguments. */
export function sessionWhere(sessionId: string, maxSeq: number, filter: EventFilter = { sql: [], args: [] }): { sql: string; args: (string | number)[] } {
  return { sql: ["session_id = ?", "seq <= ?", ...filter.sql].join(" AND "), args: [sessionId, maxSeq, ...filter.args] };
}

/**
 * Pages of at most `pageSize` rows of a session's events matching `filter`, stored up to
 * `maxSeq`, oldest first. Each page is read when asked for, so a caller that awaits between
 * pages holds one page at a time.
 */
export function* eventRowPages(store: StoreHandle, sessionId: string, maxSeq: number, filter?: EventFilter, pageSize = 200): Generator<EventRow[]> {
  const where = sessionWhere(sessionId, maxSeq, filter);
  const next = store.db.prepare(`SELECT * FROM events WHERE ${where.sql} AND (ts_ms, seq) > (?, ?) ORDER BY ts_ms, seq LIMIT ?`);
  let ts = Number.MIN_SAFE_INTEGER;
  let seq = -1;
  for (;;) {
    const rows = next.all(...where.args, ts, seq, pageSize) as unknown as EventRow[];
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1]!;
    ts = Number(last.ts_ms);
    seq = Number(last.seq);
    if (rows.length < pageSize) return;
  }
}
