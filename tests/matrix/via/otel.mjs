// The scenario's agent work as OpenTelemetry GenAI spans (the semantic conventions'
// names), made with the real tracer of @opentelemetry/sdk-trace-base and recorded by
// @agentlens/sdk/otel's span processor: an agent span holding a chat span, a tool span and
// a failing tool span, in the scenario's session (`gen_ai.conversation.id`). Parents are
// passed explicitly, so no context manager is needed (there is none on edge runtimes).
import { SpanStatusCode, context, trace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { AgentLensSpanProcessor } from "@agentlens/sdk/otel";

/** Records the scenario's LLM call, tool and failing tool through the OTel integration; resolves with its flush. */
export default async function viaOtel(tracker, { prompt, secrets, sessionId }) {
  const processor = new AgentLensSpanProcessor({ tracker });
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer("matrix");
  const agent = tracer.startSpan("invoke_agent matrix-agent", { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "matrix-agent", "gen_ai.conversation.id": sessionId } });
  const inAgent = trace.setSpan(context.active(), agent);
  const chat = tracer.startSpan("chat gpt-4o", {
    attributes: {
      "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 80,
      "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: prompt }] }]),
      "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: `Searching flights for ${secrets.email}` }] }]),
    },
  }, inAgent);
  chat.end();
  const search = tracer.startSpan("execute_tool search_flights", {
    attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search_flights", "gen_ai.tool.call.id": "call_1", "gen_ai.tool.call.arguments": JSON.stringify({ from: "SFO", auth: secrets.bearer }), "gen_ai.tool.call.result": JSON.stringify({ flights: 2 }) },
  }, inAgent);
  search.end();
  const shell = tracer.startSpan("execute_tool shell", {
    attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "shell", "gen_ai.tool.call.id": "call_2", "gen_ai.tool.call.arguments": JSON.stringify({ cmd: "cat ~/.aws/credentials" }) },
  }, inAgent);
  const error = new Error(`shell refused: credentials ${secrets.sk} rejected for ${secrets.email}`);
  shell.recordException(error);
  shell.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  shell.setAttribute("error.type", "Error");
  shell.end();
  agent.end();
  return () => processor.forceFlush(); // delivered in the scenario's second phase
}
