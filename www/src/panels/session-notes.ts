// Collector mode: the shown session's notes above its event detail — its tags (added and
// removed through /sessions/{id}/tags), its annotations and its export. Built once and
// kept across event selections; `show(id)` follows the session shown. Every tag and
// annotation is shown as text; the collector's refusals show beside the control.
import { clear, h } from "../dom";
import type { CollectorApi } from "../collector-api";
import { errorLine } from "./control-error";
import { annotationsPart } from "./session-annotations";
import { exportPart } from "./session-export";

/** The session notes box. */
export interface SessionNotes {
  el: HTMLElement;
  /** Shows the notes of session `id` (or hides the box). */
  show(id: string | undefined): void;
}

/** The tags of the shown session, each removable, with a field to add more. */
function tagsPart(api: CollectorApi) {
  const list = h("ul", { class: "tag-list", "aria-label": "Tags" });
  const input = h("input", { type: "text", name: "tag", placeholder: "Add tags, comma-separated", autocomplete: "off", "aria-label": "New tags" });
  const add = h("button", { type: "submit", class: "tag-add" }, "Add");
  const form = h("form", { class: "tag-form sn-row" }, input, add);
  const error = errorLine();
  const el = h("section", { class: "sn-part sn-tags" }, h("h3", null, "Tags"), list, form, error.el);
  let session: string | undefined;

  const draw = (tags: string[]) => {
    clear(list);
    if (!tags.length) list.append(h("li", { class: "sn-empty" }, "No tags."));
    for (const tag of tags) {
      const remove = h("button", { type: "button", class: "tag-remove", "aria-label": `Remove tag ${tag}`, title: "Remove" }, "×");
      remove.addEventListener("click", () => void run(() => api.removeTags(session!, [tag])));
      list.append(h("li", { class: "tag" }, h("span", { class: "tag-text" }, tag), remove));
    }
  };
  /** Runs a tag request for the shown session; its answer (the tags after) is drawn. */
  const run = async (work: () => Promise<string[]>): Promise<boolean> => {
    const id = session;
    try {
      const tags = await work();
      if (session !== id) return false;
      draw(tags);
      error.clear();
      return true;
    } catch (err) {
      if (session === id) error.show(err);
      return false;
    }
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const tags = input.value.split(",").map((t) => t.trim()).filter(Boolean);
    if (!session || !tags.length) return;
    add.disabled = true;
    if (await run(() => api.addTags(session!, tags))) input.value = "";
    add.disabled = false;
  });

  return {
    el,
    show(id: string | undefined) {
      session = id;
      draw([]);
      error.clear();
      if (id) void run(() => api.tags(id));
    },
  };
}

/** The notes box (hidden until a session is shown). */
export function createSessionNotes(api: CollectorApi): SessionNotes {
  const title = h("span", { class: "sn-session" });
  const tags = tagsPart(api);
  const annotations = annotationsPart(api);
  const exporter = exportPart(api);
  const el = h("details", { class: "session-notes", open: true, hidden: true }, h("summary", null, "Session notes ", title), tags.el, annotations.el, exporter.el);
  let current: string | undefined;
  return {
    el,
    show(id) {
      if (id === current) return;
      current = id;
      el.hidden = !id;
      title.textContent = id ?? "";
      tags.show(id);
      void annotations.show(id);
      exporter.show(id);
    },
  };
}
