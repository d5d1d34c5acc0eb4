// Vite with no configuration, as docs/bundlers.md says: `vite build` and the dev server,
// each serving a page whose app imports "@agentlens/sdk" from the installed tarball, loaded in
// headless Chromium, tracking a session (and loading the analysis wasm for its cost)
// against a loopback receiver. Vite copies the files the package references with
// `new URL(…, import.meta.url)`, in the build and in the dev server's pre-bundled deps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { APP_JS, indexHtml, launchChromium, openApp, packAndInstall, serveApp, skipChromium } from "./support.mjs";

/** Runs the app at `url` and checks what reached `receiver`. */
async function runApp(browser, url, receiver, sessionId) {
  const { page, problems, requests } = await openApp(browser, url);
  assert.deepEqual(problems, []);
  const { cost, stats } = await page.evaluate((id) => window.agentlensRun(id), sessionId);
  assert.equal(cost.tokens_in, 1000, "the analysis wasm computed the session's cost");
  assert.equal(stats.delivered, 3, JSON.stringify(stats));
  const events = receiver.events().filter((e) => e.session_id === sessionId);
  assert.deepEqual(events.map((e) => e.event_type), ["session_start", "llm_call", "session_end"]);
  assert.ok(!JSON.stringify(events).includes("4111 1111 1111 1111"), "redacted in the page");
  assert.equal(requests.filter((u) => u.endsWith(".wasm")).length, 2, "the SDK's and the analysis wasm were fetched");
  assert.deepEqual(problems, []);
  await page.close();
}

test("Vite apps in headless Chromium", { skip: skipChromium }, async (t) => {
  const vite = await import("vite");
  const { project } = packAndInstall();
  writeFileSync(join(project, "app.js"), APP_JS);
  writeFileSync(join(project, "index.html"), indexHtml("./app.js"));
  const browser = await launchChromium();
  t.after(() => browser.close());

  await t.test("vite build: the built app loads both wasm files and sends the session", async () => {
    const outDir = join(project, "dist");
    await vite.build({ root: project, configFile: false, logLevel: "warn", build: { outDir } });
    const server = await serveApp(outDir);
    t.after(() => server.close());
    await runApp(browser, `${server.url}/`, server, "vite-build");
  });

  await t.test("vite dev server: the app loads both wasm files and sends the session", async () => {
    const receiver = await serveApp(join(project, "no-files"));
    t.after(() => receiver.close());
    const dev = await vite.createServer({
      root: project, configFile: false, logLevel: "warn",
      server: { host: "127.0.0.1", port: 0, strictPort: true, proxy: { "/events": receiver.url } },
    });
    t.after(() => dev.close());
    await dev.listen();
    await runApp(browser, dev.resolvedUrls.local[0], receiver, "vite-dev");
  });
});
