// Collector mode's session notes against the fake collector (fake-collector-api.mjs keeps
// the collector's contracts): a session's tags added and removed, an annotation created,
// edited and deleted, hostile tag and annotation text shown as text only, the collector's
// refusals shown beside the control, the export downloaded in each format, costs priced
// with the collector's stored prices, every request carrying the key — and none of these
// controls when no collector serves the page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildOnce, launchBrowser, openPage, serve, skipBrowser, waitForLoad } from "./support.mjs";
import { fakeCollector, serveCollector } from "./fake-collector.mjs";
import { ndjsonTrace, sessionEvents } from "./traces.mjs";

const KEY = "k-notes-42";
const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
const priced = [
  { session_id: "sess-priced", event_type: "session_start", timestamp: "2026-11-01T08:00:00.000Z", agent_name: "pricer" },
  { session_id: "sess-priced", event_id: "p1", event_type: "llm_call", timestamp: "2026-11-01T08:00:01.000Z", model: "acme-custom-1", tokens_in: 1000, tokens_out: 0 },
];
const stored = { "sess-a": sessionEvents(1, 12), "sess-priced": priced };
for (const e of stored["sess-a"]) e.session_id = "sess-a";
const pricing = { "acme-custom-1": { input_cost_per_1m: 2, output_cost_per_1m: 4, cached_input_cost_per_1m: null, currency: "USD", updated_at: "2026-11-01T00:00:00Z" } };
const fake = fakeCollector(stored, KEY, { pricing });
let server;
let browser;

before(async () => {
  if (skipBrowser) return;
  server = await serveCollector(await buildOnce(), fake);
  browser = await launchBrowser();
});
after(async () => {
  fake.endLive();
  await browser?.close();
  await server?.close();
});

/** Opens the viewer on `session` and waits for its notes. */
async function openSession(session) {
  const opened = await openPage(browser, `${server.url}/?session=${session}#key=${KEY}`);
  assert.equal(await waitForLoad(opened.page), "ready");
  await opened.page.waitForFunction((id) => document.querySelector(".session-notes:not([hidden]) .sn-session")?.textContent === id, session);
  return opened;
}

const tagTexts = (page) => page.$$eval(".session-notes .tag-text", (els) => els.map((e) => e.textContent));
const waitTags = (page, tags) => page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll(".session-notes .tag-text")].map((e) => e.textContent)) === want, JSON.stringify(tags));

test("tags: added (comma-separated) and removed through the collector; a refusal shows beside the field", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openSession("sess-a");
  await page.waitForSelector(".session-notes .tag-list .sn-empty");
  await page.fill(".session-notes input[name=tag]", "prod, team:search");
  await page.click(".session-notes .tag-add");
  await waitTags(page, ["prod", "team:search"]);
  assert.equal(await page.inputValue(".session-notes input[name=tag]"), "", "the field empties once added");
  assert.deepEqual([...fake.api.tags.get("sess-a")].sort(), ["prod", "team:search"], "stored by the collector");

  await page.click('.session-notes .tag-remove[aria-label="Remove tag prod"]');
  await waitTags(page, ["team:search"]);
  assert.deepEqual([...fake.api.tags.get("sess-a")], ["team:search"]);

  // The collector refuses a tag outside its rule: its message shows, the field keeps the text.
  await page.fill(".session-notes input[name=tag]", "bad<tag>");
  await page.click(".session-notes .tag-add");
  await page.waitForSelector(".sn-tags .control-error:not([hidden])");
  assert.match(await page.textContent(".sn-tags .control-error"), /^Invalid tags\. Provide an array of strings/);
  assert.equal(await page.inputValue(".session-notes input[name=tag]"), "bad<tag>");
  assert.deepEqual(await tagTexts(page), ["team:search"]);
  assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  await close();
});

test("an annotation is created, edited and deleted; an empty one is refused with the collector's message", { skip: skipBrowser }, async () => {
  const { page, close } = await openSession("sess-a");
  await page.waitForSelector(".ann-list .sn-empty");
  await page.click(".ann-add");
  await page.waitForSelector(".ann-form-error:not([hidden])");
  assert.equal(await page.textContent(".ann-form-error"), "Validation failed: text is required and must be a non-empty string");

  await page.fill("textarea[name=annotation]", "Retries look wrong here");
  await page.selectOption(".ann-form select[name=annotation-type]", "bug");
  await page.click(".ann-add");
  await page.waitForSelector(".ann-list .ann");
  assert.equal(await page.isHidden(".ann-form-error"), true, "the error goes once a request succeeds");
  assert.equal(await page.textContent(".ann .ann-text"), "Retries look wrong here");
  assert.equal(await page.textContent(".ann .ann-type"), "bug");
  assert.equal(fake.api.notes.get("sess-a")[0].type, "bug");

  await page.click(".ann .ann-edit");
  await page.fill(".ann textarea[name=annotation-edit]", "Retries are fine: the backoff is the core's");
  await page.selectOption(".ann-edit-form select", "insight");
  await page.click(".ann .ann-save");
  await page.waitForFunction(() => document.querySelector(".ann .ann-text")?.textContent === "Retries are fine: the backoff is the core's");
  assert.equal(await page.textContent(".ann .ann-type"), "insight");
  assert.equal(fake.api.notes.get("sess-a")[0].text, "Retries are fine: the backoff is the core's");

  // Reloaded from the collector, it is still there.
  const again = await openSession("sess-a");
  await again.page.waitForSelector(".ann .ann-text");
  assert.equal(await again.page.textContent(".ann .ann-text"), "Retries are fine: the backoff is the core's");
  await again.close();

  await page.click(".ann .ann-delete");
  await page.waitForSelector(".ann-list .sn-empty");
  assert.deepEqual(fake.api.notes.get("sess-a"), []);
  await close();
});

test("hostile tag and annotation text is shown as text, never as markup", { skip: skipBrowser }, async () => {
  // A tag stored by anything else, and an annotation the contract allows.
  fake.api.tags.set("sess-priced", new Set([HOSTILE]));
  const { page, problems, close } = await openSession("sess-priced");
  await waitTags(page, [HOSTILE]);
  await page.fill("textarea[name=annotation]", HOSTILE);
  await page.click(".ann-add");
  await page.waitForSelector(".ann .ann-text");
  assert.equal(await page.textContent(".ann .ann-text"), HOSTILE);
  assert.equal(await page.$$eval(".session-notes img, .session-notes script", (els) => els.length), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(problems, []);
  fake.api.tags.delete("sess-priced");
  await close();
});

test("the export control downloads the collector's attachment in each format", { skip: skipBrowser }, async () => {
  const { page, close } = await openSession("sess-a");
  const got = {};
  for (const format of ["json", "csv", "ndjson"]) {
    await page.selectOption("select[name=export-format]", format);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(".export-button")]);
    got[format] = { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
  }
  assert.equal(got.json.name, "agentlens-research-agent-sess-a.json");
  assert.equal(JSON.parse(got.json.text).events.length, 12);
  assert.equal(got.csv.name, "agentlens-research-agent-sess-a.csv");
  assert.match(got.csv.text, /^event_id,event_type,timestamp,model\n/);
  assert.equal(got.ndjson.name, "agentlens-research-agent-sess-a.ndjson");
  const lines = got.ndjson.text.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l._type), ["session", ...Array(12).fill("event")]);
  assert.match(await page.textContent(".sn-export [role=status]"), /^Saved agentlens-research-agent-sess-a\.ndjson$/);
  const exports = server.requests.filter((r) => r.path.startsWith("/sessions/sess-a/export"));
  assert.deepEqual(exports.map((r) => r.path).slice(-3), ["/sessions/sess-a/export?format=json", "/sessions/sess-a/export?format=csv", "/sessions/sess-a/export?format=ndjson"]);
  await close();
});

test("costs are priced with the collector's stored prices", { skip: skipBrowser }, async () => {
  const { page, close } = await openSession("sess-priced");
  await page.waitForFunction(() => /sess-priced/.test(document.querySelector(".session-header")?.textContent ?? ""));
  // 1000 input tokens at the stored $2 per 1M; the core's table has no acme-custom-1.
  assert.match(await page.textContent(".session-header"), /Cost\$0\.002000Models/);
  await page.click('.tl-row:has-text("llm_call")');
  await page.waitForFunction(() => /priced as acme-custom-1/.test(document.getElementById("detail")?.textContent ?? ""));
  assert.ok(server.requests.some((r) => r.path === "/pricing"));
  await close();
});

test("every request of the notes, the export and the prices carries the key", { skip: skipBrowser }, async () => {
  const { page, close } = await openSession("sess-a");
  await page.waitForSelector(".ann-list li");
  await page.waitForSelector(".tag-list li");
  const mine = server.requests.filter((r) => /^\/(pricing|sessions\/[^/]+\/(tags|annotations|export))/.test(r.path));
  for (const path of ["/pricing", "/sessions/sess-a/tags", "/sessions/sess-a/annotations?limit=500"]) assert.ok(mine.some((r) => r.path === path), path);
  assert.ok(mine.every((r) => r.headers["x-api-key"] === KEY));
  await close();
});

test("without a collector the notes, the export and the collector's alert rules are absent", { skip: skipBrowser }, async () => {
  const plain = await serve(await buildOnce(), { routes: { "/trace.ndjson": { body: ndjsonTrace(2, 12) } } });
  const { page, requests, close } = await openPage(browser, `${plain.url}/?src=/trace.ndjson`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForFunction(() => /sess-/.test(document.querySelector(".session-header")?.textContent ?? ""));
  await page.click(".tl-row >> nth=1");
  await page.waitForSelector("#detail .d-title");
  assert.equal(await page.$$eval(".session-notes, .tag-form, .ann-form, .export-button", (els) => els.length), 0);
  assert.equal(await page.$$eval('[data-tab="collector-alerts"], #view-collector-alerts', (els) => els.length), 0);
  assert.deepEqual(requests.filter((u) => /\/(pricing|alerts|sessions)\b/.test(new URL(u).pathname)), []);
  await close();
  await plain.close();
});
