/**
 * `RunContext`: one run of `trace.run`, as its function receives it. Its methods record
 * what happened inside the run (LLM calls, tools, memory, errors, the final answer,
 * custom events) as AgentLens wire events carrying the run's id. They never throw, and
 * do nothing once the run has ended. Starting and ending runs is `trace.ts`'s job.
 */
import { customFields, put } from "./event-fields.js";
import { finite, flag, measure, read, readData, text, texts, thrown } from "./fields.js";
import type { Recorder } from "./recorder.js";
import type { RunRef } from "./run-ref.js";
import type { SessionRecord } from "./session.js";
import { tokenFields, usageFields, withUsage } from "./usage-fields.js";

/** `ctx.llm(...)`. */
export interface LlmOptions {
  model?: string;
  prompt?: unknown;
  response?: unknown;
  tokensIn?: number;
  tokensOut?: number;
  cachedInputTokens?: number;
  reasoningTokens?: number;
  /**
   * The provider, as OpenTelemetry's `gen_ai.provider.name` names it (`"openai"`,
   * `"anthropic"`, `"aws.bedrock"`, ...): the call is priced at that provider's rates.
   */
  provider?: string;
  /**
   * The provider's usage object as its API returned it (`response.usage`, Gemini's
   * `usageMetadata`, ...), read by the core as `track({ usage })` reads it: cached reads and
   * writes and reasoning counted once. Counts given above win.
   */
  usage?: unknown;
  durationMs?: number;
  temperature?: number;
  maxTokens?: number;
}

/** `ctx.tool(...)`. */
export interface ToolOptions {
  toolName: string;
  toolArgs?: unknown;
  toolResult?: unknown;
  durationMs?: number;
}

/** `ctx.memoryRead(...)` and `ctx.memoryWrite(...)`. */
export interface MemoryOptions {
  key: string;
  value?: unknown;
  /** `key_value`, `vector`, ... */
  memoryType?: string;
  /** Writes only: whether an existing value was replaced. */
  overwrite?: boolean;
}

/** `ctx.error(...)`; an `Error` is accepted too. */
export interface ErrorOptions {
  errorType?: string;
  message?: string;
  /** Whether the error ended the run (default false). */
  critical?: boolean;
  stackTrace?: string;
}

/**
 * One run, as passed to `trace.run`'s function. Methods return the event id, or
 * `undefined` once the run has ended. They never throw.
 *
 * @example
 * ```ts
 * import { init, trace } from "@agentlens/sdk";
 * const tracker = init();
 * await trace.run("flight_search", async (ctx) => {
 *   ctx.llm({ model: "gpt-4", prompt: "Which tool?", response: "search_flights", tokensIn: 12, tokensOut: 3 });
 *   ctx.tool({ toolName: "search_flights", toolArgs: { from: "SFO" }, toolResult: { flights: 2 } });
 *   ctx.final({ answer: "United, $320" });
 * }, { userId: "user123" });
 * await tracker.shutdown(1000);
 * ```
 */
export class RunContext implements RunRef {
  private active = true;
  private failed = false;
  private readonly startedAt: number;

  /** @internal */
  constructor(
    private readonly rec: Recorder,
    /** 16 hex, from the core. */
    readonly runId: string,
    readonly runName: string,
    readonly parentRunId: string | undefined,
    /** 32 hex, shared by a root run and the runs nested in it. */
    readonly traceId: string,
    readonly userId: string | undefined,
    /** The session the run records into (for the tracker). */ readonly session: SessionRecord,
    /** Whether the run opened its session, and so ends it. */ readonly ownsSession: boolean,
  ) {
    this.startedAt = rec.now();
  }

  get sessionId(): string {
    return this.session.sessionId;
  }

  /** False once the run has ended; methods are then no-ops. */
  get isActive(): boolean {
    return this.active;
  }

  /** Whether `error()` was called or the function threw. */
  get hasError(): boolean {
    return this.failed;
  }

  private add(where: string, eventType: string, build: () => Record<string, unknown>): string | undefined {
    if (!this.active) {
      this.rec.health.warnOnce("inactive-run", `agentlens: ctx.${where}() after its run ended; ignored`);
      return undefined;
    }
    return this.rec.guard(`ctx.${where}`, () => this.rec.record(this.session, eventType, build(), this), undefined);
  }

  /** An LLM call: `llm_call` with `input_data.prompt`, `output_data.response` and tokens. */
  llm(options: LlmOptions): string | undefined {
    return this.add("llm", "llm_call", () => {
      const c = this.rec.markers;
      const f: Record<string, unknown> = {};
      put(f, "model", text(read(options, "model", c), c));
      const prompt = readData(options, "prompt", c);
      const response = readData(options, "response", c);
      if (prompt !== undefined) f.input_data = { prompt };
      if (response !== undefined) f.output_data = { response };
      const usage = usageFields(read(options, "usage", c), c);
      tokenFields(f, options, usage, c);
      put(f, "duration_ms", measure(read(options, "durationMs", c)));
      const attrs: Record<string, unknown> = {};
      put(attrs, "temperature", finite(read(options, "temperature", c)));
      put(attrs, "max_tokens", finite(read(options, "maxTokens", c)));
      const all = withUsage(Object.keys(attrs).length > 0 ? attrs : undefined, usage?.attributes, read(options, "provider", c), c);
      if (all !== undefined) f.attributes = all;
      return f;
    });
  }

  /** A tool call: `tool_call` with `tool_call.tool_input` = args and `tool_output` = result. */
  tool(options: ToolOptions): string | undefined {
    return this.add("tool", "tool_call", () => {
      const c = this.rec.markers;
      const durationMs = measure(read(options, "durationMs", c));
      const call: Record<string, unknown> = {
        tool_call_id: this.rec.newId(),
        tool_name: text(read(options, "toolName", c), c, "unknown_tool") || "unknown_tool",
        tool_input: readData(options, "toolArgs", c) ?? {},
      };
      put(call, "tool_output", readData(options, "toolResult", c));
      put(call, "duration_ms", durationMs);
      const f: Record<string, unknown> = { tokens_in: 0, tokens_out: 0, tool_call: call };
      put(f, "duration_ms", durationMs);
      return f;
    });
  }

  private memory(where: string, eventType: string, options: MemoryOptions, write: boolean): string | undefined {
    return this.add(where, eventType, () => {
      const c = this.rec.markers;
      const m: Record<string, unknown> = { key: text(read(options, "key", c), c, "") };
      put(m, "value", readData(options, "value", c));
      put(m, "memory_type", text(read(options, "memoryType", c), c));
      if (write) put(m, "overwrite", flag(read(options, "overwrite", c)));
      return { memory: m };
    });
  }

  /** A memory read: `memory_read` with `memory.key`, `value`, `memory_type`. */
  memoryRead(options: MemoryOptions): string | undefined {
    return this.memory("memoryRead", "memory_read", options, false);
  }

  /** A memory write: `memory_write`, with `memory.overwrite`. */
  memoryWrite(options: MemoryOptions): string | undefined {
    return this.memory("memoryWrite", "memory_write", options, true);
  }

  /** An error the agent met (recovered or not). The run will end with status `error`. */
  error(options: ErrorOptions | Error): string | undefined {
    this.failed = true;
    return this.add("error", "error", () => {
      const c = this.rec.markers;
      let isError = false;
      try {
        isError = options instanceof Error;
      } catch {
        c.threw++;
      }
      if (isError) {
        const t = thrown(options, c);
        return { error: { error_type: t.errorType, message: t.message, critical: false, ...(t.stack ? { stack_trace: t.stack } : {}) } };
      }
      const e: Record<string, unknown> = {
        error_type: text(read(options, "errorType", c), c, "Error") || "Error",
        message: text(read(options, "message", c) ?? read(options, "errorMessage", c), c, "") ?? "",
        critical: flag(read(options, "critical", c)) ?? false,
      };
      put(e, "stack_trace", text(read(options, "stackTrace", c), c));
      return { error: e };
    });
  }

  /**
   * A decision and why: `decision` with a `decision_trace` (reasoning, the alternatives
   * considered, confidence 0–1), the thing `explain()` exists to show.
   */
  decision(options: { reasoning: string; alternatives?: string[]; confidence?: number }): string | undefined {
    return this.add("decision", "decision", () => {
      const m = this.rec.markers;
      const confidence = readData(options, "confidence", m);
      return {
        decision_trace: {
          reasoning: text(readData(options, "reasoning", m), m, ""),
          alternatives_considered: texts(readData(options, "alternatives", m), m),
          ...(typeof confidence === "number" && Number.isFinite(confidence) ? { confidence } : {}),
        },
      };
    });
  }

  /** The final answer: `final` with `output_data.answer`. */
  final(options: { answer: unknown }): string | undefined {
    return this.add("final", "final", () => ({ output_data: { answer: readData(options, "answer", this.rec.markers) } }));
  }

  /**
   * A custom event. Known fields (`inputData`, `outputData`, `model`, `tokensIn`,
   * `tokensOut`, `durationMs`, `status`) go to their wire fields; the rest into `attributes`.
   */
  emit(eventType: string, fields: Record<string, unknown> = {}): string | undefined {
    return this.add("emit", text(eventType, this.rec.markers, "custom") || "custom", () => customFields(fields, this.rec.markers));
  }

  /** @internal Makes the context inert. */
  detach(): void {
    this.active = false;
  }

  /** @internal Ends the run: `run_end`, and `session_end` if the run opened its session. */
  end(error?: { value: unknown }): void {
    if (!this.active) return;
    const t = this.rec;
    t.guard("trace.run", () => {
      if (error) {
        this.failed = true;
        const info = thrown(error.value, t.markers);
        t.record(this.session, "error", { error: { error_type: info.errorType, message: info.message, critical: true, ...(info.stack ? { stack_trace: info.stack } : {}) } }, this);
      }
      this.active = false;
      const status = this.failed ? "error" : "completed";
      const fields: Record<string, unknown> = { status, duration_ms: Math.max(0, t.now() - this.startedAt) };
      put(fields, "parent_run_id", this.parentRunId);
      t.record(this.session, "run_end", fields, this);
      if (this.ownsSession && this.session.status === "active") t.closeSession(this.session, status);
    }, undefined);
    this.active = false;
  }
}

