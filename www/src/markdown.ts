// A small Markdown renderer for the core's explain() output, safe for hostile text.
//
// It builds DOM nodes with createElement and text nodes only: there is no innerHTML, no
// HTML parsing, and so no way for a trace string to become markup. Raw HTML in the source
// (`<script>`, `<img onerror=…>`) comes out as the literal characters. Links become <a>
// only for absolute http(s) URLs, with rel="noopener noreferrer" and target="_blank";
// anything else (`javascript:`, `data:`, relative paths) is shown as its text.
//
// Supported: ATX headings, paragraphs (soft breaks kept as line breaks, since explain()
// lays out lines), ordered and unordered lists with indented continuation lines, fenced
// and indented code blocks, block quotes, GitHub tables, horizontal rules, and inline
// code spans, **strong**, *emphasis* / _emphasis_, and [text](url) links.

/** The part of `Document` the renderer needs (a test can pass a shim). */
export type MarkdownDocument = Pick<Document, "createElement" | "createTextNode" | "createDocumentFragment">;

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "para"; lines: string[] }
  | { kind: "code"; lang: string; text: string }
  | { kind: "list"; ordered: boolean; start: number; items: string[][] }
  | { kind: "quote"; lines: string[] }
  | { kind: "table"; header: string[]; align: string[]; rows: string[][] }
  | { kind: "rule" };

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const BULLET = /^( {0,3})([-*+])[ \t]+(.*)$/;
const ORDERED = /^( {0,3})(\d{1,9})[.)][ \t]+(.*)$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const TABLE_SEP = /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/;
const MAX_DEPTH = 8;
/** How far an inline opener looks for its closer, so hostile text cannot make it quadratic. */
const MAX_SPAN = 4096;

/** Parses Markdown into blocks (one level; list items are re-parsed inside). */
function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  let para: string[] | null = null;
  const endPara = () => {
    if (para) blocks.push({ kind: "para", lines: para });
    para = null;
  };
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      endPara();
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      endPara();
      const marker = fence[1];
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(marker)) body.push(lines[i++]);
      i++; // the closing fence (or the end)
      blocks.push({ kind: "code", lang: fence[2] ?? "", text: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      endPara();
      blocks.push({ kind: "heading", level: heading[1].length, text: heading[2] ?? "" });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      endPara();
      blocks.push({ kind: "rule" });
      i++;
      continue;
    }
    if (!para && /^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || lines[i].trim() === "")) {
        body.push(lines[i].replace(/^( {4}|\t)/, ""));
        i++;
      }
      while (body.length && body[body.length - 1].trim() === "") body.pop();
      blocks.push({ kind: "code", lang: "", text: body.join("\n") });
      continue;
    }
    if (/^ {0,3}>/.test(line)) {
      endPara();
      const body: string[] = [];
      while (i < lines.length && /^ {0,3}>/.test(lines[i])) body.push(lines[i++].replace(/^ {0,3}> ?/, ""));
      blocks.push({ kind: "quote", lines: body });
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1]) && lines[i + 1].includes("-")) {
      endPara();
      const header = splitRow(line);
      const align = splitRow(lines[i + 1]).map((c) => (c.endsWith(":") ? (c.startsWith(":") ? "center" : "right") : c.startsWith(":") ? "left" : ""));
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i].includes("|") && lines[i].trim() !== "") rows.push(splitRow(lines[i++]));
      blocks.push({ kind: "table", header, align, rows });
      continue;
    }
    const item = BULLET.exec(line) ?? ORDERED.exec(line);
    if (item) {
      endPara();
      const ordered = !BULLET.test(line);
      const start = ordered ? Number(item[2]) : 1;
      const items: string[][] = [];
      while (i < lines.length) {
        const m = ordered ? ORDERED.exec(lines[i]) : BULLET.exec(lines[i]);
        if (!m) break;
        const current = [m[3]];
        const indent = m[1].length + m[2].length + 1;
        i++;
        // Continuation: indented lines (and blank lines followed by indented ones).
        while (i < lines.length) {
          const next = lines[i];
          if (next.trim() === "") {
            if (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1])) {
              current.push("");
              i++;
              continue;
            }
            break;
          }
          if (/^\s{2,}\S/.test(next)) {
            current.push(next.slice(Math.min(indent, next.length - next.trimStart().length)));
            i++;
            continue;
          }
          break;
        }
        items.push(current);
      }
      blocks.push({ kind: "list", ordered, start, items });
      continue;
    }
    (para ??= []).push(line.trim());
    i++;
  }
  endPara();
  return blocks;
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  const cells: string[] = [];
  let cell = "";
  for (let k = 0; k < s.length; k++) {
    if (s[k] === "\\" && s[k + 1] === "|") {
      cell += "|";
      k++;
    } else if (s[k] === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += s[k];
  }
  cells.push(cell.trim());
  return cells;
}

/** Whether `url` may become a link: absolute http(s) only, checked after parsing. */
export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Appends inline Markdown (code, strong, emphasis, links) to `parent` as text and elements. */
function renderInline(doc: MarkdownDocument, parent: Node, text: string, depth: number): void {
  let buf = "";
  const scanned = new Map<string, number>();
  const flush = () => {
    if (buf) parent.appendChild(doc.createTextNode(buf));
    buf = "";
  };
  let k = 0;
  while (k < text.length) {
    const c = text[k];
    if (c === "\\" && k + 1 < text.length && /[\\`*_[\]()#+\-.!|<>]/.test(text[k + 1])) {
      buf += text[k + 1];
      k += 2;
      continue;
    }
    if (c === "`") {
      let ticks = 1;
      while (text[k + ticks] === "`") ticks++;
      const fence = "`".repeat(ticks);
      const rel = text.slice(k + ticks, k + MAX_SPAN).indexOf(fence);
      const end = rel < 0 ? -1 : k + ticks + rel;
      if (end > 0) {
        flush();
        const code = doc.createElement("code");
        code.textContent = text.slice(k + ticks, end).replace(/^ (.*) $/s, "$1");
        parent.appendChild(code);
        k = end + ticks;
        continue;
      }
      buf += fence;
      k += ticks;
      continue;
    }
    if (depth < MAX_DEPTH && (c === "*" || c === "_")) {
      const strong = text[k + 1] === c;
      const marker = strong ? c + c : c;
      const end = findClose(text, marker, k + marker.length, scanned);
      // `_` inside words (snake_case names) is not emphasis.
      const wordy = c === "_" && k > 0 && /\w/.test(text[k - 1]);
      if (end > k + marker.length && !wordy && !/\s/.test(text[k + marker.length])) {
        flush();
        const el = doc.createElement(strong ? "strong" : "em");
        renderInline(doc, el, text.slice(k + marker.length, end), depth + 1);
        parent.appendChild(el);
        k = end + marker.length;
        continue;
      }
    }
    if (c === "[" && depth < MAX_DEPTH) {
      const link = parseLink(text, k);
      if (link) {
        flush();
        const href = safeHref(link.url);
        if (href) {
          const a = doc.createElement("a");
          a.setAttribute("href", href);
          a.setAttribute("rel", "noopener noreferrer");
          a.setAttribute("target", "_blank");
          renderInline(doc, a, link.label, depth + 1);
          parent.appendChild(a);
        } else {
          // Not a link we allow: show what was written, as text.
          const span = doc.createElement("span");
          span.setAttribute("class", "md-link-text");
          renderInline(doc, span, link.label, depth + 1);
          span.appendChild(doc.createTextNode(` (${link.url})`));
          parent.appendChild(span);
        }
        k = link.end;
        continue;
      }
    }
    buf += c;
    k++;
  }
  flush();
}

/**
 * The closing `marker` after `from`: not preceded by whitespace (and, for `*`/`_`, not
 * part of a double marker). `scanned` remembers, per marker, how far a scan found no
 * closer, so runs of unmatched markers stay linear.
 */
function findClose(text: string, marker: string, from: number, scanned: Map<string, number>): number {
  const limit = Math.min(text.length, from + MAX_SPAN);
  let at = Math.max(from, scanned.get(marker) ?? 0);
  while (at < limit) {
    const found = text.indexOf(marker, at);
    if (found < 0 || found >= limit) break;
    if (!/\s/.test(text[found - 1] ?? " ") && (marker.length === 2 || text[found + 1] !== marker)) return found;
    at = found + 1;
  }
  scanned.set(marker, limit);
  return -1;
}

function parseLink(text: string, open: number): { label: string; url: string; end: number } | null {
  let depth = 0;
  let k = open;
  const limit = Math.min(text.length, open + MAX_SPAN);
  for (; k < limit; k++) {
    if (text[k] === "\\") k++;
    else if (text[k] === "[") depth++;
    else if (text[k] === "]" && --depth === 0) break;
  }
  if (k >= limit || text[k + 1] !== "(") return null;
  const rel = text.slice(k + 2, k + 2 + MAX_SPAN).indexOf(")");
  if (rel < 0) return null;
  const close = k + 2 + rel;
  const url = text.slice(k + 2, close).trim().split(/\s+/)[0] ?? "";
  return { label: text.slice(open + 1, k), url, end: close + 1 };
}

function renderLines(doc: MarkdownDocument, parent: Node, lines: string[], depth: number): void {
  lines.forEach((line, n) => {
    if (n > 0) parent.appendChild(doc.createElement("br"));
    renderInline(doc, parent, line, depth);
  });
}

function renderBlocks(doc: MarkdownDocument, parent: Node, src: string, depth: number): void {
  for (const block of parseBlocks(src)) {
    switch (block.kind) {
      case "heading": {
        const el = doc.createElement(`h${block.level}` as "h1");
        renderInline(doc, el, block.text, depth);
        parent.appendChild(el);
        break;
      }
      case "para": {
        const p = doc.createElement("p");
        renderLines(doc, p, block.lines, depth);
        parent.appendChild(p);
        break;
      }
      case "code": {
        const pre = doc.createElement("pre");
        const code = doc.createElement("code");
        code.textContent = block.text;
        pre.appendChild(code);
        parent.appendChild(pre);
        break;
      }
      case "rule":
        parent.appendChild(doc.createElement("hr"));
        break;
      case "quote": {
        const q = doc.createElement("blockquote");
        if (depth < MAX_DEPTH) renderBlocks(doc, q, block.lines.join("\n"), depth + 1);
        else q.appendChild(doc.createTextNode(block.lines.join("\n")));
        parent.appendChild(q);
        break;
      }
      case "list": {
        const list = doc.createElement(block.ordered ? "ol" : "ul");
        if (block.ordered && block.start !== 1) list.setAttribute("start", String(block.start));
        for (const item of block.items) {
          const li = doc.createElement("li");
          const [first, ...rest] = item;
          renderInline(doc, li, first, depth);
          // Continuation lines: nested blocks when they hold structure, else line breaks.
          if (rest.length && depth < MAX_DEPTH && rest.some((l) => BULLET.test(l) || ORDERED.test(l) || FENCE.test(l))) {
            renderBlocks(doc, li, rest.join("\n"), depth + 1);
          } else {
            for (const l of rest) {
              if (l.trim() === "") continue;
              li.appendChild(doc.createElement("br"));
              renderInline(doc, li, l.trim(), depth);
            }
          }
          list.appendChild(li);
        }
        parent.appendChild(list);
        break;
      }
      case "table": {
        const table = doc.createElement("table");
        const thead = doc.createElement("thead");
        const tr = doc.createElement("tr");
        block.header.forEach((cell, n) => {
          const th = doc.createElement("th");
          if (block.align[n]) th.setAttribute("class", `md-align-${block.align[n]}`);
          renderInline(doc, th, cell, depth);
          tr.appendChild(th);
        });
        thead.appendChild(tr);
        table.appendChild(thead);
        const tbody = doc.createElement("tbody");
        for (const row of block.rows) {
          const r = doc.createElement("tr");
          block.header.forEach((_, n) => {
            const td = doc.createElement("td");
            if (block.align[n]) td.setAttribute("class", `md-align-${block.align[n]}`);
            renderInline(doc, td, row[n] ?? "", depth);
            r.appendChild(td);
          });
          tbody.appendChild(r);
        }
        table.appendChild(tbody);
        parent.appendChild(table);
        break;
      }
    }
  }
}

/**
 * Renders Markdown into a fragment of DOM nodes. Every piece of text goes in as a text
 * node, so raw HTML in `markdown` is shown, never parsed.
 */
export function renderMarkdown(markdown: string, doc: MarkdownDocument = document): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  renderBlocks(doc, fragment, String(markdown ?? ""), 0);
  return fragment;
}
