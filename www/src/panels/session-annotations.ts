// Collector mode: a session's annotations (notes, bugs, insights, warnings, milestones)
// listed, added, edited and deleted through the collector (/sessions/{id}/annotations).
// Their text is anyone's: it is shown as text, never as markup.
import { clear, fmtTime, h } from "../dom";
import { ANNOTATION_TYPES, type Annotation, type CollectorApi } from "../collector-api";
import { errorLine, type ErrorLine } from "./control-error";
import { select } from "./parts";

const typeSelect = (value = "note") => select(ANNOTATION_TYPES.map((t) => [t, t]), value, "annotation-type");

const when = (iso: string | undefined) => (iso ? fmtTime(Date.parse(iso)) || iso : "");

/** One annotation's line: type, author, time and the event it is on. */
function annotationHead(a: Annotation): HTMLElement {
  const edited = a.updated_at && a.updated_at !== a.created_at ? ` (edited ${when(a.updated_at)})` : "";
  return h(
    "div",
    { class: "ann-head" },
    h("span", { class: `badge ann-type ann-${ANNOTATION_TYPES.includes(a.type as never) ? a.type : "note"}` }, a.type),
    a.author ? h("span", { class: "ann-author" }, a.author) : null,
    h("span", { class: "ann-time" }, when(a.created_at) + edited),
    a.event_id ? h("span", { class: "ann-event" }, `on event ${a.event_id}`) : null,
  );
}

/** What an annotation's item asks of the list. */
interface ItemActions {
  save(a: Annotation, text: string, type: string, error: ErrorLine): Promise<void>;
  remove(a: Annotation, error: ErrorLine): Promise<void>;
}

/** One annotation: its head, its text, and Edit/Delete (Edit swaps in a form). */
function annotationItem(a: Annotation, actions: ItemActions): HTMLElement {
  const error = errorLine();
  const text = h("p", { class: "ann-text" }, a.text);
  const edit = h("button", { type: "button", class: "ann-edit" }, "Edit");
  const del = h("button", { type: "button", class: "ann-delete" }, "Delete");
  const view = h("div", null, text, h("div", { class: "sn-row" }, edit, del));
  const area = h("textarea", { class: "ann-edit-text", name: "annotation-edit", "aria-label": "Annotation text" });
  const type = typeSelect(a.type);
  const save = h("button", { type: "submit", class: "ann-save" }, "Save");
  const cancel = h("button", { type: "button", class: "ann-cancel" }, "Cancel");
  const form = h("form", { class: "ann-edit-form", hidden: true }, area, h("div", { class: "sn-row" }, type, save, cancel));
  const li = h("li", { class: "ann", "data-id": a.annotation_id }, annotationHead(a), view, form, error.el);
  const editing = (on: boolean) => {
    view.hidden = on;
    form.hidden = !on;
    error.clear();
    if (on) {
      area.value = a.text;
      area.focus();
    }
  };
  edit.addEventListener("click", () => editing(true));
  cancel.addEventListener("click", () => editing(false));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    save.disabled = true;
    void actions.save(a, area.value, type.value, error).finally(() => (save.disabled = false));
  });
  del.addEventListener("click", () => {
    del.disabled = true;
    void actions.remove(a, error).finally(() => (del.disabled = false));
  });
  return li;
}

/** The annotations of the shown session, with a form for a new one. */
export function annotationsPart(api: CollectorApi) {
  const list = h("ol", { class: "ann-list", "aria-label": "Annotations" });
  const area = h("textarea", { class: "ann-new-text", name: "annotation", placeholder: "Add a note about this session", "aria-label": "New annotation" });
  const type = typeSelect();
  type.setAttribute("aria-label", "Annotation type");
  const add = h("button", { type: "submit", class: "ann-add" }, "Add note");
  const form = h("form", { class: "ann-form" }, area, h("div", { class: "sn-row" }, type, add));
  const error = errorLine("ann-form-error");
  const loadError = errorLine("ann-load-error");
  const el = h("section", { class: "sn-part sn-annotations" }, h("h3", null, "Annotations"), loadError.el, list, form, error.el);
  let session: string | undefined;
  let shown: Annotation[] = [];

  const draw = (items: Annotation[]) => {
    shown = items;
    clear(list);
    if (!items.length) list.append(h("li", { class: "sn-empty" }, "No annotations yet."));
    for (const a of items) list.append(annotationItem(a, actions));
  };
  const actions: ItemActions = {
    async save(a, text, t, err) {
      const id = session;
      try {
        const updated = await api.editAnnotation(id!, a.annotation_id, text, t);
        if (session === id) draw(shown.map((x) => (x.annotation_id === a.annotation_id ? { ...x, ...updated } : x)));
      } catch (e) {
        if (session === id) err.show(e);
      }
    },
    async remove(a, err) {
      const id = session;
      try {
        await api.deleteAnnotation(id!, a.annotation_id);
        if (session === id) draw(shown.filter((x) => x.annotation_id !== a.annotation_id));
      } catch (e) {
        if (session === id) err.show(e);
      }
    },
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const id = session;
    if (!id) return;
    add.disabled = true;
    try {
      const created = await api.addAnnotation(id, area.value, type.value);
      if (session !== id) return;
      area.value = "";
      error.clear();
      draw([...shown, created]);
    } catch (err) {
      if (session === id) error.show(err);
    } finally {
      add.disabled = false;
    }
  });

  return {
    el,
    async show(id: string | undefined) {
      session = id;
      draw([]);
      error.clear();
      loadError.clear();
      if (!id) return;
      try {
        const items = await api.annotations(id);
        if (session === id) draw(items);
      } catch (err) {
        if (session === id) loadError.show(err);
      }
    },
  };
}
