//! OTLP/HTTP trace export: AgentLens events as spans with the GenAI semantic conventions
//! 1.42 (`docs/otlp.md` is the contract), in protobuf or JSON.
//!
//! An [`Encoder`] is one sink's state: it remembers open sessions and runs (bounded) and
//! turns each event, already redacted, into zero or one span record. A record is the
//! span's encoding as it sits in a request: in protobuf the `ScopeSpans.spans` field
//! (tag and length included), in JSON the span object; so a request body is the records
//! concatenated (JSON: joined by `,`), which [`Encoder::wrap`] puts in its
//! `ExportTraceServiceRequest` envelope (resource, scope, schema URL).

use serde_json::Value;

use crate::analysis::cost::Pricer;

use crate::model::{Event, EventType, semantics};

mod content;
pub mod ids;
mod json;
mod proto;
mod response;
mod span;

pub use response::partial_success;
use span::{Opened, Val};

/// The schema URL of the GenAI conventions 1.42.
pub const SCHEMA_URL: &str = "https://opentelemetry.io/schemas/gen-ai/1.42.0";
/// The schema URL written in 1.36 mode.
pub const SCHEMA_URL_1_36: &str = "https://opentelemetry.io/schemas/1.36.0";
/// Most sessions, and most runs, remembered between their start and end per sink.
pub const MAX_OPEN: usize = 10_000;

/// How request bodies are encoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// `application/x-protobuf` (`http/protobuf`).
    #[default]
    Protobuf,
    /// `application/json` (`http/json`).
    Json,
}

/// Which names of the GenAI conventions to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Semconv {
    /// 1.42: `gen_ai.provider.name` and every usage attribute.
    #[default]
    V1_42,
    /// 1.36: `gen_ai.system`, without the `cache_creation` and `reasoning` usage.
    V1_36,
}

/// One OTLP sink's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct OtlpConfig {
    /// Protobuf or JSON.
    pub encoding: Encoding,
    /// `service.name`. Default `unknown_service`.
    pub service_name: String,
    /// More resource attributes (strings, numbers, booleans), after the fixed ones.
    pub resource_attributes: Vec<(String, Value)>,
    /// Export prompts, responses and other content (already redacted). Default false.
    pub capture_content: bool,
    /// Convention version. Default 1.42.
    pub semconv: Semconv,
    /// `telemetry.sdk.language`. Default `webjs`.
    pub sdk_language: String,
    /// `telemetry.sdk.version` and the scope's version. Default this crate's version.
    pub sdk_version: String,
    /// Prices for `agentlens.cost.usd` on model calls (the same cost every AgentLens
    /// host reports); `None`: no cost attribute. Set by the host
    /// ([`crate::pipeline::Pipeline::set_pricing`]), not by the spec.
    pub pricing: Option<Pricer>,
}

impl Default for OtlpConfig {
    fn default() -> Self {
        Self {
            encoding: Encoding::Protobuf,
            service_name: "unknown_service".into(),
            resource_attributes: Vec::new(),
            capture_content: false,
            semconv: Semconv::V1_42,
            sdk_language: "webjs".into(),
            sdk_version: env!("CARGO_PKG_VERSION").into(),
            pricing: None,
        }
    }
}

impl OtlpConfig {
    /// Reads a host's sink spec (`{"protocol","serviceName","resourceAttributes",
    /// "captureContent","semconv","sdkVersion","sdkLanguage"}`, all optional; other keys
    /// are ignored).
    ///
    /// # Errors
    /// The field at fault and what it must be.
    pub fn from_spec(spec: Value) -> Result<Self, (&'static str, &'static str)> {
        let mut c = Self::default();
        let Value::Object(mut obj) = spec else {
            return Err(("otlp", "must be an object"));
        };
        let mut text = |key: &'static str| take_str(&mut obj, key);
        c.encoding = match text("protocol")?.as_deref() {
            None | Some("http/protobuf") => Encoding::Protobuf,
            Some("http/json") => Encoding::Json,
            Some(_) => return Err(("protocol", "must be \"http/protobuf\" or \"http/json\"")),
        };
        c.semconv = match text("semconv")?.as_deref() {
            None | Some("1.42") => Semconv::V1_42,
            Some("1.36") => Semconv::V1_36,
            Some(_) => return Err(("semconv", "must be \"1.42\" or \"1.36\"")),
        };
        c.service_name = text("serviceName")?.unwrap_or(c.service_name);
        c.sdk_version = text("sdkVersion")?.unwrap_or(c.sdk_version);
        c.sdk_language = text("sdkLanguage")?.unwrap_or(c.sdk_language);
        c.capture_content = match obj.remove("captureContent") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => b,
            Some(_) => return Err(("captureContent", "must be a boolean")),
        };
        match obj.remove("resourceAttributes") {
            None | Some(Value::Null) => {}
            Some(Value::Object(attrs)) => {
                for (k, v) in attrs {
                    if !proto::is_scalar(&v) {
                        return Err((
                            "resourceAttributes",
                            "must map names to strings, numbers or booleans",
                        ));
                    }
                    c.resource_attributes.push((k, v));
                }
            }
            Some(_) => return Err(("resourceAttributes", "must be an object")),
        }
        Ok(c)
    }

    /// The schema URL the sink writes.
    pub fn schema_url(&self) -> &'static str {
        match self.semconv {
            Semconv::V1_42 => SCHEMA_URL,
            Semconv::V1_36 => SCHEMA_URL_1_36,
        }
    }

    /// The resource's attributes: `service.name`, `telemetry.sdk.*`, then the user's
    /// (those naming a fixed one are left out).
    fn resource(&self) -> Vec<(&str, Val<'_>)> {
        let mut attrs = vec![
            ("service.name", Val::Str(&self.service_name)),
            ("telemetry.sdk.name", Val::Str("agentlens")),
            ("telemetry.sdk.language", Val::Str(&self.sdk_language)),
            ("telemetry.sdk.version", Val::Str(&self.sdk_version)),
        ];
        for (k, v) in &self.resource_attributes {
            if !attrs.iter().any(|(have, _)| *have == k.as_str()) {
                attrs.push((k.as_str(), Val::Json(v)));
            }
        }
        attrs
    }
}

/// Takes `obj[key]` as an optional string.
fn take_str(
    obj: &mut serde_json::Map<String, Value>,
    key: &'static str,
) -> Result<Option<String>, (&'static str, &'static str)> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err((key, "must be a string")),
    }
}

/// Sessions or runs between start and end, at most [`MAX_OPEN`]: past that the oldest is
/// forgotten. A sorted vector (as the pipeline's token totals): less wasm than a map, and
/// few are open at once.
#[derive(Debug, Default)]
struct Open {
    /// `(key, age, what the start said)`, sorted by key.
    items: Vec<(Box<str>, u64, Opened)>,
    next: u64,
}

impl Open {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.items.binary_search_by(|(k, ..)| (**k).cmp(key))
    }

    fn insert(&mut self, key: Box<str>, v: Opened) {
        self.next += 1;
        match self.find(&key) {
            Ok(i) => self.items[i] = (key, self.next, v),
            Err(i) => self.items.insert(i, (key, self.next, v)),
        }
        if self.items.len() > MAX_OPEN {
            let oldest = (0..self.items.len()).min_by_key(|&i| self.items[i].1);
            if let Some(i) = oldest {
                self.items.remove(i);
            }
        }
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Opened> {
        let i = self.find(key).ok()?;
        Some(&mut self.items[i].2)
    }

    fn remove(&mut self, key: &str) -> Option<Opened> {
        let i = self.find(key).ok()?;
        Some(self.items.remove(i).2)
    }
}

/// One OTLP sink's encoder: its settings, its open sessions and runs, and the envelope
/// around its request bodies.
#[derive(Debug)]
pub struct Encoder {
    config: OtlpConfig,
    sessions: Open,
    runs: Open,
    /// Protobuf: the `ResourceSpans.resource` field, then the `ScopeSpans.scope` field.
    /// JSON: everything before the first span.
    head: Vec<u8>,
    scope: Vec<u8>,
    /// Protobuf: the `ScopeSpans.schema_url` field. JSON: everything after the last span.
    tail: Vec<u8>,
}

impl Encoder {
    /// An encoder for `config` (its resource attributes go into the envelope and are
    /// not kept).
    pub fn new(config: &OtlpConfig) -> Self {
        let (mut head, mut scope, mut tail) = (Vec::new(), Vec::new(), Vec::new());
        let resource = config.resource();
        let (version, url) = (config.sdk_version.as_bytes(), config.schema_url());
        match config.encoding {
            Encoding::Protobuf => {
                let r = proto::open(&mut head, 0x0a);
                for (k, v) in &resource {
                    proto::key_value(&mut head, 0x0a, k, v);
                }
                proto::close(&mut head, r);
                let s = proto::open(&mut scope, 0x0a);
                proto::bytes(&mut scope, 0x0a, b"agentlens");
                proto::bytes(&mut scope, 0x12, version);
                proto::close(&mut scope, s);
                proto::bytes(&mut tail, 0x1a, url.as_bytes());
            }
            Encoding::Json => {
                head.extend_from_slice(br#"{"resourceSpans":[{"resource":{"attributes":"#);
                json::attributes(&mut head, &resource);
                head.extend_from_slice(
                    br#"},"scopeSpans":[{"scope":{"name":"agentlens","version":"#,
                );
                content::json_str(&mut head, &config.sdk_version);
                head.extend_from_slice(br#"},"spans":["#);
                tail.extend_from_slice(br#"],"schemaUrl":"#);
                content::json_str(&mut tail, url);
                tail.extend_from_slice(b"}]}]}");
            }
        }
        drop(resource);
        let config = OtlpConfig {
            resource_attributes: Vec::new(),
            service_name: String::new(),
            sdk_language: String::new(),
            sdk_version: String::new(),
            pricing: config.pricing.clone(),
            ..*config
        };
        Self {
            config,
            sessions: Open::default(),
            runs: Open::default(),
            head,
            scope,
            tail,
        }
    }

    /// The settings.
    pub fn config(&self) -> &OtlpConfig {
        &self.config
    }

    /// Prices model calls with `pricing` from now on (`agentlens.cost.usd`); `None` stops.
    pub fn set_pricing(&mut self, pricing: Option<Pricer>) {
        self.config.pricing = pricing;
    }

    /// Bytes [`Encoder::wrap`] adds at most around a body.
    pub fn overhead(&self) -> usize {
        self.head.len() + self.scope.len() + self.tail.len() + 12
    }

    /// The span record of `event`, if it ends a span: none for `session_start` and
    /// `run_start` (remembered for their ends).
    pub fn encode(&mut self, ev: &Event) -> Option<Vec<u8>> {
        let opened = self.track(ev)?;
        Some(self.write(ev, opened.as_ref()))
    }

    /// [`Encoder::encode`], and when the record is over `max` bytes, `fit` shrinks the
    /// event (the pipeline's truncation) and it is encoded again once.
    pub(crate) fn encode_fitted(
        &mut self,
        ev: &mut Event,
        max: usize,
        fit: &mut dyn FnMut(&mut Event),
    ) -> Option<Vec<u8>> {
        let opened = self.track(ev)?;
        let out = self.write(ev, opened.as_ref());
        if out.len() <= max {
            return Some(out);
        }
        fit(ev);
        Some(self.write(ev, opened.as_ref()))
    }

    /// Remembers a start (`None`: no span) or takes what an end's start left.
    fn track(&mut self, ev: &Event) -> Option<Option<Opened>> {
        match ev.event_type {
            EventType::SessionStart => {
                self.sessions
                    .insert(ev.session_id.as_str().into(), Opened::of(ev));
                None
            }
            EventType::RunStart => {
                self.runs.insert(run_key(ev).into(), Opened::of(ev));
                None
            }
            EventType::SessionEnd => Some(self.sessions.remove(&ev.session_id)),
            EventType::RunEnd => Some(self.runs.remove(&run_key(ev))),
            _ if ev.run_id.is_some() && semantics::is_error(ev) => {
                if let Some(run) = self.runs.get_mut(&run_key(ev)) {
                    run.saw_error(ev);
                }
                Some(None)
            }
            _ => Some(None),
        }
    }

    fn write(&self, ev: &Event, opened: Option<&Opened>) -> Vec<u8> {
        let span = match ev.event_type {
            EventType::SessionEnd => span::session(ev, opened),
            EventType::RunEnd => span::run(ev, opened),
            _ => span::event(ev, &self.config),
        };
        let mut out = Vec::with_capacity(span.size_hint());
        match self.config.encoding {
            Encoding::Protobuf => proto::span(&mut out, &span),
            Encoding::Json => json::span(&mut out, &span),
        }
        out
    }

    /// A request body of concatenated records in its `ExportTraceServiceRequest`.
    pub fn wrap(&self, records: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(records.len() + self.overhead());
        if self.config.encoding == Encoding::Json {
            out.extend_from_slice(&self.head);
            out.extend_from_slice(records);
            out.extend_from_slice(&self.tail);
            return out;
        }
        let scope_spans = (self.scope.len() + records.len() + self.tail.len()) as u64;
        let mut mid = Vec::with_capacity(6);
        mid.push(0x12);
        proto::varint(&mut mid, scope_spans);
        let resource_spans = (self.head.len() + mid.len()) as u64 + scope_spans;
        out.push(0x0a);
        proto::varint(&mut out, resource_spans);
        out.extend_from_slice(&self.head);
        out.extend_from_slice(&mid);
        out.extend_from_slice(&self.scope);
        out.extend_from_slice(records);
        out.extend_from_slice(&self.tail);
        out
    }
}

fn run_key(ev: &Event) -> String {
    let run = ev.run_id.as_deref().unwrap_or("");
    let mut key = String::with_capacity(ev.session_id.len() + 1 + run.len());
    key.push_str(&ev.session_id);
    key.push('\n');
    key.push_str(run);
    key
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod wire_tests;
