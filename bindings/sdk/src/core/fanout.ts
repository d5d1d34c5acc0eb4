/**
 * The fan-out: one core pipeline and driver per exporter, so a failing destination never
 * holds up another, and the same serialised events pushed to each. It also shields the
 * drivers from exporters that misbehave (throw, reject, answer garbage): every send
 * becomes a promise of a valid `WireResult`. It builds no events and decides no policy.
 */
import type { PipelineOptions } from "./config.js";
import { describeFailure } from "./delivery.js";
import { Driver, type Notice, type WireRequest, type WireResult } from "./driver.js";
import type { Exporter } from "./exporter.js";
import { DropReporter, type Health } from "./health.js";
import type { Platform } from "./platform.js";
import { addInto, emptyDelivery, fromCore, type DeliveryStats, type ExporterStats } from "./stats.js";
import { wasm } from "./wasm.js";

interface Sink {
  exporter: Exporter;
  driver: Driver;
  drops: DropReporter;
}

function isWireResult(r: unknown): r is WireResult {
  if (!r || typeof r !== "object") return false;
  const o = r as { status?: unknown; failure?: unknown };
  return (typeof o.status === "number" && Number.isInteger(o.status)) || o.failure === "timeout" || o.failure === "network";
}

/** Builds a core pipeline. Throws `AgentLensConfigError` (from the core) for bad options. */
export function newPipeline(core: PipelineOptions, p: Platform, format?: Exporter["format"]) {
  return new (wasm().PipelineWasm)(JSON.stringify(format ? { ...core, format } : core), p.seed?.());
}

export class Fanout {
  private readonly sinks: Sink[];

  /** @throws AgentLensConfigError from the core when an exporter's pipeline refuses the options. */
  constructor(
    exporters: readonly Exporter[],
    core: PipelineOptions,
    private readonly health: Health,
    p: Platform,
  ) {
    this.sinks = exporters.map((exporter) => {
      const sink = { exporter } as Sink;
      sink.driver = new Driver(newPipeline(core, p, exporter.format), {
        now: () => p.now(),
        wallClock: () => p.wallClock(),
        timer: () => p.timer(),
        notice: (n) => this.notice(sink, n),
        send: (r) => this.send(exporter, r),
      });
      sink.drops = new DropReporter(exporter.name, () => sink.driver.stats().dropped, health);
      return sink;
    });
  }

  /** Counts and logs what the core reported: drops (coalesced), failed requests (the core says which to warn about). */
  private notice(sink: Sink, n: Notice): void {
    if (n.type === "dropped") {
      sink.drops.notice();
    } else if (n.type === "failed") {
      const level = n.warn ? "warn" : "debug";
      if (this.health.enabled(level)) {
        this.health.log(level, describeFailure(sink.exporter.name, targetOf(sink.exporter), n.problem, n.status, n.gaveUp));
      }
    }
  }

  /** The exporters' names, in order. */
  names(): string[] {
    return this.sinks.map((s) => s.exporter.name);
  }

  private send(exporter: Exporter, request: WireRequest): Promise<WireResult> {
    // Always a promise of a valid result, whatever the exporter does: the driver counts on it.
    return Promise.resolve()
      .then(() => exporter.send(request))
      .then(
        (r) => {
          if (isWireResult(r)) {
            if (this.health.enabled("debug")) {
              const outcome = "status" in r ? `status ${r.status}` : r.failure;
              this.health.log("debug", `agentlens: ${exporter.name} request ${request.id} (${request.events} events): ${outcome}`);
            }
            return r;
          }
          this.health.warnOnce(`bad-result:${exporter.name}`, `agentlens: exporter "${exporter.name}" answered something other than a WireResult; counted as a network failure`);
          return { failure: "network" } as const;
        },
        (): WireResult => ({ failure: "network" }),
      );
  }

  /** Pushes one JSON array of events (from `safeStringify`) to every exporter's pipeline. */
  push(json: string): void {
    for (const sink of this.sinks) {
      try {
        sink.driver.pushJson(json);
      } catch (e) {
        this.health.internal("push", e);
      }
    }
  }

  /**
   * Flushes every pipeline; resolves `true` once every event buffered before the call was
   * delivered or given up, `false` if `timeoutMs` passed first. Never rejects.
   */
  flush(timeoutMs?: number): Promise<boolean> {
    return Promise.all(
      this.sinks.map((s) => {
        try {
          return s.driver.flush(timeoutMs).catch((e: unknown) => {
            this.health.internal("flush", e);
            return false;
          });
        } catch (e) {
          this.health.internal("flush", e);
          return false;
        }
      }),
    ).then((done) => done.every(Boolean));
  }

  /** Drains every pipeline for at most `timeoutMs`, reports the last drops, releases the exporters. */
  shutdown(timeoutMs: number): Promise<void> {
    return Promise.all(
      this.sinks.map(async (s) => {
        try {
          await s.driver.shutdown(timeoutMs);
        } catch (e) {
          this.health.internal("shutdown", e);
        }
        s.drops.report();
        try {
          await s.exporter.shutdown?.();
        } catch (e) {
          this.health.internal("exporter shutdown", e);
        }
      }),
    ).then(() => undefined);
  }

  /** Each exporter's accounting and their sum. */
  stats(): { total: DeliveryStats; perExporter: ExporterStats[] } {
    const perExporter = this.sinks.map((s) => {
      const target = targetOf(s.exporter);
      return { name: s.exporter.name, format: s.exporter.format, target: target ?? null, ...fromCore(s.driver.stats(), s.exporter.name, target) };
    });
    const total = perExporter.reduce((acc, s) => addInto(acc, s), emptyDelivery());
    return { total, perExporter };
  }
}

/** An exporter's `target`, if it is a string (custom exporters may have anything there). */
function targetOf(exporter: Exporter): string | undefined {
  try {
    return typeof exporter.target === "string" ? exporter.target : undefined;
  } catch {
    return undefined;
  }
}
