// Virtualisation: a 60,000-event trace (one 50,000-event session and 1,000 small ones)
// keeps only a screenful of rows in the DOM, and scrolling reaches the last row of both
// the list and the timeline. No timing here: bench/viewer.mjs reports the figures.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildOnce, launchBrowser, openPage, serve, skipBrowser, waitForLoad } from "./support.mjs";
import { sessionEvents } from "./traces.mjs";

let server;
let browser;

before(async () => {
  if (skipBrowser) return;
  const lines = sessionEvents(0, 50_000).map((e) => JSON.stringify(e));
  for (let s = 1; s <= 1000; s++) for (const e of sessionEvents(s, 10)) lines.push(JSON.stringify(e));
  server = await serve(await buildOnce(), { routes: { "/big.ndjson": { body: `${lines.join("\n")}\n` } } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("big traces keep a screenful of rows in the DOM and scroll to the end", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openPage(browser, `${server.url}/?src=/big.ndjson`);
  assert.equal(await waitForLoad(page, 120_000), "ready");
  assert.match(await page.textContent("#status"), /60,000 events in 1,001 sessions/);
  await page.waitForSelector(".tl-row");
  assert.match(await page.textContent(".session-header"), /Events50000/);
  const counts = await page.evaluate(() => ({ list: document.querySelectorAll(".list-view .vrow").length, timeline: document.querySelectorAll(".timeline-view .vrow").length }));
  assert.ok(counts.list > 5 && counts.list < 150, JSON.stringify(counts));
  assert.ok(counts.timeline > 5 && counts.timeline < 150, JSON.stringify(counts));

  await page.focus(".timeline-view .vlist");
  await page.keyboard.press("End");
  await page.waitForFunction(() => document.querySelector(".timeline-view .vrow.selected")?.dataset.index === "49997");
  assert.match(await page.textContent(".timeline-view .vrow.selected"), /session_end/);
  await page.waitForFunction(() => document.querySelector(".d-title .tl-type")?.textContent === "session_end");
  assert.ok((await page.$$(".timeline-view .vrow")).length < 150);

  await page.focus(".list-view .vlist");
  await page.keyboard.press("End");
  await page.waitForFunction(() => document.querySelector(".list-view .vrow.selected .srow-id")?.textContent === "sess-000003e8");
  assert.ok((await page.$$(".list-view .vrow")).length < 150);
  assert.deepEqual(problems, []);
  await close();
});
