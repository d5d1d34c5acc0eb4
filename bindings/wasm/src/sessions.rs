//! A set of sessions held inside wasm for repeated analysis (analysis build only): the
//! trace crosses once, as bytes in any importable format or as a JSON array of events,
//! then compliance and drift run over it without crossing again.

use agentlens::analysis::compliance::{ComplianceChecker, CompliancePolicy};
use agentlens::analysis::sessions::{SessionSet, SessionSetBuilder};
use agentlens::time::UnixNanos;
use wasm_bindgen::prelude::*;

use crate::analysis_full::{analysis_error, events, register_js_validators};
use crate::{error, heap};

/// Sessions grouped once from a trace; see `SessionSet` in the core.
#[wasm_bindgen(js_name = SessionSetWasm)]
pub struct SessionSetWasm(SessionSet);

#[wasm_bindgen(js_class = SessionSetWasm)]
impl SessionSetWasm {
    /// Reads a trace in any format the importers know (gzip too). Throws
    /// `AgentLensAnalysisError` with the position of what could not be read.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, JsValue> {
        // Room for the expected working set at once, then in 64 KiB pieces, so the heap
        // can be grown ahead between them if the estimate falls short (see `heap`). The
        // events of a piece go through one reused list, small enough to stay in cache
        // (a new list per 1 MiB piece, grown by doubling, cost ~6% of the read).
        heap::reserve_for_input(bytes.len());
        let mut grow = heap::GrowAhead::new();
        let mut importer = agentlens::import::TraceImporter::new();
        let mut sessions = SessionSetBuilder::default();
        let mut batch = Vec::new();
        for piece in bytes.chunks(1 << 16) {
            importer
                .push_to(piece, &mut batch)
                .map_err(|e| analysis_error(&e))?;
            batch.drain(..).for_each(|e| sessions.push(e));
            grow.check();
        }
        let events = importer.finish().map_err(|e| analysis_error(&e))?;
        events.into_iter().for_each(|e| sessions.push(e));
        grow.check();
        Ok(Self(sessions.finish()))
    }

    /// Reads a JSON array of events.
    #[wasm_bindgen(js_name = fromEventsJson)]
    pub fn from_events_json(events_json: &str) -> Result<Self, JsValue> {
        Ok(Self(SessionSet::from_events(events(events_json)?)))
    }

    /// Session ids in first-seen order, as a JSON array.
    #[wasm_bindgen(js_name = sessionIdsJson)]
    pub fn session_ids_json(&self) -> String {
        serde_json::to_string(&self.0.ids().collect::<Vec<_>>()).unwrap_or_default()
    }

    /// How many sessions.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.0.len()
    }

    /// How many events.
    #[wasm_bindgen(getter, js_name = eventCount)]
    pub fn event_count(&self) -> usize {
        self.0.event_count()
    }

    /// Every session checked against the policy: a JSON array of reports in session
    /// order, each with its `render()` text as `text` when `withText`. `validators` as in
    /// `complianceJson`.
    #[wasm_bindgen(js_name = complianceJson)]
    pub fn compliance_json(
        &self,
        policy_json: &str,
        checked_at_ms: f64,
        with_text: bool,
        validators: Option<js_sys::Object>,
    ) -> Result<String, JsValue> {
        let policy = CompliancePolicy::from_json(policy_json).map_err(|e| analysis_error(&e))?;
        let mut checker = ComplianceChecker::new();
        if let Some(validators) = validators {
            register_js_validators(&mut checker, &validators);
        }
        let at = UnixNanos((checked_at_ms * 1e6) as i64);
        // Each report is written into one buffer as it is made (not a string per report
        // copied into a growing list of all of them): 15.7 MB of JSON for 10,000
        // sessions of the strict preset.
        let mut out = Vec::new();
        out.push(b'[');
        for (i, view) in self.0.views().enumerate() {
            let report = checker.check(view, &policy, at);
            if i > 0 {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, &report).map_err(|e| analysis_error(&e))?;
            if with_text {
                // `{...}` + `,"text":"..."}`: the report with its rendering beside it.
                out.pop();
                out.extend_from_slice(b",\"text\":");
                serde_json::to_writer(&mut out, &report.render()).unwrap_or_default();
                out.push(b'}');
            }
            if i == 0 {
                // Room for the rest at the first report's size, so the buffer seldom moves.
                out.reserve(out.len().saturating_mul(self.0.len()));
            }
        }
        out.push(b']');
        String::from_utf8(out).map_err(|e| analysis_error(&e))
    }

    /// Drift of the `current` sessions against the `baseline` ones (JSON arrays of ids):
    /// `{"report": …, "text": …, "unknown": [ids not in the set]}`.
    #[wasm_bindgen(js_name = driftJson)]
    pub fn drift_json(
        &self,
        baseline_ids_json: &str,
        current_ids_json: &str,
        threshold: f64,
    ) -> Result<String, JsValue> {
        let ids = |text: &str| -> Result<Vec<String>, JsValue> {
            serde_json::from_str(text)
                .map_err(|e| error::decode(&agentlens::encode::DecodeError::from_serde(&e)))
        };
        let (baseline, current) = (ids(baseline_ids_json)?, ids(current_ids_json)?);
        let (report, unknown) = self
            .0
            .drift(
                baseline.iter().map(String::as_str),
                current.iter().map(String::as_str),
                threshold,
            )
            .map_err(|e| analysis_error(&e))?;
        Ok(format!(
            "{{\"report\":{},\"text\":{},\"unknown\":{}}}",
            report.to_json(),
            serde_json::to_string(&report.format_report()).unwrap_or_default(),
            serde_json::to_string(&unknown).unwrap_or_default()
        ))
    }
}
