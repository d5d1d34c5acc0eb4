/**
 * Checks of a command line that need more than its spec (combinations of options, option
 * values with a format), made before the Node version gate and before anything is opened,
 * so a usage error is reported the same way on every Node. Pure: no I/O.
 */
import type { Parsed } from "./args.js";
import type { CollectorFlags } from "./config.js";
import { UsageError } from "./exit-codes.js";

type Options = Parsed["options"];

/** The flags every store command shares with the collector's configuration. */
export function collectorFlags(o: Options): CollectorFlags {
  const flags: CollectorFlags = {};
  if (typeof o.db === "string") flags.db = o.db;
  if (typeof o.host === "string") flags.host = o.host;
  if (typeof o.port === "number") flags.port = o.port;
  if (Array.isArray(o.cors)) flags.cors = o.cors;
  if (typeof o.profile === "string") flags.profile = o.profile;
  if (o["api-key-env"] !== undefined) flags.apiKeyEnv = o["api-key-env"] as string | boolean;
  return flags;
}

/** `--now`: ISO 8601 or epoch milliseconds. */
export function parseNow(text: string): number {
  const t = text.trim();
  const ms = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  if (!Number.isFinite(ms)) throw new UsageError("option --now needs a time (ISO 8601, e.g. 2025-01-31T00:00:00Z, or epoch ms)", "prune");
  return ms;
}

/** Throws a `UsageError` for a command line its spec accepts but the command cannot run. */
export function checkCommand(name: string, parsed: Parsed): void {
  const o = parsed.options;
  if (name === "export") {
    const runId = parsed.positionals[0];
    if (runId !== undefined && o.all === true) throw new UsageError("give either RUN_ID or --all, not both", "export");
    if (runId === undefined && o.all !== true) throw new UsageError("give a RUN_ID or --all", "export");
    if (o.limit !== undefined && o.all !== true) throw new UsageError("--limit applies only with --all", "export");
  }
  if (name === "prune" && typeof o.now === "string") parseNow(o.now);
}
