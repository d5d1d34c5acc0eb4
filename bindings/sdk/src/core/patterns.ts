/**
 * The regex engine for user-supplied redaction patterns (`redactPatterns`) and the price
 * data's `regex` rules. The SDK's own wasm leaves it out (~70 KB gzipped, a third of the
 * module): it is a fourth module (bindings/sdk/wasm-patterns/: the core's engine alone),
 * installed into the SDK's module when a pattern first needs it. The default redaction
 * rules need no engine.
 *
 * Node, Bun, Deno and edge runtimes load it synchronously, so `init()` still refuses a bad
 * pattern at once. Browsers fetch it: `import "@agentlens/sdk/patterns"` (a top-level
 * await) before `init()` with `redactPatterns`; price data loads it by itself.
 *
 * The same module holds the OTLP exporters' price data (`loadPrices`): its reader and
 * matcher left the SDK's module with the engine its `regex` rules need (~19 KB gzipped).
 */
import type * as PatternsModule from "../../wasm-patterns/agentlens_wasm.js";
import type { PatternHost } from "../../wasm/agentlens_wasm.js";
import { AgentLensConfigError } from "./errors.js";
import { wasm } from "./wasm.js";

export type PatternsWasm = typeof PatternsModule;

/**
 * Where `@agentlens/sdk/patterns` leaves the module it fetched (browsers). That entry point
 * imports nothing of the core: a module it shared with the other entry points would be
 * split into a chunk of its own, one more module for every cold start to load.
 */
export const FETCHED_PATTERNS = Symbol.for("agentlens.patterns-wasm");

let loadSync: (() => PatternsWasm) | undefined;
let loadAsync: (() => Promise<unknown>) | undefined;
let installed: PatternsWasm | undefined;
/** Price data loaded into the installed module, by id (`PatternHost.costUsd`). */
const books: Array<InstanceType<PatternsWasm["PriceBookWasm"]>> = [];
/** The id of the price data read from each text: a tracker made again reuses it. */
const booksByText = new Map<string, number>();

/**
 * Called by each entry point: how this platform loads the engine, at once (Node, Bun,
 * Deno, edge runtimes) or by fetching it (browsers).
 */
export function usePatternsLoader(loader: { sync?: () => PatternsWasm; async?: () => Promise<unknown> }): void {
  if (loader.sync) loadSync = loader.sync;
  if (loader.async) loadAsync = loader.async;
}

/** Installs a loaded patterns module into the SDK's wasm (once). */
export function usePatternsWasm(module: PatternsWasm): void {
  if (installed) return;
  wasm().usePatternEngine(patternHost(new module.RegexEngineWasm()));
  installed = module;
}

/** Whether the engine is installed. */
export function patternsInstalled(): boolean {
  return installed !== undefined;
}

/** How many texts of price data the installed module holds. */
export function priceBooksLoaded(): number {
  return books.length;
}

/**
 * Reads price data into the installed module (after {@link patternEngineReady}) and
 * returns its id for a pipeline's `usePrices`. Throws an `AgentLensConfigError` naming a
 * bad entry.
 */
export function loadPrices(text: string): number {
  if (!installed) throw new Error("the regex engine is not installed");
  let id = booksByText.get(text);
  if (id === undefined) {
    id = books.push(new installed.PriceBookWasm(text)) - 1;
    booksByText.set(text, id);
  }
  return id;
}

/**
 * Installs the engine before options with `redactPatterns` reach the core. Throws an
 * `AgentLensConfigError` where the platform can only fetch it and it is not in yet.
 */
export function ensurePatternEngine(): void {
  if (installed) return;
  const fetched = fetchedLoader();
  if (fetched) return usePatternsWasm(fetched());
  if (loadSync) {
    try {
      return usePatternsWasm(loadSync());
    } catch (e) {
      throw new AgentLensConfigError(
        "redactPatterns",
        `agentlens: option "redactPatterns" needs the regex engine, which this runtime could not load by itself (${e instanceof Error ? e.message : String(e)}): ` +
          'add `import "@agentlens/sdk/patterns";` before init()',
      );
    }
  }
  throw new AgentLensConfigError(
    "redactPatterns",
    'agentlens: option "redactPatterns" needs the regex engine, which browsers fetch as a module of its own: ' +
      'add `import "@agentlens/sdk/patterns";` before init() (with @agentlens/sdk/slim, await loadPatternsWasm(...)); ' +
      "the default patterns need no engine",
  );
}

/** Installs the engine, fetching it where the platform must. Rejects when it cannot load. */
export async function patternEngineReady(): Promise<void> {
  if (installed) return;
  if (!loadSync && !fetchedLoader()) {
    if (!loadAsync) throw new Error("the regex engine is not loaded (with @agentlens/sdk/slim, await loadPatternsWasm(...) first)");
    await loadAsync(); // leaves the fetched module at FETCHED_PATTERNS
  }
  const load = fetchedLoader() ?? loadSync;
  if (load) usePatternsWasm(load());
}

/** A loader for the module `@agentlens/sdk/patterns` fetched, if it did. */
function fetchedLoader(): (() => PatternsWasm) | undefined {
  const module = (globalThis as Record<symbol, PatternsWasm | undefined>)[FETCHED_PATTERNS];
  return module && (() => module);
}

/**
 * The SDK wasm's view of the engine. Haystacks arrive as a pointer and a length into the
 * SDK module's memory and are copied straight into the engine's: no string is decoded.
 */
function patternHost(engine: InstanceType<PatternsWasm["RegexEngineWasm"]>): PatternHost {
  let memory: { buffer: ArrayBuffer } | undefined;
  const groups = new Map<number, number>();
  let kept = { ptr: -1, len: -1 };
  const bytes = (ptr: number, len: number) => new Uint8Array(memory!.buffer, ptr, len);
  return {
    attach(m) {
      memory = m;
    },
    compile(pattern) {
      const compiled = engine.compile(pattern);
      groups.set(compiled[0]!, compiled[1]!);
      return compiled;
    },
    capturesAt(program, ptr, len, from, sameHaystack) {
      // A string is searched once per match: it is copied over on its first search only
      // (and again should another search have come in between).
      if (!sameHaystack || ptr !== kept.ptr || len !== kept.len) {
        engine.setHaystack(bytes(ptr, len));
        kept = { ptr, len };
      }
      return engine.capturesAt(program, from, groups.get(program) ?? 1);
    },
    matchesEmptyIn(program, text) {
      return engine.matchesEmptyIn(program, text);
    },
    isMatch(program, ptr, len) {
      return engine.isMatch(program, bytes(ptr, len));
    },
    release(program) {
      groups.delete(program);
      engine.release(program);
    },
    costUsd(prices, provider, model, atMs, usage) {
      return books[prices]?.costUsd(provider, model, atMs, usage) ?? Number.NaN;
    },
  };
}
