/**
 * The exit codes of the `agentlens` command and the one error type the commands throw to
 * choose one. Anything else a command throws is a runtime failure (1). This file does
 * no I/O.
 */

/** Every exit code the CLI uses, documented in `agentlens --help`. */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** It failed while running (I/O, a bad trace file, a server that could not start). */
  failure: 1,
  /** The command line or the configuration (`AGENTLENS_*`) is wrong; nothing was done. */
  usage: 2,
  /** The run, session, file or database named does not exist. */
  notFound: 3,
  /** This Node.js is too old for the command (the collector needs `node:sqlite`). */
  unsupportedNode: 4,
  /** The database cannot be used: corrupt, locked, not SQLite, or the encryption key is wrong or missing. */
  database: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The lines `--help` prints about exit codes. */
export const EXIT_CODES_HELP = [
  "Exit codes:",
  "  0  ok",
  "  1  runtime failure (I/O, unreadable trace file, server error)",
  "  2  usage or configuration error (bad option or AGENTLENS_* variable)",
  "  3  not found (unknown run, session, file or database)",
  "  4  this Node.js is too old for the command (the collector needs node:sqlite)",
  "  5  database error (corrupt, locked, not SQLite) or wrong/missing encryption key",
].join("\n");

/** An error that ends the command with a chosen exit code and a one-line message. */
export class CliError extends Error {
  override name = "CliError";

  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

/** A bad command line: exit 2, and the message is followed by a pointer to `--help`. */
export class UsageError extends CliError {
  override name = "UsageError";

  constructor(
    message: string,
    /** The command whose `--help` the pointer names, if any. */
    readonly command?: string,
  ) {
    super(EXIT.usage, message);
  }
}

export const notFound = (message: string): CliError => new CliError(EXIT.notFound, message);
