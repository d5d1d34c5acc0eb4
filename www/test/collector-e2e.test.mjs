// The viewer served by the real collector (bindings/cli dist/collector, on the project's
// Node 24 for node:sqlite, in a child process): the collector's CSP header and meta tag,
// sessions listed with the key from #key=, a session opened, events posted to
// POST /events arriving live. Skipped where Node 24 or the collector build is absent.
import { test, before, after } from "node:test";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOnce, launchBrowser, openPage, repoRoot, skipCollector, collectorRequest, startRealCollector, stopRealCollector, waitForLoad } from "./support.mjs";
import { sessionEvents } from "./traces.mjs";

const skip = skipCollector;
const KEY = "e2e-key-7f3a";
let child;
let url;
let browser;
let dir;

before(async () => {
  if (skip) return;
  const viewerDir = await buildOnce();
  dir = mkdtempSync(join(tmpdir(), "agentlens-www-e2e-"));
  ({ child, url } = await startRealCollector({ dbPath: join(dir, "db.sqlite"), viewerDir, apiKey: KEY }));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopRealCollector(child);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const postEvents = (events) => collectorRequest(url, KEY, "POST", "/events", { events });

test("the viewer on the real collector: sessions, one opened, live events", { skip }, async () => {
  assert.equal((await postEvents(sessionEvents(3, 20))).status < 300, true);
  const { page, problems, requests, close } = await openPage(browser, `${url}/#key=${KEY}`);
  assert.equal(await waitForLoad(page), "ready", await page.textContent("#error"));
  assert.equal(await page.textContent(".list-count"), "1 session", "the collector's session is listed without picking it anywhere");
  assert.equal(await page.textContent("#status"), `20 events in 1 session · AgentLens collector at ${url}`);
  await page.waitForFunction(() => /sess-00000003/.test(document.querySelector(".session-header")?.textContent ?? ""));
  // The collector keeps session_start/end as the session row; the viewer puts them back.
  assert.match(await page.textContent(".session-header"), /^planner completed/);
  assert.match(await page.textContent(".session-header"), /Events20/);
  assert.match(await page.textContent(".session-header"), /Cost\$0\.\d+/);

  await page.waitForFunction(() => document.getElementById("collector-live-state")?.textContent === "live");
  assert.equal((await postEvents(sessionEvents(4, 10))).status < 300, true);
  await page.waitForFunction(() => document.querySelector(".list-count")?.textContent === "2 sessions", null, { timeout: 20_000 });
  assert.ok(requests.every((u) => u.startsWith(url)), requests.join("\n"));
  assert.deepEqual(problems, []);
  await close();
});

test("a session of the demo agent appears live in the viewer while the agent runs", { skip }, async (t) => {
  const { page, problems, requests, close } = await openPage(browser, `${url}/#key=${KEY}`);
  await page.waitForFunction(() => document.getElementById("collector-live-state")?.textContent === "live", null, { timeout: 20_000 });
  const before = await page.textContent(".list-count");
  // The real demo agent (examples/demo.mjs, on the built package), sending to this collector.
  const out = mkdtempSync(join(tmpdir(), "agentlens-demo-"));
  try {
    await promisify(execFile)(process.execPath, [join(repoRoot, "examples/demo.mjs")], {
      env: { ...process.env, AGENTLENS_DEMO_COLLECTOR: url, AGENTLENS_API_KEY: KEY, AGENTLENS_DEMO_OUT: out },
    });
    const sessionId = readFileSync(join(out, "demo-session.txt"), "utf8").trim();
    await page.waitForFunction(
      (n) => document.querySelector(".list-count")?.textContent !== n && /shopping-assistant/.test(document.body.textContent ?? ""),
      before,
      { timeout: 20_000 },
    );
    const listed = await page.evaluate(() => document.body.textContent ?? "");
    assert.match(listed, /shopping-assistant/);
    assert.ok(!listed.includes("jane.doe@example.com"), "the collector stored the redacted events");
    // The URL the demo prints opens that session at once.
    const linked = await openPage(browser, `${url}/?session=${sessionId}#key=${KEY}`);
    try {
      await linked.page.waitForFunction((id) => (document.querySelector(".session-header")?.textContent ?? "").includes(id), sessionId, { timeout: 20_000 });
      assert.match(await linked.page.textContent(".session-header"), /shopping-assistant/);
    } finally {
      await linked.close();
    }
    assert.ok(requests.every((u) => u.startsWith(url)), requests.join("\n"));
    assert.deepEqual(problems, []);
    t.diagnostic(`demo session ${sessionId} appeared live, without a reload`);
  } finally {
    rmSync(out, { recursive: true, force: true });
    await close();
  }
});
