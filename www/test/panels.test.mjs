// The analysis panels in the built viewer, in headless Chromium: each panel over the
// panels' fixture trace, the redaction preview's saved file (no planted secret), and
// hostile strings from the trace rendering inert everywhere (nothing runs, no markup).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildOnce, launchBrowser, openPage, serve, skipBrowser, waitForLoad } from "./support.mjs";
import { ALERT_RULES, HOSTILE, PLANTED, PLANTED_EXTRA, fixtureNdjson } from "./fixtures/panels/make-fixtures.mjs";

const HOSTILE_SESSION = `sess-hostile ${HOSTILE.img}`;
const RULES = { rules: [...ALERT_RULES.rules, { name: HOSTILE.img, description: HOSTILE.script, severity: "info", condition: { type: "pattern", field: "model", pattern: "img" } }] };

let server;
let browser;
before(async () => {
  if (skipBrowser) return;
  const dir = await buildOnce();
  server = await serve(dir, { routes: { "/fixtures/analysis.ndjson": { body: fixtureNdjson(), type: "application/x-ndjson" } } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the fixture with `session` selected and `tab` shown. */
async function open(session, tab) {
  const q = new URLSearchParams({ src: "/fixtures/analysis.ndjson", session, tab });
  const view = await openPage(browser, `${server.url}/?${q}`);
  assert.equal(await waitForLoad(view.page), "ready");
  return view;
}

/** Nothing from the trace became markup or ran: no new scripts, images, frames, handlers or js: links. */
async function assertInert(page, problems) {
  const found = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    scripts: document.querySelectorAll("script").length,
    bad: [...document.querySelectorAll("#views img, #views iframe, #views object, #views embed, #views foreignObject, #views script")].map((e) => e.outerHTML.slice(0, 80)),
    handlers: [...document.querySelectorAll("#views *")].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => a.name)),
    jsLinks: [...document.querySelectorAll("#views a[href]")].map((a) => a.getAttribute("href")).filter((href) => !/^https?:/i.test(href)),
  }));
  assert.deepEqual(found, { pwned: null, scripts: 1, bad: [], handlers: [], jsLinks: [] });
  assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
}

const tab = (page, id) => page.click(`#tab-${id}`);

test("explain renders the core's Markdown in both styles, and hostile text stays text", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await open("sess-05", "explain");
  try {
    await page.waitForSelector("#view-explain .markdown h2");
    assert.match(await page.textContent("#view-explain .markdown h2"), /Session Explanation: research-agent/);
    assert.ok((await page.$$("#view-explain .markdown ol li")).length >= 8);
    await page.selectOption("#view-explain select[name=style]", "backend");
    await page.waitForFunction(() => /Agent Session/.test(document.querySelector("#view-explain .markdown h2")?.textContent ?? ""));
    assert.ok(await page.$("#view-explain .markdown strong"));
  } finally {
    await close();
  }
  const hostile = await open(HOSTILE_SESSION, "explain");
  try {
    await hostile.page.waitForSelector("#view-explain .markdown h2");
    for (const style of ["sdk", "backend"]) {
      await hostile.page.selectOption("#view-explain select[name=style]", style);
      await hostile.page.waitForFunction((s) => document.querySelector("#view-explain .markdown h2")?.textContent.includes(s), style === "sdk" ? "Session Explanation" : "Agent Session");
      const text = await hostile.page.textContent("#view-explain .markdown");
      assert.ok(text.includes("<script>window.__pwned=1</script>"), "the agent name shows as text");
      await assertInert(hostile.page, hostile.problems);
    }
    const backendText = await hostile.page.textContent("#view-explain .markdown");
    assert.ok(backendText.includes("javascript:window.__pwned=1"), "the javascript: link shows as text");
  } finally {
    await hostile.close();
  }
});

test("charts draw tokens, cost, latency and tools as SVG over the filtered sessions", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await open("sess-05", "charts");
  try {
    await page.waitForSelector("#view-charts svg.chart");
    await page.waitForFunction(() => document.querySelectorAll("#view-charts svg.chart").length >= 6);
    const facts = await page.textContent("#view-charts .panel-facts");
    assert.match(facts, /Sessions10/);
    const labels = await page.$$eval("#view-charts svg.chart text", (els) => els.map((e) => e.textContent));
    for (const want of ["gpt-4o", "gpt-4o-mini", "web_search", "shell"]) assert.ok(labels.includes(want), `${want} labelled in ${JSON.stringify(labels)}`);
    assert.ok(labels.some((l) => /^p95 /.test(l)) && labels.some((l) => /^p99 /.test(l)));
    // The hostile model name is a label, as text.
    const titles = await page.$$eval("#view-charts svg.chart title", (els) => els.map((e) => e.textContent));
    assert.ok(titles.some((t) => t.includes(HOSTILE.img)));
    await page.selectOption("#view-charts select[name=scope]", "selected");
    await page.waitForFunction(() => /Sessions1(?!\d)/.test(document.querySelector("#view-charts .panel-facts")?.textContent ?? ""));
    await assertInert(page, problems);
  } finally {
    await close();
  }
});

test("compliance checks a preset per session and names the bad rule of an invalid policy", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await open("sess-06", "compliance");
  try {
    await page.waitForFunction(() => document.querySelector("#view-compliance textarea")?.value.includes('"strict"'));
    await page.click("#view-compliance button.primary");
    await page.waitForSelector("#view-compliance .compliance-summary");
    assert.match(await page.textContent("#view-compliance .compliance-summary"), /Policy "strict": \d+ of 10 sessions compliant/);
    const late = page.locator("#view-compliance details.compliance-session", { hasText: "sess-06" });
    assert.match(await late.textContent(), /non-compliant/);
    assert.match(await late.locator("table").textContent(), /Dangerous tools blocked.*✗ fail/s);
    assert.match(await late.locator("pre.report-text").textContent(), /Compliance Report: strict/);
    await page.fill("#view-compliance textarea", JSON.stringify({ name: "broken", rules: [{ kind: "max_events", limit: 5 }, { kind: "max_tokens" }] }));
    await page.click("#view-compliance button.primary");
    await page.waitForSelector("#view-compliance .panel-error");
    assert.match(await page.textContent("#view-compliance .panel-error"), /rule 1 \(max_tokens\): limit is required/);
    await assertInert(page, problems);
  } finally {
    await close();
  }
});

test("drift compares the first half of the sessions by time with the rest", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await open("sess-01", "drift");
  try {
    await page.click("#view-drift button.primary");
    await page.waitForSelector("#view-drift .drift-score");
    assert.match(await page.textContent("#view-drift .drift-score"), /^\d+$/);
    assert.equal(await page.locator("#view-drift table.drift-metrics tbody tr").count(), 8);
    assert.match(await page.textContent("#view-drift table.drift-tools"), /shell/);
    assert.match(await page.textContent("#view-drift pre.report-text"), /Behavioral Drift Report/);
    // Pinned sets: everything against the rest is refused (the rest is empty).
    await page.selectOption("#view-drift select[name=mode]", "sets");
    await page.click("text=Baseline = filtered");
    await page.click("#view-drift button.primary");
    await page.waitForSelector("#view-drift .panel-error");
    await assertInert(page, problems);
  } finally {
    await close();
  }
});

test("alerts stream the trace and list each alert with the event it fired on", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await open("sess-01", "alerts");
  try {
    await page.fill("#view-alerts textarea", JSON.stringify(RULES));
    await page.click("#view-alerts button.primary");
    await page.waitForSelector("#view-alerts .alerts-summary");
    assert.match(await page.textContent("#view-alerts .alerts-summary"), /4 rules over 84 events: \d+ alerts fired/);
    const rows = await page.$$eval("#view-alerts table.alerts-table tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const shell = rows.find((r) => r[2] === "shell used");
    assert.equal(shell[1], "critical");
    assert.equal(shell[5], "sess-05");
    assert.match(shell[4], /^tool_call e-\d+$/);
    const hostile = rows.find((r) => r[2] === HOSTILE.img);
    assert.equal(hostile[3], HOSTILE.script);
    assert.ok(hostile[4].includes(HOSTILE.script), "the hostile event id is text");
    await page.fill("#view-alerts textarea", JSON.stringify({ rules: [{ name: "bad", condition: { type: "pattern", field: "model", pattern: "(" } }] }));
    await page.click("#view-alerts button.primary");
    await page.waitForSelector("#view-alerts .panel-error");
    assert.match(await page.textContent("#view-alerts .panel-error"), /invalid alert pattern/);
    await assertInert(page, problems);
  } finally {
    await close();
  }
});

test("redaction preview shows what changes, and the saved file holds no planted secret", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await open(HOSTILE_SESSION, "redaction");
  try {
    await page.waitForSelector("#view-redaction table.redaction-patterns");
    const patterns = await page.textContent("#view-redaction table.redaction-patterns");
    for (const name of ["email", "card", "api_key", "bearer"]) assert.ok(patterns.includes(name), `${name} counted`);
    const diff = await page.textContent("#view-redaction .redaction-event");
    assert.ok(diff.includes("[REDACTED]"));
    await page.fill("#view-redaction input[name=extra-keys]", "customer_ref");
    await page.fill("#view-redaction textarea[name=extra-patterns]", "ticket=ACME-[0-9]{6}");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=Save redacted file")]);
    assert.equal(download.suggestedFilename(), "analysis.redacted.ndjson");
    const text = readFileSync(await download.path(), "utf8");
    const lines = text.trimEnd().split("\n");
    assert.equal(JSON.parse(lines[0]).format, "agentlens-trace");
    assert.equal(lines.length, 85);
    for (const [name, secret] of Object.entries({ ...PLANTED, ...PLANTED_EXTRA })) assert.ok(!text.includes(secret), `${name} leaked into the saved file`);
    assert.ok(!text.includes(PLANTED.card.replaceAll(" ", "")));
    assert.match(await page.textContent("#view-redaction .redaction-saved"), /Saved analysis\.redacted\.ndjson: 84 events/);
    await page.fill("#view-redaction textarea[name=extra-patterns]", "broken=([a-z");
    await page.click("#view-redaction button.primary");
    await page.waitForSelector("#view-redaction .panel-error");
    assert.match(await page.textContent("#view-redaction .panel-error"), /broken/);
    await assertInert(page, problems);
  } finally {
    await close();
  }
});
