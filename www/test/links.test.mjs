// URLs in trace text (issue 17: "links to foreign sites in trace text are rendered as
// clickable links"). The viewer builds its DOM through `h()` (www/src/dom.ts), which
// refuses `href`: trace text is never a link, so no URL in a trace, whatever its scheme
// or host, can take the user anywhere. This pins it: hostile and foreign URLs in every
// field show as text, no element links to them, clicking them goes nowhere, and any
// link the page holds obeys the rule a future link must obey (http(s) only, another
// origin only with rel="noopener noreferrer").
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, skipBrowser, viewerFixture, waitForLoad } from "./support.mjs";

const URLS = [
  "https://evil.example/login?next=%2Faccount",
  "http://evil.example:8080/",
  "javascript:window.__pwned='javascript'",
  " JavaScript:window.__pwned='spaced'",
  "data:text/html,<script>window.__pwned='data'</script>",
  "vbscript:msgbox(1)",
  "//evil.example/protocol-relative",
  // Look-alike hosts: a Cyrillic "а" in apple.com, and its punycode.
  "https://\u0430pple.com/reset-password",
  "https://xn--pple-43d.com/reset-password",
  "https://accounts.google.com.evil.example/",
  "https://user:secret@evil.example/",
  // A right-to-left override turning "exe.png" into what reads as a picture.
  "https://evil.example/\u202Egnp.exe",
];
const TEXT = `Read ${URLS.join(" and ")}, or [click here](${URLS[0]}) or <a href="${URLS[0]}">here</a> or <${URLS[1]}>.`;

/** One session carrying every URL in every kind of text field. */
function session() {
  const base = { session_id: "links", timestamp: "2026-11-01T10:00:00Z" };
  const obj = { url: URLS[0], urls: URLS, text: TEXT, [URLS[0]]: "a URL as a key" };
  return [
    { ...base, event_type: "session_start", agent_name: URLS[0], metadata: obj },
    { ...base, event_id: "e1", event_type: "run_start", run_id: "r", run_name: URLS[7] },
    { ...base, event_id: "e2", event_type: "llm_call", run_id: "r", model: "gpt-4o", tokens_in: 5, tokens_out: 3, input_data: { prompt: TEXT }, output_data: { response: URLS[2] }, attributes: obj },
    { ...base, event_id: "e3", event_type: "tool_call", run_id: "r", tool_call: { tool_name: "fetch", tool_call_id: "c1", tool_input: { url: URLS[0] }, tool_output: { location: URLS[4], body: TEXT } } },
    { ...base, event_id: "e4", event_type: "error", run_id: "r", error: { error_type: "Redirect", message: `redirected to ${URLS[8]}`, stack_trace: TEXT } },
    { ...base, event_id: "e5", event_type: "run_end", run_id: "r", status: "completed" },
    { ...base, event_type: "session_end", status: "completed" },
  ].map((e) => JSON.stringify(e)).join("\n") + "\n";
}

const fx = viewerFixture({ "/links.ndjson": { body: session() } });

/**
 * Every link in the page that breaks the rule: a scheme other than http(s) (or a blob of
 * the page's own), another origin without rel="noopener noreferrer", or a target taken
 * from the trace's URLs. Runs in the page.
 */
function badLinks(urls) {
  const bad = [];
  const hosts = urls.map((u) => {
    try {
      return new URL(u.trim(), "http://base.invalid").host;
    } catch {
      return "";
    }
  }).filter((h) => h && h !== "base.invalid");
  for (const el of document.querySelectorAll("a[href], area[href], [xlink\\:href], form[action]")) {
    const raw = el.getAttribute("href") ?? el.getAttribute("xlink:href") ?? el.getAttribute("action") ?? "";
    let target;
    try {
      target = new URL(raw, location.href);
    } catch {
      bad.push(`unparsable ${raw}`);
      continue;
    }
    const own = target.origin === location.origin || (target.protocol === "blob:" && target.href.startsWith(`blob:${location.origin}`));
    if (!own && !["http:", "https:"].includes(target.protocol)) bad.push(`${target.protocol} link: ${raw}`);
    const rel = (el.getAttribute("rel") ?? "").split(/\s+/);
    if (!own && !(rel.includes("noopener") && rel.includes("noreferrer"))) bad.push(`foreign link without rel: ${raw}`);
    if (hosts.includes(target.host)) bad.push(`trace URL made a link: ${raw}`);
  }
  return bad;
}

test("URLs in every field of a trace are text, never links, and clicking them goes nowhere", { skip: skipBrowser }, async () => {
  const { page, context, problems, requests, close } = await openPage(fx.browser, `${fx.server.url}/?src=/links.ndjson`);
  assert.equal(await waitForLoad(page), "ready", await page.textContent("#error"));
  const start = page.url();
  await page.click(`.list-view .vrow[data-index="0"]`);
  await page.waitForFunction(() => document.querySelector(".tl-row"));
  const rows = await page.$$eval(".tl-row", (els) => els.length);
  assert.ok(rows >= 5, `${rows} rows`);
  let clicked = 0;
  let shown = 0;
  for (let r = 0; r < rows; r++) {
    await page.click(`.timeline-view .vrow[data-index="${r}"]`);
    await page.waitForFunction((r) => document.querySelector(".timeline-view .vrow.selected")?.dataset.index === String(r) && document.querySelector("#detail .d-title"), r);
    await page.$$eval("#detail details", (els) => els.forEach((d) => (d.open = true)));
    assert.deepEqual(await page.evaluate(badLinks, URLS), [], `row ${r}`);
    if ((await page.textContent("#detail")).includes("evil.example")) shown++;
    // Click every piece of text that shows a URL, as a user would.
    const spots = await page.$$("#detail :is(.j-str, .j-key, pre, code, p, span, td, dd)");
    for (const spot of spots) {
      const text = (await spot.textContent()) ?? "";
      if (!/evil\.example|pple\.com|javascript:|data:text|vbscript:/i.test(text)) continue;
      if (!(await spot.isVisible())) continue;
      await spot.click({ force: true });
      clicked++;
    }
  }
  assert.ok(clicked >= rows, `clicked ${clicked} URL texts`);
  assert.ok(shown >= 4, `the URLs show as text (in ${shown} of ${rows} events)`);
  assert.ok((await page.textContent(".session-header")).includes(URLS[0]), "the agent name shows its URL as text");
  await page.waitForTimeout(200); // a navigation or popup a click started would show by now
  // The viewer keeps its own state (session, event) in its address; the page is the same.
  const now = new URL(page.url());
  assert.equal(`${now.origin}${now.pathname}`, `${new URL(start).origin}${new URL(start).pathname}`, "no click left the page");
  assert.equal(context.pages().length, 1, "no click opened a window");
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(await page.evaluate(badLinks, URLS), []);
  assert.ok(requests.every((u) => u.startsWith(fx.server.url) || u.startsWith("data:") || u.startsWith("blob:")), requests.join("\n"));
  assert.deepEqual(problems, []);
  await close();
});

test("the link check can fail: it sees planted javascript:, data:, foreign and trace-URL links", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(fx.browser, `${fx.server.url}/`);
  const found = await page.evaluate((urls) => {
    for (const [href, rel] of [[urls[2], ""], [urls[4], ""], ["https://elsewhere.example/", ""], [urls[0], "noopener noreferrer"], ["/same-origin", ""]]) {
      const a = document.createElement("a");
      a.setAttribute("href", href);
      if (rel) a.setAttribute("rel", rel);
      document.body.appendChild(a);
    }
    return null;
  }, URLS);
  assert.equal(found, null);
  assert.deepEqual(await page.evaluate(badLinks, URLS), [
    `javascript: link: ${URLS[2]}`,
    `foreign link without rel: ${URLS[2]}`,
    `data: link: ${URLS[4]}`,
    `foreign link without rel: ${URLS[4]}`,
    "foreign link without rel: https://elsewhere.example/",
    `trace URL made a link: ${URLS[0]}`,
  ]);
  await close();
});
