// The runtime matrix (issue 17): tests/matrix/scenario.mjs, one file written against the
// public API, run against a loopback receiver on every runtime the SDK supports, each from
// a registry: Node 20 (the system's), 22 (npm `node22`) and 24 (npm `node`); Deno 2 with
// only --allow-net for loopback and --allow-read; Bun; Chromium (Debian) through an import
// map, a Vite build and an esbuild bundle (the guide's line); workerd with a wrangler-style
// bundle (respond first, `ctx.waitUntil`, two requests in one isolate); and Vercel's edge
// runtime (npm `edge-runtime`). Every run passes the same check (support.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { launchChromium, openApp, skipChromium } from "../../bindings/sdk/test/bundlers/support.mjs";
import { serveBundledWorker, skipBundledWorker } from "../../bindings/sdk/test/support/workerd.mjs";
import { runEdgeRuntime, skipEdgeRuntime } from "./edge-runtime.mjs";
import { checkScenario, matrixProject, matrixReceiver, postedResult, releaseAfterAnswer, repoRoot, writeEntry } from "./support.mjs";

const { dir, project } = matrixProject();
const bin = (path) => join(repoRoot, path);

/** Times `fn` and reports the runtime's time as a diagnostic. */
async function timed(t, fn) {
  const started = performance.now();
  await fn();
  t.diagnostic(`${t.name}: ${Math.round(performance.now() - started)} ms`);
}

const CLI_RUNTIMES = [
  { name: "Node 20 (system)", command: "/usr/bin/node", args: [] },
  { name: "Node 22 (npm node22)", command: bin("node_modules/node22/bin/node"), args: [] },
  { name: "Node 24 (npm node)", command: bin("node_modules/node/bin/node"), args: [] },
  // Only loopback network and reading files: no --allow-env, no --allow-write.
  { name: "Deno 2 (npm deno)", command: bin("node_modules/.bin/deno"), args: ["run", "--node-modules-dir=manual", "--allow-net=127.0.0.1", "--allow-read"] },
  { name: "Bun (npm bun)", command: bin("node_modules/.bin/bun"), args: [] },
];

for (const runtime of CLI_RUNTIMES) {
  const skip = existsSync(runtime.command) ? false : `${runtime.command} is not installed (npm ci; Node 20 is the system's)`;
  test(`the scenario on ${runtime.name}`, { skip }, (t) => timed(t, async () => {
    const receiver = await matrixReceiver();
    t.after(() => receiver.close());
    const sessionId = `matrix-${runtime.name.split(" ")[0].toLowerCase()}-${runtime.name.split(" ")[1]}`;
    const env = { ...process.env, DENO_DIR: join(dir, "deno-cache"), DENO_NO_UPDATE_CHECK: "1" };
    for (const k of Object.keys(env)) if (k.startsWith("AGENTLENS_")) delete env[k];
    const { stdout } = await promisify(execFile)(runtime.command, [...runtime.args, "cli.mjs", receiver.url, sessionId], { cwd: project, env });
    checkScenario(JSON.parse(stdout.trim().split("\n").at(-1)), receiver, sessionId);
  }));
}

/** The guide's esbuild flags (docs/bundlers.md's `npx esbuild …` line), its entry and outdir replaced. */
function esbuildGuideFlags() {
  const line = readFileSync(join(repoRoot, "docs/bundlers.md"), "utf8").split("\n").find((l) => l.startsWith("npx esbuild "));
  return line.trim().split(/\s+/).slice(3).filter((a) => !a.startsWith("--outdir="));
}

/** Builds the page variants: `importmap/`, `vite/dist/`, `esbuild/`; each has index.html. */
async function buildPages() {
  const html = (script, head = "") => `<!doctype html>\n<meta charset="utf-8">\n<title>agentlens matrix</title>\n${head}<script type="module" src="${script}"></script>\n`;
  const sdk = JSON.parse(readFileSync(join(project, "node_modules/@agentlens/sdk/package.json"), "utf8"));
  const browserFile = (sub) => `./sdk/${sdk.exports[sub].browser.default.replace(/^\.\//, "")}`;
  const imports = { "@agentlens/sdk": browserFile("."), "@agentlens/sdk/analysis": browserFile("./analysis"), "@agentlens/sdk/patterns": browserFile("./patterns") };
  const importmap = join(project, "importmap");
  mkdirSync(importmap);
  symlinkSync(join(project, "node_modules/@agentlens/sdk"), join(importmap, "sdk"), "dir");
  const entry = writeEntry(project, "page");
  for (const f of ["scenario.mjs", "page.mjs", entry]) writeFileSync(join(importmap, f), readFileSync(join(project, f)));
  writeFileSync(join(importmap, "index.html"), html(`./${entry}`, `<script type="importmap">${JSON.stringify({ imports })}</script>\n`));

  writeFileSync(join(project, "index.html"), html(`./${entry}`));
  const vite = await import("vite");
  await vite.build({ root: project, configFile: false, logLevel: "warn", build: { outDir: join(project, "vite-dist") } });

  const esbuildDir = join(project, "esbuild");
  await promisify(execFile)(bin("node_modules/.bin/esbuild"), [entry, ...esbuildGuideFlags(), `--outdir=${esbuildDir}`, "--log-level=warning"], { cwd: project });
  writeFileSync(join(esbuildDir, "index.html"), html(`./${entry.replace(/\.mjs$/, ".js")}`));
  return { "an import map": importmap, "a Vite build": join(project, "vite-dist"), "an esbuild bundle (the guide's line)": esbuildDir };
}

test("the scenario in headless Chromium", { skip: skipChromium }, async (t) => {
  const pages = await buildPages();
  const browser = await launchChromium();
  t.after(() => browser.close());
  let n = 0;
  for (const [how, staticDir] of Object.entries(pages)) {
    await t.test(`through ${how}`, (t) => timed(t, async () => {
      const receiver = await matrixReceiver({ staticDir });
      t.after(() => receiver.close());
      const { page, problems } = await openApp(browser, `${receiver.url}/`);
      assert.deepEqual(problems, []);
      const sessionId = `matrix-chromium-${++n}`;
      const result = await page.evaluate((id) => window.agentlensRun(id), sessionId);
      assert.equal(result.early.platform, "browser");
      checkScenario(result, receiver, sessionId);
      assert.deepEqual(problems, []);
      await page.close();
    }));
  }
});

test("the scenario in workerd: a wrangler-style bundle, respond first, two requests in one isolate", { skip: skipBundledWorker }, (t) => timed(t, async () => {
  const receiver = await matrixReceiver();
  t.after(() => receiver.close());
  const server = await serveBundledWorker(t, { entry: join(project, writeEntry(project, "worker")), receiverUrl: receiver.url });
  for (const sessionId of ["matrix-workerd-1", "matrix-workerd-2"]) {
    const res = await fetch(`http://127.0.0.1:${server.port}/?session=${sessionId}`, { signal: AbortSignal.timeout(120_000) }); // a hang guard only
    const text = await res.text();
    assert.equal(res.status, 200, `${text}\n${server.output()}`);
    assert.equal(JSON.parse(text).platform, "edge");
    releaseAfterAnswer(receiver, sessionId);
    checkScenario(await postedResult(receiver, sessionId, server.output), receiver, sessionId);
  }
}));

test("the scenario in Vercel's edge runtime (npm edge-runtime): respond first, event.waitUntil", { skip: skipEdgeRuntime }, (t) => timed(t, async () => {
  const receiver = await matrixReceiver();
  t.after(() => receiver.close());
  const sessions = ["matrix-edge-1", "matrix-edge-2"];
  await runEdgeRuntime(join(project, writeEntry(project, "edge")), receiver.url, sessions, (sessionId, answer) => {
    assert.equal(answer.platform, "edge");
    releaseAfterAnswer(receiver, sessionId);
  });
  for (const sessionId of sessions) checkScenario(await postedResult(receiver, sessionId), receiver, sessionId);
}));
