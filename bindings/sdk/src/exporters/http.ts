/**
 * The HTTP exporter: posts the AgentLens request bodies the core builds to
 * `{endpoint}/events` with an `X-API-Key`. It decides nothing: whether to retry, when,
 * and what to drop is the core's; this file performs one request and reports what
 * happened as a `WireResult`. It never rejects and never throws into agent code.
 *
 * Our own requests must never be traced, or tracing the exporter's fetch would feed
 * events back into the exporter. So the platform's `fetch` is captured when this module
 * loads, before an instrumentation can wrap it later, and if it was wrapped already we
 * take the original the wrapper keeps (OpenTelemetry's fetch instrumentation stores it
 * as `fetch.__original`; OTLP/JS's fetch transport unwraps it the same way).
 */
import type { WireRequest, WireResult } from "../core/driver.js";
import type { Exporter } from "../core/exporter.js";
import { platform } from "../core/platform.js";
import { optionError } from "../core/errors.js";
import { displayTarget } from "../core/delivery.js";

type Fetch = typeof fetch;

/** The platform's fetch as it was when this module loaded, unwrapped. */
const platformFetch: Fetch | undefined = (() => {
  const f = (globalThis as { fetch?: Fetch & { __original?: Fetch } }).fetch;
  if (typeof f !== "function") return undefined;
  const original = f.__original;
  return typeof original === "function" ? original : f;
})();

/**
 * Browsers cap the bodies of all pending `keepalive` requests at 64 KiB together, and
 * Chrome allows at most 9 of them at once.
 * @see https://fetch.spec.whatwg.org/#http-network-or-cache-fetch (keepalive quota)
 * @see OTLP/JS `MAX_KEEPALIVE_BODY_SIZE` (60 KiB) in `otlp-exporter-base/src/transport/fetch-transport.ts`
 */
const MAX_KEEPALIVE_BYTES = 60 * 1024;
const MAX_KEEPALIVE_REQUESTS = 9;
let keepaliveBytes = 0;
let keepaliveRequests = 0;

export interface HttpExporterOptions {
  /** The AgentLens backend's base URL; requests go to `{endpoint}/events`. */
  endpoint: string;
  /** Sent as `X-API-Key`. */
  apiKey: string;
  /**
   * Per-request timeout in milliseconds. The core hands each request its own timeout
   * (`requestTimeoutMs`); this can only shorten it, because the core treats a request
   * it has not heard back from by then as timed out and sends it again.
   */
  timeoutMs?: number;
  /** The fetch to use instead of the platform's (its original, if instrumented). */
  fetch?: Fetch;
  /** Extra request headers. `Content-Type` and `X-API-Key` are always ours. */
  headers?: Record<string, string>;
  /**
   * Sends with `keepalive` so a request outlives the page that started it, while the
   * pending keepalive bodies stay under the browsers' 64 KiB quota. Default: on in the
   * browser platform, off elsewhere.
   */
  keepalive?: boolean;
}

/**
 * An exporter that posts to an AgentLens-compatible backend.
 *
 * @example
 * ```ts
 * import { createHttpExporter } from "@agentlens/sdk";
 * const http = createHttpExporter({ endpoint: "http://127.0.0.1:3000", apiKey: "dev-key" });
 * http.format; // "agentlens"
 * ```
 *
 * # Errors
 * Throws `AgentLensConfigError` if `endpoint` is not an http(s) URL or `apiKey` is not a
 * string. `send` never rejects.
 */
export function createHttpExporter(o: HttpExporterOptions): Exporter {
  if (typeof o !== "object" || o === null) throw optionError("options", "must be an object", o);
  const url = eventsUrl(o.endpoint);
  if (typeof o.apiKey !== "string") {
    throw optionError("apiKey", "must be a string", o.apiKey);
  }
  if (o.timeoutMs !== undefined && !(Number.isFinite(o.timeoutMs) && o.timeoutMs > 0)) {
    throw optionError("timeoutMs", "must be a positive number of milliseconds", o.timeoutMs);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(o.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower !== "content-type" && lower !== "x-api-key") headers[name] = String(value);
  }
  headers["Content-Type"] = "application/json";
  headers["X-API-Key"] = o.apiKey;
  const keepalive = o.keepalive ?? platform().name === "browser";

  return {
    name: "http",
    target: displayTarget(url),
    format: "agentlens",
    async send(request: WireRequest): Promise<WireResult> {
      const f = o.fetch ?? platformFetch ?? (globalThis as { fetch?: Fetch }).fetch;
      if (typeof f !== "function") return { failure: "network" };
      const timeoutMs = effectiveTimeout(request.timeoutMs, o.timeoutMs);
      const controller = new AbortController();
      // A timer per request, cleared when it settles: inside a request this is allowed
      // on edge runtimes too (they only cancel timers left behind by the invocation).
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const body = request.body;
      const useKeepalive =
        keepalive &&
        keepaliveRequests < MAX_KEEPALIVE_REQUESTS &&
        keepaliveBytes + body.byteLength <= MAX_KEEPALIVE_BYTES;
      if (useKeepalive) {
        keepaliveBytes += body.byteLength;
        keepaliveRequests++;
      }
      try {
        const init: RequestInit = { method: "POST", headers, body: body as NonNullable<RequestInit["body"]>, signal: controller.signal };
        if (useKeepalive) init.keepalive = true;
        const response = await f.call(globalThis, url, init);
        const result: WireResult = { status: response.status, retryAfter: response.headers.get("retry-after") };
        // Always consume the body: workerd (and undici) hold the connection until it is
        // read or cancelled, and a stalled connection stalls the next request.
        await discardBody(response);
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
    },
  };
}

function eventsUrl(endpoint: unknown): string {
  if (typeof endpoint !== "string") {
    throw optionError("endpoint", "must be an http or https URL", endpoint);
  }
  const base = endpoint.replace(/\/+$/, "");
  let parsed: URL;
  try {
    parsed = new URL(`${base}/events`);
  } catch {
    throw optionError("endpoint", "must be an http or https URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw optionError("endpoint", "must be an http or https URL");
  }
  return parsed.href;
}

function effectiveTimeout(fromCore: number, fromOptions: number | undefined): number {
  const core = Number.isFinite(fromCore) && fromCore > 0 ? fromCore : 10_000;
  return fromOptions === undefined ? core : Math.min(core, fromOptions);
}

/**
 * Bodies announced larger than this are cancelled rather than read.
 * @see OTLP/JS `MAX_RESPONSE_BODY_SIZE` (4 MiB) in `otlp-exporter-base`
 */
const MAX_READ_BYTES = 64 * 1024;

/** Reads the body to its end, or cancels it; never throws. The status is already known. */
async function discardBody(response: Response): Promise<void> {
  try {
    if (!response.body) return;
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > MAX_READ_BYTES) await response.body.cancel();
    else await response.arrayBuffer();
  } catch {
    try {
      await response.body?.cancel();
    } catch {
      // Already errored or locked: nothing more to release.
    }
  }
}
