//! Event semantics for hosts that store events (the collector): a session's status by the
//! core's rule, so no host decides it again. Analysis build. (Reading and classifying
//! incoming events is the core ingest's, `IngestorWasm`; the viewer asks `TraceViewWasm`.)

use agentlens::model::semantics::SessionStatus;
use wasm_bindgen::prelude::*;

/// A session's status after learning `next` (`active`, `completed`, `timeout` or
/// `error`): an error is final, an end
/// replaces `active`.
#[wasm_bindgen(js_name = sessionStatusThen)]
pub fn session_status_then(previous: &str, next: &str) -> String {
    SessionStatus::parse(previous)
        .then(SessionStatus::parse(next))
        .as_str()
        .to_owned()
}
