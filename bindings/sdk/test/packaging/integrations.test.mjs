// The framework integrations as a user gets them: the packed tarball installed into an empty
// project, each framework beside it (linked from this repository's node_modules: tests make
// no registry traffic), and each example of examples/ copied into the project and run there
// as written — so every `@agentlens/sdk/<framework>` subpath, its types and the
// integrations' own wasm (wasm-live/) load from the tarball, not from the repository.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { linkFrameworks, packAndInstall, repoRoot } from "./packed.mjs";

const NODE24 = join(repoRoot, "node_modules/node/bin/node");
const run = promisify(execFile);

/** The examples' environment: output into `out`, no collector (so nothing leaves the machine). */
function exampleEnv(out) {
  const env = { ...process.env, AGENTLENS_EXAMPLE_OUT: out, AGENTLENS_LOG_LEVEL: "error" };
  delete env.AGENTLENS_ENDPOINT;
  return env;
}
const { project, report } = packAndInstall();
const files = report.files.map((f) => f.path);

linkFrameworks(project);

test("the tarball ships the integrations, their types and their wasm", () => {
  for (const name of ["openai-agents", "ai-sdk", "otel", "langchain"]) {
    for (const ext of ["js", "d.ts"]) assert.ok(files.includes(`dist/integrations/${name}.${ext}`), `dist/integrations/${name}.${ext} is not packed`);
  }
  for (const f of ["wasm-live/agentlens_wasm_bg.wasm", "wasm-live/agentlens_wasm.js", "dist/entrypoints/live-node.js", "dist/entrypoints/live-edge.js", "dist/entrypoints/live-browser.js"]) {
    assert.ok(files.includes(f), `${f} is not packed`);
  }
  const pkg = JSON.parse(readFileSync(join(project, "node_modules/@agentlens/sdk/package.json"), "utf8"));
  // Optional peers: installing the SDK never pulls a framework in.
  for (const peer of Object.keys(pkg.peerDependencies ?? {})) assert.equal(pkg.peerDependenciesMeta?.[peer]?.optional, true, peer);
});

for (const name of ["openai-agents", "ai-sdk", "otel", "langchain"]) {
  test(`examples/${name}.mjs runs as written in a fresh project against the tarball`, async () => {
    copyFileSync(join(repoRoot, "examples", `${name}.mjs`), join(project, `${name}.mjs`));
    const out = join(project, "out", name) + "/";
    mkdirSync(out, { recursive: true });
    const { stdout } = await run(NODE24, [`${name}.mjs`], {
      cwd: project,
      env: exampleEnv(out),
      timeout: 120_000,
    });
    const trace = /^Trace: (.+?) \((\d+) events?\)$/m.exec(stdout);
    assert.ok(trace, `no Trace line:\n${stdout}`);
    assert.ok(trace[1].startsWith(out) && existsSync(trace[1]), `${trace[1]} is not in ${out}`);
    assert.ok(Number(trace[2]) > 5, stdout);
    assert.match(stdout, /^Viewer: http:\/\/127\.0\.0\.1:3000\/\?session=\S+$/m);
    // The package that ran is the tarball's: its integration module resolves inside the project.
    const { stdout: resolved } = await run(NODE24, ["--input-type=module", "-e", `console.log(import.meta.resolve("@agentlens/sdk/${name}"))`], { cwd: project });
    assert.ok(resolved.trim().startsWith(`file://${join(project, "node_modules/@agentlens/sdk/dist/integrations/")}`), resolved);
  });
}
