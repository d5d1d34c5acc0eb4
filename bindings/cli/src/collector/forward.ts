/**
 * `--forward-otlp`: what the collector stores (its records, redacted) also goes upstream
 * as OTLP/HTTP, through the SDK's OTLP exporter and the same core pipeline a tracker uses,
 * so the local collector can sit in front of a team's OpenTelemetry backend with OTLP's
 * retry rules and exact accounting. A failing upstream never fails an ingest request:
 * the relay queues, retries and, when it must drop, counts and logs.
 */
import { createOtlpExporter } from "@agentlens/sdk";
import { createRelay, type Relay } from "@agentlens/sdk/internal";
import type { CollectorLog, CollectorOptions } from "./types.js";

/** Spans per upstream request, and how long a partial batch waits. */
const FORWARD_BATCH = { batchSize: 200, flushIntervalMs: 1000 };

/** The relay for `options.forwardOtlp`, or `null` when forwarding is off. */
export function startForwarding(options: CollectorOptions, log: CollectorLog): Relay | null {
  const forward = options.forwardOtlp;
  if (!forward) return null;
  const exporter = createOtlpExporter({ endpoint: forward.endpoint, captureContent: forward.captureContent ?? false });
  return createRelay({
    exporters: [exporter],
    // The collector's own redaction settings: forwarded events were redacted by them on
    // the way in, and the core applies the same rules once more before encoding.
    pipeline: { ...(options.redact ?? {}), ...FORWARD_BATCH },
    logger: (level, message) => log(level === "debug" ? "info" : level, message),
  });
}
