// The viewer's trace view in headless Chromium: list, timeline and detail over a
// synthetic NDJSON trace; filters, deep links, keyboard, dark mode, CSP and the requests
// the page makes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildOnce, launchBrowser, openPage, serve, skipBrowser, waitForLoad } from "./support.mjs";
import { ndjsonTrace } from "./traces.mjs";

/** A tool call as the SDK records it: `{}` input/output beside the tool's own. */
const SDK_TOOL = [
  { format: "agentlens-trace", version: 1 },
  { event_type: "session_start", session_id: "s-tool", timestamp: "2026-11-01T00:00:00Z", agent_name: "weather" },
  { event_type: "tool_call", event_id: "t1", session_id: "s-tool", timestamp: "2026-11-01T00:00:01Z", input_data: {}, output_data: {}, tokens_in: 0, tokens_out: 0, tool_call: { tool_call_id: "c1", tool_name: "get_weather", tool_input: { city: "Lisbon" }, tool_output: { forecast: "sunny" } } },
  { event_type: "session_end", session_id: "s-tool", timestamp: "2026-11-01T00:00:02Z", status: "completed" },
].map((l) => JSON.stringify(l)).join("\n") + "\n";
const SESSIONS = 12;
const PER_SESSION = 14;
let server;
let browser;

before(async () => {
  if (skipBrowser) return;
  const dir = await buildOnce();
  server = await serve(dir, { routes: { "/t.ndjson": { body: ndjsonTrace(SESSIONS, PER_SESSION) }, "/sdk-tool.ndjson": { body: SDK_TOOL } } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function openTrace(query = "", options) {
  const opened = await openPage(browser, `${server.url}/?src=/t.ndjson${query}`, options);
  assert.equal(await waitForLoad(opened.page), "ready", await opened.page.textContent("#error"));
  await opened.page.waitForSelector(".tl-row");
  return opened;
}

const listCount = (page) => page.textContent(".list-count");
const waitCount = (page, n) => page.waitForFunction((n) => document.querySelector(".list-count")?.textContent === `${n} session${n === 1 ? "" : "s"}`, n);
const waitIds = (page, ids) => page.waitForFunction((ids) => JSON.stringify([...document.querySelectorAll(".list-view .srow-id")].map((e) => e.textContent)) === JSON.stringify(ids), ids);
const selectedTimeline = (page) => page.$eval(".timeline-view .vrow.selected", (el) => el.textContent);

test("opens an NDJSON trace: sessions listed, the first session's waterfall and cost shown", { skip: skipBrowser }, async () => {
  const { page, problems, requests, close } = await openTrace();
  assert.equal(await page.textContent("#status"), "168 events in 12 sessions · AgentLens NDJSON");
  assert.equal(await page.textContent("#source"), "t.ndjson");
  assert.equal(await listCount(page), "12 sessions");
  const rows = await page.$$eval(".list-view .srow", (els) => els.map((e) => e.textContent));
  assert.ok(rows[0].startsWith("shopping-assistant"), rows[0]);
  const header = await page.textContent(".session-header");
  assert.match(header, /sess-00000000/);
  assert.match(header, /Cost\$0\.\d+/, "the session cost comes from sessionCost in the worker");
  const timeline = await page.$$eval(".tl-row", (els) => els.map((e) => ({ text: e.textContent, error: e.classList.contains("has-error"), pad: e.querySelector(".tl-name").style.paddingLeft })));
  assert.equal(timeline.length, PER_SESSION - 2, "run_end rows fold into their run_start rows");
  assert.ok(timeline.some((r) => r.text.includes("run_start tools") && r.pad === "20px"), "the child run nests under its parent");
  assert.ok(timeline.some((r) => r.error && r.text.includes("TimeoutError")), "session 0 fails and its error row is marked");
  assert.ok(await page.$(".tl-row.has-error .bar"), "error bars are marked");
  assert.deepEqual(problems, []);
  const origin = new URL(server.url).origin;
  assert.deepEqual(requests.filter((u) => new URL(u).origin !== origin && !u.startsWith("data:")), [], "no request leaves the page's origin");
  await close();
});

test("the detail view shows prompt, response, tokens, cost, tool JSON, reasoning, memory and errors", { skip: skipBrowser }, async () => {
  const { page, close } = await openTrace();
  const showRow = async (type) => {
    await page.click(`.tl-row.t-${type}`);
    await page.waitForFunction((type) => document.querySelector(".d-title .tl-type")?.textContent === type, type);
    return page.textContent("#detail");
  };
  const llm = await showRow("llm_call");
  assert.match(llm, /Prompt\s*step 0 of shopping-assistant/);
  assert.match(llm, /Response\s*answer 0/);
  assert.match(llm, /Tokens in100Tokens out20Total tokens120/);
  assert.match(llm, /Cost\$0\.\d+ \(priced as gpt-4o\)/);
  const tool = await showRow("tool_call");
  assert.match(tool, /Tool: calculator/);
  assert.ok(await page.$("#detail details.j-node"), "tool args and results are collapsible JSON");
  assert.match(tool, /Arguments.*query.*"q1".*Result.*ok.*true/s);
  assert.match(await showRow("decision"), /Reasoning\s*because 3.*Alternatives considered/s);
  assert.match(await showRow("memory_write"), /Memory write.*Keyk2.*Value/s);
  assert.match(await showRow("error"), /Error.*TypeTimeoutError.*tool timed out in sess-00000000/s);
  await close();
});

test("a tool's arguments and result come from its call when the event's input and output are empty", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(browser, `${server.url}/?src=/sdk-tool.ndjson`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForSelector(".tl-row.t-tool_call");
  await page.click(".tl-row.t-tool_call");
  await page.waitForFunction(() => document.querySelector(".d-title .tl-type")?.textContent === "tool_call");
  const detail = await page.textContent("#detail");
  assert.match(detail, /Arguments.*city.*"Lisbon".*Result.*forecast.*"sunny"/s);
  await close();
});

test("filters: agent, status, model, tool, time range and text search", { skip: skipBrowser }, async () => {
  const { page, close } = await openTrace();
  // Sessions use agent s%4, model s%4 and tool (s+1)%4; every fifth session fails.
  await page.selectOption("select[name=agent]", "research-agent");
  await waitIds(page, ["sess-00000001", "sess-00000005", "sess-00000009"]);
  await page.selectOption("select[name=status]", "error");
  await waitIds(page, ["sess-00000005"]);
  await page.selectOption("select[name=agent]", "");
  await waitIds(page, ["sess-00000000", "sess-00000005", "sess-0000000a"]);
  await page.selectOption("select[name=status]", "");
  await page.selectOption("select[name=tool]", "send_email");
  await waitIds(page, ["sess-00000002", "sess-00000006", "sess-0000000a"]);
  await page.selectOption("select[name=tool]", "");
  await page.selectOption("select[name=model]", "gemini-1.5-flash");
  await waitIds(page, ["sess-00000003", "sess-00000007", "sess-0000000b"]);
  await page.selectOption("select[name=model]", "");
  await page.fill("input[name=from]", "2026-11-01T09:05:00");
  await page.fill("input[name=to]", "2026-11-01T09:07:30");
  await page.dispatchEvent("input[name=to]", "change");
  await waitIds(page, ["sess-00000005", "sess-00000006", "sess-00000007"]);
  await page.fill("input[name=from]", "");
  await page.fill("input[name=to]", "");
  await page.dispatchEvent("input[name=to]", "change");
  await waitCount(page, 12);
  await page.fill("input[name=q]", "tool timed out in sess-00000005");
  await waitIds(page, ["sess-00000005"]);
  await page.fill("input[name=q]", "nothing matches this");
  await waitCount(page, 0);
  await close();
});

test("deep links: the URL follows the selection, and a URL reopens session, event and tab", { skip: skipBrowser }, async () => {
  const { page, close } = await openTrace();
  await page.click(".list-view .vrow:nth-child(3)");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("session") === "sess-00000002");
  await page.click(".tl-row.t-tool_call");
  await page.waitForFunction(() => new URL(location.href).searchParams.has("event"));
  const link = page.url();
  const eventId = new URL(link).searchParams.get("event");
  assert.match(eventId, /^[0-9a-f]{16}$/);
  await close();

  const again = await openPage(browser, link);
  await waitForLoad(again.page);
  await again.page.waitForSelector(".timeline-view .vrow.selected");
  assert.match(await again.page.textContent(".session-header"), /sess-00000002/);
  assert.match(await again.page.$eval(".timeline-view .vrow.selected", (e) => e.dataset.index + e.textContent), /tool_call/);
  assert.equal(await again.page.textContent(".d-title .tl-type"), "tool_call");
  assert.equal(await again.page.$eval(".list-view .vrow.selected .srow-id", (e) => e.textContent), "sess-00000002");
  await again.close();

  const byRun = await openPage(browser, `${server.url}/?src=/t.ndjson&session=sess-00000004&run=run-00000004-c`);
  await waitForLoad(byRun.page);
  await byRun.page.waitForSelector(".timeline-view .vrow.selected");
  assert.match(await selectedTimeline(byRun.page), /run_start tools/);
  await byRun.close();

  const byTab = await openPage(browser, `${server.url}/?src=/t.ndjson&tab=no-such-panel`);
  await waitForLoad(byTab.page);
  assert.equal(await byTab.page.getAttribute("#tab-trace", "aria-selected"), "true", "an unknown tab falls back to the trace view");
  await byTab.close();
});

test("keyboard: j/k and arrows move, Enter goes deeper, Esc comes back, / searches", { skip: skipBrowser }, async () => {
  const { page, close } = await openTrace();
  await page.focus(".list-view .vlist");
  await page.keyboard.press("j");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("session") === "sess-00000001");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("k");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("session") === "sess-00000002");
  await page.waitForFunction(() => /sess-00000002/.test(document.querySelector(".session-header")?.textContent ?? ""));
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.closest(".timeline-view") !== null && document.querySelector(".timeline-view .vrow.selected"));
  assert.match(await selectedTimeline(page), /session_start/);
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await page.waitForFunction(() => document.querySelector(".d-title .tl-type")?.textContent === "run_start");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "detail");
  await page.keyboard.press("Escape");
  assert.ok(await page.evaluate(() => document.activeElement?.closest(".timeline-view") !== null));
  await page.keyboard.press("Escape");
  assert.ok(await page.evaluate(() => document.activeElement?.closest(".list-view") !== null));
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "q");
  await page.keyboard.type("research");
  await waitCount(page, 3);
  await close();
});

test("dark mode follows prefers-color-scheme and the toggle, and the choice is kept", { skip: skipBrowser }, async () => {
  const dark = await openTrace("", { colorScheme: "dark" });
  const bg = () => dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await dark.page.getAttribute("html", "data-theme"), "dark");
  assert.equal(await bg(), "rgb(21, 24, 30)");
  await dark.page.click("#theme"); // auto -> light
  assert.equal(await dark.page.getAttribute("html", "data-theme"), "light");
  assert.equal(await bg(), "rgb(255, 255, 255)");
  await dark.page.click("#theme"); // light -> dark
  assert.equal(await dark.page.getAttribute("html", "data-theme"), "dark");
  await dark.page.reload();
  await waitForLoad(dark.page);
  assert.equal(await dark.page.getAttribute("html", "data-theme-choice"), "dark");
  assert.equal(await bg(), "rgb(21, 24, 30)");
  await dark.close();
  const light = await openTrace("", { colorScheme: "light" });
  assert.equal(await light.page.getAttribute("html", "data-theme"), "light");
  await light.close();
});

test("a strict Content-Security-Policy is in the page, and inline script does not run", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openTrace();
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
  const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(" ")]));
  assert.equal(directives["script-src"], "'self' 'wasm-unsafe-eval'");
  assert.equal(directives["object-src"], "'none'");
  assert.equal(directives["base-uri"], "'none'");
  assert.equal(directives["worker-src"], "'self'");
  assert.equal(directives["default-src"], "'none'");
  assert.equal(directives["style-src"], "'self'");
  assert.ok(!csp.includes("unsafe-inline") && !/'unsafe-eval'/.test(csp));
  const ran = await page.evaluate(async () => {
    const s = document.createElement("script");
    s.textContent = "window.__inlineRan = true";
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 50));
    return window.__inlineRan === true;
  });
  assert.equal(ran, false, "CSP blocks inline script");
  assert.deepEqual(problems.filter((p) => !/Content Security Policy/.test(p)), []);
  await close();
});
