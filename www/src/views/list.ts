// The session list: filter controls (agent, status, model, tool, time range, text) over a
// virtualised list whose rows come from the worker a page at a time.
import { clear, fmtDuration, fmtTime, h } from "../dom";
import type { WorkerClient } from "../client";
import type { ListFilter, SessionRow } from "../contract";
import { VirtualList } from "./virtual";

interface Facets {
  agents: string[];
  statuses: string[];
  models: string[];
  tools: string[];
  from: number | null;
  to: number | null;
}

export interface ListView {
  el: HTMLElement;
  list: VirtualList<SessionRow>;
  search: HTMLInputElement;
  filter(): ListFilter;
  /** Re-runs the filter in the worker; resolves with the ids that pass. */
  refresh(): Promise<string[]>;
  updateFacets(f: Facets): void;
  /** Lists sessions newest first (collector mode) instead of in the order they were read. */
  newestFirst(): void;
}

function select(name: string, label: string): HTMLSelectElement {
  const el = h("select", { name, "aria-label": label, title: label });
  el.appendChild(h("option", { value: "" }, `${label}: all`));
  return el;
}

function setOptions(el: HTMLSelectElement, values: string[], label: string): void {
  const keep = el.value;
  clear(el);
  el.appendChild(h("option", { value: "" }, `${label}: all`));
  for (const v of values) el.appendChild(h("option", { value: v }, v));
  el.value = values.includes(keep) ? keep : "";
}

/** datetime-local values are read as UTC (the viewer shows UTC everywhere). */
function parseUtc(value: string): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(`${value}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The filter controls. */
interface Controls {
  agent: HTMLSelectElement;
  status: HTMLSelectElement;
  model: HTMLSelectElement;
  tool: HTMLSelectElement;
  from: HTMLInputElement;
  to: HTMLInputElement;
  search: HTMLInputElement;
}

function createControls(): Controls {
  return {
    agent: select("agent", "Agent"),
    status: select("status", "Status"),
    model: select("model", "Model"),
    tool: select("tool", "Tool"),
    from: h("input", { type: "datetime-local", name: "from", step: 1, title: "From (UTC)", "aria-label": "From (UTC)" }),
    to: h("input", { type: "datetime-local", name: "to", step: 1, title: "To (UTC)", "aria-label": "To (UTC)" }),
    search: h("input", { type: "search", name: "q", placeholder: "Search ( / )", "aria-label": "Search sessions and events", spellcheck: "false", autocomplete: "off" }),
  };
}

/** One row of the list: agent and status, then id, counts, duration and start. */
function renderRow(row: SessionRow): HTMLElement {
  return h(
    "div",
    { class: `srow status-${row.errors ? "error" : "ok"}`, title: row.id },
    h("div", { class: "srow-top" }, h("span", { class: "srow-agent" }, row.agent || "(no agent)"), h("span", { class: `badge st-${cssToken(row.status)}` }, row.status || "unknown")),
    h("div", { class: "srow-meta" }, h("span", { class: "srow-id" }, row.id.slice(0, 16)), ` · ${row.events} ev`, row.errors ? h("span", { class: "err-count" }, ` · ${row.errors} err`) : null, ` · ${fmtDuration(row.durationMs)}`, ` · ${fmtTime(row.first).slice(0, 19)}`),
  );
}

/** Escape leaves the search box for the list; Enter or ↓ moves into the list (selecting its first row). */
function searchKeys(search: HTMLInputElement, list: VirtualList<SessionRow>): void {
  search.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      search.blur();
      list.el.focus();
    } else if (e.key === "Enter" || e.key === "ArrowDown") {
      e.preventDefault();
      list.el.focus();
      if (list.selected < 0) list.select(0);
    }
  });
}

export function createListView(client: WorkerClient, onSelect: (id: string) => void, onActivate: () => void, onFilterChange: (ids: string[]) => void): ListView {
  const { agent, status, model, tool, from, to, search } = createControls();
  const count = h("div", { class: "list-count", "aria-live": "polite" });
  let ids: string[] = [];
  let order: ListFilter["order"];

  const list = new VirtualList<SessionRow>({
    rowHeight: 52,
    label: "Sessions",
    fetch: (offset, limit) => client.call<SessionRow[]>("rows", { offset, limit }),
    render: renderRow,
    onSelect: (index, row) => {
      const id = row?.id ?? ids[index];
      if (id) onSelect(id);
    },
    onActivate,
  });

  const filter = (): ListFilter => ({
    agent: agent.value || undefined,
    status: status.value || undefined,
    model: model.value || undefined,
    tool: tool.value || undefined,
    from: parseUtc(from.value),
    to: parseUtc(to.value),
    q: search.value.trim() || undefined,
    order,
  });

  const refresh = async (): Promise<string[]> => {
    const selectedId = ids[list.selected];
    const res = await client.call<{ total: number; ids: string[] }>("filter", { filter: filter() });
    ids = res.ids;
    count.textContent = `${res.total} session${res.total === 1 ? "" : "s"}`;
    list.reset(res.total, selectedId ? ids.indexOf(selectedId) : -1);
    return ids;
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh().then(onFilterChange), 150);
  };
  for (const el of [agent, status, model, tool, from, to]) el.addEventListener("change", changed);
  search.addEventListener("input", changed);
  searchKeys(search, list);

  const el = h(
    "div",
    { class: "list-view" },
    h("form", { class: "filters", role: "search" }, search, h("div", { class: "filter-row" }, agent, status), h("div", { class: "filter-row" }, model, tool), h("div", { class: "filter-row" }, h("label", { class: "range" }, h("span", null, "From (UTC)"), from), h("label", { class: "range" }, h("span", null, "To (UTC)"), to)), count),
    list.el,
  );
  el.querySelector("form")!.addEventListener("submit", (e) => e.preventDefault());

  return {
    el,
    list,
    search,
    filter,
    refresh,
    newestFirst() {
      order = "newest";
    },
    updateFacets(f) {
      setOptions(agent, f.agents, "Agent");
      setOptions(status, f.statuses, "Status");
      setOptions(model, f.models, "Model");
      setOptions(tool, f.tools, "Tool");
    },
  };
}

/** A string safe as part of a class name (statuses come from traces). */
export function cssToken(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]/g, "").slice(0, 24) || "unknown";
}
