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
export { prefetchedCatalog } from "./price-list";
import { priceListGeneration, priceListReady, usePriceList } from "./price-list";
import { sessionParts } from "./worker-handlers/cost";

const trace: { view: TraceView; sourceName: string } = { view: new TraceView(), sourceName: "" };
/** The price list the view was made with (a TraceView keeps the catalog in use when made). */
let viewPrices = 0;
/** The collector's stored prices, set again on a new view. */
let overrides: PriceOverride[] = [];
let loading: Promise<unknown> | undefined;

const post = (msg: Response | Progress) => (self as unknown as Worker).postMessage(msg);

function progress(bytes: number, total: number, done: boolean): void {
  post({ notify: "progress", bytes, total, ...trace.view.counts(), done });
}

/** Empties the trace; a new catalog in use since the view was made gets a new view. */
async function reset(name: string): Promise<void> {
  await priceListReady();
  if (viewPrices === priceListGeneration()) trace.view.clear();
  else {
    trace.view.free();
    trace.view = new TraceView();
    viewPrices = priceListGeneration();
    if (overrides.length) trace.view.setPricing(overrides);
  }
  trace.sourceName = name;
}

async function load(params: { source: Source; append?: boolean }) {
  if (!params.append) await reset(sourceName(params.source));
  const view = trace.view;
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

/** The calls whose answers hold no cost: they never wait for the price list. */
const UNPRICED = new Set(["load", "append", "clear", "facets", "filter", "rows", "timeline", "findRow", "info", "catalog"]);

const builtins: Record<string, (params: any) => unknown> = {
  load,
  /**
   * Collector mode: wire events from the collector's listing, its sessions' pages and its
   * live stream, each added once (`reset` first empties the trace and names it).
   */
  async append(params: { events: WireEvent[]; reset?: string }) {
    if (typeof params.reset === "string") await reset(params.reset);
    const changed = trace.view.pushNew(params.events);
    return { ...trace.view.counts(), changed };
  },
  /** Drops everything (a file that failed to open leaves nothing half-read behind). */
  clear: () => reset(""),
  facets: () => trace.view.facets(),
  filter(params: { filter: ListFilter }) {
    const ids = trace.view.filter(params.filter ?? {});
    return { total: ids.length, ids };
  },
  rows: (params: { offset: number; limit: number }) => trace.view.rows(params.offset, params.limit),
  /** A session's header, its cost split by token kind, and the price list in use. */
  async session(params: { id: string }) {
    const prices = await priceListReady();
    const header = trace.view.header(params.id);
    if (!header) return null;
    return { ...header, costParts: header.models.length ? sessionParts(trace, params.id) : null, priceList: prices };
  },
  timeline: (params: { id: string; offset: number; limit: number }) => known(trace.view.timeline(params.id, params.offset, params.limit), params.id),
  /** The timeline position of an event reference (event id, `@n` or `run:<id>`), for deep links. */
  findRow: (params: { id: string; ref: string }) => trace.view.findRow(params.id, params.ref),
  async event(params: { id: string; n: number }) {
    const priceList = await priceListReady();
    const detail = trace.view.event(params.id, params.n);
    return detail && { ...detail, priceList };
  },
  info: () => ({ ...trace.view.counts(), name: trace.sourceName, loading: loading !== undefined }),
  /**
   * The price list every cost is priced over: `text` (the collector's catalog), or the
   * viewer's bundled one; answers what is in use (or why none is).
   */
  catalog: (params?: { text?: string }) => usePriceList(typeof params?.text === "string" ? params.text : undefined),
  /** The price list in use, once loaded (the bundled one is loaded if none was asked for). */
  priceList: () => priceListReady(),
  /** Collector mode: every cost priced with the catalog and the collector's stored prices over it. */
  pricing(params: { overrides?: PriceOverride[] }) {
    const count = trace.view.setPricing(Array.isArray(params.overrides) ? params.overrides : []);
    overrides = Array.isArray(params.overrides) ? params.overrides : [];
    return count;
  },
};

/** Answers one call from the shell. */
export async function handle(msg: MessageEvent<Request>): Promise<void> {
  const { id, method, params } = msg.data;
  try {
    const fn = builtins[method];
    // Costs are priced over the catalog: an answer that holds one waits until it is in use.
    if (!UNPRICED.has(method)) await priceListReady();
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
