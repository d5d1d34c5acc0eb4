/// <reference types="node" />
/**
 * Reads a trace file for `agentlens import`: a file or stdin (`-`), gunzipped when it
 * starts with the gzip magic bytes, then either the collector's own export
 * (`agentlens export` output, turned back into events) or any trace format the core's
 * importer reads (NDJSON, JSON arrays, AgentLens batches, OTLP JSON). Returns the
 * events; storing them is the caller's business.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { eventsFromExport } from "../collector/index.js";
import { importTraceBytes } from "../collector/core.js";
import { CliError, EXIT, notFound } from "./exit-codes.js";

/** Largest trace accepted after gunzip: a bound against gzip bombs. */
export const MAX_TRACE_BYTES = 1024 * 1024 * 1024;

async function readInput(file: string): Promise<Uint8Array> {
  if (file === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw notFound(`no such file: ${file}`);
    throw new CliError(EXIT.failure, `cannot read ${file}: ${(e as Error).message}`);
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Whether `value` is what `agentlens export` writes (one run or all of them). */
function isCollectorExport(value: unknown): boolean {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.format === "agentlens-collector-export" || (typeof v.run === "object" && Array.isArray(v.timeline));
}

/**
 * The events of a trace file.
 *
 * @throws CliError: not found (3) for a missing file, failure (1) for bad gzip or a file
 *   from which no event could be read.
 */
export async function readTraceFile(file: string): Promise<unknown[]> {
  const name = file === "-" ? "stdin" : file;
  let bytes = await readInput(file);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_TRACE_BYTES });
    } catch (e) {
      throw new CliError(EXIT.failure, `${name}: not valid gzip or larger than ${MAX_TRACE_BYTES} bytes unpacked (${(e as Error).message})`);
    }
  }
  // The collector's own export is a single JSON object; anything else goes to the core.
  const head = Buffer.from(bytes.subarray(0, 64)).toString("utf8").trimStart();
  if (head.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString("utf8"));
    } catch {
      parsed = undefined; // NDJSON: one object per line
    }
    const fromExport = isCollectorExport(parsed) ? eventsFromExport(parsed) : null;
    if (fromExport) return fromExport;
  }
  let result: ReturnType<typeof importTraceBytes>;
  try {
    result = importTraceBytes(bytes);
  } catch (e) {
    throw new CliError(EXIT.failure, `${name}: not a trace file this version can read (${(e as Error).message})`);
  }
  if (result.events.length === 0 && bytes.length > 0) {
    const errors = result.errors.length;
    throw new CliError(EXIT.failure, `${name}: no events could be read${errors ? ` (${errors} malformed records)` : ""}`);
  }
  if (result.errors.length > 0) {
    process.stderr.write(`agentlens: ${name}: ${result.errors.length} malformed records skipped (format ${result.format})\n`);
  }
  return result.events;
}
