// Where the browser entry points fetch their wasm, and what they say when that fails.
// By default each fetches the file next to the package's own files through
// `new URL("../../wasm/…", import.meta.url)`, which Vite, webpack, Parcel and pages without
// a bundler resolve. esbuild copies no file referenced that way; under the
// "agentlens-wasm-file" condition the entry points import the .wasm files instead, and the
// bundler (esbuild --loader:.wasm=file) hands over the URLs of the copies it emitted.

/** Set before the browser entry points run, by `wasm-file-location.ts`. */
export const wasmLocation: { sdk?: URL; analysis?: URL; live?: URL; patterns?: URL } = {};

/** The fix, as the error and docs/bundlers.md state it. */
const FIX =
  "If this page was bundled, the bundler moved agentlens's JavaScript away from its .wasm files: esbuild copies no file " +
  "referenced by new URL(…, import.meta.url). With esbuild, build with --loader:.wasm=file --conditions=agentlens-wasm-file,module; " +
  "for other bundlers see docs/bundlers.md in the AgentLens repository.";

/**
 * Runs wasm-bindgen's `init` with the wasm at `url`, passed on as it is: bundlers replace
 * `new URL(…, import.meta.url)` with objects of their own (Turbopack's resolve against the
 * page, not against `import.meta.url`). Throws an `AgentLensWasmLoadError` naming the URL
 * it tried and the fix.
 */
export async function initFromUrl(init: (options: { module_or_path: URL }) => Promise<unknown>, url: URL): Promise<void> {
  try {
    await init({ module_or_path: url });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new Error(`agentlens could not load its WebAssembly from ${absolute(url)} (${reason}). ${FIX}`, { cause });
    error.name = "AgentLensWasmLoadError";
    throw error;
  }
}

function absolute(url: URL): string {
  try {
    return new URL(String(url), (globalThis as { location?: { href: string } }).location?.href).href;
  } catch {
    return String(url);
  }
}
