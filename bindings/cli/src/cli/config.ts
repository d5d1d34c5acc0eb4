/**
 * The effective configuration of the CLI and the collector: defaults, then the profile
 * (`--profile` or `AGENTLENS_PROFILE`), then `AGENTLENS_*` variables, then command-line
 * flags, as Agent Inspector's `TraceConfig` (reference C.9). The SDK half (what `init()`
 * would use in this environment) comes from the SDK's own `resolveConfig` and `PROFILES`;
 * this file adds only the collector's settings. Secrets (API key, encryption key) are
 * never returned as text to print: `describeConfig` shows whether they are set.
 */
import { AgentLensConfigError, ENV_VARIABLES, PROFILES, resolveConfig, type PipelineOptions, type Profile } from "@agentlens/sdk";
import { pipelineDefaults } from "../collector/engine.js";
import { UsageError } from "./exit-codes.js";

export type Source = "default" | "profile" | "env" | "flag";

/** What the collector and the store commands run with. */
export interface CollectorConfig {
  profile: Profile | undefined;
  host: string;
  port: number;
  db: string;
  corsOrigins: string[];
  /** Set: requests must carry it as `X-API-Key`. */
  apiKey: string | undefined;
  /** Set: payloads are encrypted at rest with it (and needed to read them). */
  encryptionKey: string | undefined;
  compression: boolean;
  retentionDays: number;
  /** `undefined`: no size limit. */
  retentionMaxBytes: number | undefined;
  /** Set: what is stored is also sent to this OTLP/HTTP traces URL (`--forward-otlp`). */
  forwardOtlp: string | undefined;
  /** Forwarded spans carry the (redacted) content: prompts, responses, tool arguments. */
  forwardContent: boolean;
}

/** What the command line says about the collector; unset fields fall back to env, profile, defaults. */
export interface CollectorFlags {
  profile?: string;
  host?: string;
  port?: number;
  db?: string;
  cors?: string[];
  /** `--api-key-env`: the key is required; `--api-key-env=NAME`: and read from NAME. */
  apiKeyEnv?: string | boolean;
  forwardOtlp?: string;
  forwardContent?: boolean;
}

export const DEFAULT_DB = "agentlens.db";
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 3000;
export const DEFAULT_RETENTION_DAYS = 30;

/** Collector settings each profile changes (Agent Inspector: debug turns compression off). */
const COLLECTOR_PROFILES: Record<Profile, Partial<CollectorConfig>> = {
  production: { compression: true },
  development: { compression: true },
  debug: { compression: false },
};

/** The collector's variables, beside the SDK's (`ENV_VARIABLES` in core/config-env.ts). */
export const COLLECTOR_ENV = {
  host: "AGENTLENS_HOST",
  port: "AGENTLENS_PORT",
  db: "AGENTLENS_DB_PATH",
  corsOrigins: "AGENTLENS_CORS_ORIGINS",
  apiKey: "AGENTLENS_API_KEY",
  encryptionKey: "AGENTLENS_ENCRYPTION_KEY",
  compression: "AGENTLENS_COMPRESSION",
  retentionDays: "AGENTLENS_RETENTION_DAYS",
  retentionMaxBytes: "AGENTLENS_RETENTION_MAX_BYTES",
  forwardOtlp: "AGENTLENS_FORWARD_OTLP",
  forwardContent: "AGENTLENS_FORWARD_CONTENT",
} as const satisfies Partial<Record<keyof CollectorConfig, string>>;

type Env = Record<string, string | undefined>;

const envText = (env: Env, variable: string): string | undefined => {
  const t = env[variable];
  return typeof t === "string" && t.trim() !== "" ? t.trim() : undefined;
};

function envInt(env: Env, variable: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const t = envText(env, variable);
  if (t === undefined) return undefined;
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`environment variable ${variable} must be an integer in [${min}, ${max}]`);
  }
  return n;
}

function envBool(env: Env, variable: string): boolean | undefined {
  const t = envText(env, variable)?.toLowerCase();
  if (t === undefined) return undefined;
  if (["true", "1", "yes", "on"].includes(t)) return true;
  if (["false", "0", "no", "off"].includes(t)) return false;
  throw new UsageError(`environment variable ${variable} must be true/false, 1/0 or yes/no`);
}

function profileOf(text: string | undefined, from: string): Profile | undefined {
  if (text === undefined) return undefined;
  const p = text.trim().toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(PROFILES, p)) {
    throw new UsageError(`${from} must be one of ${Object.keys(PROFILES).join(", ")}`);
  }
  return p as Profile;
}

/**
 * An OTLP/HTTP traces URL from `--forward-otlp`: a base URL (`http://host:4318`) gets
 * `/v1/traces` as `OTEL_EXPORTER_OTLP_ENDPOINT` does; a URL with a path is used as is.
 */
export function forwardUrl(text: string | undefined, from: string): string | undefined {
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`${from} must be an http or https URL (e.g. http://127.0.0.1:4318)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${from} must be an http or https URL (e.g. http://127.0.0.1:4318)`);
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/v1/traces";
  return url.href;
}

/** A URL to print: user, password and query (where tokens hide) left out. */
export function withoutCredentials(href: string): string {
  const u = new URL(href);
  return `${u.origin}${u.pathname}`;
}

/** The resolved collector configuration and where each setting came from. */
export interface ResolvedCollector {
  config: CollectorConfig;
  sources: Record<keyof CollectorConfig, Source>;
}

/**
 * Merges defaults, profile, environment and flags for the collector.
 *
 * @throws UsageError naming the flag or variable at fault (never quoting a secret).
 */
export function resolveCollector(env: Env, flags: CollectorFlags = {}): ResolvedCollector {
  const sources = {} as Record<keyof CollectorConfig, Source>;
  const flagProfile = profileOf(flags.profile, "option --profile");
  const envProfile = profileOf(envText(env, "AGENTLENS_PROFILE"), "environment variable AGENTLENS_PROFILE");
  const profile = flagProfile ?? envProfile;
  const preset = profile ? COLLECTOR_PROFILES[profile] : {};
  const pick = <K extends keyof CollectorConfig>(key: K, fallback: CollectorConfig[K], fromEnv: CollectorConfig[K] | undefined, fromFlag: CollectorConfig[K] | undefined): CollectorConfig[K] => {
    if (fromFlag !== undefined) return (sources[key] = "flag"), fromFlag;
    if (fromEnv !== undefined) return (sources[key] = "env"), fromEnv;
    if (preset[key] !== undefined) return (sources[key] = "profile"), preset[key] as CollectorConfig[K];
    return (sources[key] = "default"), fallback;
  };
  sources.profile = flagProfile ? "flag" : envProfile ? "env" : "default";

  const keyVariable = typeof flags.apiKeyEnv === "string" ? flags.apiKeyEnv : COLLECTOR_ENV.apiKey;
  const apiKey = envText(env, keyVariable);
  if (flags.apiKeyEnv !== undefined && flags.apiKeyEnv !== false && apiKey === undefined) {
    throw new UsageError(`--api-key-env: environment variable ${keyVariable} is not set (the collector would run without authentication)`);
  }
  const corsEnv = envText(env, COLLECTOR_ENV.corsOrigins)
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const maxBytes = envInt(env, COLLECTOR_ENV.retentionMaxBytes, 0);
  const config: CollectorConfig = {
    profile,
    host: pick("host", DEFAULT_HOST, envText(env, COLLECTOR_ENV.host), flags.host),
    port: pick("port", DEFAULT_PORT, envInt(env, COLLECTOR_ENV.port, 0, 65535), flags.port),
    db: pick("db", DEFAULT_DB, envText(env, COLLECTOR_ENV.db), flags.db),
    corsOrigins: pick("corsOrigins", [], corsEnv, flags.cors && flags.cors.length > 0 ? flags.cors : undefined),
    apiKey: pick("apiKey", undefined, apiKey, undefined),
    encryptionKey: pick("encryptionKey", undefined, envText(env, COLLECTOR_ENV.encryptionKey), undefined),
    compression: pick("compression", true, envBool(env, COLLECTOR_ENV.compression), undefined),
    retentionDays: pick("retentionDays", DEFAULT_RETENTION_DAYS, envInt(env, COLLECTOR_ENV.retentionDays, 0), undefined),
    // Agent Inspector: empty or 0 means no limit.
    retentionMaxBytes: pick("retentionMaxBytes", undefined, maxBytes === 0 ? undefined : maxBytes, undefined),
    forwardOtlp: pick("forwardOtlp", undefined, forwardUrl(envText(env, COLLECTOR_ENV.forwardOtlp), `environment variable ${COLLECTOR_ENV.forwardOtlp}`), forwardUrl(flags.forwardOtlp, "option --forward-otlp")),
    forwardContent: pick("forwardContent", false, envBool(env, COLLECTOR_ENV.forwardContent), flags.forwardContent),
  };
  if (flags.port !== undefined && (flags.port < 0 || flags.port > 65535)) throw new UsageError("option --port must be in [0, 65535]");
  return { config, sources };
}

/** One line of `agentlens config`. */
export interface ShownSetting {
  section: "collector" | "sdk";
  name: string;
  /** Printable: secrets are replaced by `(set)`. */
  value: unknown;
  source: Source;
  variable?: string;
}

/**
 * Everything `agentlens config` shows: the collector's settings and the SDK's (as
 * `init()` would resolve them here), secrets masked.
 *
 * @throws UsageError for a bad profile or variable, naming it.
 */
export function describeConfig(env: Env, flags: CollectorFlags): ShownSetting[] {
  const { config, sources } = resolveCollector(env, flags);
  const out: ShownSetting[] = [];
  const secret = (v: string | undefined) => (v === undefined ? "(not set)" : "(set)");
  for (const key of Object.keys(config) as (keyof CollectorConfig)[]) {
    const raw = config[key];
    const value =
      key === "apiKey" || key === "encryptionKey" ? secret(raw as string | undefined) : key === "forwardOtlp" && typeof raw === "string" ? withoutCredentials(raw) : (raw ?? null);
    const variable = key === "profile" ? "AGENTLENS_PROFILE" : (COLLECTOR_ENV as Record<string, string>)[key];
    out.push({ section: "collector", name: key, value, source: sources[key], ...(variable ? { variable } : {}) });
  }
  let sdk;
  try {
    sdk = resolveConfig(config.profile ? { profile: config.profile } : {}, env);
  } catch (e) {
    if (e instanceof AgentLensConfigError) throw new UsageError((e as Error).message.replace(/^agentlens: /, ""));
    throw e;
  }
  const preset: Record<string, unknown> = config.profile ? { ...PROFILES[config.profile] } : {};
  const fromEnv = new Set(ENV_VARIABLES.filter(([variable]) => envText(env, variable) !== undefined).map(([, option]) => option));
  const variableOf = new Map(ENV_VARIABLES.map(([variable, option]) => [option, variable]));
  const sdkValues: Record<string, unknown> = {
    apiKey: sdk.apiKey,
    endpoint: sdk.endpoint,
    enabled: sdk.enabled,
    logLevel: sdk.logLevel,
    ...sdk.core,
  };
  // Every option a variable can set is listed, so the output shows what can be changed:
  // a tracker option with the value the SDK resolved, a pipeline option the SDK leaves
  // to the core with the core's value.
  const resolved = sdk as unknown as Record<string, unknown>;
  const coreDefaults = pipelineDefaults();
  for (const [, option] of ENV_VARIABLES) {
    if (option !== "profile" && sdkValues[option] === undefined) sdkValues[option] = resolved[option] ?? coreDefaults[option];
  }
  for (const [name, raw] of Object.entries(sdkValues)) {
    const source: Source = fromEnv.has(name) ? "env" : name in preset ? "profile" : "default";
    const value = name === "apiKey" ? (fromEnv.has("apiKey") ? "(set)" : "(not set: sends \"default\")") : (raw ?? null);
    const variable = variableOf.get(name);
    out.push({ section: "sdk", name, value, source, ...(variable ? { variable } : {}) });
  }
  return out;
}

/** How `config` writes a value that is empty or absent, by setting. */
const EMPTY_TEXT: Record<string, string> = {
  retentionMaxBytes: "(no limit)",
  redactKeys: "(none besides the built-in keys)",
};

function shownValue(s: ShownSetting): string {
  const empty = s.value === null || s.value === undefined || (Array.isArray(s.value) && s.value.length === 0);
  if (empty) return EMPTY_TEXT[s.name] ?? "(none)";
  return typeof s.value === "string" ? s.value : JSON.stringify(s.value);
}

/** `agentlens config` as text: one aligned line per setting, grouped by section. */
export function formatConfig(settings: readonly ShownSetting[]): string {
  const lines: string[] = [];
  const width = Math.max(...settings.map((s) => s.name.length));
  for (const section of ["collector", "sdk"] as const) {
    lines.push(section === "collector" ? "Collector (agentlens serve and the store commands):" : "SDK (what init() resolves in this environment):");
    for (const s of settings.filter((x) => x.section === section)) {
      const value = shownValue(s);
      const from = s.source === "env" && s.variable ? `env ${s.variable}` : s.source;
      lines.push(`  ${s.name.padEnd(width)}  ${value}  [${from}]`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
