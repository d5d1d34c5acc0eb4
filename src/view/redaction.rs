//! The held trace redacted as a trace file would be (each event sanitised: redacted by
//! key and pattern, truncated, fitted to the event limit; see [`crate::redact::sanitize`]
//! and [`crate::redact::fit_event`]), with the default rules plus the user's extra keys
//! and patterns: a preview (counts over every event, and what changes in a sample) and
//! the redacted NDJSON file. Unlike the pipeline, it mints no ids for events without one:
//! the saved file holds the events as they were read, less what the rules remove.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::TraceView;
use super::panels::{ViewError, input};
use crate::encode::ndjson::{Header, encode_line};
use crate::model::Event;
use crate::redact::{Config, IdKey, PatternRule, Redactor, Report, fit_event, sanitize};

/// Events compared for the preview's diff.
pub const COMPARED_EVENTS: usize = 5000;
/// Changed events shown in the preview.
pub const SAMPLE_EVENTS: usize = 25;
const MAX_CHANGES_PER_EVENT: usize = 20;
const MAX_SHOWN_CHARS: usize = 300;

/// The user's rules beside the defaults.
#[derive(Clone, Debug, Default)]
pub struct RedactionOptions {
    /// More sensitive keys (blank ones are ignored).
    pub extra_keys: Vec<String>,
    /// More patterns (an empty regex is ignored; an unnamed one is `custom_<n>`).
    pub extra_patterns: Vec<ExtraPattern>,
    /// The key of the tags that keep redacted ids apart. `None`: the core's fixed, public
    /// key, with which anyone holding the saved file could test a guessed id against its
    /// tag; a host saving a file to share passes a random one (the wasm bindings do).
    pub id_key: Option<IdKey>,
}

/// One extra pattern.
#[derive(Clone, Debug, Default)]
pub struct ExtraPattern {
    /// Its name in the counts.
    pub name: String,
    /// The regular expression.
    pub regex: String,
}

impl RedactionOptions {
    /// Reads `{"extraKeys": [..], "extraPatterns": [{"name", "regex"}, ..]}`; values of
    /// another type are ignored.
    pub fn from_value(v: &Value) -> Self {
        let list = |k: &str| {
            v.get(k)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let text = |v: &Value, k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        Self {
            extra_keys: list("extraKeys")
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            extra_patterns: list("extraPatterns")
                .iter()
                .map(|p| ExtraPattern {
                    name: text(p, "name"),
                    regex: text(p, "regex"),
                })
                .collect(),
            id_key: None,
        }
    }
}

/// One changed field: its path, before and after (cut for display).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct Change {
    pub path: String,
    pub before: String,
    pub after: String,
}

/// One event that redaction changes.
#[derive(Clone, Debug, Serialize)]
#[allow(missing_docs)]
pub struct ChangedEvent {
    /// Position in arrival order.
    pub index: usize,
    pub event_id: String,
    pub event_type: String,
    pub session_id: String,
    pub changes: Vec<Change>,
}

/// The preview's answer.
#[derive(Clone, Debug, Serialize)]
pub struct Preview {
    /// Events read.
    pub events: usize,
    /// Events written (all of them: sanitising fits every event).
    pub written: usize,
    /// Dropped events by reason (none: kept for hosts that show it).
    pub dropped: BTreeMap<String, u64>,
    /// What the rules changed over every event.
    pub report: Report,
    /// Events compared for the diff.
    pub compared: usize,
    /// Compared events that changed.
    pub changed: usize,
    /// The first changed events, with their changes.
    pub sample: Vec<ChangedEvent>,
}

/// The redacted trace file.
#[derive(Clone, Debug)]
pub struct Redacted {
    /// NDJSON: a header line, then one line per event.
    pub ndjson: Vec<u8>,
    /// Events written.
    pub events: usize,
    /// What the rules changed.
    pub report: Report,
}

/// The redactor of `options` (defaults plus extras) and one with no rules, which only
/// truncates, so a diff of the two shows what redaction alone changes.
fn redactors(options: &RedactionOptions) -> Result<(Redactor, Redactor), ViewError> {
    let keys = options
        .extra_keys
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty());
    let patterns = options
        .extra_patterns
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.regex.is_empty())
        .map(|(i, p)| PatternRule {
            name: if p.name.is_empty() {
                format!("custom_{}", i + 1)
            } else {
                p.name.clone()
            },
            regex: p.regex.clone(),
            luhn: false,
        })
        .collect();
    let mut config = Config::default().with_keys(keys).with_patterns(patterns);
    config.id_key = options.id_key;
    let rules = Redactor::new(config).map_err(input)?;
    let none = Config::default()
        .replace_keys(Vec::<String>::new())
        .replace_patterns(Vec::new());
    Ok((rules, Redactor::new(none).map_err(input)?))
}

fn sanitized(redactor: &Redactor, e: &Event, report: &mut Report) -> Event {
    let mut e = e.clone();
    sanitize(redactor, &mut e, report);
    fit_event(&mut e, redactor.config().max_event_bytes, report);
    e
}

fn shown(v: Option<&Value>) -> String {
    let text = match v {
        None => return "(absent)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// The leaves that differ between `before` and `after`, by path (at most 20).
pub fn diff_values(
    before: Option<&Value>,
    after: Option<&Value>,
    path: &str,
    out: &mut Vec<Change>,
) {
    if out.len() >= MAX_CHANGES_PER_EVENT {
        return;
    }
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            for (key, v) in b {
                diff_values(Some(v), a.get(key), &join(key), out);
            }
            for (key, v) in a.iter().filter(|(k, _)| !b.contains_key(*k)) {
                out.push(Change {
                    path: join(key),
                    before: shown(None),
                    after: shown(Some(v)),
                });
            }
        }
        (Some(Value::Array(b)), Some(Value::Array(a))) => {
            for i in 0..b.len().max(a.len()) {
                diff_values(b.get(i), a.get(i), &format!("{path}[{i}]"), out);
            }
        }
        (b, a) if b != a => out.push(Change {
            path: path.to_owned(),
            before: shown(b),
            after: shown(a),
        }),
        _ => {}
    }
    out.truncate(MAX_CHANGES_PER_EVENT);
}

impl TraceView {
    /// Counts what the rules change over every event, and diffs the first
    /// [`COMPARED_EVENTS`] events with and without the rules.
    ///
    /// # Errors
    /// [`ViewError::Input`] naming a pattern that does not compile.
    pub fn redaction_preview(&self, options: &RedactionOptions) -> Result<Preview, ViewError> {
        let (rules, none) = redactors(options)?;
        let (mut report, mut ignored) = (Report::default(), Report::default());
        let (mut changed, mut sample) = (0, Vec::new());
        for (index, e) in self.events().iter().enumerate() {
            let after = sanitized(&rules, e, &mut report);
            if index >= COMPARED_EVENTS {
                continue;
            }
            // Compared and diffed as JSON text: the model's serializer to text is in every
            // build; equality or a serializer to `Value` would add their own copies.
            let before = serde_json::to_vec(&sanitized(&none, e, &mut ignored)).unwrap_or_default();
            let after = serde_json::to_vec(&after).unwrap_or_default();
            if before == after {
                continue;
            }
            changed += 1;
            if sample.len() < SAMPLE_EVENTS {
                let mut changes = Vec::new();
                let value = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).ok();
                diff_values(
                    value(&before).as_ref(),
                    value(&after).as_ref(),
                    "",
                    &mut changes,
                );
                sample.push(ChangedEvent {
                    index,
                    event_id: e.event_id.clone().unwrap_or_default(),
                    event_type: e.event_type.as_str().to_owned(),
                    session_id: e.session_id.clone(),
                    changes,
                });
            }
        }
        let events = self.event_count();
        Ok(Preview {
            events,
            written: events,
            dropped: BTreeMap::new(),
            report,
            compared: events.min(COMPARED_EVENTS),
            changed,
            sample,
        })
    }

    /// Every event sanitised with the rules, as an NDJSON trace file whose header names
    /// `producer`.
    ///
    /// # Errors
    /// [`ViewError::Input`] naming a pattern that does not compile.
    pub fn redacted_ndjson(
        &self,
        options: &RedactionOptions,
        producer: &str,
    ) -> Result<Redacted, ViewError> {
        let (rules, _) = redactors(options)?;
        let mut report = Report::default();
        let mut ndjson = Header::new(Some(producer.to_owned())).to_line();
        for e in self.events() {
            ndjson.extend_from_slice(&encode_line(&sanitized(&rules, e, &mut report)));
        }
        Ok(Redacted {
            ndjson,
            events: self.event_count(),
            report,
        })
    }
}
