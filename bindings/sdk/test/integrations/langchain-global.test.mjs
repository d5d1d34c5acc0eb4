// The handler registered once for every LangChain run, through LangChain's own configure
// hook (`registerConfigureHook` + `setContextVariable`, @langchain/core/context): runs made
// without any `callbacks` are recorded. Its own file: the hook is process-wide.
import { test } from "node:test";
import assert from "node:assert/strict";
import { init } from "@agentlens/sdk";
import { decodeNdjson } from "@agentlens/sdk/analysis";
import { AgentLensCallbackHandler } from "@agentlens/sdk/langchain";
import { registerConfigureHook, setContextVariable } from "@langchain/core/context";
import { startReceiver } from "../support/receiver.mjs";
import { buildAgent } from "./fixtures/langchain/agent.mjs";

test("registered through LangChain's configure hook, the handler records runs made without callbacks, once each", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const tracker = init({ endpoint: receiver.url, apiKey: "test-key", logLevel: "error", batchSize: 10_000, flushIntervalMs: 600_000 });
  t.after(() => tracker.shutdown(2000));
  const handler = new AgentLensCallbackHandler({ tracker });
  registerConfigureHook({ contextVar: "agentlens" });
  setContextVariable("agentlens", handler);

  await buildAgent().invoke({ question: "Lisbon?" });
  // Also given per call: LangChain keeps one handler per name, nothing is recorded twice.
  await buildAgent().invoke({ question: "Porto?" }, { callbacks: [handler] });
  await handler.flush(5000);
  const events = decodeNdjson(receiver.events().map((e) => JSON.stringify(e)).join("\n")).events;
  const roots = events.filter((e) => e.event_type === "run_start" && e.run_name === "weather-agent");
  assert.equal(roots.length, 2);
  assert.equal(events.filter((e) => e.event_type === "llm_call").length, 4);
  assert.equal(events.filter((e) => e.event_type === "tool_call").length, 2);
  assert.equal(tracker.stats().integrationSkipped, 0);
});
