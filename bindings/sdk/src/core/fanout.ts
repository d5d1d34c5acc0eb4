/**
 * The fan-out: one core pipeline with a sink per exporter, driven by one driver. The core
 * sanitises each event once and keeps a batcher per sink (its own queue, retries and
 * accounting, so a failing destination never holds up another) with the exporter's
 * framing; this file only routes each send to its exporter and each notice to its
 * exporter's log. It also shields the driver from exporters that misbehave (throw,
 * reject, answer garbage): every send becomes a promise of a valid `WireResult`. It
 * builds no events and decides no policy.
 */
import type { PipelineWasm, RedactorWasm, SinkStats } from "../../wasm/agentlens_wasm.js";
import { loadPrices, patternEngineReady } from "./patterns.js";
import { coreOptionsJson, type PipelineOptions } from "./config.js";
import { describeFailure } from "./delivery.js";
import { Driver, type Notice, type WireRequest, type WireResult } from "./driver.js";
import type { Exporter } from "./exporter.js";
import { DropReporter, type Health } from "./health.js";
import { IdPool } from "./ids.js";
import type { Platform } from "./platform.js";
import { addInto, emptyDelivery, fromCore, type DeliveryStats, type ExporterStats } from "./stats.js";
import { wasm } from "./wasm.js";

/** How long a flush or shutdown waits at most for an OTLP exporter's price data to load. */
const PRICES_WAIT_MS = 10_000;

interface Sink {
  exporter: Exporter;
  drops: DropReporter;
}

function isWireResult(r: unknown): r is WireResult {
  if (!r || typeof r !== "object") return false;
  const o = r as { status?: unknown; failure?: unknown };
  return (typeof o.status === "number" && Number.isInteger(o.status)) || o.failure === "timeout" || o.failure === "network";
}

/** UTF-16 units of event JSON kept for the core when there is no exporter, before it crosses anyway. */
const IDLE_MAX_CHARS = 4_000_000;

export class Fanout {
  private readonly sinks: Sink[];
  private readonly driver: Driver;
  private readonly pipeline: PipelineWasm;
  /** Event texts waiting while there is no exporter. */
  private idle: string[] = [];
  private idleChars = 0;
  /** Events held back while an exporter's price data loads (see `Exporter.priceCatalog`). */
  private held: (readonly string[])[] | undefined;
  /** Settles once the price data is in the pipeline (or could not be loaded). */
  private prices: Promise<void> | undefined;
  /** Ids from the same pipeline, a block per crossing. */
  readonly ids: IdPool;
  private ownRedactor: RedactorWasm | undefined;

  /**
   * Builds the pipeline: the core checks `core` here (even with no exporter).
   * @throws AgentLensConfigError from the core naming a bad option.
   */
  constructor(
    exporters: readonly Exporter[],
    core: PipelineOptions,
    private readonly health: Health,
    private readonly p: Platform,
  ) {
    const formats = exporters.map(sinkSpec);
    const pipeline = new (wasm().PipelineWasm)(coreOptionsJson(core), p.seed?.(), formats);
    this.pipeline = pipeline;
    this.ids = new IdPool(pipeline);
    this.driver = new Driver(pipeline, {
      now: () => p.now(),
      wallClock: () => p.wallClock(),
      timer: () => p.timer(),
      notice: (n) => this.notice(n),
      send: (r, sink) => this.send(this.sinks[sink]?.exporter, r),
    });
    this.sinks = exporters.map((exporter, i) => ({
      exporter,
      drops: new DropReporter(exporter.name, () => this.sinkStats().sinks[i]?.dropped ?? {}, health, exporter.format === "otlp" ? "span" : "event"),
    }));
    this.loadPrices(exporters);
  }

  /**
   * The pipeline's redactor (its rules and the key of its ids' tags), made on first use:
   * what the tracker explains and analyses then reads as its exporters received it, a
   * redacted id included.
   */
  redactor(): RedactorWasm {
    return (this.ownRedactor ??= this.pipeline.redactor());
  }

  /**
   * Hands the first OTLP exporter's price data to the pipeline (which prices every OTLP
   * sink with it), holding events back until it is in: the core encodes spans as events
   * arrive. Never throws; a failure is a warning and spans go without cost.
   */
  private loadPrices(exporters: readonly Exporter[]): void {
    const exporter = exporters.find((e) => e.format === "otlp" && typeof e.priceCatalog === "function");
    if (!exporter) return;
    this.held = [];
    this.prices = Promise.resolve()
      .then(() => exporter.priceCatalog!())
      // The price data is read in the regex engine's module, beside the engine its
      // `regex` rules need (patterns.ts).
      .then(async (text) => {
        await patternEngineReady();
        this.pipeline.usePrices(loadPrices(text));
      })
      .catch((e: unknown) => this.health.warnOnce(`prices:${exporter.name}`, `agentlens: ${exporter.name}: spans go without agentlens.cost.usd: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => this.release());
  }

  /**
   * Resolves once the price data settled, or after `timeoutMs` (at most
   * {@link PRICES_WAIT_MS}; then the held events go without cost, with a warning): a flush
   * or shutdown never waits past its own deadline, nor forever, for it.
   */
  private settled(timeoutMs: number | undefined): Promise<void> {
    const prices = this.prices ?? Promise.resolve();
    if (!this.held) return prices;
    const wait = Math.max(0, Math.min(timeoutMs ?? PRICES_WAIT_MS, PRICES_WAIT_MS));
    return new Promise<void>((resolve) => {
      const schedule = this.p.timer();
      const done = (late: boolean) => {
        schedule(null, () => {});
        if (late && this.held) {
          this.health.warnOnce("prices:late", `agentlens: the price data did not load within ${wait} ms; the spans tracked so far go without agentlens.cost.usd`);
        }
        this.release();
        resolve();
      };
      schedule(this.p.now() + wait, () => done(true), true);
      void prices.then(() => done(false));
    });
  }

  /** Pushes the events held back while the price data loaded. */
  private release(): void {
    const held = this.held;
    this.held = undefined;
    for (const events of held ?? []) this.pushNow(events);
  }

  /** Counts and logs what the core reported: drops (coalesced), failed requests (the core says which to warn about). */
  private notice(n: Notice): void {
    const sink = this.sinks[n.sink];
    if (!sink) return;
    if (n.type === "dropped") {
      sink.drops.notice();
    } else if (n.type === "partialSuccess") {
      if (n.warn && this.health.enabled("warn")) {
        const why = n.message === undefined ? "" : `: ${n.message}`;
        this.health.log("warn", `agentlens: ${sink.exporter.name} (${targetOf(sink.exporter) ?? "custom"}) refused ${n.rejected} spans of a request${why}`);
      }
    } else if (n.type === "failed") {
      const level = n.warn ? "warn" : "debug";
      if (this.health.enabled(level)) {
        this.health.log(level, describeFailure(sink.exporter.name, targetOf(sink.exporter), n.problem, n.status, n.gaveUp, sink.exporter.format));
      }
    }
  }

  /** The exporters' names, in order. */
  names(): string[] {
    return this.sinks.map((s) => s.exporter.name);
  }

  private send(exporter: Exporter | undefined, request: WireRequest): Promise<WireResult> {
    if (!exporter) return Promise.resolve({ failure: "network" });
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

  /**
   * Pushes events (each the JSON text of one event, from `safeStringify`) to the pipeline
   * as one array: one crossing, however many exporters. With none, the core still keeps
   * the sessions' token totals: the events wait (up to `IDLE_MAX_CHARS`) and cross
   * together when totals are asked for.
   */
  push(events: readonly string[]): void {
    if (events.length === 0) return;
    if (this.held) return void this.held.push(events);
    if (this.sinks.length === 0) {
      for (const e of events) {
        this.idle.push(e);
        this.idleChars += e.length;
      }
      if (this.idleChars > IDLE_MAX_CHARS) this.pushIdle();
      return;
    }
    this.pushNow(events);
  }

  /** Without exporters: the events waiting, as one array in one crossing. */
  private pushIdle(): void {
    if (this.idle.length === 0) return;
    const events = this.idle;
    this.idle = [];
    this.idleChars = 0;
    this.pushNow(events);
  }

  private pushNow(events: readonly string[]): void {
    try {
      this.driver.pushEvents(events);
    } catch (e) {
      this.health.internal("push", e);
    }
  }

  /**
   * Flushes every sink; resolves `true` once every event buffered before the call was
   * delivered or given up by every exporter, `false` if `timeoutMs` passed first. Never rejects.
   */
  flush(timeoutMs?: number): Promise<boolean> {
    if (this.held) {
      const start = this.p.now();
      const left = () => (timeoutMs === undefined ? undefined : Math.max(0, timeoutMs - (this.p.now() - start)));
      return this.settled(timeoutMs).then(() => this.flush(left()));
    }
    try {
      return this.driver.flush(timeoutMs).catch((e: unknown) => {
        this.health.internal("flush", e);
        return false;
      });
    } catch (e) {
      this.health.internal("flush", e);
      return Promise.resolve(false);
    }
  }

  /** Drains every sink for at most `timeoutMs`, reports the last drops, releases the exporters. */
  async shutdown(timeoutMs: number): Promise<void> {
    await this.settled(timeoutMs);
    try {
      await this.driver.shutdown(timeoutMs);
    } catch (e) {
      this.health.internal("shutdown", e);
    }
    await Promise.all(
      this.sinks.map(async (s) => {
        s.drops.report();
        try {
          await s.exporter.shutdown?.();
        } catch (e) {
          this.health.internal("exporter shutdown", e);
        }
      }),
    );
  }

  /** The token sums `[in, out]` the core keeps for a session's events pushed so far. */
  sessionTokens(sessionId: string): readonly [number, number] {
    this.release();
    this.pushIdle();
    const t = this.pipeline.sessionTokens(sessionId);
    return [t[0] ?? 0, t[1] ?? 0];
  }

  /** The core's accounting: each sink's, and redaction's. */
  private sinkStats(): SinkStats {
    return this.driver.sinkStats();
  }

  /**
   * Each exporter's accounting and their sum. Delivery is counted per exporter (each
   * one counts each event); redaction once, since the core redacts each event once.
   */
  stats(): { total: DeliveryStats; perExporter: ExporterStats[] } {
    const { sinks, redaction } = this.sinkStats();
    const perExporter = this.sinks.map((s, i) => {
      const target = targetOf(s.exporter);
      return { name: s.exporter.name, format: s.exporter.format, target: target ?? null, ...fromCore({ ...sinks[i]!, redaction }, s.exporter.name, target, s.exporter.format) };
    });
    const total = perExporter.reduce((acc, s) => addInto(acc, s), emptyDelivery());
    if (perExporter[0]) total.redaction = perExporter[0].redaction;
    return { total, perExporter };
  }
}

/** What the core is told of an exporter's sink: its format, or for OTLP the JSON text of its spec. */
function sinkSpec(e: Exporter): string {
  const format = e.format;
  if (format !== "otlp") return format;
  // An exporter's own spec (createOtlpExporter's is an object of a few options); binary
  // data is none (spread, it would be a key per byte).
  const spec = e.otlp !== null && typeof e.otlp === "object" && !ArrayBuffer.isView(e.otlp) ? e.otlp : {};
  return JSON.stringify({ ...spec, format });
}

/** An exporter's `target`, if it is a string (custom exporters may have anything there). */
function targetOf(exporter: Exporter): string | undefined {
  try {
    return typeof exporter.target === "string" ? exporter.target : undefined;
  } catch {
    return undefined;
  }
}
