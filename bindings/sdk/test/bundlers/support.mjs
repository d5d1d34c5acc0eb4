// Shared by the bundler tests: a small page app that imports the package as a user's app
// would, a server on 127.0.0.1 that serves a built app and receives its events (one
// origin), and headless Debian Chromium driven by playwright-core.
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { startReceiver } from "../support/receiver.mjs";

export { packAndInstall, repoRoot } from "../packaging/packed.mjs";

export const CHROMIUM = "/usr/bin/chromium";
/** `false`, or why the browser tests cannot run here (for `test(..., { skip })`). */
export const skipChromium = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (Debian package chromium)`;

/**
 * The app's entry module. It tracks a session whose prompt holds a card number, asks the
 * tracker for the session's cost (which loads the analysis wasm: a second asset), and
 * ends the session (which sends everything).
 */
export const APP_JS = `import { init } from "@agentlens/sdk";

window.agentlensRun = async (sessionId) => {
  const tracker = init({ endpoint: location.origin, apiKey: "bundled-key" });
  tracker.startSession({ agentName: "bundled-page", sessionId });
  tracker.track({ eventType: "llm_call", model: "gpt-4o", inputData: { prompt: "card 4111 1111 1111 1111" }, tokensIn: 1000, tokensOut: 100 });
  const cost = await tracker.cost();
  await tracker.endSession(sessionId);
  return { cost, stats: tracker.stats() };
};
`;

export const indexHtml = (script) => `<!doctype html>
<meta charset="utf-8">
<title>agentlens bundled</title>
<script type="module" src="${script}"></script>
`;

const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

/** Serves the files under `dir` (GET) and receives `POST /events`: one origin, like a deployed app. */
export function serveApp(dir) {
  const root = normalize(dir + sep);
  return startReceiver({
    handle(req, res) {
      if (req.method !== "GET") return false;
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      const file = normalize(join(root, path === "/" ? "index.html" : path));
      if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return false;
      res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
      return true;
    },
  });
}

export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  }); // playwright gives each launch a fresh temporary profile
}

/**
 * Opens `url` and waits until the app has loaded (`window.agentlensRun` is defined) or the
 * page reported an error. Returns `{ page, problems, requests }`.
 */
export async function openApp(browser, url) {
  const page = await browser.newPage();
  const problems = [];
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  const failed = new Promise((resolve) => page.on("pageerror", (e) => {
    problems.push(`pageerror: ${e.message}`);
    resolve();
  }));
  await page.goto(url);
  await Promise.race([page.waitForFunction(() => typeof window.agentlensRun === "function", null, { timeout: 0 }), failed]);
  return { page, problems, requests };
}
