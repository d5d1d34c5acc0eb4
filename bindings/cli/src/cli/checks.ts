/**
 * Checks of a command line that need more than its spec (combinations of options, option
 * values with a format), made before the Node version gate and before anything is opened,
 * so a usage error is reported the same way on every Node. Pure: no I/O.
 */
import type { InspectorRun, SessionStatus } from "../collector/types.js";
import type { Parsed } from "./args.js";
import type { CollectorFlags } from "./config.js";
import { UsageError } from "./exit-codes.js";

type Options = Parsed["options"];

/** The statuses `--status` accepts: the ones the collector stores. */
export const SESSION_STATUSES = ["active", "completed", "error", "timeout"] as const satisfies readonly SessionStatus[];
export const RUN_STATUSES = ["running", "completed", "failed"] as const satisfies readonly InspectorRun["status"][];

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The flags every store command shares with the collector's configuration. */
export function collectorFlags(o: Options): CollectorFlags {
  const flags: CollectorFlags = {};
  if (typeof o.db === "string") flags.db = o.db;
  if (typeof o.host === "string") flags.host = o.host;
  if (typeof o.port === "number") flags.port = o.port;
  if (Array.isArray(o.cors)) flags.cors = o.cors;
  if (typeof o.profile === "string") flags.profile = o.profile;
  if (o["api-key-env"] !== undefined) flags.apiKeyEnv = o["api-key-env"] as string | boolean;
  if (typeof o["forward-otlp"] === "string") flags.forwardOtlp = o["forward-otlp"];
  if (o["forward-content"] === true) flags.forwardContent = true;
  return flags;
}

/** `--now`: ISO 8601 or epoch milliseconds. */
export function parseNow(text: string): number {
  const t = text.trim();
  const ms = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  if (!Number.isFinite(ms)) throw new UsageError("option --now needs a time (ISO 8601, e.g. 2025-01-31T00:00:00Z, or epoch ms)", "prune");
  return ms;
}

/**
 * `--since`/`--until`: ISO 8601, epoch milliseconds, or a duration before `nowMs`
 * (`30m`, `24h`, `7d`, `2w`, `90s`), as epoch milliseconds.
 */
export function parseTime(text: string, option: string, command: string, nowMs: number): number {
  const t = text.trim();
  const ago = /^(\d+)([smhdw])$/.exec(t);
  const ms = ago ? nowMs - Number(ago[1]) * UNIT_MS[ago[2]!]! : /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  if (!Number.isFinite(ms)) {
    throw new UsageError(`option --${option} needs a time (ISO 8601, epoch ms, or a duration before now such as 24h or 7d)`, command);
  }
  return ms;
}

function oneOf(o: Options, option: string, allowed: readonly string[], command: string): void {
  const v = o[option];
  if (typeof v === "string" && !allowed.includes(v)) throw new UsageError(`option --${option} must be one of ${allowed.join(", ")}`, command);
}

function checkExport(parsed: Parsed): void {
  const o = parsed.options;
  const runId = parsed.positionals[0];
  const session = typeof o.session === "string";
  if (session && (runId !== undefined || o.all === true)) throw new UsageError("give one of RUN_ID, --session and --all", "export");
  if (runId !== undefined && o.all === true) throw new UsageError("give either RUN_ID or --all, not both", "export");
  if (runId === undefined && o.all !== true && !session) throw new UsageError("give a RUN_ID or --all (or a session: SESSION_ID or --session SESSION_ID)", "export");
  if (o.limit !== undefined && o.all !== true) throw new UsageError("--limit applies only with --all", "export");
}

/** The actions of `agentlens prices`. */
export const PRICE_ACTIONS = ["update", "show", "lookup"] as const;

function checkPrices(parsed: Parsed): void {
  const o = parsed.options;
  const [action, model] = parsed.positionals;
  if (!PRICE_ACTIONS.includes(action as (typeof PRICE_ACTIONS)[number])) throw new UsageError(`unknown action "${action ?? ""}" (update, show or lookup)`, "prices");
  if (action === "update" && typeof o.from !== "string") throw new UsageError("prices update needs --from FILE (a genai-prices prices.json or an AgentLens catalog file)", "prices");
  if (action === "lookup" && (model === undefined || model.trim() === "")) throw new UsageError("prices lookup needs a MODEL", "prices");
  if (action !== "lookup" && model !== undefined) throw new UsageError(`unexpected argument after "${action}"`, "prices");
  if (action !== "update" && (o.from !== undefined || o["no-reload"] !== undefined || o.port !== undefined)) {
    throw new UsageError("--from, --port and --no-reload apply only to prices update", "prices");
  }
  if (action !== "lookup" && (o.provider !== undefined || o.at !== undefined)) throw new UsageError("--provider and --at apply only to prices lookup", "prices");
  if (typeof o.at === "string" && (!/^\d{4}-\d{2}-\d{2}$/.test(o.at) || Number.isNaN(Date.parse(`${o.at}T00:00:00Z`)))) {
    throw new UsageError("option --at needs a day (YYYY-MM-DD)", "prices");
  }
}

/** Throws a `UsageError` for a command line its spec accepts but the command cannot run. */
export function checkCommand(name: string, parsed: Parsed): void {
  const o = parsed.options;
  if (name === "export") checkExport(parsed);
  if (name === "prices") checkPrices(parsed);
  if (name === "prune" && typeof o.now === "string") parseNow(o.now);
  if (name === "sessions" || name === "runs") {
    oneOf(o, "status", name === "sessions" ? SESSION_STATUSES : RUN_STATUSES, name);
    for (const option of ["since", "until"]) if (typeof o[option] === "string") parseTime(o[option], option, name, 0);
  }
}
