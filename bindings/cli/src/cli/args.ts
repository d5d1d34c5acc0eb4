/**
 * A small command-line parser for `agentlens`: long options (`--name value` or
 * `--name=value`), repeatable options, `-h` for `--help`, and `--` to end the options.
 * It knows nothing about the commands beyond the specs it is given, and never prints or
 * exits: every problem is a `UsageError` (exit 2) naming the option at fault.
 */
import { UsageError } from "./exit-codes.js";

/** One long option of a command. */
export interface OptionSpec {
  /** Without the dashes: `retention-days`. */
  name: string;
  /**
   * `string` and `integer` take a value; `flag` takes none (`--vacuum`); `flag-or-value` is
   * a flag that also accepts `--name=VALUE` (never a separate value, so it cannot swallow
   * the next argument).
   */
  kind: "string" | "integer" | "flag" | "flag-or-value";
  /** Placeholder in help: `N`, `FILE`. */
  value?: string;
  /** May be given more than once; the values are collected in order. */
  repeat?: boolean;
  /** Smallest integer accepted (integers only). */
  min?: number;
  help: string;
}

/** One command: its name, its arguments and options, and what `--help` says about it. */
export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What follows the command name in the usage line. */
  synopsis: string;
  /** Names of the positional arguments, in order; `min` of them are required. */
  positionals: readonly string[];
  minPositionals: number;
  options: readonly OptionSpec[];
  /** Extra paragraphs for `<command> --help`. */
  details?: string;
  /** Whether the command opens the SQLite store (and so needs a recent Node). */
  needsSqlite: boolean;
}

/** A value of a parsed option: text, integer, flag, or the collected values of a repeated option. */
export type OptionValue = string | number | boolean | string[];

/** The command line of one command, after parsing. */
export interface Parsed {
  options: Record<string, OptionValue>;
  positionals: string[];
  /** `--help` or `-h` was given (everything else is still checked). */
  help: boolean;
}

/**
 * Parses the arguments that follow the command name.
 *
 * @throws UsageError for an unknown option, a missing or malformed value, a value given
 *   to a flag, a repeated non-repeatable option, or too many or too few arguments.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options: Record<string, OptionValue> = {};
  const positionals: string[] = [];
  let help = false;
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPositionals = true;
      continue;
    }
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("--")) throw new UsageError(`unknown option ${shown(arg)} (options are long: --name)`, spec.name);
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const opt = spec.options.find((o) => o.name === name);
    if (!opt) throw new UsageError(`unknown option --${shown(name)} for "${spec.name}"`, spec.name);
    let value: OptionValue;
    if (opt.kind === "flag" || opt.kind === "flag-or-value") {
      if (eq === -1) value = true;
      else if (opt.kind === "flag") throw new UsageError(`option --${name} takes no value`, spec.name);
      else {
        value = arg.slice(eq + 1);
        if (value === "") throw new UsageError(`option --${name}= needs a value after "="`, spec.name);
      }
    } else {
      let text: string | undefined;
      if (eq !== -1) text = arg.slice(eq + 1);
      else {
        text = argv[i + 1];
        // "--output --all" is a forgotten value, not a file named "--all".
        if (text === undefined || (text.startsWith("--") && text.length > 2)) {
          throw new UsageError(`option --${name} needs a value (${opt.value ?? "VALUE"})`, spec.name);
        }
        i++;
      }
      value = opt.kind === "integer" ? integer(spec.name, opt, text) : text;
    }
    if (opt.repeat) {
      const list = (options[name] as string[] | undefined) ?? [];
      list.push(String(value));
      options[name] = list;
    } else {
      if (name in options) throw new UsageError(`option --${name} was given more than once`, spec.name);
      options[name] = value;
    }
  }
  if (!help) {
    if (positionals.length > spec.positionals.length) {
      const extra = positionals[spec.positionals.length]!;
      throw new UsageError(`unexpected argument ${shown(extra)} for "${spec.name}"`, spec.name);
    }
    if (positionals.length < spec.minPositionals) {
      throw new UsageError(`"${spec.name}" needs ${spec.positionals.slice(positionals.length, spec.minPositionals).join(" ")}`, spec.name);
    }
  }
  return { options, positionals, help };
}

function integer(command: string, opt: OptionSpec, text: string): number {
  const t = text.trim();
  const n = /^-?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`option --${opt.name} needs an integer (${opt.value ?? "N"})`, command);
  if (opt.min !== undefined && n < opt.min) throw new UsageError(`option --${opt.name} must be at least ${opt.min}`, command);
  return n;
}

/** An argument as an error message shows it: cut short, control characters removed. */
export function shown(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > 60 ? `${clean.slice(0, 57)}...` : clean;
}
