/// <reference types="node" />
/**
 * `agentlens import`: streams a trace file (or stdin, `-`) through the core's importer
 * (`createTraceImporter` from `@agentlens/sdk/analysis`: NDJSON, AgentLens batches and
 * sessions, Agent Inspector exports, OTLP JSON, OpenAI Agents traces, JSON arrays, any of
 * them gzipped) into the store, a batch at a time, so a big line-based file is never in
 * memory whole. The collector's own `agentlens export --all` file is recognised by its
 * first bytes, read whole and turned back into events by `eventsFromExport`.
 */
import { createReadStream, statSync } from "node:fs";
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { createTraceImporter, type TraceImporter } from "@agentlens/sdk/analysis";
import { eventsFromExport, type IngestCounts, type Store } from "../collector/index.js";
import { addCounts, noCounts } from "../collector/ingest-counts.js";
import { CliError, EXIT, notFound } from "./exit-codes.js";
import { count } from "./format.js";

/** Events handed to the store at once: one transaction each. */
const STORE_BATCH = 5000;
/** Largest collector export read whole (after gunzip): a bound against gzip bombs. */
export const MAX_EXPORT_BYTES = 1024 * 1024 * 1024;

/** What an import did (see `IngestResult` for what each count counts). */
export interface ImportSummary extends IngestCounts {
  format: string;
  warnings: string[];
}

/** `done` of `total` input bytes (total unknown for stdin). */
export type ByteProgress = (done: number, total: number | undefined) => void;

function inputSize(file: string): number | undefined {
  if (file === "-") return undefined;
  try {
    const s = statSync(file);
    if (!s.isFile()) throw new CliError(EXIT.failure, `${file} is not a file`);
    return s.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw notFound(`no such file: ${file}`);
    throw new CliError(EXIT.failure, `cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * Whether a file's first bytes are `agentlens export` output (`{ "format":
 * "agentlens-collector-export", ...`, gzipped or not). The core would read such a file as
 * an Agent Inspector export and lose what only the collector's export keeps.
 */
function looksLikeCollectorExport(first: Buffer): boolean {
  let head = first.subarray(0, 4096);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      // A truncated stream is fine here: only the first bytes matter. 1 KiB of input
      // inflates to at most about 1 MiB, so a bomb cannot hurt.
      head = gunzipSync(first.subarray(0, 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).subarray(0, 4096);
    } catch {
      return false;
    }
  }
  return /^\s*\{\s*"format"\s*:\s*"agentlens-collector-export"/.test(head.toString("utf8"));
}

/** The events of a collector export (`agentlens export`), or null if `bytes` is not one. */
function collectorExport(bytes: Uint8Array): unknown[] | null {
  let data: Uint8Array = bytes;
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data, { maxOutputLength: MAX_EXPORT_BYTES });
    } catch {
      return null;
    }
  }
  const text = Buffer.from(data).toString("utf8");
  if (!text.trimStart().startsWith("{") || !text.includes("agentlens-collector-export")) return null;
  try {
    const json: unknown = JSON.parse(text);
    if ((json as { format?: unknown })?.format !== "agentlens-collector-export") return null;
    return eventsFromExport(json);
  } catch {
    return null;
  }
}

function importError(name: string, e: unknown, before: IngestCounts): unknown {
  if ((e as Error)?.name !== "AgentLensAnalysisError") return e;
  const n = before.processed;
  const done = n > 0 ? ` (${count(n, "record")} before it ${n === 1 ? "was" : "were"} imported)` : "";
  return new CliError(EXIT.failure, `${name}: ${(e as Error).message.replace(/^agentlens: /, "")}${done}`);
}

/**
 * Imports `file` into the store, which `openStore` opens (and the caller closes) only once
 * there are events to store: a file the core refuses creates no database.
 *
 * @throws CliError: not found (3) for a missing file; failure (1) for a file the core
 *   cannot read (the message has the position, never the content). Events before a
 *   broken part are already stored; importing the file again adds nothing twice.
 */
export async function importFile(file: string, openStore: () => Promise<Store>, onProgress?: ByteProgress): Promise<ImportSummary> {
  const name = file === "-" ? "stdin" : file;
  const total = inputSize(file);
  const summary: ImportSummary = { ...noCounts(), format: "unknown", warnings: [] };
  const store_ = async (events: unknown[]) => {
    if (events.length === 0) return;
    addCounts(summary, await (await openStore()).importEvents(events));
  };
  const input = (file === "-" ? process.stdin : createReadStream(file, { highWaterMark: 1024 * 1024 })) as AsyncIterable<Buffer>;
  let pending: unknown[] = [];
  let read = 0;
  let whole: Buffer[] | null = null;
  const importer: TraceImporter = createTraceImporter();
  try {
    for await (const chunk of input) {
      // The first chunk decides: the collector's own export is read whole, anything else streams.
      if (read === 0 && looksLikeCollectorExport(chunk)) whole = [];
      read += chunk.length;
      if (whole) {
        if (read > MAX_EXPORT_BYTES) throw new CliError(EXIT.failure, `${name}: an export larger than ${MAX_EXPORT_BYTES} bytes`);
        whole.push(chunk);
      } else {
        try {
          pending.push(...importer.push(chunk));
        } catch (e) {
          throw importError(name, e, summary);
        }
        if (pending.length >= STORE_BATCH) {
          await store_(pending);
          pending = [];
        }
      }
      onProgress?.(read, total);
    }
    if (whole) {
      const events = collectorExport(Buffer.concat(whole));
      if (!events) throw new CliError(EXIT.failure, `${name}: not a readable agentlens export (broken JSON)`);
      pending = events;
      summary.format = "agentlens-collector-export";
    } else {
      try {
        pending.push(...importer.finish());
      } catch (e) {
        throw importError(name, e, summary);
      }
      summary.format = importer.format ?? "unknown";
      summary.warnings = importer.warnings;
    }
  } finally {
    importer.free();
  }
  await store_(pending);
  onProgress?.(read, total ?? read);
  if (summary.processed + summary.duplicates + summary.skipped === 0 && read > 0) {
    const w = summary.warnings;
    throw new CliError(EXIT.failure, `${name}: no events could be read${w.length ? ` (${count(w.length, "reader warning")}: ${w.join("; ")})` : ""}`);
  }
  return summary;
}
