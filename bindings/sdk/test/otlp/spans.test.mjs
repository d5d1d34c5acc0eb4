// A realistic session through the tracker, the core's OTLP encoder and createOtlpExporter
// to a real local HTTP server, read back with the OFFICIAL opentelemetry-proto schema
// (protobuf strictly decoded; JSON checked for the OTLP/JSON rules, then converted and
// verified): every span the conventions expect, with the attributes they require for its
// operation, the right tokens, parents, ids (computed here from docs/otlp.md's FNV-1a
// rule), kinds, statuses and exception events; content absent by default, present and
// redacted with `captureContent`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createOtlpExporter, Tracker } from "@agentlens/sdk";
import { startOtlpReceiver } from "./receiver.mjs";
import { SpanKind, StatusCode, spansOfBody } from "./schema.mjs";
import { ANSWER, PROMPT_MARK, RESPONSE, SECRETS, eventSpanId, runSpanId, sessionSpanId, traceIdOf, travelSession } from "./session.mjs";

/** Runs the travel session to a fresh receiver; returns the decoded spans, the requests and the stats. */
async function export_(t, options, sessionId) {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const otlp = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, ...options });
  const tracker = new Tracker({ exporters: [otlp], logLevel: "silent", batchSize: 5 });
  t.after(() => tracker.shutdown(1000));
  const ids = await travelSession(tracker, sessionId);
  assert.equal(await tracker.flush(), true);
  const stats = tracker.stats();
  const spans = receiver.accepted().flatMap((r) => spansOfBody(r.body, r.headers["content-type"]));
  return { receiver, spans, stats, ids };
}

/** The span with this id, which must exist once. */
function byId(spans, id) {
  const found = spans.filter((s) => s.spanId === id);
  assert.equal(found.length, 1, `one span with id ${id}; names: ${spans.map((s) => `${s.name}=${s.spanId}`).join(", ")}`);
  return found[0];
}

/** What the GenAI conventions require on a span, by its operation. */
function checkRequired(span) {
  const a = span.attributes;
  const op = a["gen_ai.operation.name"];
  if (op === undefined) {
    assert.match(span.name, /^agentlens\./, `${span.name}: a span without a GenAI operation is one of ours`);
    return;
  }
  if (op === "chat") {
    for (const k of ["gen_ai.provider.name", "gen_ai.request.model"]) assert.ok(a[k], `${span.name}: ${k}`);
    assert.equal(span.name, `chat ${a["gen_ai.request.model"]}`);
  } else if (op === "execute_tool") {
    assert.ok(a["gen_ai.tool.name"], `${span.name}: gen_ai.tool.name`);
    assert.equal(span.name, `execute_tool ${a["gen_ai.tool.name"]}`);
  } else if (op === "invoke_agent") {
    assert.match(span.name, /^invoke_agent( |$)/);
    if (a["gen_ai.agent.name"]) assert.equal(span.name, `invoke_agent ${a["gen_ai.agent.name"]}`);
  } else {
    assert.ok(["search_memory", "update_memory", "upsert_memory"].includes(op), `${span.name}: a known operation (${op})`);
  }
}

for (const protocol of ["http/protobuf", "http/json"]) {
  test(`a realistic session arrives as GenAI spans that the official schema reads (${protocol})`, async (t) => {
    const sessionId = `trip-${protocol.slice(5)}`;
    const { receiver, spans, stats, ids } = await export_(t, { protocol, serviceName: "travel-service", resourceAttributes: { "deployment.environment.name": "test" } }, sessionId);
    const contentType = protocol === "http/json" ? "application/json" : "application/x-protobuf";
    for (const r of receiver.requests) {
      assert.equal(r.path, "/v1/traces");
      assert.equal(r.headers["content-type"], contentType, "the Content-Type matches the body");
    }
    // 9 events, 2 run_end, session_end: 12 spans. A start (session_start, run_start) is
    // remembered for its end's span, not queued, so the OTLP sink never counts it.
    assert.equal(stats.tracked, 12);
    assert.equal(stats.delivered, 12, JSON.stringify(stats));
    assert.equal(stats.pending, 0);
    assert.equal(spans.length, 12, spans.map((s) => s.name).join(", "));
    assert.equal(new Set(spans.map((s) => s.spanId)).size, 12, "span ids are unique");

    const trace = traceIdOf(sessionId);
    const sessionSpan = sessionSpanId(sessionId);
    const outer = runSpanId(sessionId, ids.runs.outer);
    const inner = runSpanId(sessionId, ids.runs.inner);
    const event = (name) => byId(spans, eventSpanId(sessionId, ids.events[name]));
    const named = (name) => spans.find((s) => s.name === name);
    const now = BigInt(Date.now()) * 1_000_000n;

    for (const s of spans) {
      assert.equal(s.traceId, trace, `${s.name}: the session's trace`);
      assert.equal(s.resource["service.name"], "travel-service");
      assert.equal(s.resource["deployment.environment.name"], "test");
      assert.ok(s.start > now - 3_600_000_000_000n && s.start <= s.end && s.end <= now + 60_000_000_000n, `${s.name}: times are this run's (${s.start}..${s.end})`);
      assert.equal(s.attributes["gen_ai.conversation.id"], sessionId, `${s.name}: gen_ai.conversation.id`);
      assert.ok(s.attributes["agentlens.event.type"], `${s.name}: agentlens.event.type`);
      assert.ok([SpanKind.SPAN_KIND_INTERNAL, SpanKind.SPAN_KIND_CLIENT].includes(s.kind), `${s.name}: kind ${s.kind}`);
      checkRequired(s);
      if (s.status.code === StatusCode.STATUS_CODE_ERROR) {
        assert.ok(s.attributes["error.type"], `${s.name}: a failed span has error.type`);
        const ex = s.events.find((e) => e.name === "exception");
        assert.ok(ex && ex.attributes["exception.type"], `${s.name}: a failed span has an exception event`);
      }
      for (const text of [PROMPT_MARK, RESPONSE, ANSWER, SECRETS.email, SECRETS.apiKey]) {
        assert.ok(!JSON.stringify(s.attributes).includes(text), `${s.name}: no content by default (${text})`);
      }
    }
    for (const r of receiver.requests) {
      assert.ok(!r.body.includes(PROMPT_MARK) && !r.body.includes(SECRETS.apiKey) && !r.body.includes(SECRETS.email), "no prompt text in any body");
    }

    // The session: the root, with the session's token totals.
    const root = byId(spans, sessionSpan);
    assert.equal(root.parentSpanId, "");
    assert.equal(root.name, "invoke_agent travel-agent");
    assert.equal(root.kind, SpanKind.SPAN_KIND_INTERNAL);
    assert.equal(root.attributes["gen_ai.operation.name"], "invoke_agent");
    assert.equal(root.attributes["gen_ai.agent.name"], "travel-agent");
    assert.equal(root.attributes["agentlens.span.kind"], "session");
    assert.equal(root.attributes["agentlens.usage.input_tokens"], ids.tokens.in);
    assert.equal(root.attributes["agentlens.usage.output_tokens"], ids.tokens.out);

    // Runs: the outer under the session, the inner under the outer; the outer failed (ctx.error).
    const outerSpan = byId(spans, outer);
    const innerSpan = byId(spans, inner);
    assert.equal(outerSpan.parentSpanId, sessionSpan);
    assert.equal(innerSpan.parentSpanId, outer);
    for (const [s, id, name, status] of [[outerSpan, ids.runs.outer, "plan_trip", "error"], [innerSpan, ids.runs.inner, "search_flights", "completed"]]) {
      assert.equal(s.attributes["gen_ai.operation.name"], "invoke_agent");
      assert.equal(s.attributes["agentlens.span.kind"], "run");
      assert.equal(s.attributes["agentlens.run.id"], id);
      assert.equal(s.attributes["gen_ai.agent.id"], id);
      assert.equal(s.attributes["agentlens.run.name"], name);
      assert.equal(s.attributes["agentlens.run.status"], status);
      assert.ok(s.start <= s.end);
    }
    assert.equal(outerSpan.status.code, StatusCode.STATUS_CODE_ERROR);
    assert.notEqual(innerSpan.status.code, StatusCode.STATUS_CODE_ERROR);
    assert.equal(outerSpan.attributes["user.id"], "user-42");
    assert.ok(innerSpan.start >= outerSpan.start && innerSpan.end <= outerSpan.end, "the inner run inside the outer");

    // LLM calls: CLIENT spans, tokens with the cached ones included in the input.
    const chat1 = event("chat1");
    assert.equal(chat1.parentSpanId, outer);
    assert.equal(chat1.name, "chat gpt-4o");
    assert.equal(chat1.kind, SpanKind.SPAN_KIND_CLIENT);
    assert.equal(chat1.end - chat1.start, 812_500_000n, "lasts its duration_ms");
    assert.deepEqual(
      pick(chat1.attributes, ["gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.reasoning.output_tokens", "agentlens.event.id", "agentlens.event.type"]),
      { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 150, "gen_ai.usage.cache_read.input_tokens": 1000, "gen_ai.usage.reasoning.output_tokens": 40, "agentlens.event.id": ids.events.chat1, "agentlens.event.type": "llm_call" },
    );
    const chat2 = event("chat2");
    assert.equal(chat2.parentSpanId, inner);
    assert.equal(chat2.name, "chat claude-sonnet-4-5");
    assert.equal(chat2.attributes["gen_ai.provider.name"], "anthropic");
    assert.equal(chat2.attributes["gen_ai.usage.input_tokens"], 300);
    assert.equal(chat2.attributes["gen_ai.usage.output_tokens"], 60);
    assert.equal(chat2.attributes["gen_ai.usage.cache_read.input_tokens"] ?? 0, 0);
    assert.equal(chat1.attributes["gen_ai.usage.input_tokens"] + chat2.attributes["gen_ai.usage.input_tokens"], root.attributes["agentlens.usage.input_tokens"], "the session's input is its calls'");

    // Tools: one that worked, one that threw.
    const tool = event("tool");
    assert.equal(tool.parentSpanId, inner);
    assert.equal(tool.name, "execute_tool search_flights");
    assert.equal(tool.kind, SpanKind.SPAN_KIND_INTERNAL);
    assert.equal(tool.attributes["gen_ai.tool.type"], "function");
    assert.ok(tool.attributes["gen_ai.tool.call.id"]);
    assert.equal(tool.end - tool.start, 120_000_000n);
    const failed = named("execute_tool seat_map");
    assert.ok(failed, "the failing tool has its span");
    assert.equal(failed.parentSpanId, outer);
    assert.equal(failed.attributes["agentlens.event.type"], "tool_error");
    assert.equal(failed.status.code, StatusCode.STATUS_CODE_ERROR);
    assert.equal(failed.attributes["error.type"], "TypeError");
    assert.equal(failed.events.find((e) => e.name === "exception").attributes["exception.message"], "seat map unavailable");

    // Decision, memory, the agent's error, the final answer.
    const decision = event("decision");
    assert.equal(decision.name, "agentlens.decision");
    assert.equal(decision.attributes["agentlens.decision.confidence"], 0.85);
    assert.equal(decision.attributes["agentlens.decision.alternatives"], 2);
    assert.ok(decision.attributes["agentlens.decision.step"] !== undefined);
    const read = event("memoryRead");
    assert.equal(read.parentSpanId, inner);
    assert.equal(read.name, "search_memory key_value");
    assert.deepEqual(pick(read.attributes, ["gen_ai.operation.name", "agentlens.memory.key", "agentlens.memory.type"]), { "gen_ai.operation.name": "search_memory", "agentlens.memory.key": "user_prefs", "agentlens.memory.type": "key_value" });
    const write = event("memoryWrite");
    assert.equal(write.name, "upsert_memory key_value");
    assert.deepEqual(pick(write.attributes, ["gen_ai.operation.name", "agentlens.memory.key", "agentlens.memory.overwrite"]), { "gen_ai.operation.name": "upsert_memory", "agentlens.memory.key": "last_search", "agentlens.memory.overwrite": false });
    const error = event("error");
    assert.equal(error.name, "agentlens.error");
    assert.equal(error.status.code, StatusCode.STATUS_CODE_ERROR);
    assert.equal(error.attributes["error.type"], "RateLimitError");
    assert.equal(error.events.find((e) => e.name === "exception").attributes["exception.message"], "fare cache throttled");
    const final = event("final");
    assert.equal(final.name, "agentlens.final");
    assert.equal(final.attributes["agentlens.final.answer"], undefined);
    for (const s of [decision, write, error, final]) assert.equal(s.parentSpanId, outer, `${s.name} under the outer run`);
  });
}

test("captureContent: messages, tool arguments and answers go out, after redaction", async (t) => {
  for (const protocol of ["http/protobuf", "http/json"]) {
    const sessionId = `content-${protocol.slice(5)}`;
    const { receiver, spans, ids } = await export_(t, { protocol, captureContent: true }, sessionId);
    const raw = Buffer.concat(receiver.requests.map((r) => r.body));
    assert.ok(!raw.includes(SECRETS.apiKey), `${protocol}: the API key in the prompt is redacted`);
    assert.ok(!raw.includes(SECRETS.email), `${protocol}: the email in the prompt is redacted`);

    const chat = byId(spans, eventSpanId(sessionId, ids.events.chat1));
    const input = JSON.parse(chat.attributes["gen_ai.input.messages"]);
    assert.ok(Array.isArray(input) && input.length > 0);
    assert.equal(input[0].role, "user");
    const prompt = input[0].parts.map((p) => (p.type === "text" ? p.content : "")).join("");
    assert.ok(prompt.includes(PROMPT_MARK), `${protocol}: the prompt is there: ${prompt}`);
    assert.ok(!prompt.includes(SECRETS.apiKey) && !prompt.includes(SECRETS.email));
    const output = JSON.parse(chat.attributes["gen_ai.output.messages"]);
    assert.equal(output[0].role, "assistant");
    assert.ok(output[0].parts.some((p) => p.type === "text" && p.content.includes(RESPONSE)));
    assert.ok("finish_reason" in output[0]);

    const tool = byId(spans, eventSpanId(sessionId, ids.events.tool));
    assert.deepEqual(JSON.parse(tool.attributes["gen_ai.tool.call.arguments"]), { from: "SFO", to: "JFK" });
    assert.deepEqual(JSON.parse(tool.attributes["gen_ai.tool.call.result"]), { flights: 14 });
    const final = byId(spans, eventSpanId(sessionId, ids.events.final));
    assert.ok(String(final.attributes["agentlens.final.answer"]).includes(ANSWER));
    const decision = byId(spans, eventSpanId(sessionId, ids.events.decision));
    assert.ok(String(decision.attributes["agentlens.decision.reasoning"]).includes("red-eye"));
  }
});

test("semconv 1.36 names the provider gen_ai.system and leaves out the newer usage attributes", async (t) => {
  const { spans, ids } = await export_(t, { semconv: "1.36" }, "semconv-136");
  const chat = byId(spans, eventSpanId("semconv-136", ids.events.chat1));
  assert.equal(chat.attributes["gen_ai.system"], "openai");
  assert.equal(chat.attributes["gen_ai.provider.name"], undefined);
  assert.equal(chat.attributes["gen_ai.usage.reasoning.output_tokens"], undefined);
  assert.equal(chat.attributes["gen_ai.usage.cache_creation.input_tokens"], undefined);
  assert.equal(chat.attributes["gen_ai.usage.input_tokens"], 1200);
});

test("gzip end to end: the bodies decompress and decode with the official schema", async (t) => {
  const { receiver, spans, stats } = await export_(t, { compression: "gzip" }, "gzip-session");
  assert.ok(receiver.requests.length > 0);
  for (const r of receiver.requests) {
    assert.equal(r.headers["content-encoding"], "gzip");
    assert.equal(r.headers["content-type"], "application/x-protobuf");
    assert.notDeepEqual(r.raw, r.body);
  }
  assert.equal(spans.length, 12);
  assert.equal(stats.delivered, 12);
});

/** The listed keys of `o` that are set. */
function pick(o, keys) {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}
