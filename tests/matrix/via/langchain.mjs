// The scenario's agent work through LangChain.js (@langchain/core, offline: its own fake
// chat model, answering with usage metadata) with @agentlens/sdk/langchain's callback
// handler: a runnable "book" calling the chat model, a tool that works and one that throws.
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { AIMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { AgentLensCallbackHandler } from "@agentlens/sdk/langchain";

/** A fake chat model named as real ones are (`ls_model_name`), reporting usage. */
class UsageChatModel extends FakeListChatModel {
  getLsParams(options) {
    return { ...super.getLsParams(options), ls_provider: "openai", ls_model_name: "gpt-4o" };
  }

  async _generate() {
    const text = this.responses[0];
    const message = new AIMessage({ content: text, usage_metadata: { input_tokens: 1200, output_tokens: 80, total_tokens: 1280 }, response_metadata: { model_name: "gpt-4o" } });
    return { generations: [{ text, message }], llmOutput: {} };
  }
}

/** Records the scenario's LLM call, tool and failing tool through the LangChain integration; resolves with its flush. */
export default async function viaLangchain(tracker, { prompt, secrets }) {
  const handler = new AgentLensCallbackHandler({ tracker });
  const model = new UsageChatModel({ responses: [`Searching flights for ${secrets.email}`] });
  const search = tool(async () => ({ flights: 2 }), { name: "search_flights", description: "Searches flights.", schema: z.object({ from: z.string(), auth: z.string() }) });
  const shell = tool(async () => {
    throw new Error(`shell refused: credentials ${secrets.sk} rejected for ${secrets.email}`);
  }, { name: "shell", description: "Runs a command.", schema: z.object({ cmd: z.string() }) });
  const agent = RunnableLambda.from(async (question, config) => {
    await model.invoke(question, config);
    await search.invoke({ from: "SFO", auth: secrets.bearer }, config);
    try {
      await shell.invoke({ cmd: "cat ~/.aws/credentials" }, config);
    } catch {
      // The agent goes on: the failure is recorded as a tool_error.
    }
    return "booked";
  }).withConfig({ runName: "book" });
  await agent.invoke(prompt, { callbacks: [handler] });
  return () => handler.flush(); // delivered in the scenario's second phase
}
