// Explain: the core's Markdown explanation of the selected session (SDK or backend style),
// rendered by the safe Markdown renderer with its emoji markers drawn as icons, and the
// source a click away.
import type { Panel, PanelContext } from "../contract";
import { h } from "../dom";
import { iconizeEmoji } from "../emoji-icons";
import { renderMarkdown } from "../markdown";
import { ask, field, resultArea, select, unwrap, whenVisible } from "./parts";

function mount(el: HTMLElement, ctx: PanelContext): void {
  const style = select([["sdk", "SDK explain()"], ["backend", "Backend /explain"]], "sdk", "style");
  const result = resultArea("explain-result");
  el.append(h("div", { class: "panel-toolbar" }, field("Style", style)), result.el);

  const render = () =>
    result.run(async () => {
      const { sessionId } = ctx.selection();
      if (!sessionId) return "Select a session in the Trace view to explain it.";
      const r = unwrap(await ask<{ markdown: string }>(ctx, "explain.session", { sessionId, style: style.value }));
      const body = h("article", { class: "markdown" });
      body.appendChild(renderMarkdown(r.markdown));
      iconizeEmoji(body);
      const source = h("details", { class: "markdown-source" }, h("summary", null, "Markdown source"), h("pre", null, r.markdown));
      return [body, source];
    });
  const schedule = whenVisible(el, () => void render());
  style.addEventListener("change", () => void render());
  ctx.onChange(schedule);
  schedule();
}

export const explainPanel: Panel = { id: "explain", title: "Explain", mount };
