#!/usr/bin/env node
// Small rooms: checks that no source file is over 500 lines, no function over 80, and
// no TypeScript files import each other in a circle. Dependency-free (Node >= 18).
//
//   node scripts/check-rooms.mjs [--json] [--root DIR] [--max-file N] [--max-fn N]
//
// Scanned (relative to the root, by default the repository this script lives in):
//   src/**/*.rs, bindings/wasm/src/**/*.rs,
//   bindings/sdk/src, bindings/cli/src and www/src (*.ts, *.tsx, *.mts, *.js, *.mjs).
// Rust test code is not measured: a file named `tests.rs`, and a trailing
// `#[cfg(test)] mod tests { … }` block (lines before it count; functions in it do not).
// Functions are found by brace matching after blanking comments and string literals,
// which is rough but needs no parser: Rust `fn` items with a body; TypeScript
// `function`s, methods and arrow functions with a block body. Import circles are the
// strongly connected components of the graph of relative imports (`import … from`,
// `export … from`, `import("…")`, type-only imports included) among the TS files.
// Prints `file:line: what` per violation and exits 1 if there is any (2 on bad usage);
// `--json` prints `{"violations":[…],"files":N}` instead.

import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join, relative, dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const RUST_ROOTS = ["src", "bindings/wasm/src"];
const TS_ROOTS = ["bindings/sdk/src", "bindings/cli/src", "www/src"];
const TS_EXT = [".ts", ".tsx", ".mts", ".js", ".mjs"];

// ── Files ────────────────────────────────────────────────────────────────────

function walk(dir, keep, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, keep, out);
    else if (keep(name)) out.push(p);
  }
  return out;
}

const isTs = (name) => TS_EXT.some((e) => name.endsWith(e)) && !name.endsWith(".d.ts");

// ── Blanking: comments and literals become spaces, newlines stay ─────────────

/** Rust source with comments, strings and char literals blanked (same length and lines). */
export function blankRust(src) {
  const out = src.split("");
  const n = src.length;
  const blank = (from, to) => {
    for (let k = from; k < to && k < n; k++) if (out[k] !== "\n") out[k] = " ";
  };
  let i = 0;
  while (i < n) {
    const c = src[i];
    const d = src[i + 1];
    if (c === "/" && d === "/") {
      const end = src.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && d === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (src[j] === "/" && src[j + 1] === "*") (depth++, (j += 2));
        else if (src[j] === "*" && src[j + 1] === "/") (depth--, (j += 2));
        else j++;
      }
      blank(i, j);
      i = j;
    } else if ((c === "r" || (c === "b" && d === "r")) && !/[\w]/.test(src[i - 1] ?? "")) {
      // raw string r"…", r#"…"#, br"…"
      let j = c === "b" ? i + 2 : i + 1;
      let hashes = 0;
      while (src[j] === "#") (hashes++, j++);
      if (src[j] !== '"') {
        i++;
        continue;
      }
      const close = '"' + "#".repeat(hashes);
      const end = src.indexOf(close, j + 1);
      const stop = end < 0 ? n : end + close.length;
      blank(i, stop);
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      blank(i, j + 1);
      i = j + 1;
    } else if (c === "'") {
      // A char literal ('x', '\n', '\u{1F600}', '😀') or a lifetime ('a).
      let j = -1;
      if (d === "\\") {
        j = src.indexOf("'", i + 2);
        if (src[i + 2] === "'") j = src.indexOf("'", i + 3); // '\''
      } else if (src[i + 2] === "'") j = i + 2;
      else if (/[\uD800-\uDBFF]/.test(d ?? "") && src[i + 3] === "'") j = i + 3;
      if (j > 0 && j - i < 14) {
        blank(i, j + 1);
        i = j + 1;
      } else i++;
    } else i++;
  }
  return out.join("");
}

const REGEX_BEFORE = new Set("(,=:[!&|?{};+-*%<>~^".split(""));
const REGEX_KEYWORDS = /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|void|yield|await|delete|throw|new)$/;

/** TS/JS source with comments, strings, template text and regex literals blanked.
 *  Code inside `${…}` is kept (it may hold functions). */
export function blankTs(src) {
  const out = src.split("");
  const n = src.length;
  const blank = (from, to) => {
    for (let k = from; k < to && k < n; k++) if (out[k] !== "\n") out[k] = " ";
  };
  // Each entry: { template: true } or { depth } for code nested in `${`.
  const stack = [{ depth: 0 }];
  let last = ""; // last significant code character (for regex detection)
  let lastStart = 0;
  let i = 0;
  while (i < n) {
    const top = stack[stack.length - 1];
    const c = src[i];
    const d = src[i + 1];
    if (top.template) {
      if (c === "\\") {
        blank(i, i + 2);
        i += 2;
      } else if (c === "`") {
        blank(i, i + 1);
        stack.pop();
        last = "x";
        i++;
      } else if (c === "$" && d === "{") {
        blank(i, i + 2);
        stack.push({ depth: 0 });
        last = "(";
        i += 2;
      } else {
        blank(i, i + 1);
        i++;
      }
      continue;
    }
    if (c === "/" && d === "/") {
      const end = src.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && d === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c && src[j] !== "\n") j += src[j] === "\\" ? 2 : 1;
      blank(i, j + 1);
      last = "x";
      i = j + 1;
    } else if (c === "`") {
      blank(i, i + 1);
      stack.push({ template: true });
      i++;
    } else if (c === "/" && (last === "" || REGEX_BEFORE.has(last) || REGEX_KEYWORDS.test(src.slice(Math.max(0, lastStart - 10), lastStart + 1)))) {
      let j = i + 1;
      let cls = false;
      while (j < n && src[j] !== "\n") {
        if (src[j] === "\\") j += 2;
        else if (src[j] === "[") (cls = true, j++);
        else if (src[j] === "]") (cls = false, j++);
        else if (src[j] === "/" && !cls) break;
        else j++;
      }
      while (/[a-z]/.test(src[j + 1] ?? "")) j++;
      blank(i + 1, j);
      last = "x";
      i = j + 1;
    } else {
      if (c === "{") top.depth++;
      else if (c === "}") {
        if (top.depth === 0 && stack.length > 1) {
          out[i] = " ";
          stack.pop();
          last = "x";
          i++;
          continue;
        }
        top.depth--;
      }
      if (!/\s/.test(c)) {
        last = c;
        lastStart = i;
      }
      i++;
    }
  }
  return out.join("");
}

// ── Structure helpers ────────────────────────────────────────────────────────

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

function lineOf(starts, pos) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** The index of the bracket closing the one at `open` (same kind), or -1. */
function matchBracket(code, open) {
  const o = code[open];
  const c = { "{": "}", "(": ")", "[": "]" }[o];
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === o) depth++;
    else if (code[i] === c && --depth === 0) return i;
  }
  return -1;
}

// ── Rust ─────────────────────────────────────────────────────────────────────

/** Where a trailing `#[cfg(test)] mod NAME { … }` block starts (its line, 1-based), or 0. */
function rustTestBlockLine(code, starts) {
  const re = /^#\[cfg\(test\)\]\s*\n\s*mod\s+\w+\s*\{/gm;
  let m;
  let found = 0;
  while ((m = re.exec(code))) {
    const open = code.indexOf("{", m.index + m[0].length - 1);
    const close = matchBracket(code, open);
    if (close > 0 && code.slice(close + 1).trim() === "") found = m.index;
  }
  return found ? lineOf(starts, found) : 0;
}

/** Rust `fn` items with a body: [{ name, line, lines }]. */
export function rustFunctions(code, starts, until = code.length) {
  const out = [];
  const re = /\bfn\s+([A-Za-z_][\w]*)/g;
  let m;
  while ((m = re.exec(code)) && m.index < until) {
    let depth = 0;
    let body = -1;
    for (let i = m.index + m[0].length; i < code.length; i++) {
      const ch = code[i];
      if (ch === "(" || ch === "[") depth++;
      else if (ch === ")" || ch === "]") depth--;
      else if (depth === 0 && ch === ";") break;
      else if (depth === 0 && ch === "{") {
        body = i;
        break;
      }
    }
    if (body < 0) continue;
    const close = matchBracket(code, body);
    if (close < 0) continue;
    const line = lineOf(starts, m.index);
    out.push({ name: m[1], line, lines: lineOf(starts, close) - line + 1 });
  }
  return out;
}

function countLines(text) {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

function checkRust(file, text, limits) {
  const v = [];
  if (/(^|[\\/])tests\.rs$/.test(file)) return v;
  const code = blankRust(text);
  const starts = lineStarts(code);
  const testLine = rustTestBlockLine(code, starts);
  const counted = testLine ? countLines(text.split("\n").slice(0, testLine - 1).join("\n").trimEnd() + "\n") : countLines(text);
  if (counted > limits.file) {
    v.push({ kind: "file", file, line: 1, lines: counted, limit: limits.file, message: `file has ${counted} lines${testLine ? " before its tests" : ""} (limit ${limits.file})` });
  }
  const until = testLine ? starts[testLine - 1] : code.length;
  for (const f of rustFunctions(code, starts, until)) {
    if (f.lines > limits.fn) v.push({ kind: "function", file, line: f.line, name: f.name, lines: f.lines, limit: limits.fn, message: `fn ${f.name} is ${f.lines} lines (limit ${limits.fn})` });
  }
  return v;
}

// ── TypeScript ───────────────────────────────────────────────────────────────

const NOT_METHODS = new Set(["if", "for", "while", "switch", "catch", "with", "return", "typeof", "await", "new", "super", "this", "import", "void", "delete", "throw", "in", "of", "yield", "else", "do", "case"]);

/** From just after a `)`: the index of a function body's `{`, skipping a return type, or -1. */
function bodyAfterParams(code, from) {
  let i = from;
  while (/\s/.test(code[i] ?? "")) i++;
  if (code[i] === "{") return i;
  if (code[i] === "=" && code[i + 1] === ">") {
    i += 2;
    while (/\s/.test(code[i] ?? "")) i++;
    return code[i] === "{" ? i : -1;
  }
  if (code[i] !== ":") return -1;
  // A return type: `{` right after `:`, `|`, `&`, `<`, `,`, `(`, `=>` or `[` is a type literal.
  i++;
  let prev = ":";
  let angle = 0;
  for (; i < code.length; i++) {
    const ch = code[i];
    if (/\s/.test(ch)) continue;
    if (ch === "{" || ch === "(" || ch === "[") {
      if (ch === "{" && angle === 0 && !/[:|&<,(=[]/.test(prev)) return i;
      const close = matchBracket(code, i);
      if (close < 0) return -1;
      i = close;
      prev = code[close];
      continue;
    }
    if (ch === "<") angle++;
    else if (ch === ">" && code[i - 1] !== "=") angle = Math.max(0, angle - 1);
    else if (ch === ";" || ch === "}" || ch === ")") return -1;
    else if (ch === "=" && code[i + 1] === ">" && angle === 0) {
      // `(…): T => {` (an arrow function with a return type)
      i += 2;
      while (/\s/.test(code[i] ?? "")) i++;
      return code[i] === "{" ? i : -1;
    }
    prev = ch === ">" && code[i - 1] === "=" ? "=>" : ch;
    if (prev === "=>") prev = "=";
  }
  return -1;
}

/** The `(` matching the `)` at `close`, or -1. */
function openParen(code, close) {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (code[i] === ")") depth++;
    else if (code[i] === "(" && --depth === 0) return i;
  }
  return -1;
}

/** TS functions, methods and arrow functions with a block body: [{ name, line, lines }]. */
export function tsFunctions(code, starts) {
  const out = [];
  const seen = new Set();
  const add = (name, at, body) => {
    if (seen.has(body)) return;
    seen.add(body);
    const close = matchBracket(code, body);
    if (close < 0) return;
    const line = lineOf(starts, at);
    out.push({ name, line, lines: lineOf(starts, close) - line + 1 });
  };
  // Named functions and methods: `name<T>(…) {` / `function name(…): T {`.
  const call = /([A-Za-z_$#][\w$]*)\s*(?:<[^(){};]*>)?\s*\(/g;
  let m;
  while ((m = call.exec(code))) {
    const name = m[1];
    if (NOT_METHODS.has(name)) continue;
    const open = m.index + m[0].length - 1;
    const close = matchBracket(code, open);
    if (close < 0) continue;
    const body = bodyAfterParams(code, close + 1);
    if (body < 0) continue;
    // A call is never followed by `{` or `=> {` (but `async (…) => {` is an arrow).
    if (name === "async") continue;
    add(name === "function" ? "<anonymous>" : name, m.index, body);
  }
  // Arrow functions: `(…) => {`, `x => {`, `async (…) => {`.
  const arrow = /=>\s*\{/g;
  while ((m = arrow.exec(code))) {
    const body = m.index + m[0].length - 1;
    if (seen.has(body)) continue;
    let j = m.index - 1;
    while (/\s/.test(code[j] ?? "")) j--;
    let start = j;
    if (code[j] === ")") start = openParen(code, j);
    else if (/[\w$]/.test(code[j] ?? "")) while (/[\w$]/.test(code[start - 1] ?? "")) start--;
    else {
      // `(…): Type => {`: walk back to the parameter list before the `:`.
      const colon = code.lastIndexOf(":", j);
      const paren = colon > 0 ? code.lastIndexOf(")", colon) : -1;
      start = paren >= 0 ? openParen(code, paren) : j;
    }
    if (start < 0) start = m.index;
    const before = code.slice(Math.max(0, start - 120), start);
    const named = /(?:([A-Za-z_$][\w$]*)\s*(?::[^=;]*)?=|([A-Za-z_$][\w$]*)\s*:)\s*(?:async\s*)?$/.exec(before);
    add(named ? named[1] ?? named[2] : "<arrow>", start, body);
  }
  return out.sort((a, b) => a.line - b.line);
}

/** Relative import specifiers with their lines: `from "./x"`, `import("./x")`, `import "./x"`. */
export function tsImports(code, text, starts) {
  const out = [];
  // Specifiers are string literals, which blanking removed: find the keyword in the
  // blanked code, then read the literal from the original text at the same place.
  const re = /\b(from|import)\b/g;
  let m;
  while ((m = re.exec(code))) {
    let i = m.index + m[0].length;
    while (/\s/.test(text[i] ?? "")) i++;
    if (m[1] === "import" && text[i] === "(") {
      i++;
      while (/\s/.test(text[i] ?? "")) i++;
    }
    const quote = text[i];
    if ((quote !== '"' && quote !== "'") || code[i] !== " ") continue;
    const end = text.indexOf(quote, i + 1);
    const spec = end > 0 ? text.slice(i + 1, end) : "";
    if (spec.startsWith("./") || spec.startsWith("../")) out.push({ spec, line: lineOf(starts, m.index) });
  }
  return out;
}

function resolveImport(from, spec, known) {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m?js|jsx?)$/, "");
  const tries = [base, stem + ".ts", stem + ".tsx", stem + ".mts", stem + ".js", stem + ".mjs", join(base, "index.ts"), join(base, "index.js")];
  return tries.find((t) => known.has(t));
}

/** Strongly connected components with more than one file (or a file importing itself). */
export function circles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const out = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!idx.has(to)) {
        strong(to);
        low.set(v, Math.min(low.get(v), low.get(to)));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v), idx.get(to)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      const self = (graph.get(v) ?? []).some((e) => e.to === v);
      if (comp.length > 1 || self) out.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

function checkTs(file, text, limits) {
  const v = [];
  const code = blankTs(text);
  const starts = lineStarts(code);
  const n = countLines(text);
  if (n > limits.file) v.push({ kind: "file", file, line: 1, lines: n, limit: limits.file, message: `file has ${n} lines (limit ${limits.file})` });
  for (const f of tsFunctions(code, starts)) {
    if (f.lines > limits.fn) v.push({ kind: "function", file, line: f.line, name: f.name, lines: f.lines, limit: limits.fn, message: `function ${f.name} is ${f.lines} lines (limit ${limits.fn})` });
  }
  return { violations: v, imports: tsImports(code, text, starts) };
}

// ── Main ─────────────────────────────────────────────────────────────────────

export function check(root, limits = { file: 500, fn: 80 }) {
  const violations = [];
  const rel = (p) => relative(root, p).split(sep).join("/");
  let files = 0;
  for (const r of RUST_ROOTS) {
    for (const p of walk(join(root, r), (n) => n.endsWith(".rs"))) {
      files++;
      violations.push(...checkRust(rel(p), readFileSync(p, "utf8"), limits));
    }
  }
  const tsFiles = TS_ROOTS.flatMap((r) => walk(join(root, r), isTs));
  const known = new Set(tsFiles);
  const graph = new Map();
  for (const p of tsFiles) {
    files++;
    const { violations: v, imports } = checkTs(rel(p), readFileSync(p, "utf8"), limits);
    violations.push(...v);
    const edges = [];
    for (const imp of imports) {
      const to = resolveImport(p, imp.spec, known);
      if (to) edges.push({ to, line: imp.line });
    }
    graph.set(p, edges);
  }
  for (const comp of circles(graph)) {
    const members = new Set(comp);
    const names = comp.map(rel);
    for (const p of comp) {
      const edge = graph.get(p).find((e) => members.has(e.to));
      violations.push({ kind: "circle", file: rel(p), line: edge.line, cycle: names, message: `import circle: imports ${rel(edge.to)}; circle of ${names.length}: ${names.join(", ")}` });
    }
  }
  return { files, violations };
}

function main(argv) {
  const args = { json: false, root: resolve(dirname(fileURLToPath(import.meta.url)), ".."), file: 500, fn: 80 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") args.json = true;
    else if (a === "--root") args.root = resolve(argv[++i] ?? ".");
    else if (a === "--max-file") args.file = Number(argv[++i]);
    else if (a === "--max-fn") args.fn = Number(argv[++i]);
    else {
      process.stderr.write(`check-rooms: unknown argument ${a}\nusage: node scripts/check-rooms.mjs [--json] [--root DIR] [--max-file N] [--max-fn N]\n`);
      return 2;
    }
  }
  if (!Number.isFinite(args.file) || !Number.isFinite(args.fn)) {
    process.stderr.write("check-rooms: --max-file and --max-fn take numbers\n");
    return 2;
  }
  const { files, violations } = check(args.root, { file: args.file, fn: args.fn });
  if (args.json) process.stdout.write(JSON.stringify({ files, violations }, null, 2) + "\n");
  else {
    for (const v of violations) process.stdout.write(`${v.file}:${v.line}: ${v.message}\n`);
    const counts = ["file", "function", "circle"].map((k) => `${violations.filter((v) => v.kind === k).length} ${k}`);
    process.stdout.write(`check-rooms: ${files} files, ${violations.length} violations (${counts.join(", ")})\n`);
  }
  return violations.length ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
