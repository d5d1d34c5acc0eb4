// Hostile strings in every field of a trace render as inert text: no script runs (a flag
// the payloads would set stays unset), and no element the payloads describe exists.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildOnce, launchBrowser, openPage, serve, skipBrowser, waitForLoad } from "./support.mjs";

const PAYLOADS = [
  "<script>window.__pwned='script'</script>",
  "<img src=x onerror=\"window.__pwned='img'\">",
  "javascript:window.__pwned='js-url'",
  "[click me](javascript:window.__pwned='md-link') and ![x](javascript:window.__pwned='md-img')",
  "<svg onload=\"window.__pwned='svg'\"><script>window.__pwned='svg-script'</script></svg>",
  "<a href=\"javascript:window.__pwned='anchor'\">link</a>",
  "\"><iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
  "<style>body{display:none}</style><object data=\"javascript:window.__pwned='object'\"></object>",
];

/** A session whose every string field (and key) carries payload `p`. */
function hostileSession(p, i) {
  const sid = `${p}-session-${i}`;
  const run = `${p}-run`;
  const base = { session_id: sid, timestamp: `2026-11-0${1 + (i % 8)}T10:00:00Z` };
  const obj = { [p]: p, nested: { [p]: [p, { deeper: p }] } };
  return [
    { ...base, event_type: "session_start", agent_name: p, metadata: obj },
    { ...base, event_id: `${p}-e1`, event_type: "run_start", run_id: run, run_name: p, user_id: p, trace_id: p, span_id: p },
    { ...base, event_id: `${p}-e2`, event_type: "llm_call", run_id: run, model: p, tokens_in: 5, tokens_out: 3, input_data: { prompt: p, [p]: p }, output_data: { response: p }, attributes: obj },
    { ...base, event_id: `${p}-e3`, event_type: "llm_call", run_id: run, model: "gpt-4o", input_data: { prompt: [{ role: p, content: p }, { role: "user", content: obj }] }, output_data: { response: p } },
    { ...base, event_id: `${p}-e4`, event_type: "tool_call", run_id: run, parent_run_id: p, tool_call: { tool_name: p, tool_call_id: p }, input_data: obj, output_data: { result: p } },
    { ...base, event_id: `${p}-e5`, event_type: "decision", run_id: run, decision_trace: { reasoning: p, alternatives_considered: [p, p], confidence: 0.5 } },
    { ...base, event_id: `${p}-e6`, event_type: "memory_read", run_id: run, memory: { key: p, value: obj, memory_type: p } },
    { ...base, event_id: `${p}-e7`, event_type: "error", run_id: run, error: { error_type: p, message: p, stack_trace: p } },
    { ...base, event_id: `${p}-e8`, event_type: p, run_id: run, status: p, name: p },
    { ...base, event_id: `${p}-e9`, event_type: "run_end", run_id: run, status: p },
    { ...base, event_type: "session_end", status: p },
  ];
}

const trace = PAYLOADS.flatMap(hostileSession).map((e) => JSON.stringify(e)).join("\n");
let server;
let browser;

before(async () => {
  if (skipBrowser) return;
  server = await serve(await buildOnce(), { routes: { "/hostile.ndjson": { body: trace } } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Elements or attributes the payloads would create if they were parsed as HTML. */
function injected() {
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["script", "img", "svg", "iframe", "object", "embed", "style", "link", "base", "meta"].includes(tag)) found.push(tag);
    if (tag === "form" && !el.matches(".filters, .key-form")) found.push(tag);
    if (tag === "a" && /^\s*javascript:/i.test(el.getAttribute("href") ?? "")) found.push("a[href=javascript:]");
    for (const attr of el.getAttributeNames()) if (/^on/i.test(attr) || attr === "srcdoc" || attr === "style" && /display\s*:\s*none/.test(el.getAttribute(attr))) found.push(`${tag}[${attr}]`);
  }
  return found;
}

test("hostile strings in every field render as text and run nothing", { skip: skipBrowser }, async () => {
  const { page, problems, requests, close } = await openPage(browser, `${server.url}/?src=/hostile.ndjson`);
  assert.equal(await waitForLoad(page), "ready", await page.textContent("#error"));
  assert.equal(await page.textContent(".list-count"), `${PAYLOADS.length} sessions`);
  // Every filter menu holds the payloads as option text.
  for (const name of ["agent", "model", "tool"]) {
    const options = await page.$$eval(`select[name=${name}] option`, (els) => els.map((e) => e.textContent));
    assert.ok(PAYLOADS.some((p) => options.includes(p)), `${name}: ${options.join(" | ")}`);
  }
  // A session's status is the core's, one of four values, whatever its end record says.
  const statuses = await page.$$eval("select[name=status] option", (els) => els.map((e) => e.textContent));
  for (const s of statuses) assert.ok(["Status: all", "active", "completed", "timeout", "error"].includes(s), `status: ${statuses.join(" | ")}`);
  for (let s = 0; s < PAYLOADS.length; s++) {
    await page.click(`.list-view .vrow[data-index="${s}"]`);
    // Session 0 is on screen before the click, which renders it again: wait for its rows
    // as the click left them (a timeout here means fewer than 9 rows), not the earlier ones.
    const shown = await page.waitForFunction((s) => {
      const n = document.querySelectorAll(".tl-row").length;
      return document.querySelector(".session-header")?.textContent.includes(`-session-${s}`) && n >= 9 && n;
    }, s);
    const rows = await shown.jsonValue();
    assert.ok(rows >= 9, `session ${s}: ${rows} rows`);
    for (let r = 0; r < rows; r++) {
      await page.click(`.timeline-view .vrow[data-index="${r}"]`);
      await page.waitForFunction((r) => document.querySelector(".timeline-view .vrow.selected")?.dataset.index === String(r) && document.querySelector("#detail .d-title"), r);
      // Open every collapsed JSON node and the raw event, then look again.
      await page.$$eval("#detail details", (els) => els.forEach((d) => (d.open = true)));
      const detail = await page.textContent("#detail");
      assert.ok(detail.includes(PAYLOADS[s]), `session ${s} row ${r}: the payload shows as text`);
      assert.deepEqual(await page.evaluate(injected), [], `session ${s} row ${r}`);
    }
    assert.ok((await page.textContent(".session-header")).includes(PAYLOADS[s]));
    assert.ok((await page.textContent(".list-view")).includes(PAYLOADS[s]) || s > 10);
  }
  await page.waitForTimeout(200); // any deferred onerror/onload would have fired by now
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(await page.evaluate(injected), []);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).display), "flex", "no injected stylesheet applied");
  assert.deepEqual(problems, []);
  assert.ok(requests.every((u) => u.startsWith(server.url) || u.startsWith("data:")), requests.join("\n"));
  assert.ok(!requests.some((u) => /\/x$/.test(u)), "no <img src=x> was fetched");
  await close();
});

test("the injected-element check can fail: it sees a planted <img onerror>", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(browser, `${server.url}/`);
  await page.evaluate(() => {
    const img = document.createElement("img");
    img.setAttribute("onerror", "window.__pwned='control'");
    document.body.appendChild(img);
  });
  assert.deepEqual(await page.evaluate(injected), ["img", "img[onerror]"]);
  await close();
});
