/**
 * `stats()`: the core's accounting in camelCase, per exporter and summed.
 *
 * Every exporter has its own batcher in the core pipeline, so each one counts each event
 * it is given: with two exporters, one `track()` adds 2 to the summed `tracked`. The
 * identity `tracked = delivered + Σ dropped + sampledOut + pending` holds per exporter
 * and therefore for the sums. Redaction runs once per event whatever the exporters, so
 * its counts are the same in every exporter's stats and in the total (not summed).
 */
import type { BatchStats, DropReason, RedactionReport } from "../../wasm/agentlens_wasm.js";
import type { MarkerCounts } from "./safe-json.js";
import { lastError, type LastDeliveryError } from "./delivery.js";

/** What redaction and truncation did (counts only, never values). */
export interface RedactionStats {
  keysRedacted: number;
  matchesRedacted: number;
  byPattern: Record<string, number>;
  fieldsTruncated: number;
  bytesRemoved: number;
}

/** Where every event an exporter was given is now. */
export interface DeliveryStats {
  /** Events given to the exporter's batcher. */
  tracked: number;
  /** Events the destination acknowledged. */
  delivered: number;
  /** Events given up on, by reason (`buffer_full`, `retries_exhausted`, `rejected`, ...). */
  dropped: Record<DropReason, number>;
  /** Events left out by `sampleRate` or `onlyOnError`. */
  sampledOut: number;
  /** Events buffered, held or in flight. */
  pending: number;
  /** Requests sent (retries included). */
  requests: number;
  retries: number;
  /** Events a destination refused in a partial success (OTLP `rejected_spans`); also in `dropped.rejected`. */
  partialRejected: number;
  bufferedBytes: number;
  redaction: RedactionStats;
}

/** One exporter's accounting. */
export interface ExporterStats extends DeliveryStats {
  name: string;
  format: "agentlens" | "ndjson" | "otlp";
  /** Where it delivers (a URL without credentials or query, a file), if it says. */
  target: string | null;
  /** The last request that failed, if any: the cause, the status, what became of its events, and what to check. */
  lastError: LastDeliveryError | null;
}

/**
 * What `tracker.stats()` returns: the accounting summed over exporters, each exporter's
 * own, and what the JavaScript side did before events reached the core.
 */
export interface TrackerStats extends DeliveryStats {
  /** Values `safeStringify` could not keep and replaced by a marker (cycles, BigInt, throwing getters, ...). */
  markers: MarkerCounts;
  perExporter: ExporterStats[];
  /** Failures inside AgentLens that were caught instead of reaching agent code. */
  internalErrors: number;
  /** Events no longer kept for `explain()` (over `explainMaxEvents` per session). Still exported. */
  explainForgotten: number;
  /**
   * Records of a framework integration (OpenAI Agents, AI SDK, OpenTelemetry, LangChain)
   * that could not be mapped to events, with the first reason logged; and open spans or
   * runs forgotten because over 10,000 were open at once.
   */
  integrationSkipped: number;
}

const REASONS: readonly DropReason[] = ["buffer_full", "retries_exhausted", "rejected", "too_large", "shutdown_timeout", "hold_full", "invalid"];

function noDrops(): Record<DropReason, number> {
  const out = {} as Record<DropReason, number>;
  for (const r of REASONS) out[r] = 0;
  return out;
}

/** Zero accounting, the start of a sum. */
export function emptyDelivery(): DeliveryStats {
  return {
    tracked: 0,
    delivered: 0,
    dropped: noDrops(),
    sampledOut: 0,
    pending: 0,
    requests: 0,
    retries: 0,
    partialRejected: 0,
    bufferedBytes: 0,
    redaction: { keysRedacted: 0, matchesRedacted: 0, byPattern: {}, fieldsTruncated: 0, bytesRemoved: 0 },
  };
}

/** The core's snake_case stats in camelCase, with the exporter's last delivery error phrased. */
export function fromCore(s: BatchStats & { redaction: RedactionReport }, exporter: string, target: string | undefined, format?: string): DeliveryStats & { lastError: LastDeliveryError | null } {
  const out: DeliveryStats & { lastError: LastDeliveryError | null } = { ...emptyDelivery(), lastError: lastError(exporter, target, s.last_error, format) };
  addInto(out, {
    tracked: s.tracked,
    delivered: s.delivered,
    dropped: { ...noDrops(), ...s.dropped },
    sampledOut: s.sampled_out,
    pending: s.pending,
    requests: s.requests,
    retries: s.retries,
    partialRejected: s.partial_rejected ?? 0,
    bufferedBytes: s.buffered_bytes,
    redaction: {
      keysRedacted: s.redaction.keys_redacted,
      matchesRedacted: s.redaction.matches_redacted,
      byPattern: { ...s.redaction.by_pattern },
      fieldsTruncated: s.redaction.fields_truncated,
      bytesRemoved: s.redaction.bytes_removed,
    },
  });
  return out;
}

/** Adds `b` into `a`. */
export function addInto(a: DeliveryStats, b: DeliveryStats): DeliveryStats {
  a.tracked += b.tracked;
  a.delivered += b.delivered;
  for (const [r, n] of Object.entries(b.dropped)) a.dropped[r as DropReason] = (a.dropped[r as DropReason] ?? 0) + n;
  a.sampledOut += b.sampledOut;
  a.pending += b.pending;
  a.requests += b.requests;
  a.retries += b.retries;
  a.partialRejected += b.partialRejected;
  a.bufferedBytes += b.bufferedBytes;
  const ra = a.redaction;
  const rb = b.redaction;
  ra.keysRedacted += rb.keysRedacted;
  ra.matchesRedacted += rb.matchesRedacted;
  ra.fieldsTruncated += rb.fieldsTruncated;
  ra.bytesRemoved += rb.bytesRemoved;
  for (const [p, n] of Object.entries(rb.byPattern)) ra.byPattern[p] = (ra.byPattern[p] ?? 0) + n;
  return a;
}
