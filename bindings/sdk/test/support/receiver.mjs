// A local AgentLens receiver for tests: an HTTP server on 127.0.0.1 (port 0, so the OS
// picks a free one) that records every request and answers `POST /events` from a queue
// of behaviours, then 200 once the queue is empty. Waiting is event-driven: `waitFor`
// re-checks its predicate whenever a request arrives or is answered, and its time bound
// only guards against a hang.
import { createServer } from "node:http";
import { EventEmitter } from "node:events";
import { answerWithoutStatus, waitForChange } from "./receiver-common.mjs";

/**
 * Behaviours, one per `POST …/events` (any prefix), in order:
 * - a number: answer with that status;
 * - `{ status, retryAfter?, body? }`: the same with a `Retry-After` header or a body;
 * - `"timeout"`: never answer; hold the request until the client gives up and closes;
 * - `"reset"`: read the request, then reset the connection.
 *
 * @param {{ handle?: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => boolean }} [options]
 *   `handle` serves other requests (static files); return true if it answered.
 */
export async function startReceiver(options = {}) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const behaviours = [];
  /** @type {{ method: string, path: string, headers: Record<string, string | string[] | undefined>, raw: Buffer, body: any, outcome: number | "timeout" | "reset" | null }[]} */
  const requests = [];

  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://receiver").pathname;
    if (!(req.method === "POST" && path.endsWith("/events"))) {
      if (options.handle?.(req, res)) return;
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      let body = null;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        body = raw.toString("utf8");
      }
      const record = { method: req.method, path, headers: req.headers, raw, body, outcome: null };
      requests.push(record);
      const behaviour = behaviours.length > 0 ? behaviours.shift() : 200;
      const settle = (outcome) => {
        record.outcome = outcome;
        emitter.emit("change");
      };
      if (answerWithoutStatus(behaviour, req, res, emitter, settle)) return;
      const b = typeof behaviour === "number" ? { status: behaviour } : behaviour;
      const headers = { "Content-Type": "application/json" };
      if (b.retryAfter !== undefined) headers["Retry-After"] = String(b.retryAfter);
      const count = Array.isArray(body?.events) ? body.events.length : 0;
      const text = b.body ?? JSON.stringify(b.status < 300 ? { success: true, count } : { error: `status ${b.status}` });
      res.writeHead(b.status, headers).end(text, () => settle(b.status));
    });
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();

  const receiver = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Queues behaviours for the next `POST /events` requests. */
    behave(...list) {
      behaviours.push(...list);
      return receiver;
    },
    /** `POST /events` requests answered 2xx. */
    accepted() {
      return requests.filter((r) => typeof r.outcome === "number" && r.outcome >= 200 && r.outcome < 300);
    },
    /** The events of the accepted requests, in arrival order. */
    events() {
      return receiver.accepted().flatMap((r) => r.body.events);
    },
    /**
     * Resolves once `predicate(receiver)` holds, re-checked on every request and answer.
     * Rejects after `timeoutMs` (a hang guard, not a performance assertion) with what
     * arrived so far.
     */
    waitFor(predicate, { timeoutMs = 15_000 } = {}) {
      return waitForChange(emitter, receiver, predicate, timeoutMs, () => `receiver: requests so far: [${requests.map((r) => `${r.path}:${r.outcome}:${r.body?.events?.length ?? "-"}`).join(", ")}]`);
    },
    /** Stops the server and drops every open connection (held ones included). */
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return receiver;
}
