// Builds the static viewer into www/dist (and a copy, without the analysis wasm and the
// price catalog, in bindings/cli/viewer for the CLI package's collector, which serves the
// wasm from @agentlens/sdk so that it ships once, and its own catalog): esbuild bundles the shell (main.ts) and the Web Worker (worker.ts)
// against the BUILT package `@agentlens/sdk/analysis` (browser condition), never its sources.
//
// The package's browser entry fetches its wasm with
//   new URL("../../wasm-analysis/agentlens_wasm_bg.wasm", import.meta.url)
// which is right inside node_modules but wrong once bundled into dist/worker.js. A small
// plugin rewrites that URL to "./agentlens-analysis.wasm" and the build copies the wasm
// next to the bundle. The build fails loudly if the entry no longer has that shape.
import { build } from "esbuild";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const pkgCopy = join(here, "..", "bindings", "cli", "viewer");
const WASM_NAME = "agentlens-analysis.wasm";
/** The price catalog the worker fetches (www/src/price-list.ts): a separate file, so the first paint does not wait for it. */
const CATALOG_NAME = "genai-prices.json";
const WASM_URL = /new URL\((["'])\.\.\/\.\.\/wasm-analysis\/agentlens_wasm_bg\.wasm\1, import\.meta\.url\)/;

const wasmUrlPlugin = {
  name: "agentlens-analysis-wasm-url",
  setup(b) {
    // The package's dist is bundled (entry points and shared chunks in dist/entrypoints/):
    // the browser entry's fetch may sit in a chunk. Every module of it the viewer loads
    // that holds the URL is rewritten; the build fails if none did.
    let rewritten = 0;
    b.onStart(() => {
      rewritten = 0;
    });
    b.onLoad({ filter: /entrypoints[\\/](analysis-browser|chunk-[A-Za-z0-9]+)\.js$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!WASM_URL.test(text)) return { contents: text, loader: "js" };
      rewritten++;
      return { contents: text.replace(WASM_URL, `new URL("./${WASM_NAME}", import.meta.url)`), loader: "js" };
    });
    b.onEnd((result) => {
      if (result.errors.length === 0 && rewritten === 0) {
        result.errors.push({ text: "@agentlens/sdk/analysis (browser): the wasm URL this build rewrites is missing; update www/build.mjs" });
      }
    });
  },
};

// The SDK's analysis entries import the price data as a module (`prices/catalog.js`, the
// ~470 KB text of genai-prices.json) and hand it to the wasm on load. Bundled into the
// worker it would be parsed before the worker answers anything; the viewer fetches the same
// file (copied next to the bundle) instead, beside the trace, and in collector mode takes
// the collector's catalog (www/src/price-list.ts). An entry without that import needs nothing.
const catalogModulePlugin = {
  name: "agentlens-price-catalog-module",
  setup(b) {
    b.onResolve({ filter: /(^|\/)prices\/catalog\.js$/ }, (args) => ({ path: args.path, namespace: "agentlens-no-catalog" }));
    b.onLoad({ filter: /.*/, namespace: "agentlens-no-catalog" }, () => ({ contents: "export default undefined;", loader: "js" }));
  },
};

// h2b's analysis panels (www/src/panels, www/src/worker-handlers) are built in parallel:
// while a directory has no index.ts the shell builds with none, and says so.
const absentPanelsPlugin = {
  name: "agentlens-absent-panels",
  setup(b) {
    b.onResolve({ filter: /^\.\/(panels|worker-handlers)\/index$/ }, (args) => {
      const file = join(args.resolveDir, `${args.path}.ts`);
      if (existsSync(file)) return { path: file };
      return { path: args.path, namespace: "absent-panels" };
    });
    b.onLoad({ filter: /.*/, namespace: "absent-panels" }, (args) => ({
      contents: args.path.includes("panels/") ? "export const panels = [];" : "export const handlers = {};",
      loader: "js",
    }));
  },
};

/** The wasm file the package exports as `@agentlens/sdk/wasm-analysis`. */
function analysisWasmPath() {
  const path = fileURLToPath(import.meta.resolve("@agentlens/sdk/wasm-analysis"));
  if (!existsSync(path)) throw new Error(`${path} is missing: run "bash scripts/build-wasm.sh" first`);
  return path;
}

/**
 * The price catalog the package ships (`prices/genai-prices.json` beside its
 * `wasm-analysis/`): the core embeds no prices, the viewer's worker hands this file in.
 */
function catalogPath() {
  const path = join(dirname(analysisWasmPath()), "..", "prices", CATALOG_NAME);
  if (!existsSync(path)) throw new Error(`${path} is missing: run "node scripts/prices-refresh.mjs" first`);
  return path;
}

/**
 * Builds the viewer into `outDir` (www/dist by default) and, for the default output only,
 * copies it, without the analysis wasm, to bindings/cli/viewer. Tests build into their own temporary directories.
 */
export async function buildViewer({ outDir = dist, minify = true, quiet = false, copyToPackage = outDir === dist } = {}) {
  const wasm = analysisWasmPath();
  for (const panelsFile of ["src/panels/index.ts", "src/worker-handlers/index.ts"]) {
    if (!existsSync(join(here, panelsFile)) && !quiet) console.warn(`www: ${panelsFile} is absent; building with no analysis panels`);
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { main: join(here, "src/main.ts"), worker: join(here, "src/worker.ts") },
    outdir: outDir,
    bundle: true,
    splitting: true,
    chunkNames: "[name]-[hash]",
    format: "esm",
    platform: "browser",
    target: ["chrome110", "firefox115", "safari16"],
    conditions: ["browser"],
    minify,
    sourcemap: false,
    legalComments: "none",
    logLevel: quiet ? "error" : "warning",
    plugins: [wasmUrlPlugin, catalogModulePlugin, absentPanelsPlugin],
  });
  copyFileSync(wasm, join(outDir, WASM_NAME));
  copyFileSync(catalogPath(), join(outDir, CATALOG_NAME));
  writeFileSync(join(outDir, "index.html"), readFileSync(join(here, "index.html")));
  if (copyToPackage) {
    rmSync(pkgCopy, { recursive: true, force: true });
    // Neither the wasm nor the catalog: the collector serves the SDK's wasm and its own catalog (GET /pricing/catalog).
    cpSync(outDir, pkgCopy, { recursive: true, filter: (src) => !src.endsWith(WASM_NAME) && !src.endsWith(CATALOG_NAME) });
  }
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildViewer();
  console.log(`www: built ${dist} (copied to ${pkgCopy})`);
}
