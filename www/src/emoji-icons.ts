// The explain() markers (💡 📊 🔀 🎯 ⚠️ 🧠 ✅ ⏱️) as small inline SVG icons. Without an
// emoji font (a plain Linux desktop, many servers) those characters draw as empty boxes;
// icons built here with createElementNS draw everywhere. Only fixed shapes are created
// (paths, circles, rects with constant attributes); the text around a marker stays a
// text node, so nothing from the trace is ever parsed as markup.

const SVG = "http://www.w3.org/2000/svg";

type Shape = [tag: "path" | "circle" | "rect", attrs: Record<string, string>];

interface Icon {
  /** What the marker means (the icon's tooltip). */
  title: string;
  cls: string;
  shapes: Shape[];
}

const path = (d: string): Shape => ["path", { d }];
const circle = (cx: number, cy: number, r: number): Shape => ["circle", { cx: String(cx), cy: String(cy), r: String(r) }];

const ICONS: Record<string, Icon> = {
  "💡": { title: "Reasoning", cls: "reasoning", shapes: [path("M8 1.5a4.5 4.5 0 0 0-2.6 8.2c.4.3.6.7.6 1.2v.6h4v-.6c0-.5.2-.9.6-1.2A4.5 4.5 0 0 0 8 1.5z"), path("M6.2 14.5h3.6")] },
  "📊": { title: "Tokens", cls: "tokens", shapes: [path("M2 14.5h12"), path("M4.5 12.5v-4M8 12.5v-9M11.5 12.5v-6")] },
  "🔀": { title: "Alternatives", cls: "alternatives", shapes: [path("M1.5 4.5h3l6 7h4M1.5 11.5h3l1.8-2.1M10.5 4.5h4"), path("M12.5 2.5l2 2-2 2M12.5 9.5l2 2-2 2")] },
  "🎯": { title: "Confidence", cls: "confidence", shapes: [circle(8, 8, 6.5), circle(8, 8, 3.8), circle(8, 8, 1.2)] },
  "⚠": { title: "Error", cls: "error", shapes: [path("M8 1.8 15 14.2H1z"), path("M8 6.2v3.8M8 12.1v.1")] },
  "🧠": { title: "Memory", cls: "memory", shapes: [["rect", { x: "4", y: "4", width: "8", height: "8", rx: "1.5" }], path("M6.5 1.5V4M9.5 1.5V4M6.5 12v2.5M9.5 12v2.5M1.5 6.5H4M1.5 9.5H4M12 6.5h2.5M12 9.5h2.5")] },
  "✅": { title: "Answer", cls: "answer", shapes: [circle(8, 8, 6.5), path("M5 8.3l2 2 4-4.3")] },
  "⏱": { title: "Duration", cls: "duration", shapes: [circle(8, 9.2, 5.3), path("M8 9.2V6.4M6.3 1.5h3.4M8 1.5v2.4M12.2 4.6l1-1")] },
};

/** A marker, with the variation selector that asks for emoji presentation when present. */
const MARKER = new RegExp(`(${Object.keys(ICONS).join("|")})\\uFE0F?`, "gu");

function iconElement(doc: Document, icon: Icon): HTMLElement {
  const span = doc.createElement("span");
  span.className = `md-icon md-icon-${icon.cls}`;
  span.title = icon.title;
  span.setAttribute("aria-hidden", "true");
  const svg = doc.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("focusable", "false");
  for (const [tag, attrs] of icon.shapes) {
    const shape = doc.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) shape.setAttribute(name, value);
    svg.appendChild(shape);
  }
  span.appendChild(svg);
  return span;
}

/** Replaces one text node's markers with icons (the text between them stays text). */
function iconizeText(node: Text): void {
  const text = node.data;
  const doc = node.ownerDocument;
  const out = doc.createDocumentFragment();
  let at = 0;
  for (const m of text.matchAll(MARKER)) {
    if (m.index > at) out.appendChild(doc.createTextNode(text.slice(at, m.index)));
    out.appendChild(iconElement(doc, ICONS[m[1]!]!));
    at = m.index + m[0].length;
  }
  if (at < text.length) out.appendChild(doc.createTextNode(text.slice(at)));
  node.replaceWith(out);
}

/** Draws every explain marker under `root` as an icon. */
export function iconizeEmoji(root: Node): void {
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    MARKER.lastIndex = 0;
    if (MARKER.test((n as Text).data)) found.push(n as Text);
  }
  for (const node of found) iconizeText(node);
}
