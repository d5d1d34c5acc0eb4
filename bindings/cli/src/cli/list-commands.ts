/// <reference types="node" />
/**
 * `agentlens sessions` and `agentlens runs`: what the database holds, newest first, as a
 * table with a count line under it, or as JSON (`{ sessions | runs, total, limit, offset }`,
 * the same fields on every run). Loaded with the store commands, after the Node check.
 */
import type { RunListQuery, RunSummary, SessionListQuery, SessionSummary, Store } from "../collector/index.js";
import type { Parsed } from "./args.js";
import { parseTime } from "./checks.js";
import { EXIT } from "./exit-codes.js";
import { cell, count, formatDuration, table, utcTime } from "./format.js";

type Options = Parsed["options"];

const DEFAULT_LIMIT = 50;

/** The filters and page every listing shares, from the command line. */
function page(o: Options, command: string): { limit: number; offset: number; startedFrom?: number; startedTo?: number } {
  const now = Date.now();
  return {
    limit: typeof o.limit === "number" ? o.limit : DEFAULT_LIMIT,
    offset: typeof o.offset === "number" ? o.offset : 0,
    ...(typeof o.since === "string" ? { startedFrom: parseTime(o.since, "since", command, now) } : {}),
    ...(typeof o.until === "string" ? { startedTo: parseTime(o.until, "until", command, now) } : {}),
  };
}

/**
 * The line under a listing: `3 sessions`, `showing 2-2 of 3 sessions (next page: --offset 2)`,
 * or, when nothing matched, how many the database holds.
 */
export function countLine(shown: number, total: number, offset: number, inDatabase: number, noun: string): string {
  if (total === 0) return inDatabase === 0 ? `no ${noun}s in the database` : `no ${noun}s match (${count(inDatabase, noun)} in the database)`;
  if (shown === total) return count(total, noun);
  const last = offset + shown;
  const next = last < total ? ` (next page: --offset ${last})` : "";
  return `showing ${shown === 0 ? "none" : `${offset + 1}-${last}`} of ${count(total, noun)}${next}`;
}

function sessionRow(s: SessionSummary): string[] {
  return [cell(s.session_id, 64), cell(s.agent_name), s.status, utcTime(s.started_at), String(s.event_count), String(s.total_tokens_in), String(s.total_tokens_out)];
}

function runRow(r: RunSummary): string[] {
  const duration = r.duration_ms !== null ? formatDuration(r.duration_ms) : r.status === "running" ? "(running)" : "(unknown)";
  return [cell(r.id, 64), cell(r.name), r.status, cell(r.session_id ?? "(none)", 64), utcTime(r.started_at), duration, String(r.step_count)];
}

const SESSION_COLUMNS = [
  { header: "SESSION" },
  { header: "AGENT" },
  { header: "STATUS" },
  { header: "STARTED (UTC)" },
  { header: "EVENTS", right: true },
  { header: "TOKENS IN", right: true },
  { header: "TOKENS OUT", right: true },
];

const RUN_COLUMNS = [
  { header: "RUN" },
  { header: "NAME" },
  { header: "STATUS" },
  { header: "SESSION" },
  { header: "STARTED (UTC)" },
  { header: "DURATION", right: true },
  { header: "STEPS", right: true },
];

function print(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** `agentlens sessions`. */
export function sessions(o: Options, store: Store): number {
  const query: SessionListQuery = {
    ...page(o, "sessions"),
    ...(typeof o.agent === "string" ? { agent: o.agent } : {}),
    ...(typeof o.status === "string" ? { status: o.status as SessionListQuery["status"] } : {}),
  };
  const r = store.listSessions(query);
  if (o.json === true) {
    print(JSON.stringify({ sessions: r.sessions, total: r.total, limit: query.limit, offset: query.offset }, null, 2));
    return EXIT.ok;
  }
  const inDatabase = r.total === 0 ? store.listSessions({ limit: 0, offset: 0 }).total : r.total;
  const footer = countLine(r.sessions.length, r.total, query.offset, inDatabase, "session");
  print(r.sessions.length === 0 ? footer : `${table(SESSION_COLUMNS, r.sessions.map(sessionRow))}\n${footer}`);
  return EXIT.ok;
}

/** `agentlens runs`. */
export function runs(o: Options, store: Store): number {
  const query: RunListQuery = {
    ...page(o, "runs"),
    ...(typeof o.session === "string" ? { sessionId: o.session } : {}),
    ...(typeof o.status === "string" ? { status: o.status as RunListQuery["status"] } : {}),
  };
  const r = store.listRuns(query);
  if (o.json === true) {
    print(JSON.stringify({ runs: r.runs, total: r.total, limit: query.limit, offset: query.offset }, null, 2));
    return EXIT.ok;
  }
  const inDatabase = r.total === 0 ? store.listRuns({ limit: 0, offset: 0 }).total : r.total;
  const footer = countLine(r.runs.length, r.total, query.offset, inDatabase, "run");
  print(r.runs.length === 0 ? footer : `${table(RUN_COLUMNS, r.runs.map(runRow))}\n${footer}`);
  return EXIT.ok;
}
