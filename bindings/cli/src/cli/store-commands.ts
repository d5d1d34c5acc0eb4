/// <reference types="node" />
/**
 * The commands that open the SQLite store: stats, sessions, runs, prune, vacuum, backup,
 * export, import, explain and serve. Loaded by `main.ts` with a dynamic `import()` only
 * after the Node version check, because the collector imports `node:sqlite`. Each command returns its
 * exit code or throws a `CliError`; store errors are mapped to exit codes in `storeError`.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { openStore, type RunExport, type RunsExport, type Store } from "../collector/index.js";
import type { Parsed } from "./args.js";
import { parseNow } from "./checks.js";
import type { CollectorConfig } from "./config.js";
import { CliError, EXIT, notFound, UsageError } from "./exit-codes.js";
import { count, formatBytes, joinAnd } from "./format.js";
import { importFile, type ImportSummary } from "./import-file.js";
import { runs, sessions } from "./list-commands.js";
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
    ["oldest event", s.oldest_event ?? "(no events)"],
    ["newest event", s.newest_event ?? "(no events)"],
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
  const bounds = [retentionDays > 0 ? `older than ${count(retentionDays, "day")}` : "", retentionMaxBytes !== undefined ? `over ${formatBytes(retentionMaxBytes)}` : ""]
    .filter(Boolean)
    .join(", then ");
  out(
    `pruned ${bounds || "nothing (both bounds disabled)"}: deleted ${count(result.sessions_deleted, "session")}, ${count(result.runs_deleted, "run")}, ` +
      `${count(result.events_deleted, "event")}; used ${formatBytes(result.used_bytes_before)} -> ${formatBytes(result.used_bytes_after)}` +
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

/** What `export` writes: a run, a session, or everything; an id alone may name either. */
type ExportTarget = { runId: string } | { sessionId: string } | { all: true; limit?: number };

function exportTarget(o: Options, id: string | undefined, store: Store, db: string): ExportTarget {
  if (typeof o.session === "string") {
    if (!store.has("session", o.session)) throw notFound(`no session with id ${o.session} in ${db} (agentlens sessions lists them)`);
    return { sessionId: o.session };
  }
  if (id === undefined) return { all: true, ...(typeof o.limit === "number" ? { limit: o.limit } : {}) };
  if (store.has("run", id)) return { runId: id };
  if (store.has("session", id)) return { sessionId: id };
  throw notFound(`no run with id ${id} and no session with that id in ${db} (agentlens runs and agentlens sessions list them)`);
}

/** `run r1 (5 steps)`, `session s1 (2 runs, 12 events)`, `3 runs and 1 session`. */
function exported(data: RunExport | RunsExport, target: ExportTarget): string {
  if (!("runs" in data)) return `run ${data.run.id} (${count(data.timeline.length, "step")})`;
  if ("sessionId" in target) {
    const events = data.runs.reduce((n, r) => n + r.timeline.length + (r.run_end ? 1 : 0), 0) +
      data.sessions.reduce((n, s) => n + s.events.filter((e) => e.event_type !== "session_start" && e.event_type !== "session_end").length, 0);
    return `session ${target.sessionId} (${count(data.runs.length, "run")}, ${count(events, "event")})`;
  }
  return `${count(data.runs.length, "run")} and ${count(data.sessions.length, "session")}`;
}

async function exportCommand(o: Options, config: CollectorConfig, id: string | undefined): Promise<number> {
  const output = typeof o.output === "string" ? o.output : undefined;
  const bar = createProgress("export", process.stderr);
  let target: ExportTarget | undefined;
  const data = await withStore(config, false, (store) => {
    target = exportTarget(o, id, store, config.db);
    return store.exportRuns(target, (done, total) => bar.update(done, total));
  }).catch((e: unknown) => {
    bar.abort();
    throw e;
  });
  const text = JSON.stringify(data, null, 2) + "\n";
  if (output !== undefined) writeFileSync(output, text);
  else process.stdout.write(text);
  // The summary goes to stderr, so stdout holds only the JSON.
  bar.finish(`exported ${exported(data, target!)}${output !== undefined ? ` to ${output}` : ""}`);
  return EXIT.ok;
}

/**
 * The import summary. Events are what `stats` counts; a session's start and end are
 * records about the session, counted apart, so the numbers agree with `stats`:
 * `imported t.ndjson (ndjson) into a.db: 12 new events and 2 session start/end records applied`;
 * again: `...: nothing new; already there: 12 events and 2 session start/end records`.
 */
export function importSummary(r: ImportSummary, source: string, db: string): string {
  const records = (n: number) => count(n, "session start/end record");
  const added = [r.stored_events > 0 ? count(r.stored_events, "new event") : "", r.session_records > 0 ? `${records(r.session_records)} applied` : ""];
  const there = [r.duplicate_events > 0 ? count(r.duplicate_events, "event") : "", r.unchanged_session_records > 0 ? records(r.unchanged_session_records) : ""];
  const parts = [joinAnd(added.filter(Boolean)) || "nothing new"];
  if (there.some(Boolean)) parts.push(`already there: ${joinAnd(there.filter(Boolean))}`);
  if (r.skipped > 0) parts.push(`skipped: ${count(r.skipped, "record")} without a valid session id`);
  if (r.truncated_fields > 0) parts.push(`${count(r.truncated_fields, "field")} cut to the field size limit`);
  // The reader's own messages (what it skipped and where) follow, one per line.
  if (r.warnings.length > 0) parts.push(`${count(r.warnings.length, "reader warning")}:`);
  return `imported ${source} (${r.format}) into ${db}: ${parts.join("; ")}`;
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
  bar.finish(importSummary(r, file === "-" ? "stdin" : file, config.db));
  for (const w of r.warnings) process.stderr.write(`  ${w}\n`);
  return EXIT.ok;
}

async function explain(config: CollectorConfig, session: string): Promise<number> {
  const text = await withStore(config, false, (store) => store.explain(session));
  if (text === null) throw notFound(`no session with id ${session} in ${config.db} (agentlens sessions lists them)`);
  out(text);
  return EXIT.ok;
}

/** Runs one store command; `name` and `parsed` were checked against its spec and by `checkCommand`. */
export async function runCommand(name: string, parsed: Parsed, config: CollectorConfig): Promise<number> {
  const o = parsed.options;
  const [first] = parsed.positionals;
  switch (name) {
    case "serve":
      return serve(config, typeof o["data-dir"] === "string" ? o["data-dir"] : undefined);
    case "stats":
      return stats(o, config);
    case "sessions":
      return withStore(config, false, (store) => sessions(o, store));
    case "runs":
      return withStore(config, false, (store) => runs(o, store));
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
