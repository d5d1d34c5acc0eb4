/** The text of `agentlens --help` and `agentlens <command> --help`. Pure: returns strings. */
import type { CommandSpec, OptionSpec } from "./args.js";
import { COMMANDS } from "./commands.js";
import { EXIT_CODES_HELP } from "./exit-codes.js";

/** The Node.js the store commands need (`node:sqlite` without a flag). */
export const MIN_NODE = "22.13.0";

export function mainHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `agentlens ${version}: the AgentLens collector and its database tools`,
    "",
    "Usage: agentlens <command> [options]",
    "       agentlens <command> --help",
    "       agentlens --help | --version",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --db FILE (default agentlens.db, env AGENTLENS_DB_PATH).",
    `Every command but config and prices needs Node.js ${MIN_NODE} or newer (node:sqlite).`,
    "",
    EXIT_CODES_HELP,
    "",
  ].join("\n");
}

function optionLabel(o: OptionSpec): string {
  if (o.kind === "flag") return `--${o.name}`;
  if (o.kind === "flag-or-value") return `--${o.name}[=${o.value ?? "VALUE"}]`;
  return `--${o.name} ${o.value ?? "VALUE"}`;
}

export function commandHelp(spec: CommandSpec): string {
  const rows: [string, string][] = [...spec.options.map((o): [string, string] => [optionLabel(o), o.help]), ["-h, --help", "Show this help"]];
  const width = Math.max(...rows.map(([l]) => l.length));
  const out = [`Usage: agentlens ${spec.name} ${spec.synopsis}`, "", spec.summary + ".", "", "Options:"];
  for (const [label, help] of rows) out.push(`  ${label.padEnd(width)}  ${help}`);
  if (spec.details) out.push("", spec.details);
  if (spec.needsSqlite) out.push("", `Needs Node.js ${MIN_NODE} or newer (node:sqlite).`);
  out.push("", EXIT_CODES_HELP, "");
  return out.join("\n");
}
