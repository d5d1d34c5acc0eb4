// The published types as a TypeScript user compiles them: a project with the installed
// tarballs of @agentlens/sdk and @agentlens/cli, `tsc --strict` with skipLibCheck false, for
// each moduleResolution (bundler, nodenext, and the legacy node10 of `"module": "commonjs"`)
// and each target and lib (es2022, es2023, esnext). A web project has `dom` and no
// @types/node (browsers, bundlers, edge runtimes bring their web globals the same way); a
// Node project has @types/node. The user program reads the fields of every analysis report
// with declared types, so a report typed loosely (`Record<string, unknown>`, `any`) fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fixDts } from "../../../../scripts/fix-wasm-dts.mjs";
import { cliDir, linkFrameworks, packAndInstallAll, pkgDir, repoRoot } from "./packed.mjs";
import { REPORTS, TRACKER_REPORTS } from "./types-program.mjs";
import { looseTypes } from "./loose-types.mjs";

const { dir: tmp, project } = packAndInstallAll([pkgDir, cliDir]);
const installed = join(project, "node_modules/@agentlens/sdk");
const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
// @types/node where only the Node projects look (typeRoots), so that a web project fails
// if a published declaration needs Node's types.
const nodeTypes = join(tmp, "node-types");
mkdirSync(nodeTypes);
symlinkSync(join(repoRoot, "node_modules/@types/node"), join(nodeTypes, "node"));

// Uses each entry point as a user would; the @ts-expect-error lines fail if a type is `any`.
const USE = `import { init, compositeExporter, createHttpExporter, type Tracker, type TrackerStats } from "@agentlens/sdk";
import { sessionCost, createSessionSet, type ComplianceResult } from "@agentlens/sdk/analysis";
import { loadWasm, createPipeline } from "@agentlens/sdk/slim";
import { browserPlatform } from "@agentlens/sdk/browser";
import { edgePlatform } from "@agentlens/sdk/edge";
import { nodePlatform, createNdjsonFileExporter } from "@agentlens/sdk/node";
import { checkCompliance } from "@agentlens/sdk/analysis/browser";

const exporters = compositeExporter([createHttpExporter({ endpoint: "http://127.0.0.1:3000", apiKey: "key" })]);
const tracker: Tracker = init({ exporters });
const id: string = tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 1, tokensOut: 2 });
const stats: Promise<TrackerStats> = tracker.shutdown(1000);
const compliance: Promise<ComplianceResult> = tracker.compliance("strict");
// @ts-expect-error: apiKey is a string
init({ apiKey: 42 });
// @ts-expect-error: loadWasm needs the wasm (bytes, a URL, a Response or a module)
void loadWasm();
const bytes: Parameters<typeof loadWasm>[0] = new Uint8Array(8);
export { bytes, id, stats, compliance, sessionCost, createSessionSet, createPipeline, browserPlatform, edgePlatform, nodePlatform, createNdjsonFileExporter, checkCompliance };
`;
const NODE_ONLY = `import { startCollector, type CollectorOptions } from "@agentlens/cli/collector";
export { startCollector, type CollectorOptions };
`;

const MODULE = { bundler: "esnext", nodenext: "nodenext", node10: "commonjs" };

async function check(name, { resolution, lib, types, typeRoots, source }) {
  const dir = join(project, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "use.ts"), source);
  const compilerOptions = {
    strict: true, skipLibCheck: false, noEmit: true, target: lib[0], lib, types, ...(typeRoots ? { typeRoots } : {}),
    module: MODULE[resolution], moduleResolution: resolution, verbatimModuleSyntax: false,
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["use.ts"] }, null, 2));
  try {
    await promisify(execFile)(process.execPath, [tsc, "-p", dir], { cwd: dir });
    return "";
  } catch (err) {
    return `${name} (${JSON.stringify({ resolution, lib, types })}):\n${err.stdout}${err.stderr}`;
  }
}

/** Runs the checks two at a time (tsc is CPU-bound); returns every failure's output. */
async function checkAll(cases) {
  const failures = [];
  const queue = [...cases];
  await Promise.all([0, 1].map(async () => {
    for (let c = queue.shift(); c; c = queue.shift()) failures.push(await check(...c));
  }));
  return failures.filter(Boolean);
}

test("the shipped wasm declarations went through scripts/fix-wasm-dts.mjs (scripts/build-wasm.sh runs it)", () => {
  for (const sub of ["wasm", "wasm-analysis", "wasm-live", "wasm-patterns"]) {
    for (const name of readdirSync(join(installed, sub)).filter((n) => n.endsWith(".d.ts"))) {
      const text = readFileSync(join(installed, sub, name), "utf8");
      assert.equal(fixDts(text), text, `${sub}/${name} is not fixed: run node scripts/fix-wasm-dts.mjs bindings/sdk/wasm bindings/sdk/wasm-analysis bindings/sdk/wasm-live bindings/sdk/wasm-patterns`);
      const declarations = text.split("\n").filter((l) => !/^\s*(\/\*|\*|\/\/)/.test(l)).join("\n");
      assert.doesNotMatch(declarations, /Symbol\.dispose|\bWebAssembly\.|\bBufferSource\b|\bRequestInfo\b/, `${sub}/${name}`);
    }
  }
});

test("the legacy fields point node10 at the same declarations as the exports map's node condition", () => {
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  const nodeTypes = (target) => target.node?.types ?? target.types ?? target.default.types;
  assert.equal(pkg.types, nodeTypes(pkg.exports["."]));
  assert.equal(pkg.main, pkg.exports["."].node.default);
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === "." || typeof target === "string") continue;
    assert.deepEqual(pkg.typesVersions["*"][subpath.slice(2)], [nodeTypes(target)], subpath);
  }
});

test("fix-wasm-dts refuses generated text it does not know", () => {
  assert.throws(() => fixDts("export type X = WebAssembly.Exception;\n"), /unexpected wasm-bindgen output/);
});

for (const resolution of ["bundler", "nodenext", "node10"]) {
  test(`the types check with tsc --strict, moduleResolution ${resolution}, target and lib es2022, es2023 and esnext`, async () => {
    const cases = [];
    for (const es of ["es2022", "es2023", "esnext"]) {
      cases.push([`web-${resolution}-${es}`, { resolution, lib: [es, "dom"], types: [], source: USE + REPORTS }]);
      cases.push([`node-${resolution}-${es}`, { resolution, lib: [es], types: ["node"], typeRoots: [nodeTypes], source: USE + REPORTS + NODE_ONLY }]);
    }
    const failures = await checkAll(cases);
    assert.equal(failures.length, 0, failures.join("\n"));
  });
}

test("the tracker's analysis methods return the typed reports (tsc --strict, bundler and nodenext, esnext)", async () => {
  const cases = ["bundler", "nodenext"].map((resolution) => [`tracker-${resolution}`, { resolution, lib: ["esnext", "dom"], types: [], source: TRACKER_REPORTS }]);
  const failures = await checkAll(cases);
  assert.equal(failures.length, 0, failures.join("\n"));
});

/** The ```ts blocks after `@example` in the TSDoc comments of `dir`'s files. */
function tsExamples(dir) {
  const out = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts")).sort()) {
    const text = readFileSync(join(dir, name), "utf8");
    for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
      const body = comment.split("\n").map((l) => l.replace(/^\s*\/?\*+\/? ?/, "")).join("\n");
      for (const m of body.matchAll(/@example[^\n]*\n```ts\n([\s\S]*?)```/g)) out.push({ name: `${name.replace(/\.ts$/, "")}-${out.length}`, code: m[1] });
    }
  }
  return out;
}

test("the analysis functions' @example blocks and the README's TypeScript samples type-check with tsc --strict against the installed package", async () => {
  const examples = tsExamples(join(repoRoot, "bindings/sdk/src/analysis"));
  assert.ok(examples.length >= 15, `only ${examples.length} examples found`);
  // And the README's TypeScript samples, as installed.
  const readmeTs = [...readFileSync(join(installed, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({ name: `readme-${i}`, code: m[1] }));
  assert.ok(readmeTs.length >= 1, "the README has a TypeScript sample");
  examples.push(...readmeTs);
  const dir = join(project, "examples");
  mkdirSync(dir, { recursive: true });
  for (const e of examples) writeFileSync(join(dir, `${e.name}.ts`), `${e.code}\nexport {};\n`);
  const compilerOptions = { strict: true, skipLibCheck: false, noEmit: true, target: "es2022", lib: ["es2022", "dom"], types: [], module: "esnext", moduleResolution: "bundler" };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }, null, 2));
  const failure = await promisify(execFile)(process.execPath, [tsc, "-p", dir], { cwd: dir }).then(() => "", (err) => `${err.stdout}${err.stderr}`);
  assert.equal(failure, "");
});

test("@agentlens/sdk/analysis has no any and no Record<string, unknown> in its public API", (t) => {
  assert.deepEqual(looseTypes(project, "@agentlens/sdk/analysis"), []);
  // The walker finds them when they are there.
  mkdirSync(join(project, "loose-control"), { recursive: true });
  writeFileSync(join(project, "loose-control/index.d.ts"), "export declare function f(x: number): { a: Record<string, unknown>[] };\nexport declare const g: { h(): Promise<any> };\n");
  assert.deepEqual(looseTypes(project, "./loose-control/index.js"), [["f().a[]", "Record<string, unknown>"], ["g.h()<>", "any"]]);
  // The root entry's, said (the tracker's own API is not this test's).
  for (const [path, what] of looseTypes(project, "@agentlens/sdk")) t.diagnostic(`@agentlens/sdk: ${path}: ${what}`);
});

test("both READMEs' JavaScript samples type-check (checkJs, strict) against the installed packages", async () => {
  const samples = (readme) => [...readFileSync(readme, "utf8").matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const sdkBlocks = samples(join(installed, "README.md"));
  const cliBlocks = samples(join(project, "node_modules/@agentlens/cli/README.md"));
  assert.ok(sdkBlocks.length >= 4 && cliBlocks.length >= 2, `only ${sdkBlocks.length} + ${cliBlocks.length} js samples`);
  // The integrations' samples import their framework: they compile as a project using that
  // framework does (its declarations need lib "dom" and are not ours to check); the rest
  // with lib es2022 alone and every library checked.
  const usesFramework = (code) => /from "@agentlens\/sdk\/(openai-agents|ai-sdk|otel|langchain)"/.test(code);
  const blocks = [...sdkBlocks, ...cliBlocks].filter((code) => !usesFramework(code));
  const integrationBlocks = sdkBlocks.filter(usesFramework);
  assert.equal(integrationBlocks.length, 4, "a sample per framework integration");
  linkFrameworks(project);
  const check = async (name, codes, extra) => {
    const dir = join(project, name);
    mkdirSync(dir, { recursive: true });
    codes.forEach((code, i) => writeFileSync(join(dir, `sample-${i}.mjs`), `${code}\nexport {};\n`));
    const compilerOptions = {
      strict: true, allowJs: true, checkJs: true, skipLibCheck: false, noEmit: true, target: "es2022", lib: ["es2022"],
      types: ["node"], typeRoots: [nodeTypes], module: "nodenext", moduleResolution: "nodenext", ...extra,
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.mjs"] }, null, 2));
    return promisify(execFile)(process.execPath, [tsc, "-p", dir], { cwd: dir }).then(() => "", (err) => `${err.stdout}${err.stderr}`);
  };
  assert.equal(await check("readme-js", blocks, {}), "");
  assert.equal(await check("readme-integrations", integrationBlocks, { lib: ["es2022", "dom"], skipLibCheck: true }), "");
});
