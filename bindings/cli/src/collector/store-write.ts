/// <reference types="node" />
/**
 * Writing what the core's ingest returned (`agentlens::ingest`): each record's columns
 * and payload go into their rows as given; nothing here decides what an event means
 * (errors, statuses, totals, names and ids are the core's). A session's stored status
 * is combined with what a record says by the core's rule (`sessionStatusThen`); its
 * token totals likewise: each record's effect is stored as the core gave it (an event's
 * counts add to the session's sums, an end's own totals are kept) and the totals the
 * reads show are the core's answer for those (`sessionTokenTotals`).
 *
 * Group commit: the batches that are ready in the same turn of the event loop are written
 * in one transaction (one fsync), each inside its own savepoint so a failing batch fails
 * alone. Each caller's promise settles only after the COMMIT.
 *
 * Statements per batch: one insert per event; per session it touches, one insert-if-new,
 * one update adding what its events add (sums, count, bytes, last and earliest time) and
 * one write of its totals (when they changed). Those per-session effects commute between
 * events, so they are added up and applied before the next session record (which reads
 * the row) and at the end of the batch: the same row as one update per event gives. An
 * event's id is looked up only while its session is not yet known to exist in the batch
 * (a duplicate event must not create its session); after that the insert's own conflict
 * says whether it was new. An event is its session and its id: the same id in two
 * sessions is two events.
 */
import { setImmediate } from "node:timers";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { sessionStatusThen, type IngestColumns } from "./engine.js";
import { StoreError } from "./errors.js";
import { totalsOf, type TokenState } from "./schema.js";

/** How one batch went, record by record (see `IngestResult`). */
export interface Written {
  /** The indices of the records stored (duplicates left out), in batch order. */
  stored: number[];
  stored_events: number;
  duplicate_events: number;
  session_records: number;
  unchanged_session_records: number;
}

type EventColumns = Extract<IngestColumns, { kind: "event" }>;

type Stmts = Record<
  "eventExists" | "ensureSession" | "applyStart" | "applyEnd" | "insertEvent" | "bumpSession" | "startRun" | "ensureRun" | "endRun" | "sessionStatus" | "setSessionStatus" | "tokenState" | "setTotals",
  StatementSync
>;

/** What one batch's events add to one session, so far (see `applyDeltas`). */
interface SessionDelta {
  tin: number;
  tout: number;
  count: number;
  bytes: number;
  /** The latest event time. */
  last: number;
  /** The earliest event time, and the time text of the first event at it. */
  first: number;
  firstAt: string;
}

/** Sessions known to exist in the open batch, and what its events add to each. */
interface BatchState {
  ensured: Set<string>;
  deltas: Map<string, SessionDelta>;
}

type TokenRow = TokenState & { total_tokens_in: number; total_tokens_out: number };

function prepare(db: DatabaseSync): Stmts {
  const p = (sql: string) => db.prepare(sql);
  return {
    // An event is its session and its id (schema v4): the same id in another session is another event.
    eventExists: p("SELECT 1 AS x FROM events WHERE session_id = ? AND event_id = ?"),
    ensureSession: p(`INSERT INTO sessions (session_id, started_at, started_ms, last_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT(session_id) DO NOTHING`),
    applyStart: p(`UPDATE sessions SET agent_name = ?, metadata = ?, started_at = ?, started_ms = ?, has_start = 1,
      last_ms = MAX(last_ms, ?) WHERE session_id = ? AND has_start = 0`),
    // The same end again (a re-import, a resent batch) changes nothing and is not applied.
    // A total is null when the end gave none (the core's answer): the stored one stays.
    applyEnd: p(`UPDATE sessions SET ended_at = @at, ended_ms = @ts, status = @status,
      end_tokens_in = COALESCE(@tin, end_tokens_in), end_tokens_out = COALESCE(@tout, end_tokens_out),
      last_ms = MAX(last_ms, @ts) WHERE session_id = @sid
      AND NOT (ended_at IS @at AND ended_ms IS @ts AND status IS @status
        AND (@tin IS NULL OR end_tokens_in IS @tin) AND (@tout IS NULL OR end_tokens_out IS @tout))`),
    insertEvent: p(`INSERT INTO events (event_id, session_id, run_id, event_type, timestamp, ts_ms, model, name, status,
      tokens_in, tokens_out, duration_ms, is_error, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(session_id, event_id) DO NOTHING`),
    // Several events at once: their sums, count and bytes; the latest time; the earliest
    // time (with its text) as the start while the session has no start record.
    bumpSession: p(`UPDATE sessions SET event_tokens_in = event_tokens_in + @tin, event_tokens_out = event_tokens_out + @tout,
      event_count = event_count + @count, bytes = bytes + @bytes, last_ms = MAX(last_ms, @last),
      started_at = CASE WHEN has_start = 0 AND @first < started_ms THEN @at ELSE started_at END,
      started_ms = CASE WHEN has_start = 0 AND @first < started_ms THEN @first ELSE started_ms END
      WHERE session_id = @sid
      RETURNING session_id, event_tokens_in, event_tokens_out, end_tokens_in, end_tokens_out, total_tokens_in, total_tokens_out`),
    startRun: p(`INSERT INTO runs (id, name, status, started_at, agent_type, user_id, session_id, parent_run_id, has_start, created_at)
      VALUES (@id, @name, 'running', @ts, @agent_type, @user_id, @sid, @parent, 1, @now)
      ON CONFLICT(id) DO UPDATE SET name = excluded.name, started_at = excluded.started_at, agent_type = excluded.agent_type,
      user_id = excluded.user_id, session_id = excluded.session_id, parent_run_id = excluded.parent_run_id, has_start = 1
      WHERE runs.has_start = 0`),
    ensureRun: p(`INSERT INTO runs (id, name, status, started_at, session_id, created_at) VALUES (?, 'run', 'running', ?, ?, ?)
      ON CONFLICT(id) DO NOTHING`),
    endRun: p(`UPDATE runs SET status = @status, completed_at = @ts, duration_ms = COALESCE(@duration, MAX(0, @ts - started_at))
      WHERE id = @id`),
    sessionStatus: p(`SELECT status FROM sessions WHERE session_id = ?`),
    setSessionStatus: p(`UPDATE sessions SET status = ? WHERE session_id = ? AND status IS NOT ?`),
    tokenState: p(`SELECT session_id, event_tokens_in, event_tokens_out, end_tokens_in, end_tokens_out, total_tokens_in, total_tokens_out
      FROM sessions WHERE session_id = ?`),
    setTotals: p(`UPDATE sessions SET total_tokens_in = ?, total_tokens_out = ? WHERE session_id = ?`),
  };
}

type Pending = { columns: IngestColumns[]; payloads: (Uint8Array | null)[]; now: string; resolve: (w: Written) => void; reject: (e: unknown) => void };

/** Writes ingested batches into one database. */
export class StoreWriter {
  private readonly s: Stmts;
  private queue: Pending[] = [];
  private closed = false;

  constructor(private readonly db: DatabaseSync) {
    this.s = prepare(db);
  }

  /** Stores one batch (columns and sealed payloads, index for index); settles after COMMIT. */
  commit(columns: IngestColumns[], payloads: (Uint8Array | null)[], now: string): Promise<Written> {
    return new Promise((resolve, reject) => {
      this.queue.push({ columns, payloads, now, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Refuses what is queued and anything later. */
  close(): void {
    this.closed = true;
  }

  private flush(): void {
    const queue = this.queue;
    this.queue = [];
    if (this.closed) {
      for (const q of queue) q.reject(new StoreError("the store is closed"));
      return;
    }
    const results: (Written | { error: unknown })[] = [];
    try {
      this.db.exec("BEGIN IMMEDIATE");
      for (const q of queue) results.push(this.inSavepoint(q));
      this.db.exec("COMMIT");
    } catch (e) {
      try {
        this.db.exec("ROLLBACK");
      } catch {
        // no transaction left to roll back
      }
      for (const q of queue) q.reject(e);
      return;
    }
    queue.forEach((q, i) => {
      const r = results[i]!;
      if ("error" in r) q.reject(r.error);
      else q.resolve(r);
    });
  }

  private inSavepoint(q: Pending): Written | { error: unknown } {
    this.db.exec("SAVEPOINT batch");
    try {
      const w = this.write(q.columns, q.payloads, q.now);
      this.db.exec("RELEASE batch");
      return w;
    } catch (error) {
      this.db.exec("ROLLBACK TO batch");
      this.db.exec("RELEASE batch");
      return { error };
    }
  }

  /** Applies one batch inside the open transaction. */
  private write(columns: IngestColumns[], payloads: (Uint8Array | null)[], now: string): Written {
    const w: Written = { stored: [], stored_events: 0, duplicate_events: 0, session_records: 0, unchanged_session_records: 0 };
    const b: BatchState = { ensured: new Set(), deltas: new Map() };
    columns.forEach((c, i) => {
      if (c.kind === "event") {
        if (this.event(b, c, payloads[i]!, now)) {
          w.stored_events++;
          w.stored.push(i);
        } else {
          w.duplicate_events++;
        }
        return;
      }
      // A start or end reads and writes its session's row: what came before is applied first.
      this.applyDeltas(b);
      this.s.ensureSession.run(c.session_id, c.kind === "end" ? c.ended_at : c.timestamp, c.ts_ms, c.ts_ms);
      b.ensured.add(c.session_id);
      if (this.sessionRecord(c, payloads[i]!)) {
        w.session_records++;
        w.stored.push(i);
      } else {
        w.unchanged_session_records++;
      }
    });
    this.applyDeltas(b);
    return w;
  }

  /** A session start or end; whether it changed its session. */
  private sessionRecord(c: Exclude<IngestColumns, EventColumns>, payload: Uint8Array | null): boolean {
    const r =
      c.kind === "start"
        ? this.s.applyStart.run(c.agent_name, payload, c.timestamp, c.ts_ms, c.ts_ms, c.session_id)
        : this.s.applyEnd.run({
            at: c.ended_at, ts: c.ts_ms, status: this.statusAfter(c.session_id, c.status),
            tin: c.total_tokens_in, tout: c.total_tokens_out, sid: c.session_id,
          });
    const changed = Number(r.changes) > 0;
    if (changed && c.kind === "end") this.storeTotals(this.s.tokenState.get(c.session_id) as TokenRow | undefined);
    return changed;
  }

  /** A regular event; false when its session already holds its id. Its effect on its session waits in `b`. */
  private event(b: BatchState, c: EventColumns, payload: Uint8Array, now: string): boolean {
    const s = this.s;
    if (!b.ensured.has(c.session_id)) {
      // A duplicate event adds nothing, not even the session it names.
      if (s.eventExists.get(c.session_id, c.event_id)) return false;
      s.ensureSession.run(c.session_id, c.timestamp, c.ts_ms, c.ts_ms);
      b.ensured.add(c.session_id);
    }
    const r = s.insertEvent.run(
      c.event_id, c.session_id, c.run_id, c.event_type, c.timestamp, c.ts_ms, c.model, c.name, c.status,
      c.tokens_in, c.tokens_out, c.duration_ms, c.is_error ? 1 : 0, payload,
    );
    if (Number(r.changes) === 0) return false;
    const d = b.deltas.get(c.session_id);
    if (!d) {
      b.deltas.set(c.session_id, { tin: c.tokens_in, tout: c.tokens_out, count: 1, bytes: payload.length, last: c.ts_ms, first: c.ts_ms, firstAt: c.timestamp });
    } else {
      d.tin += c.tokens_in;
      d.tout += c.tokens_out;
      d.count++;
      d.bytes += payload.length;
      if (c.ts_ms > d.last) d.last = c.ts_ms;
      if (c.ts_ms < d.first) {
        d.first = c.ts_ms;
        d.firstAt = c.timestamp;
      }
    }
    if (c.session_status) {
      const next = this.statusAfter(c.session_id, c.session_status);
      s.setSessionStatus.run(next, c.session_id, next);
    }
    if (c.run_id) this.run(c, c.run_id, now);
    return true;
  }

  /** Applies what the batch's events added to each session since the last time, and stores the totals. */
  private applyDeltas(b: BatchState): void {
    for (const [sid, d] of b.deltas) {
      const row = this.s.bumpSession.get({ tin: d.tin, tout: d.tout, count: d.count, bytes: d.bytes, last: d.last, first: d.first, at: d.firstAt, sid });
      this.storeTotals(row as TokenRow | undefined);
    }
    b.deltas.clear();
  }

  /** Stores a session's token totals as the core answers for its sums and end (written only when they change). */
  private storeTotals(row: TokenRow | undefined): void {
    if (!row) return;
    const [tin, tout] = totalsOf(row);
    if (tin !== Number(row.total_tokens_in) || tout !== Number(row.total_tokens_out)) this.s.setTotals.run(tin, tout, row.session_id);
  }

  /** The session's status once `next` is learnt, by the core's rule (an error is final). */
  private statusAfter(sessionId: string, next: string): string {
    const row = this.s.sessionStatus.get(sessionId) as { status?: string } | undefined;
    return sessionStatusThen(row?.status ?? "active", next);
  }

  private run(c: EventColumns, id: string, now: string): void {
    if (c.run_start) {
      const r = c.run_start;
      this.s.startRun.run({ id, name: r.name, ts: c.ts_ms, agent_type: r.agent_type, user_id: r.user_id, sid: c.session_id, parent: r.parent_run_id, now });
      return;
    }
    this.s.ensureRun.run(id, c.ts_ms, c.session_id, now);
    if (c.run_end) this.s.endRun.run({ status: c.run_end.status, ts: c.ts_ms, duration: c.run_end.duration_ms, id });
  }
}
