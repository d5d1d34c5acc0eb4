// Streams trace bytes through the core's importer (@agentlens/sdk/analysis
// createTraceImporter: every supported format, gzip included) in chunks, handing decoded
// events to the store as they come so the first view appears before the file is read.
import { createTraceImporter, type TraceImporter } from "@agentlens/sdk/analysis";
import type { WireEvent } from "./contract";

/** A file the importer could not read: the message carries the line or byte position. */
export class TraceReadError extends Error {
  override name = "TraceReadError";
}

/** Where the bytes come from. */
export type Source =
  | { kind: "file"; file: Blob & { name?: string } }
  | { kind: "url"; url: string }
  | { kind: "bytes"; bytes: Uint8Array; name: string };

export function sourceName(source: Source): string {
  if (source.kind === "file") return source.file.name ?? "trace";
  if (source.kind === "url") return source.url.split(/[?#]/)[0]!.split("/").pop() || source.url;
  return source.name;
}

async function openStream(source: Source): Promise<{ stream: ReadableStream<Uint8Array>; total: number }> {
  if (source.kind === "file") return { stream: source.file.stream() as ReadableStream<Uint8Array>, total: source.file.size };
  if (source.kind === "bytes") {
    const bytes = source.bytes;
    return { stream: new Blob([bytes as Uint8Array<ArrayBuffer>]).stream() as ReadableStream<Uint8Array>, total: bytes.length };
  }
  const res = await fetch(source.url, { credentials: "omit" });
  if (!res.ok || !res.body) throw new TraceReadError(`could not fetch ${source.url}: HTTP ${res.status}`);
  return { stream: res.body, total: Number(res.headers.get("content-length")) || 0 };
}

/** Splits big chunks so each push stays short and the worker answers queries in between. */
const SLICE = 1 << 20;

export interface DecodeProgress {
  bytes: number;
  total: number;
}

/**
 * Reads `source` to the end, calling `onEvents` with each decoded batch and `onProgress`
 * after each chunk. Resolves with the detected format and the importer's warnings.
 */
export async function decode(
  source: Source,
  onEvents: (events: WireEvent[]) => void,
  onProgress: (p: DecodeProgress) => void,
): Promise<{ format: string; warnings: string[] }> {
  const { stream, total } = await openStream(source);
  const importer = createTraceImporter();
  const reader = stream.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let at = 0; at < value.length; at += SLICE) {
        const part = value.subarray(at, Math.min(value.length, at + SLICE));
        const events = push(importer, part);
        if (events.length) onEvents(events);
        if (at + SLICE < value.length) await yieldToQueries();
      }
      bytes += value.length;
      onProgress({ bytes, total });
    }
    const tail = finish(importer);
    if (tail.length) onEvents(tail);
    return { format: importer.format ?? "unknown", warnings: importer.warnings };
  } finally {
    reader.releaseLock();
    importer.free();
  }
}

const yieldToQueries = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function push(importer: TraceImporter, bytes: Uint8Array): WireEvent[] {
  try {
    return importer.push(bytes);
  } catch (err) {
    throw readError(err);
  }
}

function finish(importer: TraceImporter): WireEvent[] {
  try {
    return importer.finish();
  } catch (err) {
    throw readError(err);
  }
}

function readError(err: unknown): TraceReadError {
  const message = err instanceof Error ? err.message : String(err);
  return new TraceReadError(message);
}
