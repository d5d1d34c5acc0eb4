/**
 * Ingestion: `POST /events` (the AgentLens wire contract, reference A.3), `POST
 * /v1/traces` (OTLP/HTTP JSON) and `POST /import` (a trace file in any format the core
 * reads, or one of our exports). Each answers only after its transaction committed.
 */
import { hasImportTrace, importTraceBytes } from "../core.js";
import { eventsFromExport } from "../export.js";
import { HttpError, parseJson, readBody, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { addCounts, noCounts } from "../ingest-counts.js";
import type { IngestCounts } from "../types.js";

const IMPORT_CHUNK = 500;

async function ingestAll(ctx: Context, events: unknown[]): Promise<IngestCounts> {
  const total = noCounts();
  for (let i = 0; i < events.length; i += IMPORT_CHUNK) {
    const r = await ctx.store.ingest(events.slice(i, i + IMPORT_CHUNK));
    ctx.live.broadcast(r.events);
    addCounts(total, r);
  }
  return total;
}

async function postEvents(ctx: Context): Promise<void> {
  const body = parseJson(await readBody(ctx.req, ctx.config.maxBodyBytes)) as { events?: unknown } | null;
  const events = body && typeof body === "object" ? body.events : undefined;
  if (!Array.isArray(events)) throw new HttpError(400, "Missing 'events' array in request body");
  if (events.length > ctx.config.maxBatchEvents) {
    throw new HttpError(400, `Batch too large: ${events.length} events (max ${ctx.config.maxBatchEvents})`);
  }
  if (events.length === 0) return sendJson(ctx.res, 200, { status: "ok", processed: 0 });
  const r = await ctx.store.ingest(events);
  ctx.live.broadcast(r.events);
  const headers: Record<string, string> = r.truncated_fields > 0 ? { "X-AgentLens-Truncated": String(r.truncated_fields) } : {};
  sendJson(ctx.res, 200, { status: "ok", processed: r.processed, skipped: r.skipped, duplicates: r.duplicates, truncated_fields: r.truncated_fields }, headers);
}

function readTrace(bytes: Uint8Array): { format: string; events: unknown[]; warnings: string[] } {
  try {
    return importTraceBytes(bytes);
  } catch {
    throw new HttpError(400, "The body is not a trace in a format the collector reads");
  }
}

async function postOtlp(ctx: Context): Promise<void> {
  const type = String(ctx.req.headers["content-type"] ?? "").toLowerCase();
  if (type.includes("protobuf")) throw new HttpError(415, "OTLP/HTTP protobuf is not supported; send JSON (application/json)");
  if (!hasImportTrace()) throw new HttpError(501, "OTLP ingestion needs a core with importTrace");
  const bytes = await readBody(ctx.req, ctx.config.maxBodyBytes);
  parseJson(bytes); // malformed JSON is a 400 before format detection
  const trace = readTrace(bytes);
  if (trace.format !== "otlp_json") throw new HttpError(400, "The body is not an OTLP JSON trace export request");
  const r = await ingestAll(ctx, trace.events);
  const rejected = r.skipped + trace.warnings.length;
  // OTLP/HTTP: 200 with an empty partialSuccess when everything was accepted.
  sendJson(ctx.res, 200, { partialSuccess: rejected > 0 ? { rejectedSpans: rejected, errorMessage: "some spans had no usable session or could not be read" } : {} });
}

async function postImport(ctx: Context): Promise<void> {
  const bytes = await readBody(ctx.req, ctx.config.maxBodyBytes, true);
  let format = "";
  let events: unknown[] | null = null;
  let errors = 0;
  if (bytes[0] === 0x7b /* { */) {
    try {
      events = eventsFromExport(JSON.parse(new TextDecoder().decode(bytes)));
      if (events) format = "agentlens_export";
    } catch {
      events = null;
    }
  }
  if (!events) {
    const trace = readTrace(bytes);
    format = trace.format;
    events = trace.events;
    errors = trace.warnings.length;
    if (events.length === 0 && errors > 0) throw new HttpError(400, `No events could be read (${errors} ${errors === 1 ? "warning" : "warnings"})`);
  }
  const r = await ingestAll(ctx, events);
  sendJson(ctx.res, 200, { status: "ok", format, ...r, errors });
}

export const ingestRoutes: Route[] = [
  {
    method: "POST",
    path: "/events",
    auth: true,
    handle: postEvents,
    doc: {
      summary: "Ingest a batch of AgentLens events ({\"events\":[...]}); idempotent by event_id; answered after commit",
      body: "{ events: WireEvent[] }",
      errors: [400, 401, 413, 415, 429],
    },
  },
  {
    method: "POST",
    path: "/v1/traces",
    auth: true,
    handle: postOtlp,
    doc: { summary: "OTLP/HTTP trace export, JSON encoding (GenAI spans map to event kinds)", body: "ExportTraceServiceRequest (JSON)", errors: [400, 401, 413, 415, 429, 501] },
  },
  {
    method: "POST",
    path: "/import",
    auth: true,
    handle: postImport,
    doc: {
      summary: "Upload a trace file (NDJSON or any format the core reads, or a collector export); gzip allowed",
      bodyTypes: ["application/x-ndjson", "application/json", "application/gzip"],
      errors: [400, 401, 413, 429],
    },
  },
];
