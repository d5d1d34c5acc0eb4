// The explain view's Markdown renderer (www/src/markdown.ts), in Node: bundled with
// esbuild, rendered into a tiny DOM shim that records what was built and refuses
// innerHTML, so a test fails if the renderer ever parses HTML.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), "agentlens-md-"));
await build({
  entryPoints: [join(here, "../src/markdown.ts")],
  outfile: join(out, "markdown.mjs"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  logLevel: "error",
});
const { renderMarkdown, safeHref } = await import(pathToFileURL(join(out, "markdown.mjs")).href);
rmSync(out, { recursive: true, force: true });

class ShimNode {
  constructor(tag, text) {
    this.tagName = tag;
    this.children = [];
    this.attrs = {};
    this.text = text;
  }
  appendChild(child) {
    this.children.push(child);
    return child;
  }
  setAttribute(name, value) {
    this.attrs[name] = String(value);
  }
  set textContent(value) {
    this.children = [new ShimNode("#text", String(value))];
  }
  get textContent() {
    return this.text ?? this.children.map((c) => c.textContent).join("");
  }
  set innerHTML(_) {
    throw new Error("innerHTML must never be used");
  }
  set outerHTML(_) {
    throw new Error("outerHTML must never be used");
  }
}
const doc = {
  createElement: (tag) => new ShimNode(String(tag).toLowerCase()),
  createTextNode: (text) => new ShimNode("#text", text),
  createDocumentFragment: () => new ShimNode("#fragment"),
};

const render = (md) => renderMarkdown(md, doc);
function* walk(node) {
  yield node;
  for (const c of node.children) yield* walk(c);
}
const tags = (node) => [...walk(node)].map((n) => n.tagName).filter((t) => !t.startsWith("#"));
const ALLOWED = new Set(["h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "a", "span", "blockquote", "hr", "table", "thead", "tbody", "tr", "th", "td"]);

function assertInert(root) {
  for (const n of walk(root)) {
    if (n.tagName.startsWith("#")) continue;
    assert.ok(ALLOWED.has(n.tagName), `unexpected element <${n.tagName}>`);
    for (const [name, value] of Object.entries(n.attrs)) {
      assert.ok(["href", "rel", "target", "class", "start"].includes(name), `unexpected attribute ${name}`);
      if (name === "href") assert.match(value, /^https?:\/\//);
    }
  }
}

test("renders the explain() shapes: headings, bold, lists with continuation lines", () => {
  const md = [
    "## Session Explanation: research-agent",
    "**Session ID:** s1",
    "**Status:** active",
    "",
    "### Event Timeline:",
    "1. [10:00:01.000] **llm_call** (model: gpt-4o)",
    "   📊 Tokens: 1000 in / 500 out",
    "2. [10:00:02.000] **tool_call** → tool: shell",
    "",
    "- *Input:* \"hi\"",
    "- *Tokens:* 3 in / 4 out",
  ].join("\n");
  const root = render(md);
  assert.deepEqual(tags(root).slice(0, 6), ["h2", "p", "strong", "br", "strong", "h3"]);
  const ol = [...walk(root)].find((n) => n.tagName === "ol");
  assert.equal(ol.children.length, 2);
  assert.match(ol.children[0].textContent, /\[10:00:01\.000\] llm_call \(model: gpt-4o\)📊 Tokens: 1000 in \/ 500 out/);
  assert.equal(ol.children[0].children.filter((c) => c.tagName === "strong")[0].textContent, "llm_call");
  const ul = [...walk(root)].find((n) => n.tagName === "ul");
  assert.equal(ul.children.length, 2);
  assert.equal(ul.children[0].children[0].tagName, "em");
  assertInert(root);
});

test("raw HTML is shown as text, never as elements", () => {
  const hostile = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**<svg onload=alert(1)>**",
    "- <iframe srcdoc='<script>alert(1)</script>'>",
    "```html\n<script>alert(2)</script>\n```",
    "| a | <b>b</b> |\n|---|---|\n| <img src=x> | `<script>` |",
  ].join("\n\n");
  const root = render(hostile);
  assertInert(root);
  const text = root.textContent;
  for (const s of ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<script>alert(2)</script>", "<img src=x>"]) {
    assert.ok(text.includes(s), `${s} should appear as text`);
  }
  assert.ok(tags(root).includes("table"));
});

test("links: only absolute http(s) become anchors, with rel noopener noreferrer", () => {
  const root = render(
    "[ok](https://example.com/a?b=1) [js](javascript:alert(1)) [JS](JaVaScRiPt:alert(1)) [data](data:text/html,<script>alert(1)</script>) [rel](/etc/passwd) [sp]( javascript:alert(1)) [vb](vbscript:x)",
  );
  assertInert(root);
  const anchors = [...walk(root)].filter((n) => n.tagName === "a");
  assert.equal(anchors.length, 1);
  assert.equal(anchors[0].attrs.href, "https://example.com/a?b=1");
  assert.equal(anchors[0].attrs.rel, "noopener noreferrer");
  assert.ok(root.textContent.includes("js (javascript:alert(1))"));
  assert.equal(safeHref("javascript:alert(1)"), null);
  assert.equal(safeHref(" data:text/html,x"), null);
  assert.equal(safeHref("http://[bad"), null);
  assert.equal(safeHref("HTTPS://EXAMPLE.COM"), "https://example.com/");
});

test("a link label cannot smuggle a javascript: link through nesting or escapes", () => {
  const root = render("[[inner](javascript:alert(1))](https://ok.example) \\[x\\](javascript:alert(1)) [a](https://ok.example \"t\")");
  assertInert(root);
  for (const a of [...walk(root)].filter((n) => n.tagName === "a")) assert.match(a.attrs.href, /^https:\/\/ok\.example/);
});

test("code spans and blocks keep their text literally", () => {
  const root = render("use `<b>` and ``a ` b``\n\n    indented <i>code</i>\n\n~~~\n**not bold**\n~~~");
  const codes = [...walk(root)].filter((n) => n.tagName === "code").map((n) => n.textContent);
  assert.deepEqual(codes, ["<b>", "a ` b", "indented <i>code</i>", "**not bold**"]);
  assert.ok(!tags(root).includes("strong"));
});

test("snake_case names are not emphasis; unmatched markers stay text", () => {
  const root = render("tool web_search_v2 and tokens_in, 2 * 3 * 4, **open");
  assert.ok(!tags(root).includes("em"));
  assert.equal(root.textContent, "tool web_search_v2 and tokens_in, 2 * 3 * 4, **open");
});

test("hostile sizes and nesting finish and stay bounded", () => {
  const deep = "[".repeat(5000) + "x" + "](https://a.example)".repeat(5000);
  const stars = "* ".repeat(20000) + "*x*";
  const nested = ">".repeat(2000) + " deep";
  const ticks = "` ".repeat(20000);
  for (const md of [deep, stars, nested, ticks, "*".repeat(50000), "_a ".repeat(20000)]) {
    const root = render(md);
    assertInert(root);
  }
});

test("empty and non-string input render nothing", () => {
  assert.equal(render("").children.length, 0);
  assert.equal(render(undefined).children.length, 0);
});
