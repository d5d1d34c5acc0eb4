// The timeline: a waterfall of a session's runs and events, nested by run, with bars for
// durations and errors marked; virtualised like the list.
import { append, clear, fmtDuration, fmtTime, h } from "../dom";
import type { WorkerClient } from "../client";
import type { TimelineRow } from "../contract";
import type { ViewSessionHeader } from "@agentlens/sdk/internal";
import { cssToken } from "./list";
import { sessionCostText, sessionPartFacts } from "./cost";
import type { CostParts } from "../worker-handlers/cost";
import type { PriceListStatus } from "../price-list";
import { VirtualList } from "./virtual";

/** A session's header, as the core answers it. */
/** The core's header, with the cost split by token kind and the price list in use (the worker adds them). */
export type SessionHeader = ViewSessionHeader & { costParts?: CostParts | null; priceList?: PriceListStatus };

export interface TimelineView {
  el: HTMLElement;
  list: VirtualList<TimelineRow>;
  /** Shows a session (or nothing); resolves when its rows are known. */
  show(header: SessionHeader | null): void;
  /** The shown session changed (new events): keeps the scroll position and selection. */
  update(header: SessionHeader): void;
  /** What the empty area says while no session is shown (null: the usual hint). */
  setPlaceholder(content: Node | string | null): void;
  sessionId(): string | undefined;
}

const ICONS: Record<string, string> = {
  llm_call: "◆", tool_call: "⚙", run_start: "▶", error: "✖", decision: "◇", memory_read: "⇩", memory_write: "⇧",
  session_start: "●", session_end: "■", final: "✔", final_answer: "✔",
};

/** One timeline row: icon, type and label indented by depth, the duration, and its bar on a track `span` ms wide. */
function renderRow(row: TimelineRow, span: number): HTMLElement {
  const bar = h("div", { class: "bar" });
  const left = Math.min(100, (row.start / span) * 100);
  const dur = row.dur ?? Number.NaN;
  const width = Number.isFinite(dur) ? Math.max(0.3, (dur / span) * 100) : 0.3;
  bar.style.left = `${left}%`;
  bar.style.width = `${Math.min(width, 100 - left + 0.3)}%`;
  const name = h("div", { class: "tl-name", title: row.label }, h("span", { class: "tl-icon", "aria-hidden": "true" }, ICONS[row.type] ?? "•"), h("span", { class: "tl-type" }, row.type), " ", h("span", { class: "tl-label" }, row.label));
  name.style.paddingLeft = `${6 + row.depth * 14}px`;
  return h(
    "div",
    { class: `tl-row t-${cssToken(row.type)}${row.error ? " has-error" : ""}`, "data-ref": row.ref },
    name,
    h("div", { class: "tl-dur" }, fmtDuration(row.dur)),
    h("div", { class: "tl-track" }, bar),
  );
}

/** Fills `header` with the session's agent, status and facts. */
function renderHeader(header: HTMLElement, s: SessionHeader): void {
  clear(header);
  header.append(
    h("h2", null, s.agent || "(no agent)", " ", h("span", { class: `badge st-${cssToken(s.status)}` }, s.status || "unknown")),
    h(
      "dl",
      { class: "facts" },
      ...fact("Session", s.id),
      ...fact("Started", fmtTime(s.first)),
      ...fact("Duration", fmtDuration(s.durationMs)),
      ...fact("Events", String(s.events)),
      ...fact("Errors", String(s.errors)),
      ...fact("Tokens", `${s.tokensIn} in / ${s.tokensOut} out`),
      ...fact("Cost", sessionCostText(s.totalCost, s.unmatchedModels, s.models, s.priceList)),
      ...sessionPartFacts(s.costParts).flatMap(([k, v]) => (v ? fact(k, v) : [])),
      ...fact("Models", s.models.join(", ") || "none"),
      ...fact("Tools", s.tools.join(", ") || "none"),
    ),
  );
}

export function createTimelineView(client: WorkerClient, onSelect: (n: number) => void, onActivate: () => void): TimelineView {
  const header = h("div", { class: "session-header" });
  let current: SessionHeader | null = null;
  let span = 1;

  const list = new VirtualList<TimelineRow>({
    rowHeight: 26,
    label: "Timeline",
    fetch: async (offset, limit) => {
      if (!current) return [];
      const res = await client.call<{ rows: TimelineRow[] }>("timeline", { id: current.id, offset, limit });
      return res.rows;
    },
    render: (row) => renderRow(row, span),
    onSelect: (index) => onSelect(index),
    onActivate,
  });

  const HINT = "Select a session to see its timeline.";
  const empty = h("div", { class: "placeholder" }, HINT);
  const head = h("div", { class: "tl-head", hidden: true }, h("span", null, "Event"), h("span", null, "Duration"), h("span", null, "Waterfall"));
  list.el.hidden = true;
  const el = h("div", { class: "timeline-view" }, header, head, list.el, empty);

  return {
    el,
    list,
    show(s) {
      current = s;
      empty.hidden = s !== null;
      head.hidden = list.el.hidden = s === null;
      header.hidden = s === null;
      if (!s) {
        clear(header);
        list.reset(0);
        return;
      }
      span = s.span > 0 ? s.span : 1;
      renderHeader(header, s);
      list.el.scrollTop = 0;
      list.reset(s.rows);
    },
    update(s) {
      if (current?.id !== s.id) return this.show(s);
      current = s;
      span = s.span > 0 ? s.span : 1;
      renderHeader(header, s);
      list.reset(s.rows, list.selected);
    },
    setPlaceholder(content) {
      clear(empty);
      append(empty, content ?? HINT);
    },
    sessionId: () => current?.id,
  };
}

function fact(term: string, value: string): HTMLElement[] {
  return [h("dt", null, term), h("dd", null, value)];
}
