/**
 * The driver: applies one input to the wasm pipeline, drains its outputs (of every sink),
 * performs each send through the host (naming the sink), hands each notice to the host,
 * and schedules the next wake-up.
 * All policy (when to send, retry, drop, what is worth a warning) stays in Rust; this
 * file only moves data.
 *
 * `flush()` and `shutdown()` wait for the core, not for the network: a flush is done when
 * the core says every event queued before it was delivered or given up, a shutdown when
 * the core says nothing is pending. While one of them waits, the wake-up timer keeps the
 * runtime alive (see `Host.timer`), so a retry after a 503 or a `Retry-After: 2` runs
 * before the caller's `await` returns.
 */
import type { Output, PipelineStats, PipelineWasm, SinkStats } from "../../wasm/agentlens_wasm.js";
import { newMarkerCounts, safeStringify, type MarkerCounts } from "./safe-json.js";
import { utf8Bytes, utf8JsonArray } from "./utf8.js";
import { drainOutputs } from "./outputs.js";

/** One request the core wants sent. `body` is the complete, redacted request body. */
export interface WireRequest {
  id: number;
  body: Uint8Array;
  events: number;
  timeoutMs: number;
}

/**
 * What became of a request: an HTTP status (with `Retry-After`, if any, and the response
 * body when the exporter read it: an OTLP sink reads a partial success there) or a failure.
 */
export type WireResult = { status: number; retryAfter?: string | null; body?: Uint8Array } | { failure: "timeout" | "network" };

/** A notice the core emitted (drops, failed requests, deliveries, retries), with the index of its sink. */
export type Notice = Exclude<Output, { type: "send" } | { type: "wait" }>;

/** A timer slot; see `Platform.timer`. */
export type Schedule = (atMs: number | null, wake: () => void, keepAlive?: boolean) => void;

/** What the platform supplies. Implementations live in `src/platform/`. */
export interface Host {
  /** Monotonic milliseconds. */
  now(): number;
  /** Wall-clock milliseconds since the epoch (`Date.now()`), for HTTP dates. */
  wallClock(): number;
  /** Performs a request for sink `sink` (0 for a pipeline of one). Must not be traced by us, must never reject. */
  send(request: WireRequest, sink: number): Promise<WireResult>;
  /** A fresh timer slot; `keepAlive` is set while a flush or shutdown waits on it. */
  timer(): Schedule;
  /** Told of every notice, for counting and logging. */
  notice(notice: Notice): void;
}

interface Waiter {
  done: () => boolean;
  resolve: (finished: boolean) => void;
}


export class Driver {
  readonly markers: MarkerCounts = newMarkerCounts();
  private waiters: Waiter[] = [];
  private wakeAt: number | null = null;
  private readonly wake: Schedule;

  constructor(
    private readonly pipeline: PipelineWasm,
    private readonly host: Host,
  ) {
    this.wake = host.timer();
  }

  /** Serialises (never throws), pushes in one crossing, and lets the core react. */
  push(events: unknown[]): void {
    this.pushJson(safeStringify(events, this.markers));
  }

  /** Pushes events already serialised by `safeStringify` (a JSON array) to every sink. */
  pushJson(json: string): void {
    // Bytes, not the string: wasm-bindgen copies a string into wasm char by char.
    this.pipeline.pushJsonBytes(this.host.now(), utf8Bytes(json));
    this.pump();
  }

  /** Pushes events each serialised already (the JSON text of one event) as one array. */
  pushEvents(events: readonly string[]): void {
    this.pipeline.pushJsonBytes(this.host.now(), utf8JsonArray(events));
    this.pump();
  }

  /**
   * Sends everything buffered and resolves `true` once each of those events was
   * delivered or given up (counted in `stats().dropped`), retries and backoff included;
   * or `false` when `timeoutMs` passes first (the events stay pending).
   */
  flush(timeoutMs?: number): Promise<boolean> {
    const mark = this.pipeline.flush(this.host.now());
    this.pump();
    return this.until(() => this.pipeline.isFlushed(mark), timeoutMs);
  }

  /** Drains until nothing is pending or `timeoutMs` passed; what is left is counted `shutdown_timeout`. */
  async shutdown(timeoutMs: number): Promise<PipelineStats> {
    const now = this.host.now();
    this.pipeline.shutdown(now, now + Math.max(0, timeoutMs));
    this.pump();
    await this.until(() => this.pipeline.isShutDown());
    return this.stats();
  }

  /** A fresh 16-hex id (sessions, events, spans). */
  newId(): string {
    return this.pipeline.newId();
  }

  /** A fresh 32-hex OTLP trace id. */
  newTraceId(): string {
    return this.pipeline.newTraceId();
  }

  /** The first sink's accounting, and redaction's. */
  stats(): PipelineStats {
    return this.pipeline.stats();
  }

  /** Each sink's accounting, and redaction's (once per event). */
  sinkStats(): SinkStats {
    return this.pipeline.sinkStats();
  }

  /** Resolves when `done()` holds (checked after every step of the core), or `false` at `timeoutMs`. */
  private until(done: () => boolean, timeoutMs?: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = { done, resolve };
      this.waiters.push(waiter);
      this.reschedule();
      if (timeoutMs === undefined || !Number.isFinite(timeoutMs)) return;
      const deadline = this.host.timer();
      waiter.resolve = (finished) => {
        deadline(null, () => {});
        resolve(finished);
      };
      deadline(this.host.now() + Math.max(0, timeoutMs), () => this.release(waiter, false), true);
    });
  }

  private release(waiter: Waiter, finished: boolean): void {
    const i = this.waiters.indexOf(waiter);
    if (i < 0) return;
    this.waiters.splice(i, 1);
    waiter.resolve(finished);
    this.reschedule();
  }

  /** Points the wake-up timer at the core's deadline, kept alive while anyone waits. */
  private reschedule(): void {
    this.wake(
      this.wakeAt,
      () => {
        this.pipeline.handleTimeout(this.host.now());
        this.pump();
      },
      this.waiters.length > 0,
    );
  }

  private pump(): void {
    const outputs = drainOutputs(this.pipeline, this.host.now());
    for (const out of outputs) {
      if (out.type === "send") this.perform(out);
      else if (out.type === "wait") this.wakeAt = out.atMs;
      else this.host.notice(out);
    }
    for (const w of this.waiters.filter((w) => w.done())) this.release(w, true);
    this.reschedule();
  }

  private perform(out: Extract<Output, { type: "send" }>): void {
    const request: WireRequest = { id: out.id, body: out.body, events: out.events, timeoutMs: out.timeoutMs };
    let result: Promise<WireResult>;
    try {
      result = this.host.send(request, out.sink);
    } catch {
      result = Promise.resolve({ failure: "network" });
    }
    result
      .catch((): WireResult => ({ failure: "network" }))
      .then((r) => {
        const now = this.host.now();
        if ("status" in r) {
          const body = r.body instanceof Uint8Array ? r.body : undefined;
          this.pipeline.handleStatus(now, out.id, r.status, r.retryAfter ?? undefined, this.host.wallClock(), body);
        } else {
          this.pipeline.handleFailure(now, out.id, r.failure);
        }
        this.pump();
      });
  }
}
