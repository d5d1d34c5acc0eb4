// Explain: the core's explanation of the selected session (SDK or backend style), drawn
// from the core's blocks as text nodes with its emoji markers drawn as icons, and the
// Markdown source a click away.
import type { Panel, PanelContext } from "../contract";
import { h } from "../dom";
import { iconizeEmoji } from "../emoji-icons";
import { renderBlocks } from "../explain-blocks";
import type { ExplainBlock } from "@agentlens/sdk/internal";
import { ask, field, resultArea, select, unwrap, whenVisible } from "./parts";

function mount(el: HTMLElement, ctx: PanelContext): void {
  const style = select([["sdk", "SDK explain()"], ["backend", "Backend /explain"]], "sdk", "style");
  const result = resultArea("explain-result");
  el.append(h("div", { class: "panel-toolbar" }, field("Style", style)), result.el);

  const render = () =>
    result.run(async () => {
      const { sessionId } = ctx.selection();
      if (!sessionId) return "Select a session in the Trace view to explain it.";
      const r = unwrap(await ask<{ markdown: string; blocks: ExplainBlock[] }>(ctx, "explain.session", { sessionId, style: style.value }));
      const body = h("article", { class: "markdown" });
      body.appendChild(renderBlocks(r.blocks));
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
