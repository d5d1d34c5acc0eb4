// The AI SDK agent with @agentlens/sdk/ai-sdk inside workerd (Cloudflare's runtime, npm
// @cloudflare/workerd-linux-64): fixtures/ai-sdk/worker.mjs is bundled by esbuild with the
// `workerd` export condition (the SDK's wasm kept as a module, as wrangler does), served on
// 127.0.0.1, and flushes through ctx.waitUntil to a loopback receiver. Each request's calls
// record in sessions of their own: the trace arrives after the response.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { importTrace } from "@agentlens/sdk/analysis";
import { startReceiver } from "../support/receiver.mjs";
import { serveBundledWorker, skipBundledWorker } from "../support/workerd.mjs";
import { SECRET_EMAIL, SECRET_KEY, USAGE } from "./fixtures/ai-sdk/agent.mjs";

test("in workerd, the AI SDK agent's trace is delivered through ctx.waitUntil after the response", { skip: skipBundledWorker, timeout: 120_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const entry = fileURLToPath(new URL("./fixtures/ai-sdk/worker.mjs", import.meta.url));
  const server = await serveBundledWorker(t, { entry, receiverUrl: receiver.url, esbuildArgs: ["--main-fields=module,main"] });

  const res = await fetch(`http://127.0.0.1:${server.port}/`);
  const text = await res.text();
  assert.equal(res.status, 200, `${text}\n${server.output()}`);
  const answer = JSON.parse(text);
  assert.equal(answer.platform, "edge");
  assert.match(answer.text, /Booked AF83/);
  assert.equal(answer.aborted, true);

  // Five top-level calls, five sessions, each ending; waitUntil sends them after the response.
  const events = () => receiver.accepted().flatMap((r) => importTrace(r.raw).events);
  await receiver.waitFor(() => events().filter((e) => e.event_type === "session_end").length === 5, { timeoutMs: 2 ** 31 - 1 });
  const all = events();
  const starts = all.filter((e) => e.event_type === "session_start");
  assert.deepEqual(starts.map((e) => e.agent_name), ["travel-agent", "summarizer", "follow-up", "itinerary", "notes"]);
  const agentSession = starts[0].session_id;
  const runs = all.filter((e) => e.event_type === "run_start" && e.session_id === agentSession);
  const sub = runs.find((r) => r.run_name === "flight-expert");
  assert.equal(runs.find((r) => r.run_id === sub.parent_run_id)?.run_name, "step 1", "the sub-agent nests under its step on workerd too");
  const llm = all.filter((e) => e.event_type === "llm_call");
  assert.deepEqual(llm.map((e) => e.tokens_in), [1200, 300, 1500, 500, 400, 0, 250]);
  assert.deepEqual([llm[0].cached_input_tokens, llm[0].reasoning_tokens, llm[0].attributes.cache_creation_input_tokens], [800, 60, 200]);
  const ends = all.filter((e) => e.event_type === "session_end");
  const totalIn = ends.reduce((n, e) => n + e.total_tokens_in, 0);
  assert.equal(totalIn, Object.values(USAGE).reduce((n, u) => n + u.inputTokens.total, 0) + 12);
  assert.ok(all.some((e) => e.event_type === "tool_error" && e.tool_call.tool_name === "book_hotel"));
  const bodies = receiver.accepted().map((r) => r.raw.toString("utf8")).join("\n");
  assert.ok(!bodies.includes(SECRET_KEY) && !bodies.includes(SECRET_EMAIL), "redacted inside workerd");
  assert.ok(receiver.requests.every((r) => r.headers["x-api-key"] === "edge-key"));
});
