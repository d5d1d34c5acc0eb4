#!/usr/bin/env node
// Makes wasm-bindgen's generated .d.ts files type-check in every project that uses the
// package, with `skipLibCheck: false`. As generated they need lib "esnext" (a
// `[Symbol.dispose]()` member on each class) and lib "dom" (`WebAssembly.*`,
// `BufferSource`, `RequestInfo`, `Response`, `URL` in `InitInput`): a Node project with
// lib es2022 and @types/node (which declares no `WebAssembly`) fails on both, and a
// browser project with lib es2022 fails on the first.
//
// - The `[Symbol.dispose]()` members go: these raw classes are internal; `free()` stays,
//   and at run time the glue still installs the method where `Symbol.dispose` exists.
// - The web types are read from the project's own globals (`typeof globalThis`): exactly
//   the dom types where the project has them, `never` (nothing to pass) where it has not.
//
// Usage: node scripts/fix-wasm-dts.mjs DIR...   (each DIR is a wasm-bindgen --out-dir;
// scripts/build-wasm.sh runs it on bindings/sdk/wasm and bindings/sdk/wasm-analysis).
// Idempotent; exits 1 if the generated text is not what it expects (a new wasm-bindgen).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const MARK = "// Types adjusted by scripts/fix-wasm-dts.mjs";
const HELPERS = `${MARK}: no lib "dom" or "esnext" needed.
/** An instance type of a global class of the project's environment (\`URL\`, \`Response\`), else \`never\`. */
type GlobalInstance<K extends string> = typeof globalThis extends { [_ in K]: { prototype: infer T } } ? T : never;
/** A \`WebAssembly\` class's instance type where the project declares \`WebAssembly\` (lib "dom"), else \`never\`. */
type WasmInstance<K extends string> = typeof globalThis extends { WebAssembly: { [_ in K]: { prototype: infer T } } } ? T : never;
/** lib.dom's \`BufferSource\`, from the ES lib alone. */
type BytesSource = ArrayBufferView | ArrayBuffer;
export {};
`;

// Applied to declaration lines only: doc comments keep naming the dom types.
const REPLACEMENTS = [
  [/^[ \t]*\[Symbol\.dispose\]\(\): void;$/, null],
  [/\bWebAssembly\.(Module|Memory|Table|Global|Instance)\b/g, 'WasmInstance<"$1">'],
  [/\bRequestInfo\b/g, 'string | GlobalInstance<"Request">'],
  [/(export type InitInput = .*)\bURL\b/, '$1GlobalInstance<"URL">'],
  [/(export type InitInput = .*)\bResponse\b/, '$1GlobalInstance<"Response">'],
  [/\bBufferSource\b/g, "BytesSource"],
];
// What must not be left on a declaration line once the file is fixed.
const LEFT = /\bWebAssembly\.|\bBufferSource\b|\bRequestInfo\b|Symbol\.dispose|InitInput = .*(?<!")\b(URL|Response)\b(?!")/;
const COMMENT = /^\s*(\/\*|\*|\/\/)/;

/** The fixed text of one generated .d.ts. Throws if something the fix does not know is left. */
export function fixDts(text) {
  if (text.includes(MARK)) return text;
  const lines = [];
  for (const line of text.split("\n")) {
    if (COMMENT.test(line)) {
      lines.push(line);
      continue;
    }
    let out = line;
    for (const [pattern, replacement] of REPLACEMENTS) {
      if (replacement === null) out = pattern.test(out) ? null : out;
      else if (out !== null) out = out.replace(pattern, replacement);
    }
    if (out === null) continue;
    const left = LEFT.exec(out);
    if (left) throw new Error(`unexpected wasm-bindgen output: "${left[0]}" is left in: ${line.trim()}`);
    lines.push(out);
  }
  const body = lines.join("\n");
  const header = /^(\/\* tslint:disable \*\/\n\/\* eslint-disable \*\/\n)?/.exec(body)[0];
  return header + HELPERS + body.slice(header.length);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.error("usage: node scripts/fix-wasm-dts.mjs DIR...");
    process.exit(2);
  }
  try {
    for (const dir of dirs) {
      for (const name of readdirSync(dir).filter((n) => n.endsWith(".d.ts"))) {
        const file = join(dir, name);
        const before = readFileSync(file, "utf8");
        const after = fixDts(before);
        if (after !== before) writeFileSync(file, after);
      }
    }
  } catch (err) {
    console.error(`fix-wasm-dts: ${err.message}`);
    process.exit(1);
  }
}
