// The scenario's agent work through the AI SDK 7 (`ai`) with @agentlens/sdk/ai-sdk, offline:
// the SDK's own test double (`ai/test`) answers step 1 with two tool calls (search_flights
// works, shell throws) and step 2 with the answer.
import { generateText, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";
import { agentlens } from "@agentlens/sdk/ai-sdk";

const usage = (input, output) => ({ inputTokens: { total: input, noCache: input }, outputTokens: { total: output, text: output } });

/** Records the scenario's LLM calls, tool and failing tool through the AI SDK integration; resolves with its flush. */
export default async function viaAiSdk(tracker, { prompt, secrets }) {
  const telemetry = agentlens({ tracker });
  const model = new MockLanguageModelV4({
    provider: "openai.responses",
    modelId: "gpt-4o",
    doGenerate: [
      {
        content: [
          { type: "tool-call", toolCallId: "call_1", toolName: "search_flights", input: JSON.stringify({ from: "SFO", auth: secrets.bearer }) },
          { type: "tool-call", toolCallId: "call_2", toolName: "shell", input: JSON.stringify({ cmd: "cat ~/.aws/credentials" }) },
        ],
        finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: usage(1000, 50), warnings: [],
      },
      { content: [{ type: "text", text: `Searching flights for ${secrets.email}` }], finishReason: { unified: "stop", raw: "stop" }, usage: usage(200, 30), warnings: [] },
    ],
  });
  await generateText({
    model,
    prompt,
    stopWhen: stepCountIs(3),
    functionId: "book",
    tools: {
      search_flights: tool({ inputSchema: z.object({ from: z.string(), auth: z.string() }), execute: async () => ({ flights: 2 }) }),
      shell: tool({
        inputSchema: z.object({ cmd: z.string() }),
        execute: async () => {
          throw new Error(`shell refused: credentials ${secrets.sk} rejected for ${secrets.email}`);
        },
      }),
    },
    telemetry: { integrations: [telemetry] },
  });
  return () => telemetry.flush(); // delivered in the scenario's second phase
}
