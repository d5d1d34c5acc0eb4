/**
 * Configuration: the options `init()` takes, the three Agent Inspector profiles, and the
 * `AGENTLENS_*` environment variables. Precedence, lowest first: defaults, profile,
 * environment, explicit options.
 *
 * The pipeline options are checked by the core alone (its pipeline, built at `init()`,
 * or with no sinks by `resolveConfig`), once, after the merge; this file checks only what the
 * core cannot see (the API key, the endpoint, exporter objects, the logger, the profile)
 * and names the environment variable when the core refuses a value that came from one.
 * A typo or an out-of-range value fails at `init()` with an `AgentLensConfigError`
 * naming the option or variable. This file creates no exporters or pipelines.
 */
import type { Exporter } from "./exporter.js";
import { AgentLensConfigError, envError, optionError, optionKeys } from "./errors.js";
import { readEnv } from "./config-env.js";
import { wasm } from "./wasm.js";
import { ensurePatternEngine } from "./patterns.js";

/**
 * Options of the core pipeline (camelCase; see `agentlens::pipeline::Options`). The core
 * validates them; a test checks this declaration against the core's own list
 * (`pipelineOptions()`: names and types), so the two cannot drift apart.
 */
export interface PipelineOptions {
  /** Set per exporter from `Exporter.format`; not a tracker option. */
  format?: "agentlens" | "ndjson";
  /** Send Agent Inspector types as `generic` with the real type beside it (default true). */
  backendCompat?: boolean;
  /** Send once this many events are buffered (default 10). */
  batchSize?: number;
  /** Send once the oldest buffered event waited this long (default 5000). */
  flushIntervalMs?: number;
  maxRequestBytes?: number;
  /** At most this many events per request (default 500, the AgentLens backend's limit). */
  maxRequestEvents?: number;
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  maxRetryAfterMs?: number;
  requestTimeoutMs?: number;
  /** Most events buffered before the oldest are dropped (default 5000). */
  maxBufferEvents?: number;
  maxBufferBytes?: number;
  /** Fraction of sessions kept, in [0, 1] (default 1). Decided by session id in the core. */
  sampleRate?: number;
  /** Keep a run's events only if the run failed (default false). */
  onlyOnError?: boolean;
  maxHeldEvents?: number;
  /** Keys whose values are redacted at any depth, besides the defaults. */
  redactKeys?: string[];
  /** Patterns redacted inside strings, besides the defaults. */
  redactPatterns?: { name: string; regex: string; luhn?: boolean }[];
  replaceDefaultPatterns?: boolean;
  replaceDefaultKeys?: boolean;
  redactionMarker?: string;
  /** Each content field is cut to this many bytes (default 100 KB). */
  maxFieldBytes?: number;
  maxEventBytes?: number;
}

/** Agent Inspector's presets. */
export type Profile = "production" | "development" | "debug";

/** How much AgentLens says about itself. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Where AgentLens's own messages go. */
export type Logger = (level: Exclude<LogLevel, "silent">, message: string) => void;

/**
 * What `init()` takes. Every field is optional.
 *
 * @example
 * ```ts
 * import { init } from "@agentlens/sdk";
 * const tracker = init({
 *   apiKey: "prod-key-abc123",
 *   endpoint: "https://agentlens.example.com",
 *   profile: "development", // sampleRate 0.5, batchSize 50, logLevel "info"
 *   redactKeys: ["customer_ref"],
 * });
 * await tracker.shutdown(1000);
 * ```
 */
export interface TrackerOptions extends Omit<PipelineOptions, "format"> {
  /** Sent as `X-API-Key` by the default HTTP exporter. Default `"default"`; env `AGENTLENS_API_KEY`. */
  apiKey?: string;
  /** The AgentLens backend. Default `"http://localhost:3000"`, trailing `/` removed; env `AGENTLENS_ENDPOINT`. */
  endpoint?: string;
  /** Where events go. Default: one HTTP exporter to `endpoint`. Each gets its own batcher in the core pipeline. */
  exporters?: Exporter[];
  /**
   * Agent Inspector's presets: `production` (sampleRate 0.01, batchSize 100, logLevel
   * warn), `development` (0.5, 50, info), `debug` (1, 10, debug). Agent Inspector's
   * compression and encryption settings have no counterpart here yet. Env `AGENTLENS_PROFILE`.
   */
  profile?: Profile;
  /** Default `"warn"`; env `AGENTLENS_LOG_LEVEL`. */
  logLevel?: LogLevel;
  /** Receives AgentLens's own messages. Default: the platform's warning channel and `console`. */
  logger?: Logger;
  /** `false` records sessions locally (ids, `explain`) but exports nothing. Env `AGENTLENS_DISABLED`. */
  enabled?: boolean;
  /** Events kept per session for `explain()` (default 5000; older ones are forgotten and counted). */
  explainMaxEvents?: number;
  /**
   * When the process or page goes away (Node `beforeExit`, browser `pagehide`), how long
   * the tracker keeps delivering, retries included, before what is left is counted
   * `shutdown_timeout` and reported. Default 10000. Env `AGENTLENS_EXIT_TIMEOUT_MS`.
   */
  exitTimeoutMs?: number;
}

/** Options after defaults, profile, environment and explicit values are merged and checked. */
export interface ResolvedConfig {
  apiKey: string;
  endpoint: string;
  profile: Profile | undefined;
  enabled: boolean;
  logLevel: LogLevel;
  logger: Logger | undefined;
  explainMaxEvents: number;
  exitTimeoutMs: number;
  /** `undefined`: the default HTTP exporter. */
  exporters: readonly Exporter[] | undefined;
  /** What the core pipeline receives (each exporter's `format` besides). */
  core: PipelineOptions;
  /** @internal The environment variable each option came from, if it did (for error messages). */
  fromEnv?: Readonly<Record<string, string>>;
}

/** The presets, as Agent Inspector's `TraceConfig.profile` (reference C.9). */
export const PROFILES: Readonly<Record<Profile, Readonly<TrackerOptions>>> = {
  production: { sampleRate: 0.01, batchSize: 100, logLevel: "warn" },
  development: { sampleRate: 0.5, batchSize: 50, logLevel: "info" },
  debug: { sampleRate: 1, batchSize: 10, logLevel: "debug" },
};

export const DEFAULT_ENDPOINT = "http://localhost:3000";
export const DEFAULT_API_KEY = "default";

/** A check's complaint: what the value must be. Turned into an error naming the option or variable. */
class Must {
  constructor(
    readonly must: string,
    readonly path = "",
  ) {}
}

/** Returns the (normalised) value or throws `Must`. */
type Check = (v: unknown) => unknown;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const check =
  (ok: (v: unknown) => boolean, must: string): Check =>
  (v) => {
    if (!ok(v)) throw new Must(must);
    return v;
  };
const oneOf = (values: readonly string[]) =>
  check((v) => typeof v === "string" && values.includes(v), `must be one of ${values.map((x) => `"${x}"`).join(", ")}`);

/**
 * Checks for the options the core cannot see (they steer the JavaScript side only);
 * every other option goes to the core, which refuses unknown names.
 */
const TRACKER_CHECKS: Record<Exclude<keyof TrackerOptions, keyof PipelineOptions>, Check> = {
  apiKey: check((v) => typeof v === "string" && v.length > 0, "must be a non-empty string"),
  endpoint: endpointOption,
  exporters: exportersOption,
  profile: oneOf(Object.keys(PROFILES)),
  logLevel: oneOf(["debug", "info", "warn", "error", "silent"]),
  logger: check((v) => typeof v === "function", "must be a function"),
  enabled: check((v) => typeof v === "boolean", "must be a boolean"),
  explainMaxEvents: check((v) => isInt(v) && v >= 0, "must be an integer ≥ 0"),
  exitTimeoutMs: check((v) => typeof v === "number" && Number.isFinite(v) && v >= 0, "must be a finite number ≥ 0 (milliseconds)"),
};

const isTrackerOption = (key: string): key is keyof typeof TRACKER_CHECKS => Object.prototype.hasOwnProperty.call(TRACKER_CHECKS, key);

function endpointOption(v: unknown): string {
  if (typeof v !== "string") throw new Must("must be a string (an http or https URL)");
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Must("must be an absolute http or https URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Must("must be an http or https URL");
  return v.replace(/\/+$/, "");
}

function exportersOption(v: unknown): readonly Exporter[] {
  if (!Array.isArray(v)) throw new Must("must be an array of exporters");
  v.forEach((e: unknown, i) => {
    const x = e as Partial<Exporter> | null;
    if (!x || typeof x !== "object" || typeof x.send !== "function") throw new Must("must be an exporter with a send() method", `[${i}]`);
    if (typeof x.name !== "string") throw new Must("must be a string", `[${i}].name`);
    if (x.format !== "agentlens" && x.format !== "ndjson" && x.format !== "otlp") throw new Must('must be "otlp", "agentlens" or "ndjson"', `[${i}].format`);
  });
  return Object.freeze([...(v as Exporter[])]);
}

/** Checks one tracker option; the error names `variable` if it came from the environment, else the option. */
function checkOne(key: keyof typeof TRACKER_CHECKS, v: unknown, variable?: string): unknown {
  try {
    return TRACKER_CHECKS[key](v);
  } catch (e) {
    // Anything but a complaint is a value whose reading threw (a hostile Proxy).
    if (!(e instanceof Must)) throw variable ? envError(variable, "could not be read") : optionError(key, "could not be read");
    if (variable) throw envError(variable, e.must);
    if (e.path) throw optionError(key + e.path, e.must);
    throw optionError(key, e.must, v);
  }
}

/**
 * A pipeline option's value as JSON for the core. JSON cannot hold every JavaScript
 * value: non-finite numbers go as their names (the core shows them as such), BigInts,
 * functions and symbols as text (the core refuses them as strings), rather than being
 * dropped and read as unset.
 */
function coreValueJson(key: string, v: unknown): string {
  let values = 0;
  try {
    return JSON.stringify(v, (_k, x: unknown) => {
      // A value referring to one object many times (a DAG) expands without end in JSON.
      if (++values > MAX_OPTION_VALUES) throw optionError(key, `must hold at most ${MAX_OPTION_VALUES} values`);
      if (typeof x === "number" && !Number.isFinite(x)) return String(x);
      if (typeof x === "bigint" || typeof x === "function" || typeof x === "symbol") return `[${typeof x}]`;
      // Checked before `JSON.stringify` lists a key per byte (minutes for 100 MB).
      if (typeof x === "object" && x !== null && (ArrayBuffer.isView(x) || x instanceof ArrayBuffer)) {
        const name = Object.prototype.toString.call(x).slice(8, -1);
        throw optionError(key, `cannot hold binary data (got ${/^[AEIO]/.test(name) ? "an" : "a"} ${name})`);
      }
      return x;
    });
  } catch (e) {
    throw e instanceof AgentLensConfigError ? e : optionError(key, "could not be read");
  }
}

/** Values one pipeline option may hold (the longest lists, redaction keys and patterns, hold hundreds). */
const MAX_OPTION_VALUES = 100_000;

/**
 * The pipeline options as the JSON object text the core reads. Patterns beyond the defaults
 * need the regex engine in the core first (`patterns.ts`).
 */
export function coreOptionsJson(core: PipelineOptions, format?: PipelineOptions["format"]): string {
  const parts: string[] = [];
  for (const [key, v] of Object.entries(core)) {
    if (v === undefined) continue;
    const json = coreValueJson(key, v); // read once, hostile values refused by name
    if (key === "redactPatterns" && json.startsWith("[") && json !== "[]") ensurePatternEngine();
    parts.push(`${JSON.stringify(key)}:${json}`);
  }
  if (format) parts.push(`"format":${JSON.stringify(format)}`);
  return `{${parts.join(",")}}`;
}

/**
 * Runs `build` (which hands the pipeline options to the core) and, when the core refuses
 * an option whose value came from an environment variable, names the variable instead.
 */
export function withCoreErrors<T>(config: ResolvedConfig, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof AgentLensConfigError)) throw e;
    const { option, must } = e as unknown as { option?: unknown; must?: unknown };
    const base = typeof option === "string" ? option.replace(/[[.].*$/, "") : "";
    const variable = config.fromEnv?.[base];
    if (variable && typeof must === "string") throw envError(variable, must);
    throw e;
  }
}

/** `Array.isArray`, true for a revoked Proxy (whose check throws): neither is an options object. */
function isArray(v: unknown): boolean {
  try {
    return Array.isArray(v);
  } catch {
    return true;
  }
}

/** Reads every own option of `options`; a getter that throws names its option. */
function readOptions(options: TrackerOptions): Record<string, unknown> {
  // A typed array has an own key per byte: as options it would be read byte by byte.
  if (options === null || typeof options !== "object" || isArray(options) || ArrayBuffer.isView(options)) {
    throw optionError("options", "must be an object", options);
  }
  const keys = optionKeys(options);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    let v: unknown;
    try {
      v = (options as Record<string, unknown>)[key];
    } catch {
      throw optionError(key, "could not be read");
    }
    if (v === undefined) continue;
    if (key === "format") throw optionError("format", "is not an AgentLens option (it is set per exporter)");
    out[key] = isTrackerOption(key) ? checkOne(key, v) : v;
  }
  return out;
}

/**
 * Merges defaults, profile, environment and explicit options, and checks the options
 * only the JavaScript side reads. The pipeline options are left to the core: see
 * `resolveConfig`, and the tracker, whose pipeline checks them.
 */
export function mergeConfig(options: TrackerOptions = {}, env: Record<string, string | undefined> = {}): ResolvedConfig {
  const explicit = readOptions(options);
  const fromEnv: Record<string, unknown> = {};
  const variables: Record<string, string> = {};
  for (const { variable, option, value } of readEnv(env)) {
    fromEnv[option] = isTrackerOption(option) ? checkOne(option, value, variable) : value;
    if (!(option in explicit)) variables[option] = variable;
  }
  const profile = (explicit.profile ?? fromEnv.profile) as Profile | undefined;
  const merged: Record<string, unknown> = {
    apiKey: DEFAULT_API_KEY,
    endpoint: DEFAULT_ENDPOINT,
    enabled: true,
    logLevel: "warn",
    explainMaxEvents: 5000,
    exitTimeoutMs: 10_000,
    ...(profile ? PROFILES[profile] : {}),
    ...fromEnv,
    ...explicit,
  };
  const core: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(merged)) if (!isTrackerOption(key)) core[key] = v;
  return {
    apiKey: merged.apiKey as string,
    endpoint: merged.endpoint as string,
    profile,
    enabled: merged.enabled as boolean,
    logLevel: merged.logLevel as LogLevel,
    logger: merged.logger as Logger | undefined,
    explainMaxEvents: merged.explainMaxEvents as number,
    exitTimeoutMs: merged.exitTimeoutMs as number,
    exporters: merged.exporters as readonly Exporter[] | undefined,
    core: core as PipelineOptions,
    fromEnv: variables,
  };
}

/**
 * Merges defaults, profile, environment and explicit options, and checks them (the
 * pipeline options by the core's validator).
 *
 * @param env The environment (`platform().env()`); only `AGENTLENS_*` variables are read.
 * @throws AgentLensConfigError naming the first bad option or variable.
 * @example
 * ```ts
 * import { resolveConfig } from "@agentlens/sdk";
 * const c = resolveConfig({ profile: "production" }, { AGENTLENS_SAMPLE_RATE: "0.2" });
 * c.core.sampleRate; // 0.2: the environment beats the profile
 * c.core.batchSize;  // 100: from the profile
 * ```
 */
export function resolveConfig(options: TrackerOptions = {}, env: Record<string, string | undefined> = {}): ResolvedConfig {
  const config = mergeConfig(options, env);
  // A pipeline with no sinks only checks the options: the core's one validator.
  withCoreErrors(config, () => new (wasm().PipelineWasm)(coreOptionsJson(config.core), undefined, []).free());
  return config;
}
