/// <reference types="node" />
/**
 * The live stream's subscribers (`GET /v1/live`, server-sent events). After each committed
 * ingest every subscriber gets `event: events` with `{"events":[...]}` (the records as
 * stored, redacted); a comment line every `heartbeatMs` keeps proxies and idle timers from
 * closing the stream. A subscriber that cannot keep up (its socket buffer is full) is
 * dropped rather than buffered without bound; the viewer reconnects.
 */
import type { ServerResponse } from "node:http";

const EVENTS_HEAD = Buffer.from('event: events\ndata: {"events":[');
const COMMA = Buffer.from(",");
const EVENTS_TAIL = Buffer.from("]}\n\n");

/** Bytes a slow subscriber may have pending before it is dropped. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

export class LiveHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly timer: ReturnType<typeof setInterval>;

  /** `tap` sees every committed batch, subscribers or not (the OTLP forwarder). */
  constructor(
    heartbeatMs: number,
    private readonly tap?: (stored: Uint8Array[]) => void,
  ) {
    this.timer = setInterval(() => this.write(": heartbeat\n\n"), heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  add(res: ServerResponse): void {
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.write(": connected\nretry: 2000\n\n");
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
  }

  /** Sends `{"events":[…]}` made of the stored records' JSON (compact, so one line each). */
  broadcast(stored: Uint8Array[]): void {
    if (stored.length === 0) return;
    this.tap?.(stored);
    if (this.clients.size === 0) return;
    const parts: Uint8Array[] = [EVENTS_HEAD];
    stored.forEach((json, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(json);
    });
    parts.push(EVENTS_TAIL);
    this.write(Buffer.concat(parts));
  }

  private write(text: string | Buffer): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_PENDING_BYTES) {
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

