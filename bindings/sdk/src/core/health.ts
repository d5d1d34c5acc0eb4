/**
 * AgentLens's account of itself: its own log messages (by level), warnings given once,
 * internal failures counted instead of thrown, and drop reports coalesced per exporter so
 * a burst of drops becomes one line with counts rather than one line per notice.
 */
import type { LogLevel, Logger } from "./config.js";
import { platform } from "./platform.js";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** At most one drop report per exporter per this many milliseconds. */
export const DROP_REPORT_INTERVAL_MS = 1000;

interface ConsoleLike {
  info(message: string): void;
  debug(message: string): void;
}

/** Warnings and errors to the platform's warning channel; info and debug to `console`. */
function defaultLogger(): Logger {
  const p = platform();
  const con = (globalThis as { console?: ConsoleLike }).console;
  return (level, message) => {
    if (level === "warn" || level === "error") p.warn(message);
    else con?.[level](message);
  };
}

/** A thrown value's name only: its message might quote agent data. */
function nameOf(e: unknown): string {
  try {
    if (e instanceof Error && typeof e.name === "string") return e.name;
  } catch {
    // A hostile value; its type will do.
  }
  return typeof e;
}

export class Health {
  /** Failures inside AgentLens that were caught instead of reaching agent code. */
  internalErrors = 0;
  private readonly warned = new Set<string>();
  private readonly sink: Logger;

  constructor(
    private readonly level: LogLevel,
    logger?: Logger,
  ) {
    this.sink = logger ?? defaultLogger();
  }

  /** Whether messages at `level` are shown. */
  enabled(level: Exclude<LogLevel, "silent">): boolean {
    return RANK[level] >= RANK[this.level];
  }

  log(level: Exclude<LogLevel, "silent">, message: string): void {
    if (!this.enabled(level)) return;
    try {
      this.sink(level, message);
    } catch {
      // A failing logger must not turn into a failing agent.
    }
  }

  /** Logs `message` the first time `key` is seen, and never again for this tracker. */
  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log("warn", message);
  }

  /** Counts a caught failure in `where` and warns about the first one. */
  internal(where: string, e: unknown): void {
    this.internalErrors++;
    this.warnOnce(
      "internal",
      `agentlens: internal error in ${where} (${nameOf(e)}); tracing carries on and counts these in stats().internalErrors`,
    );
  }
}

/**
 * Turns the driver's per-notice drop warnings into at most one line per exporter per
 * `DROP_REPORT_INTERVAL_MS`, with the counts by reason since the previous line. A notice
 * inside the interval schedules a trailing report, so the end of a burst is reported too.
 */
export class DropReporter {
  private reported: Record<string, number> = {};
  private lastAt = -Infinity;
  private pending = false;
  private readonly timer = platform().timer();

  constructor(
    private readonly exporter: string,
    private readonly dropped: () => Record<string, number>,
    private readonly health: Health,
    /** What the exporter's records are: an OTLP exporter's are spans (docs/otlp.md). */
    private readonly unit: "event" | "span" = "event",
  ) {}

  /** The driver saw a drop notice. */
  notice(): void {
    const now = platform().now();
    if (now - this.lastAt >= DROP_REPORT_INTERVAL_MS) {
      this.report();
    } else if (!this.pending) {
      this.pending = true;
      this.timer(this.lastAt + DROP_REPORT_INTERVAL_MS, () => this.report());
    }
  }

  /** Logs the drops not yet reported, if any. Never throws. */
  report(): void {
    try {
      if (this.pending) this.timer(null, () => {});
      this.pending = false;
      const current = this.dropped();
      const parts: string[] = [];
      let total = 0;
      for (const [reason, n] of Object.entries(current)) {
        const delta = n - (this.reported[reason] ?? 0);
        if (delta > 0) {
          parts.push(`${reason} ${delta}`);
          total += delta;
        }
      }
      this.reported = { ...current };
      if (total === 0) return;
      this.lastAt = platform().now();
      this.health.log("warn", `agentlens: exporter "${this.exporter}" dropped ${total} ${this.unit}(s) (${parts.join(", ")}); see stats().dropped`);
    } catch (e) {
      this.health.internal("drop report", e);
    }
  }
}
