/**
 * Destinations for traces. Each exporter gets its own sink in the core pipeline (its
 * own batcher, retry state and accounting, and its framing), so a failing destination
 * never holds up another. Exporters only move bytes the core has already redacted (once
 * per event, whatever the exporters) and framed.
 */
import type { WireRequest, WireResult } from "./driver.js";

/** A destination. Implement this for a custom exporter. */
export interface Exporter {
  /** A short name for logs and stats (`http`, `ndjson-file`, `console`, ...). */
  readonly name: string;
  /**
   * Where it delivers, for messages: a URL without credentials or query, a file path.
   * Never a key.
   */
  readonly target?: string;
  /** The framing the core should produce: AgentLens request bodies or NDJSON lines. */
  readonly format: "agentlens" | "ndjson";
  /** Delivers one request body. Must never reject; report failures as a WireResult. */
  send(request: WireRequest): Promise<WireResult>;
  /** Releases resources (file handles). Called once, after the last send. */
  shutdown?(): Promise<void>;
}
