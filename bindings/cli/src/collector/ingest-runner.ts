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
 * idle for {@link INGEST_WORKER_IDLE_MS} is ended: an idle collector holds none. So is a
 * thread whose wasm memory a body took past the high-water mark, once it answered what
 * it held (ending a thread is what returns its memory); the next body starts a fresh one.
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
  /** Threads started. */
  started: number;
  /** Bodies the thread read. */
  offThread: number;
  /** Bodies read on the main thread: the thread failed under them, or failed too often, or the store closed. */
  onMainThread: number;
  /** Threads that failed or exited under a body. */
  failed: number;
  /** The thread's wasm memory after its last body (0 before any, and once it ended). */
  workerMemoryBytes: number;
  /** Bodies after which the thread's wasm memory was past the high-water mark (its instance replaced at once). */
  recycled: number;
  /** Threads ended for it, once they had answered what they held (ending a thread returns its memory). */
  retired: number;
}

interface Pending {
  job: IngestJob;
  /** The thread it was posted to (`null` until it was). */
  worker: Worker | null;
  resolve(batch: IngestBatch): void;
  reject(e: unknown): void;
}

/** The ingest thread of one store, its queue and its fallback. */
export class IngestRunner {
  /** The thread new bodies go to. */
  private worker: Worker | null = null;
  /** Threads ended once their last body is answered (their wasm memory went past the mark). */
  private readonly retiring = new Set<Worker>();
  /**
   * While a retiring thread has not ended, new bodies wait for it: one thread at a time
   * holds a large instance (without this, a burst of hostile bodies had the next thread
   * grow one while the last one's was still held: peak RSS 1.5 GB, against 0.9–1.2).
   */
  private gate: { ended: Promise<void>; open(): void } | null = null;
  /** Bodies posted and not answered yet, in the order they came. */
  private readonly waiting = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closed = false;
  private readonly counts: IngestRunnerStats = { started: 0, offThread: 0, onMainThread: 0, failed: 0, workerMemoryBytes: 0, recycled: 0, retired: 0 };

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
      const p: Pending = { job, worker: null, resolve, reject };
      this.waiting.set(job.id, p);
      if (this.gate) void this.gate.ended.then(() => this.post(p));
      else this.post(p);
    });
  }

  private post(p: Pending): void {
    if (!this.waiting.has(p.job.id)) return; // read on the main thread meanwhile
    if (this.closed) return this.fallBack([p]);
    try {
      p.worker = this.worker ??= this.spawn();
      // Copied, not moved: the route still reads the body when the core refuses it.
      p.worker.postMessage(p.job);
    } catch {
      this.failed(p.worker);
    }
  }

  stats(): IngestRunnerStats {
    return { ...this.counts };
  }

  /** Ends the threads; bodies still waiting are read on the main thread. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const threads = [this.worker, ...this.retiring].filter((w): w is Worker => w !== null);
    this.worker = null;
    this.retiring.clear();
    this.fallBack([...this.waiting.values()]);
    this.gate?.open();
    await Promise.all(threads.map((w) => w.terminate()));
  }

  private spawn(): Worker {
    const w = new Worker(new URL("./ingest-worker.js", import.meta.url), { workerData: this.options, execArgv: threadExecArgv() });
    this.counts.started++;
    // The HTTP server keeps the process alive; an idle thread must not.
    w.unref();
    w.on("message", (reply: IngestReply) => this.answered(w, reply));
    w.on("error", () => this.failed(w));
    w.on("exit", () => this.failed(w));
    return w;
  }

  private answered(w: Worker, reply: IngestReply): void {
    const p = this.waiting.get(reply.id);
    if (!p || p.worker !== w) return;
    this.waiting.delete(reply.id);
    this.counts.offThread++;
    this.counts.workerMemoryBytes = reply.memoryBytes;
    if (reply.recycled) {
      // The body took the thread's wasm memory past the mark. The thread made itself a
      // fresh instance, but the old memory goes back to the system only when the thread's
      // garbage collector runs, and an idle thread's may not: ending the thread returns it.
      this.counts.recycled++;
      if (this.worker === w) this.worker = null;
      this.retiring.add(w);
      if (!this.gate) {
        let open = () => {};
        const ended = new Promise<void>((resolve) => (open = resolve));
        this.gate = { ended, open };
      }
    }
    if (reply.ok) p.resolve(reply.batch);
    else p.reject(Object.assign(new Error(reply.error.message), reply.error));
    if (this.retiring.has(w) && !this.holds(w)) this.retire(w);
    if (this.waiting.size === 0 && this.worker) this.idleTimer = setTimeout(() => void this.end(), INGEST_WORKER_IDLE_MS).unref();
  }

  /** A thread died (out of memory, a crash) or could not start: the bodies it held are read here. */
  private failed(w: Worker | null): void {
    // A thread this runner ended (idle, or retiring) and that held nothing.
    if (w !== null && this.worker !== w && !this.holds(w)) return;
    if (this.worker === w) this.worker = null;
    const lost = [...this.waiting.values()].filter((p) => p.worker === w);
    if (lost.length > 0) this.counts.failed++;
    this.fallBack(lost);
    if (w && this.retiring.has(w)) this.retire(w);
    else if (w) void w.terminate();
  }

  /** Ends a retiring thread; once none is left, bodies that waited for it are posted. */
  private retire(w: Worker): void {
    this.counts.retired++;
    void w.terminate().finally(() => {
      this.retiring.delete(w);
      if (this.retiring.size > 0 || !this.gate) return;
      const gate = this.gate;
      this.gate = null;
      gate.open();
    });
  }

  /** Whether bodies posted to `w` are still waiting for its answer. */
  private holds(w: Worker): boolean {
    for (const p of this.waiting.values()) if (p.worker === w) return true;
    return false;
  }

  /** Reads `pending` on the main thread, in order. */
  private fallBack(pending: Pending[]): void {
    for (const p of pending) {
      this.waiting.delete(p.job.id);
      this.here(p.job).then(p.resolve, p.reject);
    }
  }

  private here(job: IngestJob): Promise<IngestBatch> {
    this.counts.onMainThread++;
    try {
      return Promise.resolve(this.onMainThread(job));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Ends an idle thread. */
  private async end(): Promise<void> {
    const w = this.worker;
    if (!w || this.holds(w)) return;
    this.worker = null;
    this.counts.workerMemoryBytes = 0;
    await w.terminate();
  }
}
