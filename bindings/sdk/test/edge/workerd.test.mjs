// Smoke test in real workerd (npm @cloudflare/workerd-linux-64): a Worker imports the
// package's edge entry point, loading the wasm by static import as a compiled module
// (workerd refuses to compile wasm from bytes), tracks events and flushes through
// `ctx.waitUntil` to a local receiver. No bundler: the config lists the built files as
// modules, generated here from bindings/sdk/dist and bindings/sdk/wasm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { startReceiver } from "../support/receiver.mjs";
import { startWorkerd } from "../support/workerd.mjs";
import { startOtlpReceiver } from "../otlp/receiver.mjs";
import { spansOfBody } from "../otlp/schema.mjs";

const pkgDir = fileURLToPath(new URL("../../", import.meta.url));
const workerFile = fileURLToPath(new URL("./worker.mjs", import.meta.url));

function workerdBinary() {
  try {
    const require = createRequire(import.meta.url);
    const bin = join(require.resolve("@cloudflare/workerd-linux-64/package.json"), "..", "bin", "workerd");
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

const capnpString = (s) => JSON.stringify(s); // ASCII paths and URLs: JSON quoting is valid capnp

/** A workerd config: the worker, an "@agentlens/sdk" module resolved through the exports map, and the package's files. */
function config(receiverUrl) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const target = pkg.exports["."].workerd.default; // e.g. ./dist/entrypoints/edge.js
  const modules = [
    `(name = "worker.mjs", esModule = embed "worker.mjs")`,
    // workerd resolves a relative import against the module's name, here "@agentlens/sdk":
    // "../" steps out of "@agentlens/" to the package root, where the files below live.
    `(name = "@agentlens/sdk", esModule = ${capnpString(`export * from ${JSON.stringify(target.replace(/^\.\//, "../"))};\n`)})`,
  ];
  for (const file of listFiles(join(pkgDir, "dist"))) {
    if (!file.endsWith(".js")) continue;
    const name = relative(pkgDir, file);
    modules.push(`(name = ${capnpString(name)}, esModule = embed ${capnpString(`pkg/${name}`)})`);
  }
  modules.push(`(name = "wasm/agentlens_wasm.js", esModule = embed "pkg/wasm/agentlens_wasm.js")`);
  modules.push(`(name = "wasm/agentlens_wasm_bg.wasm", wasm = embed "pkg/wasm/agentlens_wasm_bg.wasm")`);
  // @agentlens/sdk/analysis: its own wasm, also a static import, loaded by the tracker's first
  // analysis call (a dynamic import of dist/entrypoints/analysis-edge.js).
  modules.push(`(name = "wasm-analysis/agentlens_wasm.js", esModule = embed "pkg/wasm-analysis/agentlens_wasm.js")`);
  modules.push(`(name = "wasm-analysis/agentlens_wasm_bg.wasm", wasm = embed "pkg/wasm-analysis/agentlens_wasm_bg.wasm")`);
  // The regex engine for redactPatterns and price data: a static import, instantiated when a
  // pattern first needs it.
  modules.push(`(name = "wasm-patterns/agentlens_wasm.js", esModule = embed "pkg/wasm-patterns/agentlens_wasm.js")`);
  modules.push(`(name = "wasm-patterns/agentlens_wasm_bg.wasm", wasm = embed "pkg/wasm-patterns/agentlens_wasm_bg.wasm")`);
  // The price data, a module of its own: imported by the analysis entry and the OTLP exporter.
  modules.push(`(name = "prices/catalog.js", esModule = embed "pkg/prices/catalog.js")`);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # Outbound requests may reach loopback only: the receiver.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")}
  ],
  compatibilityDate = "2025-09-01",
  bindings = [(name = "RECEIVER", text = ${capnpString(receiverUrl)})],
  globalOutbound = "loopback",
);
`;
}


const bin = workerdBinary();

test("a Worker in workerd tracks events and flushes them in waitUntil to the receiver", { skip: bin ? false : "workerd is not installed (npm @cloudflare/workerd-linux-64)", timeout: 60_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const dir = await mkdtemp(join(tmpdir(), "agentlens-workerd-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await symlink(pkgDir, join(dir, "pkg"));
  await symlink(workerFile, join(dir, "worker.mjs"));
  await writeFile(join(dir, "config.capnp"), config(receiver.url));

  const workerd = await startWorkerd(bin, join(dir, "config.capnp"), t);
  const base = `http://127.0.0.1:${workerd.port}`;

  // Two invocations of the same isolate, each flushing its own events in waitUntil.
  for (const [run, n] of [["1", 7], ["2", 12]]) {
    const res = await fetch(`${base}/?run=${run}&n=${n}`);
    const text = await res.text();
    assert.equal(res.status, 200, `${text}\n${workerd.output()}`);
    const answer = JSON.parse(text);
    assert.equal(answer.platform, "edge");
    await receiver.waitFor((r) => r.events().filter((e) => e.session_id === `edge-${run}`).length === n);
  }

  const events = receiver.events();
  assert.deepEqual(events.filter((e) => e.session_id === "edge-1").map((e) => e.input_data.seq), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(events.filter((e) => e.session_id === "edge-2").map((e) => e.input_data.seq), Array.from({ length: 12 }, (_, i) => i));
  assert.ok(receiver.requests.every((r) => r.path === "/events" && r.headers["x-api-key"] === "edge-key"));
  assert.ok(!JSON.stringify(events).includes("canary.person@example.org"), "redacted inside workerd");
  t.diagnostic(`workerd (Driver level) delivered ${events.length} events in ${receiver.requests.length} requests`);

  // The same through init/startSession/track, ending the session inside waitUntil.
  const tracked = await fetch(`${base}/tracker?run=t1&n=4`);
  assert.equal(tracked.status, 200, `${await tracked.clone().text()}\n${workerd.output()}`);
  assert.equal((await tracked.json()).sessionId, "edge-tracker-t1");
  await receiver.waitFor((r) => r.events().some((e) => e.session_id === "edge-tracker-t1" && e.event_type === "session_end"));
  const session = receiver.events().filter((e) => e.session_id === "edge-tracker-t1");
  assert.deepEqual(session.filter((e) => e.event_type === "llm_call").map((e) => e.input_data.seq), [0, 1, 2, 3]);
  // redactPatterns in workerd: the regex engine's module, instantiated by init().
  assert.deepEqual(session.filter((e) => e.event_type === "llm_call").map((e) => e.input_data.note), Array(4).fill("ref [REDACTED] é"));
  t.diagnostic(`workerd (tracker API) delivered session ${session.map((e) => e.event_type).join(", ")}`);

  // The analysis engines on the edge: the tracker loads the analysis wasm on first use.
  const analysed = await fetch(`${base}/analysis`);
  const body = await analysed.text();
  assert.equal(analysed.status, 200, `${body}\n${workerd.output()}`);
  const result = JSON.parse(body);
  assert.equal(result.compliant, false, "the strict preset forbids the shell tool");
  assert.ok(result.cost > 0);
  assert.equal(result.fired, 1);
  t.diagnostic(`workerd (analysis) ${body}`);
});

test("a Worker in workerd sends OTLP protobuf, plain and gzipped, that the official schema decodes", { skip: bin ? false : "workerd is not installed (npm @cloudflare/workerd-linux-64)", timeout: 60_000 }, async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const dir = await mkdtemp(join(tmpdir(), "agentlens-workerd-otlp-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await symlink(pkgDir, join(dir, "pkg"));
  await symlink(workerFile, join(dir, "worker.mjs"));
  await writeFile(join(dir, "config.capnp"), config(receiver.url));
  const workerd = await startWorkerd(bin, join(dir, "config.capnp"), t);

  for (const [run, gzip, n] of [["plain", "0", 3], ["gzip", "1", 4]]) {
    const res = await fetch(`http://127.0.0.1:${workerd.port}/otlp?run=${run}&gzip=${gzip}&n=${n}`);
    const text = await res.text();
    assert.equal(res.status, 200, `${text}\n${workerd.output()}`);
    assert.equal(JSON.parse(text).platform, "edge");
    const sessionId = `edge-otlp-${run}`;
    const spansOf = (r) => spansOfBody(r.body, r.headers["content-type"]);
    await receiver.waitFor((rec) => rec.accepted().flatMap(spansOf).some((s) => s.attributes["agentlens.span.kind"] === "session" && s.attributes["gen_ai.conversation.id"] === sessionId));
    const requests = receiver.accepted().filter((r) => spansOf(r).some((s) => s.attributes["gen_ai.conversation.id"] === sessionId));
    for (const r of requests) {
      assert.equal(r.path, "/v1/traces");
      assert.equal(r.headers["content-type"], "application/x-protobuf");
      assert.equal(r.headers["content-encoding"], gzip === "1" ? "gzip" : undefined, `${run}: Content-Encoding`);
    }
    const spans = requests.flatMap(spansOf).filter((s) => s.attributes["gen_ai.conversation.id"] === sessionId);
    assert.equal(spans.filter((s) => s.name === "chat gpt-4o").length, n);
    assert.equal(spans.length, n + 1, "the calls and the session");
    assert.equal(spans[0].resource["service.name"], "edge-otlp");
    assert.ok(!requests.some((r) => r.body.includes("canary.person@example.org")), "no content by default, and redacted anyway");
    t.diagnostic(`workerd OTLP (${run}): ${spans.length} spans in ${requests.length} request(s), ${requests.reduce((a, r) => a + r.raw.length, 0)} bytes on the wire`);
  }
});
