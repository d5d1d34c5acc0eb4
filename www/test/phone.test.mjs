// The viewer at phone width (390 x 844, Chromium): the page never scrolls sideways, ids
// keep a readable width, the panes do not overlap, and the list, the timeline and the
// detail are each reached by tapping (the page scrolls to what was opened).
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, skipBrowser, waitForLoad, viewerFixture } from "./support.mjs";
import { ndjsonTrace } from "./traces.mjs";

const PHONE = { width: 390, height: 844 };
const fx = viewerFixture({ "/t.ndjson": { body: ndjsonTrace(12, 14) } });

/** Sideways overflow of the page, and elements wider than the screen that do not scroll themselves. */
function overflow() {
  const width = document.documentElement.clientWidth;
  return { page: document.documentElement.scrollWidth - width, body: document.body.scrollWidth - width };
}

/** Elements showing an id (the list's, the header's, the detail's) narrower than ~8 characters or wrapped past 2 lines. */
function squeezedIds() {
  const ids = [...document.querySelectorAll(".srow-id")];
  for (const dl of document.querySelectorAll(".session-header .facts, #detail .facts")) {
    for (const dt of dl.querySelectorAll("dt")) if (/^(Session|Event id|Run)$/.test(dt.textContent)) ids.push(dt.nextElementSibling);
  }
  return ids
    .filter((el) => el && el.getClientRects().length)
    .map((el) => ({ text: el.textContent, rect: el.getBoundingClientRect(), line: parseFloat(getComputedStyle(el).lineHeight) || 16 }))
    .filter(({ text, rect, line }) => rect.width < Math.min(text.length, 8) * 6 || rect.height > 2.5 * line)
    .map(({ text, rect }) => `${text}: ${Math.round(rect.width)}x${Math.round(rect.height)}`);
}

/** Pairs of top-level boxes that overlap (header items, the three panes). */
function overlaps() {
  const boxes = [...document.querySelectorAll(".topbar > :not([hidden]), #list-pane, #timeline-pane, #detail")].filter((e) => e.getClientRects().length && getComputedStyle(e).display !== "none");
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].getBoundingClientRect();
      const b = boxes[j].getBoundingClientRect();
      if (a.width && b.width && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) out.push(`${boxes[i].id || boxes[i].className} × ${boxes[j].id || boxes[j].className}`);
    }
  }
  return out;
}

const inView = (page, selector) => page.$eval(selector, (el) => {
  const r = el.getBoundingClientRect();
  return r.top > -2 && r.top < innerHeight && r.bottom > 0;
});

test("at 390 px the trace view fits the width, ids stay readable and nothing overlaps", { skip: skipBrowser }, async () => {
  for (const colorScheme of ["light", "dark"]) {
    const { page, problems, close } = await openPage(fx.browser, `${fx.server.url}/?src=/t.ndjson&session=sess-00000000`, { viewport: PHONE, colorScheme });
    assert.equal(await waitForLoad(page), "ready");
    await page.waitForSelector(".tl-row");
    await page.click(".tl-row.t-tool_call >> nth=0");
    await page.waitForSelector("#detail .d-title");
    assert.deepEqual(await page.evaluate(overflow), { page: 0, body: 0 }, colorScheme);
    assert.deepEqual(await page.evaluate(squeezedIds), [], colorScheme);
    assert.deepEqual(await page.evaluate(overlaps), [], colorScheme);
    assert.deepEqual(problems, []);
    await close();
  }
});

test("at 390 px a tapped session shows its timeline and a tapped event its detail", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(fx.browser, `${fx.server.url}/?src=/t.ndjson`, { viewport: PHONE });
  assert.equal(await waitForLoad(page), "ready");
  await page.click('.list-view .vrow:has(.srow-id:text-is("sess-00000003"))');
  await page.waitForFunction(() => /sess-00000003/.test(document.querySelector(".session-header")?.textContent ?? ""));
  assert.equal(await inView(page, ".session-header"), true, "the timeline comes into view");
  await page.click(".tl-row.t-decision >> nth=0");
  await page.waitForFunction(() => document.querySelector("#detail .d-title .tl-type")?.textContent === "decision");
  assert.equal(await inView(page, "#detail .d-title"), true, "the detail comes into view");
  assert.match(await page.textContent("#detail"), /Reasoning/);
  await close();
});

test("at 390 px every tab fits the width", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(fx.browser, `${fx.server.url}/?src=/t.ndjson&session=sess-00000000`, { viewport: PHONE });
  assert.equal(await waitForLoad(page), "ready");
  for (const tab of ["explain", "charts", "compliance", "drift", "alerts", "redaction"]) {
    await page.click(`#tab-${tab}`);
    await page.waitForFunction((tab) => document.querySelector(`#view-${tab} .panel-result`)?.dataset.state === "done" || document.querySelector(`#view-${tab} .panel-toolbar`), tab);
    if (tab === "charts") await page.waitForFunction(() => document.querySelectorAll("#view-charts svg.chart").length >= 6);
    assert.deepEqual(await page.evaluate(overflow), { page: 0, body: 0 }, tab);
  }
  await close();
});

test("at tablet and small laptop widths (800, 1024 px) ids stay readable and nothing overlaps", { skip: skipBrowser }, async () => {
  for (const width of [800, 1024]) {
    const { page, close } = await openPage(fx.browser, `${fx.server.url}/?src=/t.ndjson&session=sess-00000000`, { viewport: { width, height: 800 } });
    assert.equal(await waitForLoad(page), "ready");
    await page.click(".tl-row.t-tool_call >> nth=0");
    await page.waitForSelector("#detail .d-title");
    assert.deepEqual(await page.evaluate(overflow), { page: 0, body: 0 }, `${width}`);
    assert.deepEqual(await page.evaluate(squeezedIds), [], `${width}`);
    assert.deepEqual(await page.evaluate(overlaps), [], `${width}`);
    await close();
  }
});
