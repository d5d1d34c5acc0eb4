// A weather agent built with LangChain.js, traced by AgentLens through LangChain's own
// callback system: one line, `callbacks: [new AgentLensCallbackHandler()]`.
//
// Runs offline: the chat models are LangChain's own FakeListChatModel, scripted (with the
// token usage a provider reports: cached input and reasoning tokens). The agent plans (a
// prompt → model sub-chain asking for two tools), calls the tools (one fails; the agent
// carries on), queries a retriever, and streams its answer from a summary sub-chain. The
// trace goes to an NDJSON file (and to AGENTLENS_ENDPOINT when set); explain() then tells
// what happened.
//
//   node examples/langchain.mjs          (after `npm run build`; AGENTLENS_EXAMPLE_OUT=dir/ moves the file)
import { readFileSync, rmSync } from "node:fs";
import { createHttpExporter, createNdjsonFileExporter, init } from "@agentlens/sdk";
import { AgentLensCallbackHandler } from "@agentlens/sdk/langchain";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { AIMessage, AIMessageChunk } from "@langchain/core/messages";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda } from "@langchain/core/runnables";
import { BaseRetriever } from "@langchain/core/retrievers";
import { Document } from "@langchain/core/documents";
import { tool } from "@langchain/core/tools";
import { z } from "zod";

const tracePath = `${process.env.AGENTLENS_EXAMPLE_OUT ?? "out/"}langchain-trace.ndjson`;
rmSync(tracePath, { force: true }); // a fresh file each run (the exporter appends)
const endpoint = process.env.AGENTLENS_ENDPOINT;
const exporters = [createNdjsonFileExporter({ path: tracePath, producer: "agentlens-example-langchain/0.1.0" })];
if (endpoint) exporters.push(createHttpExporter({ endpoint, apiKey: process.env.AGENTLENS_API_KEY ?? "default" }));
const tracker = init({ exporters });

// A stand-in for a real chat model: LangChain's fake, answering from a script, reporting
// its model name and token usage the way ChatOpenAI or ChatAnthropic do.
class ScriptedChatModel extends FakeListChatModel {
  constructor(model, reply) {
    super({ responses: [reply.content ?? ""] });
    Object.assign(this, { model, reply });
  }
  getLsParams(options) {
    return { ...super.getLsParams(options), ls_provider: "openai", ls_model_name: this.model };
  }
  async _generate() {
    const { content = "", tool_calls = [], usage } = this.reply;
    return { generations: [{ text: content, message: new AIMessage({ content, tool_calls, usage_metadata: usage }) }] };
  }
  async *_streamResponseChunks(_messages, _options, runManager) {
    const chars = [...(this.reply.content ?? "")];
    for (const [i, ch] of chars.entries()) {
      const usage = i === chars.length - 1 ? { usage_metadata: this.reply.usage } : {};
      const chunk = new ChatGenerationChunk({ text: ch, message: new AIMessageChunk({ content: ch, ...usage }) });
      yield chunk;
      await runManager?.handleLLMNewToken(ch, undefined, undefined, undefined, undefined, { chunk });
    }
  }
}

const planner = new ScriptedChatModel("gpt-5-mini", {
  tool_calls: [
    { id: "call_weather", name: "get_weather", args: { city: "Lisbon" }, type: "tool_call" },
    { id: "call_news", name: "get_news", args: { topic: "Lisbon transport" }, type: "tool_call" },
  ],
  usage: { input_tokens: 1200, output_tokens: 300, total_tokens: 1500, input_token_details: { cache_read: 1000 }, output_token_details: { reasoning: 200 } },
});
const writer = new ScriptedChatModel("gpt-5-nano", { content: "Mild and sunny, 21C: a T-shirt and a light jacket.", usage: { input_tokens: 400, output_tokens: 20, total_tokens: 420 } });
const tools = {
  get_weather: tool(async ({ city }) => JSON.stringify({ city, forecast: "sunny", highC: 21 }), {
    name: "get_weather",
    description: "Weather forecast for a city",
    schema: z.object({ city: z.string() }),
  }),
  get_news: tool(
    async () => {
      throw new Error("news feed unavailable (503)");
    },
    { name: "get_news", description: "Local news", schema: z.object({ topic: z.string() }) },
  ),
};
class Guides extends BaseRetriever {
  lc_namespace = ["example"];
  async _getRelevantDocuments(query) {
    return [new Document({ pageContent: `Lisbon in spring (${query}): layers, the evenings are cool.`, metadata: { source: "guides/lisbon.md" } })];
  }
}
const guides = new Guides();
const plan = ChatPromptTemplate.fromMessages([
  ["system", "You are a weather assistant. Use tools."],
  ["human", "{question}"],
])
  .pipe(planner)
  .withConfig({ runName: "plan" });
const summarise = ChatPromptTemplate.fromMessages([["human", "Answer from these facts: {facts}"]])
  .pipe(writer)
  .pipe(new StringOutputParser())
  .withConfig({ runName: "summarise" });

const agent = RunnableLambda.from(async ({ question }, config) => {
  const ai = await plan.invoke({ question }, config);
  const facts = [];
  for (const call of ai.tool_calls) {
    try {
      facts.push((await tools[call.name].invoke(call, config)).content);
    } catch (e) {
      facts.push(`(${call.name} failed: ${e.message})`);
    }
  }
  facts.push((await guides.invoke(question, config))[0].pageContent);
  let answer = "";
  for await (const chunk of await summarise.stream({ facts: facts.join("; ") }, config)) answer += chunk;
  return answer;
}).withConfig({ runName: "weather-agent" });

// The one line: the handler on the call (or `agent.withConfig({ callbacks: [handler] })`).
const handler = new AgentLensCallbackHandler({ tracker });
const session = tracker.startSession({ agentName: "weather-agent" });
const answer = await agent.invoke({ question: "What should I wear in Lisbon tomorrow?" }, { callbacks: [handler] });

await handler.flush();
await tracker.endSession(session.sessionId);
await tracker.shutdown();

console.log(`Answer: ${answer}\n`);
console.log(tracker.explain(session.sessionId));
const events = readFileSync(tracePath, "utf8").split("\n").filter((l) => l.includes('"event_type"')).length;
console.log(`Trace: ${tracePath} (${events} events)`);
console.log(`Viewer: ${endpoint ?? "http://127.0.0.1:3000"}/?session=${session.sessionId}`);
console.log(`(start it with: npx agentlens serve; load this file with: npx agentlens import ${tracePath})`);
