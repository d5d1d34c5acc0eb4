/// <reference types="node" />
/**
 * The Rust core's calls the collector makes, in one place: ingestion (what an event
 * means, its columns, redaction and normalisation), ids, session status and token
 * totals, compare metrics,
 * explain, gzip and trace import, all through the analysis wasm (`@agentlens/sdk/analysis`).
 * Loading this module loads that wasm. Nothing here decides what an event means: every
 * answer is the core's.
 */
import { gunzip, gzip, importTrace } from "@agentlens/sdk/analysis";
import { analysisWasm, createIngestor, type IngestFormat, type IngestResultBatch, type Ingestor } from "@agentlens/sdk/internal";

import type { WireEvent } from "./types.js";

export type { IngestColumns, IngestFormat, IngestResultBatch, Ingestor } from "@agentlens/sdk/internal";

/** The encodings of an OTLP/HTTP body. */
export type OtlpEncoding = Parameters<Ingestor["ingestOtlp"]>[0];
/** What the core made of one OTLP/HTTP request: the batch, span counts and the answer's bytes. */
export type OtlpResultBatch = ReturnType<Ingestor["ingestOtlp"]>;

/**
 * The core's ingestor for one store: its redaction options (on top of the defaults),
 * its field limit and whether payloads are gzipped. Throws `AgentLensConfigError` for a
 * bad option.
 */
export function ingestor(redact: Record<string, unknown>, maxFieldBytes: number, compress: boolean): Ingestor {
  return createIngestor({ ...redact, maxFieldBytes }, compress);
}

/** Ingests `bytes` as `format` through `ingestor`, dated now; more than `maxEvents` elements are refused whole. */
export function ingestBytes(ingestor: Ingestor, format: IngestFormat, bytes: Uint8Array, maxEvents: number): IngestResultBatch {
  return ingestor.ingest(format, bytes, Date.now(), maxEvents);
}

/**
 * Ingests one OTLP/HTTP `ExportTraceServiceRequest` (un-gzipped) through `ingestor`, dated
 * now. Throws the core's `AgentLensDecodeError` (`reason` `otlp` or `too_many`) carrying
 * `body`, the `google.rpc.Status` to answer with.
 */
export function ingestOtlpBytes(ingestor: Ingestor, encoding: OtlpEncoding, bytes: Uint8Array, maxEvents: number): OtlpResultBatch {
  return ingestor.ingestOtlp(encoding, bytes, Date.now(), maxEvents);
}

/** A `google.rpc.Status {code, message}` in `encoding`: the body of an OTLP/HTTP error answer. */
export function otlpStatus(encoding: OtlpEncoding, code: number, message: string): Uint8Array {
  return analysisWasm().otlpStatus(encoding, code, message);
}

/** A session or run id as the core accepts it (≤ 128 of `[A-Za-z0-9_.:-]`), or `null`. */
export function validId(v: unknown): string | null {
  return typeof v === "string" ? (analysisWasm().validId(v) ?? null) : null;
}

/** A session's status after learning `next`, by the core's rule (an error is final). */
export function sessionStatusThen(previous: string, next: string): string {
  return analysisWasm().sessionStatusThen(previous, next);
}

/**
 * A session's token totals `[in, out]` by the core's rule, from the sums of its events'
 * counts and what its end said (`null`: nothing). The store keeps both and asks here.
 */
export function sessionTokenTotals(eventsIn: number, eventsOut: number, endIn: number | null, endOut: number | null): [number, number] {
  const t = analysisWasm().sessionTokenTotals(eventsIn, eventsOut, endIn ?? undefined, endOut ?? undefined);
  return [t[0] ?? 0, t[1] ?? 0];
}

/** The core's compare metrics of one session's trace (`stats::compare_metrics`). */
export function compareMetrics(trace: WireEvent[]): Record<string, unknown> & { event_types: Record<string, number>; tools: Record<string, number>; models: Record<string, number> } {
  return JSON.parse(analysisWasm().compareMetricsJson(JSON.stringify(trace)));
}

/** Every pipeline option's default, by its option name, as the core decides them. */
export function pipelineDefaults(): Record<string, unknown> {
  return analysisWasm().pipelineDefaults();
}

/** The backend-style Markdown explanation of a session's events. */
export function explainBackend(events: WireEvent[], options: Record<string, unknown> = {}): string {
  return analysisWasm().explainJson(JSON.stringify(options), JSON.stringify(events), "backend");
}

/**
 * Reads a trace in any format the core knows (NDJSON, AgentLens batches and exports,
 * Agent Inspector exports, OTLP JSON, OpenAI Agents), gzipped or not, into wire events.
 * Throws the core's `AgentLensAnalysisError` for an unknown format or a broken file.
 */
export function importTraceBytes(bytes: Uint8Array): { format: string; events: WireEvent[]; warnings: string[] } {
  const r = importTrace(bytes);
  return { format: r.format, events: r.events, warnings: r.warnings };
}

/** Gzip through the core. */
export function gzipBytes(bytes: Uint8Array): Uint8Array {
  return gzip(bytes, 6);
}

/** Gunzip through the core, refusing output over `maxBytes` (a zip bomb throws). */
export function gunzipBytes(bytes: Uint8Array, maxBytes = 256 * 1024 * 1024): Uint8Array {
  return gunzip(bytes, maxBytes);
}
