// The TypeScript option types against the core's own definition: `PipelineOptions` (in
// src/core/config.ts) must declare exactly the options the core validates, each with
// the type the core reads (`pipelineOptions()`, from `agentlens::pipeline::OPTIONS`).
// Read through the TypeScript compiler, so a renamed, missing, extra or retyped option
// fails here rather than at a user's init().
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { pipelineOptions, resolveConfig } from "@agentlens/sdk";

const configTs = fileURLToPath(new URL("../../src/core/config.ts", import.meta.url));

/** `{ name: type }` of an interface's properties, as the compiler prints them (undefined left out). */
function declared(interfaceName) {
  const program = ts.createProgram([configTs], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(configTs);
  let found;
  ts.forEachChild(source, (node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === interfaceName) found = node;
  });
  assert.ok(found, `interface ${interfaceName} in config.ts`);
  const type = checker.getTypeAtLocation(found);
  const out = {};
  for (const prop of checker.getPropertiesOfType(type)) {
    const t = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(prop, found));
    out[prop.name] = checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation);
  }
  return out;
}

/** Types compared without layout: spaces, separators before `}` and `| undefined` on optional fields do not count. */
const normal = (t) => t.replace(/\s+/g, "").replace(/\|undefined/g, "").replace(/;}/g, "}").replace(/,}/g, "}");

/** Every difference between the declaration and the core's list, in words. */
function drift(ts, core) {
  const problems = [];
  for (const { name, type } of core) {
    if (!(name in ts)) problems.push(`${name}: validated by the core, missing from PipelineOptions`);
    else if (normal(ts[name]) !== normal(type)) problems.push(`${name}: PipelineOptions says ${ts[name]}, the core reads ${type}`);
  }
  for (const name of Object.keys(ts)) if (!core.some((o) => o.name === name)) problems.push(`${name}: declared in PipelineOptions, unknown to the core`);
  return problems;
}

test("PipelineOptions declares exactly the core's options, with the core's types", () => {
  const core = pipelineOptions();
  assert.ok(core.length >= 20, `${core.length} options from the core`);
  assert.deepEqual(drift(declared("PipelineOptions"), core), []);
});

test("the check catches a renamed, a missing and a retyped option", () => {
  const ts = declared("PipelineOptions");
  const core = pipelineOptions();
  const renamed = core.map((o) => (o.name === "batchSize" ? { ...o, name: "batchSizes" } : o));
  assert.equal(drift(ts, renamed).length, 2);
  assert.equal(drift(ts, [...core, { name: "compression", type: "boolean" }]).length, 1);
  const retyped = core.map((o) => (o.name === "sampleRate" ? { ...o, type: "string" } : o));
  assert.deepEqual(drift(ts, retyped), ["sampleRate: PipelineOptions says number, the core reads string"]);
});

test("TrackerOptions takes every core option but format, and its own options are not the core's", () => {
  const tracker = declared("TrackerOptions");
  const core = pipelineOptions();
  for (const { name } of core) assert.equal(name in tracker, name !== "format", name);
  const own = Object.keys(tracker).filter((n) => !core.some((o) => o.name === n));
  assert.deepEqual(own.sort(), ["apiKey", "enabled", "endpoint", "exitTimeoutMs", "explainMaxEvents", "exporters", "logLevel", "logger", "profile"]);
});

test("the core's defaults are the defaults in force", () => {
  const core = pipelineOptions();
  const byName = Object.fromEntries(core.map((o) => [o.name, o.default]));
  assert.equal(byName.batchSize, 10);
  assert.equal(byName.flushIntervalMs, 5000);
  assert.equal(byName.format, null);
  // Every default is accepted by the core's validator as an explicit value.
  const explicit = Object.fromEntries(core.filter((o) => o.name !== "format").map((o) => [o.name, o.default]));
  assert.doesNotThrow(() => resolveConfig(explicit, {}));
});
