/**
 * One HTTP POST for the exporters that send over `fetch` (AgentLens HTTP, OTLP): the
 * untraced platform fetch, a timeout per request, the browsers' keepalive quota, and a
 * response body that is always read or cancelled. It performs one request and reports
 * what happened as a `WireResult`; it never rejects and never throws. Whether to retry,
 * when, and what to drop is the core's.
 */
import type { WireResult } from "../core/driver.js";

/** The platform's `fetch` type. */
export type Fetch = typeof fetch;

/**
 * The platform's fetch as it is now, unwrapped. Our own requests must never be traced,
 * or tracing the exporter's fetch would feed events back into the exporter, so each
 * exporter module calls this when it loads, before an instrumentation can wrap fetch
 * later; if it was wrapped already we take the original the wrapper keeps
 * (OpenTelemetry's fetch instrumentation stores it as `fetch.__original`; OTLP/JS's
 * fetch transport unwraps it the same way).
 */
export function capturePlatformFetch(): Fetch | undefined {
  const f = (globalThis as { fetch?: Fetch & { __original?: Fetch } }).fetch;
  if (typeof f !== "function") return undefined;
  const original = f.__original;
  return typeof original === "function" ? original : f;
}

/**
 * Browsers cap the bodies of all pending `keepalive` requests at 64 KiB together, and
 * Chrome allows at most 9 of them at once. Shared by every exporter of the page.
 * @see https://fetch.spec.whatwg.org/#http-network-or-cache-fetch (keepalive quota)
 * @see OTLP/JS `MAX_KEEPALIVE_BODY_SIZE` (60 KiB) in `otlp-exporter-base/src/transport/fetch-transport.ts`
 */
const MAX_KEEPALIVE_BYTES = 60 * 1024;
const MAX_KEEPALIVE_REQUESTS = 9;
let keepaliveBytes = 0;
let keepaliveRequests = 0;

/**
 * Response bodies are read up to this size; larger ones are cancelled rather than read
 * (the status is what matters; an OTLP success body is a few bytes).
 * @see OTLP/JS `MAX_RESPONSE_BODY_SIZE` (4 MiB) in `otlp-exporter-base`
 */
export const MAX_READ_BYTES = 64 * 1024;

/** One POST. */
export interface Post {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Aborts the request after this many milliseconds (reported as a timeout). */
  timeoutMs: number;
  /** Asks for `keepalive` when the page's quota allows it. */
  keepalive: boolean;
  /** Hands a 2xx response's body (at most `MAX_READ_BYTES`) back in the result. */
  readBody: boolean;
}

/** Performs `post` with `f`; the status and `Retry-After`, or a failure. Never rejects. */
export async function postOnce(f: Fetch | undefined, post: Post): Promise<WireResult> {
  if (typeof f !== "function") return { failure: "network" };
  const controller = new AbortController();
  // A timer per request, cleared when it settles: inside a request this is allowed
  // on edge runtimes too (they only cancel timers left behind by the invocation).
  const timer = setTimeout(() => controller.abort(), post.timeoutMs);
  const { body } = post;
  const useKeepalive =
    post.keepalive && keepaliveRequests < MAX_KEEPALIVE_REQUESTS && keepaliveBytes + body.byteLength <= MAX_KEEPALIVE_BYTES;
  if (useKeepalive) {
    keepaliveBytes += body.byteLength;
    keepaliveRequests++;
  }
  try {
    const init: RequestInit = { method: "POST", headers: post.headers, body: body as NonNullable<RequestInit["body"]>, signal: controller.signal };
    if (useKeepalive) init.keepalive = true;
    const response = await f.call(globalThis, post.url, init);
    const result: WireResult = { status: response.status, retryAfter: response.headers.get("retry-after") };
    // Always consume the body: workerd (and undici) hold the connection until it is
    // read or cancelled, and a stalled connection stalls the next request.
    if (post.readBody && response.status >= 200 && response.status < 300) {
      const read = await readBounded(response);
      if (read) return { ...result, body: read };
    } else {
      await discardBody(response);
    }
    return result;
  } catch {
    return controller.signal.aborted ? { failure: "timeout" } : { failure: "network" };
  } finally {
    clearTimeout(timer);
    if (useKeepalive) {
      keepaliveBytes -= body.byteLength;
      keepaliveRequests--;
    }
  }
}

/** The per-request timeout: the core's, shortened (never lengthened) by the exporter's option. */
export function effectiveTimeout(fromCore: number, fromOptions: number | undefined): number {
  const core = Number.isFinite(fromCore) && fromCore > 0 ? fromCore : 10_000;
  return fromOptions === undefined ? core : Math.min(core, fromOptions);
}

/** Reads the body to its end, or cancels it; never throws. The status is already known. */
export async function discardBody(response: Response): Promise<void> {
  try {
    if (!response.body) return;
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > MAX_READ_BYTES) await response.body.cancel();
    else await response.arrayBuffer();
  } catch {
    await cancelQuietly(response);
  }
}

/**
 * The body if it fits in `MAX_READ_BYTES`, else `undefined` (and the rest cancelled): a
 * cut protobuf or JSON document would only mislead. Never throws.
 */
async function readBounded(response: Response): Promise<Uint8Array | undefined> {
  if (!response.body) return undefined;
  if (Number(response.headers.get("content-length") ?? 0) > MAX_READ_BYTES) {
    await cancelQuietly(response);
    return undefined;
  }
  return readAll(response.body, MAX_READ_BYTES);
}

/**
 * A byte stream read to its end and joined; `undefined` (the stream cancelled) past
 * `maxBytes` or on a stream error. Never throws.
 */
export async function readAll(stream: ReadableStream<Uint8Array>, maxBytes = Infinity): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    await reader?.cancel().catch(() => {});
    return undefined;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

async function cancelQuietly(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already errored or locked: nothing more to release.
  }
}
