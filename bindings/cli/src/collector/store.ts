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
 * Ingestion: one core call turns a batch into what is stored (`engine.ts`, the core's
 * `ingest`: columns and payloads, redacted, normalised and classified); payloads are
 * sealed when there is a key (WebCrypto, asynchronous); then `store-write.ts` writes the
 * batches ready at the same moment in one synchronous transaction (group commit, one
 * savepoint per batch), so concurrent requests never interleave inside one and share one
 * fsync.
 */
import { closeSync, existsSync, openSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { ingestBytes, ingestOtlpBytes, ingestor, type IngestFormat, type IngestResultBatch, type Ingestor, type OtlpEncoding, type OtlpResultBatch } from "./engine.js";
import { StoreError } from "./errors.js";
import { IngestRunner, type IngestRunnerStats } from "./ingest-runner.js";
import { PayloadCrypto } from "./payload-crypto.js";
import { migrate, SCHEMA_VERSION } from "./schema.js";
import * as admin from "./store-admin.js";
import type { StoreHandle } from "./store-handle.js";
import * as listing from "./store-list.js";
import * as reads from "./store-read.js";
import { StoreWriter } from "./store-write.js";
import { addCounts, noCounts } from "./ingest-counts.js";
import type { IngestResult, Progress, RunListQuery, SessionListQuery, Store, StoreOptions, WireEvent } from "./types.js";

const DEFAULT_MAX_FIELD_BYTES = 256 * 1024;
/** The most records one core call takes, unless the caller gives its own limit. */
const MAX_RECORDS_PER_CALL = 0xffff_ffff;
const IMPORT_CHUNK = 500;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What one ingest did, with the stored records' JSON (for live subscribers) and why records were refused. */
export type IngestOutcome = IngestResult & { received: number; storedJson: Uint8Array[]; warnings: string[] };

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
  const crypto = await PayloadCrypto.create(options.encryptionKey);
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
    await crypto.verify(row ? new Uint8Array(row.value) : null);
    if (!row && crypto.encrypted) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('key_check', ?)").run(await crypto.keyCheck());
    }
  } catch (e) {
    db.close();
    if (created) removeDatabaseFiles(options.path);
    throw e;
  }
  return new CollectorStore(options.path, db, crypto, options);
}

/** The store; the {@link Store} API plus the reads the HTTP routes use. */
export class CollectorStore implements Store, StoreHandle {
  private closed = false;
  private readonly writer: StoreWriter;
  private readonly ingestor: Ingestor;
  /** The ingest thread of `POST /events` bodies (made on the first one). */
  private runner: IngestRunner | null = null;
  readonly redact: Record<string, unknown>;
  readonly maxFieldBytes: number;
  readonly compressed: boolean;

  constructor(
    readonly path: string,
    readonly db: DatabaseSync,
    private readonly crypto: PayloadCrypto,
    options: StoreOptions,
  ) {
    this.redact = options.redact ?? {};
    this.maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
    this.compressed = options.compress ?? false;
    this.ingestor = ingestor(this.redact, this.maxFieldBytes, this.compressed);
    this.writer = new StoreWriter(db);
  }

  get encrypted(): boolean {
    return this.crypto.encrypted;
  }

  private check(): void {
    if (this.closed) throw new StoreError("the store is closed");
  }

  /** Normalises, redacts and encodes through the core, then stores the batch in one transaction. */
  ingest(events: unknown[]): Promise<IngestOutcome> {
    return this.ingestBytes("array", encoder.encode(JSON.stringify(events)));
  }

  /**
   * Ingests a body as the core reads `format` (`events`: `{"events":[…]}`; `array`; `trace`:
   * any trace format) and stores it in one transaction. Throws the core's
   * `AgentLensDecodeError` (with its `reason`) for a body it cannot read or with more
   * than `maxEvents` elements.
   */
  async ingestBytes(format: IngestFormat, bytes: Uint8Array, maxEvents = MAX_RECORDS_PER_CALL): Promise<IngestOutcome> {
    this.check();
    return this.store(ingestBytes(this.ingestor, format, bytes, maxEvents));
  }

  /**
   * {@link ingestBytes} with the body read through the core on the store's ingest thread
   * (`ingest-runner.ts`), so the next body is read while this one is written: what the
   * collector's `POST /events` does. Same answer, same refusals.
   */
  async ingestBody(format: IngestFormat, bytes: Uint8Array, maxEvents = MAX_RECORDS_PER_CALL): Promise<IngestOutcome> {
    this.check();
    return this.store(await this.thread().ingest(format, bytes, maxEvents));
  }

  /** {@link readOtlp} on the store's ingest thread: what the collector's `POST /v1/traces` does. */
  readOtlpBody(encoding: OtlpEncoding, bytes: Uint8Array): Promise<OtlpResultBatch> {
    this.check();
    return this.thread().ingestOtlp(encoding, bytes, MAX_RECORDS_PER_CALL);
  }

  private thread(): IngestRunner {
    return (this.runner ??= new IngestRunner({ redact: this.redact, maxFieldBytes: this.maxFieldBytes, compress: this.compressed }, (job) => {
      this.check();
      return job.kind === "otlp" ? ingestOtlpBytes(this.ingestor, job.encoding, job.bytes, job.maxEvents) : ingestBytes(this.ingestor, job.format, job.bytes, job.maxEvents);
    }));
  }

  /** What the ingest thread has done (zeros before the first {@link ingestBody}). */
  ingestThreadStats(): IngestRunnerStats {
    return this.runner?.stats() ?? { started: 0, offThread: 0, onMainThread: 0, failed: 0, workerMemoryBytes: 0, recycled: 0, retired: 0 };
  }

  /** Reads a body through the core without storing it (a trace, to store in chunks with {@link store}). */
  read(format: IngestFormat, bytes: Uint8Array): IngestResultBatch {
    this.check();
    return ingestBytes(this.ingestor, format, bytes, MAX_RECORDS_PER_CALL);
  }

  /** Reads one OTLP/HTTP export request through the core without storing it (see {@link read}). */
  readOtlp(encoding: OtlpEncoding, bytes: Uint8Array): OtlpResultBatch {
    this.check();
    return ingestOtlpBytes(this.ingestor, encoding, bytes, MAX_RECORDS_PER_CALL);
  }

  /**
   * Stores what the core returned (sealing payloads first when there is a key): all of
   * `batch`, or one chunk of its records (`whole` false: the batch's refusals and
   * truncations are then not counted here, for the caller to count once).
   */
  async store(batch: IngestResultBatch, records = batch.records, whole = true): Promise<IngestOutcome> {
    const columns = records.map((r) => r.columns);
    const payloads = this.crypto.encrypted
      ? await Promise.all(records.map((r) => (r.payload ? this.crypto.seal(r.payload) : null)))
      : records.map((r) => r.payload);
    this.check();
    const { stored, ...w } = await this.writer.commit(columns, payloads, new Date().toISOString());
    const storedJson = stored.map((i) => records[i]!.json);
    const out: IngestOutcome = {
      received: batch.received,
      processed: w.stored_events + w.session_records,
      skipped: whole ? batch.skipped : 0,
      duplicates: w.duplicate_events + w.unchanged_session_records,
      ...w,
      truncated_fields: whole ? batch.truncatedFields : 0,
      warnings: batch.warnings,
      storedJson,
      events: [],
    };
    // Parsed only if a caller reads them: the HTTP routes pass the JSON on as it is.
    Object.defineProperty(out, "events", { get: () => storedJson.map((j) => JSON.parse(decoder.decode(j)) as WireEvent), enumerable: false });
    return out;
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
    const text = this.crypto.openSync(payload) ?? (await this.crypto.open(payload));
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
    this.writer.close();
    void this.runner?.close();
    this.ingestor.free();
    try {
      this.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch {
      // A checkpoint blocked by a reader is harmless: the WAL is replayed at next open.
    }
    this.db.close();
  }
}
