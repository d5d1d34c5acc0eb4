// Redaction preview: the loaded trace through the core's redaction (default rules plus the
// user's extra keys and patterns): counts, a diff of what changes in a sample of events,
// and the redacted trace saved as an NDJSON file for sharing.
import type { Panel, PanelContext } from "../contract";
import { h } from "../dom";
import type { RedactionPreview, RedactionSave } from "../worker-handlers/redaction";
import { ask, field, resultArea, table, unwrap, whenVisible } from "./parts";

type Preview = Extract<RedactionPreview, { ok: true }>;
type Saved = Extract<RedactionSave, { ok: true }>;

/** `name=regex` per line (or a bare regex, named custom_N). */
export function parsePatterns(text: string): { name: string; regex: string }[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line, i) => {
      const m = /^([A-Za-z][\w-]*)=(.+)$/.exec(line);
      return m ? { name: m[1], regex: m[2] } : { name: `custom_${i + 1}`, regex: line };
    });
}

function draw(r: Preview): Node[] {
  const rep = r.report;
  const dropped = Object.entries(r.dropped).map(([why, n]) => `${n} ${why}`).join(", ");
  return [
    h(
      "dl",
      { class: "panel-facts redaction-counts" },
      ...[
        ["Events", `${r.events} read, ${r.written} written${dropped ? `, dropped: ${dropped}` : ""}`],
        ["Values under sensitive keys", String(rep.keys_redacted)],
        ["Pattern matches", String(rep.matches_redacted)],
        ["Fields truncated", `${rep.fields_truncated} (${rep.bytes_removed} bytes)`],
        ["Changed events", `${r.changed} of the first ${r.compared}`],
      ].flatMap(([k, v]) => [h("dt", null, k), h("dd", null, v)]),
    ),
    Object.keys(rep.by_pattern).length
      ? table(["Pattern", "Matches"], Object.entries(rep.by_pattern).map(([name, n]) => [name, String(n)]), "redaction-patterns")
      : h("p", { class: "panel-note" }, "No pattern matched."),
    h("h3", null, r.sample.length ? `What changes (first ${r.sample.length} changed events)` : "Nothing changes in the compared events."),
    ...r.sample.map((e) =>
      h(
        "details",
        { class: "redaction-event", open: true },
        h("summary", null, `#${e.index + 1} ${e.event_type} ${e.event_id}`, h("span", { class: "panel-note" }, ` · session ${e.session_id}`)),
        table(["Field", "Before", "After"], e.changes.map((c) => [c.path, h("del", null, c.before), h("ins", null, c.after)]), "redaction-diff"),
      ),
    ),
  ];
}

function mount(el: HTMLElement, ctx: PanelContext): void {
  const keys = h("input", { type: "text", name: "extra-keys", placeholder: "customer_id, internal_ref", spellcheck: "false" });
  const patterns = h("textarea", { class: "panel-json small", name: "extra-patterns", spellcheck: "false", placeholder: "ticket=TCK-[0-9]{6}", "aria-label": "Extra patterns, one per line" });
  const previewButton = h("button", { type: "button", class: "primary" }, "Preview");
  const saveButton = h("button", { type: "button" }, "Save redacted file");
  const saved = h("span", { class: "panel-note redaction-saved", role: "status" });
  const result = resultArea("redaction-result");
  el.append(
    h("div", { class: "panel-toolbar" }, field("Extra keys (comma separated)", keys), previewButton, saveButton, saved),
    h("p", { class: "panel-note" }, "Default rules: sensitive keys (password, api_key, authorization, …) and patterns (emails, card numbers, bearer tokens, sk- keys, AWS keys, JWTs, SSNs). Extra patterns, one per line as name=regex:"),
    patterns,
    result.el,
  );
  const options = () => ({ extraKeys: keys.value.split(",").map((k) => k.trim()).filter(Boolean), extraPatterns: parsePatterns(patterns.value) });
  const preview = () => result.run(async () => draw(unwrap(await ask<Omit<Preview, "ok">>(ctx, "redaction.preview", options())) as Preview));
  previewButton.addEventListener("click", () => void preview());
  saveButton.addEventListener("click", async () => {
    saveButton.disabled = true;
    saved.textContent = "Redacting…";
    const r = await ask<Omit<Saved, "ok">>(ctx, "redaction.save", options());
    saveButton.disabled = false;
    if (!r.ok) {
      saved.textContent = r.error;
      saved.className = "panel-error redaction-saved";
      return;
    }
    ctx.download(r.name, r.bytes, "application/x-ndjson");
    saved.className = "panel-note redaction-saved";
    saved.textContent = `Saved ${r.name}: ${r.events} events, ${r.bytes.length} bytes.`;
  });
  // The preview covers the whole trace. The context does not say whether a change was a
  // new trace or a new selection, so any change re-runs it — once, when the tab is shown.
  const schedule = whenVisible(el, () => void preview());
  ctx.onChange(schedule);
  schedule();
}

export const redactionPanel: Panel = { id: "redaction", title: "Redaction", mount };
