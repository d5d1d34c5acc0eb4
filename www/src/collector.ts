// Collector mode: when the page is served by the AgentLens collector (it injects
// <meta name="agentlens-collector" content="1">), list its sessions, load one, and follow
// live events. Talks only to the page's own origin; the API key comes from the URL
// fragment (#key=…, then removed from the address bar) or the user, kept in sessionStorage.
import type { WireEvent } from "./contract";

const KEY_STORAGE = "agentlens-collector-key";

export function isCollectorPage(doc: Document = document): boolean {
  return doc.querySelector('meta[name="agentlens-collector"]')?.getAttribute("content") === "1";
}

/** Moves `#key=…` from the URL into sessionStorage; returns the key to use, if any. */
export function takeApiKey(): string | undefined {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const fromUrl = fragment.get("key");
  if (fromUrl) {
    fragment.delete("key");
    const rest = fragment.toString();
    history.replaceState(null, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
    saveApiKey(fromUrl);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(KEY_STORAGE) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveApiKey(key: string): void {
  try {
    sessionStorage.setItem(KEY_STORAGE, key);
  } catch {
    // storage disabled: the key lives in memory only
  }
}

/** A session as the collector lists it (AgentLens `GET /sessions`). */
export interface CollectorSession {
  session_id: string;
  agent_name?: string;
  started_at?: string;
  ended_at?: string | null;
  status?: string;
  total_tokens_in?: number;
  total_tokens_out?: number;
}

export class CollectorAuthError extends Error {
  override name = "CollectorAuthError";
}

/** The collector answered an error status (other than 401/403). */
export class CollectorHttpError extends Error {
  override name = "CollectorHttpError";
  constructor(
    readonly status: number,
    path: string,
  ) {
    super(`collector: GET ${path} answered HTTP ${status}`);
  }
}

/**
 * Reads a server-sent-events stream, calling `onMessage(event, data)` per message.
 * Handles CRLF, multi-line data and comments; resolves when the stream ends.
 */
export async function readSse(body: ReadableStream<Uint8Array>, onMessage: (event: string, data: string) => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    let nl: number;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        if (data.length) onMessage(event || "message", data.join("\n"));
        event = "";
        data = [];
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = val;
        else if (field === "data") data.push(val);
      }
    }
  }
}

export class CollectorClient {
  constructor(
    private apiKey: string | undefined,
    private readonly origin = location.origin,
  ) {}

  setApiKey(key: string): void {
    this.apiKey = key;
  }

  /**
   * Sends `method path` with the key (and `body` as JSON, if given) and answers the
   * response whatever its status; a 401 or 403 throws `CollectorAuthError`.
   */
  async request(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.apiKey) headers["X-API-Key"] = this.apiKey;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const init: RequestInit = { method, headers, signal, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(new URL(path, this.origin), init);
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new CollectorAuthError(res.status === 401 ? "the collector needs an API key" : "the collector refused this API key");
    }
    return res;
  }

  private async get(path: string, signal?: AbortSignal): Promise<Response> {
    const res = await this.request("GET", path, undefined, signal);
    if (!res.ok) {
      await res.body?.cancel();
      throw new CollectorHttpError(res.status, path);
    }
    return res;
  }

  /** Where the collector is (this page's origin): what an SDK sends events to. */
  get endpoint(): string {
    return this.origin;
  }

  /** The most recent sessions (up to `max`, paged 200 at a time) and how many there are. */
  async listSessions(max = 1000): Promise<{ sessions: CollectorSession[]; total: number }> {
    const out: CollectorSession[] = [];
    let total = 0;
    while (out.length < max) {
      const res = await this.get(`/sessions?limit=200&offset=${out.length}`);
      const body = (await res.json()) as { sessions?: CollectorSession[]; total?: number };
      const page = Array.isArray(body.sessions) ? body.sessions : [];
      out.push(...page);
      total = typeof body.total === "number" ? body.total : out.length;
      if (page.length < 200 || out.length >= total) break;
    }
    return { sessions: out, total: Math.max(total, out.length) };
  }

  /**
   * Whether requests carry a key: once the listing answered, the collector needs one
   * (the page got it from #key=, or asked after a 401). Asking the collector without it
   * would log a 401 in the console; it does not say otherwise whether it needs one.
   */
  get sendsKey(): boolean {
    return Boolean(this.apiKey);
  }

  /** Every event of one session, in pages of 1000. */
  async sessionEvents(id: string): Promise<WireEvent[]> {
    const out: WireEvent[] = [];
    for (;;) {
      const res = await this.get(`/sessions/${encodeURIComponent(id)}/events?limit=1000&offset=${out.length}`);
      const body = (await res.json()) as { events?: WireEvent[]; total?: number };
      const page = Array.isArray(body.events) ? body.events : [];
      out.push(...page);
      if (page.length === 0 || page.length < 1000 || (typeof body.total === "number" && out.length >= body.total)) return out;
    }
  }

  /**
   * Follows `GET /v1/live` until `signal` aborts, reconnecting after drops (1 s, doubling
   * to 30 s). `onEvents` receives each message's events.
   */
  async follow(onEvents: (events: WireEvent[]) => void, signal: AbortSignal, onState?: (state: string) => void): Promise<void> {
    let delay = 1000;
    while (!signal.aborted) {
      try {
        const res = await this.get("/v1/live", signal);
        onState?.("live");
        delay = 1000;
        await readSse(res.body!, (event, data) => {
          if (event !== "events") return;
          try {
            const parsed = JSON.parse(data) as { events?: WireEvent[] };
            if (Array.isArray(parsed.events) && parsed.events.length) onEvents(parsed.events);
          } catch {
            // a malformed message is skipped; the stream goes on
          }
        });
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof CollectorAuthError) {
          onState?.(err.message);
          throw err;
        }
      }
      if (signal.aborted) return;
      onState?.("reconnecting");
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(30_000, delay * 2);
    }
  }
}

let shared: CollectorClient | undefined;

/**
 * The page's one client of the collector that serves it: the collector bar, the session
 * notes and the alert rules all send the same key (taken from #key= or storage once).
 */
export function sharedCollector(): CollectorClient {
  shared ??= new CollectorClient(takeApiKey());
  return shared;
}

/**
 * The collector (like the AgentLens backend) keeps session_start/session_end as the
 * session's row, not among its events: rebuild them from the listed row so the viewer
 * knows the agent, the start and the final status before (and after) the events load.
 */
export function sessionBounds(row: CollectorSession): WireEvent[] {
  const out: WireEvent[] = [];
  if (row.started_at) {
    out.push({ session_id: row.session_id, event_type: "session_start", timestamp: row.started_at, agent_name: row.agent_name, metadata: ((row as { metadata?: unknown }).metadata ?? {}) as WireEvent["metadata"] });
  }
  if (row.ended_at) {
    out.push({ session_id: row.session_id, event_type: "session_end", timestamp: row.ended_at, ended_at: row.ended_at, status: row.status, total_tokens_in: row.total_tokens_in, total_tokens_out: row.total_tokens_out });
  }
  return out;
}
