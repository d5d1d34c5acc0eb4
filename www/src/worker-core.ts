// The viewer's Web Worker (loaded by worker.ts once the wasm is ready): the trace's events
// stay inside the analysis wasm (a TraceView), read there straight from the file's bytes,
// and every question the shell asks — list rows, facets, a timeline page, one event — is
// the core's to answer. Methods it does not know go to the analysis panels' handlers
// (www/src/worker-handlers), which receive the same trace.
import "@agentlens/sdk/analysis";
import type { PriceOverride } from "@agentlens/sdk/analysis";
import { TraceView } from "@agentlens/sdk/internal";
import { handlers } from "./worker-handlers/index";
import { decode, sourceName, type Source } from "./decode";
import type { Progress, Request, Response } from "./protocol";
import type { HeldTrace, ListFilter, WireEvent } from "./contract";

const trace: HeldTrace & { sourceName: string } = { view: new TraceView(), sourceName: "" };
const view = trace.view;
let loading: Promise<unknown> | undefined;

const post = (msg: Response | Progress) => (self as unknown as Worker).postMessage(msg);

function progress(bytes: number, total: number, done: boolean): void {
  post({ notify: "progress", bytes, total, ...view.counts(), done });
}

function reset(name: string): void {
  view.clear();
  trace.sourceName = name;
}

async function load(params: { source: Source; append?: boolean }) {
  if (!params.append) reset(sourceName(params.source));
  let last = 0;
  const run = decode(params.source, view, ({ bytes, total }) => {
    const now = performance.now();
    // The first batch is announced at once (first view); later ones at most every 200 ms.
    if (last === 0 || now - last > 200) {
      last = now;
      progress(bytes, total, false);
    }
  });
  loading = run;
  try {
    const { format, warnings } = await run;
    progress(0, 0, true);
    return { ...view.counts(), format, warnings, name: trace.sourceName };
  } finally {
    loading = undefined;
  }
}

/** A query about a session the view does not hold. */
function known<T>(answer: T | null, id: string): T {
  if (answer === null) throw new Error(`no session ${id}`);
  return answer;
}

const builtins: Record<string, (params: any) => unknown> = {
  load,
  /**
   * Collector mode: wire events from the collector's listing, its sessions' pages and its
   * live stream, each added once (`reset` first empties the trace and names it).
   */
  append(params: { events: WireEvent[]; reset?: string }) {
    if (typeof params.reset === "string") reset(params.reset);
    const changed = view.pushNew(params.events);
    return { ...view.counts(), changed };
  },
  /** Drops everything (a file that failed to open leaves nothing half-read behind). */
  clear: () => reset(""),
  facets: () => view.facets(),
  filter(params: { filter: ListFilter }) {
    const ids = view.filter(params.filter ?? {});
    return { total: ids.length, ids };
  },
  rows: (params: { offset: number; limit: number }) => view.rows(params.offset, params.limit),
  session: (params: { id: string }) => view.header(params.id),
  timeline: (params: { id: string; offset: number; limit: number }) => known(view.timeline(params.id, params.offset, params.limit), params.id),
  /** The timeline position of an event reference (event id, `@n` or `run:<id>`), for deep links. */
  findRow: (params: { id: string; ref: string }) => view.findRow(params.id, params.ref),
  event: (params: { id: string; n: number }) => view.event(params.id, params.n),
  info: () => ({ ...view.counts(), name: trace.sourceName, loading: loading !== undefined }),
  /** Collector mode: every cost priced with the core's table and the collector's stored prices over it. */
  pricing: (params: { overrides?: PriceOverride[] }) => view.setPricing(Array.isArray(params.overrides) ? params.overrides : []),
};

/** Answers one call from the shell. */
export async function handle(msg: MessageEvent<Request>): Promise<void> {
  const { id, method, params } = msg.data;
  try {
    const fn = builtins[method];
    let result: unknown;
    if (fn) result = await fn(params);
    else if (Object.hasOwn(handlers, method)) result = await handlers[method]!(trace, params);
    else throw new Error(`unknown method ${method}`);
    post({ id, result });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ id, error: { name: e.name, message: e.message } });
  }
}
