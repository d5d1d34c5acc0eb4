// The package as consumers see it: every export target exists, each runtime's condition
// resolves to its entry point, `@agentlens/sdk/slim` loads wasm it is handed, and `npm pack`
// ships dist and wasm without sources or tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const pkgDir = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));

function targets(node) {
  return typeof node === "string" ? [node] : Object.values(node).flatMap(targets);
}

test("every target of the exports map exists", () => {
  const all = targets(pkg.exports);
  assert.ok(all.length > 10);
  for (const target of all) assert.ok(existsSync(join(pkgDir, target)), `${target} is missing (build first)`);
});

test("each runtime's condition resolves to its entry point", () => {
  const resolveWith = (conditions, specifier) =>
    execFileSync(
      process.execPath,
      [...conditions.flatMap((c) => ["--conditions", c]), "--input-type=module", "-e", `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`],
      { cwd: pkgDir, encoding: "utf8" },
    ).trim();
  const entry = (name) => new URL(`dist/entrypoints/${name}.js`, `file://${pkgDir}`).href;
  assert.equal(resolveWith([], "@agentlens/sdk"), entry("node"));
  assert.equal(resolveWith(["workerd"], "@agentlens/sdk"), entry("edge"));
  assert.equal(resolveWith(["edge-light"], "@agentlens/sdk"), entry("edge"));
  assert.equal(resolveWith(["deno"], "@agentlens/sdk"), entry("node"));
  for (const name of ["node", "browser", "edge", "slim"]) assert.equal(resolveWith([], `@agentlens/sdk/${name}`), entry(name));
  assert.equal(resolveWith([], "@agentlens/sdk/internal"), new URL("dist/internal/index.js", `file://${pkgDir}`).href);
  assert.equal(resolveWith([], "@agentlens/sdk/analysis"), entry("analysis-node"));
  assert.equal(resolveWith(["workerd"], "@agentlens/sdk/analysis"), entry("analysis-edge"));
  assert.equal(resolveWith(["edge-light"], "@agentlens/sdk/analysis"), entry("analysis-edge"));
  for (const name of ["node", "browser", "edge"]) {
    assert.equal(resolveWith([], `@agentlens/sdk/analysis/${name}`), entry(`analysis-${name}`));
  }
});

test("every entry point declares its types next to it", () => {
  for (const [subpath, node] of Object.entries(pkg.exports)) {
    if (typeof node === "string") continue;
    // A subpath is either one {types, default} pair or a map of runtime conditions to pairs.
    const conditions = "types" in node ? [node] : Object.values(node);
    for (const c of conditions) {
      assert.equal(Object.keys(c)[0], "types", `${subpath}: "types" must come first`);
      assert.equal(c.types.replace(/\.d\.ts$/, ".js"), c.default);
    }
  }
});

test("@agentlens/sdk/slim loads the wasm it is handed and installs a platform", async () => {
  const slim = await import("@agentlens/sdk/slim");
  assert.throws(() => slim.buildInfo(), (e) => e.name === "AgentLensNotLoadedError");
  await slim.loadWasm(readFileSync(join(pkgDir, "wasm/agentlens_wasm_bg.wasm")));
  assert.match(slim.buildInfo().version, /^\d+\.\d+\.\d+/);
  assert.equal(slim.platform().name, "edge", "no document: the platform without background timers");
  const p = slim.createPipeline({}, new Uint8Array(32));
  assert.equal(p.pushJson(0, JSON.stringify([{ event_type: "generic", session_id: "s" }])), 1);
  assert.equal(p.stats().tracked, 1);
  p.free();
});

test("@agentlens/sdk/slim: redactPatterns are refused, naming loadPatternsWasm, until it loads the regex engine it is handed", () => {
  const code = `
    import { readFileSync } from "node:fs";
    const slim = await import("@agentlens/sdk/slim");
    await slim.loadWasm(readFileSync(${JSON.stringify(join(pkgDir, "wasm/agentlens_wasm_bg.wasm"))}));
    const options = { exporters: [], logLevel: "silent", redactPatterns: [{ name: "ticket", regex: "TICKET-[0-9]{6}" }] };
    let refused = "";
    try { slim.init(options); } catch (e) { refused = e.name + ": " + e.message; }
    await slim.loadPatternsWasm(readFileSync(new URL(import.meta.resolve("@agentlens/sdk/wasm-patterns"))));
    slim.init(options);
    console.log(JSON.stringify({ refused, redacted: slim.createRedactor({ redactPatterns: options.redactPatterns })("ref TICKET-123456 é") }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: pkgDir, encoding: "utf8" }).trim().split("\n").pop());
  assert.match(out.refused, /^AgentLensConfigError: .*redactPatterns.*loadPatternsWasm/);
  assert.equal(out.redacted, "ref [REDACTED] é");
});

test("no entry point hands out a raw wasm object or module", async () => {
  const analysis = await import("@agentlens/sdk/analysis");
  const sdk = await import("@agentlens/sdk");
  for (const [name, mod] of [["@agentlens/sdk/analysis", analysis], ["@agentlens/sdk", sdk]]) {
    for (const forbidden of ["analysisWasm", "useAnalysisWasm", "wasm", "PipelineWasm", "AlertEngineWasm", "SessionSetWasm"]) {
      assert.equal(mod[forbidden], undefined, `${name} exports ${forbidden}`);
    }
  }
  // A pipeline is a plain object of functions, not the wasm class (no pointer, no prototype).
  const p = sdk.createPipeline({}, new Uint8Array(32));
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.equal("__wbg_ptr" in p, false);
  p.free();
  const engine = analysis.createAlertEngine({ rules: [] });
  assert.equal("__wbg_ptr" in engine, false);
  engine.free();
});

test("npm pack ships dist and wasm, and no sources or tests", () => {
  const [report] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: pkgDir, encoding: "utf8" }));
  const files = report.files.map((f) => f.path);
  for (const needed of ["package.json", "wasm/agentlens_wasm_bg.wasm", "wasm/agentlens_wasm.js", "dist/entrypoints/node.js",
    "dist/entrypoints/browser.js", "dist/entrypoints/edge.js", "dist/entrypoints/slim.js", "dist/entrypoints/analysis-node.js", "dist/internal/index.js", "dist/integrations/openai-agents.js"]) {
    assert.ok(files.includes(needed), `${needed} is not packed`);
  }
  assert.deepEqual(files.filter((f) => f.startsWith("src/") || f.startsWith("test/")), []);
});
