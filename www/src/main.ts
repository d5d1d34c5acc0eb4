// The viewer's shell: opens traces (drop, picker, ?src=, the collector), and shows the
// trace view (session list, timeline, detail) beside one tab per analysis panel. All
// decoding and querying happens in the worker; this thread holds a screenful of rows.
import "./styles.css";
import { panels } from "./panels/index";
import "./narrow.css";
import { WorkerClient } from "./client";
import { byId, h } from "./dom";
import type { Source } from "./decode";
import type { TimelineRow } from "./contract";
import { readState, writeState, type ViewState } from "./url-state";
import { setupTheme } from "./theme";
import { createListView } from "./views/list";
import { createTimelineView, type SessionHeader } from "./views/timeline";
import { renderDetail, type EventDetail } from "./views/detail";
import { setupCollector, type CollectorControl } from "./collector-ui";
import type { Counts } from "./collector-sync";
import type { PanelContext, WireEvent } from "./contract";
import { isCollectorPage } from "./collector";
import { setupTabs } from "./tabs";
import { welcome } from "./welcome";
import { loadedSummary } from "./status-text";
import type { PriceListStatus } from "./price-list";

const client = new WorkerClient(isCollectorPage() ? "agentlens-trace-collector" : "agentlens-trace");
const state: ViewState = readState();
const listeners = new Set<() => void>();
let filteredIds: string[] = [];
let selectedSession: string | undefined;
let loadedOnce = false;
/** Set while the page follows the collector that serves it. */
let collector: CollectorControl | undefined;

const status = byId("status");
const errorBox = byId("error");
const detailEl = byId("detail");
const root = document.documentElement;

function setStatus(text: string, phase?: "loading" | "ready" | "error"): void {
  status.textContent = text;
  if (phase) root.dataset.load = phase;
}

function showError(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

/** The importer's warnings (lines or records it skipped, with positions), shown as text. */
function showWarnings(warnings: string[]): void {
  const box = byId("warnings");
  box.hidden = warnings.length === 0;
  box.replaceChildren();
  if (!warnings.length) return;
  const list = h("ul", null, ...warnings.slice(0, 20).map((w) => h("li", null, typeof w === "string" ? w : JSON.stringify(w))));
  box.append(h("details", null, h("summary", null, `${warnings.length} part${warnings.length === 1 ? "" : "s"} of the file could not be read and ${warnings.length === 1 ? "was" : "were"} skipped`), list, warnings.length > 20 ? h("p", null, `… and ${warnings.length - 20} more`) : null));
}

/** A note above the views (not an error), e.g. a linked session the collector lacks. */
function showNotice(text: string | null): void {
  const box = byId("notice");
  box.textContent = text ?? "";
  box.hidden = !text;
}

function notify(): void {
  for (const l of [...listeners]) {
    try {
      l();
    } catch (err) {
      console.error("viewer: a panel listener failed", err);
    }
  }
}

// ---- the three trace panes ----

const listView = createListView(
  client,
  // Picking the session already shown keeps its timeline (and the event open in it) as it is:
  // drawing it again would empty the timeline while its rows are fetched once more.
  (id) => void (id === selectedSession && timelineView.sessionId() === id ? undefined : selectSession(id)),
  () => focusTimeline(),
  (ids) => {
    idsCache = ids;
    filteredIds = ids;
    notify();
  },
);
let idsCache: string[] = [];

const timelineView = createTimelineView(
  client,
  (n) => void selectEvent(n),
  () => detailEl.focus(),
);

// On a narrow screen the panes stack: a tapped session or event scrolls to what it opened.
const narrow = matchMedia("(max-width: 900px)"); // as in narrow.css
const scrollOnTap = (list: HTMLElement, target: () => HTMLElement) =>
  list.addEventListener("click", (e) => {
    if (narrow.matches && (e.target as HTMLElement).closest(".vrow")) target().scrollIntoView({ block: "start" });
  });
scrollOnTap(listView.list.el, () => byId("timeline-pane"));
scrollOnTap(timelineView.list.el, () => detailEl);

byId("list-pane").appendChild(listView.el);
byId("timeline-pane").appendChild(timelineView.el);
renderDetail(detailEl, null);

function focusTimeline(): void {
  timelineView.list.el.focus();
  if (timelineView.list.selected < 0 && timelineView.list.size > 0) timelineView.list.select(0);
}

async function refreshList(): Promise<void> {
  const [facets, ids] = await Promise.all([client.call<Parameters<typeof listView.updateFacets>[0]>("facets"), listView.refresh()]);
  idsCache = ids;
  filteredIds = ids;
  listView.updateFacets(facets);
  if (ids.length && !loadedOnce) {
    loadedOnce = true;
    requestAnimationFrame(() => {
      root.dataset.firstRowsMs = String(Math.round(performance.now()));
    });
  }
}

async function selectSession(id: string, deepLink?: { run?: string; event?: string }): Promise<void> {
  const changed = id !== selectedSession;
  selectedSession = id;
  showNotice(null);
  collector?.picked(id);
  const index = idsCache.indexOf(id);
  if (index >= 0 && listView.list.selected !== index) {
    listView.list.selected = index;
    listView.list.scrollTo(index);
    listView.list.paint();
  }
  if (changed || deepLink) {
    state.session = id;
    state.run = deepLink?.run;
    state.event = deepLink?.event;
    writeState(state);
  }
  const header = await client.call<SessionHeader | null>("session", { id });
  if (selectedSession !== id) return;
  timelineView.show(header);
  renderDetail(detailEl, null);
  notify();
  const ref = deepLink?.event ?? (deepLink?.run ? `run:${deepLink.run}` : undefined);
  if (ref) {
    const n = await client.call<number>("findRow", { id, ref });
    if (n >= 0) timelineView.list.select(n);
  }
}

async function selectEvent(n: number): Promise<void> {
  const id = timelineView.sessionId();
  if (!id) return;
  const row = (await timelineView.list.load(n)) as TimelineRow | undefined;
  const detail = await client.call<EventDetail | null>("event", { id, n });
  if (timelineView.sessionId() !== id || timelineView.list.selected !== n) return;
  renderDetail(detailEl, detail);
  if (row) {
    state.event = row.type === "run_start" ? undefined : row.ref;
    state.run = row.type === "run_start" ? (detail?.event.run_id as string | undefined) : undefined;
    writeState(state);
  }
}

/** Nothing shown: a new trace (or the collector's listing) is coming. */
function resetView(): void {
  loadedOnce = false;
  selectedSession = undefined;
  timelineView.show(null);
  timelineView.setPlaceholder(null);
  renderDetail(detailEl, null);
  showNotice(null);
}

// ---- opening traces ----

/** After a file failed to open: what was read of it is dropped, and the welcome is back. */
async function leaveNothingStale(): Promise<void> {
  await client.call("clear").catch(() => undefined);
  await refreshList().catch(() => undefined);
  resetView();
  timelineView.setPlaceholder(welcome());
  notify();
}

async function open(source: Source, append = false): Promise<void> {
  errorBox.hidden = true;
  byId("warnings").hidden = true;
  collector?.stop();
  collector = undefined;
  const name = source.kind === "file" ? source.file.name ?? "file" : source.kind === "url" ? source.url : source.name;
  setStatus(`Loading ${name}…`, "loading");
  byId("source").textContent = "";
  if (!append) resetView();
  let refreshing: Promise<void> | undefined;
  const off = client.onProgress((p) => {
    if (p.done) return;
    const pct = p.total ? ` (${Math.round((p.bytes / p.total) * 100)}%)` : "";
    setStatus(`Loading ${name}: ${p.events.toLocaleString("en")} events${pct}…`);
    if (p.sessions > 0 && !refreshing) {
      refreshing = refreshList()
        .then(() => {
          // The first view: the first session, unless the URL names what to show.
          if (!selectedSession && !state.session && !state.event && !state.run && idsCache[0]) void selectSession(idsCache[0]);
        })
        .finally(() => (refreshing = undefined));
    }
  });
  try {
    const res = await client.call<{ events: number; sessions: number; format: string; warnings: string[]; name: string }>("load", { source, append });
    await refreshing;
    await refreshList();
    root.dataset.loadedMs = String(Math.round(performance.now()));
    byId("source").textContent = res.name;
    showWarnings(res.warnings);
    // Re-open the selected (or linked) session: the first view may have shown it half-read.
    const linked = state.session && idsCache.includes(state.session) ? state.session : undefined;
    const target = linked ?? selectedSession ?? idsCache[0];
    const deepLink = linked || (!state.session && (state.event || state.run)) ? { run: state.run, event: state.event } : undefined;
    if (target) await selectSession(target, deepLink);
    else notify();
    if (res.sessions === 0) timelineView.setPlaceholder(`${res.name} holds no events.`);
    status.dataset.format = res.format;
    setStatus(loadedSummary({ events: res.events, sessions: res.sessions, format: res.format, warnings: res.warnings.length }), "ready");
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    setStatus(`Could not read ${name}`, "error");
    showError(`Could not read ${name}: ${e.message}`);
    await leaveNothingStale();
  } finally {
    off();
  }
}

const picker = byId<HTMLInputElement>("file");
picker.addEventListener("change", () => {
  const file = picker.files?.[0];
  if (file) void open({ kind: "file", file });
  picker.value = "";
});

const drop = byId("drop");
let dragDepth = 0;
document.addEventListener("dragenter", (e) => {
  if (!e.dataTransfer?.types.includes("Files")) return;
  dragDepth++;
  drop.hidden = false;
});
document.addEventListener("dragleave", () => {
  if (--dragDepth <= 0) {
    dragDepth = 0;
    drop.hidden = true;
  }
});
document.addEventListener("dragover", (e) => e.preventDefault());
document.addEventListener("drop", (e) => {
  e.preventDefault();
  dragDepth = 0;
  drop.hidden = true;
  const file = e.dataTransfer?.files[0];
  if (file) void open({ kind: "file", file });
});

// ---- tabs: the trace view and one per analysis panel ----

const ctx: PanelContext = {
  call: (method, params) => client.call(method, params),
  selection: () => ({ sessionId: selectedSession, filteredSessionIds: [...filteredIds] }),
  onChange(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  download(name, bytes, type) {
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};

const tabs = setupTabs(panels, ctx, (id) => {
  state.tab = id === "trace" ? undefined : id;
  writeState(state);
});
const showTab = (id: string) => tabs.show(id);
showTab(state.tab ?? "trace");

// ---- keyboard ----

document.addEventListener("keydown", (e) => {
  const target = e.target as HTMLElement;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
  if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    showTab("trace");
    listView.search.focus();
    listView.search.select();
  } else if (e.key === "Escape" && !typing) {
    if (detailEl.contains(target)) focusTimeline();
    else if (timelineView.list.el.contains(target)) listView.list.el.focus();
    else if (!errorBox.hidden) errorBox.hidden = true;
  }
});

setupTheme(byId<HTMLButtonElement>("theme"));

// ---- collector mode ----

/** Adds the collector's events (once each); the list and the shown session follow. */
async function addCollectorEvents(events: WireEvent[], reset?: string): Promise<Counts> {
  const res = await client.call<Counts>("append", { events, reset });
  await refreshList();
  const shown = timelineView.sessionId();
  if (shown && res.changed.includes(shown)) {
    const header = await client.call<SessionHeader | null>("session", { id: shown });
    if (header && timelineView.sessionId() === shown) timelineView.update(header);
  }
  notify();
  return res;
}

function startCollectorMode(): void {
  listView.newestFirst();
  const linked = state.session;
  const deepLink = state.run || state.event ? { run: state.run, event: state.event } : undefined;
  collector = setupCollector(byId("collector"), {
    reset(events) {
      resetView();
      return addCollectorEvents(events, "collector");
    },
    add: (events) => addCollectorEvents(events),
    status: setStatus,
    placeholder: (content) => timelineView.setPlaceholder(content),
    notice: showNotice,
    select: (id) => selectSession(id, id === linked ? deepLink : undefined),
    selected: () => selectedSession,
    linked: () => linked,
    pricing: (overrides) => client.call("pricing", { overrides }),
    catalog: (text) => client.call<PriceListStatus>("catalog", text === null ? {} : { text }).then(pricesLoaded),
  });
}

// ---- the price list ----

/** Marks the page with the price list's load time (and, without one, says that costs are unpriced). */
function pricesLoaded(s: PriceListStatus): PriceListStatus {
  root.dataset.pricesMs = String(s.ms);
  root.dataset.pricesReadMs = String(s.readMs);
  root.dataset.prices = s.loaded ? s.from : "none";
  if (!s.loaded) showNotice(`No price list could be loaded (${s.problem}): costs are shown as unpriced.`);
  return s;
}

// ---- where the first trace comes from ----

if (!isCollectorPage()) void client.call<PriceListStatus>("priceList").then(pricesLoaded, () => undefined);
if (isCollectorPage()) {
  startCollectorMode();
} else if (state.src) {
  let url: URL | undefined;
  try {
    url = new URL(state.src, location.href);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === "https:" || url.protocol === "http:")) void open({ kind: "url", url: url.href });
  else showError(`?src must be an http(s) URL: ${state.src}`);
} else {
  setStatus("Open a trace file (drop it here or use Open).", "ready");
  timelineView.setPlaceholder(welcome());
}
