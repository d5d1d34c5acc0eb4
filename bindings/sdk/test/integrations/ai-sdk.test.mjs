// @agentlens/sdk/ai-sdk with the real `ai` 7 package, offline: the SDK's own mock models
// (`ai/test`) drive a realistic agent (fixtures/ai-sdk/agent.mjs: a plan step, two tool
// calls, one failing, one running a sub-agent; a streamed summary; a stream aborted in its
// second step; generateObject; embeddings) and the integration records it into a tracker
// whose HTTP exporter posts to a receiver on 127.0.0.1.
//
// `ai` 7 needs Node >= 22: on an older Node (the suite's Node 20) this file re-runs itself
// under the project's Node 24 (node_modules/node) and passes only if every test passed there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const NODE_24 = fileURLToPath(new URL("../../../../node_modules/node/bin/node", import.meta.url));
const SELF = fileURLToPath(import.meta.url);

if (Number(process.versions.node.split(".")[0]) < 22) {
  test("the AI SDK 7 tests pass under Node 24 (ai 7 needs Node >= 22)", { skip: existsSync(NODE_24) ? false : "the project's Node 24 is not installed (npm ci)" }, () => {
    // A child of a test file must not think it is one (node:test would skip running it).
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = spawnSync(NODE_24, ["--test", "--test-reporter=spec", SELF], { encoding: "utf8", env, timeout: 300_000 });
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 0, output);
    assert.match(output, /ℹ pass [1-9]/, output);
    assert.match(output, /ℹ fail 0\n/, output);
  });
} else {
  await defineTests();
}

async function defineTests() {
  const { registerTelemetry, generateText } = await import("ai");
  const { MockLanguageModelV4 } = await import("ai/test");
  const { Tracker } = await import("@agentlens/sdk");
  const { importTrace } = await import("@agentlens/sdk/analysis");
  const { agentlens, AgentLensTelemetry } = await import("@agentlens/sdk/ai-sdk");
  const { startReceiver } = await import("../support/receiver.mjs");
  const { SECRET_EMAIL, SECRET_KEY, USAGE, runAgent } = await import("./fixtures/ai-sdk/agent.mjs");

  globalThis.AI_SDK_LOG_WARNINGS = false; // the mocks' deprecation notices (generateObject)
  let receiver;
  before(async () => {
    receiver = await startReceiver();
  });
  after(async () => {
    globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
    await receiver.close();
  });

  const tracker = () => new Tracker({ endpoint: receiver.url, apiKey: "test-key", flushIntervalMs: 60_000, logLevel: "silent" });
  /** The receiver's events of one session, read back by the core's importer. */
  const sessionEvents = (id) => receiver.accepted().flatMap((r) => importTrace(r.raw).events).filter((e) => e.session_id === id);
  const sum = (key) => Object.values(USAGE).reduce((n, u) => n + u[key].total, 0);
  const EMBED_TOKENS = 12;

  test("registered globally: the agent arrives as a tree of calls, steps, model and tool calls, with every token once", async () => {
    const t = tracker();
    const telemetry = agentlens({ tracker: t });
    registerTelemetry(telemetry);
    t.startSession({ sessionId: "ai-global", agentName: "travel" });
    const answer = await runAgent();
    globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
    assert.match(answer.text, /Booked AF83/);
    assert.equal(answer.aborted, true);
    await t.endSession("ai-global");
    await telemetry.flush();
    // flush waited for delivery: the session's end is at the receiver already.
    const events = sessionEvents("ai-global");
    assert.ok(events.some((e) => e.event_type === "session_end"), `flush returned before delivery: ${events.map((e) => e.event_type)}`);

    const runs = new Map(events.filter((e) => e.event_type === "run_start").map((e) => [e.run_id, e]));
    const byName = (name, parent) => [...runs.values()].find((r) => r.run_name === name && (parent === undefined || r.parent_run_id === parent));
    const calls = [...runs.values()].filter((r) => !r.run_name.startsWith("step "));
    assert.deepEqual(calls.map((r) => [r.run_name, r.agent_name, r.attributes["ai.operationId"]]), [
      ["travel-agent", "travel-agent", "ai.generateText"],
      ["flight-expert", "flight-expert", "ai.generateText"],
      ["summarizer", "summarizer", "ai.streamText"],
      ["follow-up", "follow-up", "ai.streamText"],
      ["itinerary", "itinerary", "ai.generateObject"],
      ["notes", "notes", "ai.embedMany"],
    ]);
    const agent = byName("travel-agent");
    assert.equal(agent.parent_run_id, undefined);
    const step1 = byName("step 1", agent.run_id);
    const step2 = byName("step 2", agent.run_id);
    assert.ok(step1 && step2, "the agent's two steps are runs inside it");
    assert.equal(byName("flight-expert").parent_run_id, step1.run_id, "the sub-agent nests under the step whose tool ran it");
    const where = (e) => runs.get(e.run_id)?.run_name;
    /** The call an event belongs to: its run, or the call around its step. */
    const parentOf = (e) => {
      let run = runs.get(e.run_id);
      while (run?.run_name.startsWith("step ")) run = runs.get(run.parent_run_id);
      return run?.run_name;
    };

    const llm = events.filter((e) => e.event_type === "llm_call");
    const counts = (u) => [u.inputTokens.total, u.outputTokens.total, u.inputTokens.cacheRead, u.outputTokens.reasoning];
    assert.deepEqual(llm.map((e) => [e.model, parentOf(e), e.tokens_in, e.tokens_out, e.cached_input_tokens, e.reasoning_tokens]), [
      ["gpt-5-mini", "travel-agent", ...counts(USAGE.plan)],
      ["claude-haiku-4-5", "flight-expert", ...counts(USAGE.subAgent)],
      ["gpt-5-mini", "travel-agent", ...counts(USAGE.answer)],
      ["gpt-5-mini", "summarizer", ...counts(USAGE.summary)],
      ["gpt-5-mini", "follow-up", ...counts(USAGE.followUp)],
      ["gpt-5-mini", "follow-up", 0, 0, undefined, undefined],
      ["gpt-4.1-mini", "itinerary", ...counts(USAGE.itinerary)],
    ]);
    assert.equal(llm[0].attributes.cache_creation_input_tokens, USAGE.plan.inputTokens.cacheWrite);
    assert.equal(llm[0].attributes["gen_ai.provider.name"], "openai");
    assert.deepEqual(llm[0].attributes["gen_ai.response.finish_reasons"], ["tool-calls"]);
    assert.deepEqual(llm[0].input_data.prompt[0], { role: "system", content: "You are a travel assistant." });
    assert.match(llm[0].input_data.prompt[1].content, /Book me a trip to Paris/);
    assert.equal(llm[3].output_data.response, "Trip: SFO→CDG, hotel pending.", "the stream's text and usage arrive at its end");
    assert.equal(llm[5].attributes["error.type"], "AbortError", "the call in flight when the stream was aborted");
    assert.deepEqual(llm[6].output_data.response, JSON.stringify({ flight: "AF83", nights: 3 }));

    const tools = events.filter((e) => e.event_type.startsWith("tool_"));
    assert.deepEqual(tools.map((e) => [e.event_type, e.tool_call.tool_name, e.tool_call.tool_call_id, where(e)]), [
      ["tool_error", "book_hotel", "call_hotel", "step 1"],
      ["tool_call", "search_flights", "call_flights", "step 1"],
      ["tool_call", "get_weather", "call_weather", "step 1"],
    ]);
    assert.deepEqual(tools[1].tool_call.tool_input, { from: "SFO", to: "CDG", date: "2027-03-14" });
    assert.deepEqual(tools[1].tool_call.tool_output, { best: "AF83 departs 15:40, $820." });
    assert.equal(tools[0].error.message, "hotel API unavailable (503)");

    const followUp = byName("follow-up");
    const followEnd = events.find((e) => e.event_type === "run_end" && e.run_id === followUp.run_id);
    assert.equal(followEnd.status, "error");
    const abort = events.find((e) => e.event_type === "error");
    assert.deepEqual([abort.run_id, abort.error.error_type, abort.error.message], [followUp.run_id, "AbortError", "user closed the chat"]);

    const embed = events.find((e) => e.event_type === "generic");
    assert.deepEqual([embed.model, embed.tokens_in, where(embed)], ["text-embedding-3-small", EMBED_TOKENS, "notes"]);
    const agentEnd = events.find((e) => e.event_type === "run_end" && e.run_id === agent.run_id);
    assert.deepEqual([agentEnd.status, agentEnd.output_data], ["completed", undefined], "a text answer is its last model call's response");
    assert.equal(llm[2].output_data.response, answer.text);
    assert.equal(byName("summarizer").run_id, llm[3].run_id, "a call without tools has one step: no step run");
    const itineraryEnd = events.find((e) => e.event_type === "run_end" && e.run_id === byName("itinerary").run_id);
    assert.deepEqual(itineraryEnd.output_data.response, answer.object);

    const end = events.find((e) => e.event_type === "session_end");
    assert.deepEqual([end.total_tokens_in, end.total_tokens_out], [sum("inputTokens") + EMBED_TOKENS, sum("outputTokens")]);
    assert.equal(t.stats().integrationSkipped, 0);
    assert.equal(t.stats().internalErrors, 0);
    await t.shutdown(1000);
  });

  test("planted secrets (an sk- key in the prompt, an email in a tool input) never reach the receiver", async () => {
    const t = tracker();
    const telemetry = agentlens({ tracker: t });
    t.startSession({ sessionId: "ai-secrets" });
    await runAgent({ integrations: [telemetry] });
    await telemetry.flush();
    const bodies = receiver.accepted().map((r) => r.raw.toString("utf8"));
    assert.ok(bodies.some((b) => b.includes("ai-secrets") && b.includes("book_hotel") && b.includes("Book me a trip")));
    for (const b of bodies) {
      assert.ok(!b.includes(SECRET_KEY), "the sk- key was sent");
      assert.ok(!b.includes(SECRET_EMAIL), "the email was sent");
    }
    assert.ok(t.stats().redaction.matchesRedacted >= 2);
    await t.shutdown(1000);
  });

  test("every record handed to the core is plain data in V8's fast mode, written natively (failures' Errors aside)", async () => {
    const { isPlainJson } = await import("@agentlens/sdk/internal");
    // A record with a deleted key is a dictionary-mode object: still correct, but about
    // twice as dear to check and write. Asked of V8 itself (`%HasFastProperties`).
    const { setFlagsFromString } = await import("node:v8");
    setFlagsFromString("--allow-natives-syntax");
    const fast = new Function("o", "return %HasFastProperties(o)");
    const t = tracker();
    const telemetry = agentlens({ tracker: t });
    const records = [];
    const bridge = telemetry.bridge;
    const record = bridge.record.bind(bridge);
    bridge.record = (r) => {
      records.push(r);
      record(r);
    };
    t.startSession({ sessionId: "ai-plain" });
    await runAgent({ integrations: [telemetry] });
    await telemetry.flush();
    const hooks = new Set(records.map((r) => r.hook));
    for (const h of ["onStart", "onLanguageModelCallStart", "onLanguageModelCallEnd", "onToolExecutionStart", "onToolExecutionEnd", "onStepEnd", "onEnd", "onEmbedEnd"]) assert.ok(hooks.has(h), `no ${h} record among ${[...hooks]}`);
    assert.ok(records.some((r) => Object.values(r).includes(undefined)), "some record has an absent field (the case this is about)");
    for (const r of records) assert.ok(fast(r), `a dictionary-mode record: ${r.hook}`);
    const failures = (r) => r.error !== undefined || r.hook === "onAbort";
    for (const r of records.filter((r) => !failures(r))) assert.ok(isPlainJson(r), `not written natively: ${JSON.stringify(r).slice(0, 300)}`);
    await t.shutdown(1000);
  });

  test("per call, with recordInputs off: no prompts, tool inputs or embedded values; a session per top-level call", async () => {
    const t = tracker();
    const telemetry = agentlens({ tracker: t });
    const answer = await runAgent({ integrations: [telemetry], recordInputs: false });
    assert.match(answer.text, /Booked/);
    await telemetry.flush();
    const mine = receiver.accepted().flatMap((r) => importTrace(r.raw).events).filter((e) => e.event_type === "session_start" && e.metadata?.integration === "ai-sdk");
    const ids = new Set(mine.map((e) => e.session_id));
    const events = receiver.accepted().flatMap((r) => importTrace(r.raw).events).filter((e) => ids.has(e.session_id));
    const starts = events.filter((e) => e.event_type === "session_start");
    assert.deepEqual(starts.map((e) => e.agent_name).slice(-5), ["travel-agent", "summarizer", "follow-up", "itinerary", "notes"], "the sub-agent records in its parent's session");
    assert.equal(events.filter((e) => e.event_type === "session_end").length, starts.length);
    const llm = events.filter((e) => e.event_type === "llm_call");
    assert.equal(llm.length, 7);
    for (const e of llm) assert.equal(e.input_data, undefined, "a prompt was recorded");
    assert.ok(llm.some((e) => e.output_data?.response), "outputs are still recorded");
    for (const e of events.filter((e) => e.tool_call)) assert.ok(!JSON.stringify(e.tool_call.tool_input ?? null).includes("CDG"), "a tool input was recorded");
    assert.equal(events.find((e) => e.event_type === "generic").input_data, undefined);
    assert.equal(events.filter((e) => e.tokens_in).reduce((n, e) => n + e.tokens_in, 0), sum("inputTokens") + EMBED_TOKENS);
    await t.shutdown(1000);
  });

  test("with the integration's recordOutputs off: no responses or tool results, and errors keep only their type", async () => {
    const t = tracker();
    const telemetry = agentlens({ tracker: t, recordOutputs: false, sessionId: "ai-no-outputs" });
    await runAgent({ integrations: [telemetry] });
    await telemetry.flush();
    const events = sessionEvents("ai-no-outputs");
    assert.ok(events.filter((e) => e.event_type === "llm_call").every((e) => e.output_data === undefined));
    assert.ok(events.filter((e) => e.event_type === "llm_call").some((e) => e.input_data), "inputs are still recorded");
    assert.ok(events.filter((e) => e.tool_call).every((e) => e.tool_call.tool_output === undefined || e.tool_call.tool_output === null));
    const failed = events.find((e) => e.event_type === "tool_error");
    assert.equal(failed.error.error_type, "Error");
    assert.equal(failed.error.message, "");
    await t.shutdown(1000);
  });

  test("inside trace.run, a call records in the run's session and nests under it", async () => {
    const t = tracker();
    const telemetry = new AgentLensTelemetry({ tracker: t });
    const model = new MockLanguageModelV4({ doGenerate: { content: [{ type: "text", text: "hi" }], finishReason: { unified: "stop", raw: "stop" }, usage: USAGE.subAgent, warnings: [] } });
    let outer;
    await t.run("chat-turn", async (ctx) => {
      outer = ctx;
      await generateText({ model, prompt: "hello", telemetry: { integrations: [telemetry] } });
    }, { sessionId: "ai-in-run" });
    await telemetry.flush();
    const events = sessionEvents("ai-in-run");
    const call = events.find((e) => e.event_type === "run_start" && e.run_name === "generateText");
    assert.equal(call.parent_run_id, outer.runId);
    assert.ok(!events.some((e) => e.event_type === "session_start" && e.metadata?.integration === "ai-sdk"), "no session of its own");
    await t.shutdown(1000);
  });

  test("bad data never throws: hostile events (throwing getters, cycles, BigInt), a throwing sessionId, garbage usage", async () => {
    const t = tracker();
    const telemetry = agentlens({ tracker: t, sessionId: () => { throw new Error("no session for you"); } });
    const hostile = new Proxy({}, { get() { throw new Error("getter"); } });
    const cyclic = { callId: "x", big: 10n };
    cyclic.self = cyclic;
    for (const hook of ["onStart", "onStepStart", "onLanguageModelCallStart", "onLanguageModelCallEnd", "onToolExecutionStart", "onToolExecutionEnd", "onStepEnd", "onStepError", "onObjectStepStart", "onObjectStepEnd", "onEmbedStart", "onEmbedEnd", "onRerankStart", "onRerankEnd", "onEnd", "onAbort", "onError"]) {
      for (const bad of [undefined, null, 42, "text", hostile, cyclic, { callId: { nested: true }, usage: "lots", toolCall: 5 }]) {
        assert.doesNotThrow(() => telemetry[hook](bad), `${hook}(${typeof bad})`);
      }
    }
    const model = new MockLanguageModelV4({ doGenerate: { content: [{ type: "text", text: "ok" }], finishReason: { unified: "stop", raw: "stop" }, usage: { inputTokens: { total: "many" }, outputTokens: {} }, warnings: [] } });
    const { text } = await generateText({ model, prompt: "x", telemetry: { integrations: [telemetry] } });
    assert.equal(text, "ok");
    assert.equal(await telemetry.flush(), true);
    assert.ok(t.stats().internalErrors >= 1, "the throwing getters and sessionId were counted");
    await t.shutdown(1000);
  });
}
