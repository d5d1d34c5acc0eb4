// What importing the SDK costs in modules: each one a cold start resolves, reads, compiles
// and links (scripts/bundle.mjs). `@agentlens/sdk` in Node is 4 modules, and the entry
// points that share its code share its one chunk (one copy of every module, so of its
// state) without showing how it was made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pkgDir } from "./packed.mjs";

const dist = join(pkgDir, "dist");

/** The modules `file` loads by static import (itself included), in the package. */
function staticGraph(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gm)) {
    staticGraph(join(dirname(file), m[1] ?? m[2]), seen);
  }
  return seen;
}

const names = (files) => [...files].map((f) => relative(pkgDir, f)).sort();

test("@agentlens/sdk in Node loads 4 modules: the entry, its shared chunk, the Node helpers and the wasm glue", () => {
  const graph = staticGraph(join(dist, "entrypoints/node.js"));
  const loaded = names(graph);
  assert.equal(loaded.length, 4, loaded.join(", "));
  assert.ok(loaded.includes("wasm/agentlens_wasm.js"), loaded.join(", "));
  assert.equal(loaded.filter((f) => /^dist\/entrypoints\/chunk-/.test(f)).length, 2, loaded.join(", "));
});

test("the integrations, analysis and internal entry points share the Node entry's chunk", () => {
  const core = names(staticGraph(join(dist, "entrypoints/node.js"))).filter((f) => /chunk-/.test(f));
  const biggest = core.map((f) => [f, readFileSync(join(pkgDir, f)).length]).sort((a, b) => b[1] - a[1])[0][0];
  for (const entry of ["integrations/openai-agents.js", "integrations/ai-sdk.js", "integrations/otel.js", "integrations/langchain.js", "internal/index.js", "entrypoints/analysis-node.js", "entrypoints/live-node.js"]) {
    const loaded = names(staticGraph(join(dist, entry)));
    assert.ok(loaded.includes(biggest), `${entry} loads ${loaded.join(", ")}, not ${biggest}`);
  }
});

test("no entry point shows the re-export the bundling used", async () => {
  const files = readdirSync(dist, { recursive: true }).filter((f) => f.endsWith(".js"));
  for (const f of files) assert.doesNotMatch(readFileSync(join(dist, f), "utf8"), /__agentlensCore/, f);
  for (const entry of ["@agentlens/sdk", "@agentlens/sdk/analysis", "@agentlens/sdk/internal", "@agentlens/sdk/openai-agents", "@agentlens/sdk/slim"]) {
    const keys = Object.keys(await import(entry));
    assert.ok(keys.length > 0 && !keys.some((k) => k.startsWith("__")), `${entry}: ${keys.filter((k) => k.startsWith("__"))}`);
  }
});
