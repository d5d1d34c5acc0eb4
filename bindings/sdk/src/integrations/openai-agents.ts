/**
 * `@agentlens/sdk/openai-agents`: traces OpenAI Agents JS (`@openai/agents` ≥ 0.3) through
 * its own tracing hook, a `TracingProcessor`. Every trace and span the SDK records becomes
 * AgentLens events in a tracker: agent, task and turn spans are runs, model calls
 * `llm_call`s (model, tokens with cached and reasoning counts), tool calls `tool_call` or
 * `tool_error`, handoffs and triggered guardrails `decision`s, and a trace is a session
 * (its `groupId` when it has one). The mapping is the core's, shared with
 * `agentlens import` of OpenAI's exported traces (docs/integrations/openai-agents.md).
 *
 * No import of `@openai/agents` (an optional peer): its objects are read structurally.
 */
import { Bridge, type IntegrationOptions } from "./bridge.js";

/** The parts of an `@openai/agents` `Trace` the processor reads. */
export interface AgentsTrace {
  readonly traceId: string;
  readonly name?: string;
  readonly groupId?: string | null;
  readonly metadata?: Record<string, unknown>;
}

/** The parts of an `@openai/agents` `Span` the processor reads. */
export interface AgentsSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | null;
  /** The span's data as the SDK holds it (a response span's `_input`/`_response` included). */
  readonly spanData: { readonly type: string } & Record<string, unknown>;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly error: { message: string; data?: Record<string, unknown> } | null;
}

/** Options of {@link AgentLensTracingProcessor}. */
export interface OpenAIAgentsOptions extends IntegrationOptions {
  /**
   * The AgentLens session a trace belongs to. Default: the trace's `groupId` (one
   * conversation, every trace of it in one session), else its trace id. Return
   * `undefined` to keep the default.
   */
  sessionId?: (trace: AgentsTrace) => string | undefined;
  /**
   * How long `forceFlush()` and `shutdown()` wait for delivery at most, in milliseconds,
   * when the SDK gives no timeout. Default: the tracker's own flush limit.
   */
  flushTimeoutMs?: number;
}

/**
 * An OpenAI Agents `TracingProcessor` that records into AgentLens. Register it with
 * `addTraceProcessor(...)` (beside OpenAI's own exporter) or `setTraceProcessors([...])`
 * (instead of it). What the SDK leaves out of its spans (`traceIncludeSensitiveData:
 * false`, `OPENAI_AGENTS_DONT_LOG_MODEL_DATA`) is never recorded; what it keeps passes
 * through the tracker's redaction. No method ever throws or rejects into the SDK.
 *
 * On workerd and in browsers, hand `processor.forceFlush()` to `ctx.waitUntil(...)`.
 *
 * @example
 * ```ts
 * import { setTraceProcessors, withFunctionSpan, withTrace } from "@openai/agents";
 * import { init } from "@agentlens/sdk";
 * import { AgentLensTracingProcessor } from "@agentlens/sdk/openai-agents";
 *
 * const tracker = init();
 * const processor = new AgentLensTracingProcessor({ tracker });
 * setTraceProcessors([processor]); // or addTraceProcessor(processor), beside OpenAI's exporter
 * // Every run(agent, input) is traced this way; a hand-made trace keeps this example offline.
 * await withTrace("support-workflow", async () => {
 *   await withFunctionSpan(async (span) => {
 *     span.spanData.input = JSON.stringify({ order_id: "A-1234" });
 *     span.spanData.output = JSON.stringify({ status: "delivered" });
 *   }, { data: { name: "lookup_order" } });
 * });
 * await processor.forceFlush(); // on workerd: ctx.waitUntil(processor.forceFlush())
 * console.log(tracker.stats().tracked); // session_start, tool_call, session_end
 * ```
 */
export class AgentLensTracingProcessor {
  private readonly bridge: Bridge;
  private readonly sessionOf: OpenAIAgentsOptions["sessionId"];
  private readonly flushTimeoutMs: number | undefined;
  /** Records not yet handed to the bridge (a run's hooks span many microtasks: one hand-over per macrotask maps them in one crossing). */
  private pending: Record<string, unknown>[] = [];
  private scheduled = false;

  constructor(options: OpenAIAgentsOptions = {}) {
    this.bridge = new Bridge("openai-agents", options);
    this.sessionOf = options.sessionId;
    this.flushTimeoutMs = options.flushTimeoutMs;
  }

  /** A trace started: its session (workflow name, metadata, group) opens at its first span. */
  onTraceStart(trace: AgentsTrace): Promise<void> {
    this.trace(trace, "start");
    return DONE;
  }

  /** A trace ended: its session ends once no other trace of it is open. */
  onTraceEnd(trace: AgentsTrace): Promise<void> {
    this.trace(trace, "end");
    return DONE;
  }

  /** A span started (copied now: the SDK fills its data in later). */
  onSpanStart(span: AgentsSpan): Promise<void> {
    try {
      this.stage({ object: "trace.span", phase: "start", id: span.spanId, trace_id: span.traceId, parent_id: span.parentId, started_at: span.startedAt, span_data: { ...span.spanData } });
    } catch (e) {
      this.failed(e);
    }
    return DONE;
  }

  /** A span ended: its data is complete. */
  onSpanEnd(span: AgentsSpan): Promise<void> {
    try {
      this.stage({
        object: "trace.span",
        phase: "end",
        id: span.spanId,
        trace_id: span.traceId,
        parent_id: span.parentId,
        started_at: span.startedAt,
        ended_at: span.endedAt,
        span_data: ended(span.spanData),
        error: span.error,
      });
    } catch (e) {
      this.failed(e);
    }
    return DONE;
  }

  /**
   * Resolves once everything recorded so far has been delivered by the tracker's
   * exporters (or dropped, counted in `stats()`), or the flush timeout passed. Never rejects.
   */
  async forceFlush(): Promise<void> {
    this.handOver();
    await this.bridge.flush(this.flushTimeoutMs);
  }

  /**
   * Flushes, waiting at most `timeout` ms. The processor keeps recording afterwards: the
   * SDK's `setTraceProcessors([...])` shuts down every processor it replaces, the ones
   * it is given again included. The tracker itself is left running (it may serve other
   * code): shut it down yourself when you are done.
   */
  async shutdown(timeout?: number): Promise<void> {
    this.handOver();
    await this.bridge.flush(timeout ?? this.flushTimeoutMs);
  }

  /**
   * Keeps a record until the current macrotask ends (or 256 are kept). The records are
   * complete copies already (a start's data copied, an ended span's data final), so
   * handing them over later changes nothing they say.
   */
  private stage(record: Record<string, unknown>): void {
    this.pending.push(record);
    if (this.pending.length >= 256) this.handOver();
    else if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(this.handOverTask, 0);
    }
  }

  private readonly handOverTask = (): void => {
    this.scheduled = false;
    this.handOver();
  };

  private handOver(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    for (const r of pending) this.bridge.record(r);
  }

  private trace(trace: AgentsTrace, phase: "start" | "end"): void {
    try {
      const session = this.sessionOf?.(trace);
      this.stage({ object: "trace", phase, id: trace.traceId, workflow_name: trace.name, group_id: trace.groupId, metadata: trace.metadata, session_id: session });
    } catch (e) {
      this.failed(e);
    }
  }

  private failed(e: unknown): void {
    try {
      this.bridge.tracker.recorder.guard(
        "openai-agents integration",
        () => {
          throw e;
        },
        undefined,
      );
    } catch {
      // Nothing may reach the SDK.
    }
  }
}

const DONE: Promise<void> = Promise.resolve();

/**
 * An ended span's data. A response span's `_response` (the whole Responses API object:
 * instructions, tool schemas, ...) is cut to what the record needs: id, model, status,
 * output and usage.
 */
function ended(data: AgentsSpan["spanData"]): AgentsSpan["spanData"] {
  const r = data._response as Record<string, unknown> | null | undefined;
  if (r === null || typeof r !== "object") return data;
  return { ...data, _response: { id: r.id, model: r.model, status: r.status, output: r.output, usage: r.usage } };
}
