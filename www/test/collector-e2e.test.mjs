// The viewer served by the real collector (bindings/cli dist/collector, on the project's
// Node 24 for node:sqlite, in a child process): the collector's CSP header and meta tag,
// sessions listed with the key from #key=, a session opened, events posted to
// POST /events arriving live. Skipped where Node 24 or the collector build is absent.
import { test, before, after } from "node:test";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOnce, launchBrowser, openPage, repoRoot, skipBrowser, waitForLoad } from "./support.mjs";
import { sessionEvents } from "./traces.mjs";

const NODE24 = join(repoRoot, "node_modules/node/bin/node");
const COLLECTOR = join(repoRoot, "bindings/cli/dist/collector/index.js");
const skip = skipBrowser || (!existsSync(NODE24) && `${NODE24} is absent`) || (!existsSync(COLLECTOR) && `${COLLECTOR} is absent (npm run build -w @agentlens/cli)`);
const KEY = "e2e-key-7f3a";
let child;
let url;
let browser;
let dir;

before(async () => {
  if (skip) return;
  const viewerDir = await buildOnce();
  dir = mkdtempSync(join(tmpdir(), "agentlens-www-e2e-"));
  const script = `
    const { startCollector } = await import(${JSON.stringify(COLLECTOR)});
    const c = await startCollector({ port: 0, dbPath: ${JSON.stringify(join(dir, "db.sqlite"))}, apiKey: ${JSON.stringify(KEY)}, viewerDir: ${JSON.stringify(viewerDir)}, heartbeatMs: 500 });
    console.log("URL " + c.url);
    process.on("SIGTERM", () => c.close().then(() => process.exit(0)));`;
  child = spawn(NODE24, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /URL (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`the collector exited (${code})`)));
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const postEvents = (events) => fetch(`${url}/events`, { method: "POST", headers: { "Content-Type": "application/json", "X-API-Key": KEY }, body: JSON.stringify({ events }) });

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
