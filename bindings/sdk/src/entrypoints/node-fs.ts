/// <reference types="node" />
// Node's `fs`, as the runtime already holds it. `import { readFileSync } from "node:fs"`
// would build the ES module namespace of all of `fs`, whose getters load fs/promises,
// streams and readline: ~2 ms of a cold start for one synchronous read. Node ≥ 20.16,
// Deno and Bun have `process.getBuiltinModule`; older Node 20 goes through `require`.
import { createRequire } from "node:module";

type Fs = typeof import("node:fs");
type WithBuiltins = { getBuiltinModule?: (id: string) => unknown };

const fs: Fs = ((process as WithBuiltins).getBuiltinModule?.("node:fs") as Fs | undefined) ?? (createRequire(import.meta.url)("node:fs") as Fs);

/** `require(specifier)` relative to `base` (an ES module too, where the runtime can). */
export function requireModule(specifier: string, base: string): unknown {
  return createRequire(base)(specifier);
}

/** The bytes of the file at `url` (a wasm module next to the entry point). */
export function readFileBytes(url: URL): Uint8Array {
  return fs.readFileSync(url);
}
