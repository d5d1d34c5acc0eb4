// Draws the core's explanation blocks (agentlens::analysis::explain::Block: headings,
// paragraphs, lists; strong and emphasised text) as DOM. Every string goes in as a text
// node: nothing from a trace is parsed as HTML or Markdown here, so `<img onerror=…>` in
// an event shows as those characters.
import type { ExplainBlock, ExplainLine } from "@agentlens/sdk/internal";

/** The part of `Document` the renderer needs (a test can pass a shim). */
export type BlockDocument = Pick<Document, "createElement" | "createTextNode" | "createDocumentFragment">;

/** Appends a line's spans: plain text, `<strong>` or `<em>`, each holding a text node. */
function appendLine(doc: BlockDocument, parent: Node, line: ExplainLine): void {
  for (const span of line) {
    const text = doc.createTextNode(span.text);
    if (span.mark === "strong" || span.mark === "em") {
      const el = doc.createElement(span.mark);
      el.appendChild(text);
      parent.appendChild(el);
    } else parent.appendChild(text);
  }
}

/** Appends lines separated by `<br>` (explain lays out lines, not reflowed prose). */
function appendLines(doc: BlockDocument, parent: Node, lines: ExplainLine[]): void {
  lines.forEach((line, i) => {
    if (i > 0) parent.appendChild(doc.createElement("br"));
    appendLine(doc, parent, line);
  });
}

function block(doc: BlockDocument, b: ExplainBlock): Node {
  if (b.kind === "heading") {
    const level = Math.min(6, Math.max(1, Math.trunc(b.level) || 1));
    const el = doc.createElement(`h${level}` as "h1");
    appendLine(doc, el, b.text);
    return el;
  }
  if (b.kind === "list") {
    const el = doc.createElement(b.ordered ? "ol" : "ul");
    if (b.ordered && b.start !== 1) el.setAttribute("start", String(Math.trunc(b.start) || 1));
    for (const item of b.items) {
      const li = doc.createElement("li");
      appendLines(doc, li, item);
      el.appendChild(li);
    }
    return el;
  }
  const p = doc.createElement("p");
  appendLines(doc, p, b.kind === "paragraph" ? b.lines : []);
  return p;
}

/** The blocks as a fragment of elements and text nodes. */
export function renderBlocks(blocks: readonly ExplainBlock[], doc: BlockDocument = document): DocumentFragment {
  const out = doc.createDocumentFragment();
  for (const b of blocks) out.appendChild(block(doc, b));
  return out;
}
