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

function prepare(db: DatabaseSync): Stmts {
  const p = (sql: string) => db.prepare(sql);
  return {
    eventExists: p("SELECT 1 AS x FROM events WHERE event_id = ?"),
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
      ON CONFLICT(event_id) DO NOTHING`),
    bumpSession: p(`UPDATE sessions SET event_tokens_in = event_tokens_in + @tin, event_tokens_out = event_tokens_out + @tout,
      event_count = event_count + 1, bytes = bytes + @bytes, last_ms = MAX(last_ms, @ts),
      started_at = CASE WHEN has_start = 0 AND @ts < started_ms THEN @at ELSE started_at END,
      started_ms = CASE WHEN has_start = 0 AND @ts < started_ms THEN @ts ELSE started_ms END
      WHERE session_id = @sid`),
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
    columns.forEach((c, i) => {
      // A duplicate event adds nothing, not even the session it names.
      if (c.kind === "event" && this.s.eventExists.get(c.event_id)) {
        w.duplicate_events++;
        return;
      }
      this.s.ensureSession.run(c.session_id, c.kind === "end" ? c.ended_at : c.timestamp, c.ts_ms, c.ts_ms);
      if (c.kind !== "event") {
        if (this.sessionRecord(c, payloads[i]!)) {
          w.session_records++;
          w.stored.push(i);
        } else {
          w.unchanged_session_records++;
        }
      } else if (this.event(c, payloads[i]!, now)) {
        w.stored_events++;
        w.stored.push(i);
      } else {
        w.duplicate_events++;
      }
    });
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
    if (changed && c.kind === "end") this.storeTotals(c.session_id);
    return changed;
  }

  /** A regular event; false when its id was already stored. */
  private event(c: EventColumns, payload: Uint8Array, now: string): boolean {
    const s = this.s;
    const r = s.insertEvent.run(
      c.event_id, c.session_id, c.run_id, c.event_type, c.timestamp, c.ts_ms, c.model, c.name, c.status,
      c.tokens_in, c.tokens_out, c.duration_ms, c.is_error ? 1 : 0, payload,
    );
    if (Number(r.changes) === 0) return false;
    s.bumpSession.run({ tin: c.tokens_in, tout: c.tokens_out, bytes: payload.length, ts: c.ts_ms, at: c.timestamp, sid: c.session_id });
    this.storeTotals(c.session_id);
    if (c.session_status) {
      const next = this.statusAfter(c.session_id, c.session_status);
      s.setSessionStatus.run(next, c.session_id, next);
    }
    if (c.run_id) this.run(c, c.run_id, now);
    return true;
  }

  /** Stores the session's token totals as the core answers for its sums and end (written only when they change). */
  private storeTotals(sessionId: string): void {
    const row = this.s.tokenState.get(sessionId) as (TokenState & { total_tokens_in: number; total_tokens_out: number }) | undefined;
    if (!row) return;
    const [tin, tout] = totalsOf(row);
    if (tin !== Number(row.total_tokens_in) || tout !== Number(row.total_tokens_out)) this.s.setTotals.run(tin, tout, sessionId);
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
