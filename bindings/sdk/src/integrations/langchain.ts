/**
 * `@agentlens/sdk/langchain`: traces LangChain.js (`@langchain/core` ≥ 0.3; tested 1.4)
 * and LangGraph through LangChain's own callback system, with one line:
 * `callbacks: [new AgentLensCallbackHandler()]` on a call, a runnable
 * (`.withConfig({ callbacks })`) or an agent, or for every run through LangChain's
 * configure hook (`registerConfigureHook` + `setContextVariable`).
 *
 * The handler is structurally a `BaseCallbackHandler` (what LangChain checks: a `name`,
 * `copy()`, `awaitHandlers` and the `ignore*` flags), so this module imports nothing
 * from `@langchain/core`, which stays an optional peer dependency. Each callback is
 * copied into a plain record (`docs/integrations/langchain.md`) and handed to the core's
 * mapping (`src/import/live/langchain.rs`), which decides what it means.
 */
import { Bridge, type IntegrationOptions } from "./bridge.js";
import type { TrackerCore } from "../core/tracker-core.js";
import { className, error, generations, head, keysHead, messages, modelKwargs, plain } from "./langchain/copy.js";

/** Options of {@link AgentLensCallbackHandler}. */
export interface AgentLensCallbackHandlerOptions extends IntegrationOptions {
  /**
   * Let LangChain run the handler in its background queue, like its other handlers
   * (serverless code must then `await awaitAllCallbacks()` before `flush()`). Default
   * `false`: LangChain awaits the handler, which only copies the callback's data (the
   * rest happens once per turn), so times are exact and nothing waits in LangChain's
   * queue when a function returns.
   */
  background?: boolean;
  /** Record prompts, messages, chain inputs, tool inputs and retriever queries. Default `true`. */
  recordInputs?: boolean;
  /** Record responses, chain outputs, tool outputs and retrieved documents. Default `true`. */
  recordOutputs?: boolean;
  /** LangChain's own flags: skip these callbacks. */
  ignoreLLM?: boolean;
  ignoreChain?: boolean;
  ignoreAgent?: boolean;
  ignoreRetriever?: boolean;
  ignoreCustomEvent?: boolean;
}

type Obj = Record<string, unknown>;

/** Streamed LLM runs whose first token was recorded (bounded: a run that never ends must not leak). */
const STREAMING_MAX = 10_000;

const clock: () => number =
  typeof performance !== "undefined" && typeof performance.now === "function" && typeof performance.timeOrigin === "number"
    ? () => performance.timeOrigin + performance.now()
    : () => Date.now();

/**
 * A LangChain callback handler that records every chain, chat model and LLM call, tool,
 * retriever, agent action and custom event in AgentLens, nested by LangChain's run ids.
 * Never throws into LangChain: a failure is counted in `stats().internalErrors`.
 *
 * @example
 * ```ts
 * import { init } from "@agentlens/sdk";
 * import { AgentLensCallbackHandler } from "@agentlens/sdk/langchain";
 * import { FakeListChatModel } from "@langchain/core/utils/testing";
 *
 * const tracker = init();
 * const handler = new AgentLensCallbackHandler({ tracker });
 * const model = new FakeListChatModel({ responses: ["Hello!"] });
 * await model.invoke("Hi", { callbacks: [handler] }); // or model.withConfig({ callbacks: [handler] })
 * await handler.flush(); // on serverless: before the function returns
 * ```
 */
export class AgentLensCallbackHandler {
  /** The handler's name (LangChain keeps one handler per name in its configure hooks). */
  readonly name = "agentlens";
  readonly lc_serializable = false;
  ignoreLLM: boolean;
  ignoreChain: boolean;
  ignoreAgent: boolean;
  ignoreRetriever: boolean;
  ignoreCustomEvent: boolean;
  /** Never raise: a tracing failure must not fail the agent. */
  readonly raiseError = false;
  /** Whether LangChain awaits the handler (see `background`). */
  readonly awaitHandlers: boolean;
  private readonly bridge: Bridge;
  private readonly inputs: boolean;
  private readonly outputs: boolean;
  private streamed = new Set<string>();

  constructor(options: AgentLensCallbackHandlerOptions = {}) {
    this.bridge = new Bridge("langchain", options);
    this.awaitHandlers = options.background !== true;
    this.inputs = options.recordInputs !== false;
    this.outputs = options.recordOutputs !== false;
    this.ignoreLLM = options.ignoreLLM === true;
    this.ignoreChain = options.ignoreChain === true;
    this.ignoreAgent = options.ignoreAgent === true;
    this.ignoreRetriever = options.ignoreRetriever === true;
    this.ignoreCustomEvent = options.ignoreCustomEvent === true;
  }

  /** The tracker this handler records in. */
  get tracker(): TrackerCore {
    return this.bridge.tracker;
  }

  /** LangChain copies handlers for child runs: the copy is this handler (one mapper must see a run's start and end). */
  copy(): this {
    return this;
  }

  /** What LangChain writes if it serialises its config. */
  toJSON(): Obj {
    return { name: this.name };
  }

  /**
   * Records everything staged and waits until the tracker delivered it (or `timeoutMs`
   * passed); resolves `false` then. With `background: true`, first
   * `await awaitAllCallbacks()` (`@langchain/core/callbacks/promises`).
   */
  flush(timeoutMs?: number): Promise<boolean> {
    return this.bridge.flush(timeoutMs);
  }

  /**
   * Stages one record built by `build` (inside the guard: a getter that throws costs a
   * count, never the agent); a root run's record also names the tracker's session and
   * active run around it.
   */
  private emit(build: () => Obj, root = false): void {
    try {
      const record = build();
      record.t = clock();
      if (root) this.context(record);
      this.bridge.record(record);
    } catch (e) {
      this.fail(e);
    }
  }

  private context(record: Obj): void {
    const r = this.bridge.tracker.recorder;
    const run = r.activeContext();
    const session = run?.session ?? r.sessions.current();
    if (session) record.al_session = session.sessionId;
    if (run) record.al_run = run.runId;
  }

  private fail(e: unknown): void {
    try {
      this.bridge.tracker.recorder.health.internal("langchain integration", e);
    } catch {
      // No tracker: nothing to count in.
    }
  }

  private start(cb: string, runId: unknown, parentRunId: unknown, tags: unknown, metadata: unknown, runName: unknown, fields: () => Obj): void {
    this.emit(() => {
      const record: Obj = { cb, run_id: runId, parent_run_id: parentRunId, run_name: runName, ...fields() };
      if (Array.isArray(tags) && tags.length > 0) record.tags = head(tags);
      // Copied as it is now (LangChain reuses it), its first keys only; binary data is not
      // copied (a key per byte): it is written as the tracker writes it.
      if (metadata && typeof metadata === "object") record.metadata = ArrayBuffer.isView(metadata) ? metadata : keysHead(metadata as Obj);
      return record;
    }, parentRunId === undefined || parentRunId === null);
  }

  private end(cb: string, runId: unknown, parentRunId: unknown, fields: () => Obj): void {
    this.emit(() => ({ cb, run_id: runId, parent_run_id: parentRunId, ...fields() }));
  }

  // LangChain calls `handleChainStart(chain, inputs, runId, parentRunId, tags, metadata,
  // runType, runName, extra)` (its CallbackManager and BaseTracer agree; the interface's
  // declaration lists `runType` fourth and `parentRunId` eighth, which is not how it is called).
  handleChainStart(chain: unknown, inputs: unknown, runId: string, parentRunId?: string, tags?: string[], metadata?: Obj, runType?: string, runName?: string, extra?: Obj): void {
    this.start("handleChainStart", runId, parentRunId, tags, metadata, runName, () => ({
      name: className(chain),
      run_type: runType,
      // A streamed chain's inputs are a placeholder here (`lc_defers_inputs`); they come with its end.
      inputs: this.inputs && extra?.lc_defers_inputs !== true ? plain(inputs) : undefined,
    }));
  }

  handleChainEnd(outputs: unknown, runId: string, parentRunId?: string, _tags?: string[], kwargs?: { inputs?: unknown }): void {
    this.end("handleChainEnd", runId, parentRunId, () => ({
      outputs: this.outputs ? plain(outputs) : undefined,
      // A streamed chain's inputs arrive at its end.
      inputs: this.inputs && kwargs?.inputs !== undefined ? plain(kwargs.inputs) : undefined,
    }));
  }

  handleChainError(err: unknown, runId: string, parentRunId?: string): void {
    this.end("handleChainError", runId, parentRunId, () => ({ error: error(err) }));
  }

  handleLLMStart(llm: unknown, prompts: string[], runId: string, parentRunId?: string, extraParams?: Obj, tags?: string[], metadata?: Obj, runName?: string): void {
    this.modelStart("handleLLMStart", llm, () => ({ prompts: this.inputs ? (Array.isArray(prompts) ? head(prompts) : prompts) : undefined }), runId, parentRunId, extraParams, tags, metadata, runName);
  }

  handleChatModelStart(llm: unknown, groups: unknown[][], runId: string, parentRunId?: string, extraParams?: Obj, tags?: string[], metadata?: Obj, runName?: string): void {
    this.modelStart("handleChatModelStart", llm, () => ({ messages: this.inputs ? messages(groups) : undefined }), runId, parentRunId, extraParams, tags, metadata, runName);
  }

  private modelStart(cb: string, llm: unknown, fields: () => Obj, runId: string, parentRunId?: string, extra?: Obj, tags?: string[], metadata?: Obj, runName?: string): void {
    this.start(cb, runId, parentRunId, tags, metadata, runName, () => {
      const p = extra?.invocation_params as Obj | undefined;
      return {
        name: className(llm),
        kwargs: modelKwargs(llm),
        invocation_params: p && typeof p === "object" ? { model: p.model, model_name: p.model_name, modelName: p.modelName } : undefined,
        ...fields(),
      };
    });
  }

  /** Records a streamed run's first token only (its time), not every token. */
  handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    if (this.streamed.has(runId)) return;
    if (this.streamed.size >= STREAMING_MAX) this.streamed = new Set();
    this.streamed.add(runId);
    this.emit(() => ({ cb: "handleLLMNewToken", run_id: runId }));
  }

  handleLLMEnd(output: unknown, runId: string, parentRunId?: string): void {
    this.streamed.delete(runId);
    this.end("handleLLMEnd", runId, parentRunId, () => ({
      generations: generations(output, this.outputs),
      llm_output: output && typeof output === "object" ? (output as Obj).llmOutput : undefined,
    }));
  }

  handleLLMError(err: unknown, runId: string, parentRunId?: string): void {
    this.streamed.delete(runId);
    this.end("handleLLMError", runId, parentRunId, () => ({ error: error(err) }));
  }

  handleToolStart(tool: unknown, input: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Obj, runName?: string, toolCallId?: string): void {
    this.start("handleToolStart", runId, parentRunId, tags, metadata, runName, () => ({
      name: className(tool),
      input: this.inputs ? input : undefined,
      tool_call_id: toolCallId,
    }));
  }

  handleToolEnd(output: unknown, runId: string, parentRunId?: string): void {
    this.end("handleToolEnd", runId, parentRunId, () => ({ output: this.outputs ? plain(output) : toolStatus(output) }));
  }

  handleToolError(err: unknown, runId: string, parentRunId?: string): void {
    this.end("handleToolError", runId, parentRunId, () => ({ error: error(err) }));
  }

  handleRetrieverStart(retriever: unknown, query: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Obj, name?: string): void {
    this.start("handleRetrieverStart", runId, parentRunId, tags, metadata, name, () => ({ name: className(retriever), query: this.inputs ? query : undefined }));
  }

  handleRetrieverEnd(documents: unknown, runId: string, parentRunId?: string): void {
    this.end("handleRetrieverEnd", runId, parentRunId, () => ({ documents: this.outputs ? plain(documents) : undefined }));
  }

  handleRetrieverError(err: unknown, runId: string, parentRunId?: string): void {
    this.end("handleRetrieverError", runId, parentRunId, () => ({ error: error(err) }));
  }

  handleAgentAction(action: Obj, runId: string, parentRunId?: string): void {
    this.end("handleAgentAction", runId, parentRunId, () => ({
      tool: action?.tool,
      tool_input: this.inputs ? plain(action?.toolInput) : undefined,
      log: this.outputs ? action?.log : undefined,
      tool_call_id: action?.toolCallId,
    }));
  }

  handleAgentEnd(action: Obj, runId: string, parentRunId?: string): void {
    this.end("handleAgentEnd", runId, parentRunId, () => ({
      return_values: this.outputs ? plain(action?.returnValues) : undefined,
      log: this.outputs ? action?.log : undefined,
    }));
  }

  handleCustomEvent(eventName: string, data: unknown, runId: string): void {
    this.end("handleCustomEvent", runId, undefined, () => ({ event_name: eventName, data: this.outputs ? plain(data) : undefined }));
  }
}

/** A tool's output without its content: a `ToolMessage`'s type, status and call id. */
function toolStatus(output: unknown): unknown {
  if (!output || typeof output !== "object") return undefined;
  const m = output as Obj;
  return typeof m.tool_call_id === "string" ? { type: "tool", status: m.status, tool_call_id: m.tool_call_id, content: "" } : undefined;
}
