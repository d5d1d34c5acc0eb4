// The explain view's block renderer (www/src/explain-blocks.ts): the core's explanation
// blocks drawn as DOM. In Node, into a DOM shim that records what was built and refuses
// innerHTML, with blocks the core made from a hostile trace; then in Chromium, the Explain
// tab over that trace, checked inert.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import "@agentlens/sdk/analysis";
import { TraceView } from "@agentlens/sdk/internal";
import { openPage, skipBrowser, waitForLoad, viewerFixture } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), "agentlens-blocks-"));
await build({ entryPoints: [join(here, "../src/explain-blocks.ts")], outfile: join(out, "blocks.mjs"), bundle: true, format: "esm", platform: "neutral", logLevel: "error" });
const { renderBlocks } = await import(pathToFileURL(join(out, "blocks.mjs")).href);
rmSync(out, { recursive: true, force: true });

const IMG = "<img src=x onerror=window.__pwned=1>";
const SCRIPT = "<script>window.__pwned=1</script>";
const at = (s) => new Date(Date.UTC(2026, 10, 1, 9, 0, s)).toISOString();
/** A session whose every shown string is hostile: agent, model, tool, reasoning, error, prompt. */
const hostileTrace = [
  { event_type: "session_start", session_id: "h1", timestamp: at(0), agent_name: `agent ${SCRIPT}` },
  { event_type: "llm_call", session_id: "h1", event_id: "e1", timestamp: at(1), model: `m ${IMG}`, tokens_in: 3, tokens_out: 4, input_data: { prompt: `say ${IMG}` }, output_data: { response: "**not bold** [x](javascript:alert(1))" } },
  { event_type: "decision", session_id: "h1", event_id: "e2", timestamp: at(2), decision_trace: { reasoning: `because ${IMG}`, alternatives_considered: [SCRIPT] } },
  { event_type: "tool_call", session_id: "h1", event_id: "e3", timestamp: at(3), tool_call: { tool_name: `t ${IMG}`, tool_input: { q: IMG } } },
  { event_type: "error", session_id: "h1", event_id: "e4", timestamp: at(4), error: { error_type: "E", message: `boom ${IMG}` } },
].map((e) => JSON.stringify(e)).join("\n");

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
function* walk(node) {
  yield node;
  for (const c of node.children) yield* walk(c);
}
const ALLOWED = new Set(["h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "strong", "em", "ul", "ol", "li"]);
function assertInert(root) {
  for (const n of walk(root)) {
    if (n.tagName.startsWith("#")) continue;
    assert.ok(ALLOWED.has(n.tagName), `unexpected element <${n.tagName}>`);
    for (const name of Object.keys(n.attrs)) assert.equal(name, "start", `unexpected attribute ${name}`);
  }
}

function explained(style) {
  const view = new TraceView();
  try {
    view.push(new TextEncoder().encode(hostileTrace));
    view.finish();
    return view.explain("h1", style);
  } finally {
    view.free();
  }
}

test("draws headings, lines, lists and marks from the blocks, text as text nodes", () => {
  const root = renderBlocks(
    [
      { kind: "heading", level: 2, text: [{ text: "Session Explanation: a" }] },
      { kind: "paragraph", lines: [[{ text: "Status:", mark: "strong" }, { text: " active" }], [{ text: "second line" }]] },
      { kind: "list", ordered: true, start: 3, items: [[[{ text: "llm_call", mark: "strong" }], [{ text: "📊 Tokens: 1 in / 2 out" }]]] },
      { kind: "list", ordered: false, start: 1, items: [[[{ text: "Input:", mark: "em" }, { text: " hi" }]]] },
      { kind: "heading", level: 99, text: [{ text: "clamped" }] },
    ],
    doc,
  );
  assert.deepEqual(root.children.map((c) => c.tagName), ["h2", "p", "ol", "ul", "h6"]);
  const [, p, ol, ul] = root.children;
  assert.deepEqual(p.children.map((c) => c.tagName), ["strong", "#text", "br", "#text"]);
  assert.equal(ol.attrs.start, "3");
  assert.deepEqual(ol.children[0].children.map((c) => c.tagName), ["strong", "br", "#text"]);
  assert.equal(ul.children[0].children[0].tagName, "em");
  assertInert(root);
});

test("the core's blocks of a hostile session render as the literal characters, in both styles", () => {
  for (const style of ["sdk", "backend"]) {
    const { markdown, blocks } = explained(style);
    assert.ok(blocks.length > 2, style);
    const root = renderBlocks(blocks, doc);
    assertInert(root);
    const text = root.textContent;
    assert.ok(text.includes(IMG), `${style}: the <img> shows as text`);
    if (style === "sdk") assert.ok(text.includes(SCRIPT), "the agent name shows as text");
    // Every character of the Markdown but its markers is in the drawing.
    const visible = (s) => s.replace(/\*|\n|^#+ |^ {3}|^\d+\. |^- /gm, "");
    assert.equal(visible(text).replace(/\s/g, "").length, visible(markdown).replace(/\s/g, "").length, style);
  }
});

const fx = viewerFixture({ "/h.ndjson": { body: hostileTrace } });

test("the Explain tab draws a hostile session inert: no element, handler or script from the trace", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openPage(fx.browser, `${fx.server.url}/?src=/h.ndjson&session=h1&tab=explain`);
  try {
    assert.equal(await waitForLoad(page), "ready");
    for (const style of ["sdk", "backend"]) {
      await page.selectOption("#view-explain select[name=style]", style);
      await page.waitForFunction((s) => document.querySelector("#view-explain .markdown h2")?.textContent.includes(s), style === "sdk" ? "Session Explanation" : "Agent Session");
      const found = await page.evaluate(() => ({
        pwned: window.__pwned ?? null,
        elements: [...document.querySelectorAll("#view-explain .markdown *")].map((e) => e.tagName.toLowerCase()).filter((t) => !["h2", "h3", "p", "br", "strong", "em", "ul", "ol", "li", "span", "svg", "path", "circle", "rect", "title"].includes(t)),
        handlers: [...document.querySelectorAll("#view-explain *")].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => a.name)),
        text: document.querySelector("#view-explain .markdown").textContent,
      }));
      assert.deepEqual({ ...found, text: undefined }, { pwned: null, elements: [], handlers: [], text: undefined }, style);
      assert.ok(found.text.includes("<img src=x onerror=window.__pwned=1>"), `${style}: shown as text`);
    }
    assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
  } finally {
    await close();
  }
});
