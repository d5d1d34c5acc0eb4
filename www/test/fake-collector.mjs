// A fake AgentLens collector for the viewer's collector-mode tests: the API the viewer
// reads (GET /sessions, GET /sessions/:id/events paged, GET /v1/live as server-sent
// events) over sessions held in memory, with an optional API key (401 without one, 403
// for a wrong one), served with the built viewer and the collector's meta tag.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, serve } from "./support.mjs";
import { collectorApi } from "./fake-collector-api.mjs";

function json(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

/** The price catalog a collector serves by default: the one the SDK ships. */
const shippedCatalog = () => readFileSync(join(repoRoot, "bindings/sdk/prices/genai-prices.json"), "utf8");

/**
 * `stored` maps a session id to its events (session_start first); `key` may be undefined;
 * the events of the sessions in `broken` answer 500; `beforeList()` may hold the listing
 * back (the answer waits for the promise it returns). `catalog` is the text GET
 * /pricing/catalog answers (default: the SDK's shipped catalog; null: no such route, 404).
 */
export function fakeCollector(stored, key, { broken = [], beforeList, pricing, catalog = shippedCatalog() } = {}) {
  const liveClients = new Set();
  // Tags, annotations, alert rules, export and prices (fake-collector-api.mjs).
  const liveSessions = new Set();
  const extra = collectorApi(stored, { pricing, live: liveSessions });
  // Newest first, as the collector lists them.
  const rows = () =>
    Object.entries(stored)
      .map(([id, events]) => ({ session_id: id, agent_name: events[0]?.agent_name, started_at: events[0]?.timestamp, status: "completed", metadata: {} }))
      .sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)));
  const routeEvents = (res, url) => {
    const m = /^\/sessions\/([^/]+)\/events$/.exec(url.pathname);
    if (m && broken.includes(decodeURIComponent(m[1]))) return json(res, 500, { error: "Internal error" });
    const events = m && stored[decodeURIComponent(m[1])];
    if (!events) return json(res, 404, { error: "Session not found" });
    const limit = Math.min(1000, Number(url.searchParams.get("limit")) || 100);
    const offset = Number(url.searchParams.get("offset")) || 0;
    const page = events.slice(offset, offset + limit);
    json(res, 200, { session_id: m[1], total: events.length, returned: page.length, limit, offset, events: page });
  };
  function handle(req, res, url) {
    const api = url.pathname === "/sessions" || url.pathname.startsWith("/sessions/") || url.pathname === "/v1/live" || url.pathname === "/pricing" || url.pathname === "/pricing/catalog" || url.pathname.startsWith("/alerts/");
    if (!api) return false;
    if (key !== undefined && req.headers["x-api-key"] !== key) {
      json(res, req.headers["x-api-key"] ? 403 : 401, { error: "API key required" });
      return true;
    }
    if (url.pathname === "/pricing/catalog") {
      if (catalog === null) json(res, 404, { error: "Not found" });
      else res.writeHead(200, { "Content-Type": "application/json" }).end(catalog);
      return true;
    }
    if (extra.handle(req, res, url)) return true;
    if (url.pathname === "/sessions") {
      void Promise.resolve(beforeList?.()).then(() => {
        const all = rows();
        const limit = Number(url.searchParams.get("limit")) || 50;
        const offset = Number(url.searchParams.get("offset")) || 0;
        json(res, 200, { sessions: all.slice(offset, offset + limit), total: all.length });
      });
    } else if (url.pathname === "/v1/live") {
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
      res.write(": connected\n\n");
      liveClients.add(res);
      req.on("close", () => liveClients.delete(res));
    } else routeEvents(res, url);
    return true;
  }
  /** Sends one live message, split across writes and with CRLF line ends, to every client. */
  function sendLive(events) {
    for (const e of events) liveSessions.add(e.session_id);
    const text = `event: events\r\ndata: ${JSON.stringify({ events })}\r\n\r\n`;
    for (const res of liveClients) {
      res.write(text.slice(0, 17));
      res.write(text.slice(17));
    }
  }
  return { handle, sendLive, liveClients, endLive: () => liveClients.forEach((res) => res.end()), api: extra };
}

/** Serves the built viewer in `dir` as the collector `fake` would (with its meta tag). */
export function serveCollector(dir, fake) {
  return serve(dir, {
    handle: fake.handle,
    transformIndex: (html) => html.replace("<head>", '<head>\n<meta name="agentlens-collector" content="1">'),
  });
}
