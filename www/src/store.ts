// The worker's trace store: every event kept as its compact JSON text (one string each, so
// a million events stay a few hundred MB rather than a million object graphs), plus typed
// columns for what the list, filters and timeline read without parsing.
import type { TraceStore, WireEvent } from "./contract";
import { eventFacts, isError, sessionStatusAfter } from "./error-rule";

/** Bits of `Store.flags`. */
export const FLAG_ERROR = 1;
/** The event names a model or counts tokens: the only kind the cost engine prices. */
export const FLAG_PRICED = 2;

/** Interns strings to small integers; index 0 is "absent". */
export class Interner {
  readonly values: string[] = [""];
  private readonly ids = new Map<string, number>([["", 0]]);
  id(value: unknown): number {
    if (typeof value !== "string" || value === "") return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
  get(id: number): string {
    return this.values[id] ?? "";
  }
}

/** What the list shows and filters on for one session, updated as events arrive. */
export interface SessionInfo {
  id: string;
  agent: string;
  status: string;
  endedStatus: string;
  first: number;
  last: number;
  events: number[];
  errors: number;
  tokensIn: number;
  tokensOut: number;
  models: Set<number>;
  tools: Set<number>;
  sorted: boolean;
}

function grow<T extends Float64Array | Float32Array | Uint32Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : Number.NaN);

/** Epoch milliseconds of an RFC 3339 timestamp (or a number of ms), NaN if absent. */
export function eventTime(e: WireEvent): number {
  const t = e.timestamp ?? e.ended_at ?? e.started_at;
  if (typeof t === "number") return t;
  if (typeof t !== "string") return Number.NaN;
  return Date.parse(t);
}

/** The session an event belongs to (its run when it names no session). */
export function sessionKey(e: WireEvent): string {
  return str(e.session_id) || str(e.run_id) || "(no session)";
}

/**
 * What makes an event the same as one already held, for `Store.addNew`: its session and
 * event id; a session has one start and one end. `undefined`: always new.
 */
function identity(e: WireEvent): string | undefined {
  const type = str(e.event_type);
  if (type === "session_start" || type === "session_end") return `${sessionKey(e)}\u0000${type}`;
  const id = str(e.event_id);
  return id ? `${sessionKey(e)}\u0000#${id}` : undefined;
}

/** The tool name of a tool event, from its tool_call section. */
export function toolName(e: WireEvent): string {
  const call = e.tool_call as Record<string, unknown> | undefined;
  return str(call?.tool_name) || (str(e.event_type).startsWith("tool") ? str(e.tool_name) : "");
}

export class Store implements TraceStore {
  sourceName = "";
  private texts: string[] = [];
  time = new Float64Array(1024);
  duration = new Float32Array(1024);
  session = new Uint32Array(1024);
  type = new Uint32Array(1024);
  flags = new Uint8Array(1024);
  readonly types = new Interner();
  readonly models = new Interner();
  readonly tools = new Interner();
  readonly sessions: SessionInfo[] = [];
  private readonly sessionIndex = new Map<string, number>();
  private cache = new Map<number, WireEvent>();
  private seen: Set<string> | undefined;

  get size(): number {
    return this.texts.length;
  }

  /** Adds decoded events; returns how many sessions are new. */
  add(events: WireEvent[]): void {
    const n = this.texts.length + events.length;
    this.time = grow(this.time, n);
    this.duration = grow(this.duration, n);
    this.session = grow(this.session, n);
    this.type = grow(this.type, n);
    this.flags = grow(this.flags, n);
    const facts = eventFacts(events);
    events.forEach((e, i) => this.addOne(e, facts[i]!));
  }

  /**
   * Adds the events not already held (collector mode: one event may come both from a
   * session's listing and live). Returns the ids of the sessions that changed.
   */
  addNew(events: WireEvent[]): string[] {
    const seen = (this.seen ??= new Set());
    const fresh = events.filter((e) => {
      const key = identity(e);
      if (key === undefined) return true;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    this.add(fresh);
    return [...new Set(fresh.map(sessionKey))];
  }

  private addOne(e: WireEvent, facts: number): void {
    const i = this.texts.length;
    this.texts.push(JSON.stringify(e));
    const sid = sessionKey(e);
    let si = this.sessionIndex.get(sid);
    if (si === undefined) {
      si = this.sessions.length;
      this.sessionIndex.set(sid, si);
      this.sessions.push({ id: sid, agent: "", status: "", endedStatus: "", first: Number.NaN, last: Number.NaN, events: [], errors: 0, tokensIn: 0, tokensOut: 0, models: new Set(), tools: new Set(), sorted: true });
    }
    const s = this.sessions[si]!;
    const t = eventTime(e);
    const type = str(e.event_type);
    const err = isError(facts);
    this.time[i] = t;
    this.duration[i] = num(e.duration_ms);
    this.session[i] = si;
    this.type[i] = this.types.id(type);
    const priced = typeof e.model === "string" || num(e.tokens_in) > 0 || num(e.tokens_out) > 0;
    this.flags[i] = (err ? FLAG_ERROR : 0) | (priced ? FLAG_PRICED : 0);
    const prev = s.events.length ? this.time[s.events[s.events.length - 1]!]! : Number.NaN;
    if (t < prev) s.sorted = false;
    s.events.push(i);
    if (!s.agent && typeof e.agent_name === "string") s.agent = e.agent_name;
    if (Number.isFinite(t)) {
      if (!(t >= s.first)) s.first = t;
      if (!(t <= s.last)) s.last = t;
    }
    if (err) s.errors++;
    if (type !== "session_end") {
      s.tokensIn += num(e.tokens_in) || 0;
      s.tokensOut += num(e.tokens_out) || 0;
    }
    const model = this.models.id(e.model);
    if (model) s.models.add(model);
    const tool = this.tools.id(toolName(e));
    if (tool) s.tools.add(tool);
    if (type === "session_end" && typeof e.status === "string") s.endedStatus = e.status;
    s.status = sessionStatusAfter(s.status, facts);
  }

  /** Event `i` as an object (parsed on demand, a few kept). */
  event(i: number): WireEvent {
    let e = this.cache.get(i);
    if (!e) {
      e = JSON.parse(this.texts[i]!) as WireEvent;
      if (this.cache.size > 2000) this.cache.clear();
      this.cache.set(i, e);
    }
    return e;
  }

  /** Event `i` as its stored JSON text (for text search). */
  text(i: number): string {
    return this.texts[i]!;
  }

  sessionInfo(id: string): SessionInfo | undefined {
    const i = this.sessionIndex.get(id);
    return i === undefined ? undefined : this.sessions[i];
  }

  /** A session's event indices in time order (stable; sorted once, when first needed). */
  ordered(s: SessionInfo): number[] {
    if (!s.sorted) {
      const time = this.time;
      const key = (i: number) => (Number.isNaN(time[i]!) ? -Infinity : time[i]!);
      s.events.sort((a, b) => key(a) - key(b) || a - b);
      s.sorted = true;
    }
    return s.events;
  }

  sessionIds(): string[] {
    return this.sessions.map((s) => s.id);
  }

  sessionEvents(id: string): WireEvent[] {
    const s = this.sessionInfo(id);
    return s ? this.ordered(s).map((i) => JSON.parse(this.texts[i]!) as WireEvent) : [];
  }

  /** A session's events the cost engine can price (model or tokens), in time order. */
  pricedEvents(s: SessionInfo): WireEvent[] {
    return this.ordered(s)
      .filter((i) => (this.flags[i]! & FLAG_PRICED) !== 0)
      .map((i) => JSON.parse(this.texts[i]!) as WireEvent);
  }

  *allEvents(): Iterable<WireEvent> {
    for (let i = 0; i < this.texts.length; i++) yield JSON.parse(this.texts[i]!) as WireEvent;
  }

  /** Drops everything (a new file replaces the old one). */
  reset(sourceName: string): void {
    this.sourceName = sourceName;
    this.texts = [];
    this.sessions.length = 0;
    this.sessionIndex.clear();
    this.cache.clear();
    this.seen = undefined;
  }
}
