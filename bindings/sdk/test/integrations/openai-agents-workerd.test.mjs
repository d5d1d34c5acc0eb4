// The OpenAI Agents agent with @agentlens/sdk/openai-agents inside workerd (Cloudflare's
// runtime, npm @cloudflare/workerd-linux-64): fixtures/openai-agents/worker.mjs is bundled
// by esbuild with the `workerd` export condition (the SDK's wasm kept as a module, as
// wrangler does), served on 127.0.0.1, and flushes through ctx.waitUntil to a loopback
// receiver after the response. The real @openai/agents runner, a scripted model, no network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { importTrace } from "@agentlens/sdk/analysis";
import { startReceiver } from "../support/receiver.mjs";
import { serveBundledWorker, skipBundledWorker } from "../support/workerd.mjs";
import { EMAIL, SECRET, USAGE } from "./fixtures/openai-agents/agent.mjs";

test("in workerd, the OpenAI Agents run is delivered through ctx.waitUntil(processor.forceFlush()) after the response", { skip: skipBundledWorker, timeout: 120_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const entry = fileURLToPath(new URL("./fixtures/openai-agents/worker.mjs", import.meta.url));
  // @openai/agents on workerd needs nodejs_compat (its workerd shims import node:*), as
  // wrangler bundles it: node built-ins stay imports, bare ones as node:*.
  const builtins = ["fs", "path", "child_process", "tty", "util", "os", "crypto", "stream", "events", "process", "timers", "async_hooks", "buffer", "url"].map((m) => `--alias:${m}=node:${m}`);
  const esbuildArgs = ["--main-fields=browser,module,main", "--external:node:*", ...builtins];
  const server = await serveBundledWorker(t, { entry, receiverUrl: receiver.url, esbuildArgs, compatibilityFlags: ["nodejs_compat"] });

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
