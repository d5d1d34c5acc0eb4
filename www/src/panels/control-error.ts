// The line beside a control of collector mode that shows why the collector refused what
// it asked (the collector's own message, as text), until the next attempt succeeds.
import { h } from "../dom";

/** An error line: `show(err)` puts the error's message in it, `clear()` hides it. */
export interface ErrorLine {
  el: HTMLElement;
  show(err: unknown): void;
  clear(): void;
}

/** A hidden error line (with the extra class `cls`), announced to assistive technology when it shows. */
export function errorLine(cls = ""): ErrorLine {
  const el = h("p", { class: `control-error ${cls}`.trim(), role: "alert", hidden: true });
  return {
    el,
    show(err) {
      el.textContent = err instanceof Error ? err.message : String(err);
      el.hidden = false;
    },
    clear() {
      el.textContent = "";
      el.hidden = true;
    },
  };
}
