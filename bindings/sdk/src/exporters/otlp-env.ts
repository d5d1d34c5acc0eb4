/**
 * The OpenTelemetry exporter environment variables (`OTEL_EXPORTER_OTLP_*`,
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SEMCONV_STABILITY_OPT_IN`) as
 * the OTLP exporter reads them: the trace-specific variable wins over the generic one,
 * empty variables count as unset, and a text that cannot be read is an
 * `AgentLensConfigError` naming the variable (never quoting it: headers hold keys).
 * Which value wins over an option is `otlp.ts`'s; this file only reads text, and only
 * the variables it is asked for.
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/ (the variables)
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
import { envError } from "../core/errors.js";

type Env = Record<string, string | undefined>;

/** A variable's text, trimmed; `undefined` when unset, empty, or unreadable (Deno without --allow-env). */
function text(env: Env, variable: string): string | undefined {
  let v: unknown;
  try {
    v = env[variable];
  } catch {
    return undefined;
  }
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/** The trace-specific variable if set, else the generic one. */
function either(env: Env, suffix: string): { value: string; variable: string } | undefined {
  for (const variable of [`OTEL_EXPORTER_OTLP_TRACES_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`]) {
    const value = text(env, variable);
    if (value !== undefined) return { value, variable };
  }
  return undefined;
}

/**
 * `k=v,k2=v2` with percent-encoded keys and values (W3C Baggage's list shape, which both
 * `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES` use).
 *
 * @throws AgentLensConfigError naming `variable` for an entry without `=`, an empty key,
 * or a bad percent escape.
 */
export function parsePairs(value: string, variable: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of value.split(",")) {
    if (entry.trim() === "") continue;
    const eq = entry.indexOf("=");
    if (eq < 0) throw envError(variable, "must be a comma-separated list of key=value pairs");
    let key: string;
    let val: string;
    try {
      key = decodeURIComponent(entry.slice(0, eq).trim());
      val = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      throw envError(variable, "has a malformed percent-encoded (URL-encoded) key or value");
    }
    if (key === "") throw envError(variable, "has an entry with an empty key");
    out[key] = val;
  }
  return out;
}

/** Endpoint: the traces variable is the full URL; the generic one is a base that gets `/v1/traces`. */
function endpoint(env: Env): { url: string; variable: string } | undefined {
  const traces = text(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (traces !== undefined) return { url: traces, variable: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" };
  const base = text(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  if (base === undefined) return undefined;
  return { url: `${base.endsWith("/") ? base : `${base}/`}v1/traces`, variable: "OTEL_EXPORTER_OTLP_ENDPOINT" };
}

function protocol(env: Env): "http/protobuf" | "http/json" | undefined {
  const p = either(env, "PROTOCOL");
  if (!p) return undefined;
  if (p.value === "http/protobuf" || p.value === "http/json") return p.value;
  throw envError(p.variable, 'must be "http/protobuf" or "http/json": AgentLens sends OTLP over HTTP only');
}

function compression(env: Env): "gzip" | "none" | undefined {
  const c = either(env, "COMPRESSION");
  if (!c) return undefined;
  const v = c.value.toLowerCase();
  if (v === "gzip" || v === "none") return v;
  throw envError(c.variable, 'must be "gzip" or "none"');
}

function timeoutMs(env: Env): number | undefined {
  const t = either(env, "TIMEOUT");
  if (!t) return undefined;
  const n = Number(t.value);
  if (!Number.isFinite(n) || n <= 0) throw envError(t.variable, "must be a positive number of milliseconds");
  return n;
}

/** RFC 9110 `token` for header names; values without CR, LF or NUL (fetch would refuse them at every send). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const BAD_HEADER_VALUE = /[\r\n\0]/;

function headerPairs(value: string, variable: string): Record<string, string> {
  const pairs = parsePairs(value, variable);
  for (const [name, v] of Object.entries(pairs)) {
    if (!HEADER_NAME.test(name) || BAD_HEADER_VALUE.test(v)) throw envError(variable, "has a header that cannot be sent (a bad name, or a line break in a value)");
  }
  return pairs;
}

/** Generic headers, then the trace-specific ones over them, key by key (as OpenTelemetry JS merges them). */
function headers(env: Env): Record<string, string> | undefined {
  const generic = text(env, "OTEL_EXPORTER_OTLP_HEADERS");
  const traces = text(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS");
  if (generic === undefined && traces === undefined) return undefined;
  return {
    ...(generic === undefined ? {} : headerPairs(generic, "OTEL_EXPORTER_OTLP_HEADERS")),
    ...(traces === undefined ? {} : headerPairs(traces, "OTEL_EXPORTER_OTLP_TRACES_HEADERS")),
  };
}

/**
 * The variables, each read only when asked for: a variable that an option makes unused
 * is never read, so a value meant for another OpenTelemetry component in the same
 * process (`OTEL_EXPORTER_OTLP_PROTOCOL=grpc`) cannot fail an exporter that says
 * `protocol` itself. Each reader returns `undefined` when its variables are unset.
 *
 * @throws AgentLensConfigError (from a reader) naming a variable whose text cannot be read.
 */
export function otlpEnv(env: Env) {
  return {
    /** The full traces URL, and the variable it came from. */
    endpoint: () => endpoint(env),
    headers: () => headers(env),
    protocol: () => protocol(env),
    compression: () => compression(env),
    timeoutMs: () => timeoutMs(env),
    serviceName: () => text(env, "OTEL_SERVICE_NAME"),
    resourceAttributes: (): Record<string, string> | undefined => {
      const resource = text(env, "OTEL_RESOURCE_ATTRIBUTES");
      return resource === undefined ? undefined : parsePairs(resource, "OTEL_RESOURCE_ATTRIBUTES");
    },
    /** `OTEL_SEMCONV_STABILITY_OPT_IN` lists `gen_ai_latest_experimental`. */
    latestGenAi: (): boolean => {
      const optIn = text(env, "OTEL_SEMCONV_STABILITY_OPT_IN");
      return optIn !== undefined && optIn.split(",").some((s) => s.trim() === "gen_ai_latest_experimental");
    },
  };
}

/** What `otlpEnv` returns. */
export type OtlpEnv = ReturnType<typeof otlpEnv>;
