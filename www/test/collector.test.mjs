// Collector mode against a fake collector: the viewer lists its sessions (GET /sessions)
// in the session list at once, loads their events (GET /sessions/:id/events, paged),
// follows live events (GET /v1/live, server-sent events read with fetch so the X-API-Key
// header is sent), takes the key from #key=… (then hides it) or from its prompt, and
// talks to nothing but its own origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildOnce, launchBrowser, openPage, serve, skipBrowser, waitForLoad } from "./support.mjs";
import { fakeCollector, serveCollector } from "./fake-collector.mjs";
import { sessionEvents } from "./traces.mjs";

const KEY = "k-test-123";
const stored = { "sess-a": sessionEvents(1, 1500), "sess-b": sessionEvents(2, 12) };
for (const [id, events] of Object.entries(stored)) for (const e of events) e.session_id = id;
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

const waitCount = (page, text) => page.waitForFunction((text) => document.querySelector(".list-count")?.textContent === text, text);

test("collector mode: the key from #key= lists sessions, opens one, and follows live events", { skip: skipBrowser }, async () => {
  const { page, problems, requests, close } = await openPage(browser, `${server.url}/#key=${KEY}`);
  await waitCount(page, "2 sessions");
  assert.equal(await page.evaluate(() => location.hash), "", "the key leaves the address bar");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("agentlens-collector-key")), KEY);
  assert.match(await page.textContent(".collector-message"), /2 sessions on the collector/);

  assert.equal(await waitForLoad(page), "ready");
  await page.click('.list-view .vrow:has(.srow-id:text-is("sess-a"))');
  await page.waitForFunction(() => /sess-a/.test(document.querySelector(".session-header")?.textContent ?? ""));
  assert.match(await page.textContent(".session-header"), /Events1500/, "every page of /sessions/:id/events was read");
  const eventPages = server.requests.filter((r) => r.path.startsWith("/sessions/sess-a/events"));
  assert.deepEqual(eventPages.map((r) => new URL(r.path, "http://x").searchParams.get("offset")), ["0", "1000"]);

  await page.waitForFunction(() => document.getElementById("collector-live-state")?.textContent === "live");
  fake.sendLive([{ session_id: "sess-live", event_type: "session_start", timestamp: "2026-11-22T10:00:00Z", agent_name: "live-agent" }, { session_id: "sess-live", event_type: "llm_call", timestamp: "2026-11-22T10:00:01Z", model: "gpt-4o", tokens_in: 5 }]);
  await waitCount(page, "3 sessions");
  assert.match(await page.textContent(".list-view"), /live-agent/);
  assert.equal(await page.textContent(".list-view .vrow .srow-id"), "sess-live", "a new session comes in at the top");
  fake.sendLive([{ session_id: "sess-a", event_type: "tool_call", timestamp: "2026-11-22T10:00:02Z", tool_call: { tool_name: "late-tool" } }]);
  await page.waitForFunction(() => [...document.querySelectorAll("select[name=tool] option")].some((o) => o.textContent === "late-tool"));
  await page.waitForFunction(() => /Events1501/.test(document.querySelector(".session-header")?.textContent ?? ""), null);

  const api = server.requests.filter((r) => /^\/(sessions|v1\/live)/.test(r.path));
  assert.ok(api.length >= 4);
  assert.ok(api.every((r) => r.headers["x-api-key"] === KEY), "every collector call carries X-API-Key");
  assert.ok(requests.every((u) => u.startsWith(server.url)), requests.join("\n"));
  assert.deepEqual(problems, []);
  await close();
});

test("collector mode without a key asks for one, then lists the sessions", { skip: skipBrowser }, async () => {
  const { page, close } = await openPage(browser, `${server.url}/`);
  await page.waitForSelector(".key-form:not([hidden])");
  assert.match(await page.textContent(".collector-message"), /needs an API key/);
  assert.doesNotMatch(await page.textContent("#status"), /^Loading/, "the status says what to do, not that it is loading");
  assert.match(await page.textContent("#timeline-pane"), /Enter the collector's API key above/);
  await page.fill("input[name=api-key]", "wrong");
  await page.click(".key-form button");
  await page.waitForFunction(() => /refused/.test(document.querySelector(".collector-message")?.textContent ?? ""));
  await page.fill("input[name=api-key]", KEY);
  await page.click(".key-form button");
  await waitCount(page, "2 sessions");
  assert.equal(await page.isHidden(".key-form"), true);
  await close();
});

test("outside collector mode the page makes no collector requests", { skip: skipBrowser }, async () => {
  const plain = await serve(await buildOnce(), { handle: fake.handle });
  const { page, requests, close } = await openPage(browser, `${plain.url}/#key=${KEY}`);
  await page.waitForFunction(() => document.documentElement.dataset.load === "ready");
  await page.waitForTimeout(200);
  assert.equal(await page.isHidden("#collector"), true);
  assert.deepEqual(requests.filter((u) => /\/sessions|\/v1\/live/.test(u)), []);
  await close();
  await plain.close();
});
