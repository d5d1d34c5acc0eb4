/// <reference types="node" />
/**
 * The NDJSON trace-file exporter (Node): appends the lines the core encodes to a file,
 * writes the trace header when it starts a file, and rotates by size
 * (`path` → `path.1` → … → `path.{maxFiles}`, the oldest deleted), as log rotators do.
 * Appends go one at a time through `fs/promises`; an I/O error is reported to the core as
 * a network failure, so the core retries the same lines later with its usual backoff.
 */
import { dirname } from "node:path";
import type { WireRequest, WireResult } from "../core/driver.js";
import type { Exporter } from "../core/exporter.js";
import { wasm } from "../core/wasm.js";
import { optionError, optionsSnapshot } from "../core/errors.js";

/** `node:fs/promises`, loaded on the first write: importing the SDK should not pay for it (cold start). */
const fsp = (): Promise<typeof import("node:fs/promises")> => import("node:fs/promises");

export interface NdjsonFileExporterOptions {
  /** The trace file. Created (with its directory) if missing; appended to if present. */
  path: string;
  /** Rotate before an append would take the file past this size. Default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept (`path.1` newest … `path.{maxFiles}` oldest). Default 5; 0 keeps none. */
  maxFiles?: number;
  /** Written into each file's header line as `producer`. */
  producer?: string;
}

/**
 * An exporter that writes an NDJSON trace file.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { createNdjsonFileExporter, init } from "@agentlens/sdk";
 * import { decodeNdjson } from "@agentlens/sdk/analysis";
 * const file = createNdjsonFileExporter({ path: "traces/agent.ndjson", maxBytes: 1 << 20, maxFiles: 3 });
 * const tracker = init({ exporters: [file] });
 * tracker.startSession({ agentName: "local-agent" });
 * tracker.track({ eventType: "llm_call", model: "gpt-4o" });
 * await tracker.shutdown(1000); // writes what is buffered
 * console.log(decodeNdjson(readFileSync("traces/agent.ndjson", "utf8")));
 * ```
 *
 * # Errors
 * Throws `AgentLensConfigError` for an empty path or a non-positive `maxBytes`, or a
 * `maxFiles` that is not a whole number ≥ 0. `send` never rejects.
 */
export function createNdjsonFileExporter(o: NdjsonFileExporterOptions): Exporter {
  const { path, maxBytes, maxFiles } = checked(optionsSnapshot(o));

  let size: number | undefined; // the current file's size, once known
  let headerBytes = 0; // bytes of header at the start of the current file, if we wrote it
  let queue: Promise<unknown> = Promise.resolve();

  async function currentSize(): Promise<number> {
    if (size !== undefined) return size;
    try {
      size = (await (await fsp()).stat(path)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      size = 0;
    }
    return size;
  }

  async function append(body: Uint8Array): Promise<void> {
    let current = await currentSize();
    // Rotate when this body would overflow a file that already holds events; a body
    // larger than maxBytes on its own still goes into a fresh file, whole.
    if (current > headerBytes && current + body.byteLength > maxBytes) {
      await rotate(path, maxFiles);
      size = current = 0;
    }
    const { appendFile, mkdir } = await fsp();
    if (current === 0) {
      await mkdir(dirname(path), { recursive: true });
      const header = new TextEncoder().encode(wasm().ndjsonHeader(o.producer));
      await appendFile(path, header);
      headerBytes = header.byteLength;
      size = current = header.byteLength;
    }
    await appendFile(path, body);
    size = current + body.byteLength;
  }

  return {
    name: "ndjson-file",
    target: path,
    format: "ndjson",
    send(request: WireRequest): Promise<WireResult> {
      // One append at a time, in order, even if several trackers share this exporter.
      const result = queue
        .then(() => append(request.body))
        .then(
          (): WireResult => ({ status: 200 }),
          (): WireResult => {
            size = undefined; // the file's state is unknown now: stat it again next time
            return { failure: "network" };
          },
        );
      queue = result;
      return result;
    },
    async shutdown(): Promise<void> {
      await queue;
    },
  };
}

/** The options, checked, with their defaults. */
function checked(o: NdjsonFileExporterOptions): { path: string; maxBytes: number; maxFiles: number } {
  if (typeof o !== "object" || o === null) throw optionError("options", "must be an object", o);
  const path = o.path;
  const maxBytes = o.maxBytes ?? 10 * 1024 * 1024;
  const maxFiles = o.maxFiles ?? 5;
  if (typeof path !== "string" || path.length === 0) {
    throw optionError("path", "must be a non-empty string", path);
  }
  if (!(Number.isFinite(maxBytes) && maxBytes > 0)) {
    throw optionError("maxBytes", "must be a positive number", maxBytes);
  }
  if (!(Number.isInteger(maxFiles) && maxFiles >= 0)) {
    throw optionError("maxFiles", "must be a whole number >= 0", maxFiles);
  }
  return { path, maxBytes, maxFiles };
}

/** Moves `path` to `path.1`, `path.1` to `path.2`, ..., keeping at most `maxFiles` old files. */
async function rotate(path: string, maxFiles: number): Promise<void> {
  const { rename, rm } = await fsp();
  if (maxFiles === 0) {
    await rm(path, { force: true });
    return;
  }
  await rm(`${path}.${maxFiles}`, { force: true });
  for (let i = maxFiles - 1; i >= 1; i--) {
    await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(ignoreMissing);
  }
  await rename(path, `${path}.1`).catch(ignoreMissing);
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
}
