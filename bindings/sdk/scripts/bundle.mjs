// Bundles what tsc wrote into dist/ so that importing the SDK loads a handful of files
// instead of ~50 (Node resolves, reads and compiles each ES module on its own: half of a
// cold start). Run by `npm run build` after tsc.
//
// - Every file a package export (or a dynamic import between them) names is an entry
//   point, and esbuild splits what they share into chunks: each module still exists once,
//   so state registered by one entry point (the wasm, the platform, the loaders) is the
//   state every other one sees.
// - Entry points keep their paths, and chunks go next to the entry points
//   (dist/entrypoints/chunk-*.js), at the same depth as dist/integrations/: relative URLs to
//   the wasm (`../../wasm/…`, kept as they are) name the same files from every output.
// - The wasm-bindgen glue and the .wasm files stay separate files (bundlers and edge
//   runtimes handle them as before), and so does the price data module (prices/catalog.js,
//   ~470 KB, written by prices-module.mjs: imported only by the entries that price, never
//   inlined into a chunk `@agentlens/sdk` loads), as do Node built-ins and other packages (the
//   frameworks the integrations hook into, and @agentlens/sdk itself, which the
//   integrations import so that each runtime picks its own entry point).
// - What `@agentlens/sdk` loads in Node shares one chunk with the other entry points, not
//   one chunk per set of entry points that use a part of it (one-core.mjs): 4 modules
//   instead of 9.
// - The .d.ts files tsc wrote are kept; every other .js file tsc wrote is removed, so no
//   second copy of a module can be loaded by a deep import.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWithOneCore } from "./one-core.mjs";

const pkg = fileURLToPath(new URL("../", import.meta.url));
const dist = join(pkg, "dist");

/**
 * Entry points: the package's exports, the modules loaded by dynamic import, and the
 * bridge the integration tests drive. Nothing else: each entry point splits the chunks
 * further, and every chunk is one more module a cold start resolves, reads and compiles.
 * `@agentlens/sdk` in Node loaded 9 modules (16 while four test-only modules were entry
 * points: import median 14.0 → 10.9 ms), now 4 (one-core.mjs); what tests need beyond the
 * exports is exported by `@agentlens/sdk/internal`.
 */
const ENTRIES = [
  ...readdirSync(join(dist, "entrypoints")).filter((f) => f.endsWith(".js") && !f.startsWith("chunk-")).map((f) => `entrypoints/${f}`),
  "internal/index.js",
  "integrations/openai-agents.js",
  "integrations/ai-sdk.js",
  "integrations/otel.js",
  "integrations/langchain.js",
  "integrations/bridge.js",
];

const keepExternal = {
  name: "keep-external",
  setup(b) {
    // The wasm-bindgen glue and the wasm files, as written (see above).
    b.onResolve({ filter: /(^|\/)agentlens_wasm(_bg)?\.(js|wasm)$/ }, (args) => ({ path: args.path, external: true }));
    // The price data (`../../prices/catalog.js` from every output: same depth as the wasm).
    b.onResolve({ filter: /(^|\/)prices\/catalog\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith(".js") ? [path] : [];
  });
}

const out = join(pkg, ".bundle-tmp");
const options = {
  entryPoints: ENTRIES.map((e) => join(dist, e)),
  outbase: dist,
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  packages: "external",
  external: ["node:*"],
  chunkNames: "entrypoints/chunk-[hash]",
  logLevel: "warning",
  legalComments: "none",
};

rmSync(out, { recursive: true, force: true });
const files = await buildWithOneCore({ ...options, plugins: [keepExternal] }, join(dist, "entrypoints/node.js"));
for (const file of files) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.text);
}

// Replace tsc's .js files with the bundle's.
for (const file of jsFiles(dist)) rmSync(file);
for (const file of jsFiles(out)) renameSync(file, join(dist, relative(out, file)));
rmSync(out, { recursive: true, force: true });
