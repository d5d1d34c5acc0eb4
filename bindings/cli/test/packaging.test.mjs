// @agentlens/cli as a user installs it (run with Node 24: node_modules/node/bin/node --test):
// both packages `npm pack`ed and their tarballs installed into a fresh project, offline. The
// `agentlens` command runs from node_modules/.bin; `serve` answers /health and serves the
// viewer and the analysis wasm, whose bytes are the SDK's (the wasm ships once, in
// @agentlens/sdk); the SDK tarball holds no collector, CLI or viewer; `engines` tell the
// truth (the SDK runs on Node 20, the CLI's store commands refuse Node 20 and run on 24);
// each package has its README and both license texts. The tarball sizes are printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { cliDir, packAndInstallAll, pkgDir, repoRoot } from "../../sdk/test/packaging/packed.mjs";

const run = promisify(execFile);
const { project, reports } = packAndInstallAll([pkgDir, cliDir]);
const [sdkReport, cliReport] = reports;
const sdkInstalled = join(project, "node_modules/@agentlens/sdk");
const cliInstalled = join(project, "node_modules/@agentlens/cli");
const bin = join(project, "node_modules/.bin/agentlens");
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const pkgJson = (dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
/** The Node on PATH: the project's SDK tests run there (Node 20). */
const NODE_20 = "node";

/** Starts `agentlens serve --port 0` on a temporary database; resolves with its URL and the child. */
function serve(t) {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-serve-"));
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--db", join(dir, "packaged.db")], {
    cwd: project,
    env: { ...process.env, AGENTLENS_API_KEY: "", AGENTLENS_PORT: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ url, child });
    });
    child.on("exit", (code) => reject(new Error(`serve exited (${code}) before listening:\n${out}\n${err}`)));
  });
}

test("the tarball sizes (packed, unpacked, files)", (t) => {
  for (const r of reports) t.diagnostic(`${r.name}@${r.version}: ${r.size} B packed, ${r.unpackedSize} B unpacked, ${r.entryCount} files`);
  assert.equal(sdkReport.name, "@agentlens/sdk");
  assert.equal(cliReport.name, "@agentlens/cli");
  assert.ok(sdkReport.size < 2_000_000 && cliReport.size < 1_000_000, `${sdkReport.size} B, ${cliReport.size} B`);
});

test("the agentlens command runs from node_modules/.bin: --version and --help", async () => {
  const version = await run(process.execPath, [bin, "--version"], { cwd: project });
  assert.equal(version.stdout.trim(), `agentlens ${pkgJson(cliInstalled).version}`);
  const help = await run(process.execPath, [bin, "--help"], { cwd: project });
  for (const command of ["serve", "stats", "sessions", "runs", "prune", "vacuum", "backup", "export", "import", "explain", "config"]) {
    assert.match(help.stdout, new RegExp(`^  ${command} `, "m"), `--help lists ${command}`);
  }
});

test("agentlens serve answers /health and serves the viewer and the SDK's analysis wasm", async (t) => {
  const { url, child } = await serve(t);
  const health = await fetch(`${url}/health`);
  assert.equal(health.status, 200);
  const index = await fetch(`${url}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type") ?? "", /text\/html/);
  // The packed viewer's index.html, with the marker the collector adds so the viewer knows where it runs.
  const page = await index.text();
  assert.match(page, /<meta name="agentlens-collector" content="1">/);
  assert.equal(page.replace('<meta name="agentlens-collector" content="1">', ""), readFileSync(join(cliInstalled, "viewer/index.html"), "utf8"));
  const wasm = await fetch(`${url}/agentlens-analysis.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  const served = Buffer.from(await wasm.arrayBuffer());
  assert.equal(sha256(served), sha256(readFileSync(join(sdkInstalled, "wasm-analysis/agentlens_wasm_bg.wasm"))), "the bytes of @agentlens/sdk/wasm-analysis");
  // The viewer's fallback price list is the SDK's own file too (the collector's /pricing/catalog comes first).
  const prices = await fetch(`${url}/genai-prices.json`);
  assert.equal(prices.status, 200);
  assert.equal(sha256(Buffer.from(await prices.arrayBuffer())), sha256(readFileSync(join(sdkInstalled, "prices/genai-prices.json"))));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  child.kill("SIGTERM");
  assert.deepEqual(await exited, { code: 0, signal: null }, "stops cleanly on SIGTERM");
});

test("the analysis wasm appears exactly once across both tarballs; no wasm is shipped twice", () => {
  const wasmFiles = [];
  for (const [report, dir] of [[sdkReport, sdkInstalled], [cliReport, cliInstalled]]) {
    for (const f of report.files.filter((f) => f.path.endsWith(".wasm"))) {
      wasmFiles.push({ where: `${report.name}/${f.path}`, hash: sha256(readFileSync(join(dir, f.path))) });
    }
  }
  const analysis = sha256(readFileSync(join(pkgDir, "wasm-analysis/agentlens_wasm_bg.wasm")));
  assert.deepEqual(wasmFiles.filter((w) => w.hash === analysis).map((w) => w.where), ["@agentlens/sdk/wasm-analysis/agentlens_wasm_bg.wasm"]);
  assert.equal(new Set(wasmFiles.map((w) => w.hash)).size, wasmFiles.length, `a wasm is shipped twice: ${JSON.stringify(wasmFiles)}`);
  assert.deepEqual(cliReport.files.filter((f) => f.path.endsWith(".wasm")).map((f) => f.path), [], "the CLI ships no wasm of its own");
});

test("the SDK tarball holds no collector, CLI or viewer; the CLI depends on the SDK", () => {
  assert.deepEqual(sdkReport.files.map((f) => f.path).filter((p) => /^(dist\/(collector|cli)\/|viewer\/)/.test(p)), []);
  assert.equal(pkgJson(sdkInstalled).bin, undefined);
  const cli = pkgJson(cliInstalled);
  assert.deepEqual(cli.bin, { agentlens: "./dist/cli/main.js" });
  // moduleResolution node10 finds the collector's types through typesVersions.
  assert.deepEqual(cli.typesVersions["*"].collector, [cli.exports["./collector"].types]);
  assert.deepEqual(Object.keys(cli.dependencies), ["@agentlens/sdk"]);
  assert.equal(cli.dependencies["@agentlens/sdk"], pkgJson(sdkInstalled).version);
  for (const needed of ["viewer/index.html", "dist/cli/main.js", "dist/collector/index.js", "dist/collector/index.d.ts"]) {
    assert.ok(cliReport.files.some((f) => f.path === needed), `${needed} is not in the CLI tarball`);
  }
});

test("engines tell the truth: the SDK on Node 20, the CLI's collector needs 22.13", async () => {
  const sdkEngines = pkgJson(sdkInstalled).engines.node;
  const cliEngines = pkgJson(cliInstalled).engines.node;
  assert.equal(sdkEngines, ">=20");
  assert.equal(cliEngines, ">=22.13");
  const node20 = execFileSync(NODE_20, ["--version"], { encoding: "utf8" }).trim();
  assert.match(node20, /^v20\./, `the node on PATH is ${node20}: the SDK's lower bound is tested on Node 20`);
  // The SDK and its analysis engines, installed, on Node 20.
  writeFileSync(join(project, "sdk-on-20.mjs"), `
    import { createRedactor } from "@agentlens/sdk";
    import { sessionCost } from "@agentlens/sdk/analysis";
    const cost = sessionCost([{ event_type: "llm_call", session_id: "s", model: "gpt-4o", tokens_in: 1000, tokens_out: 10 }]);
    console.log(createRedactor({})("mail bob@example.com"), cost.total_cost > 0);
  `);
  const onTwenty = await run(NODE_20, ["sdk-on-20.mjs"], { cwd: project });
  assert.equal(onTwenty.stdout.trim(), "mail [REDACTED] true");
  // The CLI's stated minimum is the one it checks, and on Node 20 serve refuses with exit code 4.
  const { MIN_NODE } = await import(join(cliInstalled, "dist/cli/help.js"));
  assert.equal(`>=${MIN_NODE.replace(/\.0$/, "")}`, cliEngines);
  const refused = await run(NODE_20, [bin, "serve", "--port", "0"], { cwd: project }).then(() => null, (e) => e);
  assert.ok(refused, "serve ran on Node 20");
  assert.equal(refused.code, 4);
  assert.match(refused.stderr, /22\.13/);
  assert.ok(Number(process.versions.node.split(".")[0]) >= 22, `this test runs on Node ${process.versions.node}: run it with node_modules/node/bin/node`);
});

test("each package has its README and both license texts, the repository's, and publishes public", () => {
  for (const [report, dir] of [[sdkReport, sdkInstalled], [cliReport, cliInstalled]]) {
    const files = report.files.map((f) => f.path);
    for (const name of ["README.md", "LICENSE-MIT", "LICENSE-APACHE"]) assert.ok(files.includes(name), `${report.name}: ${name} is not packed`);
    for (const name of ["LICENSE-MIT", "LICENSE-APACHE"]) {
      assert.equal(readFileSync(join(dir, name), "utf8"), readFileSync(join(repoRoot, name), "utf8"), `${report.name}: ${name} differs from the repository's`);
    }
    assert.equal(pkgJson(dir).license, "MIT OR Apache-2.0");
    // A scoped package is published restricted unless it says otherwise.
    assert.equal(pkgJson(dir).publishConfig?.access, "public", `${report.name}: publishConfig.access`);
  }
});

test("the CLI's README tells how to install and run it, and names every command", async () => {
  const text = readFileSync(join(cliInstalled, "README.md"), "utf8");
  for (const needed of ["# @agentlens/cli", "npm i -g @agentlens/cli", "npx @agentlens/cli serve", "Node.js 22.13", '"@agentlens/cli/collector"', "npm i @agentlens/sdk", "MIT OR Apache-2.0"]) {
    assert.ok(text.includes(needed), `the README does not mention ${needed}`);
  }
  const help = (await run(process.execPath, [bin, "--help"], { cwd: project })).stdout;
  const commands = [...help.matchAll(/^  ([a-z]+) {2,}/gm)].map((m) => m[1]);
  assert.ok(commands.length >= 10, help);
  for (const command of commands) assert.match(text, new RegExp(`agentlens ${command}\\b`), `the README does not show agentlens ${command}`);
  assert.doesNotMatch(text, /npm (i|install) agentlens\b|npx agentlens /, "the unscoped name belongs to someone else on npm");
});

test("the CLI README's collector sample runs as written", async () => {
  const text = readFileSync(join(cliInstalled, "README.md"), "utf8");
  const sample = /## From code[^\n]*\n[\s\S]*?```js\n([\s\S]*?)```/.exec(text)?.[1];
  assert.ok(sample, "the README has a From code section with a js block");
  const dir = mkdtempSync(join(project, "collector-sample-"));
  writeFileSync(join(dir, "sample.mjs"), sample);
  const { stdout } = await run(process.execPath, ["sample.mjs"], { cwd: dir });
  assert.match(stdout.trim(), /^http:\/\/127\.0\.0\.1:\d+$/);
});
