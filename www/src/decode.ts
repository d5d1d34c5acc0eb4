// Streams trace bytes into the core's view of the trace (its importer reads every
// supported format, gzip included) in chunks, so the first view appears before the file
// is read. The events stay inside the wasm: no event crosses back here.
import type { TraceView } from "./contract";

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
 * Reads `source` to the end into `view`, calling `onProgress` after each chunk. Resolves
 * with the detected format and the importer's warnings.
 */
export async function decode(source: Source, view: TraceView, onProgress: (p: DecodeProgress) => void): Promise<{ format: string; warnings: string[] }> {
  const { stream, total } = await openStream(source);
  const reader = stream.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let at = 0; at < value.length; at += SLICE) {
        guarded(() => view.push(value.subarray(at, Math.min(value.length, at + SLICE))));
        if (at + SLICE < value.length) await yieldToQueries();
      }
      bytes += value.length;
      onProgress({ bytes, total });
    }
    return guarded(() => view.finish());
  } finally {
    reader.releaseLock();
  }
}

const yieldToQueries = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The importer's error (it names the line or byte position) as a TraceReadError. */
function guarded<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new TraceReadError(err instanceof Error ? err.message : String(err));
  }
}
