/**
 * The OTLP exporter: sends traces to any OTLP/HTTP endpoint (an OpenTelemetry
 * Collector, Tempo, Jaeger, Honeycomb, Datadog, Grafana, Phoenix, Langfuse, ...). The Rust
 * core maps events to GenAI spans and encodes the `ExportTraceServiceRequest` bodies
 * (protobuf or JSON, content only on request and always redacted first); this file
 * resolves the options against the `OTEL_*` environment, gzips a body when asked, and
 * performs one request per body, reporting the status, `Retry-After` and (for a 2xx)
 * the response body, from which the core reads `partial_success`. It decides nothing:
 * which statuses are retried, when, and what is counted is the core's OTLP policy
 * (docs/otlp.md). It never rejects and never throws into agent code, and its own
 * requests are never traced (`fetch-transport.ts`).
 */
import type { WireRequest, WireResult } from "../core/driver.js";
import type { Exporter, OtlpSinkSpec } from "../core/exporter.js";
import { platform } from "../core/platform.js";
import { envError, optionError, optionsSnapshot } from "../core/errors.js";
import { displayTarget } from "../core/delivery.js";
import { capturePlatformFetch, effectiveTimeout, postOnce, readAll, type Fetch } from "./fetch-transport.js";
import { BAD_HEADER_VALUE, HEADER_NAME, otlpEnv, type OtlpEnv } from "./otlp-env.js";

/** The platform's fetch as it was when this module loaded, unwrapped (never our own tracing's). */
const platformFetch: Fetch | undefined = capturePlatformFetch();

/** This package's version, sent as the resource's `telemetry.sdk.version` (a test checks it against package.json). */
export const SDK_VERSION = "0.1.0";

/** The OTLP/HTTP default for traces. @see https://opentelemetry.io/docs/specs/otlp/#otlphttp-request */
const DEFAULT_ENDPOINT = "http://localhost:4318/v1/traces";

/**
 * Options of `createOtlpExporter`. Each falls back to its standard environment variable
 * where the runtime has an environment (Node, Deno, Bun; on edge runtimes pass options),
 * the trace-specific variable over the generic one; an option always wins.
 */
export interface OtlpExporterOptions {
  /**
   * The full traces URL, used as is. Env `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (as is), else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. Default `http://localhost:4318/v1/traces`.
   */
  endpoint?: string;
  /**
   * Request headers (an API key, a tenant). Env `OTEL_EXPORTER_OTLP_TRACES_HEADERS`,
   * `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`, URL-encoded values), merged name by name
   * under these. `Content-Type` and `Content-Encoding` are always ours.
   */
  headers?: Record<string, string>;
  /** `http/protobuf` (default) or `http/json`. Env `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`. */
  protocol?: "http/protobuf" | "http/json";
  /**
   * `gzip` or `none` (default). Gzip uses the platform's `CompressionStream`; where there is
   * none, bodies go uncompressed (with one warning). Env `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`,
   * `OTEL_EXPORTER_OTLP_COMPRESSION`.
   */
  compression?: "gzip" | "none";
  /**
   * Per-request timeout in milliseconds (default 10000). The core hands each request its own
   * timeout (`requestTimeoutMs`); this can only shorten it. Env `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`,
   * `OTEL_EXPORTER_OTLP_TIMEOUT`.
   */
  timeoutMs?: number;
  /**
   * The resource's `service.name`. Env `OTEL_SERVICE_NAME`; else a `service.name` among the
   * resource attributes; default `unknown_service`.
   */
  serviceName?: string;
  /** Resource attributes, merged key by key over env `OTEL_RESOURCE_ATTRIBUTES` (`k=v,...`, percent-decoded). */
  resourceAttributes?: Record<string, string | number | boolean>;
  /**
   * Export prompts, responses, tool arguments and results, reasoning, memory values and
   * final answers (after redaction and truncation). Default `false`, as the GenAI
   * conventions ask.
   */
  captureContent?: boolean;
  /**
   * The GenAI semantic-convention version: `"1.42"` (default) or `"1.36"` (`gen_ai.system`
   * instead of `gen_ai.provider.name`). `OTEL_SEMCONV_STABILITY_OPT_IN` listing
   * `gen_ai_latest_experimental` means 1.42 whatever this says.
   */
  semconv?: "1.42" | "1.36";
  /** The fetch to use instead of the platform's (its original, if instrumented). */
  fetch?: Fetch;
  /** Sends with `keepalive` within the browsers' 64 KiB quota. Default: on in the browser platform, off elsewhere. */
  keepalive?: boolean;
  /**
   * Give model-call spans their cost, `agentlens.cost.usd` (US dollars, priced by the core
   * with the price data the package ships, at the price in force when the call happened;
   * a model it does not know gets none, never 0). Default `true`. The price data (~470 KB)
   * is loaded on the tracker's creation, not by `import "@agentlens/sdk"`; events wait for
   * it (a few milliseconds). When it cannot be loaded, spans go without cost and a warning
   * says why. One price list per tracker: when any of its OTLP exporters prices, all do.
   */
  costs?: boolean;
}

const OPTION_NAMES = new Set([
  "endpoint",
  "headers",
  "protocol",
  "compression",
  "timeoutMs",
  "serviceName",
  "resourceAttributes",
  "captureContent",
  "semconv",
  "fetch",
  "keepalive",
  "costs",
]);

/**
 * An exporter that sends traces to an OTLP/HTTP endpoint, as GenAI spans.
 *
 * @example
 * ```ts
 * import { createOtlpExporter } from "@agentlens/sdk";
 * const otlp = createOtlpExporter({ endpoint: "http://127.0.0.1:4318/v1/traces", serviceName: "travel-agent" });
 * otlp.format; // "otlp"
 * otlp.otlp?.protocol; // "http/protobuf"
 * ```
 *
 * # Errors
 * Throws `AgentLensConfigError` naming the option (or the environment variable) when a
 * value is invalid: an endpoint that is not an http(s) URL, an unknown protocol
 * (`grpc` included) or compression, a timeout that is not a positive number, a header
 * or resource attribute that cannot be sent, an unknown option. `send` never rejects.
 */
export function createOtlpExporter(given: OtlpExporterOptions = {}): Exporter {
  const options = optionsSnapshot(given);
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw optionError("options", "must be an object", options);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw optionError(key, `is not an option of createOtlpExporter (options: ${[...OPTION_NAMES].join(", ")})`);
  }
  const o = options;
  const env = otlpEnv(environment());
  const url = resolveEndpoint(o.endpoint, env);
  const protocol = oneOf("protocol", o.protocol, ["http/protobuf", "http/json"] as const) ?? env.protocol() ?? "http/protobuf";
  const compression = oneOf("compression", o.compression, ["gzip", "none"] as const) ?? env.compression() ?? "none";
  const semconvOption = oneOf("semconv", o.semconv, ["1.42", "1.36"] as const);
  const semconv = env.latestGenAi() ? "1.42" : (semconvOption ?? "1.42");
  if (o.timeoutMs !== undefined && !(typeof o.timeoutMs === "number" && Number.isFinite(o.timeoutMs) && o.timeoutMs > 0)) {
    throw optionError("timeoutMs", "must be a positive number of milliseconds", o.timeoutMs);
  }
  const timeoutMs = o.timeoutMs ?? env.timeoutMs();
  if (o.captureContent !== undefined && typeof o.captureContent !== "boolean") throw optionError("captureContent", "must be a boolean", o.captureContent);
  if (o.keepalive !== undefined && typeof o.keepalive !== "boolean") throw optionError("keepalive", "must be a boolean", o.keepalive);
  if (o.fetch !== undefined && typeof o.fetch !== "function") throw optionError("fetch", "must be a function", o.fetch);
  if (o.costs !== undefined && typeof o.costs !== "boolean") throw optionError("costs", "must be a boolean", o.costs);
  const { serviceName, resourceAttributes } = resolveResource(o, env);
  const contentType = protocol === "http/json" ? "application/json" : "application/x-protobuf";
  const plain = { ...mergeHeaders(env.headers(), checkHeaders(o.headers)), "Content-Type": contentType };
  const gzipped = { ...plain, "Content-Encoding": "gzip" };
  const canGzip = compression === "gzip" && hasCompressionStream();
  if (compression === "gzip" && !canGzip) warnOnce("agentlens: OTLP compression gzip was asked for, but this runtime has no CompressionStream: sending uncompressed");
  const keepalive = o.keepalive ?? platform().name === "browser";
  // `telemetry.sdk.language`: the semantic conventions' value for server-side JavaScript
  // (Node, and Deno and Bun, which load the node entry point) and for everything else.
  const sdkLanguage = platform().name === "node" ? "nodejs" : "webjs";
  const otlp: OtlpSinkSpec = { protocol, serviceName, resourceAttributes, captureContent: o.captureContent ?? false, semconv, sdkVersion: SDK_VERSION, sdkLanguage };

  return {
    name: "otlp",
    target: displayTarget(url),
    format: "otlp",
    otlp,
    ...(o.costs === false ? {} : { priceCatalog: loadPriceCatalog }),
    async send(request: WireRequest): Promise<WireResult> {
      const f = o.fetch ?? platformFetch ?? (globalThis as { fetch?: Fetch }).fetch;
      const zipped = canGzip ? await gzip(request.body) : undefined;
      return postOnce(f, {
        url,
        headers: zipped ? gzipped : plain,
        body: zipped ?? request.body,
        timeoutMs: effectiveTimeout(request.timeoutMs, timeoutMs),
        keepalive,
        readBody: true,
      });
    },
  };
}

let catalog: Promise<string> | undefined;

/** The price data module the package ships, imported on first use (once per process). */
function loadPriceCatalog(): Promise<string> {
  catalog ??= import("../../prices/catalog.js").then((m: { default: unknown }) => {
    if (typeof m.default !== "string") throw new Error("the price data module (prices/catalog.js) exports no text");
    return m.default;
  });
  return catalog;
}

/** The platform's environment, or none (edge runtimes, browsers, no platform yet). */
function environment(): Record<string, string | undefined> {
  try {
    return platform().env() ?? {};
  } catch {
    return {};
  }
}

/** The option if set (checked against `allowed`), else `undefined` for the environment or default to decide. */
function oneOf<T extends string>(option: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  throw optionError(option, `must be ${allowed.map((a) => `"${a}"`).join(" or ")}`, v);
}

function resolveEndpoint(option: unknown, env: OtlpEnv): string {
  if (option !== undefined) {
    const url = httpUrl(option);
    if (url === undefined) throw optionError("endpoint", "must be an absolute http or https URL (the full traces URL, e.g. http://localhost:4318/v1/traces)", option);
    return url;
  }
  const fromEnv = env.endpoint();
  if (fromEnv) {
    const url = httpUrl(fromEnv.url);
    if (url === undefined) throw envError(fromEnv.variable, "must be an absolute http or https URL");
    return url;
  }
  return DEFAULT_ENDPOINT;
}

function httpUrl(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const OURS = new Set(["content-type", "content-encoding"]);

function checkHeaders(h: unknown): Record<string, string> | undefined {
  if (h === undefined) return undefined;
  if (typeof h !== "object" || h === null || Array.isArray(h)) throw optionError("headers", "must be an object of header names to strings", h);
  for (const [name, value] of Object.entries(h)) {
    if (!HEADER_NAME.test(name)) throw optionError("headers", "has a name that is not a valid HTTP header name");
    if (typeof value !== "string" || BAD_HEADER_VALUE.test(value)) throw optionError(`headers.${name}`, "must be a string without line breaks", value);
  }
  return h as Record<string, string>;
}

/** Environment headers, then the options' over them (names compared case-insensitively); ours dropped. */
function mergeHeaders(...layers: (Record<string, string> | undefined)[]): Record<string, string> {
  const byLower = new Map<string, [string, string]>();
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      if (!OURS.has(name.toLowerCase())) byLower.set(name.toLowerCase(), [name, value]);
    }
  }
  return Object.fromEntries(byLower.values());
}

/**
 * `service.name`: the option, then a `service.name` among the options' resource
 * attributes, then `OTEL_SERVICE_NAME`, then the environment's resource attributes
 * (code over environment, and `OTEL_SERVICE_NAME` over `OTEL_RESOURCE_ATTRIBUTES`, as the
 * OpenTelemetry SDK configuration specifies). The other attributes: the options' over
 * the environment's, key by key; `service.name` travels as `serviceName` only.
 */
function resolveResource(o: OtlpExporterOptions, env: OtlpEnv): Pick<OtlpSinkSpec, "serviceName" | "resourceAttributes"> {
  if (o.serviceName !== undefined && (typeof o.serviceName !== "string" || o.serviceName === "")) {
    throw optionError("serviceName", "must be a non-empty string", o.serviceName);
  }
  const own = o.resourceAttributes;
  if (own !== undefined && (typeof own !== "object" || own === null || Array.isArray(own))) {
    throw optionError("resourceAttributes", "must be an object of attribute names to strings, numbers or booleans", own);
  }
  for (const [k, v] of Object.entries(own ?? {})) {
    const ok = typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
    if (!ok || k === "") throw optionError(`resourceAttributes.${k}`, "must be a string, a finite number or a boolean", v);
  }
  const envAttrs = env.resourceAttributes();
  const merged: Record<string, string | number | boolean> = { ...envAttrs, ...own };
  const fromOwn = own?.["service.name"];
  const serviceName = o.serviceName ?? (fromOwn !== undefined ? String(fromOwn) : undefined) ?? env.serviceName() ?? envAttrs?.["service.name"] ?? "unknown_service";
  delete merged["service.name"];
  return { serviceName, resourceAttributes: merged };
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  try {
    platform().warn(message);
  } catch {
    // A broken logger must not break the exporter's creation.
  }
}

function hasCompressionStream(): boolean {
  return typeof (globalThis as { CompressionStream?: unknown }).CompressionStream === "function";
}

/** The body gzipped by the platform, or `undefined` if that failed (then it goes uncompressed). Never throws. */
async function gzip(body: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const stream = new CompressionStream("gzip");
    const writer = stream.writable.getWriter();
    // Not awaited before reading: the writes complete only as the output is read.
    writer.write(body as Uint8Array<ArrayBuffer>).catch(() => {});
    writer.close().catch(() => {});
    return await readAll(stream.readable as ReadableStream<Uint8Array>);
  } catch {
    return undefined;
  }
}
