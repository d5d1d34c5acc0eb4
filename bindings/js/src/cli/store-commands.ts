/// <reference types="node" />
/**
 * The commands that open the SQLite store: stats, prune, vacuum, backup, export, import,
 * explain and serve. Loaded by `main.ts` with a dynamic `import()` only after the Node
 * version check, because the collector imports `node:sqlite`. Each command returns its
 * exit code or throws a `CliError`; store errors are mapped to exit codes in `storeError`.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { openStore, type RunExport, type RunsExport, type Store } from "../collector/index.js";
import type { Parsed } from "./args.js";
import { parseNow } from "./checks.js";
import type { CollectorConfig } from "./config.js";
import { CliError, EXIT, notFound, UsageError } from "./exit-codes.js";
import { importFile } from "./import-file.js";
import { createProgress } from "./progress.js";
import { serve } from "./serve.js";
import { storeError } from "./store-error.js";

type Options = Parsed["options"];

/** Opens the store; unless `create`, a missing file is "not found" rather than a new empty database. */
async function open(config: CollectorConfig, create: boolean): Promise<Store> {
  if (!create && !existsSync(config.db)) {
    throw notFound(`no database at ${config.db} (give one with --db FILE or AGENTLENS_DB_PATH)`);
  }
  try {
    return await openStore({
      path: config.db,
      ...(config.encryptionKey !== undefined ? { encryptionKey: config.encryptionKey } : {}),
      compress: config.compression,
    });
  } catch (e) {
    throw storeError(e);
  }
}

async function withStore<T>(config: CollectorConfig, create: boolean, fn: (store: Store) => Promise<T> | T): Promise<T> {
  const store = await open(config, create);
  try {
    return await fn(store);
  } catch (e) {
    throw storeError(e);
  } finally {
    store.close();
  }
}

const out = (text: string) => process.stdout.write(text.endsWith("\n") ? text : text + "\n");

/** `1.5 MiB` */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

async function stats(o: Options, config: CollectorConfig): Promise<number> {
  const s = await withStore(config, false, (store) => store.stats());
  if (o.json === true) {
    out(JSON.stringify(s, null, 2));
    return EXIT.ok;
  }
  const rows: [string, string][] = [
    ["database", s.path],
    ["schema version", String(s.schema_version)],
    ["encrypted", s.encrypted ? "yes" : "no"],
    ["compressed", s.compressed ? "yes" : "no"],
    ["sessions", `${s.total_sessions} (${s.active_sessions} active)`],
    ["events", String(s.total_events)],
    ["runs", `${s.total_runs} (${s.running_runs} running, ${s.completed_runs} completed, ${s.failed_runs} failed)`],
    ["steps", String(s.total_steps)],
    ["runs in the last 24 h", String(s.recent_runs_24h)],
    ["file size", `${formatBytes(s.db_size_bytes)} (${formatBytes(s.used_bytes)} used, WAL ${formatBytes(s.wal_size_bytes)})`],
    ["payload bytes", formatBytes(s.payload_bytes)],
    ["oldest event", s.oldest_event ?? "-"],
    ["newest event", s.newest_event ?? "-"],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  out(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n"));
  return EXIT.ok;
}

async function prune(o: Options, config: CollectorConfig): Promise<number> {
  const retentionDays = typeof o["retention-days"] === "number" ? o["retention-days"] : config.retentionDays;
  const maxBytesFlag = o["retention-max-bytes"];
  const retentionMaxBytes = typeof maxBytesFlag === "number" ? (maxBytesFlag > 0 ? maxBytesFlag : undefined) : config.retentionMaxBytes;
  const now = typeof o.now === "string" ? parseNow(o.now) : Date.now();
  const result = await withStore(config, false, (store) => {
    const r = store.prune({ retentionDays, ...(retentionMaxBytes !== undefined ? { retentionMaxBytes } : {}), now });
    let sizeAfter: number | undefined;
    if (o.vacuum === true) {
      store.vacuum();
      sizeAfter = store.stats().db_size_bytes;
    }
    return { ...r, ...(sizeAfter !== undefined ? { db_size_bytes_after_vacuum: sizeAfter } : {}) };
  });
  if (o.json === true) {
    out(JSON.stringify(result, null, 2));
    return EXIT.ok;
  }
  const bounds = [retentionDays > 0 ? `older than ${retentionDays} days` : "", retentionMaxBytes !== undefined ? `over ${formatBytes(retentionMaxBytes)}` : ""]
    .filter(Boolean)
    .join(", then ");
  out(
    `pruned ${bounds || "nothing (both bounds disabled)"}: deleted ${result.sessions_deleted} sessions, ${result.runs_deleted} runs, ` +
      `${result.events_deleted} events; used ${formatBytes(result.used_bytes_before)} -> ${formatBytes(result.used_bytes_after)}` +
      ("db_size_bytes_after_vacuum" in result ? `; file ${formatBytes(result.db_size_bytes_after_vacuum as number)} after vacuum` : ""),
  );
  return EXIT.ok;
}

async function vacuum(config: CollectorConfig): Promise<number> {
  const [before, after] = await withStore(config, false, (store) => {
    const b = store.stats().db_size_bytes;
    store.vacuum();
    return [b, store.stats().db_size_bytes];
  });
  out(`vacuumed ${config.db}: ${formatBytes(before)} -> ${formatBytes(after)}`);
  return EXIT.ok;
}

async function backup(o: Options, config: CollectorConfig, target: string): Promise<number> {
  const exists = existsSync(target);
  if (exists && o.force !== true) throw new CliError(EXIT.failure, `${target} exists (use --force to overwrite it)`);
  // With --force, copy beside the target and rename over it, so a failed backup never destroys the old one.
  const tmp = exists ? join(dirname(target), `.${basename(target)}.${process.pid}.tmp`) : target;
  await withStore(config, false, (store) => {
    try {
      store.backup(tmp);
    } catch (e) {
      if (tmp !== target) rmSync(tmp, { force: true });
      throw e;
    }
  });
  if (tmp !== target) renameSync(tmp, target);
  out(`backed up ${config.db} to ${target} (${formatBytes(statSync(target).size)})`);
  return EXIT.ok;
}

async function exportCommand(o: Options, config: CollectorConfig, runId: string | undefined): Promise<number> {
  const output = typeof o.output === "string" ? o.output : undefined;
  const bar = createProgress("export", process.stderr);
  const data: RunExport | RunsExport | null = await withStore(config, false, (store) =>
    store.exportRuns(
      runId !== undefined ? { runId } : { all: true, ...(typeof o.limit === "number" ? { limit: o.limit } : {}) },
      (done, total) => bar.update(done, total),
    ),
  ).catch((e: unknown) => {
    if (runId !== undefined && /not found/i.test((e as Error)?.message ?? "")) return null;
    bar.abort();
    throw e;
  });
  if (data === null || data === undefined) {
    bar.abort();
    throw notFound(`no run with id ${runId} in ${config.db}`);
  }
  const text = JSON.stringify(data, null, 2) + "\n";
  if (output !== undefined) writeFileSync(output, text);
  else process.stdout.write(text);
  const what = "runs" in data ? `${data.runs.length} runs and ${data.sessions.length} sessions` : `run ${data.run.id} (${data.timeline.length} steps)`;
  // The summary goes to stderr, so stdout holds only the JSON.
  bar.finish(`exported ${what}${output !== undefined ? ` to ${output}` : ""}`);
  return EXIT.ok;
}

async function importCommand(config: CollectorConfig, file: string): Promise<number> {
  const bar = createProgress("import", process.stderr);
  let store: Store | undefined;
  let r;
  try {
    r = await importFile(file, async () => (store ??= await open(config, true)), (done, total) => bar.update(done, total));
  } catch (e) {
    bar.abort();
    throw storeError(e);
  } finally {
    (store as Store | undefined)?.close();
  }
  const warned = r.warnings.length > 0 ? `, ${r.warnings.length} malformed records skipped` : "";
  bar.finish(
    `imported ${r.processed} events (${r.format}) from ${file === "-" ? "stdin" : file} into ${config.db}` +
      ` (${r.duplicates} already there, ${r.skipped} skipped${r.truncated_fields ? `, ${r.truncated_fields} fields truncated` : ""}${warned})`,
  );
  for (const w of r.warnings.slice(0, 5)) process.stderr.write(`  ${w}\n`);
  if (r.warnings.length > 5) process.stderr.write(`  ... and ${r.warnings.length - 5} more\n`);
  return EXIT.ok;
}

async function explain(config: CollectorConfig, session: string): Promise<number> {
  const text = await withStore(config, false, (store) => store.explain(session));
  if (text === null) throw notFound(`no session with id ${session} in ${config.db}`);
  out(text);
  return EXIT.ok;
}

/** Runs one store command; `name` and `parsed` were checked against its spec and by `checkCommand`. */
export async function runCommand(name: string, parsed: Parsed, config: CollectorConfig): Promise<number> {
  const o = parsed.options;
  const [first] = parsed.positionals;
  switch (name) {
    case "serve":
      return serve(config);
    case "stats":
      return stats(o, config);
    case "prune":
      return prune(o, config);
    case "vacuum":
      return vacuum(config);
    case "backup":
      return backup(o, config, first!);
    case "export":
      return exportCommand(o, config, first);
    case "import":
      return importCommand(config, first!);
    case "explain":
      return explain(config, first!);
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}
