// The viewer's collector-mode controls against the real collector (bindings/cli
// dist/collector on the project's Node 24, in a child process, as collector-e2e does):
// costs priced with prices stored by PUT /pricing, a session's tags and annotations edited
// in the viewer and read back from the API, hostile annotation text shown as text, the
// export downloaded in each format, and an alert rule created, evaluated, its alert
// acknowledged. Skipped where Node 24 or the collector build is absent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOnce, launchBrowser, openPage, skipCollector, collectorRequest, startRealCollector, stopRealCollector, waitForLoad } from "./support.mjs";
import { sessionEvents } from "./traces.mjs";

const skip = skipCollector;
const KEY = "e2e-notes-9c1d";
const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
const SID = "sess-00000003";
let child;
let url;
let browser;
let dir;

before(async () => {
  if (skip) return;
  const viewerDir = await buildOnce();
  dir = mkdtempSync(join(tmpdir(), "agentlens-www-notes-e2e-"));
  ({ child, url } = await startRealCollector({ dbPath: join(dir, "db.sqlite"), viewerDir, apiKey: KEY }));
  browser = await launchBrowser();
  // One session of the test traces, one LLM call of it on a model only the stored price knows.
  const events = sessionEvents(3, 20);
  events.splice(1, 0, { session_id: SID, event_id: "custom-1", event_type: "llm_call", timestamp: events[0].timestamp, model: "acme-custom-1", tokens_in: 1000, tokens_out: 0 });
  assert.ok((await api("POST", "/events", { events })).ok);
  assert.ok((await api("PUT", "/pricing", { pricing: { "acme-custom-1": { input_cost_per_1m: 2000, output_cost_per_1m: 0 } } })).ok);
});
after(async () => {
  await browser?.close();
  await stopRealCollector(child);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const api = (method, path, body) => collectorRequest(url, KEY, method, path, body);

async function openSession() {
  const opened = await openPage(browser, `${url}/?session=${SID}#key=${KEY}`);
  assert.equal(await waitForLoad(opened.page), "ready", await opened.page.textContent("#error"));
  await opened.page.waitForFunction((id) => document.querySelector(".session-notes:not([hidden]) .sn-session")?.textContent === id, SID);
  return opened;
}

test("on the real collector: costs use the stored prices", { skip }, async () => {
  const { page, problems, close } = await openSession();
  await page.waitForFunction((id) => (document.querySelector(".session-header")?.textContent ?? "").includes(id), SID);
  // The core's table has no acme-custom-1: its cost is the stored $2000 per 1M input tokens.
  await page.click('.tl-row:has-text("acme-custom-1")');
  await page.waitForFunction(() => /Cost\$2\.0000 \(priced as acme-custom-1\)/.test(document.getElementById("detail")?.textContent ?? ""));
  assert.doesNotMatch(await page.textContent(".session-header"), /no price for acme-custom-1/);
  assert.deepEqual(problems, []);
  await close();
});

test("on the real collector: tags and annotations edited in the viewer are the collector's", { skip }, async () => {
  const { page, problems, close } = await openSession();
  await page.fill(".session-notes input[name=tag]", "prod, team:search");
  await page.click(".session-notes .tag-add");
  await page.waitForFunction(() => document.querySelectorAll(".session-notes .tag-text").length === 2);
  await page.click('.session-notes .tag-remove[aria-label="Remove tag prod"]');
  await page.waitForFunction(() => document.querySelectorAll(".session-notes .tag-text").length === 1);
  assert.deepEqual((await (await api("GET", `/sessions/${SID}/tags`)).json()).tags, ["team:search"]);
  await page.fill(".session-notes input[name=tag]", "no<good>");
  await page.click(".session-notes .tag-add");
  await page.waitForSelector(".sn-tags .control-error:not([hidden])");
  assert.match(await page.textContent(".sn-tags .control-error"), /tag/i, "the collector's refusal is shown");

  await page.fill("textarea[name=annotation]", HOSTILE);
  await page.selectOption(".ann-form select[name=annotation-type]", "warning");
  await page.click(".ann-add");
  await page.waitForSelector(".ann .ann-text");
  assert.equal(await page.textContent(".ann .ann-text"), HOSTILE);
  assert.equal(await page.$$eval(".session-notes img, .session-notes script", (els) => els.length), 0);
  await page.click(".ann .ann-edit");
  await page.fill(".ann textarea[name=annotation-edit]", "edited in the viewer");
  await page.click(".ann .ann-save");
  await page.waitForFunction(() => document.querySelector(".ann .ann-text")?.textContent === "edited in the viewer");
  const stored = (await (await api("GET", `/sessions/${SID}/annotations`)).json()).annotations;
  assert.deepEqual(stored.map((a) => [a.text, a.type]), [["edited in the viewer", "warning"]]);
  await page.click(".ann .ann-delete");
  await page.waitForSelector(".ann-list .sn-empty");
  assert.equal((await (await api("GET", `/sessions/${SID}/annotations`)).json()).annotations.length, 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  await close();
});

test("on the real collector: the export downloads the collector's attachment in each format", { skip }, async () => {
  const { page, close } = await openSession();
  for (const format of ["json", "csv", "ndjson"]) {
    await page.selectOption("select[name=export-format]", format);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(".export-button")]);
    const text = readFileSync(await download.path(), "utf8");
    const direct = await (await api("GET", `/sessions/${SID}/export?format=${format}`)).text();
    assert.equal(download.suggestedFilename(), `agentlens-planner-sess-000.${format}`);
    if (format === "json") assert.deepEqual({ ...JSON.parse(text), exported_at: 0 }, { ...JSON.parse(direct), exported_at: 0 }, "the collector's own export");
    else assert.equal(text, direct, "the collector's own export");
  }
  await close();
});

test("on the real collector: an alert rule is created, evaluated, and its alert acknowledged", { skip }, async () => {
  const { page, problems, close } = await openPage(browser, `${url}/?tab=collector-alerts#key=${KEY}`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForSelector(".rule-form select[name=rule-metric] option", { state: "attached" });
  await page.fill("input[name=rule-name]", HOSTILE);
  // The test traces are older than any window: at least zero events always holds, so it fires.
  await page.selectOption("select[name=rule-metric]", "event_count");
  await page.selectOption("select[name=rule-operator]", ">=");
  await page.fill("input[name=rule-threshold]", "0");
  await page.click('.rule-form button[type="submit"]');
  await page.waitForSelector(".rules-table .rule-name");
  assert.equal(await page.textContent(".rules-table .rule-name"), HOSTILE);
  await page.click(".evaluate-rules");
  await page.waitForSelector(".eval-summary");
  assert.equal(await page.textContent(".eval-summary"), "1 rule evaluated: 1 fired, 0 in cooldown, 0 ok.");
  await page.waitForSelector(".alert-events-table .alert-ack");
  await page.click(".alert-events-table .alert-ack");
  await page.waitForSelector(".alert-events-table .alert-acked");
  const fired = (await (await api("GET", "/alerts/events")).json()).events;
  assert.deepEqual(fired.map((e) => [e.rule_name, e.acknowledged]), [[HOSTILE, true]]);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(problems, []);
  await close();
});
