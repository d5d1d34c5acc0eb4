/// <reference types="node" />
/** Request and response helpers for the collector's routes (node:http, no framework). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipBytes } from "./engine.js";

/** An error with an HTTP status; its message is safe to send (it never quotes input). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Sends a JSON body. API responses are never cached (they carry trace data). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** Sends text (Markdown, ...). */
export function sendText(res: ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" });
  res.end(text);
}

const GZIP_MAGIC = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Reads the whole body, at most `maxBytes` (413 beyond, before reading it all when the
 * length is declared). `Content-Encoding: gzip` (or, with `sniffGzip`, gzip magic bytes)
 * is inflated through the core, with the same limit on the inflated size.
 */
export async function readBody(req: IncomingMessage, maxBytes: number, sniffGzip = false): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new HttpError(413, `Request body too large (max ${maxBytes} bytes)`, { Connection: "close" });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw new HttpError(413, `Request body too large (max ${maxBytes} bytes)`, { Connection: "close" });
    }
    chunks.push(chunk);
  }
  const body = new Uint8Array(Buffer.concat(chunks, size));
  const encoding = String(req.headers["content-encoding"] ?? "identity").toLowerCase().trim();
  const gzipped = encoding === "gzip" || encoding === "x-gzip" || (sniffGzip && encoding === "identity" && GZIP_MAGIC(body));
  if (!gzipped) {
    if (encoding !== "identity" && encoding !== "") throw new HttpError(415, "Unsupported Content-Encoding (use gzip or none)");
    return body;
  }
  try {
    return gunzipBytes(body, maxBytes);
  } catch (e) {
    const msg = String((e as Error)?.message ?? "");
    if (/more than|limit|large/i.test(msg)) throw new HttpError(413, `Request body too large once inflated (max ${maxBytes} bytes)`);
    throw new HttpError(400, "Malformed gzip body");
  }
}

/**
 * Reads the body as a JSON object, or 400. An empty body is `{}` when `allowEmpty` (the
 * routes whose every field is optional), else a 400 like any body that is not an object.
 */
export async function readObjectBody(req: IncomingMessage, maxBytes: number, allowEmpty: boolean): Promise<Record<string, unknown>> {
  const bytes = await readBody(req, maxBytes);
  if (bytes.length === 0 && allowEmpty) return {};
  const b = bytes.length === 0 ? undefined : parseJson(bytes);
  if (b === null || typeof b !== "object" || Array.isArray(b)) throw new HttpError(400, "Request body must be a JSON object");
  return b as Record<string, unknown>;
}

/** Parses JSON, or 400 (the message names the problem, never the input). */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new HttpError(400, "Malformed JSON in request body");
  }
}

/** An integer query parameter clamped as the AgentLens backend's `parseLimit` (NaN/0 give the default). */
export function limitParam(raw: string | null, def: number, max: number, min = 1): number {
  const n = Math.floor(Number(raw));
  if (!raw || !Number.isFinite(n) || n === 0) return def;
  return Math.min(max, Math.max(min, n));
}

/** A non-negative offset (at most 2^53 − 1, what SQLite can be given); anything else is 0. */
export function offsetParam(raw: string | null): number {
  const n = Math.floor(Number(raw));
  return Number.isFinite(n) && n > 0 ? Math.min(n, Number.MAX_SAFE_INTEGER) : 0;
}

/** A finite number, or undefined. */
export function numberParam(raw: string | null): number | undefined {
  if (raw === null || raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
