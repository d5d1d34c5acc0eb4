// What the registry shows and what a user installs of @agentlens/sdk: the tarball carries a
// README for users (whose code samples run as written) and both license texts, holds no
// collector, CLI or viewer, and the package's stated Node versions agree with each other, with
// the READMEs and with the Node the tests run on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { join } from "node:path";
import { cliDir, packAndInstall, pkgDir, repoRoot } from "./packed.mjs";
import { startReceiver } from "../support/receiver.mjs";

const { project, report } = packAndInstall();
const installed = join(project, "node_modules/@agentlens/sdk");
const files = report.files.map((f) => f.path);
const readme = () => readFileSync(join(installed, "README.md"), "utf8");
const run = promisify(execFile);
/** The README's fenced block (```js) after the heading that starts with `heading`. */
const block = (heading) => new RegExp(`## ${heading}[^\\n]*\\n[\\s\\S]*?\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(readme())?.[1];

test("the tarball ships a README written for users of the package", () => {
  assert.ok(files.includes("README.md"), `README.md is not packed: ${files.filter((f) => !f.includes("/")).join(", ")}`);
  const text = readme();
  for (const needed of [
    "npm i @agentlens/sdk", // install
    'import { init } from "@agentlens/sdk"', // the one-line init
    "createHttpExporter", "createNdjsonFileExporter", "compositeExporter", // exporters
    'from "@agentlens/sdk/analysis"', // the analysis subpath
    "npx @agentlens/cli serve", // the collector and CLI, a package of their own
    "Deno", "Bun", "Cloudflare Workers", "esbuild", "Vite", // runtimes and bundlers
    "docs/bundlers.md", // the guide in the repository
    "MIT OR Apache-2.0",
  ]) {
    assert.ok(text.includes(needed), `the README does not mention ${needed}`);
  }
  // Nothing for contributors: no paths into the repository's sources or build scripts.
  assert.doesNotMatch(text, /bindings\/js|scripts\/|cargo /);
  // The package's name, never the unscoped `agentlens` that belongs to someone else on npm.
  assert.doesNotMatch(text, /npm (i|install) agentlens\b|from "agentlens[/"]|npx agentlens /);
});

test("the README's quick start runs as written in a fresh project", async (t) => {
  const quickStart = block("Quick start");
  assert.ok(quickStart, "the README has a Quick start with a js block");
  writeFileSync(join(project, "quick-start.mjs"), quickStart);
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { stdout } = await run(process.execPath, ["quick-start.mjs"], {
    cwd: project, env: { ...process.env, AGENTLENS_ENDPOINT: receiver.url, AGENTLENS_API_KEY: "readme-key" },
  });
  assert.match(stdout, /research-agent/, "explain() printed the session");
  const types = receiver.events().map((e) => e.event_type);
  assert.deepEqual(types, ["session_start", "llm_call", "session_end"]);
  assert.ok(receiver.requests.every((r) => r.headers["x-api-key"] === "readme-key"));
});

test("the README's runs-and-tools and analysis samples run as written", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const env = { ...process.env, AGENTLENS_ENDPOINT: receiver.url };
  writeFileSync(join(project, "runs.mjs"), `${block("Runs, tools and decisions")}\nawait search("q");\n`);
  await run(process.execPath, ["runs.mjs"], { cwd: project, env });
  // The analysis sample reads traces/agent.ndjson: the repository's NDJSON fixture trace.
  mkdirSync(join(project, "traces"), { recursive: true });
  copyFileSync(join(repoRoot, "tests/fixtures/import/agentlens_trace.ndjson"), join(project, "traces/agent.ndjson"));
  const analysisSample = block("Analysis");
  assert.match(analysisSample, /from "@agentlens\/sdk\/analysis"/);
  writeFileSync(join(project, "analysis.mjs"), analysisSample);
  const { stdout } = await run(process.execPath, ["analysis.mjs"], { cwd: project, env });
  const [total, compliant, results] = stdout.trim().split(" ");
  assert.ok(Number(total) >= 0 && ["true", "false"].includes(compliant) && Number(results) > 0, stdout);
});

test("CommonJS code can require the package, as the README says", async () => {
  writeFileSync(join(project, "require.cjs"), 'const a = require("@agentlens/sdk"); console.log(typeof a.init, typeof require("@agentlens/sdk/analysis").sessionCost);');
  const { stdout } = await run(process.execPath, ["--no-warnings", "require.cjs"], { cwd: project });
  assert.equal(stdout.trim(), "function function");
});

test("the tarball ships both license texts, the same as the repository's", () => {
  for (const name of ["LICENSE-MIT", "LICENSE-APACHE"]) {
    assert.ok(files.includes(name), `${name} is not packed`);
    assert.equal(readFileSync(join(installed, name), "utf8"), readFileSync(join(repoRoot, name), "utf8"), `${name} differs from the repository's`);
  }
  assert.match(readFileSync(join(installed, "LICENSE-MIT"), "utf8"), /Permission is hereby granted, free of charge/);
  assert.match(readFileSync(join(installed, "LICENSE-APACHE"), "utf8"), /Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
  assert.equal(JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).license, "MIT OR Apache-2.0");
});

test("engines, the READMEs and the Node running this test agree on the Node versions", () => {
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  assert.equal(pkg.engines?.node, ">=20", "the SDK and analysis run on Node 20 (the project's SDK tests run there)");
  const major = Number(process.versions.node.split(".")[0]);
  assert.ok(major >= 20, `this test runs on Node ${process.versions.node}, below the engines' 20`);
  assert.match(readFileSync(join(repoRoot, "README.md"), "utf8"), /Node ≥ 20/);
  const text = readme();
  assert.match(text, /Node\.js 20 or newer/);
  // The collector is @agentlens/cli's: the README names the version that package's engines state.
  const cliEngines = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8")).engines.node;
  assert.ok(text.includes(`Node.js ${cliEngines.replace(">=", "")}`), `the README does not say the collector needs Node.js ${cliEngines}`);
});

test("the SDK tarball holds no collector, CLI or viewer", () => {
  assert.deepEqual(files.filter((f) => /^(dist\/(collector|cli)\/|viewer\/)/.test(f)), []);
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  assert.equal(pkg.bin, undefined, "no command");
  assert.deepEqual(Object.keys(pkg.exports).filter((k) => /collector|cli|viewer/.test(k)), []);
  assert.equal(pkg.dependencies, undefined, "no dependencies");
  const js = files.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(installed, f), "utf8"));
  assert.ok(js.length > 20);
  assert.equal(js.filter((text) => /node:sqlite|node:http"|createServer\(/.test(text)).length, 0, "no server code");
});

test("the tarball holds no sources, tests, source maps or tarballs and stays under 2 MB", () => {
  assert.deepEqual(files.filter((f) => /^(src|test)\//.test(f) || f.endsWith(".map") || f.endsWith(".tgz")), []);
  assert.ok(report.size < 2_000_000, `the tarball is ${report.size} bytes`);
});
