/// <reference types="node" />
/**
 * The collector's connection slots, kept so that no client can lock the others out.
 *
 * Node's own limit (`server.maxConnections`) resets every connection past it, so 300
 * sockets that never send a byte used to leave every client without an answer until
 * Node's header timeout (checked every 30 s) closed them. Here:
 *
 * - A connection without a request in progress (it has not sent a complete request
 *   head yet, or it is between two requests) is *idle*; an idle connection is closed
 *   after `idleMs` (so a slow or never-sent request head is bounded by it too).
 * - When the slots are full, a new connection takes the slot of the connection idle the
 *   longest; only when every slot is serving a request is it refused, and then its
 *   request is answered with an HTTP 503 and `Retry-After` (and the connection closed),
 *   not a reset.
 * - One client address holds at most `perClient` slots: past that, its own longest-idle
 *   connection gives way, or it gets the 503. Every local process shares 127.0.0.1, so
 *   for a loopback collector the eviction of idle connections is what keeps `/health`
 *   answering; the share keeps one remote address from taking every slot.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** How many connections, per client and in all, and how long an idle one is kept. */
export interface ConnectionLimits {
  /** Connections in all. */
  max: number;
  /** Connections one client address may hold. */
  perClient: number;
  /** Milliseconds an idle connection is kept. */
  idleMs: number;
}

interface Tracked {
  socket: Socket;
  peer: string;
  /** Requests in progress on it (more than one when pipelined). */
  busy: number;
  /** When it last became idle (for the longest-idle choice). */
  idleSince: number;
  timer: NodeJS.Timeout | null;
}

const REFUSAL_BODY = JSON.stringify({ error: "Too many connections, please try again later" });

/** The slots of one server (see the module docs). */
export class ConnectionGuard {
  private readonly tracked = new Map<Socket, Tracked>();
  private readonly perPeer = new Map<string, number>();
  private readonly refusedSockets = new WeakSet<Socket>();

  constructor(private readonly limits: ConnectionLimits) {}

  /** Watches `server`'s connections and requests; call before it listens. */
  attach(server: Server): void {
    server.prependListener("connection", (socket: Socket) => this.admit(socket));
    server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => this.started(req, res));
    // Refused connections hold no slot while they wait for their request and its 503;
    // Node's own limit (a reset) stays as the last bound on file descriptors.
    server.maxConnections = this.limits.max * 2 + 16;
  }

  /**
   * Answers a request on a refused connection: 503 with `Retry-After`, then the
   * connection is closed. True if it was one (the request must not be served).
   */
  answerRefused(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.refusedSockets.has(req.socket)) return false;
    res.shouldKeepAlive = false;
    res.writeHead(503, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(REFUSAL_BODY),
      "Retry-After": "1",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      Connection: "close",
    });
    res.end(REFUSAL_BODY);
    return true;
  }

  private admit(socket: Socket): void {
    const peer = socket.remoteAddress ?? "unknown";
    const ownFull = (this.perPeer.get(peer) ?? 0) >= this.limits.perClient;
    if (ownFull && !this.evictIdle(peer)) return this.refuse(socket);
    if (!ownFull && this.tracked.size >= this.limits.max && !this.evictIdle(null)) return this.refuse(socket);
    const t: Tracked = { socket, peer, busy: 0, idleSince: Date.now(), timer: null };
    this.tracked.set(socket, t);
    this.perPeer.set(peer, (this.perPeer.get(peer) ?? 0) + 1);
    this.idle(t);
    socket.once("close", () => this.forget(t));
  }

  /** Closes the longest-idle connection (of `peer`, or of anyone); false if none is idle. */
  private evictIdle(peer: string | null): boolean {
    let victim: Tracked | null = null;
    for (const t of this.tracked.values()) {
      if (t.busy > 0 || (peer !== null && t.peer !== peer)) continue;
      if (!victim || t.idleSince < victim.idleSince) victim = t;
    }
    if (!victim) return false;
    // Its slot is free at once, whenever its close event comes.
    this.forget(victim);
    victim.socket.destroy();
    return true;
  }

  /** Marks a connection refused: its request is answered 503 (`answerRefused`); one that sends none is closed after `idleMs`. */
  private refuse(socket: Socket): void {
    this.refusedSockets.add(socket);
    setTimeout(() => socket.destroy(), this.limits.idleMs).unref();
  }

  private started(req: IncomingMessage, res: ServerResponse): void {
    const t = this.tracked.get(req.socket);
    if (!t) return;
    t.busy++;
    this.clearTimer(t);
    res.once("close", () => {
      t.busy--;
      if (t.busy === 0 && this.tracked.has(t.socket)) this.idle(t);
    });
  }

  /** The connection waits for a request: closed after `idleMs` unless one starts. */
  private idle(t: Tracked): void {
    this.clearTimer(t);
    t.idleSince = Date.now();
    t.timer = setTimeout(() => {
      t.timer = null;
      // After the event loop was blocked, the timer can fire before a request that has
      // already arrived is read: let this turn's I/O run first, then check again.
      setImmediate(() => {
        if (t.busy === 0 && t.timer === null && this.tracked.has(t.socket)) t.socket.destroy();
      });
    }, this.limits.idleMs);
    t.timer.unref();
  }

  private clearTimer(t: Tracked): void {
    if (t.timer) clearTimeout(t.timer);
    t.timer = null;
  }

  private forget(t: Tracked): void {
    if (!this.tracked.delete(t.socket)) return;
    this.clearTimer(t);
    const n = (this.perPeer.get(t.peer) ?? 1) - 1;
    if (n > 0) this.perPeer.set(t.peer, n);
    else this.perPeer.delete(t.peer);
  }
}
