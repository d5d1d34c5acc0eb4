// Smoke test in headless Chromium (Debian `chromium`, driven by playwright-core, no
// browser download): a page imports the package's browser entry point, which fetches
// the wasm shipped next to it, tracks events and flushes them to the receiver, which
// also serves the page and the package (same origin). A second page checks the exit
// path: events left unflushed are sent when the page is hidden or navigated away. A third
// sends OTLP (gzipped protobuf, via the browser's CompressionStream) to the same origin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { startReceiver } from "../support/receiver.mjs";
import { spansOfBody } from "../otlp/schema.mjs";

const CHROMIUM = "/usr/bin/chromium";
const pkgDir = fileURLToPath(new URL("../../", import.meta.url));
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".json": "application/json" };

function page() {
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  // The import map resolves "@agentlens/sdk" as a browser bundler would: the `browser` condition.
  const entry = `/pkg/${pkg.exports["."].browser.default.replace(/^\.\//, "")}`;
  const patterns = `/pkg/${pkg.exports["./patterns"].browser.default.replace(/^\.\//, "")}`;
  return `<!doctype html>
<meta charset="utf-8">
<title>agentlens smoke</title>
<script type="importmap">${JSON.stringify({ imports: { "@agentlens/sdk": entry, "@agentlens/sdk/patterns": patterns } })}</script>
<script type="module">
  import * as agentlens from "@agentlens/sdk";
  const { createDriver, createHttpExporter, platform } = agentlens;
  const p = platform();
  const exporter = createHttpExporter({ endpoint: location.origin, apiKey: "browser-key" });
  const host = { now: p.now, wallClock: p.wallClock, send: (r) => exporter.send(r), timer: p.timer, notice: () => {} };
  // Batches never fill and the interval never passes here: only flush() or the exit hook send.
  const driver = createDriver(host, { batchSize: 1000, flushIntervalMs: 600000 });
  window.agentlensTest = {
    platform: p.name,
    push(session, n) {
      driver.push(Array.from({ length: n }, (_, i) => ({
        event_type: "llm_call", session_id: session, model: "gpt-4o",
        input_data: { prompt: "card 4111 1111 1111 1111", seq: i },
      })));
      return driver.stats();
    },
    async flush() { await driver.flush(); return driver.stats(); },
    hookExit() { p.onExit(() => driver.flush()); },
    async hiddenThenBack(sessionId) {
      const tracker = agentlens.init({ endpoint: location.origin, apiKey: "browser-key", batchSize: 1000, flushIntervalMs: 600000 });
      tracker.startSession({ agentName: "page-agent", sessionId });
      tracker.track({ eventType: "llm_call", inputData: { seq: 0 } });
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
      Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
      tracker.track({ eventType: "llm_call", inputData: { seq: 1 } });
      await tracker.endSession(sessionId);
      return tracker.stats();
    },
    async otlpSession(sessionId) {
      const otlp = agentlens.createOtlpExporter({ endpoint: location.origin + "/v1/traces", compression: "gzip", serviceName: "page" });
      const tracker = agentlens.init({ exporters: [otlp] });
      tracker.startSession({ agentName: "page-agent", sessionId });
      tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 12, tokensOut: 3 });
      await tracker.endSession(sessionId);
      await tracker.flush();
      return tracker.stats();
    },
    patternsRefused() {
      try {
        agentlens.init({ endpoint: location.origin, redactPatterns: [{ name: "ticket", regex: "TICKET-[0-9]{6}" }] });
        return "accepted";
      } catch (e) {
        return e.name + " " + (e instanceof agentlens.AgentLensConfigError) + ": " + e.message;
      }
    },
    async patternsSession(sessionId) {
      await import("@agentlens/sdk/patterns");
      const tracker = agentlens.init({ endpoint: location.origin, apiKey: "browser-key", redactPatterns: [{ name: "ticket", regex: "TICKET-[0-9]{6}" }] });
      tracker.startSession({ agentName: "page-agent", sessionId });
      tracker.track({ eventType: "llm_call", inputData: { note: "日本 TICKET-000123 é", card: "4111 1111 1111 1111" } });
      await tracker.endSession(sessionId);
      return tracker.stats();
    },
    async trackerSession(sessionId, n) {
      const tracker = agentlens.init({ endpoint: location.origin, apiKey: "browser-key" });
      tracker.startSession({ agentName: "page-agent", sessionId });
      for (let i = 0; i < n; i++) tracker.track({ eventType: "llm_call", model: "gpt-4o", inputData: { seq: i } });
      await tracker.endSession(sessionId);
    },
  };
</script>
`;
}

/** OTLP requests the page sent: content headers and the body (gunzipped). */
const otlpRequests = [];

/** Serves the test page and the package's built files (dist, wasm), and takes OTLP posts; everything else is 404. */
function serveStatic(req, res) {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (req.method === "POST" && path === "/v1/traces") {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const gzip = req.headers["content-encoding"] === "gzip";
      otlpRequests.push({ type: req.headers["content-type"], gzip, body: gzip ? gunzipSync(raw) : raw });
      res.writeHead(200, { "Content-Type": "application/x-protobuf" }).end();
    });
    return true;
  }
  if (req.method !== "GET") return false;
  if (path === "/favicon.ico") {
    res.writeHead(204).end();
    return true;
  }
  if (path === "/page.html") {
    res.writeHead(200, { "Content-Type": TYPES[".html"] }).end(page());
    return true;
  }
  const m = /^\/pkg\/((?:dist|wasm|wasm-patterns|prices)\/.+)$/.exec(path);
  if (!m) return false;
  const file = normalize(join(pkgDir, m[1]));
  if (!file.startsWith(pkgDir) || file.includes(`${sep}..${sep}`) || !existsSync(file)) return false;
  res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  return true;
}

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (Debian package chromium; scripts/bootstrap.sh installs it)`;

test("headless Chromium", { skip, timeout: 90_000 }, async (t) => {
  const { chromium } = await import("playwright-core");
  const receiver = await startReceiver({ handle: serveStatic });
  t.after(() => receiver.close());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  }); // playwright gives each launch a fresh temporary profile
  t.after(() => browser.close());

  async function openPage() {
    const tab = await browser.newPage();
    const problems = [];
    const requests = [];
    tab.on("request", (r) => requests.push(r.url()));
    tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    tab.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()} (${m.location().url})`));
    await tab.goto(`${receiver.url}/page.html`);
    try {
      await tab.waitForFunction(() => window.agentlensTest !== undefined, null, { timeout: 20_000 });
    } catch (err) {
      throw new Error(`the page did not load the package: ${err.message}\n${problems.join("\n")}`);
    }
    return { tab, problems, requests };
  }

  await t.test("a page tracks events and flushes them to the receiver", async () => {
    const { tab, problems } = await openPage();
    assert.equal(await tab.evaluate(() => window.agentlensTest.platform), "browser");
    await tab.evaluate(() => window.agentlensTest.push("page-flush", 20));
    const stats = await tab.evaluate(() => window.agentlensTest.flush());
    assert.equal(stats.delivered, 20, JSON.stringify(stats));
    assert.equal(stats.pending, 0);
    const events = receiver.events().filter((e) => e.session_id === "page-flush");
    assert.deepEqual(events.map((e) => e.input_data.seq), Array.from({ length: 20 }, (_, i) => i));
    assert.ok(!JSON.stringify(events).includes("4111 1111 1111 1111"), "redacted in the browser");
    assert.ok(receiver.requests.every((r) => r.headers["x-api-key"] === "browser-key"));
    assert.deepEqual(problems, []);
    await tab.close();
  });

  await t.test("a page tracks a session through init, track and endSession", async () => {
    const { tab, problems } = await openPage();
    await tab.evaluate(() => window.agentlensTest.trackerSession("page-tracker", 5));
    const events = receiver.events().filter((e) => e.session_id === "page-tracker");
    assert.deepEqual(events.filter((e) => e.event_type === "llm_call").map((e) => e.input_data.seq), [0, 1, 2, 3, 4]);
    assert.deepEqual([events[0].event_type, events.at(-1).event_type], ["session_start", "session_end"]);
    assert.deepEqual(problems, []);
    await tab.close();
  });

  await t.test("a page sends OTLP: gzipped protobuf the official schema reads", async () => {
    const { tab, problems } = await openPage();
    const stats = await tab.evaluate(() => window.agentlensTest.otlpSession("page-otlp"));
    assert.equal(stats.delivered, 2, JSON.stringify(stats));
    assert.ok(otlpRequests.length > 0 && otlpRequests.every((r) => r.gzip && r.type === "application/x-protobuf"));
    const spans = otlpRequests.flatMap((r) => spansOfBody(r.body, r.type));
    assert.deepEqual(spans.map((s) => s.name).sort(), ["chat gpt-4o", "invoke_agent page-agent"]);
    assert.ok(spans.every((s) => s.resource["service.name"] === "page" && s.resource["telemetry.sdk.language"] === "webjs"));
    // The price data's regex rules ran in the regex engine's module, fetched for them.
    const chat = spans.find((s) => s.name === "chat gpt-4o");
    assert.ok(chat.attributes["agentlens.cost.usd"] > 0, JSON.stringify(chat.attributes));
    assert.deepEqual(problems, []);
    await tab.close();
  });

  await t.test("redactPatterns: refused with the fix until @agentlens/sdk/patterns loads the engine, then applied", async () => {
    const { tab, problems, requests } = await openPage();
    const refused = await tab.evaluate(() => window.agentlensTest.patternsRefused());
    assert.match(refused, /^AgentLensConfigError true: .*redactPatterns.*import "@agentlens\/sdk\/patterns"/, refused);
    assert.ok(!requests.some((u) => u.includes("wasm-patterns")), "the engine is not fetched before it is asked for");
    const stats = await tab.evaluate(() => window.agentlensTest.patternsSession("page-patterns"));
    assert.equal(stats.delivered, 3, JSON.stringify(stats));
    const call = receiver.events().find((e) => e.session_id === "page-patterns" && e.event_type === "llm_call");
    assert.deepEqual(call.input_data, { note: "日本 [REDACTED] é", card: "[REDACTED]" });
    assert.ok(requests.some((u) => u.endsWith("/pkg/wasm-patterns/agentlens_wasm_bg.wasm")));
    assert.deepEqual(problems, []);
    await tab.close();
  });

  await t.test("events left unflushed are sent when the page is hidden", async () => {
    const { tab } = await openPage();
    await tab.evaluate(() => {
      window.agentlensTest.hookExit();
      window.agentlensTest.push("page-hidden", 6);
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await receiver.waitFor((r) => r.events().filter((e) => e.session_id === "page-hidden").length === 6);
    await tab.close();
  });

  await t.test("a page hidden and shown again keeps tracking: the hook delivers, it does not shut down", async () => {
    const { tab, problems } = await openPage();
    const stats = await tab.evaluate(() => window.agentlensTest.hiddenThenBack("page-back"));
    assert.equal(stats.dropped.shutdown_timeout, 0, JSON.stringify(stats.dropped));
    assert.equal(stats.delivered, stats.tracked);
    const events = receiver.events().filter((e) => e.session_id === "page-back");
    assert.deepEqual(events.filter((e) => e.event_type === "llm_call").map((e) => e.input_data.seq), [0, 1]);
    assert.equal(events.at(-1).event_type, "session_end");
    assert.deepEqual(problems, []);
    await tab.close();
  });

  await t.test("events left unflushed are sent when the page is navigated away (pagehide, keepalive)", async () => {
    const { tab } = await openPage();
    await tab.evaluate(() => {
      window.agentlensTest.hookExit();
      window.agentlensTest.push("page-gone", 9);
    });
    await tab.goto("about:blank");
    await receiver.waitFor((r) => r.events().filter((e) => e.session_id === "page-gone").length === 9);
    await tab.close();
    t.diagnostic(`Chromium ${browser.version()}: receiver got ${receiver.events().length} events in ${receiver.requests.length} requests`);
  });
});
