//! TypeScript types for the values that cross the boundary, declared once.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export type DropReason =
  | "buffer_full" | "retries_exhausted" | "rejected" | "too_large"
  | "shutdown_timeout" | "hold_full" | "invalid";
export type DeliveryProblem =
  | "network" | "timeout" | "unauthorized" | "not_found" | "too_large"
  | "rate_limited" | "server_error" | "rejected";
export interface DeliveryFailure {
  problem: DeliveryProblem; status: number | null; gave_up: DropReason | null; count: number;
}
export type Output =
  | { type: "send"; sink: number; id: number; events: number; timeoutMs: number; body: Uint8Array }
  | { type: "dropped"; sink: number; reason: DropReason; count: number }
  | { type: "delivered"; sink: number; events: number }
  | { type: "retrying"; sink: number; id: number; attempt: number; delayMs: number }
  | { type: "failed"; sink: number; id: number; problem: DeliveryProblem; status: number | null; gaveUp: DropReason | null; warn: boolean }
  | { type: "partialSuccess"; sink: number; id: number; rejected: number; warn: boolean; message?: string }
  | { type: "shutdownComplete"; sink: number; delivered: number; dropped: number }
  | { type: "wait"; atMs: number | null };
export interface OutputHost {
  send(sink: number, id: number, events: number, timeoutMs: number, body: Uint8Array): void;
  wait(atMs: number | undefined): void;
  delivered(sink: number, events: number): void;
  notice(notice: Exclude<Output, { type: "send" } | { type: "wait" }>): void;
}
export interface RedactionReport {
  keys_redacted: number; matches_redacted: number; by_pattern: Record<string, number>;
  fields_truncated: number; bytes_removed: number;
}
export interface PipelineStats {
  tracked: number; delivered: number; sampled_out: number; pending: number;
  dropped: Record<DropReason, number>; requests: number; retries: number;
  partial_rejected: number; buffered_bytes: number; last_error: DeliveryFailure | null; redaction: RedactionReport;
}
export type BatchStats = Omit<PipelineStats, "redaction">;
export interface SinkStats { sinks: BatchStats[]; redaction: RedactionReport }
export interface PipelineOptionInfo { name: string; type: string; default: unknown }
export interface RedactResult { value: string; report: RedactionReport }
export interface DecodedTrace {
  header: { format: string; version: number; producer?: string } | null;
  events: Record<string, unknown>[];
  errors: string[];
}
export type ExplainStyle = "sdk" | "backend";
"#;
