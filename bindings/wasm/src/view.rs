//! The viewer's trace held inside wasm (analysis build only): bytes go in once, through
//! the importer, and every query answers with the small JSON the viewer shows (a page of
//! rows, a page of a timeline, one event, a tab's result). Conversion only; see
//! `agentlens::view` for what each query means.

use agentlens::analysis::explain::Style;
use agentlens::import::TraceImporter;
use agentlens::time::UnixNanos;
use agentlens::view::TraceView;
use agentlens::view::list::ListFilter;
use agentlens::view::redaction::RedactionOptions;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use crate::analysis_full::{analysis_error, events};
use crate::{convert, error, heap};

fn json<T: Serialize>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(analysis_error)
}

fn read<T: DeserializeOwned>(text: &str) -> Result<T, JsValue> {
    serde_json::from_str(text)
        .map_err(|e| error::decode(&agentlens::encode::DecodeError::from_serde(&e)))
}

fn keys(text: Option<String>) -> Result<Option<Vec<String>>, JsValue> {
    text.map(|t| read(&t)).transpose()
}

/// A trace held for the viewer; see `TraceView` in the core.
#[wasm_bindgen(js_name = TraceViewWasm)]
pub struct TraceViewWasm {
    view: TraceView,
    importer: TraceImporter,
    /// The keys the last `filter` passed, paged by `rows`.
    filtered: Vec<String>,
}

impl Default for TraceViewWasm {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen(js_class = TraceViewWasm)]
impl TraceViewWasm {
    /// An empty view with the default prices.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self {
            view: TraceView::default(),
            importer: TraceImporter::new(),
            filtered: Vec::new(),
        }
    }

    /// Reads the next chunk of a trace file (any importable format, gzip too); returns
    /// how many events it completed. Throws `AgentLensAnalysisError` with the position
    /// of what cannot be read.
    pub fn push(&mut self, bytes: &[u8]) -> Result<usize, JsValue> {
        if self.view.event_count() == 0 {
            heap::reserve_for_input(bytes.len());
        }
        let events = self.importer.push(bytes).map_err(analysis_error)?;
        let n = events.len();
        self.view.push(events);
        Ok(n)
    }

    /// Ends the file: `{"format", "warnings"}` as JSON; the next `push` starts a new file
    /// (added to the events held).
    pub fn finish(&mut self) -> Result<String, JsValue> {
        let events = self.importer.finish().map_err(analysis_error)?;
        self.view.push(events);
        let importer = std::mem::replace(&mut self.importer, TraceImporter::new());
        let format = importer.format().map_or("unknown", |f| f.as_str());
        Ok(format!(
            "{{\"format\":\"{format}\",\"warnings\":{}}}",
            json(&importer.warnings())?
        ))
    }

    /// Adds a JSON array of wire events not already held (see `TraceView::push_new`);
    /// returns the keys of the sessions that changed, as JSON.
    #[wasm_bindgen(js_name = pushNewJson)]
    pub fn push_new_json(&mut self, events_json: &str) -> Result<String, JsValue> {
        json(&self.view.push_new(events(events_json)?))
    }

    /// Drops every event.
    pub fn clear(&mut self) {
        *self = Self::new();
    }

    /// Events held.
    #[wasm_bindgen(getter, js_name = eventCount)]
    pub fn event_count(&self) -> usize {
        self.view.event_count()
    }

    /// Sessions held.
    #[wasm_bindgen(getter, js_name = sessionCount)]
    pub fn session_count(&self) -> usize {
        self.view.session_count()
    }

    /// Every session key, as JSON.
    #[wasm_bindgen(js_name = sessionIdsJson)]
    pub fn session_ids_json(&self) -> Result<String, JsValue> {
        json(&self.view.session_ids().collect::<Vec<_>>())
    }

    /// Applies a list filter (JSON); returns the keys that pass, as JSON.
    pub fn filter(&mut self, filter_json: &str) -> Result<String, JsValue> {
        self.filtered = self.view.filter(&read::<ListFilter>(filter_json)?);
        json(&self.filtered)
    }

    /// Rows `offset..offset + limit` of the last filter's sessions, as JSON.
    pub fn rows(&self, offset: usize, limit: usize) -> Result<String, JsValue> {
        let keys = self
            .filtered
            .iter()
            .skip(offset)
            .take(limit)
            .map(String::as_str);
        json(&self.view.rows(keys))
    }

    /// The filter menus' values, as JSON.
    pub fn facets(&self) -> Result<String, JsValue> {
        json(&self.view.facets())
    }

    /// A session's header as JSON, `null` for an unknown key.
    pub fn header(&mut self, key: &str) -> Result<String, JsValue> {
        json(&self.view.header(key))
    }

    /// A page of a session's timeline as JSON (`null` for an unknown key).
    pub fn timeline(&mut self, key: &str, offset: usize, limit: usize) -> Result<String, JsValue> {
        json(&self.view.timeline(key, offset, limit))
    }

    /// The timeline row of an event id, `@n` or `run:<id>`; -1 when absent.
    #[wasm_bindgen(js_name = findRow)]
    pub fn find_row(&mut self, key: &str, reference: &str) -> i32 {
        self.view.find_row(key, reference).map_or(-1, |n| n as i32)
    }

    /// Timeline row `n` with its event and cost, as JSON (`null` when absent).
    pub fn event(&mut self, key: &str, n: usize) -> Result<String, JsValue> {
        json(&self.view.event_detail(key, n))
    }

    /// The Charts tab over the sessions `keys` (JSON array), as JSON; `null` when none
    /// is held.
    pub fn charts(&mut self, keys_json: &str) -> Result<String, JsValue> {
        json(&self.view.charts(&read::<Vec<String>>(keys_json)?))
    }

    /// Alert rules (JSON) streamed over the events (of `keys`' sessions when given).
    pub fn alerts(&self, rules: &str, keys_json: Option<String>) -> Result<String, JsValue> {
        let only = keys(keys_json)?;
        json(
            &self
                .view
                .alerts(rules, only.as_deref())
                .map_err(analysis_error)?,
        )
    }

    /// A policy (JSON) checked against the sessions `keys`.
    pub fn compliance(
        &mut self,
        policy: &str,
        keys_json: &str,
        checked_at_ms: f64,
    ) -> Result<String, JsValue> {
        let keys = read::<Vec<String>>(keys_json)?;
        let at = UnixNanos::from_unix_ms(checked_at_ms);
        json(
            &self
                .view
                .compliance(policy, &keys, at)
                .map_err(analysis_error)?,
        )
    }

    /// Drift of the sessions `keys` split by time (the first `percent` as the baseline).
    #[wasm_bindgen(js_name = driftSplit)]
    pub fn drift_split(
        &mut self,
        keys_json: &str,
        percent: f64,
        threshold: f64,
    ) -> Result<String, JsValue> {
        let keys = read::<Vec<String>>(keys_json)?;
        json(
            &self
                .view
                .drift_split(&keys, percent, threshold)
                .map_err(analysis_error)?,
        )
    }

    /// Drift of `current` (absent: every other session) against `baseline`.
    pub fn drift(
        &mut self,
        baseline_json: &str,
        current_json: Option<String>,
        threshold: f64,
    ) -> Result<String, JsValue> {
        let (baseline, current) = (read::<Vec<String>>(baseline_json)?, keys(current_json)?);
        json(
            &self
                .view
                .drift(&baseline, current.as_deref(), threshold)
                .map_err(analysis_error)?,
        )
    }

    /// One session explained (`"sdk"` or `"backend"`): `{sessionId, markdown, blocks}`.
    pub fn explain(&mut self, key: &str, style: &str) -> Result<String, JsValue> {
        let style = Style::parse(Some(style)).map_err(|e| error::config(&e))?;
        json(&self.view.explain(key, style).map_err(analysis_error)?)
    }

    /// The redaction preview for options `{extraKeys, extraPatterns}` (JSON).
    #[wasm_bindgen(js_name = redactionPreview)]
    pub fn redaction_preview(&self, options_json: &str) -> Result<String, JsValue> {
        let options = read::<RedactionOptions>(options_json)?;
        json(
            &self
                .view
                .redaction_preview(&options)
                .map_err(analysis_error)?,
        )
    }

    /// The redacted trace: `{bytes: Uint8Array (NDJSON), events, report}`.
    #[wasm_bindgen(js_name = redactedNdjson)]
    pub fn redacted_ndjson(&self, options_json: &str, producer: &str) -> Result<JsValue, JsValue> {
        let options = read::<RedactionOptions>(options_json)?;
        let r = self
            .view
            .redacted_ndjson(&options, producer)
            .map_err(analysis_error)?;
        let out = js_sys::Object::new();
        convert::set(
            &out,
            "bytes",
            &js_sys::Uint8Array::from(r.ndjson.as_slice()).into(),
        );
        convert::set(&out, "events", &JsValue::from(r.events as f64));
        convert::set(&out, "report", &convert::to_js(&r.report));
        Ok(out.into())
    }
}
