//! `PipelineWasm`: the core [`Pipeline`] behind a JS class.

use agentlens::batch::{Notice, Outcome, Output};
use agentlens::pipeline::{Format, Options, Pipeline};

use wasm_bindgen::prelude::*;

use crate::{convert, error};

#[wasm_bindgen]
extern "C" {
    /// What [`PipelineWasm::drain_to`] hands each output to.
    #[wasm_bindgen(typescript_type = "OutputHost")]
    pub type OutputHost;
    #[wasm_bindgen(method)]
    fn send(this: &OutputHost, sink: u32, id: f64, events: f64, timeout_ms: f64, body: Vec<u8>);
    #[wasm_bindgen(method)]
    fn wait(this: &OutputHost, at_ms: Option<f64>);
    #[wasm_bindgen(method)]
    fn delivered(this: &OutputHost, sink: u32, events: f64);
    #[wasm_bindgen(method)]
    fn notice(this: &OutputHost, notice: JsValue);
}

/// Sanitises each event once, encodes it and batches it for each of its sinks; the
/// host performs the sends it asks for.
#[wasm_bindgen]
pub struct PipelineWasm(Pipeline);

#[wasm_bindgen]
impl PipelineWasm {
    /// Builds a pipeline from options given as JSON text. `seed` (32 bytes) is optional:
    /// without it the seed comes from the platform's secure random source. `formats`
    /// lists the sinks (`"agentlens"`, `"ndjson"` or the JSON text of an OTLP sink spec
    /// `{"format":"otlp","protocol":…}` each, none allowed); without it the pipeline has
    /// one sink of the options' `format`.
    ///
    /// Throws an `AgentLensConfigError` naming the first invalid option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options_json: &str,
        seed: Option<Vec<u8>>,
        formats: Option<Vec<String>>,
    ) -> Result<Self, JsValue> {
        let mut config = Options::from_json(options_json)
            .and_then(Options::into_config)
            .map_err(|e| error::config(&e))?;
        config.redact.pattern_engine = crate::patterns::engine();
        let formats = match formats {
            None => None,
            Some(specs) => Some(
                specs
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Format::parse_spec(s, i))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| error::config(&e))?,
            ),
        };
        let seed = match seed {
            Some(bytes) if bytes.len() == 32 => {
                let mut s = [0u8; 32];
                s.copy_from_slice(&bytes);
                s
            }
            Some(_) => {
                return Err(error::named(
                    "AgentLensConfigError",
                    "seed must be 32 bytes",
                ));
            }
            None => {
                let mut s = [0u8; 32];
                getrandom::fill(&mut s)
                    .map_err(|_| error::named("AgentLensConfigError", "no secure random source"))?;
                s
            }
        };
        match formats {
            None => Pipeline::new(config, seed),
            Some(formats) => Pipeline::with_sinks(config, &formats, seed),
        }
        .map(Self)
        .map_err(|e| error::config(&e))
    }

    /// This pipeline's redactor, shared (its rules and the key of its ids' tags), for what
    /// the host shows of the events it sent: a tracker's `explain()` and analyses then read an
    /// event, and a redacted id's tag, as its exporters received them.
    pub fn redactor(&self) -> crate::redact::RedactorWasm {
        crate::redact::RedactorWasm(self.0.shared_redactor())
    }

    /// Prices model calls in the OTLP sinks' spans (`agentlens.cost.usd`) from now on with
    /// the price data the host loaded into the patterns module as `prices` (a
    /// `PriceBookWasm`; see `patterns.rs`). Throws when no patterns module is installed.
    #[wasm_bindgen(js_name = usePrices)]
    pub fn use_prices(&mut self, prices: u32) -> Result<(), JsValue> {
        let pricer = crate::patterns::pricer(prices).ok_or_else(|| {
            error::named(
                "AgentLensConfigError",
                "the patterns module is not installed",
            )
        })?;
        self.0.set_pricing(pricer);
        Ok(())
    }

    /// Pushes a JSON array of events (or one event object). Returns how many were
    /// accepted; the rest are counted as dropped `invalid`.
    #[wasm_bindgen(js_name = pushJson)]
    pub fn push_json(&mut self, now_ms: f64, events_json: &str) -> u32 {
        self.0.push_json(convert::millis(now_ms), events_json) as u32
    }

    /// `pushJson` for UTF-8 bytes (`TextEncoder` output): one memcpy across the boundary
    /// instead of wasm-bindgen's per-character string copy.
    #[wasm_bindgen(js_name = pushJsonBytes)]
    pub fn push_json_bytes(&mut self, now_ms: f64, events_json: &[u8]) -> u32 {
        self.0.push_json_bytes(convert::millis(now_ms), events_json) as u32
    }

    /// Sends everything buffered; returns the mark to pass to `isFlushed`.
    pub fn flush(&mut self, now_ms: f64) -> f64 {
        self.0.flush(convert::millis(now_ms)).0 as f64
    }

    /// Whether everything buffered before the flush that returned `mark` was delivered
    /// or dropped.
    #[wasm_bindgen(js_name = isFlushed)]
    pub fn is_flushed(&self, mark: f64) -> bool {
        self.0.is_flushed(agentlens::batch::FlushMark(mark as u64))
    }

    /// Whether shutdown has completed: nothing is pending any more.
    #[wasm_bindgen(js_name = isShutDown)]
    pub fn is_shut_down(&self) -> bool {
        self.0.is_shut_down()
    }

    /// Reports an HTTP status for request `id` (it names the sink). `retry_after` is the raw `Retry-After`
    /// header; `wall_clock_ms` is `Date.now()`, for HTTP-date values. `body` is the
    /// response body, if the exporter read it (an OTLP sink reads a partial success there).
    #[wasm_bindgen(js_name = handleStatus)]
    pub fn handle_status(
        &mut self,
        now_ms: f64,
        id: f64,
        status: u16,
        retry_after: Option<String>,
        wall_clock_ms: f64,
        body: Option<Vec<u8>>,
    ) {
        let retry_after = retry_after
            .as_deref()
            .and_then(|h| agentlens::batch::parse_retry_after(h, wall_clock_ms));
        let now = convert::millis(now_ms);
        match body {
            Some(body) => self
                .0
                .handle_status(now, id as u64, status, retry_after, &body),
            None => self.0.handle_response(
                now,
                id as u64,
                Outcome::Status {
                    code: status,
                    retry_after,
                },
            ),
        }
    }

    /// Reports that request `id` failed without a status: `"timeout"` or `"network"`.
    #[wasm_bindgen(js_name = handleFailure)]
    pub fn handle_failure(&mut self, now_ms: f64, id: f64, kind: &str) {
        let outcome = if kind == "timeout" {
            Outcome::Timeout
        } else {
            Outcome::Network
        };
        self.0
            .handle_response(convert::millis(now_ms), id as u64, outcome);
    }

    /// Lets due timers fire.
    #[wasm_bindgen(js_name = handleTimeout)]
    pub fn handle_timeout(&mut self, now_ms: f64) {
        self.0.handle_timeout(convert::millis(now_ms));
    }

    /// Drains what it can before `deadline_ms`; the rest is counted `shutdown_timeout`.
    pub fn shutdown(&mut self, now_ms: f64, deadline_ms: f64) {
        self.0
            .shutdown(convert::millis(now_ms), convert::millis(deadline_ms));
    }

    /// Hands every pending output of every sink to `host`, ending with its `wait` (the
    /// earliest deadline). One crossing per drain: a request to send, a delivery and the
    /// `wait` cross as numbers, and `host` builds their objects (`core/outputs.ts`); any
    /// other notice is an `Output` object carrying its sink's index as `sink`. `host`
    /// must not throw, nor call back into this pipeline.
    #[wasm_bindgen(js_name = drainTo)]
    pub fn drain_to(&mut self, now_ms: f64, host: &OutputHost) {
        let now = convert::millis(now_ms);
        loop {
            match self.0.poll_sink_output(now) {
                (sink, Output::Send(req)) => host.send(
                    sink as u32,
                    req.id as f64,
                    req.events as f64,
                    req.timeout.0 as f64,
                    req.body,
                ),
                (_, Output::Wait(at)) => return host.wait(at.map(|m| m.0 as f64)),
                (sink, Output::Event(Notice::Delivered { events })) => {
                    host.delivered(sink as u32, events as f64);
                }
                (sink, Output::Event(n)) => {
                    let explained = matches!(n, Notice::PartialSuccess { warn: true, .. });
                    let o = convert::notice(n);
                    convert::set(o.unchecked_ref(), "sink", &(sink as f64).into());
                    if let (true, Some(m)) = (explained, self.0.partial_message(sink)) {
                        convert::set(o.unchecked_ref(), "message", &m.into());
                    }
                    host.notice(o);
                }
            }
        }
    }

    /// Accounting of the first sink, and redaction counts (`PipelineStats`: the batch
    /// fields, then `redaction`).
    #[wasm_bindgen(unchecked_return_type = "PipelineStats")]
    pub fn stats(&self) -> JsValue {
        // `Pipeline::stats` as its parts (no copy of the report): the first sink's, then
        // `redaction`.
        let first = self.0.sink_stats().into_iter().next().unwrap_or_default();
        let out = batch_stats(&first);
        convert::set(
            out.unchecked_ref(),
            "redaction",
            &convert::to_js(self.0.redaction()),
        );
        out
    }

    /// Each sink's accounting (tracked, delivered, dropped by reason, sampled out,
    /// pending, ...) and the redaction counts, once per event whatever the sinks.
    #[wasm_bindgen(js_name = sinkStats, unchecked_return_type = "SinkStats")]
    pub fn sink_stats(&self) -> JsValue {
        let sinks = js_sys::Array::new();
        for s in &self.0.sink_stats() {
            sinks.push(&batch_stats(s));
        }
        let out = js_sys::Object::new();
        convert::set(&out, "sinks", &sinks);
        convert::set(&out, "redaction", &convert::to_js(self.0.redaction()));
        out.into()
    }

    /// The token sums `[in, out]` of a session's events pushed so far: the core's
    /// running totals, which it fills into the session's `session_end`.
    #[wasm_bindgen(js_name = sessionTokens)]
    pub fn session_tokens(&self, session_id: &str) -> Vec<f64> {
        self.0.session_tokens(session_id).map(|n| n as f64).to_vec()
    }

    /// A fresh 16-hex id for a session, event or span.
    #[wasm_bindgen(js_name = newId)]
    pub fn new_id(&mut self) -> String {
        self.0.ids().event_id()
    }

    /// `count` fresh ids of `newId`'s shape in one string, 16 characters each: a host
    /// takes them in order and crosses once per block rather than once per id.
    #[wasm_bindgen(js_name = newIds)]
    pub fn new_ids(&mut self, count: u32) -> String {
        self.0.ids().event_ids(count as usize)
    }

    /// A fresh 32-hex OTLP trace id.
    #[wasm_bindgen(js_name = newTraceId)]
    pub fn new_trace_id(&mut self) -> String {
        self.0.ids().trace_id()
    }
}

/// One batcher's accounting as a plain object: one serialiser of `Stats` for `stats` and
/// `sinkStats` (a wasm size choice: it is not inlined into each).
#[inline(never)]
fn batch_stats(stats: &agentlens::batch::Stats) -> JsValue {
    convert::to_js(stats)
}
