/// <reference types="node" />
/**
 * The core calls the collector makes, in one place: redaction, explain, gzip and trace
 * import, all through the analysis wasm (`agentlens/analysis`). Loading this module
 * loads that wasm.
 */
import "../entrypoints/analysis-node.js";
import * as analysis from "../analysis/index.js";
import { analysisWasm, type WireEvent } from "../analysis/index.js";

type Optional = {
  gzip?: (bytes: Uint8Array, level?: number) => Uint8Array;
  gunzip?: (bytes: Uint8Array, maxBytes?: number) => Uint8Array;
  importTrace?: (bytes: Uint8Array) => { format: string; events: WireEvent[]; errors?: unknown[] };
};
// gzip, gunzip and importTrace are newer core exports; looked up by name so this file
// compiles against either version of the analysis index.
const optional = analysis as unknown as Optional;

/**
 * Redacts a JSON value with the core's rules (defaults plus `options`). The core's own
 * whole-value truncation is switched off here (the collector truncates per field).
 */
export function redactValue<T>(value: T, options: Record<string, unknown> = {}): T {
  const opts = JSON.stringify({ ...options, maxFieldBytes: 0x7fff_ffff });
  return JSON.parse(analysisWasm().redactJson(opts, JSON.stringify(value)).value) as T;
}

/** Redacts and truncates one field to `maxBytes` of compact JSON (the core's algorithm). */
export function truncateField(value: unknown, maxBytes: number, options: Record<string, unknown> = {}): unknown {
  const opts = JSON.stringify({ ...options, maxFieldBytes: maxBytes });
  return JSON.parse(analysisWasm().redactJson(opts, JSON.stringify(value)).value);
}

/** The backend-style Markdown explanation of a session's events. */
export function explainBackend(events: WireEvent[], options: Record<string, unknown> = {}): string {
  return analysisWasm().explainJson(JSON.stringify(options), JSON.stringify(events), "backend");
}

/** Whether the core has `importTrace` (every trace format, OTLP JSON included). */
export function hasImportTrace(): boolean {
  return typeof optional.importTrace === "function";
}

/**
 * Reads a trace in any format the core knows (NDJSON, OTLP JSON, ...) into wire events.
 * Without the core's `importTrace`, reads NDJSON only.
 */
export function importTraceBytes(bytes: Uint8Array): { format: string; events: WireEvent[]; errors: unknown[] } {
  if (optional.importTrace) {
    const r = optional.importTrace(bytes);
    return { format: r.format, events: r.events, errors: r.errors ?? [] };
  }
  const decoded = analysisWasm().decodeNdjson(new TextDecoder().decode(bytes));
  return { format: "ndjson", events: decoded.events, errors: decoded.errors };
}

/** Gzip through the core. */
export function gzipBytes(bytes: Uint8Array): Uint8Array {
  if (!optional.gzip) throw new Error("agentlens: this core build has no gzip");
  return optional.gzip(bytes, 6);
}

/** Gunzip through the core, refusing output over `maxBytes`. */
export function gunzipBytes(bytes: Uint8Array, maxBytes = 256 * 1024 * 1024): Uint8Array {
  if (!optional.gunzip) throw new Error("agentlens: this core build has no gunzip");
  return optional.gunzip(bytes, maxBytes);
}

/** Whether the core has gzip and gunzip. */
export function hasGzip(): boolean {
  return typeof optional.gzip === "function" && typeof optional.gunzip === "function";
}
