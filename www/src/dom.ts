// DOM building without HTML parsing: every string goes in through textContent or a
// whitelisted attribute, so nothing from a trace is ever interpreted as markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null>;

/** Attributes trace data may set; everything else (on*, href, src, style, srcdoc) is refused. */
const SAFE_ATTR = /^(class|id|role|tabindex|title|type|value|placeholder|name|for|min|max|step|colspan|hidden|checked|disabled|selected|open|aria-[a-z-]+|data-[a-z-]+|accept|autocomplete|spellcheck|download)$/;

/** Creates `<tag>` with safe attributes and text or node children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (!SAFE_ATTR.test(name)) throw new Error(`dom: attribute ${name} is not allowed`);
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, ...children);
  return el;
}

/** Appends text (as a text node) or nodes. */
export function append(el: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Removes every child. */
export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** The element with this id, or a thrown error naming it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`viewer: #${id} is missing from index.html`);
  return el as T;
}

/** Short human text for a duration in milliseconds. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

/** An ISO timestamp (UTC) for epoch milliseconds, or "". */
export function fmtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/** US dollars with enough digits for per-call costs. */
export function fmtCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "";
  return usd >= 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(6)}`;
}
