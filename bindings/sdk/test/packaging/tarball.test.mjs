// What the registry shows and what a user installs: the tarball carries a README for users
// and both license texts, and the package's stated Node versions agree with each other,
// with the README and with what the CLI checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { packAndInstall, pkgDir, repoRoot } from "./packed.mjs";
import { startReceiver } from "../support/receiver.mjs";

const { project, report } = packAndInstall();
const installed = join(project, "node_modules/agentlens");
const files = report.files.map((f) => f.path);
const readme = () => readFileSync(join(installed, "README.md"), "utf8");

test("the tarball ships a README written for users of the package", () => {
  assert.ok(files.includes("README.md"), `README.md is not packed: ${files.filter((f) => !f.includes("/")).join(", ")}`);
  const text = readme();
  for (const needed of [
    "npm install @agentlens/sdk", // install
    'import { init } from "@agentlens/sdk"', // the one-line init
    "createHttpExporter", "createNdjsonFileExporter", "compositeExporter", // exporters
    'from "@agentlens/sdk/analysis"', // the analysis subpath
    "npx agentlens serve", // the collector and CLI
    "Deno", "Bun", "Cloudflare Workers", "esbuild", "Vite", // runtimes and bundlers
    "docs/bundlers.md", // the guide in the repository
    "MIT OR Apache-2.0",
  ]) {
    assert.ok(text.includes(needed), `the README does not mention ${needed}`);
  }
  // Nothing for contributors: no paths into the repository's sources or build scripts.
  assert.doesNotMatch(text, /bindings\/js|scripts\/|cargo /);
});

test("the README's quick start runs as written in a fresh project", async (t) => {
  const quickStart = /## Quick start\s+```js\n([\s\S]*?)```/.exec(readme())?.[1];
  assert.ok(quickStart, "the README has a Quick start with a js block");
  writeFileSync(join(project, "quick-start.mjs"), quickStart);
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { stdout } = await promisify(execFile)(process.execPath, ["quick-start.mjs"], {
    cwd: project, env: { ...process.env, AGENTLENS_ENDPOINT: receiver.url, AGENTLENS_API_KEY: "readme-key" },
  });
  assert.match(stdout, /research-agent/, "explain() printed the session");
  const types = receiver.events().map((e) => e.event_type);
  assert.deepEqual(types, ["session_start", "llm_call", "session_end"]);
  assert.ok(receiver.requests.every((r) => r.headers["x-api-key"] === "readme-key"));
});

test("CommonJS code can require the package, as the README says", async () => {
  writeFileSync(join(project, "require.cjs"), 'const a = require("@agentlens/sdk"); console.log(typeof a.init, typeof require("@agentlens/sdk/analysis").sessionCost);');
  const { stdout } = await promisify(execFile)(process.execPath, ["--no-warnings", "require.cjs"], { cwd: project });
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

test("engines, the READMEs and the CLI agree on the Node versions", async () => {
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  assert.equal(pkg.engines?.node, ">=20", "the SDK and analysis run on Node 20 (the project's tests run there)");
  assert.match(readFileSync(join(repoRoot, "README.md"), "utf8"), /Node ≥ 20/);
  const text = readme();
  assert.match(text, /Node\.js 20 or newer/);
  // The store commands of the CLI need node:sqlite; the README names the same version the CLI checks.
  const { MIN_NODE } = await import(pathToFileURL(join(installed, "dist/cli/help.js")).href);
  assert.ok(text.includes(`Node.js ${MIN_NODE.replace(/\.0$/, "")}`), `the README does not say the collector needs Node.js ${MIN_NODE}`);
});

test("the tarball holds no sources, tests, source maps or tarballs and stays under 2 MB", () => {
  assert.deepEqual(files.filter((f) => /^(src|test)\//.test(f) || f.endsWith(".map") || f.endsWith(".tgz")), []);
  assert.ok(report.size < 2_000_000, `the tarball is ${report.size} bytes`);
});
