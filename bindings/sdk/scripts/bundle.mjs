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
// - The .d.ts files tsc wrote are kept; every other .js file tsc wrote is removed, so no
//   second copy of a module can be loaded by a deep import.
import { build } from "esbuild";
import { readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = fileURLToPath(new URL("../", import.meta.url));
const dist = join(pkg, "dist");

/**
 * Entry points: the package's exports, the modules loaded by dynamic import, and the
 * bridge the integration tests drive. Nothing else: each entry point splits the chunks
 * further, and every chunk is one more module a cold start resolves, reads and compiles.
 * `@agentlens/sdk` in Node loads 9 modules (it was 16 while four test-only modules were
 * entry points: import median 14.0 → 10.9 ms); what tests need beyond the exports is
 * exported by `@agentlens/sdk/internal`.
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
rmSync(out, { recursive: true, force: true });
await build({
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
  plugins: [keepExternal],
  logLevel: "warning",
  legalComments: "none",
});

// Replace tsc's .js files with the bundle's.
for (const file of jsFiles(dist)) rmSync(file);
for (const file of jsFiles(out)) renameSync(file, join(dist, relative(out, file)));
rmSync(out, { recursive: true, force: true });
