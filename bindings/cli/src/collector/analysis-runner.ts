/// <reference types="node" />
/**
 * Runs the analysis engines off the main thread: one worker (`analysis-worker.ts`), one
 * job at a time, a bounded queue, and a deadline per job. A job past its deadline is
 * answered 503 and its worker ended (nothing else stops a wasm call), so `/health` and
 * `POST /events` keep answering whatever an analysis request asks for. The worker is also
 * replaced after a job that left its wasm memory past {@link WORKER_HIGH_WATER_BYTES}
 * (wasm memory never shrinks, and ending the thread is what returns it), and ended after
 * {@link WORKER_IDLE_MS} without a job. Each worker is handed the price catalog in use when
 * it starts (its wasm instance has its own); one started before the catalog was reloaded
 * is ended before its next job.
 *
 * This file schedules and times; what a job computes is the core's.
 */
import { Worker } from "node:worker_threads";
import { HttpError } from "./http.js";
import { activeCatalogText, catalogGeneration } from "./prices.js";
import { threadExecArgv } from "./threads.js";

/** The analyses the worker runs. */
export type AnalysisJobName = "compliance" | "drift" | "forecast" | "alerts";

/** One job sent to the worker. */
export interface AnalysisJob {
  id: number;
  job: AnalysisJobName;
  args: Record<string, unknown>;
}

/** The worker's answer to one job, with its wasm memory after it. */
export type AnalysisReply =
  | { id: number; ok: true; value: unknown; memoryBytes: number }
  | { id: number; ok: false; error: { name: string; message: string }; memoryBytes: number };

/** The default deadline of one analysis job, from when the worker starts it. */
export const ANALYSIS_TIMEOUT_MS = 30_000;
/** Jobs waiting for the worker at most; more are answered 503 with Retry-After. */
export const MAX_QUEUED_JOBS = 16;
/**
 * Past this much wasm memory after a job, the worker is replaced by a fresh one (1,000
 * alert rules over 5,000 events leave about 228 MiB; a fresh worker starts at 1 MiB).
 */
export const WORKER_HIGH_WATER_BYTES = 128 * 1024 * 1024;
/** A worker without a job for this long is ended: an idle collector holds no analysis thread. */
export const WORKER_IDLE_MS = 60_000;

interface Pending {
  job: AnalysisJob;
  timeoutMs: number;
  resolve(value: unknown): void;
  reject(e: unknown): void;
}

/** What the runner has done, for tests and the memory benchmark. */
export interface AnalysisRunnerStats {
  /** Wasm memory of the worker's instance after its last job (0 before any). */
  workerMemoryBytes: number;
  /** Workers ended: past a deadline, past the high-water mark, or failed. */
  recycled: number;
  /** Jobs stopped at their deadline. */
  timedOut: number;
  /** Jobs waiting. */
  queued: number;
}

/** One analysis worker, its queue and its deadlines. */
export class AnalysisRunner {
  private worker: Worker | null = null;
  /** The catalog load ({@link catalogGeneration}) the worker was handed. */
  private workerCatalog = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private current: (Pending & { timer: NodeJS.Timeout }) | null = null;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly counts = { workerMemoryBytes: 0, recycled: 0, timedOut: 0 };

  /** `timeoutMs`: each job's default deadline; `highWaterBytes`: the worker's wasm memory mark. */
  constructor(
    readonly timeoutMs = ANALYSIS_TIMEOUT_MS,
    readonly highWaterBytes = WORKER_HIGH_WATER_BYTES,
  ) {}

  /**
   * Runs `job` in the worker. Resolves with its value; rejects with the engine's named
   * error (the route answers 400), or an `HttpError` 503 when the queue is full, the job
   * ran past the deadline (`timeoutMs`, the runner's by default), or the worker failed.
   */
  run(job: AnalysisJobName, args: Record<string, unknown>, timeoutMs = this.timeoutMs): Promise<unknown> {
    if (this.closed) return Promise.reject(new HttpError(503, "The collector is closing"));
    if (this.queue.length >= MAX_QUEUED_JOBS) {
      return Promise.reject(new HttpError(503, `Too many analyses waiting (at most ${MAX_QUEUED_JOBS}); try again shortly`, { "Retry-After": "5" }));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, job, args }, timeoutMs, resolve, reject });
      this.pump();
    });
  }

  stats(): AnalysisRunnerStats {
    return { ...this.counts, queued: this.queue.length };
  }

  /** Ends the worker; waiting jobs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const p of this.queue.splice(0)) p.reject(new HttpError(503, "The collector is closing"));
    this.finish(new HttpError(503, "The collector is closing"));
    await this.end();
  }

  private spawn(): Worker {
    this.workerCatalog = catalogGeneration();
    const w = new Worker(new URL("./analysis-worker.js", import.meta.url), { workerData: { priceCatalog: activeCatalogText() }, execArgv: threadExecArgv() });
    // The HTTP server keeps the process alive; an idle worker must not.
    w.unref();
    w.on("message", (reply: AnalysisReply) => this.answered(w, reply));
    w.on("error", () => this.failed(w));
    w.on("exit", () => this.failed(w));
    return w;
  }

  private pump(): void {
    if (this.current || this.closed) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const next = this.queue.shift();
    if (!next) {
      if (this.worker) this.idleTimer = setTimeout(() => void this.end(), WORKER_IDLE_MS).unref();
      return;
    }
    // A worker with the catalog of before a reload would price differently from the main thread.
    if (this.worker && this.workerCatalog !== catalogGeneration()) void this.end();
    this.worker ??= this.spawn();
    const timer = setTimeout(() => this.expired(next.timeoutMs), next.timeoutMs);
    this.current = { ...next, timer };
    this.worker.postMessage(next.job);
  }

  private answered(w: Worker, reply: AnalysisReply): void {
    if (w !== this.worker || !this.current || reply.id !== this.current.job.id) return;
    const p = this.current;
    clearTimeout(p.timer);
    this.current = null;
    this.counts.workerMemoryBytes = reply.memoryBytes;
    if (reply.memoryBytes > this.highWaterBytes) void this.end();
    if (reply.ok) p.resolve(reply.value);
    else p.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    this.pump();
  }

  private expired(timeoutMs: number): void {
    this.counts.timedOut++;
    this.finish(
      new HttpError(503, `The analysis ran past its ${timeoutMs} ms deadline and was stopped; analyse fewer sessions or rules, or a shorter window`, { "Retry-After": "5" }),
    );
    void this.end();
    this.pump();
  }

  /** The worker died under a job (out of memory, a crash): the job fails, the next gets a new worker. */
  private failed(w: Worker): void {
    if (w !== this.worker) return;
    this.worker = null;
    this.counts.recycled++;
    this.finish(new HttpError(503, "The analysis worker failed; try again", { "Retry-After": "1" }));
    this.pump();
  }

  private finish(e: unknown): void {
    const p = this.current;
    if (!p) return;
    clearTimeout(p.timer);
    this.current = null;
    p.reject(e);
  }

  /** Ends the current worker (its memory goes with it); the next job starts a new one. */
  private async end(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    this.counts.recycled++;
    this.counts.workerMemoryBytes = 0;
    await w.terminate();
  }
}
