// A small traced agent whose trace goes to an OpenTelemetry backend over OTLP/HTTP, as
// GenAI spans (docs/otlp.md): a run with an LLM call, a tool, a decision and an answer.
//
// The endpoint is the standard OTEL_EXPORTER_OTLP_ENDPOINT (`/v1/traces` is appended;
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as is), default a local `agentlens serve`
// (http://127.0.0.1:3000), which accepts POST /v1/traces. OTEL_EXPORTER_OTLP_HEADERS,
// _PROTOCOL, _COMPRESSION, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES apply too;
// AGENTLENS_API_KEY, when set, is sent as X-API-Key (what `agentlens serve --api-key` asks).
//
//   npx agentlens serve &                  # or an OpenTelemetry Collector on :4318
//   node examples/otlp-export.mjs
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 node examples/otlp-export.mjs
import { createOtlpExporter, init, trace, wrapTool } from "@agentlens/sdk";

const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? undefined : "http://127.0.0.1:3000/v1/traces";
const apiKey = process.env.AGENTLENS_API_KEY;
const otlp = createOtlpExporter({
  ...(endpoint ? { endpoint } : {}),
  ...(apiKey ? { headers: { "X-API-Key": apiKey } } : {}),
  serviceName: process.env.OTEL_SERVICE_NAME ?? "otlp-example-agent",
});
const tracker = init({ exporters: [otlp], logLevel: "warn" });

// A deterministic stand-in for a model and a tool: no API key needed.
const weather = wrapTool(({ city }) => ({ city, forecast: "sunny", highC: 24 }), "get_weather");

const session = tracker.startSession({ agentName: "weather-agent" });
const answer = await trace.run("answer_question", async (ctx) => {
  ctx.llm({ model: "gpt-4o-mini", prompt: "What should I wear in Lisbon tomorrow?", response: "Let me check the forecast.", tokensIn: 14, tokensOut: 6, cachedInputTokens: 0, durationMs: 420 });
  ctx.decision({ reasoning: "Clothing depends on the forecast: call the weather tool.", alternatives: ["answer from general knowledge"], confidence: 0.9 });
  const forecast = weather({ city: "Lisbon" });
  ctx.llm({ model: "gpt-4o-mini", prompt: `Forecast: ${JSON.stringify(forecast)}. What to wear?`, response: "A T-shirt and light trousers.", tokensIn: 30, tokensOut: 8, durationMs: 380 });
  const text = "A T-shirt and light trousers: 24 °C and sunny.";
  ctx.final({ answer: text });
  return text;
});
await tracker.endSession(session.sessionId);
const stats = await tracker.shutdown(10_000);

console.log(`answer: ${answer}`);
console.log(`sent to ${otlp.target} (${otlp.otlp.protocol}) as trace of session ${session.sessionId}`);
// One span per event that ends something (a run's or session's start waits for its end).
const { tracked, delivered, dropped, pending, requests, retries, partialRejected, lastError } = stats.perExporter[0];
console.log(JSON.stringify({ tracked, delivered, dropped: Object.fromEntries(Object.entries(dropped).filter(([, n]) => n > 0)), pending, requests, retries, partialRejected }));
if (lastError) console.log(`last error: ${lastError.message}`);
process.exitCode = delivered === tracked ? 0 : 1;
