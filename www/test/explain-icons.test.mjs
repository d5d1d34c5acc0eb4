// Explain's markers (💡 📊 🔀 🎯 ⚠️ 🧠 ✅ ⏱️ from the core's Markdown) show as inline SVG
// icons built with DOM calls (their meaning as the tooltip), so they render where no
// emoji font is installed (this machine has none); the words around them stay text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, skipBrowser, waitForLoad, viewerFixture } from "./support.mjs";
import { ndjsonTrace } from "./traces.mjs";

const fx = viewerFixture({ "/t.ndjson": { body: ndjsonTrace(6, 14) } });

/** Text nodes of the rendered explanation that still hold an emoji. */
function emojiLeft() {
  const walker = document.createTreeWalker(document.querySelector("#view-explain .markdown"), NodeFilter.SHOW_TEXT);
  const left = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (/\p{Extended_Pictographic}/u.test(n.textContent)) left.push(n.textContent);
  return left;
}

const icons = (page) =>
  page.$$eval("#view-explain .markdown .md-icon", (els) =>
    els.map((e) => ({ label: e.getAttribute("title"), width: e.getBoundingClientRect().width, drawn: e.querySelectorAll("svg > *").length > 0 && !e.querySelector("foreignObject") })),
  );

test("explain's emoji markers are drawn icons with labels, in both styles", { skip: skipBrowser }, async () => {
  const want = { "sess-00000000": ["Tokens", "Reasoning", "Alternatives", "Confidence", "Memory", "Error", "Duration"], "sess-00000001": ["Answer"] };
  for (const [session, labels] of Object.entries(want)) {
    const { page, problems, close } = await openPage(fx.browser, `${fx.server.url}/?src=/t.ndjson&session=${session}&tab=explain`);
    assert.equal(await waitForLoad(page), "ready");
    for (const style of ["sdk", "backend"]) {
      await page.selectOption("#view-explain select[name=style]", style);
      await page.waitForFunction((s) => document.querySelector("#view-explain .markdown h2")?.textContent.includes(s), style === "sdk" ? "Session Explanation" : "Agent Session");
      assert.deepEqual(await page.evaluate(emojiLeft), [], `${session} ${style}: no emoji left as text`);
      const found = await icons(page);
      assert.ok(found.length > 0, `${session} ${style}: icons`);
      assert.ok(found.every((i) => i.width > 0 && i.drawn && i.label), JSON.stringify(found));
      if (style === "sdk") for (const label of labels) assert.ok(found.some((i) => i.label === label), `${session}: ${label} in ${JSON.stringify(found.map((i) => i.label))}`);
    }
    assert.match(await page.textContent("#view-explain .markdown"), /Reasoning: because|Answer:/, "the words stay");
    assert.deepEqual(problems, []);
    await close();
  }
});
