/**
 * A progress bar for long imports and exports. On a terminal it redraws one line
 * (`\r`), at most every `intervalMs`, and replaces it with the summary at the end; on
 * anything else (a pipe, a log file, CI) it prints only the summary line. It never
 * writes to stdout, so piped output (`agentlens export --all > runs.json`) stays clean.
 * Takes its stream and clock as arguments, so it does no I/O of its own.
 */

/** Where the bar goes: `process.stderr`, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** `done` items of `total` (unknown total: a count without a bar). Cheap to call often. */
  update(done: number, total?: number): void;
  /** Clears the bar and prints `summary` on its own line. Later calls do nothing. */
  finish(summary: string): void;
  /** Clears the bar without a summary (an error message follows). Later calls do nothing. */
  abort(): void;
}

export interface ProgressOptions {
  /** Milliseconds between redraws (default 100). */
  intervalMs?: number;
  /** The clock for throttling (default `Date.now`). */
  now?: () => number;
}

const CLEAR_LINE = "\r\x1b[2K";

/**
 * A progress bar for `label` on `stream`: redrawn in place at most every `intervalMs`
 * when the stream is a terminal; otherwise silent until `finish(summary)` prints one line
 * (`createProgress("import", process.stderr)`, then `update(done, total)` as work goes).
 */
export function createProgress(label: string, stream: ProgressStream, options: ProgressOptions = {}): Progress {
  const tty = stream.isTTY === true;
  const interval = options.intervalMs ?? 100;
  const now = options.now ?? Date.now;
  let last = -Infinity;
  let drawn = false;
  let finished = false;
  return {
    update(done, total) {
      if (!tty || finished) return;
      const t = now();
      const complete = total !== undefined && done >= total;
      if (!complete && t - last < interval) return;
      last = t;
      drawn = true;
      // A pty without a window size (script, some CI runners) reports 0 columns.
      stream.write(CLEAR_LINE + renderBar(label, done, total, stream.columns || 80));
    },
    finish(summary) {
      if (finished) return;
      finished = true;
      stream.write((tty && drawn ? CLEAR_LINE : "") + summary + "\n");
    },
    abort() {
      if (finished) return;
      finished = true;
      if (tty && drawn) stream.write(CLEAR_LINE);
    },
  };
}

/** One line of the bar, at most `columns - 1` characters wide. */
export function renderBar(label: string, done: number, total: number | undefined, columns: number): string {
  if (total === undefined || !(total > 0)) return `${label} ${done}`.slice(0, Math.max(columns - 1, 1));
  const clamped = Math.min(Math.max(done, 0), total);
  const pct = Math.floor((clamped / total) * 100);
  const counts = ` ${String(pct).padStart(3)}% ${clamped}/${total}`;
  const room = columns - 1 - label.length - counts.length - 3;
  if (room < 5) return `${label}${counts}`.slice(0, Math.max(columns - 1, 1));
  const width = Math.min(room, 40);
  const filled = Math.round((clamped / total) * width);
  return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}]${counts}`;
}
