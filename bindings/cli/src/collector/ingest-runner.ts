/// <reference types="node" />
/**
 * Reads `POST /events` and OTLP `POST /v1/traces` bodies on a second thread
 * (`ingest-worker.ts`), so that reading a body through the core (about half of what an
 * event costs the collector) runs beside the main thread's HTTP and SQLite work instead
 * of before it. Bodies are read one at a time,
 * in the order they came, and their batches are handed back in that order, so the store
 * commits them as it did when it read them itself.
 *
 * Nothing is lost to the thread: when it fails or exits under a body, that body and every
 * one waiting are read on the main thread instead (the core's answer is the same on
 * either), and the next body starts a new thread; after {@link MAX_THREAD_FAILURES}
 * failures every body is read on the main thread, as before there was a thread. A thread
 * idle for {@link INGEST_WORKER_IDLE_MS} is ended: an idle collector holds none.
 */
import { Worker } from "node:worker_threads";
import type { IngestFormat, IngestResultBatch, OtlpEncoding, OtlpResultBatch } from "./engine.js";
import { threadExecArgv } from "./threads.js";

/** What the thread's ingestor is made from: the store's options. */
export interface IngestWorkerOptions {
  redact: Record<string, unknown>;
  maxFieldBytes: number;
  compress: boolean;
}

/** One body sent to the thread: a wire body (`format`) or an OTLP request (`encoding`). */
export type IngestJob = { id: number; bytes: Uint8Array; maxEvents: number } & ({ kind: "events"; format: IngestFormat } | { kind: "otlp"; encoding: OtlpEncoding });

/** What a body became: a batch, or an OTLP request's batch with its answer. */
export type IngestBatch = IngestResultBatch | OtlpResultBatch;

/** The thread's answer to one body, with its wasm memory after it and whether the instance was replaced after it. */
export type IngestReply = { id: number; memoryBytes: number; recycled: boolean } & (
  | { ok: true; batch: IngestBatch }
  | { ok: false; error: { name: string; message: string; reason?: string; body?: Uint8Array } }
);

/** A thread without a body for this long is ended. */
export const INGEST_WORKER_IDLE_MS = 30_000;
/** Threads that may fail under a body before the main thread reads every body itself. */
export const MAX_THREAD_FAILURES = 3;

/** What the runner has done, for tests and benchmarks. */
export interface IngestRunnerStats {
  /** Bodies the thread read. */
  offThread: number;
  /** Bodies read on the main thread: the thread failed under them, or failed too often, or the store closed. */
  onMainThread: number;
  /** Threads that failed or exited under a body. */
  failed: number;
  /** The thread's wasm memory after its last body (0 before any, and once it ended). */
  workerMemoryBytes: number;
  /** Times the thread replaced its wasm instance, past the high-water mark after a body. */
  recycled: number;
}

interface Pending {
  job: IngestJob;
  resolve(batch: IngestBatch): void;
  reject(e: unknown): void;
}

/** The ingest thread of one store, its queue and its fallback. */
export class IngestRunner {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closed = false;
  private readonly counts: IngestRunnerStats = { offThread: 0, onMainThread: 0, failed: 0, workerMemoryBytes: 0, recycled: 0 };

  /**
   * `options`: the store's ingestor options; `onMainThread`: reads a body here, as the
   * store does without a thread (used when the thread fails, or after {@link close}).
   */
  constructor(
    private readonly options: IngestWorkerOptions,
    private readonly onMainThread: (job: IngestJob) => IngestBatch,
  ) {}

  /** Reads `bytes` as `format` through the core; rejects with the core's refusal, as reading it here would throw. */
  ingest(format: IngestFormat, bytes: Uint8Array, maxEvents: number): Promise<IngestResultBatch> {
    return this.run({ id: 0, kind: "events", format, bytes, maxEvents }) as Promise<IngestResultBatch>;
  }

  /** Reads one OTLP request (un-gzipped) through the core; rejects with the core's refusal and its `body`, as here. */
  ingestOtlp(encoding: OtlpEncoding, bytes: Uint8Array, maxEvents: number): Promise<OtlpResultBatch> {
    return this.run({ id: 0, kind: "otlp", encoding, bytes, maxEvents }) as Promise<OtlpResultBatch>;
  }

  private run(job: IngestJob): Promise<IngestBatch> {
    if (this.closed || this.counts.failed >= MAX_THREAD_FAILURES) return this.here(job);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    job.id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(job.id, { job, resolve, reject });
      try {
        this.worker ??= this.spawn();
        // Copied, not moved: the route still reads the body when the core refuses it.
        this.worker.postMessage(job);
      } catch {
        this.failed(this.worker);
      }
    });
  }

  stats(): IngestRunnerStats {
    return { ...this.counts };
  }

  /** Ends the thread; bodies still waiting are read on the main thread. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.fallBack();
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    const w = new Worker(new URL("./ingest-worker.js", import.meta.url), { workerData: this.options, execArgv: threadExecArgv() });
    // The HTTP server keeps the process alive; an idle thread must not.
    w.unref();
    w.on("message", (reply: IngestReply) => this.answered(w, reply));
    w.on("error", () => this.failed(w));
    w.on("exit", () => this.failed(w));
    return w;
  }

  private answered(w: Worker, reply: IngestReply): void {
    const p = this.waiting.get(reply.id);
    if (w !== this.worker || !p) return;
    this.waiting.delete(reply.id);
    this.counts.offThread++;
    this.counts.workerMemoryBytes = reply.memoryBytes;
    if (reply.recycled) this.counts.recycled++;
    if (reply.ok) p.resolve(reply.batch);
    else p.reject(Object.assign(new Error(reply.error.message), reply.error));
    if (this.waiting.size === 0) this.idleTimer = setTimeout(() => void this.end(), INGEST_WORKER_IDLE_MS).unref();
  }

  /** The thread died (out of memory, a crash) or could not start: what it held is read here. */
  private failed(w: Worker | null): void {
    if (w !== this.worker) return;
    this.worker = null;
    if (this.waiting.size > 0) this.counts.failed++;
    this.fallBack();
    if (w) void w.terminate();
  }

  /** Reads every waiting body on the main thread, in order. */
  private fallBack(): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const p of waiting) this.here(p.job).then(p.resolve, p.reject);
  }

  private here(job: IngestJob): Promise<IngestBatch> {
    this.counts.onMainThread++;
    try {
      return Promise.resolve(this.onMainThread(job));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private async end(): Promise<void> {
    const w = this.worker;
    if (!w || this.waiting.size > 0) return;
    this.worker = null;
    this.counts.workerMemoryBytes = 0;
    await w.terminate();
  }
}
