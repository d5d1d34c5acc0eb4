// Collector mode: a session's export in each of the collector's formats (JSON, CSV,
// NDJSON), downloaded as the collector's own attachment (GET /sessions/{id}/export) with
// the page's key. Offline (a file opened) the control is absent: the Redaction tab saves
// the loaded trace as NDJSON there.
import { h } from "../dom";
import { EXPORT_FORMATS, type Attachment, type CollectorApi, type ExportFormat } from "../collector-api";
import { errorLine } from "./control-error";
import { select } from "./parts";

/** Offers `file` to the user as a download (a blob URL on a hidden link, clicked). */
export function saveAttachment(file: Attachment): void {
  const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = file.name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The export control of the shown session. */
export function exportPart(api: CollectorApi) {
  const format = select(EXPORT_FORMATS.map((f) => [f, f.toUpperCase()]), "json", "export-format");
  format.setAttribute("aria-label", "Export format");
  const button = h("button", { type: "button", class: "export-button" }, "Export");
  const saved = h("span", { class: "sn-note", role: "status" });
  const error = errorLine();
  const el = h("section", { class: "sn-part sn-export" }, h("h3", null, "Export"), h("div", { class: "sn-row" }, format, button, saved), error.el);
  let session: string | undefined;

  button.addEventListener("click", async () => {
    const id = session;
    if (!id) return;
    button.disabled = true;
    saved.textContent = "";
    try {
      const file = await api.exportSession(id, format.value as ExportFormat);
      saveAttachment(file);
      error.clear();
      saved.textContent = `Saved ${file.name}`;
    } catch (err) {
      if (session === id) error.show(err);
    } finally {
      button.disabled = false;
    }
  });

  return {
    el,
    show(id: string | undefined) {
      session = id;
      saved.textContent = "";
      error.clear();
    },
  };
}
