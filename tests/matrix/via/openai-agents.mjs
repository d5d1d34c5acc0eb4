// The scenario's agent work through OpenAI Agents JS (@openai/agents, offline: a scripted
// `Model` that opens the generation span a real model opens) with
// @agentlens/sdk/openai-agents's tracing processor: the agent calls search_flights (works)
// and shell (throws; the SDK hands the error back to the model), then answers.
import { Agent, Runner, Usage, createGenerationSpan, resetCurrentSpan, setCurrentSpan, setTraceProcessors, setTracingDisabled, tool } from "@openai/agents";
import { z } from "zod";
import { AgentLensTracingProcessor } from "@agentlens/sdk/openai-agents";

const call = (id, name, args) => ({ type: "function_call", id: `fc_${id}`, callId: `call_${id}`, name, status: "completed", arguments: JSON.stringify(args) });

/** A model answering from a script, one turn per call, with usage, inside a generation span. */
class ScriptModel {
  constructor(turns) {
    this.turns = turns;
    this.calls = 0;
  }

  async getResponse(request) {
    const [output, input, out] = this.turns[Math.min(this.calls++, this.turns.length - 1)];
    const span = request.tracing ? createGenerationSpan(undefined, request._internal?.tracingParent) : undefined;
    span?.start();
    if (span) setCurrentSpan(span);
    try {
      if (span) {
        span.spanData.model = "gpt-4o";
        span.spanData.usage = { input_tokens: input, output_tokens: out };
        if (request.tracing === true) {
          span.spanData.input = typeof request.input === "string" ? [{ role: "user", content: request.input }] : request.input;
          span.spanData.output = output;
        }
      }
      const usage = new Usage({ requests: 1, inputTokens: input, outputTokens: out, totalTokens: input + out });
      return { usage, output, responseId: `resp_${this.calls}` };
    } finally {
      span?.end();
      if (span) resetCurrentSpan();
    }
  }

  async *getStreamedResponse() {
    throw new Error("not scripted");
  }
}

/** Records the scenario's LLM calls, tool and failing tool through the OpenAI Agents integration; resolves with its flush. */
export default async function viaOpenAiAgents(tracker, { prompt, secrets, sessionId }) {
  const processor = new AgentLensTracingProcessor({ tracker });
  setTraceProcessors([processor]);
  setTracingDisabled(false); // the SDK turns tracing off by default in browsers
  const model = new ScriptModel([
    [[call("1", "search_flights", { from: "SFO", auth: secrets.bearer }), call("2", "shell", { cmd: "cat ~/.aws/credentials" })], 1000, 50],
    [[{ type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: `Searching flights for ${secrets.email}` }] }], 200, 30],
  ]);
  const search = tool({ name: "search_flights", description: "Searches flights.", parameters: z.object({ from: z.string(), auth: z.string() }), execute: async () => ({ flights: 2 }) });
  const shell = tool({
    name: "shell", description: "Runs a command.", parameters: z.object({ cmd: z.string() }),
    execute: async () => {
      throw new Error(`shell refused: credentials ${secrets.sk} rejected for ${secrets.email}`);
    },
  });
  const agent = new Agent({ name: "book", instructions: "Book flights.", model, tools: [search, shell] });
  const runner = new Runner({ tracingDisabled: false, traceIncludeSensitiveData: true, groupId: sessionId, workflowName: "book" });
  await runner.run(agent, prompt);
  return () => processor.forceFlush(); // delivered in the scenario's second phase
}
