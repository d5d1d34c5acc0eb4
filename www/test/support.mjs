// Shared by the viewer's browser tests (and h2b's panels test): build the viewer into a
// temporary directory, serve it on 127.0.0.1 with optional extra routes, and drive it in
// headless Debian Chromium through playwright-core, recording every request the page makes.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { before, after } from "node:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { buildViewer } from "../build.mjs";

export const CHROMIUM = "/usr/bin/chromium";
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const importFixtures = join(repoRoot, "tests/fixtures/import");

/** `false`, or why browser tests cannot run here (for `test(..., { skip })`). */
export const skipBrowser = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (Debian package chromium)`;

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm",
  ".json": "application/json", ".ndjson": "application/x-ndjson", ".jsonl": "application/x-ndjson", ".gz": "application/gzip", ".png": "image/png",
};

let built;
/** Builds the viewer once per process into a temporary directory; returns that directory. */
export function buildOnce() {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "agentlens-www-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    return buildViewer({ outDir: dir, quiet: true, copyToPackage: false });
  })();
  return built;
}

/**
 * Serves `dir` (the built viewer) on 127.0.0.1. `routes` maps a path to
 * `{ body, type }` or to a handler `(req, res) => void`; `transformIndex(html)` may edit
 * index.html (the collector injects its meta tag); `handle(req, res, url)` may answer any
 * request first (returning true). Records every request in `requests`.
 */
export async function serve(dir, { routes = {}, transformIndex, handle } = {}) {
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    requests.push({ method: req.method, path: url.pathname + url.search, headers: req.headers });
    if (handle?.(req, res, url)) return;
    const route = routes[url.pathname];
    if (typeof route === "function") return route(req, res, url);
    if (route) {
      res.writeHead(200, { "Content-Type": route.type ?? TYPES[extname(url.pathname)] ?? "application/octet-stream" }).end(route.body);
      return;
    }
    const rel = url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname.slice(1));
    const file = normalize(join(dir, rel));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    let body = readFileSync(file);
    if (rel === "index.html" && transformIndex) body = Buffer.from(transformIndex(body.toString("utf8")));
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" }).end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(resolve);
    }),
  };
}

/** Launches headless Chromium (a fresh profile per launch). */
export async function launchBrowser() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Opens `url` in a new page. Returns the page, the page errors and console errors seen
 * (`problems`) and every URL the page (and its workers) requested (`requests`).
 */
export async function openPage(browser, url, { colorScheme = "light", viewport = { width: 1400, height: 900 } } = {}) {
  const context = await browser.newContext({ colorScheme, viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  context.on("request", (r) => requests.push(r.url()));
  await page.goto(url);
  return { page, context, problems, requests, close: () => context.close() };
}

/** Waits until the viewer finished loading (ready or error) and returns that state. */
export async function waitForLoad(page, timeout = 60_000) {
  await page.waitForFunction(() => ["ready", "error"].includes(document.documentElement.dataset.load ?? "") && !/^Loading/.test(document.getElementById("status")?.textContent ?? ""), null, { timeout });
  return page.evaluate(() => document.documentElement.dataset.load);
}

/**
 * Bundles one viewer source file (TypeScript) for Node with esbuild and imports it;
 * `@agentlens/sdk/analysis` and `@agentlens/sdk/internal` stay imports of the built
 * package's Node entries.
 */
export async function importSource(relPath) {
  const { build } = await import("esbuild");
  const { pathToFileURL } = await import("node:url");
  const entries = { "@agentlens/sdk/analysis": import.meta.resolve("@agentlens/sdk/analysis"), "@agentlens/sdk/internal": import.meta.resolve("@agentlens/sdk/internal") };
  const out = mkdtempSync(join(tmpdir(), "agentlens-src-"));
  try {
    const outfile = join(out, "module.mjs");
    await build({
      entryPoints: [join(repoRoot, "www", relPath)],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      conditions: ["node"],
      logLevel: "error",
      plugins: [{ name: "built-agentlens-sdk", setup: (b) => b.onResolve({ filter: /^@agentlens\/sdk\/(analysis|internal)$/ }, (args) => ({ path: entries[args.path], external: true })) }],
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The built viewer served with `routes`, and a browser, for the tests of one file: started
 * before them (unless Chromium is absent) and closed after. Read `.server` and `.browser`
 * inside the tests.
 */
export function viewerFixture(routes) {
  const fx = { server: undefined, browser: undefined };
  before(async () => {
    if (skipBrowser) return;
    fx.server = await serve(await buildOnce(), { routes });
    fx.browser = await launchBrowser();
  });
  after(async () => {
    await fx.browser?.close();
    await fx.server?.close();
  });
  return fx;
}


/** Node 24 from the registry (`node:sqlite` needs Node >= 22.13), which runs the real collector. */
export const NODE24 = join(repoRoot, "node_modules/node/bin/node");
/** The built collector (`npm run build -w @agentlens/cli`). */
export const COLLECTOR = join(repoRoot, "bindings/cli/dist/collector/index.js");
/** Why the tests against the real collector cannot run here, or false. */
export const skipCollector = skipBrowser || (!existsSync(NODE24) && `${NODE24} is absent`) || (!existsSync(COLLECTOR) && `${COLLECTOR} is absent (npm run build -w @agentlens/cli)`);

/**
 * Starts the real collector (`startCollector`) in a Node 24 child process on a free port
 * of 127.0.0.1, over the database `dbPath`, serving `viewerDir`, requiring `apiKey`.
 * Resolves with the child and its URL; SIGTERM closes it cleanly.
 */
export async function startRealCollector({ dbPath, viewerDir, apiKey }) {
  const script = `
    const { startCollector } = await import(${JSON.stringify(COLLECTOR)});
    const c = await startCollector({ port: 0, dbPath: ${JSON.stringify(dbPath)}, apiKey: ${JSON.stringify(apiKey)}, viewerDir: ${JSON.stringify(viewerDir)}, heartbeatMs: 500 });
    console.log("URL " + c.url);
    process.on("SIGTERM", () => c.close().then(() => process.exit(0)));`;
  const child = spawn(NODE24, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /URL (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`the collector exited (${code})`)));
  });
  return { child, url };
}

/** Closes a collector from {@link startRealCollector} (if it still runs) and waits for it. */
export async function stopRealCollector(child) {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

/** A request to the collector at `url` with `key`, a JSON `body` when given. */
export function collectorRequest(url, key, method, path, body) {
  return fetch(`${url}${path}`, { method, headers: { "Content-Type": "application/json", "X-API-Key": key }, body: body === undefined ? undefined : JSON.stringify(body) });
}
