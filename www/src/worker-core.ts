// The viewer's Web Worker (loaded by worker.ts once the wasm is ready): holds the TraceStore, decodes traces in chunks through the wasm
// core, and answers the shell's paged queries. Methods it does not know go to the analysis
// panels' handlers (www/src/worker-handlers), which receive the same store.
import { handlers } from "./worker-handlers/index";
import { decode, sourceName, type Source } from "./decode";
import type { Progress, Request, Response } from "./protocol";
import { buildTimeline, eventDetail, facets, filterSessions, sessionRow, sessionSummary, type ListFilter, type Timeline } from "./query";
import { Store } from "./store";
import type { WireEvent } from "./contract";

const store = new Store();
let filtered: number[] = [];
let timeline: Timeline | undefined;
let loading: Promise<unknown> | undefined;

const post = (msg: Response | Progress) => (self as unknown as Worker).postMessage(msg);

function progress(bytes: number, total: number, done: boolean): void {
  post({ notify: "progress", bytes, total, events: store.size, sessions: store.sessions.length, done });
}

function timelineOf(id: string): Timeline {
  if (timeline && timeline.id === id && timeline.index.length > 0) return timeline;
  const s = store.sessionInfo(id);
  if (!s) throw new Error(`no session ${id}`);
  timeline = buildTimeline(store, s);
  return timeline;
}

async function load(params: { source: Source; append?: boolean }) {
  if (!params.append) {
    store.reset(sourceName(params.source));
    filtered = [];
  }
  timeline = undefined;
  let last = 0;
  const run = decode(
    params.source,
    (events) => store.add(events),
    ({ bytes, total }) => {
      const now = performance.now();
      // The first batch is announced at once (first view); later ones at most every 200 ms.
      if (last === 0 || now - last > 200) {
        last = now;
        progress(bytes, total, false);
      }
    },
  );
  loading = run;
  try {
    const { format, warnings } = await run;
    timeline = undefined;
    progress(0, 0, true);
    return { events: store.size, sessions: store.sessions.length, format, warnings, name: store.sourceName };
  } finally {
    loading = undefined;
  }
}

const builtins: Record<string, (params: any) => unknown> = {
  load,
  /**
   * Collector mode: wire events from the collector's listing, its sessions' pages and its
   * live stream, each added once (`reset` first empties the store and names it).
   */
  append(params: { events: WireEvent[]; reset?: string }) {
    if (typeof params.reset === "string") {
      store.reset(params.reset);
      filtered = [];
    }
    const changed = store.addNew(params.events);
    timeline = undefined;
    return { events: store.size, sessions: store.sessions.length, changed };
  },
  /** Drops everything (a file that failed to open leaves nothing half-read behind). */
  clear() {
    store.reset("");
    filtered = [];
    timeline = undefined;
  },
  facets: () => facets(store),
  filter(params: { filter: ListFilter }) {
    filtered = filterSessions(store, params.filter ?? {});
    return { total: filtered.length, ids: filtered.map((i) => store.sessions[i]!.id) };
  },
  rows(params: { offset: number; limit: number }) {
    const slice = filtered.slice(params.offset, params.offset + params.limit);
    return slice.map((i) => sessionRow(store, store.sessions[i]!));
  },
  session(params: { id: string }) {
    const s = store.sessionInfo(params.id);
    if (!s) return null;
    return sessionSummary(store, s, timelineOf(params.id));
  },
  timeline(params: { id: string; offset: number; limit: number }) {
    const t = timelineOf(params.id);
    return { total: t.rows.length, span: t.span, rows: t.rows.slice(params.offset, params.offset + params.limit) };
  },
  /** The timeline position of an event reference (event id or `@n`), for deep links. */
  findRow(params: { id: string; ref: string }) {
    const t = timelineOf(params.id);
    if (params.ref.startsWith("run:")) {
      const run = params.ref.slice(4);
      const start = t.rows.findIndex((r) => r.run === run && r.type === "run_start");
      return start >= 0 ? start : t.rows.findIndex((r) => r.run === run);
    }
    const at = /^@(\d+)$/.exec(params.ref);
    if (at) return Number(at[1]) < t.rows.length ? Number(at[1]) : -1;
    return t.rows.findIndex((r) => r.ref === params.ref);
  },
  event(params: { id: string; n: number }) {
    return eventDetail(store, timelineOf(params.id), params.n);
  },
  info: () => ({ events: store.size, sessions: store.sessions.length, name: store.sourceName, loading: loading !== undefined }),
};

/** Answers one call from the shell. */
export async function handle(msg: MessageEvent<Request>): Promise<void> {
  const { id, method, params } = msg.data;
  try {
    const fn = builtins[method];
    let result: unknown;
    if (fn) result = await fn(params);
    else if (Object.hasOwn(handlers, method)) result = await handlers[method]!(store, params);
    else throw new Error(`unknown method ${method}`);
    post({ id, result });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ id, error: { name: e.name, message: e.message } });
  }
}
