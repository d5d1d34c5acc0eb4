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

import { reapplyCatalog } from "./prices.js";
import type { WireEvent } from "./types.js";

export type { IngestColumns, IngestFormat, IngestResultBatch, Ingestor } from "@agentlens/sdk/internal";

/** The encodings of an OTLP/HTTP body. */
export type OtlpEncoding = Parameters<Ingestor["ingestOtlp"]>[0];
/** What the core made of one OTLP/HTTP request: the batch, span counts and the answer's bytes. */
export type OtlpResultBatch = ReturnType<Ingestor["ingestOtlp"]>;

/**
 * Past this much wasm memory the collector replaces its analysis instance between two
 * requests ({@link recycleWasm}). Wasm memory only grows: one hostile 10 MB body (millions
 * of tiny values) takes the instance to several hundred MiB, and without a fresh instance
 * the process would keep that for good. An honest 10 MB batch stays well below it.
 */
export const WASM_HIGH_WATER_BYTES = 64 * 1024 * 1024;

/** How many times the instance was replaced: objects of an earlier generation are stale. */
let generation = 0;
/** The most memory an instance was seen with at a {@link recycleWasm} check. */
let peakBytes = 0;

/** The analysis wasm's memory now, the most seen between requests, and how often it was replaced. */
export function wasmMemoryStats(): { bytes: number; peakBytes: number; recycled: number } {
  const bytes = wasmMemoryBytes();
  return { bytes, peakBytes: Math.max(peakBytes, bytes), recycled: generation };
}

/** The bytes of the analysis wasm instance's memory (what it grew to; it never shrinks). */
export function wasmMemoryBytes(): number {
  // `initSync` returns the instance's exports once the module is loaded (its argument unread).
  const exports = analysisWasm().initSync({ module: new Uint8Array(0) }) as unknown as { memory: { buffer: ArrayBuffer } };
  return exports.memory.buffer.byteLength;
}

/**
 * Replaces the analysis wasm instance with a fresh one (same compiled module, new memory)
 * when its memory is past `highWaterBytes`; whether it did. The fresh instance is handed
 * the price catalog in use again (the reset wiped it). Call it only between requests,
 * when no wasm object is held across an await: the collector's ingestors are rebuilt on
 * their next call (see {@link ingestor}); any other object of the old instance becomes
 * stale (using it throws, and it must never be freed).
 */
export function recycleWasm(highWaterBytes = WASM_HIGH_WATER_BYTES): boolean {
  const wasm = analysisWasm() as ReturnType<typeof analysisWasm> & { __wbg_reset_state?: () => void };
  const bytes = wasmMemoryBytes();
  peakBytes = Math.max(peakBytes, bytes);
  if (typeof wasm.__wbg_reset_state !== "function" || bytes <= highWaterBytes) return false;
  wasm.__wbg_reset_state();
  generation++;
  reapplyCatalog();
  return true;
}

/**
 * The core's ingestor for one store: its redaction options (on top of the defaults),
 * its field limit and whether payloads are gzipped. Throws `AgentLensConfigError` for a
 * bad option. It outlives {@link recycleWasm}: the core's object is made again, from the
 * same options, on the first call after the instance was replaced.
 */
export function ingestor(redact: Record<string, unknown>, maxFieldBytes: number, compress: boolean): Ingestor {
  const make = () => createIngestor({ ...redact, maxFieldBytes }, compress);
  let inner = make();
  let made = generation;
  const current = () => {
    if (made !== generation) [inner, made] = [make(), generation];
    return inner;
  };
  return {
    ingest: (...args) => current().ingest(...args),
    ingestOtlp: (...args) => current().ingestOtlp(...args),
    // An object of a replaced instance is left alone: freeing it would free memory of the new one.
    free: () => {
      if (made === generation) inner.free();
    },
  };
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
