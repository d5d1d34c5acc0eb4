/**
 * `@agentlens/sdk/otel`: an OpenTelemetry `SpanProcessor` that records the GenAI spans of
 * any instrumentation (the AI SDK's `experimental_telemetry` and `@ai-sdk/otel`,
 * OpenLLMetry, OpenInference) in an AgentLens tracker, without a second exporter:
 * `new BasicTracerProvider({ spanProcessors: [new AgentLensSpanProcessor()] })` (the
 * class's example runs in full).
 *
 * It copies each ended span into a record shaped like an OTLP/JSON span and hands it to
 * the core (the `otel` LiveMapper), which maps it with the same code as an OTLP file
 * import: what a span means is decided there, not here. Types are structural: nothing
 * from OpenTelemetry is imported at run time. See docs/integrations/otel.md.
 */
import { Bridge, type IntegrationOptions } from "./bridge.js";

/** OpenTelemetry's high-resolution time: `[seconds, nanoseconds]` since the epoch. */
export type HrTime = readonly [number, number];

/** The part of an OpenTelemetry `SpanContext` the processor reads. */
export interface SpanContextLike {
  readonly traceId: string;
  readonly spanId: string;
  readonly isRemote?: boolean;
}

/**
 * The part of an OpenTelemetry `ReadableSpan` (sdk-trace-base 1.x and 2.x) the processor
 * reads: 2.x names the parent `parentSpanContext`, 1.x `parentSpanId`.
 */
export interface ReadableSpanLike {
  readonly name: string;
  readonly kind?: number;
  spanContext(): SpanContextLike;
  readonly parentSpanContext?: SpanContextLike;
  readonly parentSpanId?: string;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status?: { readonly code: number; readonly message?: string };
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events?: readonly { readonly name: string; readonly time: HrTime; readonly attributes?: Readonly<Record<string, unknown>> }[];
  readonly resource?: { readonly attributes?: Readonly<Record<string, unknown>> };
}

/** Options of {@link AgentLensSpanProcessor}. */
export interface AgentLensSpanProcessorOptions extends IntegrationOptions {
  /**
   * Which spans to record, asked when a span starts (and again when it ends, for a span
   * that started before the processor was added). Default {@link isGenAiSpan}: GenAI
   * spans only, so HTTP, database and framework spans do not flood the trace. A span
   * not recorded is skipped in the tree: its recorded children hang from its nearest
   * recorded ancestor. `() => true` records every span (non-GenAI ones as `generic`
   * events, or runs when they contain others).
   */
  shouldRecord?: (span: ReadableSpanLike) => boolean;
}

/** Attribute name prefixes of the GenAI conventions the core reads. */
const GENAI_PREFIXES = ["gen_ai.", "ai.", "llm.", "openinference.", "traceloop."];

/**
 * Whether a span carries GenAI attributes (`gen_ai.*`, the AI SDK's `ai.*`, OpenLLMetry's
 * `traceloop.*`/`llm.*`, OpenInference's `openinference.*`/`llm.*`) or is an AI SDK span
 * (`ai.…` name): the default of `shouldRecord`.
 */
export function isGenAiSpan(span: ReadableSpanLike): boolean {
  if (span.name.startsWith("ai.")) return true;
  for (const key in span.attributes) {
    for (const prefix of GENAI_PREFIXES) if (key.startsWith(prefix)) return true;
  }
  return false;
}

/** Open spans the processor remembers at most (each map), as the core bounds its state. */
const MAX_OPEN = 10_000;

/** A recorded span still open: the local root it belongs to and its recorded parent. */
interface Open {
  readonly group: string;
  readonly parent: string | undefined;
}

function hrNanos(t: HrTime | undefined): string | undefined {
  if (!Array.isArray(t)) return undefined;
  const [s, ns] = t;
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(ns) || s < 0 || ns < 0 || ns >= 1e9) return undefined;
  return s === 0 ? String(ns) : `${s}${String(ns).padStart(9, "0")}`;
}

function parentOf(span: ReadableSpanLike): string | undefined {
  return span.parentSpanContext?.spanId ?? span.parentSpanId ?? undefined;
}

function bounded<V>(map: Map<string, V>): void {
  if (map.size > MAX_OPEN) map.delete(map.keys().next().value as string);
}

/** The OTLP/JSON-shaped record of an ended span (see docs/integrations/otel.md). */
function toRecord(span: ReadableSpanLike, group: string, parent: string | undefined): Record<string, unknown> {
  const ctx = span.spanContext();
  const r: Record<string, unknown> = {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    group,
    name: span.name,
    kind: typeof span.kind === "number" ? span.kind + 1 : 0,
    startTimeUnixNano: hrNanos(span.startTime),
    endTimeUnixNano: hrNanos(span.endTime),
    attributes: span.attributes,
    status: span.status,
  };
  if (parent !== undefined) r.parentSpanId = parent;
  const events = span.events;
  if (events !== undefined && events.length > 0) {
    r.events = events.map((e) => ({ name: e.name, timeUnixNano: hrNanos(e.time), attributes: e.attributes ?? {} }));
  }
  const service = span.resource?.attributes?.["service.name"];
  if (service !== undefined) r.resource = { attributes: { "service.name": service } };
  return r;
}

/**
 * An OpenTelemetry `SpanProcessor` (sdk-trace-base 1.x and 2.x) recording GenAI spans in
 * an AgentLens tracker. Register it on the tracer provider the instrumentation uses:
 * `new BasicTracerProvider({ spanProcessors: [new AgentLensSpanProcessor()] })` (2.x) or
 * `provider.addSpanProcessor(new AgentLensSpanProcessor())` (1.x); no exporter is needed.
 *
 * A local root's spans (the outermost recorded span in this process, e.g.
 * `ai.generateText` or `invoke_agent`) are recorded when that root ends, in one piece:
 * runs before what they contain. Never throws into the instrumentation.
 *
 * @example
 * ```ts
 * import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
 * import { init } from "@agentlens/sdk";
 * import { AgentLensSpanProcessor } from "@agentlens/sdk/otel";
 *
 * const tracker = init();
 * const processor = new AgentLensSpanProcessor({ tracker });
 * const provider = new BasicTracerProvider({ spanProcessors: [processor] });
 * // What any GenAI instrumentation writes; here one chat span made by hand.
 * const span = provider.getTracer("app").startSpan("chat gpt-4o", {
 *   attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 3 },
 * });
 * span.end();
 * await processor.forceFlush(); // on serverless and edge runtimes, before returning
 * console.log(tracker.stats().tracked); // session_start, llm_call, session_end
 * ```
 */
export class AgentLensSpanProcessor {
  private readonly bridge: Bridge;
  private readonly shouldRecord: (span: ReadableSpanLike) => boolean;
  /** Recorded spans still open. */
  private readonly open = new Map<string, Open>();
  /** Spans not recorded and still open → their nearest recorded ancestor. */
  private readonly skipped = new Map<string, string | undefined>();

  constructor(options: AgentLensSpanProcessorOptions = {}) {
    this.bridge = new Bridge("otel", options);
    this.shouldRecord = options.shouldRecord ?? isGenAiSpan;
  }

  /** Called by OpenTelemetry when a span starts: places it among the recorded spans. */
  onStart(span: ReadableSpanLike, _parentContext?: unknown): void {
    try {
      const id = span.spanContext().spanId;
      const raw = parentOf(span);
      const parent = raw !== undefined && this.skipped.has(raw) ? this.skipped.get(raw) : raw;
      if (!this.shouldRecord(span)) {
        this.skipped.set(id, parent);
        bounded(this.skipped);
        return;
      }
      const group = (parent !== undefined ? this.open.get(parent)?.group : undefined) ?? id;
      this.open.set(id, { group, parent });
      bounded(this.open);
    } catch (e) {
      this.failed(e);
    }
  }

  /** Called by OpenTelemetry when a span ends: copies it into a record. */
  onEnd(span: ReadableSpanLike): void {
    try {
      const id = span.spanContext().spanId;
      if (this.skipped.delete(id)) return;
      const open = this.open.get(id);
      if (open !== undefined) this.open.delete(id);
      else if (!this.shouldRecord(span)) return;
      this.bridge.record(toRecord(span, open?.group ?? id, open !== undefined ? open.parent : parentOf(span)));
    } catch (e) {
      this.failed(e);
    }
  }

  /**
   * Records what has ended and resolves once the tracker delivered it (or dropped it,
   * counted). A local root still open is recorded when it ends.
   */
  async forceFlush(): Promise<void> {
    await this.bridge.flush();
  }

  /** Flushes; the tracker stays usable (it is the application's to shut down). */
  async shutdown(): Promise<void> {
    await this.bridge.flush();
  }

  private failed(e: unknown): void {
    try {
      this.bridge.tracker.recorder.health.internal("otel integration", e);
    } catch {
      // Nothing can be counted without a tracker; the host must not see it.
    }
  }
}
