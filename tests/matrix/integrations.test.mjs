// The runtime matrix through the framework integrations (issue 17): the same scenario
// (tests/matrix/scenario.mjs), its agent work done by each framework — OpenAI Agents JS,
// the AI SDK 7, OpenTelemetry, LangChain.js (tests/matrix/via/) — recorded by
// @agentlens/sdk's integration, on every runtime where the framework runs: Node 20, 22, 24,
// Deno, Bun, workerd (a wrangler-style bundle with nodejs_compat), Vercel's edge runtime and
// Chromium (an esbuild bundle, the guide's line). Where a framework cannot run, the test
// is skipped with the reason (see SUPPORT).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { launchChromium, openApp, skipChromium } from "../../bindings/sdk/test/bundlers/support.mjs";
import { serveBundledWorker, skipBundledWorker } from "../../bindings/sdk/test/support/workerd.mjs";
import { runEdgeRuntime, skipEdgeRuntime } from "./edge-runtime.mjs";
import { INTEGRATIONS, checkIntegration, matrixProject, matrixReceiver, postedResult, releaseAfterAnswer, repoRoot, writeEntry } from "./support.mjs";

const { dir, project } = matrixProject();
const bin = (path) => join(repoRoot, path);

/** Why a framework cannot run on a runtime (the combination is skipped), by runtime then framework. */
const SUPPORT = {
  edge: {
    // @openai/agents-core's browser shims (what an edge bundle gets) emit events with
    // `new CustomEvent(...)`, which Vercel's edge runtime does not have: the framework
    // throws on its first run, before any AgentLens code is reached.
    "openai-agents": "@openai/agents uses CustomEvent, which Vercel's edge runtime lacks (the framework throws)",
  },
};

async function timed(t, fn) {
  const started = performance.now();
  await fn();
  t.diagnostic(`${t.name}: ${Math.round(performance.now() - started)} ms`);
}

const CLI_RUNTIMES = [
  { name: "Node 20", command: "/usr/bin/node", args: [] },
  { name: "Node 22", command: bin("node_modules/node22/bin/node"), args: [] },
  { name: "Node 24", command: bin("node_modules/node/bin/node"), args: [] },
  // The frameworks themselves read the environment and the host (debug, @vercel/oidc,
  // OTEL_* variables, LangChain's home directory): Deno must allow env and sys for them;
  // the SDK alone needs neither (matrix.test.mjs).
  { name: "Deno", command: bin("node_modules/.bin/deno"), args: ["run", "--node-modules-dir=manual", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "--allow-sys"] },
  { name: "Bun", command: bin("node_modules/.bin/bun"), args: [] },
];

const idOf = (...parts) => `matrix-${parts.join("-").toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`;

for (const runtime of CLI_RUNTIMES) {
  for (const name of INTEGRATIONS) {
    const skip = existsSync(runtime.command) ? SUPPORT[runtime.name]?.[name] ?? false : `${runtime.command} is not installed`;
    test(`${name} on ${runtime.name}`, { skip }, (t) => timed(t, async () => {
      const receiver = await matrixReceiver();
      t.after(() => receiver.close());
      const sessionId = idOf(runtime.name, name);
      const env = { ...process.env, DENO_DIR: join(dir, "deno-cache"), DENO_NO_UPDATE_CHECK: "1" };
      for (const k of Object.keys(env)) if (k.startsWith("AGENTLENS_")) delete env[k];
      const { stdout } = await promisify(execFile)(runtime.command, [...runtime.args, "cli.mjs", receiver.url, sessionId, name], { cwd: project, env });
      checkIntegration(JSON.parse(stdout.trim().split("\n").at(-1)), receiver, sessionId);
    }));
  }
}

// The frameworks' node:* imports stay imports that workerd's nodejs_compat serves, as
// wrangler bundles them; packages' `browser` fields apply (langsmith's file utilities).
const NODE_BUILTINS = ["fs", "path", "child_process", "tty", "util", "os", "crypto", "stream", "events", "process", "timers", "async_hooks", "buffer", "url"];
const WORKERD_ARGS = ["--platform=browser", "--main-fields=browser,module,main", "--external:node:*", ...NODE_BUILTINS.map((m) => `--alias:${m}=node:${m}`)];

for (const name of INTEGRATIONS) {
  const skip = skipBundledWorker || (SUPPORT.workerd?.[name] ?? false);
  test(`${name} in workerd: respond first, two requests in one isolate`, { skip }, (t) => timed(t, async () => {
    const receiver = await matrixReceiver();
    t.after(() => receiver.close());
    const entry = join(project, writeEntry(project, "worker", name));
    const server = await serveBundledWorker(t, { entry, receiverUrl: receiver.url, esbuildArgs: WORKERD_ARGS, compatibilityFlags: ["nodejs_compat"] });
    for (const sessionId of [idOf("workerd", name, "1"), idOf("workerd", name, "2")]) {
      const res = await fetch(`http://127.0.0.1:${server.port}/?session=${sessionId}`, { signal: AbortSignal.timeout(120_000) }); // a hang guard only
      const text = await res.text();
      assert.equal(res.status, 200, `${text}\n${server.output()}`);
      releaseAfterAnswer(receiver, sessionId);
      checkIntegration(await postedResult(receiver, sessionId, server.output), receiver, sessionId);
    }
  }));
}

for (const name of INTEGRATIONS) {
  const skip = skipEdgeRuntime || (SUPPORT.edge?.[name] ?? false);
  test(`${name} in Vercel's edge runtime: respond first`, { skip }, (t) => timed(t, async () => {
    const receiver = await matrixReceiver();
    t.after(() => receiver.close());
    const sessionId = idOf("edge", name);
    await runEdgeRuntime(join(project, writeEntry(project, "edge", name)), receiver.url, [sessionId], (id) => releaseAfterAnswer(receiver, id));
    checkIntegration(await postedResult(receiver, sessionId), receiver, sessionId);
  }));
}

test("the integrations in headless Chromium (an esbuild bundle, the guide's line)", { skip: skipChromium }, async (t) => {
  const line = readFileSync(join(repoRoot, "docs/bundlers.md"), "utf8").split("\n").find((l) => l.startsWith("npx esbuild "));
  const flags = line.trim().split(/\s+/).slice(3).filter((a) => !a.startsWith("--outdir="));
  const browser = await launchChromium();
  t.after(() => browser.close());
  for (const name of INTEGRATIONS) {
    await t.test(name, { skip: SUPPORT.chromium?.[name] ?? false }, (t) => timed(t, async () => {
      const entry = writeEntry(project, "page", name);
      const outdir = join(project, `esbuild-${name}`);
      mkdirSync(outdir);
      await promisify(execFile)(bin("node_modules/.bin/esbuild"), [entry, ...flags, `--outdir=${outdir}`, "--log-level=error"], { cwd: project });
      writeFileSync(join(outdir, "index.html"), `<!doctype html>\n<meta charset="utf-8">\n<script type="module" src="./${entry.replace(/\.mjs$/, ".js")}"></script>\n`);
      const receiver = await matrixReceiver({ staticDir: outdir });
      t.after(() => receiver.close());
      const { page, problems } = await openApp(browser, `${receiver.url}/`);
      assert.deepEqual(problems, []);
      const sessionId = idOf("chromium", name);
      checkIntegration(await page.evaluate((id) => window.agentlensRun(id), sessionId), receiver, sessionId);
      await page.close();
    }));
  }
});
