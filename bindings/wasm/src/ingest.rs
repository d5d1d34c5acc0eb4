//! Ingestion for the collector (analysis build): a request body in, what it stores out,
//! in one call (`agentlens::ingest`). Conversion only.
//!
//! What crosses back: one JSON text for every record's columns (parsed once by the host)
//! and one `Uint8Array` holding every record's stored payload and JSON side by side, which
//! the host views with `subarray` (no copy per record).

use agentlens::analysis::stats::compare_metrics;
use agentlens::encode::DecodeError;
use agentlens::import::OtlpEncoding;
use agentlens::ingest::{self, Batch, IngestError, Options};
use agentlens::pipeline::{ConfigError, Options as PipelineOptions};
use agentlens::redact::Redactor;
use agentlens::time::UnixNanos;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::{convert, error};

#[wasm_bindgen(typescript_custom_section)]
const INGEST_TYPES: &'static str = r#"
export type IngestRunStart = { name: string; agent_type: string | null; user_id: string | null; parent_run_id: string | null };
export type IngestRunEnd = { status: "completed" | "failed"; duration_ms: number | null };
export type IngestColumns =
  | { kind: "start"; session_id: string; agent_name: string; timestamp: string; ts_ms: number }
  | { kind: "end"; session_id: string; ended_at: string; ts_ms: number; status: "completed" | "timeout" | "error";
      total_tokens_in: number | null; total_tokens_out: number | null }
  | { kind: "event"; session_id: string; event_id: string; run_id: string | null; event_type: string; timestamp: string;
      ts_ms: number; model: string | null; name: string | null; status: string; tokens_in: number; tokens_out: number;
      duration_ms: number | null; is_error: boolean; session_status: "completed" | "timeout" | "error" | null;
      run_start: IngestRunStart | null; run_end: IngestRunEnd | null };
export interface IngestRecord { c: IngestColumns; p: [number, number] | null; j: [number, number] }
export interface IngestBatch {
  received: number; skipped: number; truncatedFields: number; warnings: string[];
  format: string | null; importWarnings: string[]; columns: string; bytes: Uint8Array;
}
export interface IngestOtlpBatch extends IngestBatch { spans: number; rejectedSpans: number; response: Uint8Array }
"#;

/// A refused call: an `AgentLensDecodeError` whose `reason` is `json` (not JSON or nested
/// too deeply), `shape` (no `events` array, not an array), `too_many`, `invalid` (an
/// element the client must correct, e.g. an event id too long: the message names the
/// field and the element) or `trace` (not a trace the importer reads); its message never
/// quotes the body.
fn refused(err: &IngestError) -> JsValue {
    let reason = match err {
        IngestError::Decode(DecodeError::Json { .. }) => "json",
        IngestError::Decode(_) => "shape",
        IngestError::TooManyEvents { .. } => "too_many",
        IngestError::InvalidEventId { .. } => "invalid",
        _ => "trace",
    };
    let e = error::named("AgentLensDecodeError", &err.to_string());
    convert::set(e.unchecked_ref(), "reason", &reason.into());
    e
}

/// The rules of one store, compiled once.
#[wasm_bindgen]
pub struct IngestorWasm {
    redactor: Redactor,
    compress: bool,
}

#[wasm_bindgen]
impl IngestorWasm {
    /// Compiles the redaction options (`maxFieldBytes` is the field limit). Throws
    /// `AgentLensConfigError` for a bad option or rule.
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str, compress: bool) -> Result<Self, JsValue> {
        let config = PipelineOptions::from_json(options_json)
            .and_then(PipelineOptions::into_config)
            .map_err(|e| error::config(&e))?;
        // One key per collector process for the tags of redacted ids (see DESIGN.md).
        let redactor = Redactor::new(crate::redact::with_random_id_key(config.redact))
            .map_err(|e| error::config(&ConfigError::Redact(e)))?;
        Ok(Self { redactor, compress })
    }

    /// Ingests `bytes` read as `format`: `events` (`{"events":[…]}`), `array` (a JSON
    /// array of events) or `trace` (any format the importer reads, gzipped or not).
    /// `nowMs` dates events without a time; `seed` (two random 32-bit words) draws the
    /// ids of events without one; more than `maxEvents` elements refuse the whole call.
    /// Returns `IngestBatch`; throws as `refused` says.
    #[wasm_bindgen(unchecked_return_type = "IngestBatch")]
    pub fn ingest(
        &self,
        format: &str,
        bytes: &[u8],
        now_ms: f64,
        seed: &[u32],
        max_events: u32,
    ) -> Result<JsValue, JsValue> {
        let options = self.options(now_ms, seed, max_events);
        let batch = match format {
            "array" => ingest::ingest_array(bytes, &options),
            "trace" => ingest::ingest_trace(bytes, &options),
            _ => ingest::ingest_body(bytes, &options),
        }
        .map_err(|e| refused(&e))?;
        Ok(to_js(&batch))
    }

    /// Ingests one OTLP/HTTP `ExportTraceServiceRequest` (`encoding`: `protobuf` or
    /// `json`; already un-gzipped), as `ingest` does. Returns `IngestOtlpBatch`: the batch,
    /// the request's span count, the spans rejected and the `ExportTraceServiceResponse`
    /// to answer with, in the request's encoding. A body that cannot be decoded throws an
    /// `AgentLensDecodeError` with `reason` `otlp` and `body`, a `google.rpc.Status`
    /// (code 3) in the request's encoding; too many spans, `reason` `too_many` and the
    /// same `body`.
    #[wasm_bindgen(js_name = ingestOtlp, unchecked_return_type = "IngestOtlpBatch")]
    pub fn ingest_otlp(
        &self,
        encoding: &str,
        bytes: &[u8],
        now_ms: f64,
        seed: &[u32],
        max_events: u32,
    ) -> Result<JsValue, JsValue> {
        let encoding = otlp_encoding(encoding);
        let options = self.options(now_ms, seed, max_events);
        let otlp = ingest::ingest_otlp(bytes, encoding, &options).map_err(|e| {
            let reason = match e {
                IngestError::TooManyEvents { .. } => "too_many",
                _ => "otlp",
            };
            let message = e.to_string();
            let err = error::named("AgentLensDecodeError", &message);
            convert::set(err.unchecked_ref(), "reason", &reason.into());
            let body = ingest::otlp_status(encoding, ingest::INVALID_ARGUMENT, &message);
            let body = js_sys::Uint8Array::from(body.as_slice());
            convert::set(err.unchecked_ref(), "body", &body.into());
            err
        })?;
        let out = to_js(&otlp.batch);
        let obj: &js_sys::Object = out.unchecked_ref();
        convert::set(obj, "spans", &JsValue::from(otlp.spans as f64));
        convert::set(
            obj,
            "rejectedSpans",
            &JsValue::from(otlp.rejected_spans as f64),
        );
        let response = js_sys::Uint8Array::from(otlp.response.as_slice());
        convert::set(obj, "response", &response.into());
        Ok(out)
    }
}

impl IngestorWasm {
    fn options(&self, now_ms: f64, seed: &[u32], max_events: u32) -> Options {
        let seed = seed
            .iter()
            .fold(0u64, |acc, w| acc.rotate_left(32) ^ u64::from(*w));
        Options {
            redactor: self.redactor.clone(),
            now: UnixNanos::from_unix_ms(now_ms),
            seed,
            compress: self.compress,
            max_events: max_events as usize,
        }
    }
}

/// `{received, skipped, truncatedFields, warnings, format, importWarnings, columns,
/// bytes}`: `columns` is a JSON array with one `{c, p, j}` per record (its columns, and
/// the `[start, end)` of its stored payload, or `null`, and of its JSON in `bytes`). A
/// plain payload is a zero flag byte then the record's JSON: its JSON is not copied
/// twice, `j` views the payload's bytes after the flag.
fn to_js(batch: &Batch) -> JsValue {
    use std::io::Write;
    let total: usize = batch
        .records
        .iter()
        .map(|r| r.json.len() + r.payload.as_ref().map_or(0, Vec::len))
        .sum();
    let mut bytes = Vec::with_capacity(total);
    let mut columns = Vec::with_capacity(batch.records.len() * 320 + 2);
    columns.push(b'[');
    for (i, r) in batch.records.iter().enumerate() {
        if i > 0 {
            columns.push(b',');
        }
        columns.extend_from_slice(b"{\"c\":");
        let _ = serde_json::to_writer(&mut columns, &r.columns);
        let start = bytes.len();
        match r.payload.as_deref() {
            Some(p) => {
                bytes.extend_from_slice(p);
                let _ = write!(columns, ",\"p\":[{start},{}]", bytes.len());
                if p.first() == Some(&0) && p[1..] == r.json[..] {
                    let _ = write!(columns, ",\"j\":[{},{}]}}", start + 1, bytes.len());
                    continue;
                }
            }
            None => columns.extend_from_slice(b",\"p\":null"),
        }
        let start = bytes.len();
        bytes.extend_from_slice(&r.json);
        let _ = write!(columns, ",\"j\":[{start},{}]}}", bytes.len());
    }
    columns.push(b']');
    let out = js_sys::Object::new();
    let n = |v: u64| JsValue::from(v as f64);
    convert::set(&out, "received", &n(batch.received as u64));
    convert::set(&out, "skipped", &n(batch.rejected.total()));
    convert::set(&out, "truncatedFields", &n(batch.report.fields_truncated));
    convert::set(&out, "warnings", &convert::to_js(&batch.warnings()));
    convert::set(
        &out,
        "format",
        &batch.format.map_or(JsValue::NULL, |f| f.as_str().into()),
    );
    convert::set(
        &out,
        "importWarnings",
        &convert::to_js(&batch.import_warnings),
    );
    convert::set(
        &out,
        "columns",
        &String::from_utf8_lossy(&columns).as_ref().into(),
    );
    convert::set(
        &out,
        "bytes",
        &js_sys::Uint8Array::from(bytes.as_slice()).into(),
    );
    out.into()
}

/// A `google.rpc.Status {code, message}` in `encoding` (`protobuf`, else JSON): the body of
/// an OTLP/HTTP error answer (`agentlens::ingest::otlp_status`).
#[wasm_bindgen(js_name = otlpStatus)]
pub fn otlp_status(encoding: &str, code: i32, message: &str) -> Vec<u8> {
    ingest::otlp_status(otlp_encoding(encoding), code, message)
}

fn otlp_encoding(name: &str) -> OtlpEncoding {
    match name {
        "protobuf" => OtlpEncoding::Protobuf,
        _ => OtlpEncoding::Json,
    }
}

/// A session or run id as the collector accepts it (`agentlens::ingest::valid_id`), or
/// `null`.
#[wasm_bindgen(js_name = validId)]
pub fn valid_id(text: &str) -> Option<String> {
    ingest::valid_id(Some(text))
}

/// A session's token totals `[in, out]` from the sums of its events' counts and what
/// its end said (`null` or 0: nothing), by the core's one rule
/// (`agentlens::pipeline::session_total`): the store applies each record's effect (an
/// event's counts add to the sums, an end's totals are kept) and asks here for the totals.
#[wasm_bindgen(js_name = sessionTokenTotals)]
pub fn session_token_totals(
    events_in: f64,
    events_out: f64,
    end_in: Option<f64>,
    end_out: Option<f64>,
) -> Vec<f64> {
    use agentlens::pipeline::session_total;
    let n = |v: f64| v.max(0.0) as u64;
    vec![
        session_total(n(events_in), end_in.map(n)) as f64,
        session_total(n(events_out), end_out.map(n)) as f64,
    ]
}

/// The figures `POST /sessions/compare` shows for one session's trace (a JSON array of
/// events): `CompareMetrics` JSON (`agentlens::analysis::stats::compare_metrics`).
#[wasm_bindgen(js_name = compareMetricsJson)]
pub fn compare_metrics_json(events_json: &str) -> Result<String, JsValue> {
    let events = crate::analysis_full::events(events_json)?;
    serde_json::to_string(&compare_metrics(&events)).map_err(crate::analysis_full::analysis_error)
}
