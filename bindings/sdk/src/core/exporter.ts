/**
 * Destinations for traces. Each exporter gets its own sink in the core pipeline (its
 * own batcher, retry state and accounting, and its framing), so a failing destination
 * never holds up another. Exporters only move bytes the core has already redacted (once
 * per event, whatever the exporters) and framed.
 */
import type { WireRequest, WireResult } from "./driver.js";

/**
 * How the core encodes an OTLP sink (`format: "otlp"`): plain JSON data, handed to the
 * core as is. Every field is optional; see docs/otlp.md for the defaults.
 */
export interface OtlpSinkSpec {
  /** `http/protobuf` (default) or `http/json`. */
  readonly protocol?: "http/protobuf" | "http/json";
  /** `service.name`; default `unknown_service`. */
  readonly serviceName?: string;
  /** More resource attributes. */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>>;
  /** Export prompts, responses and other content (after redaction). Default false. */
  readonly captureContent?: boolean;
  /** GenAI semantic-convention names to write: `1.42` (default) or `1.36`. */
  readonly semconv?: "1.42" | "1.36";
  /** `telemetry.sdk.version` and the scope's version. */
  readonly sdkVersion?: string;
  /** `telemetry.sdk.language`; default `webjs`. */
  readonly sdkLanguage?: string;
}

/** A destination. Implement this for a custom exporter. */
export interface Exporter {
  /** A short name for logs and stats (`http`, `ndjson-file`, `console`, ...). */
  readonly name: string;
  /**
   * Where it delivers, for messages: a URL without credentials or query, a file path.
   * Never a key.
   */
  readonly target?: string;
  /**
   * What the core should produce: AgentLens request bodies, NDJSON lines, or OTLP/HTTP
   * trace requests (`otlp`, encoded as `otlp` says, retried by the OTLP rules).
   */
  readonly format: "agentlens" | "ndjson" | "otlp";
  /** For `format: "otlp"`: how the core encodes the requests. */
  readonly otlp?: OtlpSinkSpec;
  /**
   * For `format: "otlp"`: the price data (the text of a genai-prices catalog) to price
   * model-call spans with (`agentlens.cost.usd`). The tracker asks once, when it is built,
   * and holds events back until the promise settles; when it rejects, spans go without
   * cost and the reason is logged as a warning.
   */
  priceCatalog?(): Promise<string>;
  /** Delivers one request body. Must never reject; report failures as a WireResult. */
  send(request: WireRequest): Promise<WireResult>;
  /** Releases resources (file handles). Called once, after the last send. */
  shutdown?(): Promise<void>;
}
