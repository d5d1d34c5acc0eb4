#!/usr/bin/env node
/// <reference types="node" />
/**
 * The `agentlens` command. It parses the command line, answers `--help`, `--version` and
 * `config` on any Node.js, and checks the Node version before it loads anything that
 * touches `node:sqlite`: the store commands are imported dynamically, only then. So on an
 * old Node (20) the store commands end with a message naming the version they need and
 * exit code 4, instead of a module-loading stack trace. Exit codes: see `exit-codes.ts`.
 */
import { readFileSync } from "node:fs";
import { parseCommandArgs, shown, type Parsed } from "./args.js";
import { COMMANDS, findCommand } from "./commands.js";
import { checkCommand, collectorFlags } from "./checks.js";
import { describeConfig, formatConfig, resolveCollector } from "./config.js";
import { CliError, EXIT, UsageError } from "./exit-codes.js";
import { commandHelp, mainHelp, MIN_NODE } from "./help.js";

/** The package's version, from its package.json (two levels above dist/cli). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

/** Whether `version` (`20.11.1`) is at least `min` (`22.13.0`). */
export function nodeAtLeast(version: string, min: string): boolean {
  const a = version.split(".").map((x) => parseInt(x, 10) || 0);
  const b = min.split(".").map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

function unsupportedNode(command: string): CliError {
  return new CliError(
    EXIT.unsupportedNode,
    `"${command}" needs Node.js ${MIN_NODE} or newer (it uses the built-in node:sqlite); this is Node.js ${process.versions.node}. ` +
      "Install a newer Node (for example with nvm: nvm install 24) and run it again.",
  );
}

function configCommand(parsed: Parsed): number {
  const o = parsed.options;
  const settings = describeConfig(process.env, {
    ...(typeof o.profile === "string" ? { profile: o.profile } : {}),
    ...(typeof o.db === "string" ? { db: o.db } : {}),
  });
  if (o.json === true) {
    const out: Record<string, Record<string, unknown>> = { collector: {}, sdk: {}, sources: {} };
    for (const s of settings) {
      out[s.section]![s.name] = s.value;
      out.sources![`${s.section}.${s.name}`] = s.source;
    }
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  } else {
    process.stdout.write(formatConfig(settings));
  }
  return EXIT.ok;
}

async function run(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  const version = packageVersion();
  if (first === undefined) {
    process.stderr.write(mainHelp(version));
    return EXIT.usage;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    if (topic !== undefined) {
      const spec = findCommand(topic);
      if (!spec) throw new UsageError(`unknown command "${shown(topic)}"`);
      process.stdout.write(commandHelp(spec));
    } else {
      process.stdout.write(mainHelp(version));
    }
    return EXIT.ok;
  }
  if (first === "--version" || first === "-V") {
    process.stdout.write(`agentlens ${version}\n`);
    return EXIT.ok;
  }
  if (first.startsWith("-")) {
    const name = first.split("=")[0]!;
    throw new UsageError(`unknown option ${shown(name)}: options go after the command (agentlens <command> [options])`);
  }
  const spec = findCommand(first);
  if (!spec) {
    throw new UsageError(`unknown command "${shown(first)}" (commands: ${COMMANDS.map((c) => c.name).join(", ")})`);
  }
  const parsed = parseCommandArgs(spec, rest);
  if (parsed.help) {
    process.stdout.write(commandHelp(spec));
    return EXIT.ok;
  }
  if (spec.name === "config") return configCommand(parsed);
  // Everything that can be checked without the store is, so usage errors look the same on every Node.
  const { config } = resolveCollector(process.env, collectorFlags(parsed.options));
  checkCommand(spec.name, parsed);
  // No database: runs on any Node the package installs on.
  if (spec.name === "prices") return (await import("./prices-command.js")).pricesCommand(parsed, config);
  if (!nodeAtLeast(process.versions.node, MIN_NODE)) throw unsupportedNode(spec.name);
  let commands: typeof import("./store-commands.js");
  try {
    commands = await import("./store-commands.js");
  } catch (e) {
    // A Node new enough by number but built without node:sqlite, or run with it disabled.
    if ((e as { code?: unknown }).code === "ERR_UNKNOWN_BUILTIN_MODULE") throw unsupportedNode(spec.name);
    throw e;
  }
  return commands.runCommand(spec.name, parsed, config);
}

/** Prints an error the way every command does and returns its exit code. */
function report(e: unknown, argv: readonly string[]): number {
  if (e instanceof CliError) {
    process.stderr.write(`agentlens: ${e.message}\n`);
    if (e instanceof UsageError) {
      const cmd = e.command ?? (argv[0] && findCommand(argv[0]) ? argv[0] : undefined);
      process.stderr.write(`Run "agentlens ${cmd ? `${cmd} ` : ""}--help" for usage.\n`);
    }
    return e.exitCode;
  }
  const err = e as Error;
  process.stderr.write(`agentlens: ${err?.message ?? String(e)}\n`);
  if (process.env.AGENTLENS_DEBUG && err?.stack) process.stderr.write(err.stack + "\n");
  return EXIT.failure;
}

// A closed pipe (`agentlens export --all | head`) is not an error worth a stack trace.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? EXIT.ok);
  throw e;
});

const argv = process.argv.slice(2);
run(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = report(e, argv);
  },
);
