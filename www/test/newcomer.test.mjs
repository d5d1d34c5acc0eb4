// What a new user meets with no trace, a file the viewer cannot read, or a file with no
// events: how to open one and what it reads, no stale sessions left from the last file,
// and a plain word for an empty file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, skipBrowser, waitForLoad, viewerFixture } from "./support.mjs";
import { ndjsonTrace } from "./traces.mjs";

const fx = viewerFixture({ "/t.ndjson": { body: ndjsonTrace(3, 14) } });

const FORMATS = ["AgentLens NDJSON", "Agent Inspector", "OTLP JSON", "OpenAI Agents", "gzipped"];

test("with nothing open, the viewer says how to open a trace and which formats it reads", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openPage(fx.browser, `${fx.server.url}/`);
  assert.equal(await waitForLoad(page), "ready");
  const welcome = await page.textContent("#timeline-pane");
  assert.match(welcome, /Drop a trace file/);
  for (const f of FORMATS) assert.ok(welcome.includes(f), `${f} in "${welcome}"`);
  assert.match(welcome, /nothing is uploaded/);
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click("#timeline-pane .welcome .button")]);
  assert.ok(chooser, "the welcome's button opens the file picker");
  assert.deepEqual(problems, []);
  await close();
});

test("a file it cannot read leaves no stale sessions behind and says what it reads", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(fx.browser, `${fx.server.url}/?src=/t.ndjson`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForSelector(".tl-row");
  await page.setInputFiles("#file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("just some notes, not a trace") });
  await page.waitForFunction(() => document.documentElement.dataset.load === "error");
  assert.match(await page.textContent("#error"), /^Could not read notes\.txt: /);
  assert.equal(await page.textContent(".list-count"), "0 sessions", "the last file's sessions are gone");
  assert.equal(await page.$$eval(".list-view .srow", (els) => els.length), 0);
  assert.equal(await page.textContent("#source"), "", "no file name is left that was not loaded");
  const pane = await page.textContent("#timeline-pane");
  for (const f of FORMATS) assert.ok(pane.includes(f), `${f} in "${pane}"`);
  await close();
});

test("a trace with no events says so where the timeline would be", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(fx.browser, `${fx.server.url}/`);
  assert.equal(await waitForLoad(page), "ready");
  await page.setInputFiles("#file", { name: "empty-trace.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from('{"format":"agentlens-trace","version":1}\n') });
  await page.waitForFunction(() => /No events/.test(document.getElementById("status")?.textContent ?? ""));
  assert.match(await page.textContent("#timeline-pane"), /empty-trace\.ndjson holds no events/);
  await close();
});

test("the timeline says how a session ended instead of repeating session_end", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(fx.browser, `${fx.server.url}/?src=/t.ndjson&session=sess-00000000`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForSelector(".tl-row.t-session_end");
  assert.equal(await page.textContent(".tl-row.t-session_end .tl-label"), "ended: error");
  await close();
});
