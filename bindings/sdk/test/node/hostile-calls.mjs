// Every public function of @agentlens/sdk, @agentlens/sdk/analysis and the integrations,
// as a table of calls taking one hostile value `v` (see hostile-zoo.mjs) in one argument
// position, the others valid. Shared by hostile-every-call.test.mjs and scripts/hostile.mjs.
//
// Two contracts:
// - "throws only named": analysis and low-level functions may throw, but only the named
//   errors listed with the call (never a wasm trap, a RangeError, a TypeError or an Error
//   without a name of ours);
// - "never throws": tracking calls (the tracker, trace.run and every ctx method, the
//   wrappers, the integrations' callbacks) return normally, and the tracker keeps
//   delivering later events (checked by the caller through stats()).

// The analysis entry's two named errors (see bindings/sdk/src/analysis/args.ts):
// AgentLensDecodeError for a list argument that is not an array or not of the JSON shape
// the engine reads, AgentLensAnalysisError for everything else.
const ANALYSIS = ["AgentLensAnalysisError", "AgentLensDecodeError"];
/** An exporter that accepts everything, for trackers whose deliveries are not looked at. */
const nullExporter = { name: "null", format: "agentlens", send: async () => ({ status: 200 }) };
const CONFIG = ["AgentLensConfigError"];

const at = "2026-01-05T10:00:00Z";
export const goodEvents = () => [
  { event_type: "llm_call", session_id: "s1", timestamp: at, model: "gpt-4o", tokens_in: 10, tokens_out: 5, duration_ms: 100 },
  { event_type: "tool_call", session_id: "s1", timestamp: at, tool_call: { tool_name: "search" }, duration_ms: 20 },
];
const records = () => [1, 2, 3].map((d) => ({ timestamp: `2026-03-0${d}T12:00:00Z`, cost_usd: d, model: "gpt-4o", tokens: 100 }));
/** One event whose free-form and typed fields all hold `v`. */
const eventWith = (v) => ({ event_type: "llm_call", session_id: "s1", timestamp: at, model: v, tokens_in: v, duration_ms: v, input_data: v, metadata: v });
const policy = () => ({ name: "p", rules: [{ type: "forbidden_tools", tools: ["shell"] }] });
const rules = () => [{ rule_id: "r", name: "tokens", metric: "total_tokens", operator: ">", threshold: 1 }];
const samples = () => [{ ts_ms: Date.parse(at), session_id: "s1", event_type: "llm_call", tokens_in: 5 }];
const alertRules = () => ({ rules: [{ name: "slow", condition: { type: "threshold", metric: "duration_ms", operator: ">", value: 10 } }] });
const ndjson = () => goodEvents().map((e) => JSON.stringify(e)).join("\n");

/** Calls into `@agentlens/sdk/analysis` (module `A`): `[name, allowed error names, call(v)]`. */
export function analysisCalls(A) {
  const eventsSlots = (name, f) => [
    [`${name}(v)`, ANALYSIS, (v) => f(v)],
    [`${name}([v])`, ANALYSIS, (v) => f([v])],
    [`${name}([event with v])`, ANALYSIS, (v) => f([eventWith(v)])],
  ];
  const priced = (name, f) => [...eventsSlots(name, (e) => f(e)), [`${name}(events, v)`, ANALYSIS, (v) => f(goodEvents(), v)]];
  const rounded = (name, f) => [
    ...priced(name, f),
    [`${name}(events, undefined, v)`, ANALYSIS, (v) => f(goodEvents(), undefined, v)],
    [`${name}(events, undefined, {exact: v})`, ANALYSIS, (v) => f(goodEvents(), undefined, { exact: v })],
  ];
  const engine = () => A.createAlertEngine(alertRules());
  const set = () => A.createSessionSet(ndjson());
  return [
    ...rounded("sessionCost", (e, p, o) => A.sessionCost(e, p, o)),
    ...priced("sessionStats", (e, p) => A.sessionStats(e, p)),
    ...rounded("dailyCosts", (e, p, o) => A.dailyCosts(e, p, o)),
    ...rounded("costSummary", (e, p, o) => A.costSummary(e, p, o)),
    ...eventsSlots("usageRecords", (e) => A.usageRecords(e)),
    ["usageRecords(events, v)", ANALYSIS, (v) => A.usageRecords(goodEvents(), v)],
    ["usageRecords(events, {pricing: v})", ANALYSIS, (v) => A.usageRecords(goodEvents(), { pricing: v })],
    ["pricingLookup(v)", ANALYSIS, (v) => A.pricingLookup(v)],
    ["pricingLookup(model, v)", ANALYSIS, (v) => A.pricingLookup("gpt-4o", v)],
    ["pricingLookup(model, {provider: v})", ANALYSIS, (v) => A.pricingLookup("gpt-4o", { provider: v })],
    ["pricingLookup(model, {at: v})", ANALYSIS, (v) => A.pricingLookup("gpt-4o", { at: v })],
    ["pricingLookup(model, {pricing: v})", ANALYSIS, (v) => A.pricingLookup("gpt-4o", { pricing: v })],
    ["usePriceCatalog(v)", ANALYSIS, (v) => A.usePriceCatalog(v)],
    ["forecast(v, opts)", ANALYSIS, (v) => A.forecast(v, { days: 3 })],
    ["forecast([v], opts)", ANALYSIS, (v) => A.forecast([v], { days: 3 })],
    ["forecast(records, v)", ANALYSIS, (v) => A.forecast(records(), v)],
    ["forecast(records, {days: v})", ANALYSIS, (v) => A.forecast(records(), { days: v })],
    ["forecast(records, {method: v})", ANALYSIS, (v) => A.forecast(records(), { days: 3, method: v })],
    ["forecast(records, {confidence: v})", ANALYSIS, (v) => A.forecast(records(), { days: 3, confidence: v })],
    ["spendingSummary(v)", ANALYSIS, (v) => A.spendingSummary(v)],
    ["spendingSummary([record with v])", ANALYSIS, (v) => A.spendingSummary([{ timestamp: v, cost_usd: v, model: v }])],
    ["checkBudget(v, budget)", ANALYSIS, (v) => A.checkBudget(v, 100)],
    ["checkBudget(records, v)", ANALYSIS, (v) => A.checkBudget(records(), v)],
    ["checkBudget(records, budget, v)", ANALYSIS, (v) => A.checkBudget(records(), 100, v)],
    ["checkCompliance(v, events)", ANALYSIS, (v) => A.checkCompliance(v, goodEvents())],
    ["checkCompliance({rules: [v]}, events)", ANALYSIS, (v) => A.checkCompliance({ name: "p", rules: [v] }, goodEvents())],
    ...eventsSlots("checkCompliance(policy, …)", (e) => A.checkCompliance(policy(), e)),
    ["checkCompliance(policy, events, v)", ANALYSIS, (v) => A.checkCompliance(policy(), goodEvents(), v)],
    ["checkCompliance(…, {checkedAt: v})", ANALYSIS, (v) => A.checkCompliance(policy(), goodEvents(), { checkedAt: v })],
    ["checkCompliance(…, {validators: v})", ANALYSIS, (v) => A.checkCompliance({ name: "c", rules: [{ type: "mine" }] }, goodEvents(), { validators: v })],
    ["checkCompliance(…, validator answering v)", ANALYSIS, (v) => A.checkCompliance({ name: "c", rules: [{ type: "mine" }] }, goodEvents(), { validators: { mine: () => v } })],
    ["compliancePreset(v)", ANALYSIS, (v) => A.compliancePreset(v)],
    ["detectDrift(v, current)", ANALYSIS, (v) => A.detectDrift(v, [goodEvents()])],
    ["detectDrift(baseline, v)", ANALYSIS, (v) => A.detectDrift([goodEvents()], v)],
    ["detectDrift([[event with v]], current)", ANALYSIS, (v) => A.detectDrift([[eventWith(v)]], [goodEvents()])],
    ["detectDrift(…, v)", ANALYSIS, (v) => A.detectDrift([goodEvents()], [goodEvents()], v)],
    ["detectDrift(…, {threshold: v})", ANALYSIS, (v) => A.detectDrift([goodEvents()], [goodEvents()], { threshold: v })],
    ["createAlertEngine(v)", ANALYSIS, (v) => A.createAlertEngine(v).free()],
    ["createAlertEngine({rules: v})", ANALYSIS, (v) => A.createAlertEngine({ rules: v }).free()],
    ["createAlertEngine({rules: [v]})", ANALYSIS, (v) => A.createAlertEngine({ rules: [v] }).free()],
    ["alertEngine.push(v)", ANALYSIS, (v) => A.createAlertEngine(alertRules()).push(v)],
    ["alertEngine.push(event with v)", ANALYSIS, (v) => engine().push(eventWith(v))],
    ["alertEngine.pushMany(v)", ANALYSIS, (v) => engine().pushMany(v)],
    ["alertEngine.evaluate(v)", ANALYSIS, (v) => engine().evaluate(v)],
    ["alertEngine.evaluate([event with v])", ANALYSIS, (v) => engine().evaluate([eventWith(v)])],
    ["metricRule(v)", ANALYSIS, (v) => A.metricRule(v)],
    ["metricRule({threshold: v})", ANALYSIS, (v) => A.metricRule({ ...rules()[0], threshold: v })],
    ["metricRule({window_minutes: v, name: v})", ANALYSIS, (v) => A.metricRule({ ...rules()[0], window_minutes: v, cooldown_minutes: v, name: v })],
    ["evaluateMetricRules(v, samples)", ANALYSIS, (v) => A.evaluateMetricRules(v, samples(), { now: Date.parse(at) })],
    ["evaluateMetricRules(rules, v)", ANALYSIS, (v) => A.evaluateMetricRules(rules(), v, { now: Date.parse(at) })],
    ["evaluateMetricRules(rules, [sample with v])", ANALYSIS, (v) => A.evaluateMetricRules(rules(), [{ ts_ms: v, session_id: v, tokens_in: v }], { now: Date.parse(at) })],
    ["evaluateMetricRules(rules, samples, v)", ANALYSIS, (v) => A.evaluateMetricRules(rules(), samples(), v)],
    ["evaluateMetricRules(…, {now: v})", ANALYSIS, (v) => A.evaluateMetricRules(rules(), samples(), { now: v })],
    ["evaluateMetricRules(…, {lastFired: v})", ANALYSIS, (v) => A.evaluateMetricRules(rules(), samples(), { now: Date.parse(at), lastFired: v })],
    ["evaluateMetricRules(…, {lastFired: {r: v}})", ANALYSIS, (v) => A.evaluateMetricRules(rules(), samples(), { now: Date.parse(at), lastFired: { r: v } })],
    ["importTrace(v)", ANALYSIS, (v) => A.importTrace(v)],
    ["traceImporter.push(v)", ANALYSIS, (v) => {
      const i = A.createTraceImporter();
      try {
        i.push(v);
        return i.finish();
      } finally {
        i.free();
      }
    }],
    ["gzip(v)", ANALYSIS, (v) => A.gzip(v)],
    ["gzip(bytes, v)", ANALYSIS, (v) => A.gzip(new Uint8Array(8), v)],
    ["gunzip(v)", ANALYSIS, (v) => A.gunzip(v)],
    ["gunzip(gz, v)", ANALYSIS, (v) => A.gunzip(A.gzip(new Uint8Array(64)), v)],
    ["decodeNdjson(v)", ANALYSIS, (v) => A.decodeNdjson(v)],
    ["decodeWireBody(v)", ANALYSIS, (v) => A.decodeWireBody(v)],
    ["createSessionSet(v)", ANALYSIS, (v) => A.createSessionSet(v).free()],
    ["createSessionSet([event with v])", ANALYSIS, (v) => A.createSessionSet([eventWith(v)]).free()],
    ["sessionSet.compliance(v)", ANALYSIS, (v) => set().compliance(v)],
    ["sessionSet.compliance(preset, v)", ANALYSIS, (v) => set().compliance("strict", v)],
    ["sessionSet.compliance(preset, {checkedAt: v, withText: v})", ANALYSIS, (v) => set().compliance("strict", { checkedAt: v, withText: v })],
    ["sessionSet.drift(v, ids)", ANALYSIS, (v) => set().drift(v, ["s1"])],
    ["sessionSet.drift(ids, v)", ANALYSIS, (v) => set().drift(["s1"], v)],
    ["sessionSet.drift(ids, ids, v)", ANALYSIS, (v) => set().drift(["s1"], ["s1"], v)],
    ["sessionSet.drift(…, {threshold: v})", ANALYSIS, (v) => set().drift(["s1"], ["s1"], { threshold: v })],
  ];
}

/** Calls into `@agentlens/sdk`'s low-level exports and exporter factories (module `S`). */
export function lowLevelCalls(S) {
  const REDACT = ["AgentLensConfigError", "AgentLensDecodeError"];
  const pipeline = () => S.createPipeline({});
  return [
    ["redactText(v)", REDACT, (v) => S.redactText(v)],
    ["redactText(text, v)", REDACT, (v) => S.redactText("mail bob@example.com", v)],
    ["redactJson(v, json)", REDACT, (v) => S.redactJson(v, "{}")],
    ["redactJson(options, v)", REDACT, (v) => S.redactJson({}, v)],
    ["createRedactor(v)", REDACT, (v) => S.createRedactor(v)],
    ["createRedactor(options)(v)", REDACT, (v) => S.createRedactor({})(v)],
    ["ndjsonHeader(v)", REDACT, (v) => S.ndjsonHeader(v)],
    ["resolveConfig(v)", CONFIG, (v) => S.resolveConfig(v)],
    ["resolveConfig({}, v)", CONFIG, (v) => S.resolveConfig({}, v)],
    ["createPipeline(v)", CONFIG, (v) => S.createPipeline(v).free()],
    ["pipeline.pushJson(v, json)", CONFIG, (v) => pipeline().pushJson(v, "[]")],
    ["pipeline.pushJson(now, v)", CONFIG, (v) => pipeline().pushJson(0, v)],
    ["pipeline.drain(v)", CONFIG, (v) => pipeline().drain(v)],
    ["pipeline.flush(v)", CONFIG, (v) => pipeline().flush(v)],
    ["pipeline.isFlushed(v)", CONFIG, (v) => pipeline().isFlushed(v)],
    ["pipeline.handleStatus(v, …)", CONFIG, (v) => pipeline().handleStatus(v, v, v, v, v)],
    ["pipeline.handleFailure(v, …)", CONFIG, (v) => pipeline().handleFailure(v, v, v)],
    ["pipeline.handleTimeout(v)", CONFIG, (v) => pipeline().handleTimeout(v)],
    ["pipeline.shutdown(v, v)", CONFIG, (v) => pipeline().shutdown(v, v)],
    ["toJsonSafe(v)", [], (v) => S.toJsonSafe(v)],
    ["safeStringify(v)", [], (v) => S.safeStringify(v)],
    ["createHttpExporter(v)", CONFIG, (v) => S.createHttpExporter(v)],
    ["createHttpExporter({endpoint: v, …})", CONFIG, (v) => S.createHttpExporter({ endpoint: v, apiKey: v, timeoutMs: v, headers: v })],
    ["createOtlpExporter(v)", CONFIG, (v) => S.createOtlpExporter(v)],
    ["createOtlpExporter({endpoint: v, …})", CONFIG, (v) => S.createOtlpExporter({ endpoint: v, headers: v, timeoutMs: v, serviceName: v })],
    ["createConsoleExporter(v)", CONFIG, (v) => S.createConsoleExporter(v)],
    ["createConsoleExporter({…: v})", CONFIG, (v) => S.createConsoleExporter({ pretty: v, log: v, name: v })],
    ["compositeExporter(v)", CONFIG, (v) => S.compositeExporter(v)],
    ["compositeExporter([v])", CONFIG, (v) => S.compositeExporter([v])],
    ["createNdjsonFileExporter(v)", CONFIG, (v) => S.createNdjsonFileExporter(v)],
    ["init(v)", CONFIG, (v) => S.init(v).shutdown(0)],
  ];
}

/** Every option of `init()` given `v`: each must work or throw `AgentLensConfigError` at once. */
export function initOptionCalls(S) {
  const names = [
    "apiKey", "endpoint", "profile", "logLevel", "logger", "enabled", "explainMaxEvents", "exitTimeoutMs",
    "format", "backendCompat", "batchSize", "flushIntervalMs", "maxRequestBytes", "maxRequestEvents", "maxRetries",
    "backoffBaseMs", "backoffCapMs", "maxRetryAfterMs", "requestTimeoutMs", "maxBufferEvents", "maxBufferBytes",
    "sampleRate", "onlyOnError", "maxHeldEvents", "redactKeys", "redactPatterns", "replaceDefaultPatterns",
    "replaceDefaultKeys", "redactionMarker", "maxFieldBytes", "maxEventBytes",
  ];
  return names.map((name) => [`init({${name}: v})`, CONFIG, (v) => {
    const tracker = S.init({ exporters: [nullExporter], [name]: v });
    tracker.track({ eventType: "after_init" }); // accepted options never throw later
    return tracker.shutdown(0);
  }]);
}

/**
 * Tracking calls on `tracker` (module `S`) that must never throw. `trace.run` and every
 * `ctx` method, the session API, the wrappers (their own throws are rethrown as they are:
 * those calls catch the value themselves).
 */
export function trackingCalls(S, tracker) {
  const all = (v) => ({
    eventType: v, inputData: v, outputData: v, model: v, tokensIn: v, tokensOut: v, cachedInputTokens: v, reasoningTokens: v,
    reasoning: v, alternatives: v, confidence: v, toolName: v, toolInput: v, toolOutput: v, durationMs: v, attributes: v, sessionId: v,
    usage: v, provider: v,
  });
  const inRun = (f) => tracker.run("hostile", (ctx) => f(ctx));
  return [
    ["startSession(v)", [], (v) => tracker.startSession(v)],
    ["startSession({…: v})", [], (v) => tracker.startSession({ agentName: v, metadata: v, sessionId: v })],
    ["track(v)", [], (v) => tracker.track(v)],
    ["track({…: v})", [], (v) => tracker.track(all(v))],
    ["track({usage: v})", [], (v) => tracker.track({ model: "gpt-4o", usage: v, provider: "openai" })],
    ["track({usage: {…: v}})", [], (v) => tracker.track({ model: "gpt-4o", usage: { input_tokens: v, output_tokens: v, cache_read_input_tokens: v, prompt_tokens_details: v }, provider: v })],
    ["trackTool(v)", [], (v) => tracker.trackTool(v)],
    ["trackTool({…: v})", [], (v) => tracker.trackTool({ toolName: v, toolInput: v, toolOutput: v, durationMs: v, sessionId: v })],
    ["explain(v)", [], (v) => tracker.explain(v)],
    ["explain(id, v)", [], (v) => tracker.explain(undefined, v)],
    ["run(v, fn)", [], (v) => tracker.run(v, () => 1)],
    ["run(name, fn, v)", [], (v) => tracker.run("r", () => 1, v)],
    ["ctx.llm(v)", [], (v) => inRun((c) => c.llm(v))],
    ["ctx.llm({…: v})", [], (v) => inRun((c) => c.llm({ model: v, prompt: v, response: v, tokensIn: v, tokensOut: v, durationMs: v, temperature: v, maxTokens: v }))],
    ["ctx.tool(v)", [], (v) => inRun((c) => c.tool(v))],
    ["ctx.tool({…: v})", [], (v) => inRun((c) => c.tool({ toolName: v, toolArgs: v, toolResult: v, durationMs: v }))],
    ["ctx.memoryRead({…: v})", [], (v) => inRun((c) => c.memoryRead({ key: v, value: v, memoryType: v }))],
    ["ctx.memoryWrite(v)", [], (v) => inRun((c) => c.memoryWrite(v))],
    ["ctx.memoryWrite({…: v})", [], (v) => inRun((c) => c.memoryWrite({ key: v, value: v, memoryType: v, overwrite: v }))],
    ["ctx.error(v)", [], (v) => inRun((c) => c.error(v))],
    ["ctx.error({…: v})", [], (v) => inRun((c) => c.error({ errorType: v, message: v, critical: v, stackTrace: v }))],
    ["ctx.decision(v)", [], (v) => inRun((c) => c.decision(v))],
    ["ctx.decision({…: v})", [], (v) => inRun((c) => c.decision({ reasoning: v, alternatives: v, confidence: v }))],
    ["ctx.final(v)", [], (v) => inRun((c) => c.final(v))],
    ["ctx.final({answer: v})", [], (v) => inRun((c) => c.final({ answer: v }))],
    ["ctx.emit(v, v)", [], (v) => inRun((c) => c.emit(v, v))],
    ["ctx.emit(type, {…: v})", [], (v) => inRun((c) => c.emit("custom", { inputData: v, outputData: v, extra: v, attributes: v, status: v, tokensIn: v }))],
    ["ctx.end(v)", [], (v) => inRun((c) => c.end(v))],
    ["trace.llm/tool/emit(v)", [], (v) => inRun(() => (S.trace.llm(v), S.trace.tool(v), S.trace.emit(v, v)))],
    // Boxed: a promise resolved with a Proxy reads its `then` (JS, not AgentLens).
    ["wrapTool(fn, v)(v)", [], (v) => S.wrapTool((a) => [a], v)(v)],
    ["wrapAgent(fn, v)(v)", [], (v) => S.wrapAgent(async (a) => [a], v)(v)],
    ["endSession(v)", [], (v) => tracker.endSession(v)],
    ["flush(v)", [], (v) => tracker.flush(typeof v === "number" ? Math.min(v, 50) : v)],
  ];
}

/** The integrations' public callbacks, each given `v` as the span, run or event. */
export function integrationCalls(I, tracker) {
  const agents = new I.AgentLensTracingProcessor({ tracker });
  const telemetry = I.agentlens({ tracker });
  const otel = new I.AgentLensSpanProcessor({ tracker });
  const chain = new I.AgentLensCallbackHandler({ tracker });
  const span = (v) => ({ traceId: "t1", spanId: "s1", parentId: v, startedAt: v, endedAt: v, spanData: { type: "generation", model: v, input: v, output: v, usage: v }, error: v });
  const otelSpan = (v) => ({
    name: v, kind: v, startTime: v, endTime: v, attributes: { "gen_ai.request.model": v, "gen_ai.usage.input_tokens": v, other: v },
    spanContext: () => ({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" }), status: v, events: v, resource: v,
  });
  return [
    ["openai-agents onTraceStart/End(v)", [], async (v) => (await agents.onTraceStart(v), await agents.onTraceEnd(v))],
    ["openai-agents onSpanStart/End(v)", [], async (v) => (await agents.onSpanStart(v), await agents.onSpanEnd(v))],
    ["openai-agents onSpanEnd(span with v)", [], async (v) => (await agents.onSpanStart(span(v)), await agents.onSpanEnd(span(v)))],
    ["ai-sdk callbacks(v)", [], (v) => {
      for (const m of ["onStart", "onStepStart", "onLanguageModelCallStart", "onLanguageModelCallEnd", "onToolExecutionStart", "onToolExecutionEnd", "onStepEnd", "onEnd", "onError", "onAbort"]) telemetry[m](v);
    }],
    ["ai-sdk callbacks({…: v})", [], (v) => {
      const e = { callId: "c1", model: v, provider: v, prompt: v, messages: v, usage: v, toolCall: v, output: v, text: v, functionId: v, metadata: v, error: v };
      for (const m of ["onStart", "onStepStart", "onLanguageModelCallStart", "onLanguageModelCallEnd", "onStepEnd", "onEnd"]) telemetry[m](e);
    }],
    ["otel onStart/onEnd(v)", [], (v) => (otel.onStart(v), otel.onEnd(v))],
    ["otel onStart/onEnd(span with v)", [], (v) => (otel.onStart(otelSpan(v)), otel.onEnd(otelSpan(v)))],
    ["langchain chain/llm/tool callbacks(v)", [], (v) => {
      chain.handleChainStart(v, v, v, v, v, v, v, v, v);
      chain.handleLLMStart(v, v, v, v, v, v, v, v);
      chain.handleChatModelStart(v, v, v, v, v, v, v, v);
      chain.handleLLMNewToken(v, v, v);
      chain.handleLLMEnd(v, v, v);
      chain.handleToolStart(v, v, v, v, v, v, v, v);
      chain.handleToolEnd(v, v, v);
      chain.handleToolError(v, v, v);
      chain.handleRetrieverStart(v, v, v, v, v, v, v);
      chain.handleRetrieverEnd(v, v, v);
      chain.handleAgentAction(v, v, v);
      chain.handleAgentEnd(v, v, v);
      chain.handleCustomEvent(v, v, v);
      chain.handleLLMError(v, v, v);
      chain.handleChainEnd(v, v, v, v, v);
      chain.handleChainError(v, v, v);
    }],
    ["langchain callbacks(run with v)", [], (v) => {
      chain.handleChainStart({ id: ["x", v] }, { input: v }, "run-1", undefined, [v], { m: v }, "chain", v);
      chain.handleLLMStart({ id: ["ChatOpenAI"], kwargs: { model: v } }, [v], "run-2", "run-1", { invocation_params: v });
      chain.handleLLMEnd({ generations: [[{ text: v, message: v }]], llmOutput: { tokenUsage: v } }, "run-2", "run-1");
      chain.handleToolStart({ name: v }, v, "run-3", "run-1");
      chain.handleToolEnd(v, "run-3", "run-1");
      chain.handleChainEnd({ output: v }, "run-1");
    }],
  ];
}
