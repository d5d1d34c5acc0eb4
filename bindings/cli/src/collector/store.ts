/// <reference types="node" />
/**
 * The collector's SQLite store (Node's built-in `node:sqlite`): opening (WAL, migrations,
 * key check) and ingestion. Reads live in store-*.ts over the same handle.
 *
 * Durability: WAL with `synchronous=FULL`, so a committed transaction has been fsynced
 * before `ingest` returns, and the server answers only after that. `NORMAL` would
 * already survive `kill -9` (the WAL is in the OS page cache), but not a power cut;
 * one fsync per batch is cheap next to the HTTP round trip.
 *
 * Ingestion: everything asynchronous (redaction, WebCrypto) happens first; then the
 * batches ready at the same moment are written in one synchronous transaction (group
 * commit, one savepoint per batch), so concurrent requests never interleave inside one
 * and share one fsync.
 */
import { closeSync, existsSync, openSync, rmSync } from "node:fs";
import { setImmediate } from "node:timers";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { PayloadCodec } from "./codec.js";
import { readIncoming, redactValue, sessionStatusThen, truncateField } from "./core.js";
import { StoreError } from "./errors.js";
import { ID_FIELDS, PAYLOAD_FIELDS, normalize, refreshColumns, type Normalized } from "./normalize.js";
import { migrate, SCHEMA_VERSION } from "./schema.js";
import * as admin from "./store-admin.js";
import * as listing from "./store-list.js";
import * as reads from "./store-read.js";
import { addCounts, noCounts } from "./ingest-counts.js";
import type { IngestResult, Progress, RunListQuery, SessionListQuery, Store, StoreOptions, WireEvent } from "./types.js";

type Counted = "stored_events" | "duplicate_events" | "session_records" | "unchanged_session_records";
type Written = { stored: WireEvent[] } & Record<Counted, number>;

const DEFAULT_MAX_FIELD_BYTES = 256 * 1024;
const IMPORT_CHUNK = 500;

type Stmts = Record<
  "eventExists" | "ensureSession" | "applyStart" | "applyEnd" | "insertEvent" | "bumpSession" | "startRun" | "ensureRun" | "endRun" | "sessionStatus" | "setSessionStatus",
  StatementSync
>;

/** Whether `path` names a database file that does not exist yet (`:memory:` never does). */
export function isNewDatabase(path: string): boolean {
  return path !== ":memory:" && !existsSync(path);
}

/** Removes a database file with its WAL and shared-memory files: one this process created and could not use. */
export function removeDatabaseFiles(path: string): void {
  if (path === ":memory:") return;
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
}

/** Opens (creating if needed) the store at `options.path`; a file it created and could not open is removed. */
export async function openStore(options: StoreOptions): Promise<CollectorStore> {
  if (typeof options?.path !== "string" || options.path === "") throw new StoreError("openStore: path is required");
  const codec = await PayloadCodec.create(options.encryptionKey, options.compress ?? false);
  // A new database is created readable by its owner only (SQLite's -wal and -shm files
  // take the database file's permissions): traces hold prompts and answers.
  const created = isNewDatabase(options.path);
  if (created) closeSync(openSync(options.path, "a", 0o600));
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(options.path);
  } catch (e) {
    if (created) removeDatabaseFiles(options.path);
    throw e;
  }
  try {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=FULL");
    db.exec("PRAGMA foreign_keys=ON");
    db.exec("PRAGMA busy_timeout=5000");
    db.exec("PRAGMA temp_store=MEMORY");
    migrate(db);
    const row = db.prepare("SELECT value FROM meta WHERE key = 'key_check'").get() as { value: Uint8Array } | undefined;
    await codec.verify(row ? new Uint8Array(row.value) : null);
    if (!row && codec.encrypted) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('key_check', ?)").run(await codec.keyCheck());
    }
  } catch (e) {
    db.close();
    if (created) removeDatabaseFiles(options.path);
    throw e;
  }
  return new CollectorStore(options.path, db, codec, options);
}

/** The store; the {@link Store} API plus the reads the HTTP routes use. */
export class CollectorStore implements Store {
  private readonly stmts: Stmts;
  private closed = false;
  private writeQueue: { items: Normalized[]; payloads: (Uint8Array | null)[]; now: string; resolve: (r: Written) => void; reject: (e: unknown) => void }[] = [];
  private redactQueue: { rests: WireEvent[]; resolve: (r: WireEvent[]) => void; reject: (e: unknown) => void }[] = [];
  readonly redact: Record<string, unknown>;
  readonly maxFieldBytes: number;

  constructor(
    readonly path: string,
    readonly db: DatabaseSync,
    readonly codec: PayloadCodec,
    options: StoreOptions,
  ) {
    this.redact = options.redact ?? {};
    this.maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      eventExists: p("SELECT 1 AS x FROM events WHERE event_id = ?"),
      ensureSession: p(`INSERT INTO sessions (session_id, started_at, started_ms, last_ms) VALUES (?, ?, ?, ?)
        ON CONFLICT(session_id) DO NOTHING`),
      applyStart: p(`UPDATE sessions SET agent_name = ?, metadata = ?, started_at = ?, started_ms = ?, has_start = 1,
        last_ms = MAX(last_ms, ?) WHERE session_id = ? AND has_start = 0`),
      // The same end again (a re-import, a resent batch) changes nothing and is not applied.
      applyEnd: p(`UPDATE sessions SET ended_at = @at, ended_ms = @ts, status = @status,
        end_tokens_in = CASE WHEN @tin > 0 THEN @tin ELSE end_tokens_in END,
        end_tokens_out = CASE WHEN @tout > 0 THEN @tout ELSE end_tokens_out END,
        last_ms = MAX(last_ms, @ts) WHERE session_id = @sid
        AND NOT (ended_at IS @at AND ended_ms IS @ts AND status IS @status
          AND (@tin = 0 OR end_tokens_in IS @tin) AND (@tout = 0 OR end_tokens_out IS @tout))`),
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
    };
  }

  private check(): void {
    if (this.closed) throw new StoreError("the store is closed");
  }

  /** Normalises, redacts and encodes, then stores the batch in one transaction. */
  async ingest(events: unknown[]): Promise<IngestResult> {
    this.check();
    const nowMs = Date.now();
    const runSessions = new Map<string, string>();
    const items: Normalized[] = [];
    let skipped = 0;
    const incoming = readIncoming(events);
    for (const [i, raw] of incoming.events.entries()) {
      const n = normalize(raw, nowMs, runSessions, incoming.facts[i]!);
      if (n) items.push(n);
      else skipped++;
    }
    const truncated = await this.redactAll(items);
    const payloads = await Promise.all(
      items.map((n) =>
        n.kind === "event" ? this.codec.encode(JSON.stringify(n.event)) : n.kind === "start" ? this.codec.encode(JSON.stringify(n.event.metadata ?? {})) : null,
      ),
    );
    this.check();
    const { stored, ...w } = await this.commitCoalesced(items, payloads, new Date(nowMs).toISOString());
    return {
      processed: w.stored_events + w.session_records,
      skipped,
      duplicates: w.duplicate_events + w.unchanged_session_records,
      ...w,
      truncated_fields: truncated,
      events: stored,
    };
  }

  /**
   * Group commit: the batches that are ready in the same turn of the event loop are
   * written in one transaction (one fsync), each inside its own savepoint so a failing
   * batch fails alone. Each caller's promise settles only after the COMMIT.
   */
  private commitCoalesced(items: Normalized[], payloads: (Uint8Array | null)[], now: string): Promise<Written> {
    return new Promise((resolve, reject) => {
      this.writeQueue.push({ items, payloads, now, resolve, reject });
      if (this.writeQueue.length === 1) setImmediate(() => this.flushWrites());
    });
  }

  private flushWrites(): void {
    const queue = this.writeQueue;
    this.writeQueue = [];
    if (this.closed) {
      for (const q of queue) q.reject(new StoreError("the store is closed"));
      return;
    }
    const results: (Written | { error: unknown })[] = [];
    try {
      this.db.exec("BEGIN IMMEDIATE");
      for (const q of queue) {
        this.db.exec("SAVEPOINT batch");
        try {
          results.push(this.writeBatch(q.items, q.payloads, q.now));
          this.db.exec("RELEASE batch");
        } catch (error) {
          this.db.exec("ROLLBACK TO batch");
          this.db.exec("RELEASE batch");
          results.push({ error });
        }
      }
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

  /** Applies one normalised batch inside the open transaction. */
  private writeBatch(items: Normalized[], payloads: (Uint8Array | null)[], now: string): Written {
    const w: Written = { stored: [], stored_events: 0, duplicate_events: 0, session_records: 0, unchanged_session_records: 0 };
    const s = this.stmts;
    items.forEach((n, i) => {
      // A duplicate event adds nothing, not even the session it names.
      if (n.kind === "event" && s.eventExists.get(n.eventId)) {
        w.duplicate_events++;
        return;
      }
      s.ensureSession.run(n.sessionId, n.kind === "end" ? n.endedAt : n.timestamp, n.tsMs, n.tsMs);
      if (n.kind !== "event") {
        const r =
          n.kind === "start"
            ? s.applyStart.run(n.agentName, payloads[i]!, n.timestamp, n.tsMs, n.tsMs, n.sessionId)
            : s.applyEnd.run({ at: n.endedAt, ts: n.tsMs, status: this.statusAfter(n.sessionId, n.status), tin: n.totalIn, tout: n.totalOut, sid: n.sessionId });
        if (Number(r.changes) === 0) {
          w.unchanged_session_records++;
        } else {
          w.session_records++;
          w.stored.push(n.event);
        }
        return;
      }
      const payload = payloads[i]!;
      const r = s.insertEvent.run(
        n.eventId, n.sessionId, n.runId, n.type, n.timestamp, n.tsMs, n.model, n.name, n.status,
        n.tokensIn, n.tokensOut, n.durationMs, n.isError ? 1 : 0, payload,
      );
      if (Number(r.changes) === 0) {
        w.duplicate_events++;
        return;
      }
      w.stored_events++;
      w.stored.push(n.event);
      s.bumpSession.run({ tin: n.tokensIn, tout: n.tokensOut, bytes: payload.length, ts: n.tsMs, at: n.timestamp, sid: n.sessionId });
      if (n.sessionStatus) {
        const next = this.statusAfter(n.sessionId, n.sessionStatus);
        s.setSessionStatus.run(next, n.sessionId, next);
      }
      if (n.runId) this.applyRun(n, now);
    });
    return w;
  }

  /** The session's status once `next` is learnt, by the core's rule (an error is final). */
  private statusAfter(sessionId: string, next: string): string {
    const row = this.stmts.sessionStatus.get(sessionId) as { status?: string } | undefined;
    return sessionStatusThen(row?.status ?? "active", next);
  }

  private applyRun(n: Extract<Normalized, { kind: "event" }>, now: string): void {
    const e = n.event;
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? v.slice(0, 256) : null);
    if (n.type === "run_start") {
      this.stmts.startRun.run({
        id: n.runId, name: str(e.run_name) ?? n.name ?? "run", ts: n.tsMs, agent_type: str(e.agent_type),
        user_id: str(e.user_id), sid: n.sessionId, parent: str(e.parent_run_id), now,
      });
      return;
    }
    this.stmts.ensureRun.run(n.runId, n.tsMs, n.sessionId, now);
    if (n.type === "run_end") {
      const status = n.failedEnd ? "failed" : "completed";
      this.stmts.endRun.run({ status, ts: n.tsMs, duration: n.durationMs === null ? null : Math.round(n.durationMs), id: n.runId });
    }
  }

  /**
   * Redacts the payloads of every batch that reached this point in the same turn of the
   * event loop with one core call. Each call of the core's free `redactJson` compiles
   * the rules (milliseconds), so under concurrent ingestion this is most of the cost.
   */
  private redactCoalesced(rests: WireEvent[]): Promise<WireEvent[]> {
    return new Promise((resolve, reject) => {
      this.redactQueue.push({ rests, resolve, reject });
      if (this.redactQueue.length === 1) setImmediate(() => this.flushRedactions());
    });
  }

  private flushRedactions(): void {
    const queue = this.redactQueue;
    this.redactQueue = [];
    try {
      const out = redactValue(queue.flatMap((q) => q.rests), this.redact);
      let at = 0;
      for (const q of queue) {
        q.resolve(out.slice(at, at + q.rests.length));
        at += q.rests.length;
      }
    } catch {
      // One batch the core refuses (nested too deep, say) must not fail the others that
      // shared the call: redact each on its own, so only the offender is rejected.
      for (const q of queue) {
        try {
          q.resolve(redactValue(q.rests, this.redact));
        } catch (e) {
          q.reject(e);
        }
      }
    }
  }

  /** Redacts every event's payload through the core, then cuts oversized fields. */
  private async redactAll(items: Normalized[]): Promise<number> {
    if (items.length === 0) return 0;
    const rests = items.map((n) => {
      const rest: WireEvent = {};
      for (const [k, v] of Object.entries(n.event)) {
        // defineProperty: a field named `__proto__` is kept as data, not made the prototype.
        if (!(ID_FIELDS as readonly string[]).includes(k)) Object.defineProperty(rest, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return rest;
    });
    const redacted = await this.redactCoalesced(rests);
    let truncated = 0;
    items.forEach((n, i) => {
      const kept: WireEvent = {};
      for (const k of ID_FIELDS) if (n.event[k] !== undefined) kept[k] = n.event[k];
      const rest = redacted[i] ?? {};
      for (const f of PAYLOAD_FIELDS) {
        const v = rest[f];
        if (v === undefined) continue;
        if (Buffer.byteLength(JSON.stringify(v)) > this.maxFieldBytes) {
          rest[f] = truncateField(v, this.maxFieldBytes, this.redact);
          truncated++;
        }
      }
      n.event = { ...kept, ...rest };
      refreshColumns(n);
    });
    return truncated;
  }

  async importEvents(events: unknown[], onProgress?: Progress): Promise<IngestResult> {
    const total: IngestResult = { ...noCounts(), events: [] };
    for (let i = 0; i < events.length; i += IMPORT_CHUNK) {
      addCounts(total, await this.ingest(events.slice(i, i + IMPORT_CHUNK)));
      onProgress?.(Math.min(events.length, i + IMPORT_CHUNK), events.length);
    }
    if (events.length === 0) onProgress?.(0, 0);
    return total;
  }

  /** A stored payload back to its JSON value (`null` if it is not JSON). */
  async decode(payload: Uint8Array): Promise<unknown> {
    const text = this.codec.decodeSync(payload) ?? (await this.codec.decode(payload));
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  stats() {
    this.check();
    return admin.stats(this, SCHEMA_VERSION);
  }

  prune(options: Parameters<typeof admin.prune>[1]) {
    this.check();
    return admin.prune(this, options);
  }

  vacuum(): void {
    this.check();
    this.db.exec("VACUUM");
  }

  backup(path: string): void {
    this.check();
    admin.backup(this, path);
  }

  exportRuns(...args: Parameters<typeof admin.exportRuns> extends [unknown, ...infer R] ? R : never) {
    this.check();
    return admin.exportRuns(this, ...args);
  }

  listSessions(query: SessionListQuery) {
    this.check();
    return listing.listSessions(this, query);
  }

  listRuns(query: RunListQuery) {
    this.check();
    return listing.listRuns(this, query);
  }

  has(kind: "run" | "session", id: string): boolean {
    this.check();
    return listing.has(this, kind, id);
  }

  sessionEvents(sessionId: string): Promise<WireEvent[] | null> {
    this.check();
    return reads.sessionTrace(this, sessionId);
  }

  async explain(sessionId: string): Promise<string | null> {
    this.check();
    return reads.explain(this, sessionId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch {
      // A checkpoint blocked by a reader is harmless: the WAL is replayed at next open.
    }
    this.db.close();
  }
}
