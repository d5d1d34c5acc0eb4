// The tab strip: the trace view and one tab per analysis panel, each panel mounted the
// first time its tab is shown; arrow keys move between tabs.
import type { Panel, PanelContext } from "./contract";
import { byId, h } from "./dom";

export interface Tabs {
  show(id: string): void;
}

/** Builds the tabs for `panels`; `onShow` hears the tab shown ("trace" or a panel's id). */
export function setupTabs(panels: Panel[], ctx: PanelContext, onShow: (id: string) => void): Tabs {
  const strip = byId("tabs");
  const views = byId("views");
  const buttons = new Map<string, HTMLButtonElement>();
  const mounted = new Set<string>();

  const add = (id: string, title: string, section: HTMLElement) => {
    const button = h("button", { type: "button", role: "tab", id: `tab-${id}`, "aria-controls": section.id, "data-tab": id }, title);
    button.addEventListener("click", () => show(id));
    strip.appendChild(button);
    buttons.set(id, button);
  };

  const mount = (panel: Panel) => {
    mounted.add(panel.id);
    const el = byId(`view-${panel.id}`);
    try {
      panel.mount(el, ctx);
    } catch (err) {
      el.appendChild(h("p", { class: "error" }, `This panel failed to start: ${err instanceof Error ? err.message : String(err)}`));
    }
  };

  function show(id: string): void {
    if (!buttons.has(id)) id = "trace";
    for (const [tid, button] of buttons) {
      const on = tid === id;
      button.setAttribute("aria-selected", String(on));
      button.tabIndex = on ? 0 : -1;
      byId(`view-${tid}`).hidden = !on;
    }
    const panel = panels.find((p) => p.id === id);
    if (panel && !mounted.has(id)) mount(panel);
    onShow(id);
  }

  add("trace", "Trace", byId("view-trace"));
  for (const panel of panels) {
    if (!/^[a-z0-9-]+$/.test(panel.id) || panel.id === "trace") continue;
    const section = h("section", { id: `view-${panel.id}`, class: "panel-view", role: "tabpanel", hidden: true });
    views.appendChild(section);
    add(panel.id, panel.title, section);
  }
  strip.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const ids = [...buttons.keys()];
    const current = ids.findIndex((id) => buttons.get(id)!.getAttribute("aria-selected") === "true");
    const next = ids[(current + (e.key === "ArrowRight" ? 1 : ids.length - 1)) % ids.length]!;
    show(next);
    buttons.get(next)!.focus();
  });
  return { show };
}
