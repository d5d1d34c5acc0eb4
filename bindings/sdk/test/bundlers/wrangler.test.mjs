// Cloudflare Workers through wrangler, as docs/bundlers.md says: a Worker that imports
// "@agentlens/sdk" from the installed tarball, bundled by `wrangler deploy --dry-run` (wrangler's
// esbuild, the `workerd` condition, .wasm imports as compiled modules), then run in workerd
// itself on 127.0.0.1, tracking a session, computing its cost (the analysis wasm, also a
// module) and sending the events in `ctx.waitUntil` to a loopback receiver.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startReceiver } from "../support/receiver.mjs";
import { startWorkerd } from "../support/workerd.mjs";
import { packAndInstall, repoRoot } from "./support.mjs";

const node24 = join(repoRoot, "node_modules/node/bin/node"); // wrangler needs Node >= 22.12
const wrangler = join(repoRoot, "node_modules/wrangler/bin/wrangler.js");
const workerd = join(repoRoot, "node_modules/@cloudflare/workerd-linux-64/bin/workerd");
const skip = [node24, wrangler, workerd].every(existsSync) ? false : "wrangler, workerd or the project's Node 24 is not installed (npm ci)";

const WORKER_JS = `import { init } from "@agentlens/sdk";

export default {
  async fetch(request, env, ctx) {
    const tracker = init({ endpoint: env.RECEIVER, apiKey: "worker-key" }); // inside the handler
    tracker.startSession({ agentName: "wrangler-worker", sessionId: "wrangler-1" });
    tracker.track({ eventType: "llm_call", model: "gpt-4o", inputData: { prompt: "card 4111 1111 1111 1111" }, tokensIn: 1000, tokensOut: 100 });
    const cost = await tracker.cost();
    ctx.waitUntil(tracker.endSession("wrangler-1")); // sends everything after the response
    return Response.json({ tokensIn: cost.tokens_in });
  },
};
`;

/** workerd's config for wrangler's output: the bundle and each .wasm module it imports. */
function capnp(outDir, receiverUrl) {
  const modules = [`(name = "worker.js", esModule = embed "out/worker.js")`];
  for (const f of readdirSync(outDir).filter((n) => n.endsWith(".wasm"))) modules.push(`(name = "${f}", wasm = embed "out/${f}")`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker), (name = "loopback", network = (allow = ["local"]))],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  compatibilityDate = "2025-09-01",
  bindings = [(name = "RECEIVER", text = ${JSON.stringify(receiverUrl)})],
  globalOutbound = "loopback",
);
`;
}


test("a Worker bundled by wrangler runs in workerd and sends its session in waitUntil", { skip }, async (t) => {
  const { project } = packAndInstall();
  const dir = join(project, "worker");
  mkdirSync(dir);
  writeFileSync(join(dir, "worker.js"), WORKER_JS);
  writeFileSync(join(dir, "wrangler.toml"), 'name = "agentlens-worker"\nmain = "worker.js"\ncompatibility_date = "2025-09-01"\n');
  const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", WRANGLER_LOG_PATH: join(project, "wrangler-logs") };
  await promisify(execFile)(node24, [wrangler, "deploy", "--dry-run", "--outdir", "out"], { cwd: dir, env });
  const outDir = join(dir, "out");
  assert.equal(readdirSync(outDir).filter((n) => n.endsWith(".wasm")).length, 4, "wrangler kept the SDK's, the analysis, the integrations' and the regex engine's wasm as modules");

  const receiver = await startReceiver();
  t.after(() => receiver.close());
  writeFileSync(join(dir, "config.capnp"), capnp(outDir, receiver.url));
  const server = await startWorkerd(workerd, join(dir, "config.capnp"), t);
  const res = await fetch(`http://127.0.0.1:${server.port}/`);
  const text = await res.text();
  assert.equal(res.status, 200, `${text}\n${server.output()}`);
  assert.deepEqual(JSON.parse(text), { tokensIn: 1000 });
  // waitUntil sends after the response; wait for it with no time limit (setTimeout's largest delay).
  await receiver.waitFor((r) => r.events().some((e) => e.event_type === "session_end"), { timeoutMs: 2 ** 31 - 1 });
  const events = receiver.events();
  assert.deepEqual(events.map((e) => e.event_type), ["session_start", "llm_call", "session_end"]);
  assert.ok(!JSON.stringify(events).includes("4111 1111 1111 1111"), "redacted inside workerd");
  assert.ok(receiver.requests.every((r) => r.headers["x-api-key"] === "worker-key"));
});
