// The pieces the analysis panels build with: a toolbar, a result area with busy and error
// states, tables, a scope picker over the shell's selection, and deferred rendering while
// the panel's tab is hidden. Every string goes in as text (through the shell's `h`).
import type { PanelContext } from "../contract";
import { clear, h } from "../dom";

/** The answer of a panel handler (see worker-handlers/result.ts). */
export type Answer<T> = ({ ok: true } & T) | { ok: false; error: string };

/** A handler call whose rejection (the shell's, not the engine's) reads as an answer. */
export async function ask<T>(ctx: PanelContext, method: string, params: unknown): Promise<Answer<T>> {
  try {
    return await ctx.call<Answer<T>>(method, params);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * A scheduler for `render`: runs it now if `el` is shown, else once when its `hidden`
 * attribute goes away (however many times it was asked while hidden).
 */
export function whenVisible(el: HTMLElement, render: () => void): () => void {
  let pending = false;
  const observer = new MutationObserver(() => {
    if (el.hidden || !pending) return;
    pending = false;
    render();
  });
  observer.observe(el, { attributes: true, attributeFilter: ["hidden"] });
  return () => {
    if (el.hidden) pending = true;
    else render();
  };
}

/**
 * A result area: `run(work)` shows "Working…", then whatever `work` builds, or its error;
 * results of an older run that finishes late are dropped.
 */
export function resultArea(cls: string) {
  const el = h("div", { class: `panel-result ${cls}`, "aria-live": "polite" });
  let generation = 0;
  return {
    el,
    async run(work: () => Promise<Node | Node[] | string>): Promise<void> {
      const mine = ++generation;
      el.setAttribute("aria-busy", "true");
      el.dataset.state = "busy";
      clear(el);
      el.appendChild(h("p", { class: "panel-note" }, "Working…"));
      let out: Node | Node[] | string;
      let state = "done";
      try {
        out = await work();
      } catch (e) {
        out = errorBox(e instanceof Error ? e.message : String(e));
        state = "error";
      }
      if (mine !== generation) return;
      clear(el);
      if (typeof out === "string") out = h("p", { class: "panel-note" }, out);
      for (const node of Array.isArray(out) ? out : [out]) el.appendChild(node);
      el.dataset.state = state;
      el.removeAttribute("aria-busy");
    },
  };
}

/** The engine's error (or a hint), shown as text. */
export function errorBox(message: string): HTMLElement {
  return h("p", { class: "panel-error", role: "alert" }, message);
}

/** A failed answer as a thrown error, so `resultArea.run` shows it. */
export function unwrap<T>(answer: Answer<T>): { ok: true } & T {
  if (!answer.ok) throw new Error(answer.error);
  return answer;
}

/** A table from a header and rows of cells (text or nodes). */
export function table(headers: string[], rows: (string | number | Node)[][], cls = ""): HTMLTableElement {
  return h(
    "table",
    { class: `panel-table ${cls}` },
    h("thead", null, h("tr", null, ...headers.map((x) => h("th", null, x)))),
    h("tbody", null, ...rows.map((r) => h("tr", null, ...r.map((c) => h("td", null, typeof c === "number" ? String(c) : c))))),
  );
}

/** A labelled control for the toolbar. */
export function field(label: string, control: HTMLElement): HTMLElement {
  return h("label", { class: "panel-field" }, h("span", null, label), control);
}

/** A `<select>` of `[value, label]` pairs. */
export function select(options: [string, string][], value?: string, name?: string): HTMLSelectElement {
  const el = h("select", { name }, ...options.map(([v, label]) => h("option", { value: v }, label)));
  if (value !== undefined) el.value = value;
  return el;
}

export type Scope = "selected" | "filtered";

/** Which sessions a run covers: the selected one, or every session passing the filters. */
export function scopePicker(ctx: PanelContext, initial: Scope = "filtered") {
  const el = select([["filtered", "Filtered sessions"], ["selected", "Selected session"]], initial, "scope");
  const label = () => {
    const sel = ctx.selection();
    (el.options[0] as HTMLOptionElement).textContent = `Filtered sessions (${sel.filteredSessionIds.length})`;
    (el.options[1] as HTMLOptionElement).textContent = sel.sessionId ? `Selected session (${sel.sessionId})` : "Selected session (none)";
  };
  label();
  return {
    el,
    refresh: label,
    ids(): string[] {
      const sel = ctx.selection();
      if (el.value === "selected") return sel.sessionId ? [sel.sessionId] : [];
      return sel.filteredSessionIds;
    },
  };
}

/** Reads a file the user picked as text. */
export function fileLoader(accept: string, onText: (text: string, name: string) => void): HTMLElement {
  const input = h("input", { type: "file", accept, class: "panel-file" });
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    if (file) onText(await file.text(), file.name);
    input.value = "";
  });
  return field("Load file", input);
}

/** Percent with one decimal. */
export const pct = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** A number as text, or "–". */
export const num = (v: unknown, digits = 2) => (typeof v === "number" && Number.isFinite(v) ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : "–");
