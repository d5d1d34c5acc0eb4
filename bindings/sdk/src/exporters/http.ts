/**
 * The HTTP exporter: posts the AgentLens request bodies the core builds to
 * `{endpoint}/events` with an `X-API-Key`. It decides nothing: whether to retry, when,
 * and what to drop is the core's; this file performs one request and reports what
 * happened as a `WireResult`. It never rejects and never throws into agent code.
 * The request itself (untraced fetch, timeout, keepalive quota, body always consumed)
 * is `fetch-transport.ts`'s.
 */
import type { WireRequest, WireResult } from "../core/driver.js";
import type { Exporter } from "../core/exporter.js";
import { platform } from "../core/platform.js";
import { optionError, optionsSnapshot } from "../core/errors.js";
import { displayTarget } from "../core/delivery.js";
import { capturePlatformFetch, effectiveTimeout, postOnce, type Fetch } from "./fetch-transport.js";

/** The platform's fetch as it was when this module loaded, unwrapped (never our own tracing's). */
const platformFetch: Fetch | undefined = capturePlatformFetch();

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
export function createHttpExporter(options: HttpExporterOptions): Exporter {
  const o = optionsSnapshot(options);
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
      return postOnce(f, { url, headers, body: request.body, timeoutMs: effectiveTimeout(request.timeoutMs, o.timeoutMs), keepalive, readBody: false });
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
