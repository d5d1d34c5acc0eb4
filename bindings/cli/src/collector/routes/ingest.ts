/**
 * Ingestion: `POST /events` (the AgentLens wire contract, reference A.3), `POST
 * /v1/traces` (OTLP/HTTP JSON) and `POST /import` (a trace file in any format the core
 * reads, or one of our exports). Each answers only after its transaction committed.
 */
import type { IngestResultBatch } from "../engine.js";
import { eventsFromExport } from "../export.js";
import { HttpError, parseJson, readBody, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { addCounts, noCounts } from "../ingest-counts.js";
import type { IngestCounts } from "../types.js";

const IMPORT_CHUNK = 500;

/** The core's refusal of a body (an `AgentLensDecodeError` and its `reason`) as the answer; anything else is rethrown. */
function refused(e: unknown, bytes: Uint8Array, otherwise: string): never {
  const err = e as { name?: unknown; reason?: unknown; message?: unknown } | null;
  if (err?.name !== "AgentLensDecodeError") throw e;
  if (err.reason === "too_many") throw new HttpError(400, String(err.message));
  if (err.reason === "json") throw new HttpError(400, "Malformed JSON in request body");
  if (err.reason === "trace") parseJson(bytes); // broken JSON is named as such
  throw new HttpError(400, otherwise);
}

/** Stores the records of a trace the core read, 500 to a transaction, pushing each chunk live. */
async function storeTrace(ctx: Context, batch: IngestResultBatch): Promise<IngestCounts> {
  const total = { ...noCounts(), skipped: batch.skipped, truncated_fields: batch.truncatedFields };
  for (let i = 0; i < batch.records.length; i += IMPORT_CHUNK) {
    const r = await ctx.store.store(batch, batch.records.slice(i, i + IMPORT_CHUNK), false);
    ctx.live.broadcast(r.storedJson);
    addCounts(total, r);
  }
  return total;
}

/** Events from an array (a collector export), 500 to a transaction. */
async function ingestAll(ctx: Context, events: unknown[]): Promise<IngestCounts> {
  const total = noCounts();
  for (let i = 0; i < events.length; i += IMPORT_CHUNK) {
    const r = await ctx.store.ingest(events.slice(i, i + IMPORT_CHUNK));
    ctx.live.broadcast(r.storedJson);
    addCounts(total, r);
  }
  return total;
}

async function postEvents(ctx: Context): Promise<void> {
  const bytes = await readBody(ctx.req, ctx.config.maxBodyBytes);
  const r = await ctx.store.ingestBytes("events", bytes, ctx.config.maxBatchEvents).catch((e: unknown) => refused(e, bytes, "Missing 'events' array in request body"));
  if (r.received === 0) return sendJson(ctx.res, 200, { status: "ok", processed: 0 });
  ctx.live.broadcast(r.storedJson);
  const headers: Record<string, string> = r.truncated_fields > 0 ? { "X-AgentLens-Truncated": String(r.truncated_fields) } : {};
  sendJson(ctx.res, 200, { status: "ok", processed: r.processed, skipped: r.skipped, duplicates: r.duplicates, truncated_fields: r.truncated_fields }, headers);
}

async function postOtlp(ctx: Context): Promise<void> {
  const type = String(ctx.req.headers["content-type"] ?? "").toLowerCase();
  if (type.includes("protobuf")) throw new HttpError(415, "OTLP/HTTP protobuf is not supported; send JSON (application/json)");
  const bytes = await readBody(ctx.req, ctx.config.maxBodyBytes);
  let batch: IngestResultBatch;
  try {
    batch = ctx.store.read("trace", bytes);
  } catch (e) {
    refused(e, bytes, "The body is not a trace in a format the collector reads");
  }
  if (batch.format !== "otlp_json") throw new HttpError(400, "The body is not an OTLP JSON trace export request");
  const r = await storeTrace(ctx, batch);
  const rejected = r.skipped + batch.importWarnings.length;
  // OTLP/HTTP: 200 with an empty partialSuccess when everything was accepted.
  sendJson(ctx.res, 200, { partialSuccess: rejected > 0 ? { rejectedSpans: rejected, errorMessage: "some spans had no usable session or could not be read" } : {} });
}

/** A collector export (`agentlens export`), read back as events, or `null`. */
function exportedEvents(bytes: Uint8Array): unknown[] | null {
  if (bytes[0] !== 0x7b /* { */) return null;
  try {
    return eventsFromExport(JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    return null;
  }
}

async function postImport(ctx: Context): Promise<void> {
  const bytes = await readBody(ctx.req, ctx.config.maxBodyBytes, true);
  const exported = exportedEvents(bytes);
  if (exported) return sendJson(ctx.res, 200, { status: "ok", format: "agentlens_export", ...(await ingestAll(ctx, exported)), errors: 0 });
  let batch: IngestResultBatch;
  try {
    batch = ctx.store.read("trace", bytes);
  } catch {
    throw new HttpError(400, "The body is not a trace in a format the collector reads");
  }
  const errors = batch.importWarnings.length;
  if (batch.received === 0 && errors > 0) throw new HttpError(400, `No events could be read (${errors} ${errors === 1 ? "warning" : "warnings"})`);
  const r = await storeTrace(ctx, batch);
  sendJson(ctx.res, 200, { status: "ok", format: batch.format, ...r, errors });
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
