// What a new user meets when the collector serves the viewer at `/`: its sessions listed
// at once with a status line that says what is loaded; an unknown ?session= named; an
// empty collector showing its own endpoint and a snippet to send events to it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildOnce, launchBrowser, openPage, skipBrowser, waitForLoad } from "./support.mjs";
import { fakeCollector, serveCollector } from "./fake-collector.mjs";
import { sessionEvents } from "./traces.mjs";

const KEY = "k-start-456";
const stored = { "sess-a": sessionEvents(1, 30), "sess-b": sessionEvents(2, 12) };
for (const [id, events] of Object.entries(stored)) for (const e of events) e.session_id = id;
const servers = [];
let browser;

/** A fake collector holding `sessions`, serving the built viewer. */
async function start(sessions, key, options) {
  const fake = fakeCollector(sessions, key, options);
  const server = await serveCollector(await buildOnce(), fake);
  servers.push({ server, fake });
  return { fake, server };
}

before(async () => {
  if (!skipBrowser) browser = await launchBrowser();
});
after(async () => {
  for (const { server, fake } of servers) {
    fake.endLive();
    await server.close();
  }
  await browser?.close();
});

test("the collector's sessions are listed at once, newest first, the newest shown, and the status says what is loaded", { skip: skipBrowser }, async () => {
  const { server } = await start(stored, KEY);
  const { page, problems, close } = await openPage(browser, `${server.url}/#key=${KEY}`);
  assert.equal(await waitForLoad(page), "ready", await page.textContent("#error"));
  assert.equal(await page.textContent(".list-count"), "2 sessions");
  assert.deepEqual(await page.$$eval(".list-view .srow-id", (els) => els.map((e) => e.textContent)), ["sess-b", "sess-a"]);
  await page.waitForFunction(() => /sess-b/.test(document.querySelector(".session-header")?.textContent ?? ""));
  assert.match(await page.textContent(".session-header"), /Events12/);
  assert.equal(await page.textContent("#status"), `42 events in 2 sessions · AgentLens collector at ${server.url}`);
  assert.deepEqual(problems, []);
  await close();
});

test("?session= opens that session of the collector; an unknown one says so and the list stays", { skip: skipBrowser }, async () => {
  const { server } = await start(stored, KEY);
  const linked = await openPage(browser, `${server.url}/?session=sess-b#key=${KEY}`);
  assert.equal(await waitForLoad(linked.page), "ready");
  await linked.page.waitForFunction(() => /sess-b/.test(document.querySelector(".session-header")?.textContent ?? ""));
  await linked.close();

  const { page, problems, close } = await openPage(browser, `${server.url}/?session=no-such-session#key=${KEY}`);
  assert.equal(await waitForLoad(page), "ready");
  assert.equal(await page.textContent(".list-count"), "2 sessions");
  assert.match(await page.textContent("#notice"), /No session “no-such-session” on this collector/);
  assert.match(await page.textContent("#timeline-pane"), /No session “no-such-session” on this collector/);
  assert.equal(await page.$(".session-header:not([hidden]) h2"), null, "no other session is passed off as the linked one");
  await page.click('.list-view .vrow:has(.srow-id:text-is("sess-b"))');
  await page.waitForFunction(() => /sess-b/.test(document.querySelector(".session-header")?.textContent ?? ""));
  assert.equal(await page.isHidden("#notice"), true, "the notice goes once a session is picked");
  assert.deepEqual(problems, []);
  await close();
});

test("an empty collector shows its own endpoint and a snippet to send events, until the first arrive", { skip: skipBrowser }, async () => {
  const { server, fake } = await start({});
  const { page, context, problems, close } = await openPage(browser, `${server.url}/`);
  assert.equal(await waitForLoad(page), "ready", await page.textContent("#error"));
  assert.equal(await page.textContent(".list-count"), "0 sessions");
  assert.match(await page.textContent("#status"), /^No sessions yet/);
  const help = await page.textContent(".send-help");
  assert.ok(help.includes(`Send events to ${server.url}`), help);
  const snippet = await page.textContent(".send-help pre");
  assert.ok(snippet.includes(`init({\n  endpoint: "${server.url}",\n});`), snippet);
  assert.match(snippet, /import \{ init \} from "@agentlens\/sdk"/);
  assert.match(snippet, /startSession\(/);
  assert.doesNotMatch(help, /apiKey|API key/, "this collector needs no key");

  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  await page.click(".send-help button.copy");
  await page.waitForFunction(() => document.querySelector(".send-help button.copy")?.textContent === "Copied");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);

  await page.waitForFunction(() => document.getElementById("collector-live-state")?.textContent === "live");
  fake.sendLive(sessionEvents(7, 9));
  await page.waitForFunction(() => document.querySelector(".list-count")?.textContent === "1 session");
  await page.waitForFunction(() => !document.querySelector(".send-help"));
  assert.deepEqual(problems, []);
  await close();
});

test("an empty collector that requires a key says to pass it, and never shows the key", { skip: skipBrowser }, async () => {
  const { server } = await start({}, KEY);
  const { page, problems, close } = await openPage(browser, `${server.url}/#key=${KEY}`);
  assert.equal(await waitForLoad(page), "ready");
  const help = await page.textContent(".send-help");
  const snippet = await page.textContent(".send-help pre");
  assert.ok(snippet.includes(`init({\n  endpoint: "${server.url}",\n  apiKey: process.env.AGENTLENS_API_KEY,\n});`), snippet);
  assert.match(help, /requires an API key/);
  assert.ok(!(await page.content()).includes(KEY), "the key is not on the page");
  assert.deepEqual(problems, []);
  await close();
});

test("a session the collector fails to serve is named in the status; the others load", { skip: skipBrowser }, async () => {
  const { server } = await start(stored, KEY, { broken: ["sess-a"] });
  const { page, close } = await openPage(browser, `${server.url}/#key=${KEY}`);
  assert.equal(await waitForLoad(page), "ready", await page.textContent("#error"));
  assert.equal(await page.textContent("#status"), `13 events in 2 sessions · AgentLens collector at ${server.url} · the events of 1 session could not be read (HTTP 500)`);
  await page.waitForFunction(() => /sess-b/.test(document.querySelector(".session-header")?.textContent ?? ""));
  assert.match(await page.textContent(".session-header"), /Events12/);
  await close();
});

test("a session that arrives live while the listing is on its way is kept", { skip: skipBrowser }, async () => {
  let release;
  let listing;
  const asked = new Promise((r) => (listing = r));
  const { server, fake } = await start(stored, KEY, {
    beforeList: () => {
      listing();
      return new Promise((r) => (release = r));
    },
  });
  const { page, close } = await openPage(browser, `${server.url}/#key=${KEY}`);
  await asked;
  await page.waitForFunction(() => document.getElementById("collector-live-state")?.textContent === "live");
  fake.sendLive(sessionEvents(9, 8));
  await page.waitForFunction(() => document.querySelector(".list-count")?.textContent === "1 session");
  release();
  assert.equal(await waitForLoad(page), "ready");
  assert.equal(await page.textContent(".list-count"), "3 sessions");
  await close();
});
