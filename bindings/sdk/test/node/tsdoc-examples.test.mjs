// Every TSDoc `@example` in bindings/sdk/src and bindings/cli/src runs, as loro runs its doc examples (house
// style §7). The test reads the fenced ```ts or ```js block after each `@example` in a
// `/** ... */` comment and runs it as an ES module in a child process against the BUILT
// packages: `"@agentlens/sdk"` and `"@agentlens/sdk/node"` become the file URL of
// dist/entrypoints/node.js, `"@agentlens/sdk/analysis"` that of
// dist/entrypoints/analysis-node.js, and `"@agentlens/cli/collector"` that of the CLI
// package's dist/collector/index.js. TypeScript is stripped with `ts.transpileModule` because
// Node 20 cannot strip types. Top-level await is allowed.
//
// Each child runs with a fresh temporary directory as its cwd and with
// `AGENTLENS_ENDPOINT` set to a local receiver, so an example that sends to the default
// endpoint delivers to loopback. A preloaded guard makes `fetch` to anything but loopback
// fail the example. An example fails if the child exits non-zero, times out (20 s,
// a hang guard), or writes to stderr anything but Node's own warnings and `agentlens:`
// warnings. An `agentlens: internal error` warning counts as a failure, because it means
// the package hit a bug.
//
// The framework integrations' examples (`@agentlens/sdk/openai-agents`, `/ai-sdk`, `/otel`,
// `/langchain`) import their framework: `@agentlens/sdk/<framework>` becomes the file URL of
// dist/integrations/<framework>.js, and the example's folder links the repository's
// node_modules, where the frameworks are installed as dev dependencies. An example that
// imports `ai` (AI SDK 7: Node >= 22) runs on the pinned Node 24.
//
// A fence whose info string contains `no-run` (```ts no-run: why) is reported as skipped
// with that reason. Use it only for examples meant for another runtime.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const SOURCE_DIRS = [fileURLToPath(new URL("../../src/", import.meta.url)), fileURLToPath(new URL("../../../cli/src/", import.meta.url))];
const ENTRY = new URL("../../dist/entrypoints/node.js", import.meta.url);
const ANALYSIS_ENTRY = new URL("../../dist/entrypoints/analysis-node.js", import.meta.url);
const COLLECTOR_ENTRY = new URL("../../../cli/dist/collector/index.js", import.meta.url);
// The collector needs node:sqlite (Node >= 22): its examples run on the project's pinned
// Node 24 (npm package `node`), the others on the Node running this test.
const NODE_24 = fileURLToPath(new URL("../../../../node_modules/node/bin/node", import.meta.url));
const TIMEOUT_MS = 20_000;
const RUNNABLE = new Set(["ts", "typescript", "mts", "js", "javascript", "mjs"]);

/**
 * The `@example` blocks of one source file.
 * @returns {{ file: string, line: number, lang: string | null, code: string, noRun: string | null }[]}
 *   `line` is the 1-based line of the block's first line of code (or of the `@example`
 *   tag when it has no runnable fence, `lang` null); `noRun` is the skip reason.
 */
function examplesIn(path) {
  const text = readFileSync(path, "utf8");
  const file = relative(fileURLToPath(new URL("../../../", import.meta.url)), path).split(sep).join("/");
  const out = [];
  for (const m of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = text.slice(0, m.index).split("\n").length;
    const lines = m[0].split("\n").map((l, i, all) => {
      if (i === 0) l = l.replace(/^\s*\/\*\*\s?/, "");
      if (i === all.length - 1) l = l.replace(/\s*\*\/\s*$/, "");
      return i === 0 ? l : l.replace(/^\s*\* ?/, "");
    });
    let section = null; // the @example being read: { line, blocks }
    let fence = null; // the open fence: { marker, lang, noRun, line, body }
    const close = () => {
      if (section && section.blocks === 0) out.push({ file, line: section.line, lang: null, code: "", noRun: null });
      section = null;
    };
    lines.forEach((l, i) => {
      const lineNo = firstLine + i;
      if (fence) {
        if (l.trimEnd().startsWith(fence.marker) && l.trim().replace(/[`~]/g, "") === "") {
          if (section && RUNNABLE.has(fence.lang)) {
            section.blocks++;
            out.push({ file, line: fence.line, lang: fence.lang, code: fence.body.join("\n"), noRun: fence.noRun });
          }
          fence = null;
        } else fence.body.push(l);
        return;
      }
      const open = /^\s*(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(l);
      if (open) {
        const rest = open[3];
        const noRun = /\bno-run\b/.test(rest) ? rest.replace(/^.*?\bno-run\b\s*[:—-]?\s*/, "").trim() || "marked no-run" : null;
        fence = { marker: open[1], lang: open[2].toLowerCase(), noRun, line: lineNo + 1, body: [] };
        return;
      }
      if (/^\s*@example\b/.test(l)) {
        close();
        section = { line: lineNo, blocks: 0 };
      } else if (/^\s*@\w+/.test(l)) close();
    });
    close();
  }
  return out;
}

const sources = SOURCE_DIRS.flatMap((dir) =>
  readdirSync(dir, { recursive: true })
    .filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"))
    .sort()
    .map((p) => join(dir, p)),
);
const examples = sources.flatMap(examplesIn);

/** The example as a runnable ES module, with the package names pointing at the built packages. */
function toModule(example) {
  let js = example.code;
  if (example.lang !== "js" && example.lang !== "javascript" && example.lang !== "mjs") {
    const { outputText, diagnostics } = ts.transpileModule(js, {
      fileName: "example.ts",
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    if (diagnostics?.length) {
      const messages = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      throw new Error(`the example does not parse as TypeScript:\n${messages.join("\n")}`);
    }
    js = outputText;
  }
  const url = JSON.stringify(ENTRY.href);
  const analysisUrl = JSON.stringify(ANALYSIS_ENTRY.href);
  const collectorUrl = JSON.stringify(COLLECTOR_ENTRY.href);
  js = js.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])@agentlens\/cli\/collector\2/g, (_, head) => head + collectorUrl);
  js = js.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])@agentlens\/sdk\/analysis\2/g, (_, head) => head + analysisUrl);
  js = js.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])@agentlens\/sdk\/(openai-agents|ai-sdk|otel|langchain)\2/g, (_, head, _q, name) => head + JSON.stringify(new URL(`../../dist/integrations/${name}.js`, import.meta.url).href));
  return js.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])@agentlens\/sdk(?:\/node)?\2/g, (_, head) => head + url);
}

// Preloaded with --import before the example: `fetch` to anything but loopback is refused,
// and the refusal fails the example at exit. (The HTTP exporter captures fetch when it
// loads, so the guard must come first.)
const GUARD = `
const original = globalThis.fetch;
const blocked = [];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
globalThis.fetch = function guardedFetch(input, init) {
  let host = "";
  try { host = new URL(typeof input === "string" || input instanceof URL ? input : input.url).hostname; } catch {}
  if (!LOOPBACK.has(host)) {
    blocked.push(host);
    return Promise.reject(new TypeError("tsdoc-examples: network access to " + host + " is blocked (loopback only)"));
  }
  return original.call(this, input, init);
};
process.on("exit", () => {
  if (blocked.length === 0) return;
  process.stderr.write("tsdoc-examples: blocked fetch to non-loopback host(s): " + [...new Set(blocked)].join(", ") + "\\n");
  process.exitCode = 1;
});
`;

/**
 * Stderr lines other than Node's warnings (`(node:123) [AGENTLENS] Warning: ...` among
 * them) and `agentlens:` warnings. An agentlens internal error is always unexpected.
 */
function unexpectedStderr(stderr) {
  const allowed = (l) =>
    (l.startsWith("(node:") || l.startsWith("(Use `node --trace-warnings") || /^agentlens:/i.test(l)) &&
    !/agentlens: internal error/i.test(l);
  return stderr.split("\n").filter((l) => l.trim() !== "" && !allowed(l));
}

function run(dir, cwd, env, node = process.execPath) {
  return new Promise((resolve) => {
    execFile(
      node,
      ["--import", pathToFileURL(join(dir, "guard.mjs")).href, join(dir, "example.mjs")],
      { cwd, env, timeout: TIMEOUT_MS, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => resolve({ error, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

const numbered = (text) =>
  text
    .split("\n")
    .map((l, i) => `${String(i + 1).padStart(3)} | ${l}`)
    .join("\n");

describe("TSDoc @example blocks", () => {
  let receiver;
  const requests = [];

  before(async () => {
    const server = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200, { "Content-Type": "application/json" }).end('{"status":"ok"}');
      });
    });
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    receiver = { server, url: `http://127.0.0.1:${server.address().port}` };
  });

  after(() => new Promise((resolve) => (receiver ? receiver.server.close(resolve) : resolve())));

  test("the scan finds the @example blocks in src", () => {
    assert.ok(sources.length > 0, `no .ts files under ${SOURCE_DIRS.join(", ")}`);
    assert.ok(examples.length > 0, "no @example blocks found: has the comment format changed?");
  });

  for (const example of examples) {
    const name = `example at ${example.file}:${example.line} runs`;
    if (example.noRun !== null) {
      test(name, { skip: `no-run: ${example.noRun}` }, () => {});
      continue;
    }
    test(name, { timeout: TIMEOUT_MS + 10_000 }, async (t) => {
      assert.ok(example.lang !== null, "this @example has no ```ts or ```js fence; add one, or mark it ```ts no-run");
      const source = toModule(example);
      const dir = await mkdtemp(join(tmpdir(), "agentlens-example-"));
      t.after(() => rm(dir, { recursive: true, force: true }));
      const cwd = join(dir, "cwd");
      await mkdir(cwd);
      await writeFile(join(dir, "example.mjs"), source);
      // The frameworks the integrations' examples import resolve from the repository.
      await symlink(fileURLToPath(new URL("../../../../node_modules", import.meta.url)), join(dir, "node_modules"), "dir");
      await writeFile(join(dir, "guard.mjs"), GUARD);

      const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith("AGENTLENS_") && !k.startsWith("NODE_TEST")),
      );
      env.AGENTLENS_ENDPOINT = receiver.url;
      const seen = requests.length;
      const node = /["'](@agentlens\/cli\/collector|ai|ai\/test)["']/.test(example.code) ? NODE_24 : process.execPath;
      const { error, stdout, stderr } = await run(dir, cwd, env, node);
      const sent = requests.length - seen;
      if (sent > 0) t.diagnostic(`${sent} request(s) to the local receiver`);
      for (const line of stderr.split("\n").filter((l) => l.trim() !== "")) t.diagnostic(`stderr: ${line}`);
      if (process.env.TSDOC_EXAMPLES_VERBOSE) for (const line of stdout.split("\n").filter((l) => l.trim() !== "")) t.diagnostic(`stdout: ${line}`);

      const context = `\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout.slice(0, 4000)}\n--- example.mjs ---\n${numbered(source)}`;
      if (error?.killed) assert.fail(`timed out after ${TIMEOUT_MS} ms (hang guard)${context}`);
      assert.equal(error?.code ?? 0, 0, `exited with code ${error?.code}${context}`);
      assert.deepEqual(unexpectedStderr(stderr), [], `wrote to stderr${context}`);
    });
  }
});
