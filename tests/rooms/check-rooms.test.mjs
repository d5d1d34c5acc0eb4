// scripts/check-rooms.mjs on small synthetic trees: each rule must be able to fail.
// Run: node --test tests/rooms/check-rooms.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "scripts", "check-rooms.mjs");

/** Writes `files` ({ "src/a.rs": text }) into a fresh temp dir and runs the checker on it. */
function run(files, ...args) {
  const root = mkdtempSync(join(tmpdir(), "rooms-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const r = spawnSync(process.execPath, [script, "--root", root, ...args], { encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const json = (files) => {
  const r = run(files, "--json");
  return { code: r.code, ...JSON.parse(r.out) };
};

const lines = (n, make) => Array.from({ length: n }, (_, i) => make(i)).join("\n") + "\n";
const rustFn = (name, body) => `fn ${name}() {\n${lines(body, (i) => `    let _x${i} = ${i};`)}}\n`;
const tsFn = (name, body) => `export function ${name}(): number {\n${lines(body, (i) => `  const x${i} = ${i};`)}  return 0;\n}\n`;

test("a clean tree passes with exit code 0", () => {
  const r = run({
    "src/lib.rs": `//! A crate.\n${rustFn("small", 10)}`,
    "src/model.rs": rustFn("other", 70),
    "www/src/a.ts": `import { b } from "./b.js";\n${tsFn("a", 20)}`,
    "www/src/b.ts": tsFn("b", 20),
  });
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /4 files, 0 violations/);
});

test("a Rust file over 500 lines fails; its trailing test module does not count", () => {
  const body = lines(501, (i) => `const C${i}: u8 = 0;`);
  const r = json({ "src/long.rs": body });
  assert.equal(r.code, 1);
  assert.deepEqual(r.violations.map((v) => [v.kind, v.file, v.lines]), [["file", "src/long.rs", 501]]);

  const tests = `#[cfg(test)]\nmod tests {\n${lines(400, (i) => `    const T${i}: u8 = 0;`)}}\n`;
  const short = json({ "src/ok.rs": lines(300, (i) => `const C${i}: u8 = 0;`) + "\n" + tests });
  assert.equal(short.code, 0, JSON.stringify(short.violations));
  const tooLong = json({ "src/no.rs": lines(520, (i) => `const C${i}: u8 = 0;`) + tests });
  assert.equal(tooLong.violations[0].lines, 520);
  assert.equal(json({ "src/foo/tests.rs": lines(900, (i) => `const C${i}: u8 = 0;`) }).code, 0, "tests.rs is test code");
});

test("a TS file over 500 lines fails", () => {
  const r = json({ "bindings/sdk/src/big.ts": lines(501, (i) => `export const c${i} = ${i};`) });
  assert.equal(r.code, 1);
  assert.equal(r.violations[0].kind, "file");
  assert.equal(r.violations[0].file, "bindings/sdk/src/big.ts");
});

test("a Rust fn over 80 lines fails with its line; braces in strings, chars and comments do not confuse it", () => {
  const tricky = [
    "fn tricky() -> &'static str {",
    '    let _a = "}}}"; // }',
    "    let _b = '}';",
    '    let _c = r#"{ "x": 1 }"#;',
    "    /* { nested /* } */ } */",
    '    "{"',
    "}",
  ].join("\n");
  const src = `${tricky}\n\nimpl S {\n    pub fn decl(&self, buf: [u8; 4]);\n${rustFn("long_one", 85)}}\n${rustFn("short", 5)}`;
  const r = json({ "src/a.rs": src });
  assert.equal(r.code, 1);
  assert.deepEqual(
    r.violations.map((v) => [v.kind, v.name, v.line, v.lines]),
    [["function", "long_one", 11, 87]],
  );
});

test("long TS functions fail: declarations, methods and arrow functions", () => {
  const method = `export class K {\n  go(a: number): Promise<{ n: number }> {\n${lines(85, (i) => `    const y${i} = "}" + \`\${a}{\`;`)}    return Promise.resolve({ n: a });\n  }\n}\n`;
  const arrow = `export const handler = async (x: string) => {\n${lines(90, (i) => `  const z${i} = /[}{]/.test(x);`)}};\n`;
  const r = json({
    "www/src/f.ts": tsFn("longFn", 85),
    "www/src/m.ts": method,
    "www/src/r.ts": arrow,
    "www/src/ok.ts": tsFn("fine", 60),
  });
  assert.equal(r.code, 1);
  assert.deepEqual(
    r.violations.map((v) => [v.file, v.name, v.line]).sort(),
    [
      ["www/src/f.ts", "longFn", 1],
      ["www/src/m.ts", "go", 2],
      ["www/src/r.ts", "handler", 1],
    ],
  );
});

test("an import circle among TS files fails, naming each file with the import's line", () => {
  const r = json({
    "bindings/cli/src/a.ts": `import { b } from "./b.js";\nexport const a = () => b;\n`,
    "bindings/cli/src/b.ts": `// a comment\nimport type { C } from "./sub/c";\nexport const b = 1;\n`,
    "bindings/cli/src/sub/c.ts": `export { a } from "../a.js";\nexport type C = number;\n`,
    "bindings/cli/src/d.ts": `import { a } from "./a.js";\nexport const d = a;\n`,
  });
  assert.equal(r.code, 1);
  const circle = r.violations.filter((v) => v.kind === "circle");
  assert.deepEqual(
    circle.map((v) => [v.file, v.line]),
    [
      ["bindings/cli/src/a.ts", 1],
      ["bindings/cli/src/b.ts", 2],
      ["bindings/cli/src/sub/c.ts", 1],
    ],
  );
  assert.equal(circle[0].cycle.length, 3, "d.ts imports the circle but is not in it");
});

test("imports in comments and strings are not edges", () => {
  const r = json({
    "www/src/a.ts": `// import { b } from "./b.js";\nconst s = 'import "./b.js"';\nexport const a = s;\n`,
    "www/src/b.ts": `import { a } from "./a.js";\nexport const b = a;\n`,
  });
  assert.equal(r.code, 0, JSON.stringify(r.violations));
});

test("human output gives file:line per violation; bad arguments exit 2", () => {
  const r = run({ "src/a.rs": rustFn("long_one", 90) });
  assert.equal(r.code, 1);
  assert.match(r.out, /^src\/a\.rs:1: fn long_one is 92 lines \(limit 80\)$/m);
  assert.equal(run({}, "--nope").code, 2);
  assert.equal(run({ "src/a.rs": rustFn("long_one", 90) }, "--max-fn", "100").code, 0);
});
