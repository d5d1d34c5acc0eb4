// A local OTLP/HTTP receiver for the OTLP exporter's tests: node:http on 127.0.0.1 (port 0)
// that records every request (headers, the raw body, and the body gunzipped when it says
// `Content-Encoding: gzip`) and answers from a queue of behaviours, then 200 with an
// empty ExportTraceServiceResponse in the request's encoding. Waiting is event-driven:
// `waitFor` re-checks its predicate on every request and answer; its time bound only
// guards against a hang.
import { createServer } from "node:http";
import { EventEmitter } from "node:events";
import { gunzipSync } from "node:zlib";
import { ExportTraceServiceResponse } from "./schema.mjs";
import { answerWithoutStatus, waitForChange } from "../support/receiver-common.mjs";

/**
 * Behaviours, one per POST, in order:
 * - a number: that status (a 2xx with an empty response body in the request's encoding);
 * - `{ status, retryAfter?, body? }`: the same with a `Retry-After` header or a body;
 * - `{ partial: { rejected, message } }`: 200 with `partial_success`, encoded like the request
 *   (protobuf by the official schema for protobuf requests, OTLP JSON for JSON ones);
 * - `"reset"`: read the request, then reset the connection;
 * - `"timeout"`: never answer; hold the request until the client gives up and closes.
 */
export async function startOtlpReceiver() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const behaviours = [];
  /** @type {{ path: string, headers: Record<string, any>, raw: Buffer, body: Buffer, outcome: number | "reset" | "timeout" | null }[]} */
  const requests = [];

  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      let body = raw;
      if (req.headers["content-encoding"] === "gzip") {
        try {
          body = gunzipSync(raw);
        } catch {
          body = Buffer.alloc(0);
        }
      }
      const record = { at: performance.now(), method: req.method, path: new URL(req.url, "http://receiver").pathname, headers: req.headers, raw, body, outcome: null };
      requests.push(record);
      const behaviour = behaviours.length > 0 ? behaviours.shift() : 200;
      const settle = (outcome) => {
        record.outcome = outcome;
        emitter.emit("change");
      };
      if (answerWithoutStatus(behaviour, req, res, emitter, settle)) return;
      const json = String(req.headers["content-type"] ?? "").startsWith("application/json");
      const b = typeof behaviour === "number" ? { status: behaviour } : behaviour;
      const status = b.partial ? 200 : b.status;
      const headers = { "Content-Type": json ? "application/json" : "application/x-protobuf" };
      if (b.retryAfter !== undefined) headers["Retry-After"] = String(b.retryAfter);
      let out = b.body;
      if (out === undefined && status < 300) out = responseBody(json, b.partial);
      res.writeHead(status, headers).end(out ?? "", () => settle(status));
    });
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();

  const receiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    behave(...list) {
      behaviours.push(...list);
      return receiver;
    },
    /** Requests answered 2xx. */
    accepted() {
      return requests.filter((r) => typeof r.outcome === "number" && r.outcome >= 200 && r.outcome < 300);
    },
    waitFor(predicate, { timeoutMs = 15_000 } = {}) {
      return waitForChange(emitter, receiver, predicate, timeoutMs, () => `otlp receiver: requests: [${requests.map((r) => `${r.path}:${r.outcome}`).join(", ")}]`);
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return receiver;
}

/** An ExportTraceServiceResponse, with `partial_success` when `partial` is given. */
export function responseBody(json, partial) {
  if (json) {
    return JSON.stringify(partial ? { partialSuccess: { rejectedSpans: String(partial.rejected), errorMessage: partial.message ?? "" } } : {});
  }
  const message = partial ? { partialSuccess: { rejectedSpans: partial.rejected, errorMessage: partial.message ?? "" } } : {};
  return Buffer.from(ExportTraceServiceResponse.encode(ExportTraceServiceResponse.fromObject(message)).finish());
}
