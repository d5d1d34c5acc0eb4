/// <reference types="node" />
/**
 * The core calls the collector makes, in one place: redaction, explain, gzip and trace
 * import, all through the analysis wasm (`@agentlens/sdk/analysis`). Loading this module
 * loads that wasm.
 */
import { gunzip, gzip, importTrace, type WireEvent } from "@agentlens/sdk/analysis";
import { analysisWasm } from "@agentlens/sdk/internal";

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

/** Facts the core gives about one incoming event; see `agentlens::model::semantics::Facts`. */
export interface EventFacts {
  /** The core's one rule for "is an error". */
  isError: boolean;
  /** What it says about its session's status: `null` when nothing. */
  sessionStatus: "completed" | "timeout" | "error" | null;
  /** A run or session end that failed (a timeout included). */
  failedEnd: boolean;
}

const SESSION_EFFECT = [null, "completed", "timeout", "error"] as const;

/**
 * Reads incoming events through the core: backend compatibility undone on each object
 * (the real type, session totals, the `output_data._agentlens` envelope; unknown fields
 * kept) and each classified by the core's rules. Elements that are not objects come
 * back as they were, with no facts.
 */
export function readIncoming(events: unknown[]): { events: unknown[]; facts: EventFacts[] } {
  const r = analysisWasm().readEvents(JSON.stringify(events));
  const facts = Array.from(r.facts, (b) => ({ isError: (b & 1) === 1, sessionStatus: SESSION_EFFECT[(b >> 1) & 3]!, failedEnd: (b & 8) === 8 }));
  return { events: JSON.parse(r.events) as unknown[], facts };
}

/** A session's status after learning `next`, by the core's rule (an error is final). */
export function sessionStatusThen(previous: string, next: string): string {
  return analysisWasm().sessionStatusThen(previous, next);
}

/** Every pipeline option's default, by its option name, as the core decides them. */
export function pipelineDefaults(): Record<string, unknown> {
  return analysisWasm().pipelineDefaults();
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
