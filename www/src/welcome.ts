// What the timeline area says before any trace is open (and after one failed to open):
// how to open a trace, what the viewer reads, and that nothing leaves the browser.
import { h } from "./dom";
import { READABLE_FORMATS } from "./status-text";

export function welcome(): HTMLElement {
  return h(
    "div",
    { class: "welcome" },
    h("h2", null, "Open a trace"),
    h("p", null, "Drop a trace file anywhere on this page, or ", h("label", { class: "button", for: "file" }, "Choose a file…")),
    h("p", null, `It reads ${READABLE_FORMATS}.`),
    h("p", { class: "hint" }, "The file is read here, in your browser: nothing is uploaded. To open a trace from the web, add ?src=https://…/trace.ndjson to this page's address (its server must allow it: CORS)."),
  );
}
