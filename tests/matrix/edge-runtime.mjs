// Vercel's edge runtime for the matrix (npm `edge-runtime`, the runtime `vercel dev` and
// Next.js's edge sandbox use): an entry over drivers/edge.mjs is bundled as an Edge
// Function is (one script; the `edge-light` export condition and the `browser` field, as
// Next.js resolves for its edge runtime) and evaluated in an EdgeRuntime, whose code
// generation is off, so wasm cannot be compiled from bytes inside it. As on Vercel, each
// `.wasm` the bundle imports is handed over compiled, as a binding in the context: the
// bundle's `import m from "…/x.wasm"` reads that binding. Not a test file itself.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { hangGuard, repoRoot } from "./support.mjs";

/** false, or why the edge runtime cannot run here. */
export const skipEdgeRuntime = existsSync(join(repoRoot, "node_modules/edge-runtime/package.json")) ? false : "npm edge-runtime is not installed (npm ci)";

const BINDINGS = "__agentlensWasmModules";

/** An esbuild plugin: a `.wasm` import becomes the compiled module bound in the context under its directory's name. */
const wasmBindings = (modules) => ({
  name: "wasm-bindings",
  setup(build) {
    build.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: join(args.resolveDir, args.path), namespace: "wasm-binding" }));
    build.onLoad({ filter: /.*/, namespace: "wasm-binding" }, (args) => {
      const name = basename(dirname(args.path));
      modules.set(name, args.path);
      return { contents: `export default globalThis.${BINDINGS}[${JSON.stringify(name)}];`, loader: "js" };
    });
  },
});

/**
 * Bundles `entry` (an entry over drivers/edge.mjs), starts an EdgeRuntime with it, and
 * sends one request per session id (all to the one runtime, as one isolate); calls
 * `onAnswer(sessionId, answer)` once each is answered, then waits for its `waitUntil`.
 */
export async function runEdgeRuntime(entry, receiverUrl, sessionIds, onAnswer) {
  const esbuild = await import("esbuild");
  const { EdgeRuntime } = await import("edge-runtime");
  const modules = new Map();
  const built = await esbuild.build({
    entryPoints: [entry], bundle: true, write: false, format: "iife", platform: "browser",
    conditions: ["edge-light", "worker", "browser"], mainFields: ["browser", "module", "main"], logLevel: "error",
    plugins: [wasmBindings(modules)],
  });
  // Code generation off, as on Vercel: the bundle cannot compile wasm from bytes. The
  // embedder compiles each module and binds it in the context's realm, as Vercel does.
  const runtime = new EdgeRuntime({ codeGeneration: { strings: false, wasm: false } });
  const contextModule = runtime.evaluate("WebAssembly.Module");
  runtime.context[BINDINGS] = Object.fromEntries([...modules].map(([name, path]) => {
    const module = new WebAssembly.Module(readFileSync(path));
    return [name, Object.setPrototypeOf(module, contextModule.prototype)];
  }));
  runtime.evaluate(built.outputFiles[0].text);
  for (const sessionId of sessionIds) {
    const url = `http://edge.local/?session=${sessionId}&receiver=${encodeURIComponent(receiverUrl)}`;
    const res = await hangGuard(runtime.dispatchFetch(url), "the edge runtime's answer");
    const text = await res.text();
    if (res.status !== 200) throw new Error(`edge runtime answered ${res.status}: ${text}`);
    onAnswer(sessionId, JSON.parse(text));
    await res.waitUntil();
  }
}
