/**
 * AgentLens for the Vercel AI SDK 7 (`ai` ≥ 7, Node ≥ 22 for `ai` itself): an
 * implementation of the SDK's own `Telemetry` interface, registered once with
 * `registerTelemetry(agentlens())` or per call in `telemetry: { integrations: [...] }`.
 *
 * Each callback copies what it needs from the SDK's event into a plain record, at once,
 * and hands it to the bridge; what the records mean (runs, steps, `llm_call`, tool calls,
 * tokens, errors, sessions) is decided by the core (`src/import/live/ai_sdk.rs`). Record
 * shapes and the mapping: `docs/integrations/ai-sdk.md`.
 *
 * Content (prompts, responses, tool inputs and outputs, embedded values) is copied only
 * when the call records it (the SDK's `recordInputs`/`recordOutputs`, default on) and
 * this integration's own switches allow it; the tracker's redaction always applies.
 *
 * No type or value is imported from `ai` (an optional peer): the SDK's events are read
 * structurally, and the integration is assignable to its `Telemetry`.
 */
import { platform, type ContextStore } from "../core/platform.js";
import { Bridge, type IntegrationOptions } from "./bridge.js";

/** What `sessionId` may read: the call's `onStart` event, as the AI SDK passes it. */
export type AiSdkStartEvent = Readonly<Record<string, unknown>>;

/** Options of {@link agentlens}. */
export interface AiSdkOptions extends IntegrationOptions {
  /**
   * Record inputs: prompts and messages, tool inputs, embedded values, rerank queries.
   * Default true; a call's `telemetry.recordInputs: false` turns them off for that call
   * whatever this says.
   */
  recordInputs?: boolean;
  /**
   * Record outputs: responses, tool results and error messages, generated objects,
   * rankings. Default true; a call's `telemetry.recordOutputs: false` wins.
   */
  recordOutputs?: boolean;
  /**
   * The session a top-level call records in: an id, or a function of the call's start
   * event (for example reading `event.runtimeContext`). Without it, a call records in
   * the session its runtime context names (`sessionId` or `conversationId`, when the
   * call's `telemetry.includeRuntimeContext` includes it), else the session of the
   * `trace.run` around it, else the tracker's current session, else a session of its own.
   */
  sessionId?: string | ((event: AiSdkStartEvent) => string | undefined);
}

type Ev = Readonly<Record<string, unknown>>;
/** The tool execution a nested call runs inside (set by `executeTool`). */
type ToolScope = { callId: unknown; toolCallId: unknown };

const SETTINGS = ["maxOutputTokens", "temperature", "topP", "topK", "presencePenalty", "frequencyPenalty", "stopSequences", "seed", "maxRetries"] as const;

/** `obj[key]` when `obj` is an object, never throwing. */
function get(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === "object" ? (obj as Record<string, unknown>)[key] : undefined;
}

/** The counts of a `LanguageModelUsage` (not its provider-specific `raw`). */
function usageOf(u: unknown): Record<string, unknown> | undefined {
  if (u === null || typeof u !== "object") return undefined;
  const { inputTokens, outputTokens, inputTokenDetails, outputTokenDetails } = u as Record<string, unknown>;
  return { inputTokens, outputTokens, inputTokenDetails, outputTokenDetails };
}

/**
 * The AI SDK 7 `Telemetry` integration: every callback records, none throws into the SDK
 * (a failure is counted in `stats().internalErrors`). Make it with {@link agentlens}.
 */
export class AgentLensTelemetry {
  private readonly bridge: Bridge;
  private readonly inputs: boolean;
  private readonly outputs: boolean;
  private readonly sessionOption: AiSdkOptions["sessionId"];
  private scopes: ContextStore<ToolScope> | undefined;

  constructor(options: AiSdkOptions = {}) {
    this.bridge = new Bridge("ai-sdk", options);
    this.inputs = options.recordInputs !== false;
    this.outputs = options.recordOutputs !== false;
    this.sessionOption = options.sessionId;
  }

  /**
   * Records everything captured and resolves once the tracker has delivered it (or
   * dropped it, counted), or after `timeoutMs`. On an edge runtime, hand it to
   * `ctx.waitUntil(...)`.
   */
  flush(timeoutMs?: number): Promise<boolean> {
    return this.bridge.flush(timeoutMs);
  }

  private send(hook: string, e: Ev, fields: (e: Ev, inputs: boolean, outputs: boolean) => Record<string, unknown>): void {
    try {
      const at = typeof e.timestamp === "number" ? e.timestamp : platform().wallClock();
      const record = fields(e, this.inputs && e.recordInputs !== false, this.outputs && e.recordOutputs !== false);
      // An absent (undefined) field is left out when the record is written, as
      // `JSON.stringify` leaves it out. Never `delete` it here: an object with a deleted
      // key drops to V8's dictionary mode, and each record then cost ~2x to check and write.
      record.hook = hook;
      record.callId = e.callId;
      record.at = at;
      this.bridge.record(record);
    } catch (err) {
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    try {
      this.bridge.tracker.recorder.health.internal("ai-sdk integration", err);
    } catch {
      // No tracker can be made: nothing to count in.
    }
  }

  onStart(event: unknown): void {
    this.send("onStart", event as Ev, (e) => {
      const settings: Record<string, unknown> = {};
      for (const k of SETTINGS) if (e[k] !== undefined) settings[k] = e[k];
      const tracker = this.bridge.tracker;
      const run = tracker.getActiveContext();
      const scope = this.scopes?.get();
      return {
        operationId: e.operationId,
        provider: e.provider,
        modelId: e.modelId,
        functionId: e.functionId,
        tools: e.tools !== null && typeof e.tools === "object" && Object.keys(e.tools).length > 0,
        settings,
        runtimeContext: e.runtimeContext,
        sessionId: this.sessionOf(e),
        activeRun: run ? { runId: run.runId, sessionId: run.sessionId } : undefined,
        currentSession: tracker.recorder.sessions.current()?.sessionId,
        parent: scope ? { callId: scope.callId, toolCallId: scope.toolCallId } : undefined,
      };
    });
  }

  /** The `sessionId` option's answer for a call (a throwing function counts, and names none). */
  private sessionOf(e: Ev): unknown {
    const option = this.sessionOption;
    if (typeof option !== "function") return option;
    try {
      return option(e);
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  onStepStart(event: unknown): void {
    this.send("onStepStart", event as Ev, (e) => ({ stepNumber: e.stepNumber }));
  }

  onStepEnd(event: unknown): void {
    this.send("onStepEnd", event as Ev, (e) => ({ stepNumber: e.stepNumber, finishReason: e.finishReason }));
  }

  onStepError(event: unknown): void {
    this.send("onStepError", event as Ev, (e, _i, outputs) => ({ stepNumber: e.stepNumber, error: outputs ? e.error : { name: get(e.error, "name") } }));
  }

  onLanguageModelCallStart(event: unknown): void {
    this.send("onLanguageModelCallStart", event as Ev, (e, inputs) => ({
      provider: e.provider,
      modelId: e.modelId,
      instructions: inputs ? e.instructions : undefined,
      messages: inputs ? e.messages : undefined,
    }));
  }

  onLanguageModelCallEnd(event: unknown): void {
    this.send("onLanguageModelCallEnd", event as Ev, (e, _i, outputs) => ({
      provider: e.provider,
      modelId: e.modelId,
      finishReason: e.finishReason,
      usage: usageOf(e.usage),
      responseId: e.responseId,
      durationMs: get(e.performance, "responseTimeMs"),
      timeToFirstOutputMs: get(e.performance, "timeToFirstOutputMs"),
      content: outputs ? e.content : undefined,
    }));
  }

  onObjectStepStart(event: unknown): void {
    this.send("onObjectStepStart", event as Ev, (e, inputs) => ({
      provider: e.provider,
      modelId: e.modelId,
      messages: inputs ? e.promptMessages : undefined,
    }));
  }

  onObjectStepEnd(event: unknown): void {
    this.send("onObjectStepEnd", event as Ev, (e, _i, outputs) => ({
      provider: e.provider,
      modelId: get(e.response, "modelId") ?? e.modelId,
      finishReason: e.finishReason,
      usage: usageOf(e.usage),
      responseId: get(e.response, "id"),
      timeToFirstOutputMs: e.msToFirstChunk,
      content: outputs ? e.objectText : undefined,
    }));
  }

  onToolExecutionStart(event: unknown): void {
    this.send("onToolExecutionStart", event as Ev, (e, inputs) => ({
      toolCallId: get(e.toolCall, "toolCallId"),
      toolName: get(e.toolCall, "toolName"),
      input: inputs ? get(e.toolCall, "input") : undefined,
    }));
  }

  onToolExecutionEnd(event: unknown): void {
    this.send("onToolExecutionEnd", event as Ev, (e, _i, outputs) => {
      const out = e.toolOutput;
      const error = get(out, "error");
      return {
        toolCallId: get(e.toolCall, "toolCallId") ?? get(out, "toolCallId"),
        toolName: get(e.toolCall, "toolName") ?? get(out, "toolName"),
        durationMs: e.toolExecutionMs,
        outcome: get(out, "type"),
        output: outputs ? get(out, "output") : undefined,
        error: error === undefined || outputs ? error : { name: get(error, "name") },
      };
    });
  }

  onEmbedStart(event: unknown): void {
    this.send("onEmbedStart", event as Ev, (e, inputs) => ({ embedCallId: e.embedCallId, provider: e.provider, modelId: e.modelId, input: inputs ? e.values : undefined }));
  }

  onEmbedEnd(event: unknown): void {
    this.send("onEmbedEnd", event as Ev, (e) => {
      const embeddings = e.embeddings;
      return { embedCallId: e.embedCallId, provider: e.provider, modelId: e.modelId, tokens: get(e.usage, "tokens"), count: Array.isArray(embeddings) ? embeddings.length : undefined };
    });
  }

  onRerankStart(event: unknown): void {
    this.send("onRerankStart", event as Ev, (e, inputs) => ({ provider: e.provider, modelId: e.modelId, input: inputs ? { query: e.query, documents: e.documents } : undefined }));
  }

  onRerankEnd(event: unknown): void {
    this.send("onRerankEnd", event as Ev, (e, _i, outputs) => {
      const ranking = e.ranking;
      return { provider: e.provider, modelId: e.modelId, count: Array.isArray(ranking) ? ranking.length : undefined, output: outputs ? ranking : undefined };
    });
  }

  onEnd(event: unknown): void {
    // A text call's answer is its last model call's response, recorded there; an object
    // call's parsed object is kept on its run's end.
    this.send("onEnd", event as Ev, (e, _i, outputs) => ({ finishReason: e.finishReason, stoppedBy: e.stoppedBy, output: outputs ? e.object : undefined }));
  }

  onAbort(event: unknown): void {
    this.send("onAbort", event as Ev, (e) => ({ reason: e.reason }));
  }

  onError(event: unknown): void {
    this.send("onError", event as Ev, (e, _i, outputs) => ({ error: outputs ? e.error : { name: get(e.error, "name") } }));
  }

  /**
   * Runs a tool's `execute` with its call as context, so a call the tool makes
   * (`generateText` inside a tool: a sub-agent) nests under this tool's step. Uses the
   * runtime's async context (AsyncLocalStorage on Node; on other runtimes, as `trace.run`).
   */
  executeTool<T>(options: { callId: string; toolCallId: string; execute: () => PromiseLike<T> }): PromiseLike<T> {
    let scopes: ContextStore<ToolScope>;
    try {
      scopes = this.scopes ??= platform().contextStore<ToolScope>();
    } catch (err) {
      this.failed(err);
      return options.execute();
    }
    return scopes.run({ callId: options.callId, toolCallId: options.toolCallId }, options.execute);
  }
}

/**
 * The AgentLens integration for the AI SDK 7: pass it to `registerTelemetry(...)` (every
 * call) or to a call's `telemetry: { integrations: [...] }`.
 *
 * @example
 * ```ts
 * import { generateText, registerTelemetry } from "ai";
 * import { MockLanguageModelV4 } from "ai/test";
 * import { agentlens } from "@agentlens/sdk/ai-sdk";
 *
 * const telemetry = agentlens();
 * registerTelemetry(telemetry);
 * // A real app passes openai("gpt-5") & co.; the AI SDK's mock model keeps this offline.
 * const model = new MockLanguageModelV4({
 *   modelId: "gpt-5-mini",
 *   doGenerate: {
 *     content: [{ type: "text", text: "Hello!" }],
 *     finishReason: { unified: "stop", raw: "stop" },
 *     usage: { inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 2, text: 2, reasoning: 0 } },
 *     warnings: [],
 *   },
 * });
 * const { text } = await generateText({ model, prompt: "Hello", telemetry: { functionId: "greeter" } });
 * console.log(text);
 * await telemetry.flush(); // or ctx.waitUntil(telemetry.flush()) on an edge runtime
 * ```
 */
export function agentlens(options: AiSdkOptions = {}): AgentLensTelemetry {
  return new AgentLensTelemetry(options);
}
