// Collector mode against a fake collector: the viewer lists its sessions (GET /sessions),
// loads one (GET /sessions/:id/events, paged), follows live events (GET /v1/live,
// server-sent events read with fetch so the X-API-Key header is sent), takes the key from
// #key=… (then hides it) or from its prompt, and talks to nothing but its own origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildOnce, launchBrowser, openPage, serve, skipBrowser, waitForLoad } from "./support.mjs";
import { sessionEvents } from "./traces.mjs";

const KEY = "k-test-123";
const stored = { "sess-a": sessionEvents(1, 1500), "sess-b": sessionEvents(2, 12) };
for (const [id, events] of Object.entries(stored)) for (const e of events) e.session_id = id;
let server;
let browser;
const liveClients = new Set();

function json(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

function collector(req, res, url) {
  const authed = req.headers["x-api-key"] === KEY;
  const api = url.pathname === "/sessions" || url.pathname.startsWith("/sessions/") || url.pathname === "/v1/live";
  if (!api) return false;
  if (!authed) {
    json(res, req.headers["x-api-key"] ? 403 : 401, { error: "API key required" });
    return true;
  }
  if (url.pathname === "/sessions") {
    const sessions = Object.entries(stored).map(([id, events]) => ({ session_id: id, agent_name: events[0].agent_name, started_at: events[0].timestamp, status: "completed", metadata: {} }));
    json(res, 200, { sessions, total: sessions.length });
  } else if (url.pathname === "/v1/live") {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
    res.write(": connected\n\n");
    liveClients.add(res);
    req.on("close", () => liveClients.delete(res));
  } else {
    const m = /^\/sessions\/([^/]+)\/events$/.exec(url.pathname);
    const events = m && stored[decodeURIComponent(m[1])];
    if (!events) return json(res, 404, { error: "Session not found" }), true;
    const limit = Math.min(1000, Number(url.searchParams.get("limit")) || 100);
    const offset = Number(url.searchParams.get("offset")) || 0;
    const page = events.slice(offset, offset + limit);
    json(res, 200, { session_id: m[1], total: events.length, returned: page.length, limit, offset, events: page });
  }
  return true;
}

/** Sends one live message, split across writes and with CRLF line ends, to every client. */
function sendLive(events) {
  const text = `event: events\r\ndata: ${JSON.stringify({ events })}\r\n\r\n`;
  for (const res of liveClients) {
    res.write(text.slice(0, 17));
    res.write(text.slice(17));
  }
}

before(async () => {
  if (skipBrowser) return;
  server = await serve(await buildOnce(), {
    handle: collector,
    transformIndex: (html) => html.replace("<head>", '<head>\n<meta name="agentlens-collector" content="1">'),
  });
  browser = await launchBrowser();
});
after(async () => {
  for (const res of liveClients) res.end();
  await browser?.close();
  await server?.close();
});

test("collector mode: the key from #key= lists sessions, opens one, and follows live events", { skip: skipBrowser }, async () => {
  const { page, problems, requests, close } = await openPage(browser, `${server.url}/#key=${KEY}`);
  await page.waitForFunction(() => document.querySelectorAll("select[name=collector-session] option").length === 2);
  assert.equal(await page.evaluate(() => location.hash), "", "the key leaves the address bar");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("agentlens-collector-key")), KEY);
  assert.match(await page.textContent(".collector-message"), /2 sessions on the collector/);

  await page.selectOption("select[name=collector-session]", "sess-a");
  await page.click("#collector-open");
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForFunction(() => /sess-a/.test(document.querySelector(".session-header")?.textContent ?? ""));
  assert.match(await page.textContent(".session-header"), /Events1500/, "every page of /sessions/:id/events was read");
  const eventPages = server.requests.filter((r) => r.path.startsWith("/sessions/sess-a/events"));
  assert.deepEqual(eventPages.map((r) => new URL(r.path, "http://x").searchParams.get("offset")), ["0", "1000"]);

  await page.waitForFunction(() => document.getElementById("collector-live-state")?.textContent === "live");
  sendLive([{ session_id: "sess-live", event_type: "session_start", timestamp: "2026-11-22T10:00:00Z", agent_name: "live-agent" }, { session_id: "sess-live", event_type: "llm_call", timestamp: "2026-11-22T10:00:01Z", model: "gpt-4o", tokens_in: 5 }]);
  await page.waitForFunction(() => document.querySelector(".list-count")?.textContent === "2 sessions");
  assert.match(await page.textContent(".list-view"), /live-agent/);
  sendLive([{ session_id: "sess-a", event_type: "tool_call", timestamp: "2026-11-22T10:00:02Z", tool_call: { tool_name: "late-tool" } }]);
  await page.waitForFunction(() => [...document.querySelectorAll("select[name=tool] option")].some((o) => o.textContent === "late-tool"));

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
  await page.fill("input[name=api-key]", "wrong");
  await page.click(".key-form button");
  await page.waitForFunction(() => /refused/.test(document.querySelector(".collector-message")?.textContent ?? ""));
  await page.fill("input[name=api-key]", KEY);
  await page.click(".key-form button");
  await page.waitForFunction(() => document.querySelectorAll("select[name=collector-session] option").length === 2);
  assert.equal(await page.isHidden(".key-form"), true);
  await close();
});

test("outside collector mode the page makes no collector requests", { skip: skipBrowser }, async () => {
  const plain = await serve(await buildOnce(), { handle: collector });
  const { page, requests, close } = await openPage(browser, `${plain.url}/#key=${KEY}`);
  await page.waitForFunction(() => document.documentElement.dataset.load === "ready");
  await page.waitForTimeout(200);
  assert.equal(await page.isHidden("#collector"), true);
  assert.deepEqual(requests.filter((u) => /\/sessions|\/v1\/live/.test(u)), []);
  await close();
  await plain.close();
});
