/**
 * The driver: applies one input to the wasm pipeline, drains its outputs, performs each
 * send through the host, forwards each notice, and schedules the next wake-up. All
 * policy (when to send, retry, drop) stays in Rust; this file only moves data.
 */
import type { Output, PipelineStats, PipelineWasm } from "../../wasm/agentlens_wasm.js";
import { newMarkerCounts, safeStringify, type MarkerCounts } from "./safe-json.js";

/** One request the core wants sent. `body` is the complete, redacted request body. */
export interface WireRequest {
  id: number;
  body: Uint8Array;
  events: number;
  timeoutMs: number;
}

/** What became of a request: an HTTP status (with `Retry-After`, if any) or a failure. */
export type WireResult = { status: number; retryAfter?: string | null } | { failure: "timeout" | "network" };

/** What the platform supplies. Implementations live in `src/platform/`. */
export interface Host {
  /** Monotonic milliseconds. */
  now(): number;
  /** Wall-clock milliseconds since the epoch (`Date.now()`), for HTTP dates. */
  wallClock(): number;
  /** Performs a request. Must not be traced by us, must never reject. */
  send(request: WireRequest): Promise<WireResult>;
  /** Wakes the driver at `atMs` (monotonic); replaces any earlier schedule. `null` cancels. */
  schedule(atMs: number | null, wake: () => void): void;
  /** Logs a warning about our own health (drops). */
  warn(message: string): void;
}

const utf8 = new TextEncoder();

export class Driver {
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  readonly markers: MarkerCounts = newMarkerCounts();

  constructor(
    private readonly pipeline: PipelineWasm,
    private readonly host: Host,
  ) {}

  /** Serialises (never throws), pushes in one crossing, and lets the core react. */
  push(events: unknown[]): void {
    this.pushJson(safeStringify(events, this.markers));
  }

  /** Pushes events already serialised by `safeStringify` (a JSON array). */
  pushJson(json: string): void {
    // TextEncoder runs natively; passing a string makes wasm-bindgen copy it char by char.
    this.pipeline.pushJsonBytes(this.host.now(), utf8.encode(json));
    this.pump();
  }

  /** Sends everything buffered; resolves once no request is in flight. */
  flush(): Promise<void> {
    this.pipeline.flush(this.host.now());
    this.pump();
    return this.idle();
  }

  /** Drains before `timeoutMs` elapses; what is left is counted `shutdown_timeout`. */
  async shutdown(timeoutMs: number): Promise<PipelineStats> {
    const now = this.host.now();
    this.pipeline.shutdown(now, now + Math.max(0, timeoutMs));
    this.pump();
    await this.idle();
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

  stats(): PipelineStats {
    return this.pipeline.stats();
  }

  /** Resolves when nothing is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    const outputs = this.pipeline.drain(this.host.now()) as Output[];
    for (const out of outputs) {
      switch (out.type) {
        case "send":
          this.perform(out);
          break;
        case "dropped":
          this.host.warn(`agentlens: dropped ${out.count} event(s): ${out.reason}`);
          break;
        case "wait":
          this.host.schedule(out.atMs, () => {
            this.pipeline.handleTimeout(this.host.now());
            this.pump();
          });
          break;
        default:
          break;
      }
    }
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private perform(out: Extract<Output, { type: "send" }>): void {
    this.inFlight++;
    const request: WireRequest = { id: out.id, body: out.body, events: out.events, timeoutMs: out.timeoutMs };
    let result: Promise<WireResult>;
    try {
      result = this.host.send(request);
    } catch {
      result = Promise.resolve({ failure: "network" });
    }
    result
      .catch((): WireResult => ({ failure: "network" }))
      .then((r) => {
        const now = this.host.now();
        if ("status" in r) {
          this.pipeline.handleStatus(now, out.id, r.status, r.retryAfter ?? undefined, this.host.wallClock());
        } else {
          this.pipeline.handleFailure(now, out.id, r.failure);
        }
        this.inFlight--;
        this.pump();
      });
  }
}
