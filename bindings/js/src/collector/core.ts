/// <reference types="node" />
/**
 * The core calls the collector makes, in one place: redaction, explain, gzip and trace
 * import, all through the analysis wasm (`agentlens/analysis`). Loading this module
 * loads that wasm.
 */
import "../entrypoints/analysis-node.js";
import { analysisWasm, gunzip, gzip, importTrace, type WireEvent } from "../analysis/index.js";

type CompiledRedactor = { redactJson?: (valueJson: string) => string | { value: string }; free(): void };
const compiled = new Map<string, CompiledRedactor>();

/**
 * Redacts a JSON value with the core's rules (defaults plus `options`). The core's own
 * whole-value truncation is switched off here (the collector truncates per field).
 *
 * The free `redactJson` compiles the rules on every call (about 6 ms, most of an ingest);
 * a compiled `RedactorWasm` with a `redactJson` method, when the core has one, is kept
 * per options and used instead.
 */
export function redactValue<T>(value: T, options: Record<string, unknown> = {}): T {
  const opts = JSON.stringify({ ...options, maxFieldBytes: 0x7fff_ffff });
  const wasm = analysisWasm();
  let r = compiled.get(opts);
  if (!r && compiled.size < 8) {
    r = new wasm.RedactorWasm(opts) as unknown as CompiledRedactor;
    compiled.set(opts, r);
  }
  if (r && typeof r.redactJson === "function") {
    const out = r.redactJson(JSON.stringify(value));
    return JSON.parse(typeof out === "string" ? out : out.value) as T;
  }
  return JSON.parse(wasm.redactJson(opts, JSON.stringify(value)).value) as T;
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

/** Whether the core can import traces (kept for builds without it; always true now). */
export function hasImportTrace(): boolean {
  return true;
}

/**
 * Reads a trace in any format the core knows (NDJSON, AgentLens batches and exports,
 * Agent Inspector exports, OTLP JSON, OpenAI Agents), gzipped or not, into wire events.
 * Throws the core's `AgentLensAnalysisError` for an unknown format or a broken file.
 */
export function importTraceBytes(bytes: Uint8Array): { format: string; events: WireEvent[]; warnings: string[]; errors: string[] } {
  const r = importTrace(bytes);
  // `errors` is the earlier name of `warnings`, kept for callers written against it.
  return { format: r.format, events: r.events, warnings: r.warnings, errors: r.warnings };
}

/** Gzip through the core. */
export function gzipBytes(bytes: Uint8Array): Uint8Array {
  return gzip(bytes, 6);
}

/** Gunzip through the core, refusing output over `maxBytes` (a zip bomb throws). */
export function gunzipBytes(bytes: Uint8Array, maxBytes = 256 * 1024 * 1024): Uint8Array {
  return gunzip(bytes, maxBytes);
}

/** Whether the core has gzip and gunzip (always true now). */
export function hasGzip(): boolean {
  return true;
}
