/**
 * Trace importers: every trace format, detected by content (gzipped or not), read into
 * AgentLens wire events by the Rust core. Also plain gzip and bounded gunzip.
 */
import type { DecodedNdjson, ImportResult, TraceFormat } from "./check-types.js";
import type { WireEvent } from "./event-types.js";
import { bytes as bytesArg, bytesOrText, num, text } from "./args.js";
import { analysisWasm, parsed } from "./wasm.js";

/**
 * Reads a whole trace: AgentLens NDJSON, a `{"events":[…]}` batch, a backend session
 * export, an Agent Inspector run export, OTLP/JSON, OpenAI Agents traces or a JSON
 * array of events, any of them gzipped. Throws `AgentLensAnalysisError` for an unknown
 * format or a broken file, with the position (line and column, or byte offset) in the
 * message.
 *
 * @example
 * ```ts
 * import { importTrace } from "@agentlens/sdk/analysis";
 * const { format, events, warnings } = importTrace(
 *   '{"session_id":"s1","event_type":"llm_call","model":"gpt-4o","tokens_in":12}\n{oops\n',
 * );
 * if (format !== "ndjson" || events.length !== 1) throw new Error("unexpected import");
 * console.log(events[0].model, warnings); // gpt-4o, one warning naming line 2
 * ```
 */
export function importTrace(bytes: Uint8Array | string): ImportResult {
  return parsed(analysisWasm().importTraceJson(bytesOrText("bytes", bytes)));
}

/** A streaming importer: {@link createTraceImporter}. */
export interface TraceImporter {
  /** Takes the next chunk (split anywhere); returns the events it completed. */
  push(bytes: Uint8Array): WireEvent[];
  /** Ends the input; returns the remaining events. */
  finish(): WireEvent[];
  /** The detected format, once known. */
  readonly format: TraceFormat | undefined;
  /** What was skipped so far, and where. */
  readonly warnings: string[];
  /** Releases the wasm memory; the importer cannot be used after. */
  free(): void;
}

/**
 * A streaming importer for big traces: push chunks as they arrive (from a file stream or
 * `fetch`), get events as each line decodes; a line-based file, gzipped or not, never has
 * to be in memory at once. Pushing in any split gives the same events as
 * {@link importTrace}. Throws `AgentLensAnalysisError` as `importTrace` does.
 *
 * @example
 * ```ts
 * import { createTraceImporter, gzip } from "@agentlens/sdk/analysis";
 * const file = gzip(new TextEncoder().encode(
 *   '{"session_id":"s1","event_type":"llm_call"}\n{"session_id":"s1","event_type":"final"}\n',
 * ));
 * const importer = createTraceImporter();
 * const events = [];
 * for (let i = 0; i < file.length; i += 7) events.push(...importer.push(file.subarray(i, i + 7)));
 * events.push(...importer.finish());
 * importer.free();
 * if (events.length !== 2 || importer.format !== "ndjson") throw new Error("unexpected import");
 * ```
 */
export function createTraceImporter(): TraceImporter {
  const inner = new (analysisWasm().TraceImporterWasm)();
  let format: TraceFormat | undefined;
  let warnings: string[] = [];
  const sync = () => {
    format = (inner.format() as TraceFormat | undefined) ?? undefined;
    warnings = parsed(inner.warningsJson());
  };
  return {
    push(bytes: Uint8Array): WireEvent[] {
      try {
        return parsed(inner.push(bytesArg("bytes", bytes)));
      } finally {
        sync();
      }
    },
    finish(): WireEvent[] {
      try {
        return parsed(inner.finish());
      } finally {
        sync();
      }
    },
    get format() {
      return format;
    },
    get warnings() {
      return warnings;
    },
    free() {
      inner.free();
    },
  };
}

/**
 * Gzips `bytes` at `level` (0 = store … 9 = smallest; default 6). Throws
 * `AgentLensAnalysisError` for bytes that are not a `Uint8Array` or another level.
 *
 * @example
 * ```ts
 * import { gzip, gunzip } from "@agentlens/sdk/analysis";
 * const packed = gzip(new TextEncoder().encode("hello hello hello"), 9);
 * if (new TextDecoder().decode(gunzip(packed)) !== "hello hello hello") throw new Error("round trip");
 * ```
 */
export function gzip(bytes: Uint8Array, level?: number): Uint8Array {
  const data = bytesArg("bytes", bytes);
  return analysisWasm().gzipBytes(data, level === undefined ? undefined : num("level", level, { integer: true, min: 0, max: 9 }));
}

/**
 * Gunzips `bytes` (concatenated members too), producing at most `maxBytes` (default
 * 512 MiB): a zip bomb throws `AgentLensAnalysisError` instead of exhausting memory, as
 * does a corrupt or truncated stream (with the compressed byte offset).
 *
 * @example
 * ```ts
 * import { gzip, gunzip } from "@agentlens/sdk/analysis";
 * const bomb = gzip(new Uint8Array(5_000_000));
 * try {
 *   gunzip(bomb, 1_000_000);
 *   throw new Error("expected the limit to stop it");
 * } catch (e) {
 *   if ((e as Error).name !== "AgentLensAnalysisError") throw e;
 * }
 * ```
 */
export function gunzip(bytes: Uint8Array, maxBytes?: number): Uint8Array {
  const data = bytesArg("bytes", bytes);
  return analysisWasm().gunzipBytes(data, maxBytes === undefined ? undefined : num("maxBytes", maxBytes, { min: 0 }));
}

/**
 * Reads an AgentLens NDJSON trace file (what `createNdjsonFileExporter` writes): the
 * header, the events, and one message per bad line (with its line number, never its
 * content). For any other format use {@link importTrace}.
 *
 * @example
 * ```ts
 * import { decodeNdjson } from "@agentlens/sdk/analysis";
 * const { events, errors } = decodeNdjson('{"session_id":"s1","event_type":"final"}\n{oops\n');
 * console.log(events.length, errors); // 1, one message naming line 2
 * ```
 */
export function decodeNdjson(ndjson: string): DecodedNdjson {
  // The wasm declares events as plain objects; they are the core's serialised events.
  return analysisWasm().decodeNdjson(text("text", ndjson)) as DecodedNdjson;
}

/**
 * Reads an AgentLens request body `{"events":[…]}` (what the HTTP exporter sends), with
 * backend compatibility undone. Throws `AgentLensDecodeError` with the position of the
 * problem, and `AgentLensAnalysisError` for a body that is not a `Uint8Array`.
 */
export function decodeWireBody(body: Uint8Array): WireEvent[] {
  const events: WireEvent[] = analysisWasm().decodeWireBody(bytesArg("body", body));
  return events;
}
