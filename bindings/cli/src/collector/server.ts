/// <reference types="node" />
/**
 * The collector's HTTP server (node:http, no framework). Per request, in order: security
 * headers, CORS (off unless origins are configured), route match, per-client rate limit,
 * API key check (data endpoints only; the viewer's static files and `/health` are open),
 * then the handler. Every error is a JSON body `{"error": ...}` with its status; an
 * unexpected error is a 500 that names nothing internal.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AnalysisRunner } from "./analysis-runner.js";
import { ConnectionGuard } from "./connections.js";
import { recycleWasm } from "./engine.js";
import { dataDirOf, loadCatalogAtStart } from "./prices.js";
import { HttpError, sendJson } from "./http.js";
import { compile, match, type CompiledRoute, type Route, type ServerConfig } from "./router.js";
import { analysisRoutes } from "./routes/analysis.js";
import { alertRoutes } from "./routes/alerts.js";
import { analyticsRoutes } from "./routes/analytics.js";
import { annotationRoutes } from "./routes/annotations.js";
import { bookmarkRoutes } from "./routes/bookmarks.js";
import { ingestRoutes } from "./routes/ingest.js";
import { startForwarding } from "./forward.js";
import { LiveHub } from "./live-hub.js";
import { liveRoutes } from "./routes/live.js";
import { docRoutes } from "./routes/openapi.js";
import { pricingRoutes } from "./routes/pricing.js";
import { retentionRoutes } from "./routes/retention.js";
import { runRoutes } from "./routes/runs.js";
import { sessionRoutes } from "./routes/sessions.js";
import { sessionDataRoutes } from "./routes/session-data.js";
import { tagRoutes } from "./routes/tags.js";
import { StaticFiles } from "./routes/static.js";
import { isNewDatabase, openStore, removeDatabaseFiles, type CollectorStore } from "./store.js";
import { startAutoPurge } from "./store-retention.js";
import type { Collector, CollectorLog, CollectorOptions } from "./types.js";
import type { Relay } from "@agentlens/sdk/internal";

const MINUTE_MS = 60_000;
/** How long closing waits for forwarded events still queued upstream. */
const FORWARD_DRAIN_MS = 5_000;

/** Every route the server answers, in match order. */
export const ROUTES: Route[] = [
  ...ingestRoutes,
  // Before the session routes: `/sessions/tags` is not a session id.
  ...tagRoutes,
  ...sessionRoutes,
  ...sessionDataRoutes,
  ...annotationRoutes,
  ...bookmarkRoutes,
  ...pricingRoutes,
  ...alertRoutes,
  ...retentionRoutes,
  ...analyticsRoutes,
  ...runRoutes,
  ...analysisRoutes,
  ...liveRoutes,
  ...docRoutes,
];

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** The key a request presents: `X-API-Key`, or `Authorization: Bearer <key>`. */
function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers["x-api-key"];
  if (typeof header === "string") return header;
  const auth = req.headers.authorization;
  if (typeof auth === "string") {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  return undefined;
}

/** Fixed one-minute windows per client address. */
class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number) {}

  /** Seconds to wait, or 0 if the request may proceed. */
  hit(client: string, now: number): number {
    if (this.perMinute <= 0) return 0;
    let w = this.windows.get(client);
    if (!w || now - w.start >= MINUTE_MS) {
      if (this.windows.size > 10_000) this.windows.clear(); // bound memory under address churn
      w = { start: now, count: 0 };
      this.windows.set(client, w);
    }
    w.count++;
    return w.count > this.perMinute ? Math.max(1, Math.ceil((w.start + MINUTE_MS - now) / 1000)) : 0;
  }
}

/** An IPv4 loopback address as dotted decimal: 127.0.0.0/8, four parts of 0-255. */
const LOOPBACK_V4 = /^127\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Whether `name` (a host without its port, lower case) is a loopback address or `localhost`. */
function isLoopbackName(name: string): boolean {
  return name === "localhost" || name === "[::1]" || name === "::1" || LOOPBACK_V4.test(name);
}

/** The host name of a `Host` header without its port (`[::1]:3000` gives `[::1]`), lower case; `null` if malformed. */
function hostName(header: string): string | null {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(header.trim().toLowerCase());
  return m ? m[1]! : null;
}

/**
 * Which `Host` headers a collector answers. Bound to a loopback address it answers only
 * loopback addresses (127.0.0.0/8 as four decimal parts, `[::1]`), `localhost` (each with
 * an optional port) and `allowedHosts`: a browser page whose own name was made to resolve
 * to 127.0.0.1 sends its name (`127.0.0.1.evil.example` included), and is refused. Bound
 * elsewhere, any name is accepted.
 */
export function hostCheck(bound: string, allowed: string[]): (header: string | undefined) => boolean {
  if (!isLoopbackName(bound.toLowerCase())) return () => true;
  const extra = new Set(allowed.map((h) => h.toLowerCase()));
  return (header) => {
    if (!header) return false;
    const name = hostName(header);
    return name !== null && (isLoopbackName(name) || extra.has(name));
  };
}

/** The content types a browser may POST cross-site without a preflight. */
function isSimpleFormType(header: string | undefined): boolean {
  const type = (header ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "text/plain" || type === "application/x-www-form-urlencoded" || type === "multipart/form-data";
}

/** What every request is served with: the store, the live stream and the checks. */
interface Served {
  routes: CompiledRoute[];
  store: CollectorStore;
  live: LiveHub;
  config: ServerConfig;
  keyHash: Buffer | null;
  hostAllowed: (header: string | undefined) => boolean;
  cors: Set<string>;
  limiter: RateLimiter;
  files: StaticFiles | null;
  log: CollectorLog;
}

function served(options: CollectorOptions, store: CollectorStore, relay: Relay | null): Served {
  const viewerDir = options.viewerDir === undefined ? new URL("../../viewer/", import.meta.url) : options.viewerDir;
  return {
    routes: ROUTES.map(compile),
    store,
    live: new LiveHub(options.heartbeatMs ?? 15_000, relay ? (stored) => relay.push(stored) : undefined),
    config: {
      maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
      maxBatchEvents: options.maxBatchEvents ?? 10_000,
      redact: options.redact ?? {},
      routes: ROUTES,
      hasApiKey: Boolean(options.apiKey),
      analysis: new AnalysisRunner(Math.max(1, options.analysisTimeoutMs ?? 30_000)),
    },
    keyHash: options.apiKey ? sha256(options.apiKey) : null,
    hostAllowed: hostCheck(options.host ?? "127.0.0.1", options.allowedHosts ?? []),
    cors: new Set(options.cors ?? []),
    limiter: new RateLimiter(options.rateLimitPerMinute ?? 6000),
    files: viewerDir === false ? null : new StaticFiles(viewerDir),
    log: options.log ?? (() => {}),
  };
}

function applyCors(s: Served, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== "string" || s.cors.size === 0) return false;
  if (!s.cors.has("*") && !s.cors.has(origin)) return false;
  res.setHeader("Access-Control-Allow-Origin", s.cors.has("*") ? "*" : origin);
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Expose-Headers", "Retry-After, X-AgentLens-Truncated");
  return true;
}

/** Host, content type, rate and key checks for a matched route; throws the refusal. */
function admit(s: Served, req: IncomingMessage, method: string, route: CompiledRoute): void {
  if (!s.hostAllowed(req.headers.host)) {
    // A page on another name resolved to this address (DNS rebinding) must not read traces.
    throw new HttpError(403, "Forbidden: this collector answers only to the host names it serves");
  }
  if (method !== "GET" && method !== "HEAD" && isSimpleFormType(req.headers["content-type"])) {
    // Browsers send these cross-site without asking first; no client of ours uses them.
    throw new HttpError(415, "Unsupported content type: send application/json, application/x-ndjson or a gzip body");
  }
  const client = req.socket.remoteAddress ?? "unknown";
  let authorized = true;
  if (route.auth && s.keyHash) {
    const presented = presentedKey(req);
    // Hashing first makes the comparison constant-time and independent of the key's length.
    authorized = presented !== undefined && timingSafeEqual(sha256(presented), s.keyHash);
  }
  // Requests without the key count against their own window, so they cannot use up the
  // rate of the client that has it (every local client shares 127.0.0.1).
  const wait = s.limiter.hit(authorized ? client : `unauthorized ${client}`, Date.now());
  if (wait > 0) throw new HttpError(429, "Too many requests, please try again later", { "Retry-After": String(wait) });
  if (!authorized) {
    throw new HttpError(401, "Unauthorized: invalid or missing API key", { "WWW-Authenticate": 'Bearer realm="agentlens"' });
  }
}

async function handle(s: Served, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  const url = new URL(req.url ?? "/", "http://collector");
  const method = req.method ?? "GET";
  const allowed = applyCors(s, req, res);
  if (method === "OPTIONS") {
    if (allowed) {
      res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
      res.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, X-API-Key, Authorization");
      res.setHeader("Access-Control-Max-Age", "86400");
    }
    res.writeHead(204).end();
    return;
  }
  const found = match(s.routes, method, url.pathname);
  if (!found || !("route" in found)) {
    if (!found && s.files && (method === "GET" || method === "HEAD") && (await s.files.serve(url.pathname, res, method === "HEAD"))) return;
    if (found) throw new HttpError(405, "Method not allowed", { Allow: found.allow.join(", ") });
    throw new HttpError(404, "Not found");
  }
  admit(s, req, method, found.route);
  await found.route.handle({ req, res, url, params: found.params, store: s.store, live: s.live, config: s.config });
}

function fail(s: Served, req: IncomingMessage, res: ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (e instanceof HttpError) {
    sendJson(res, e.status, { error: e.message }, e.headers);
    // Stop reading a body we refused; the client has the answer.
    if (e.headers.Connection === "close") req.socket?.end();
    return;
  }
  const name = (e as Error)?.name ?? "Error";
  if (name === "AgentLensDecodeError" || (e instanceof RangeError && /call stack/i.test(e.message))) {
    // What the core or the JSON reader refused in the body: the client's data, not ours.
    sendJson(res, 400, { error: "The body could not be read: malformed or nested too deeply" });
    return;
  }
  s.log("error", `collector: ${req.method} ${new URL(req.url ?? "/", "http://c").pathname} failed: ${name}`);
  sendJson(res, 500, { error: "Internal server error" });
}

/** Connections past the slots of `options` (see connections.ts), by their defaults. */
function connectionGuard(options: CollectorOptions): ConnectionGuard {
  const max = Math.max(1, options.maxConnections ?? 256);
  return new ConnectionGuard({
    max,
    perClient: Math.max(1, options.maxConnectionsPerClient ?? Math.ceil(max / 2)),
    idleMs: Math.max(1, options.idleTimeoutMs ?? 5_000),
  });
}

function createHttpServer(s: Served, guard: ConnectionGuard, idleMs: number): Server {
  // Node checks its header and request timeouts this often (30 s by default).
  const server = createServer({ connectionsCheckingInterval: Math.min(1_000, idleMs) }, (req, res) => {
    // A connection past the slots is answered 503 with Retry-After, never served.
    if (guard.answerRefused(req, res)) return;
    handle(s, req, res)
      .catch((e: unknown) => {
        try {
          fail(s, req, res, e);
        } catch {
          // The connection is gone; never let an answer that cannot be sent take the server down.
          res.destroy();
        }
      })
      // Between requests, a wasm instance grown past its high-water mark is replaced (engine.ts).
      .finally(() => recycleWasm());
  });
  // Idle and slow-header connections are closed by the guard after idleMs; Node's own
  // bounds stay behind it.
  server.keepAliveTimeout = idleMs;
  server.headersTimeout = Math.min(Math.max(idleMs, 10_000), 30_000);
  // A body trickled in to hold memory (up to maxBodyBytes per request) is cut after 30 s.
  server.requestTimeout = 30_000;
  guard.attach(server);
  return server;
}

/**
 * Starts a collector: opens the store, then listens. Resolves once it accepts
 * connections. If it cannot listen (the port is taken), a database file it created is
 * removed again.
 *
 * @example
 * ```ts
 * import { startCollector } from "@agentlens/cli/collector";
 * const collector = await startCollector({ dbPath: "agentlens.db", port: 0 });
 * console.log(collector.url);
 * await collector.close();
 * ```
 */
export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const created = isNewDatabase(options.dbPath);
  const store = await openStore({ path: options.dbPath, encryptionKey: options.encryptionKey, compress: options.compress, redact: options.redact });
  const log = options.log ?? (() => {});
  let relay: Relay | null;
  try {
    relay = startForwarding(options, log);
  } catch (e) {
    store.close();
    throw e;
  }
  const s = served(options, store, relay);
  // Every cost is priced over the catalog: the installed file, else the SDK's (prices.ts).
  loadCatalogAtStart(options.dataDir ?? dataDirOf(options.dbPath), (m) => log("warn", m));
  // Retention with auto_purge: once now, then hourly (unref'd; stopped on close).
  const autoPurge = startAutoPurge(store, log);
  const server = createHttpServer(s, connectionGuard(options), Math.max(1, options.idleTimeoutMs ?? 5_000));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => {
      autoPurge.stop();
      store.close();
      void relay?.shutdown(0);
      s.live.close();
      // A collector that never listened leaves no new, empty database behind.
      if (created) removeDatabaseFiles(options.dbPath);
      reject(e);
    });
    server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  s.log("info", `collector listening on ${url}`);

  let closing: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    store,
    close() {
      closing ??= new Promise<void>((resolve) => {
        autoPurge.stop();
        s.live.close();
        void s.config.analysis.close();
        server.close(() => {
          // What is still queued upstream gets a few seconds; the rest is counted and logged.
          void (relay?.shutdown(FORWARD_DRAIN_MS) ?? Promise.resolve()).then(() => {
            store.close();
            resolve();
          });
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
