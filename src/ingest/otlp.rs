//! OTLP/HTTP ingestion: an `ExportTraceServiceRequest` body in (protobuf or JSON), the
//! records to store and the response body out, in the request's encoding.
//!
//! The response is an `ExportTraceServiceResponse`: empty when every span was accepted,
//! with `partial_success {rejected_spans, error_message}` when some were not (a span is
//! rejected when any event made from it was refused, e.g. for a session id redaction
//! changed, or when it has no span id, which OTLP requires). A body that cannot be
//! decoded gets a `google.rpc.Status` (code 3, `INVALID_ARGUMENT`) from [`otlp_status`].

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{Batch, IngestError, Options, check_count, normalize};
use crate::import::{self, OtlpEncoding};

/// `google.rpc.Code.INVALID_ARGUMENT`.
pub const INVALID_ARGUMENT: i32 = 3;

/// What [`ingest_otlp`] made of one request.
#[derive(Clone, Debug, Default)]
pub struct OtlpBatch {
    /// The records to store, and what was refused.
    pub batch: Batch,
    /// Spans in the request.
    pub spans: u64,
    /// Spans rejected (some of their events refused).
    pub rejected_spans: u64,
    /// The `ExportTraceServiceResponse` to answer with, in the request's encoding.
    pub response: Vec<u8>,
}

/// Ingests one OTLP/HTTP trace export request (already un-gzipped).
///
/// # Errors
/// [`IngestError::Import`] for a body that is not an export request in `encoding` (answer
/// it with [`otlp_status`]); [`IngestError::TooManyEvents`] past the limit.
pub fn ingest_otlp(
    bytes: &[u8],
    encoding: OtlpEncoding,
    options: &Options,
) -> Result<OtlpBatch, IngestError> {
    let read = import::import_otlp(bytes, encoding).map_err(IngestError::Import)?;
    check_count(read.events.len(), options)?;
    let mut state = normalize::State::new(options);
    let mut batch = Batch {
        received: read.events.len(),
        format: Some(import::TraceFormat::OtlpJson),
        import_warnings: read.warnings,
        ..Batch::default()
    };
    let mut rejected: HashSet<String> = HashSet::new();
    let mut unnamed = 0u64;
    for event in read.events {
        let span = event.span_id.clone();
        let before = batch.rejected.total();
        state.push(normalize::Incoming::of(event), Map::new(), &mut batch);
        if batch.rejected.total() > before {
            match span {
                Some(span) => drop(rejected.insert(span)),
                None => unnamed += 1,
            }
        }
    }
    let skipped = read.skipped_spans as u64;
    let rejected_spans = (rejected.len() as u64 + unnamed + skipped).min(read.spans as u64);
    let mut reasons = batch.rejected.warnings();
    if skipped > 0 {
        reasons.push(format!(
            "{skipped} spans without a spanId (OTLP requires one)"
        ));
    }
    let message = reasons.join("; ");
    let response = otlp_response(encoding, rejected_spans, &message);
    Ok(OtlpBatch {
        batch,
        spans: read.spans as u64,
        rejected_spans,
        response,
    })
}

/// An `ExportTraceServiceResponse`: empty when nothing was rejected, else with
/// `partial_success {rejected_spans, error_message}`.
pub fn otlp_response(encoding: OtlpEncoding, rejected_spans: u64, message: &str) -> Vec<u8> {
    match encoding {
        OtlpEncoding::Json if rejected_spans == 0 => b"{}".to_vec(),
        OtlpEncoding::Json => {
            let mut partial = Map::new();
            // int64 in the JSON encoding is a decimal string.
            partial.insert("rejectedSpans".into(), rejected_spans.to_string().into());
            partial.insert("errorMessage".into(), message.into());
            let mut out = Map::new();
            out.insert("partialSuccess".into(), Value::Object(partial));
            serde_json::to_vec(&Value::Object(out)).unwrap_or_default()
        }
        OtlpEncoding::Protobuf if rejected_spans == 0 => Vec::new(),
        OtlpEncoding::Protobuf => {
            let mut partial = Vec::new();
            field_varint(&mut partial, 1, rejected_spans);
            field_bytes(&mut partial, 2, message.as_bytes());
            let mut out = Vec::new();
            field_bytes(&mut out, 1, &partial);
            out
        }
    }
}

/// A `google.rpc.Status {code, message}` in `encoding`, the body of an OTLP error answer.
pub fn otlp_status(encoding: OtlpEncoding, code: i32, message: &str) -> Vec<u8> {
    match encoding {
        OtlpEncoding::Json => {
            let mut out = Map::new();
            out.insert("code".into(), code.into());
            out.insert("message".into(), message.into());
            serde_json::to_vec(&Value::Object(out)).unwrap_or_default()
        }
        OtlpEncoding::Protobuf => {
            let mut out = Vec::new();
            // int32: negative values are sign-extended to 64 bits on the wire.
            field_varint(&mut out, 1, i64::from(code) as u64);
            field_bytes(&mut out, 2, message.as_bytes());
            out
        }
    }
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn field_varint(out: &mut Vec<u8>, field: u64, n: u64) {
    if n != 0 {
        varint(out, field << 3);
        varint(out, n);
    }
}

fn field_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    if !bytes.is_empty() {
        varint(out, field << 3 | 2);
        varint(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
}
