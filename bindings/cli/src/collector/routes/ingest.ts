/**
 * Ingestion: `POST /events` (the AgentLens wire contract, reference A.3), `POST
 * /v1/traces` (OTLP/HTTP, protobuf or JSON, gzip or not) and `POST /import` (a trace
 * file in any format the core reads, or one of our exports). Each answers only after its
 * transaction committed.
 */
import type { ServerResponse } from "node:http";
import { otlpStatus, type IngestResultBatch, type OtlpEncoding, type OtlpResultBatch } from "../engine.js";
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
  // Too many events, or an element the client must correct (the core's message names the field, never the value).
  if (err.reason === "too_many" || err.reason === "invalid") throw new HttpError(400, String(err.message));
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
  const r = await ctx.store.ingestBody("events", bytes, ctx.config.maxBatchEvents).catch((e: unknown) => refused(e, bytes, "Missing 'events' array in request body"));
  if (r.received === 0) return sendJson(ctx.res, 200, { status: "ok", processed: 0 });
  ctx.live.broadcast(r.storedJson);
  const headers: Record<string, string> = r.truncated_fields > 0 ? { "X-AgentLens-Truncated": String(r.truncated_fields) } : {};
  // What the core refused or repaired (an unreadable time, a lone surrogate), when anything was.
  const warnings = r.warnings.length > 0 ? { warnings: r.warnings } : {};
  sendJson(ctx.res, 200, { status: "ok", processed: r.processed, skipped: r.skipped, duplicates: r.duplicates, truncated_fields: r.truncated_fields, ...warnings }, headers);
}

/** The OTLP encoding a `Content-Type` names (parameters such as `charset` allowed), or `null`. */
function otlpEncoding(header: string | string[] | undefined): OtlpEncoding | null {
  const type = String(header ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json") return "json";
  return null;
}

const OTLP_CONTENT_TYPE: Record<OtlpEncoding, string> = { protobuf: "application/x-protobuf", json: "application/json" };

/** An OTLP answer: the core's bytes, with the request's content type. */
function sendOtlp(res: ServerResponse, status: number, encoding: OtlpEncoding, body: Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": OTLP_CONTENT_TYPE[encoding], "Content-Length": body.byteLength, "Cache-Control": "no-store", ...headers });
  res.end(body);
}

/** google.rpc.Code for an HTTP status: RESOURCE_EXHAUSTED (8) for 413, else INVALID_ARGUMENT (3). */
const rpcCode = (status: number) => (status === 413 ? 8 : 3);

/**
 * OTLP/HTTP (docs/otlp.md, "Ingest"): protobuf or JSON, gzip or identity; the answer is
 * the core's `ExportTraceServiceResponse` in the request's encoding, sent after commit;
 * a body that cannot be read is a 400 with a `google.rpc.Status`.
 */
async function postOtlp(ctx: Context): Promise<void> {
  const encoding = otlpEncoding(ctx.req.headers["content-type"]);
  if (!encoding) throw new HttpError(415, "OTLP/HTTP takes Content-Type application/x-protobuf or application/json");
  let bytes: Uint8Array;
  try {
    bytes = await readBody(ctx.req, ctx.config.maxBodyBytes);
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return sendOtlp(ctx.res, e.status, encoding, otlpStatus(encoding, rpcCode(e.status), e.message), e.headers);
  }
  let batch: OtlpResultBatch;
  try {
    batch = await ctx.store.readOtlpBody(encoding, bytes);
  } catch (e) {
    const err = e as { name?: unknown; body?: unknown } | null;
    if (err?.name !== "AgentLensDecodeError" || !(err.body instanceof Uint8Array)) throw e;
    return sendOtlp(ctx.res, 400, encoding, err.body);
  }
  await storeTrace(ctx, batch);
  sendOtlp(ctx.res, 200, encoding, batch.response);
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
      summary:
        "Ingest a batch of AgentLens events ({\"events\":[...]}); idempotent by (session_id, event_id); answered after commit. An event_id is kept whole (1-256 characters, no control characters; else 400); a time that cannot be read dates its event when received and is named in `warnings`",
      body: "{ events: WireEvent[] }",
      errors: [400, 401, 413, 415, 429],
    },
  },
  {
    method: "POST",
    path: "/v1/traces",
    auth: true,
    handle: postOtlp,
    doc: {
      summary:
        "OTLP/HTTP trace export, protobuf or JSON, gzip or not (GenAI spans map to event kinds; spans written by AgentLens come back as their events); answers an ExportTraceServiceResponse in the request's encoding (partial_success when spans were rejected) after commit, a google.rpc.Status on 400",
      body: "ExportTraceServiceRequest",
      bodyTypes: ["application/x-protobuf"],
      errors: [400, 401, 413, 415, 429],
    },
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
