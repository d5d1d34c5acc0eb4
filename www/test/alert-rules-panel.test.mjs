// The Collector alerts tab against the fake collector (fake-collector-api.mjs keeps the
// collector's contracts): a rule created from the form (its hostile name shown as text),
// a refused rule's message shown beside the form, the rules evaluated (one fires), the
// fired alert acknowledged, a rule disabled and deleted, a refused deletion's message
// shown; every request with the key.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildOnce, launchBrowser, openPage, skipBrowser, waitForLoad } from "./support.mjs";
import { fakeCollector, serveCollector } from "./fake-collector.mjs";
import { sessionEvents } from "./traces.mjs";

const KEY = "k-alerts-7";
const HOSTILE = `<img src=x onerror="window.__pwned=1">busy`;
const stored = { "sess-a": sessionEvents(1, 12) };
for (const e of stored["sess-a"]) e.session_id = "sess-a";
const fake = fakeCollector(stored, KEY);
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

test("alert rules: created, refused with the collector's message, evaluated, fired alert acknowledged, disabled, deleted", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openPage(browser, `${server.url}/?tab=collector-alerts#key=${KEY}`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForSelector("#view-collector-alerts:not([hidden]) .rule-form select[name=rule-metric] option", { state: "attached" });
  assert.match(await page.textContent("#view-collector-alerts"), /No rules yet\./);
  assert.match(await page.textContent("#view-collector-alerts"), /No alert has fired\./);
  assert.deepEqual(await page.$$eval("select[name=rule-operator] option", (els) => els.map((e) => e.value)), ["<", ">", "<=", ">=", "==", "!="], "the collector's operators");
  assert.equal(await page.inputValue("select[name=rule-operator]"), ">", "the default operator is kept");

  // Refused: no threshold. The collector's message shows beside the form.
  await page.fill("input[name=rule-name]", "empty");
  await page.fill("input[name=rule-threshold]", "");
  await page.click('.rule-form button[type="submit"]');
  await page.waitForSelector(".rule-form .control-error:not([hidden])");
  assert.equal(await page.textContent(".rule-form .control-error"), "threshold must be a number");
  assert.equal(fake.api.rules.length, 0);

  await page.fill("input[name=rule-name]", HOSTILE);
  await page.selectOption("select[name=rule-metric]", "event_count");
  await page.selectOption("select[name=rule-operator]", ">");
  await page.fill("input[name=rule-threshold]", "5");
  await page.fill("input[name=rule-cooldown]", "30");
  await page.click('.rule-form button[type="submit"]');
  await page.waitForSelector(".rules-table .rule-name");
  assert.equal(await page.isHidden(".rule-form .control-error"), true);
  assert.equal(await page.textContent(".rules-table .rule-name"), HOSTILE, "the name is text");
  assert.equal(await page.$$eval("#view-collector-alerts img", (els) => els.length), 0);
  assert.match(await page.textContent(".rules-table tbody tr"), /event_count > 5/);
  assert.deepEqual(
    (({ name, metric, operator, threshold, window_minutes, cooldown_minutes }) => ({ name, metric, operator, threshold, window_minutes, cooldown_minutes }))(fake.api.rules[0]),
    { name: HOSTILE, metric: "event_count", operator: ">", threshold: 5, window_minutes: 60, cooldown_minutes: 30 },
  );

  await page.click(".evaluate-rules");
  await page.waitForSelector(".eval-summary");
  assert.equal(await page.textContent(".eval-summary"), "1 rule evaluated: 1 fired, 0 in cooldown, 0 ok.");
  assert.match(await page.textContent(".eval-table tbody"), /event_count > 5\s*12\s*fired/);
  await page.waitForSelector(".alert-events-table .alert-ack");
  assert.match(await page.textContent(".alert-events-table tbody tr"), /busy.*12.*event_count > 5/);

  // Within the cooldown a second evaluation does not fire again.
  await page.click(".evaluate-rules");
  await page.waitForFunction(() => document.querySelector(".eval-summary")?.textContent === "1 rule evaluated: 0 fired, 1 in cooldown, 0 ok.");

  await page.click(".alert-events-table .alert-ack");
  await page.waitForSelector(".alert-events-table .alert-acked");
  assert.match(await page.textContent(".alert-events-table .alert-acked"), /^acknowledged \d{4}-/);
  assert.equal(fake.api.fired[0].acknowledged, true);

  const [put] = await Promise.all([page.waitForResponse((r) => r.request().method() === "PUT" && r.url().includes("/alerts/rules/")), page.uncheck(".rules-table input[type=checkbox]")]);
  assert.equal(put.status(), 200);
  assert.deepEqual(JSON.parse(put.request().postData()), { enabled: false });
  assert.equal(fake.api.rules[0].enabled, false);
  await page.click(".rules-table .rule-delete");
  await page.waitForFunction(() => /No rules yet\./.test(document.getElementById("view-collector-alerts")?.textContent ?? ""));
  assert.equal(fake.api.rules.length, 0);

  const mine = server.requests.filter((r) => r.path.startsWith("/alerts/"));
  assert.ok(mine.length >= 9, `${mine.length} alert requests`);
  assert.ok(mine.every((r) => r.headers["x-api-key"] === KEY));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  await close();
});

test("a refused deletion shows the collector's message beside the table", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(browser, `${server.url}/?tab=collector-alerts#key=${KEY}`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForSelector("#view-collector-alerts .rule-form select[name=rule-metric] option", { state: "attached" });
  await page.fill("input[name=rule-name]", "gone soon");
  await page.selectOption("select[name=rule-metric]", "session_count");
  await page.fill("input[name=rule-threshold]", "100");
  await page.click('.rule-form button[type="submit"]');
  await page.waitForSelector(".rules-table .rule-delete");
  fake.api.rules.length = 0; // deleted elsewhere meanwhile
  await page.click(".rules-table .rule-delete");
  await page.waitForFunction(() => [...document.querySelectorAll("#view-collector-alerts .control-error")].some((e) => !e.hidden && e.textContent === "Rule not found"));
  await close();
});
