/**
 * `AGENTLENS_*` environment variables: which option each sets and how its text is read.
 * Parsing errors name the variable; range checks happen in `config.ts`, with the same
 * checks as explicit options. Empty variables count as unset.
 */
import { envError } from "./errors.js";

type Parse = (text: string, variable: string) => unknown;

const number: Parse = (t, variable) => {
  const n = Number(t.trim());
  if (t.trim() === "" || !Number.isFinite(n)) throw envError(variable, "must be a number");
  return n;
};

const boolean: Parse = (t, variable) => {
  const v = t.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw envError(variable, "must be true/false, 1/0 or yes/no");
};

const string: Parse = (t) => t.trim();
const list: Parse = (t) =>
  t
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** Each variable, the option it sets, and how to read it. */
export const ENV_VARIABLES: ReadonlyArray<readonly [variable: string, option: string, parse: Parse]> = [
  ["AGENTLENS_API_KEY", "apiKey", string],
  ["AGENTLENS_ENDPOINT", "endpoint", string],
  ["AGENTLENS_PROFILE", "profile", (t) => t.trim().toLowerCase()],
  ["AGENTLENS_SAMPLE_RATE", "sampleRate", number],
  ["AGENTLENS_ONLY_ON_ERROR", "onlyOnError", boolean],
  ["AGENTLENS_BATCH_SIZE", "batchSize", number],
  ["AGENTLENS_FLUSH_INTERVAL_MS", "flushIntervalMs", number],
  ["AGENTLENS_MAX_RETRIES", "maxRetries", number],
  ["AGENTLENS_REQUEST_TIMEOUT_MS", "requestTimeoutMs", number],
  ["AGENTLENS_EXIT_TIMEOUT_MS", "exitTimeoutMs", number],
  ["AGENTLENS_MAX_BUFFER_EVENTS", "maxBufferEvents", number],
  ["AGENTLENS_MAX_FIELD_BYTES", "maxFieldBytes", number],
  ["AGENTLENS_BACKEND_COMPAT", "backendCompat", boolean],
  ["AGENTLENS_REDACT_KEYS", "redactKeys", list],
  // Agent Inspector spells it WARNING.
  ["AGENTLENS_LOG_LEVEL", "logLevel", (t) => t.trim().toLowerCase().replace(/^warning$/, "warn")],
  ["AGENTLENS_DISABLED", "enabled", (t, v) => !boolean(t, v)],
];

/** One variable that is set: the option it sets and its parsed value. */
export interface EnvSetting {
  variable: string;
  option: string;
  value: unknown;
}

/**
 * Reads the `AGENTLENS_*` variables that are set.
 *
 * @throws AgentLensConfigError naming a variable whose text cannot be read.
 */
export function readEnv(env: Record<string, string | undefined>): EnvSetting[] {
  const out: EnvSetting[] = [];
  for (const [variable, option, parse] of ENV_VARIABLES) {
    let text: unknown;
    try {
      text = env[variable];
    } catch {
      continue;
    }
    if (typeof text !== "string" || text.trim() === "") continue;
    out.push({ variable, option, value: parse(text, variable) });
  }
  return out;
}
