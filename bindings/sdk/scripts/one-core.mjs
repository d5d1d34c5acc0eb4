// One chunk for what the Node entry point shares with the others (used by bundle.mjs).
//
// esbuild puts shared code in one chunk per set of entry points that use it. The other
// entry points (analysis, integrations, internal, slim, ...) each use another part of what
// `entrypoints/node.js` uses, so its code came in 7 chunks, and each module costs a cold
// start a resolution, a read, a compile and the linking of its names. Importing
// `@agentlens/sdk` in fresh Node 24 processes (CPU, median of 15, alternated, one run):
// 28.7 ms in 9 modules, 21.7 ms in 4, 18.0 ms with everything in one file.
//
// So every other entry point also re-exports all of it, each name renamed
// (`__agentlensCore_<module>_<name>`: never in the way of the entry point's own names, and
// no namespace object for a bundler to keep): every entry point then uses all of it, and it
// is one chunk. Those names then leave each entry point's export list, checked name for
// name against what it exported before, so no entry point exports more than its sources
// do, and an app's bundler drops what the app does not use, as before. The Node-only
// helpers (`node-fs.js`) stay in a chunk of their own: browsers load the core chunk too.
//
// What it costs: an entry point loaded on its own in Node (`@agentlens/sdk/analysis` in the
// collector) loads the whole core chunk (~144 KB) where it loaded two small ones.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Builds `options` (splitting on, `write` off) so that `nodeEntry`'s shared code is one
 * chunk; returns esbuild's output files, to be written by the caller.
 */
export async function buildWithOneCore(options, nodeEntry) {
  const first = await build({ ...options, metafile: true, write: false });
  const outputs = Object.values(first.metafile.outputs);
  const exportsOf = new Map(outputs.filter((o) => o.entryPoint).map((o) => [abs(o.entryPoint), o.exports]));
  const node = outputs.find((o) => o.entryPoint && abs(o.entryPoint) === nodeEntry);
  const core = [];
  for (const imported of node.imports) {
    const chunk = first.metafile.outputs[imported.path];
    if (imported.kind !== "import-statement" || !chunk) continue;
    const inputs = Object.keys(chunk.inputs).map(abs);
    if (!inputs.some((i) => i.endsWith("/node-fs.js"))) core.push(...inputs);
  }
  const marked = new Set(options.entryPoints.filter((e) => e !== nodeEntry));
  // Each core module's names, re-exported under names of their own (module number and name).
  const scan = await build({ ...options, entryPoints: core, splitting: false, metafile: true, write: false });
  const namesOf = new Map(Object.values(scan.metafile.outputs).filter((o) => o.entryPoint).map((o) => [abs(o.entryPoint), o.exports]));
  const marker = core
    .map((m) => [m, (namesOf.get(m) ?? []).filter((n) => n !== "default")])
    .filter(([, names]) => names.length > 0)
    .map(([m, names], i) => `export { ${names.map((n) => `${n} as ${PREFIX}${i}_${n}`).join(", ")} } from ${JSON.stringify(m)};`)
    .join("\n");
  const mark = {
    name: "one-core",
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!marked.has(args.path)) return undefined;
        return { contents: `${readFileSync(args.path, "utf8")}\n${marker}\n`, loader: "js", resolveDir: dirname(args.path) };
      });
    },
  };
  const second = await build({ ...options, plugins: [...(options.plugins ?? []), mark], metafile: true, write: false });
  const entryOf = new Map(Object.entries(second.metafile.outputs).filter(([, o]) => o.entryPoint).map(([path, o]) => [abs(path), abs(o.entryPoint)]));
  return second.outputFiles.map((file) => {
    const entry = entryOf.get(file.path);
    if (!entry || !marked.has(entry)) return { path: file.path, text: file.text };
    return { path: file.path, text: withExports(file.text, exportsOf.get(entry), file.path) };
  });
}

const PREFIX = "__agentlensCore_";

/** `text` without the marker's names in its closing export list, which must then be `names`. */
function withExports(text, names, path) {
  const at = text.lastIndexOf("\nexport {\n");
  const end = text.indexOf("\n};", at);
  if (at < 0 || end < 0 || text.slice(end + 3).trim() !== "") throw new Error(`one-core: no export list at the end of ${path}`);
  const kept = text
    .slice(at + "\nexport {\n".length, end)
    .split(",\n")
    .map((line) => line.trim().replace(/,$/, ""))
    .filter((spec) => !spec.split(" as ").pop().startsWith(PREFIX));
  const exported = kept.map((spec) => spec.split(" as ").pop()).sort();
  if (exported.join() !== [...names].sort().join()) throw new Error(`one-core: ${path} exports ${exported.join(", ")}; it exported ${[...names].sort().join(", ")}`);
  const list = kept.length === 0 ? "\nexport {};" : `\nexport {\n${kept.map((s) => `  ${s}`).join(",\n")}\n};`;
  return `${text.slice(0, at)}${list}\n`;
}

function abs(path) {
  return path.startsWith("/") ? path : join(process.cwd(), path);
}
