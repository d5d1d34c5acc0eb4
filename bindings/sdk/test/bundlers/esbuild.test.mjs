// esbuild, as docs/bundlers.md tells a user to run it: a browser app that imports
// "@agentlens/sdk", bundled from the installed tarball, loaded in headless Chromium, tracking a
// session (and loading the analysis wasm for its cost) against a loopback receiver. esbuild
// does not copy files referenced by `new URL(…, import.meta.url)`, so a plain bundle must
// fail with an error that names the fix, and the guide's line must work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { APP_JS, indexHtml, launchChromium, openApp, packAndInstall, repoRoot, serveApp, skipChromium } from "./support.mjs";

const esbuildBin = join(repoRoot, "node_modules/.bin/esbuild");

/** The guide's esbuild line (the first `npx esbuild …` line of docs/bundlers.md). */
function guideLine() {
  const line = readFileSync(join(repoRoot, "docs/bundlers.md"), "utf8").split("\n").find((l) => l.startsWith("npx esbuild "));
  assert.ok(line, "docs/bundlers.md has an `npx esbuild …` line");
  return line.trim().split(/\s+/).slice(2);
}

function bundle(project, name, args) {
  const outdir = join(project, name);
  mkdirSync(outdir);
  execFileSync(esbuildBin, [...args.map((a) => a.replace(/^--outdir=.*/, `--outdir=${outdir}`)), "--log-level=warning"], { cwd: project, stdio: "pipe" });
  writeFileSync(join(outdir, "index.html"), indexHtml("./app.js"));
  return outdir;
}

test("esbuild browser bundles in headless Chromium", { skip: skipChromium }, async (t) => {
  const { project } = packAndInstall();
  writeFileSync(join(project, "app.js"), APP_JS);
  const browser = await launchChromium();
  t.after(() => browser.close());

  await t.test("with the guide's line the bundle loads both wasm files and sends the session", async () => {
    const args = guideLine();
    const readme = readFileSync(join(repoRoot, "bindings/sdk/README.md"), "utf8");
    assert.ok(readme.includes(`npx esbuild ${args.join(" ")}`), "the package README gives the guide's esbuild line");
    assert.ok(args.some((a) => a.startsWith("--outdir=")), `the guide's line names an --outdir: ${args.join(" ")}`);
    const outdir = bundle(project, "dist-guide", args);
    const emitted = readdirSync(outdir).filter((f) => f.endsWith(".wasm"));
    // The SDK's, the analysis engines', the integrations' and the regex engine's (each
    // loaded only when used).
    assert.equal(emitted.length, 4, `esbuild emitted the SDK's, the analysis, the integrations' and the regex engine's wasm: ${readdirSync(outdir).join(", ")}`);
    const server = await serveApp(outdir);
    t.after(() => server.close());
    const { page, problems, requests } = await openApp(browser, `${server.url}/`);
    assert.deepEqual(problems, []);
    const { cost, stats } = await page.evaluate(() => window.agentlensRun("esbuild-guide"));
    assert.equal(cost.tokens_in, 1000, "the analysis wasm computed the session's cost");
    assert.equal(stats.delivered, 3, JSON.stringify(stats));
    assert.deepEqual(server.events().map((e) => e.event_type), ["session_start", "llm_call", "session_end"]);
    assert.ok(!JSON.stringify(server.events()).includes("4111 1111 1111 1111"), "redacted in the page");
    assert.ok(server.requests.every((r) => r.headers["x-api-key"] === "bundled-key"));
    // The integrations' and the regex engine's wasm are emitted but never fetched by an app
    // that uses no integration and no redactPatterns.
    const unused = ["wasm-live", "wasm-patterns"].map((d) => statSync(join(repoRoot, `bindings/sdk/${d}/agentlens_wasm_bg.wasm`)).size);
    const used = emitted.filter((f) => !unused.includes(statSync(join(outdir, f)).size));
    assert.equal(used.length, 2, "two emitted files are the integrations' and the regex engine's wasm");
    assert.deepEqual(requests.filter((u) => u.endsWith(".wasm")).map((u) => new URL(u).pathname.slice(1)).sort(), used.sort());
    assert.deepEqual(problems, []);
  });

  await t.test("a plain bundle fails with an error that says where it looked and names the fix", async () => {
    const outdir = bundle(project, "dist-plain", ["app.js", "--bundle", "--format=esm", "--outdir=x"]);
    const server = await serveApp(outdir);
    t.after(() => server.close());
    const { problems } = await openApp(browser, `${server.url}/`);
    const error = problems.find((p) => p.startsWith("pageerror:")) ?? "";
    assert.match(error, /AgentLensWasmLoadError|could not load its WebAssembly/, problems.join("\n"));
    assert.ok(error.includes(`${server.url}/wasm/agentlens_wasm_bg.wasm`), `the error names the URL it tried: ${error}`);
    for (const fix of ["--loader:.wasm=file", "--conditions=agentlens-wasm-file,module", "docs/bundlers.md"]) {
      assert.ok(error.includes(fix), `the error names ${fix}: ${error}`);
    }
    assert.deepEqual(server.events(), []);
  });
});
