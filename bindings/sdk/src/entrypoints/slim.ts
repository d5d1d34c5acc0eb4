// The JS only: the caller supplies the wasm (bytes, a URL, a Response or a compiled
// WebAssembly.Module) and awaits loadWasm() before anything else. (Named loadWasm, not
// init, so that the tracker's init(options) stays available from this entry point too.)
import initGlue, * as bindings from "../../wasm/agentlens_wasm.js";
import type { InitInput } from "../../wasm/agentlens_wasm.js";
import initPatternsGlue, * as patternsBindings from "../../wasm-patterns/agentlens_wasm.js";
import { usePatternsLoader } from "../core/patterns.js";
import { useWasm } from "../core/wasm.js";
import { useDefaultExporter } from "../core/default-exporter.js";
import { createHttpExporter } from "../exporters/http.js";
import { usePlatform, type Platform } from "../core/platform.js";
import { browserPlatform } from "../platform/browser.js";
import { edgePlatform } from "../platform/edge.js";

/**
 * Loads the wasm and installs a platform: `options.platform`, else the browser platform
 * where there is a `document` and the edge platform (no background timers) elsewhere.
 * In a browser pass the URL the bundler gives the `.wasm` (`@agentlens/sdk/wasm`); on runtimes
 * that refuse to compile bytes, a compiled `WebAssembly.Module` from a static import.
 *
 * @example
 * ```ts no-run: imports "@agentlens/sdk/slim" and "@agentlens/sdk/wasm", which only resolve where the package is installed
 * import { readFileSync } from "node:fs";
 * import { loadWasm, buildInfo } from "@agentlens/sdk/slim";
 * await loadWasm(readFileSync(new URL(import.meta.resolve("@agentlens/sdk/wasm"))));
 * buildInfo().version; // "0.1.0"
 * ```
 */
export async function loadWasm(input: InitInput | Promise<InitInput>, options: { platform?: Platform } = {}): Promise<void> {
  await initGlue({ module_or_path: input });
  useWasm(bindings);
  useDefaultExporter(createHttpExporter);
  usePlatform(options.platform ?? ("document" in globalThis ? browserPlatform() : edgePlatform()));
}

/**
 * Loads the regex engine that `redactPatterns` (patterns beyond the defaults) and price
 * data's regex rules need: the `@agentlens/sdk/wasm-patterns` file, given as `loadWasm`
 * takes its input. Await it before `init()` with `redactPatterns`.
 *
 * @example
 * ```ts no-run: imports "@agentlens/sdk/slim", which only resolves where the package is installed
 * import { readFileSync } from "node:fs";
 * import { loadWasm, loadPatternsWasm, init } from "@agentlens/sdk/slim";
 * await loadWasm(readFileSync(new URL(import.meta.resolve("@agentlens/sdk/wasm"))));
 * await loadPatternsWasm(readFileSync(new URL(import.meta.resolve("@agentlens/sdk/wasm-patterns"))));
 * init({ redactPatterns: [{ name: "ticket", regex: "TICKET-[0-9]{6}" }] });
 * ```
 */
export async function loadPatternsWasm(input: InitInput | Promise<InitInput>): Promise<void> {
  await initPatternsGlue({ module_or_path: input });
  usePatternsLoader({ sync: () => patternsBindings });
}

export * from "../core/index.js";
export * from "../exporters/index.js";
export { browserPlatform } from "../platform/browser.js";
export { edgePlatform, type EdgePlatformOptions } from "../platform/edge.js";
