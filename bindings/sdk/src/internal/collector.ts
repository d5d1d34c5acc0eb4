/**
 * The core's ingestion, for the collector in `@agentlens/cli`: a request body in, what
 * the collector stores out (`agentlens::ingest`). One wasm call per body; the records'
 * columns come back as one JSON text (parsed once here) and their payloads as views into
 * one `Uint8Array` (no copy per record).
 */
import { analysisWasm } from "../analysis/wasm.js";
import type { IngestBatch, IngestColumns, IngestRecord } from "../../wasm-analysis/agentlens_wasm.js";

export type { IngestColumns, IngestRunEnd, IngestRunStart } from "../../wasm-analysis/agentlens_wasm.js";

/** How the bytes are read: `{"events":[…]}`, a JSON array of events, or any trace format. */
export type IngestFormat = "events" | "array" | "trace";

/** One record to store. */
export interface IngestedRecord {
  /** What it is and the columns it writes (the core's `ingest::Columns`). */
  columns: IngestColumns;
  /** The bytes to store (a flag byte, then the JSON or its gzip), `null` for a session end. */
  payload: Uint8Array | null;
  /** The record as stored, as UTF-8 JSON (for live subscribers and callers). */
  json: Uint8Array;
}

/** What one ingest call made of its input. */
export interface IngestResultBatch {
  /** Elements in the input. */
  received: number;
  /** Elements refused (see `warnings` for why). */
  skipped: number;
  /** Fields cut to the field limit. */
  truncatedFields: number;
  /** One line per refusal reason. */
  warnings: string[];
  /** The trace format read (`trace` only). */
  format: string | null;
  /** The importer's warnings (`trace` only). */
  importWarnings: string[];
  records: IngestedRecord[];
}

/** The two encodings of an OTLP/HTTP body. */
export type OtlpEncoding = "protobuf" | "json";

/** What one OTLP/HTTP export request made: the batch, and the answer to send. */
export interface OtlpResultBatch extends IngestResultBatch {
  /** Spans in the request. */
  spans: number;
  /** Spans rejected (some of their events refused). */
  rejectedSpans: number;
  /** The `ExportTraceServiceResponse` to answer with, in the request's encoding. */
  response: Uint8Array;
}

/** The core's ingestor for one store; `free()` it when the store closes. */
export interface Ingestor {
  /**
   * Ingests `bytes`. `nowMs` dates events without a time; more than `maxEvents` elements
   * refuse the whole call. Throws an `Error` named `AgentLensDecodeError` whose `reason`
   * is `json`, `shape`, `too_many`, `invalid` (an event id the client must correct) or `trace`.
   */
  ingest(format: IngestFormat, bytes: Uint8Array, nowMs: number, maxEvents: number): IngestResultBatch;
  /**
   * Ingests one OTLP/HTTP `ExportTraceServiceRequest` (already un-gzipped). Throws an
   * `AgentLensDecodeError` whose `reason` is `otlp` (not decodable) or `too_many`, with
   * `body`: the `google.rpc.Status` (code 3) to answer with, in the request's encoding.
   */
  ingestOtlp(encoding: OtlpEncoding, bytes: Uint8Array, nowMs: number, maxEvents: number): OtlpResultBatch;
  free(): void;
}

/**
 * An ingestor with the redaction options (`redactKeys`, `redactPatterns`,
 * `maxFieldBytes`, ...) on top of the core's defaults; `compress` gzips payloads when
 * that makes them smaller. Throws `AgentLensConfigError` for a bad option.
 */
export function createIngestor(options: Record<string, unknown>, compress: boolean): Ingestor {
  const wasm = analysisWasm();
  const inner = new wasm.IngestorWasm(JSON.stringify(options), compress);
  // A fresh seed per call: ids the client did not give are drawn from it.
  const seed = () => globalThis.crypto.getRandomValues(new Uint32Array(2));
  const max = (n: number) => Math.max(0, Math.min(n, 0xffff_ffff));
  return {
    ingest(format, bytes, nowMs, maxEvents) {
      return unpack(inner.ingest(format, bytes, nowMs, seed(), max(maxEvents)));
    },
    ingestOtlp(encoding, bytes, nowMs, maxEvents) {
      const r = inner.ingestOtlp(encoding, bytes, nowMs, seed(), max(maxEvents));
      return { ...unpack(r), spans: r.spans, rejectedSpans: r.rejectedSpans, response: r.response };
    },
    free() {
      inner.free();
    },
  };
}

/** The wasm's batch as records viewing its one byte buffer. */
function unpack(r: IngestBatch): IngestResultBatch {
  const rows = JSON.parse(r.columns) as IngestRecord[];
  const all = r.bytes;
  return {
    received: r.received,
    skipped: r.skipped,
    truncatedFields: r.truncatedFields,
    warnings: r.warnings,
    format: r.format,
    importWarnings: r.importWarnings,
    records: rows.map((row) => ({
      columns: row.c,
      payload: row.p ? all.subarray(row.p[0], row.p[1]) : null,
      json: all.subarray(row.j[0], row.j[1]),
    })),
  };
}
