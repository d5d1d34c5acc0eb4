/**
 * A relay: events that are already AgentLens wire JSON (the collector's stored, redacted
 * records) pushed through the same core pipeline and exporters as a tracker's, so the
 * collector can forward what it receives upstream (`agentlens serve --forward-otlp URL`)
 * with the exporter's own delivery rules, accounting and logging. It builds no events
 * and decides nothing: redaction, batching, retries and drops are the core's.
 */
import { Fanout } from "../core/fanout.js";
import type { Exporter } from "../core/exporter.js";
import type { Logger, PipelineOptions } from "../core/config.js";
import { Health } from "../core/health.js";
import { platform } from "../core/platform.js";
import type { DeliveryStats, ExporterStats } from "../core/stats.js";

/** Options of `createRelay`. */
export interface RelayOptions {
  /** Where the events go (one sink each). */
  exporters: readonly Exporter[];
  /** The core pipeline's options (redaction, batching), as a tracker takes them. */
  pipeline?: PipelineOptions;
  /** Receives the exporters' warnings (a failing upstream, drops). */
  logger?: Logger;
}

/** Forwards wire events through exporters. Every method is safe to call at any time; none throws. */
export interface Relay {
  /** Queues wire events, each the UTF-8 JSON of one event object. */
  push(events: readonly Uint8Array[]): void;
  /** Resolves `true` once everything pushed before it was delivered or given up. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Drains for at most `timeoutMs`, then releases the exporters. */
  shutdown(timeoutMs: number): Promise<void>;
  /** Each exporter's accounting and their sum. */
  stats(): { total: DeliveryStats; perExporter: ExporterStats[] };
}

const utf8 = new TextDecoder();

/**
 * Builds a relay on the current platform.
 * @throws AgentLensConfigError from the core naming a bad pipeline option.
 */
export function createRelay(options: RelayOptions): Relay {
  const health = new Health("warn", options.logger);
  const fanout = new Fanout(options.exporters, options.pipeline ?? {}, health, platform());
  return {
    push(events) {
      if (events.length === 0) return;
      // Each record is one JSON object: together, the array the core reads in one crossing.
      fanout.push(events.map((e) => utf8.decode(e)));
    },
    flush: (timeoutMs) => fanout.flush(timeoutMs),
    shutdown: (timeoutMs) => fanout.shutdown(timeoutMs),
    stats: () => fanout.stats(),
  };
}
