//! Redaction and byte-aware truncation of event payloads.
//!
//! [`Redactor`] replaces sensitive data inside [`Value`]s before anything is queued or
//! encoded: the whole value under a sensitive object key (see [`DEFAULT_KEYS`]), and only
//! the matched text of every pattern (see [`default_patterns`]) inside every other string,
//! including object keys. [`truncate_value`] then shrinks a value to a byte budget measured
//! as compact JSON, keeping it valid JSON.
//!
//! What it does not do: it never reads the environment or a clock, keeps no global state,
//! never panics on input, and never echoes a data value in an error or in `Debug` output.
//!
//! # Examples
//! ```
//! use agentlens::redact::{Config, Redactor, Report};
//! let redactor = Redactor::new(Config::default())?;
//! let mut v = serde_json::json!({
//!     "apiKey": "abc",
//!     "note": "mail bob@example.com, card 4111 1111 1111 1111",
//! });
//! let mut report = Report::default();
//! redactor.redact_value(&mut v, &mut report);
//! assert_eq!(v["apiKey"], "[REDACTED]");
//! assert_eq!(v["note"], "mail [REDACTED], card [REDACTED]");
//! assert_eq!((report.keys_redacted, report.matches_redacted), (1, 2));
//! # Ok::<(), agentlens::redact::RedactError>(())
//! ```

mod config;
mod counts;
mod detect;
pub(crate) mod engine;
mod event;
mod memo;
mod rules;
mod scan;
mod tag;
mod truncate;

use std::borrow::Cow;
use std::fmt;

use serde_json::Map;
pub use serde_json::Value;

pub use config::{Config, IdKey, RedactError};
pub use counts::Counts;
#[cfg(feature = "regex-engine")]
pub use engine::RegexPatternEngine;
pub use engine::{Compiled, PatternEngine};
pub use event::{MAX_NAME_BYTES, fit_event, sanitize, sanitize_events, sanitize_with};
pub use memo::IdMemo;
pub use rules::{DEFAULT_KEYS, PatternRule, default_patterns};
pub use truncate::{json_size, truncate_str, truncate_value};

use detect::Detector;
use rules::KeySet;

/// Replaces redacted data (the default [`Config::marker`]).
pub const MARKER: &str = "[REDACTED]";
/// Replaces a pattern match inside an id (see [`Redactor::redact_id`]): the id stays made
/// of the characters ids are made of.
pub const ID_MARKER: &str = "REDACTED";
/// Ends a truncated string. The same suffix as the OpenAI Agents SDK exporter, so
/// truncated text looks the same in both.
pub const TRUNCATED_SUFFIX: &str = "... [truncated]";
/// Stands for a value that refers back to one of its ancestors.
pub const CYCLE: &str = "[Circular]";
/// Stands for `NaN` or an infinity, which JSON cannot hold.
pub const NON_FINITE: &str = "[NonFinite]";
/// Stands for a host value with no JSON form (a function, a symbol, ...).
pub const UNSUPPORTED: &str = "[Unsupported]";
/// Stands for a value nested deeper than the converter's depth limit.
pub const MAX_DEPTH: &str = "[MaxDepth]";
/// Stands for a value whose conversion threw (a throwing getter or `toJSON`).
pub const THREW: &str = "[Threw]";

/// What a redaction or truncation changed, so hosts can count it without seeing the data.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Values replaced because their object key is sensitive.
    pub keys_redacted: u64,
    /// Pattern matches replaced, in strings and in object keys.
    pub matches_redacted: u64,
    /// Pattern matches replaced, per rule name.
    pub by_pattern: Counts,
    /// Calls to [`truncate_value`] that changed their value.
    pub fields_truncated: u64,
    /// Bytes of compact JSON removed by truncation.
    pub bytes_removed: u64,
}

impl Report {
    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: &Self) {
        self.keys_redacted = self.keys_redacted.saturating_add(other.keys_redacted);
        self.matches_redacted = self.matches_redacted.saturating_add(other.matches_redacted);
        for (name, n) in other.by_pattern.iter() {
            self.by_pattern.add(name, *n);
        }
        self.fields_truncated = self.fields_truncated.saturating_add(other.fields_truncated);
        self.bytes_removed = self.bytes_removed.saturating_add(other.bytes_removed);
    }

    /// Whether nothing was redacted or truncated.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// Applies a validated [`Config`]. Cheap to clone (the compiled regex is shared).
///
/// `Debug` prints counts and rule names only, never regex text or key lists.
#[derive(Clone)]
pub struct Redactor {
    config: Config,
    keys: KeySet,
    detector: Option<Detector>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("keys", &self.keys.len())
            .field("patterns", &self.detector)
            .field("max_field_bytes", &self.config.max_field_bytes)
            .field("max_event_bytes", &self.config.max_event_bytes)
            .finish_non_exhaustive()
    }
}

impl Redactor {
    /// Validates `config` and compiles its patterns: the default rules (see
    /// [`default_patterns`]) need no compiling, a purpose-built scanner finds them; any other
    /// rules are compiled into one regex.
    ///
    /// # Errors
    /// - [`RedactError::InvalidPattern`] naming the rule, if a rule has an empty name,
    ///   does not compile, or can match the empty string.
    /// - [`RedactError::InvalidConfig`] if a key is empty once normalised, or a byte
    ///   budget is below 2 (the size of `""`).
    pub fn new(config: Config) -> Result<Self, RedactError> {
        let keys = KeySet::new(config.keys.iter().map(String::as_str)).map_err(|index| {
            RedactError::InvalidConfig {
                option: "keys",
                message: format!("key #{index} is empty once `-`, `_`, `.` and spaces are removed"),
            }
        })?;
        for (option, value) in [
            ("max_field_bytes", config.max_field_bytes),
            ("max_event_bytes", config.max_event_bytes),
        ] {
            if value < 2 {
                return Err(RedactError::InvalidConfig {
                    option,
                    message: format!("{value} is below 2, the size of an empty string"),
                });
            }
        }
        let patterns = engine::Patterns::new(config.pattern_engine.clone());
        let detector = Detector::new(&config.patterns, &patterns)?;
        Ok(Self {
            config,
            keys,
            detector,
        })
    }

    /// The configuration this redactor was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether the value under object key `key` is replaced wholesale.
    ///
    /// # Examples
    /// ```
    /// let r = agentlens::redact::Redactor::new(Default::default())?;
    /// assert!(r.is_sensitive_key("OpenAI-API-Key"));
    /// assert!(!r.is_sensitive_key("max_tokens"));
    /// # Ok::<(), agentlens::redact::RedactError>(())
    /// ```
    pub fn is_sensitive_key(&self, key: &str) -> bool {
        self.keys.matches(key)
    }

    /// Replaces each pattern match in `s` by the marker; the rest of `s` survives.
    /// Returns `s` borrowed when nothing matched.
    ///
    /// # Examples
    /// ```
    /// use agentlens::redact::{Redactor, Report};
    /// let r = Redactor::new(Default::default())?;
    /// let out = r.redact_str("my password: hunter2 ssn 123-45-6789", &mut Report::default());
    /// assert_eq!(out, "my password: [REDACTED] ssn [REDACTED]");
    /// # Ok::<(), agentlens::redact::RedactError>(())
    /// ```
    #[must_use]
    pub fn redact_str<'a>(&self, s: &'a str, report: &mut Report) -> Cow<'a, str> {
        match &self.detector {
            Some(d) if !s.is_empty() => d.redact(s, &self.config.marker, report),
            _ => Cow::Borrowed(s),
        }
    }

    /// [`redact_str`](Self::redact_str) in place.
    pub fn redact_string(&self, s: &mut String, report: &mut Report) {
        if let Cow::Owned(out) = self.redact_str(s, report) {
            *s = out;
        }
    }

    /// Redacts `v` at any depth.
    ///
    /// The value under a sensitive object key becomes the marker string, whatever its type
    /// (counted in [`Report::keys_redacted`]). Every other string, in objects and arrays
    /// alike, gets pattern redaction, and so do object keys: when a key matches, the map is
    /// rebuilt in the same order, and a redacted key that collides with another gets a
    /// ` (2)`, ` (3)`, ... suffix so that no entry is lost.
    ///
    /// Uses an explicit stack, so deep nesting cannot overflow the call stack.
    pub fn redact_value(&self, v: &mut Value, report: &mut Report) {
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => self.redact_string(s, report),
                Value::Array(items) => stack.extend(items.iter_mut()),
                Value::Object(map) => {
                    // Whether a key is sensitive is read from the key as it came, before
                    // pattern redaction changes it (which is rare: most maps are kept).
                    let sensitive: Option<Vec<bool>> = self.keys_to_redact(map).then(|| {
                        let sensitive = map.keys().map(|k| self.is_sensitive_key(k)).collect();
                        self.redact_keys(map, report);
                        sensitive
                    });
                    for (i, (key, child)) in map.iter_mut().enumerate() {
                        let is_sensitive = match &sensitive {
                            Some(sensitive) => sensitive[i],
                            None => self.is_sensitive_key(key),
                        };
                        if is_sensitive {
                            *child = Value::String(self.config.marker.clone());
                            report.keys_redacted = report.keys_redacted.saturating_add(1);
                        } else {
                            stack.push(child);
                        }
                    }
                }
                Value::Number(n) => {
                    let card = self.detector.as_ref().and_then(Detector::card_rule);
                    if let Some(rule) = card.filter(|_| detect::number_is_card(n)) {
                        report.matches_redacted = report.matches_redacted.saturating_add(1);
                        report.by_pattern.add(rule, 1);
                        *v = Value::String(self.config.marker.clone());
                    }
                }
                Value::Null | Value::Bool(_) => {}
            }
        }
    }

    /// Redacts an identifier (a session, event, run, trace, span or user id) so that two
    /// different ids never become one, and the result is still an id the AgentLens backend
    /// accepts (`[A-Za-z0-9_.:-]`, when the id was).
    ///
    /// An id that no pattern matches and that fits [`MAX_NAME_BYTES`] is kept exactly: ids
    /// are how events are grouped and deduplicated. Otherwise each match becomes
    /// [`ID_MARKER`] (not [`Config::marker`], whose brackets no id may hold), the id is cut
    /// to fit, and `.` plus a 16-letter tag is appended: SipHash-2-4 of the whole original
    /// id under [`Config::id_key`]. The same id always gets the same tag from one key, two
    /// ids get different tags (64 bits), and without the key a tag tells nothing about its
    /// id (an unkeyed hash of an email could be reversed by hashing guesses). An id this
    /// made is kept by the next redactor that sees it (the collector after the SDK).
    ///
    /// # Examples
    /// ```
    /// use agentlens::redact::{Config, IdKey, Redactor, Report};
    /// let r = Redactor::new(Config { id_key: Some(IdKey::from_seed(&[7; 32])), ..Config::default() })?;
    /// let (mut a, mut b) = ("sid:alice@example.com".to_owned(), "sid:bob@example.com".to_owned());
    /// r.redact_id(&mut a, &mut Report::default());
    /// r.redact_id(&mut b, &mut Report::default());
    /// assert!(a.starts_with("sid:REDACTED.") && b.starts_with("sid:REDACTED."));
    /// assert_ne!(a, b);
    /// let mut again = a.clone();
    /// r.redact_id(&mut again, &mut Report::default());
    /// assert_eq!(again, a);
    /// # Ok::<(), agentlens::redact::RedactError>(())
    /// ```
    pub fn redact_id(&self, id: &mut String, report: &mut Report) {
        self.redact_clean_id(id, report);
    }

    /// [`Redactor::redact_id`], skipping the scan of an id `memo` found clean lately (and
    /// remembering one found clean now). `memo` must only ever be used with this redactor.
    pub fn redact_id_with(&self, id: &mut String, report: &mut Report, memo: &mut IdMemo) {
        if !memo.knows(id) && self.redact_clean_id(id, report) {
            memo.remember(id);
        }
    }

    /// [`Redactor::redact_id`], answering whether the id was scanned and found clean (then
    /// it is kept exactly and nothing is reported).
    fn redact_clean_id(&self, id: &mut String, report: &mut Report) -> bool {
        let Some(detector) = &self.detector else {
            self.cut_id(id, id.clone(), report);
            return false;
        };
        let mut scratch = Report::default();
        if let Some(base) = tag::tagged_base(id).filter(|_| id.len() <= MAX_NAME_BYTES) {
            // Already redacted and tagged: its base redacts to itself.
            if detector.redact(base, ID_MARKER, &mut scratch) == base {
                return false;
            }
        }
        let redacted = detector.redact(id, ID_MARKER, report);
        if redacted == id.as_str() && id.len() <= MAX_NAME_BYTES {
            return true;
        }
        let redacted = redacted.into_owned();
        self.cut_id(id, redacted, report);
        false
    }

    /// Cuts `redacted` (the redaction of `id`) to fit with its tag, and tags it, unless
    /// nothing changed and it fits as it is.
    fn cut_id(&self, id: &mut String, mut out: String, report: &mut Report) {
        if out == *id && id.len() <= MAX_NAME_BYTES {
            return;
        }
        let room = MAX_NAME_BYTES - tag::TAG_BYTES;
        if out.len() > room {
            let mut cut = room;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            report.fields_truncated = report.fields_truncated.saturating_add(1);
            report.bytes_removed = report
                .bytes_removed
                .saturating_add((out.len() - cut) as u64);
            out.truncate(cut);
        }
        let key = self.config.id_key.map_or([0, 0], |k| k.0);
        tag::push_tag(&mut out, key, id);
        *id = out;
    }

    /// Whether some key of `map` has a pattern match (asked before
    /// [`redact_keys`](Self::redact_keys), which then rebuilds the map).
    fn keys_to_redact(&self, map: &Map<String, Value>) -> bool {
        let mut scratch = Report::default();
        map.keys()
            .any(|k| matches!(self.redact_str(k, &mut scratch), Cow::Owned(_)))
    }

    /// Pattern-redacts the keys of `map`, rebuilding it in order only if one changed.
    fn redact_keys(&self, map: &mut Map<String, Value>, report: &mut Report) {
        let mut key_report = Report::default();
        let new_keys: Vec<Option<String>> = map
            .keys()
            .map(|k| match self.redact_str(k, &mut key_report) {
                Cow::Owned(new) => Some(new),
                Cow::Borrowed(_) => None,
            })
            .collect();
        if key_report.is_empty() {
            return;
        }
        report.merge(&key_report);
        let old = std::mem::take(map);
        let mut rebuilt = Map::with_capacity(old.len());
        for ((key, value), new_key) in old.into_iter().zip(new_keys) {
            let mut key = new_key.unwrap_or(key);
            if rebuilt.contains_key(&key) {
                let base = key.clone();
                let mut n = 2u64;
                while rebuilt.contains_key(&key) {
                    key = format!("{base} ({n})");
                    n += 1;
                }
            }
            rebuilt.insert(key, value);
        }
        *map = rebuilt;
    }

    /// [`redact_value`](Self::redact_value), then [`truncate_value`] to
    /// [`Config::max_field_bytes`]: the whole treatment of one field, in one call.
    pub fn redact_and_truncate(&self, v: &mut Value, report: &mut Report) {
        self.redact_value(v, report);
        truncate_value(v, self.config.max_field_bytes, report);
    }
}

#[cfg(test)]
mod tests;
