/**
 * `GET /sessions/:id/export` (reference A.5): the session, its summary and its events in
 * the AgentLens backend's export shapes (JSON, CSV, NDJSON), produced a page of events at a
 * time so a session of any size is exported whole without being held in memory.
 *
 * What it adds to the original: the JSON export repeats the session's fields
 * (`agent_name`, `started_at`, `ended_at`, `status`, `metadata`, `duration_ms`, ...) at
 * its top level, where the Python SDK's `export_transcript` and `export_run_metadata`
 * read them; CSV cells are quoted by RFC 4180 and every text cell that a spreadsheet would
 * run as a formula is defused; the attachment name keeps only safe characters.
 */
import { eventRowPages, lastSeq, sessionWhere } from "./store-event-pages.js";
import { agentlensEvent, decodeEvents, getStoredSession, sessionView, type EventRow } from "./store-read.js";
import type { StoreHandle } from "./store-handle.js";
import { tagsOf } from "./store-tags.js";
import type { WireEvent } from "./types.js";

/** The export formats, with their file extension and content type. */
export const EXPORT_FORMATS = {
  json: { ext: "json", type: "application/json; charset=utf-8" },
  csv: { ext: "csv", type: "text/csv; charset=utf-8" },
  ndjson: { ext: "ndjson", type: "application/x-ndjson; charset=utf-8" },
} as const;

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** An event as exported: the original's fields, payloads parsed (`{}` / `null` when absent). */
export interface ExportEvent {
  event_id: unknown;
  event_type: unknown;
  timestamp: unknown;
  model: string;
  tokens_in: number;
  tokens_out: number;
  duration_ms: number;
  input_data: unknown;
  output_data: unknown;
  tool_call: unknown;
  decision_trace: unknown;
}

/** The session as exported (the original's fields, plus its tags and wall-clock duration). */
export type ExportSession = Record<string, unknown> & { session_id: string; agent_name: string };

/** The export's summary: the original's keys. */
export interface ExportSummary {
  total_events: number;
  total_tokens: number;
  models_used: string[];
  event_types: string[];
  total_duration_ms: number;
}

/** What an export says before its events, read at one moment (`maxSeq` bounds the events that follow). */
export interface ExportHead {
  session: ExportSession;
  summary: ExportSummary;
  maxSeq: number;
}

/** `agentlens-<agent>-<id8>.<ext>`, each part reduced to letters, digits, `_`, `.` and `-`. */
export function exportFileName(agentName: string, sessionId: string, format: ExportFormat): string {
  const safe = (s: string, max: number) => s.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, max) || "unknown";
  return `agentlens-${safe(agentName, 64)}-${safe(sessionId.slice(0, 8), 8)}.${EXPORT_FORMATS[format].ext}`;
}

/** The session, its tags and summary, or null when it does not exist. */
export async function exportHead(store: StoreHandle, id: string): Promise<ExportHead | null> {
  const row = getStoredSession(store, id);
  if (!row) return null;
  const maxSeq = lastSeq(store);
  const times = store.db.prepare("SELECT started_ms, ended_ms FROM sessions WHERE session_id = ?").get(id) as { started_ms: number; ended_ms: number | null };
  const view = await sessionView(store, row);
  const session: ExportSession = {
    ...view,
    session_id: row.session_id,
    agent_name: row.agent_name,
    duration_ms: times.ended_ms === null ? null : Math.max(0, Number(times.ended_ms) - Number(times.started_ms)),
    tags: tagsOf(store, id),
  };
  const w = sessionWhere(id, maxSeq);
  const totals = store.db.prepare(`SELECT COUNT(*) AS n, SUM(COALESCE(duration_ms, 0)) AS d FROM events WHERE ${w.sql}`).get(...w.args) as { n: number; d: number | null };
  const firstSeen = (col: "model" | "event_type") =>
    (store.db
      .prepare(`SELECT ${col} AS v FROM events WHERE ${w.sql} AND ${col} IS NOT NULL AND ${col} != '' GROUP BY ${col} ORDER BY MIN(ts_ms), MIN(seq)`)
      .all(...w.args) as { v: string }[]).map((r) => r.v);
  const [tin, tout] = [Number(row.total_tokens_in), Number(row.total_tokens_out)];
  const summary: ExportSummary = {
    total_events: Number(totals.n),
    total_tokens: tin + tout,
    models_used: firstSeen("model"),
    event_types: firstSeen("event_type"),
    total_duration_ms: Number(totals.d ?? 0),
  };
  return { session, summary, maxSeq };
}

function exportEvent(e: WireEvent, r: EventRow): ExportEvent {
  const a = agentlensEvent(e);
  return {
    event_id: a.event_id ?? r.event_id,
    event_type: a.event_type ?? r.event_type,
    timestamp: a.timestamp ?? r.timestamp,
    model: r.model ?? "",
    tokens_in: Number(r.tokens_in),
    tokens_out: Number(r.tokens_out),
    duration_ms: Number(r.duration_ms ?? 0),
    input_data: a.input_data,
    output_data: a.output_data,
    tool_call: a.tool_call,
    decision_trace: a.decision_trace,
  };
}

/** The session's events as exported, a page at a time, oldest first, up to the head's `maxSeq`. */
export async function* exportEvents(store: StoreHandle, id: string, maxSeq: number): AsyncGenerator<ExportEvent[]> {
  for (const rows of eventRowPages(store, id, maxSeq)) {
    const decoded = await decodeEvents(store, rows);
    yield decoded.map((e, i) => exportEvent(e, rows[i]!));
  }
}

/** The CSV columns (the original's). */
export const CSV_COLUMNS = [
  "event_id", "event_type", "timestamp", "model", "tokens_in", "tokens_out", "duration_ms",
  "input_data", "output_data", "tool_name", "tool_input", "tool_output", "reasoning",
] as const;

/** What a spreadsheet reads as the start of a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: absent is empty; numbers as they are; objects as JSON; text starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return prefixed with `'`; quoted (RFC 4180)
 * when it holds a comma, quote, CR or LF.
 */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return "";
  let s: string;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") s = String(v);
  else {
    s = typeof v === "string" ? v : JSON.stringify(v);
    if (FORMULA_START.test(s)) s = `'${s}`;
  }
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One event as a CSV row (no line end). */
export function csvRow(e: ExportEvent): string {
  const tool = e.tool_call && typeof e.tool_call === "object" ? (e.tool_call as Record<string, unknown>) : {};
  const trace = e.decision_trace && typeof e.decision_trace === "object" ? (e.decision_trace as Record<string, unknown>) : {};
  return [
    e.event_id, e.event_type, e.timestamp, e.model, e.tokens_in, e.tokens_out, e.duration_ms,
    e.input_data, e.output_data, tool.tool_name, tool.tool_input, tool.tool_output, trace.reasoning,
  ].map(csvCell).join(",");
}
