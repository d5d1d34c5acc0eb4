// The OpenAI Agents agent with @agentlens/sdk/openai-agents inside workerd (Cloudflare's
// runtime, npm @cloudflare/workerd-linux-64): fixtures/openai-agents/worker.mjs is bundled
// by esbuild with the `workerd` export condition (the SDK's wasm kept as a module, as
// wrangler does), served on 127.0.0.1, and flushes through ctx.waitUntil to a loopback
// receiver after the response. The real @openai/agents runner, a scripted model, no network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { importTrace } from "@agentlens/sdk/analysis";
import { startReceiver } from "../support/receiver.mjs";
import { startWorkerd } from "../support/workerd.mjs";
import { EMAIL, SECRET, USAGE } from "./fixtures/openai-agents/agent.mjs";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const pkgDir = fileURLToPath(new URL("../../", import.meta.url));
const esbuild = join(root, "node_modules/.bin/esbuild");
const workerd = join(root, "node_modules/@cloudflare/workerd-linux-64/bin/workerd");
const skip = [esbuild, workerd].every(existsSync) ? false : "esbuild or workerd is not installed (npm ci)";

/** The SDK's wasm modules (the framework integrations' mapper in its own one when the package has it). */
const WASM = ["wasm", "wasm-analysis", "wasm-live"].filter((d) => existsSync(join(pkgDir, d, "agentlens_wasm_bg.wasm")));

/** workerd's config: the bundle (named so its `../../wasm/…` imports name the wasm modules) and the SDK's wasm modules. */
function capnp(receiverUrl) {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker), (name = "loopback", network = (allow = ["local"]))],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "bundle/out/worker.js", esModule = embed "bundle/out/worker.js"),
${WASM.map((d) => `    (name = "${d}/agentlens_wasm_bg.wasm", wasm = embed "pkg/${d}/agentlens_wasm_bg.wasm"),`).join("\n")}
  ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [(name = "RECEIVER", text = ${JSON.stringify(receiverUrl)})],
  globalOutbound = "loopback",
);
`;
}

test("in workerd, the OpenAI Agents run is delivered through ctx.waitUntil(processor.forceFlush()) after the response", { skip, timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "agentlens-openai-agents-workerd-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await symlink(pkgDir, join(dir, "pkg")); // embed paths are relative to the config
  const entry = fileURLToPath(new URL("./fixtures/openai-agents/worker.mjs", import.meta.url));
  // @openai/agents on workerd needs nodejs_compat (its workerd shims import node:*), as
  // wrangler bundles it: node built-ins stay imports, bare ones as node:*.
  const builtins = ["fs", "path", "child_process", "tty", "util", "os", "crypto", "stream", "events", "process", "timers", "async_hooks", "buffer", "url"].map((m) => `--alias:${m}=node:${m}`);
  execFileSync(esbuild, [entry, "--bundle", "--format=esm", "--platform=neutral", "--conditions=workerd,worker,browser", "--main-fields=browser,module,main", "--external:*.wasm", "--external:node:*", ...builtins, `--outfile=${join(dir, "bundle/out/worker.js")}`, "--log-level=error"], { cwd: root, stdio: "pipe" });
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  await writeFile(join(dir, "config.capnp"), capnp(receiver.url));
  const server = await startWorkerd(workerd, join(dir, "config.capnp"), t);

  const res = await fetch(`http://127.0.0.1:${server.port}/`);
  const text = await res.text();
  assert.equal(res.status, 200, `${text}\n${server.output()}`);
  const answer = JSON.parse(text);
  assert.equal(answer.platform, "edge");
  assert.match(answer.answer, /refund for order A-1234/);

  const events = () => receiver.accepted().flatMap((r) => importTrace(r.raw).events);
  await receiver.waitFor(() => events().some((e) => e.event_type === "session_end"), { timeoutMs: 2 ** 31 - 1 });
  const all = events();
  assert.ok(all.every((e) => e.session_id === "conv_42"));
  const runs = new Map(all.filter((e) => e.event_type === "run_start").map((e) => [e.run_id, e]));
  const llm = all.filter((e) => e.event_type === "llm_call");
  assert.deepEqual(llm.map((e) => [e.model, e.tokens_in, e.tokens_out, e.cached_input_tokens, e.reasoning_tokens]), [
    ["gpt-5-mini", ...USAGE.plan],
    ["gpt-5-mini", ...USAGE.tools],
    ["gpt-5-mini", ...USAGE.handoff],
    ["gpt-5", ...USAGE.answer],
  ]);
  for (const e of llm) {
    const turn = runs.get(e.run_id);
    assert.equal(turn.attributes.type, "turn");
    assert.equal(runs.get(turn.parent_run_id).attributes.type, "agent");
  }
  assert.deepEqual(all.filter((e) => e.tool_call).map((e) => [e.event_type, e.tool_call.tool_name]), [
    ["tool_call", "lookup_order"],
    ["tool_error", "refund_api"],
  ]);
  const end = all.find((e) => e.event_type === "session_end");
  assert.equal(end.total_tokens_in, Object.values(USAGE).reduce((n, u) => n + u[0], 0));
  const bodies = receiver.accepted().map((r) => r.raw.toString("utf8")).join("\n");
  assert.ok(!bodies.includes(SECRET) && !bodies.includes(EMAIL), "redacted inside workerd");
  assert.ok(receiver.requests.every((r) => r.headers["x-api-key"] === "edge-key"));
});
