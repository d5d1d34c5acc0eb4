/// <reference types="node" />
/**
 * AgentLens-compatible session data (reference A.5): `GET /sessions/:id/export` (JSON, CSV
 * or NDJSON, streamed as an attachment) and `GET /sessions/:id/events/search`.
 *
 * Fixes over the original: a bad number, time or flag in a search is 400 with a message
 * (the original ignored it and searched without that filter); the summary covers every
 * matched event; exports never hold the whole session in memory and never stop early.
 */
import type { ServerResponse } from "node:http";
import { HttpError, limitParam, offsetParam, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { getStoredSession } from "../store-read.js";
import { searchEvents, type EventQuery } from "../store-event-search.js";
import { CSV_COLUMNS, csvRow, EXPORT_FORMATS, exportEvents, exportFileName, exportHead, type ExportFormat, type ExportHead } from "../store-export.js";
import { sessionParam } from "./sessions.js";

const MAX_TERMS = 10;
const MAX_VALUES = 20;

function formatParam(raw: string | null): ExportFormat {
  const f = (raw ?? "json").trim().toLowerCase() || "json";
  if (f === "pdf") throw new HttpError(400, "PDF export is not available from this collector: use format=json, csv or ndjson");
  if (!Object.hasOwn(EXPORT_FORMATS, f)) throw new HttpError(400, "Invalid format: use json, csv or ndjson");
  return f as ExportFormat;
}

/** Writes `chunk`, waiting while the client is slow; false once the client is gone. */
function write(res: ServerResponse, chunk: string): Promise<boolean> | boolean {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.once("drain", onDrain);
    res.once("close", onClose);
  });
}

/** The JSON export's opening: the original's keys, with the session's fields also at the top level. */
function jsonOpening(head: ExportHead): string {
  const s = head.session;
  const top = {
    exported_at: new Date().toISOString(),
    session: s,
    session_id: s.session_id,
    agent_name: s.agent_name,
    status: s.status,
    started_at: s.started_at,
    ended_at: s.ended_at,
    duration_ms: s.duration_ms,
    metadata: s.metadata,
    tags: s.tags,
    total_tokens_in: s.total_tokens_in,
    total_tokens_out: s.total_tokens_out,
    summary: head.summary,
  };
  return `${JSON.stringify(top).slice(0, -1)},"events":[`;
}

function opening(head: ExportHead, format: ExportFormat): string {
  if (format === "json") return jsonOpening(head);
  if (format === "csv") return `${CSV_COLUMNS.join(",")}\n`;
  const { session_id, agent_name, status, started_at, ended_at, metadata, total_tokens_in, total_tokens_out, tags } = head.session;
  return `${JSON.stringify({ _type: "session", session_id, agent_name, status, started_at, ended_at, metadata, total_tokens_in, total_tokens_out, tags })}\n`;
}

async function exportRoute(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  const format = formatParam(ctx.url.searchParams.get("format"));
  const head = await exportHead(ctx.store, id);
  if (!head) throw new HttpError(404, "Session not found");
  const { res } = ctx;
  res.writeHead(200, {
    "Content-Type": EXPORT_FORMATS[format].type,
    "Content-Disposition": `attachment; filename="${exportFileName(head.session.agent_name, id, format)}"`,
    "Cache-Control": "no-store",
  });
  if (!(await write(res, opening(head, format)))) return;
  let first = true;
  for await (const page of exportEvents(ctx.store, id, head.maxSeq)) {
    let chunk: string;
    if (format === "csv") chunk = page.map((e) => `${csvRow(e)}\n`).join("");
    else if (format === "ndjson") chunk = page.map((e) => `${JSON.stringify({ _type: "event", ...e })}\n`).join("");
    else {
      chunk = (first ? "" : ",") + page.map((e) => JSON.stringify(e)).join(",");
      first = false;
    }
    if (!(await write(res, chunk))) return;
  }
  res.end(format === "json" ? "]}" : undefined);
}

/** A comma-separated list (trimmed, empties dropped), at most `MAX_VALUES` items. */
function listParam(raw: string | null, name: string): string[] {
  const items = (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length > MAX_VALUES) throw new HttpError(400, `${name}: at most ${MAX_VALUES} comma-separated values`);
  return items;
}

/** A number ≥ 0, or undefined when absent; anything else is 400. */
function boundParam(raw: string | null, name: string): number | undefined {
  if (raw === null || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new HttpError(400, `${name} must be a number ≥ 0`);
  return n;
}

/** An ISO 8601 time as epoch milliseconds, or undefined when absent; anything else is 400. */
function timeParam(raw: string | null, name: string): number | undefined {
  if (raw === null || raw.trim() === "") return undefined;
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw new HttpError(400, `${name} must be an ISO 8601 time`);
  return ms;
}

/** `true` turns a filter on; `false` or absent leaves it off; anything else is 400. */
function flagParam(raw: string | null, name: string): boolean {
  const v = (raw ?? "").trim().toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0" || v === "") return false;
  throw new HttpError(400, `${name} must be true or false`);
}

function searchQuery(q: URLSearchParams): EventQuery {
  const terms = (q.get("q") ?? "").split(/\s+/).filter(Boolean);
  if (terms.length > MAX_TERMS) throw new HttpError(400, `q: at most ${MAX_TERMS} terms`);
  return {
    terms,
    types: listParam(q.get("type"), "type"),
    models: listParam(q.get("model"), "model"),
    afterMs: timeParam(q.get("after"), "after"),
    beforeMs: timeParam(q.get("before"), "before"),
    minTokens: boundParam(q.get("min_tokens"), "min_tokens"),
    maxTokens: boundParam(q.get("max_tokens"), "max_tokens"),
    minDurationMs: boundParam(q.get("min_duration_ms"), "min_duration_ms"),
    errors: flagParam(q.get("errors"), "errors"),
    hasTools: flagParam(q.get("has_tools"), "has_tools"),
    hasReasoning: flagParam(q.get("has_reasoning"), "has_reasoning"),
    limit: limitParam(q.get("limit"), 100, 500),
    offset: offsetParam(q.get("offset")),
  };
}

async function searchRoute(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  const query = searchQuery(ctx.url.searchParams);
  if (!getStoredSession(ctx.store, id)) throw new HttpError(404, "Session not found");
  const r = await searchEvents(ctx.store, id, query);
  sendJson(ctx.res, 200, {
    session_id: id,
    total_events: r.total_events,
    matched: r.matched,
    returned: r.events.length,
    offset: query.offset,
    limit: query.limit,
    summary: r.summary,
    events: r.events,
  });
}

const idParam = { name: "id", in: "path" as const, description: "session id (≤128 of [A-Za-z0-9_.:-])" };
const qp = (name: string, description: string, type: "string" | "integer" | "number" | "boolean" = "string") => ({ name, in: "query" as const, type, description });

/** The export and event-search routes. */
export const sessionDataRoutes: Route[] = [
  {
    method: "GET",
    path: "/sessions/{id}/export",
    auth: true,
    handle: exportRoute,
    doc: {
      summary:
        "Export a session as an attachment agentlens-<agent>-<id8>.<ext>. json: { exported_at, session, its fields again at the top level, summary, events }; " +
        "csv: one row per event (the original's columns; formula-like text cells prefixed with '); ndjson: a {_type:'session'} line, then one {_type:'event'} line per event",
      params: [idParam, qp("format", "json (default), csv or ndjson; pdf is 400")],
      produces: "application/octet-stream",
      errors: [400, 401, 404],
    },
  },
  {
    method: "GET",
    path: "/sessions/{id}/events/search",
    auth: true,
    handle: searchRoute,
    doc: {
      summary: "Search a session's events: { session_id, total_events, matched, returned, offset, limit, summary, events }",
      params: [
        idParam,
        qp("q", "terms (≤10), all must appear, case-insensitively, in the input, output, tool call, type, model or decision trace"),
        qp("type", "event types, comma-separated (≤20), any"),
        qp("model", "model substrings, comma-separated (≤20), any, case-insensitive"),
        qp("after", "ISO 8601 time: events at or after it"),
        qp("before", "ISO 8601 time: events at or before it"),
        qp("min_tokens", "events with at least this many input plus output tokens", "number"),
        qp("max_tokens", "events with at most this many input plus output tokens", "number"),
        qp("min_duration_ms", "events lasting at least this long", "number"),
        qp("errors", "true: error events only (as the core classifies them)", "boolean"),
        qp("has_tools", "true: events with a tool call only", "boolean"),
        qp("has_reasoning", "true: events whose decision trace has reasoning only", "boolean"),
        qp("limit", "events per page (default 100, at most 500)", "integer"),
        qp("offset", "matched events to skip", "integer"),
      ],
      errors: [400, 401, 404],
    },
  },
];
