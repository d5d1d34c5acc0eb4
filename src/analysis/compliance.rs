//! Policy checks over one session: the AgentLens SDK's `ComplianceChecker` (reference B.5).
//!
//! A [`CompliancePolicy`] is a named list of [`ComplianceRule`]s. [`ComplianceChecker::check`]
//! evaluates every rule against a [`SessionView`] and returns a [`ComplianceReport`] with
//! one [`RuleResult`] per rule (verdict pass, fail or skip), the seed's counters, its
//! `render()` text and its JSON.
//!
//! Rule kinds, messages, defaults and presets are the seed's. Deliberate differences:
//!
//! - **A limit rule without a limit is a policy error.** The seed read a missing `limit` as
//!   0, so `{"kind": "max_tokens"}` failed every session that used a single token.
//!   [`CompliancePolicy::from_json`] (and [`CompliancePolicy::validate`]) reject any of
//!   `max_tokens`, `min_tokens`, `max_events`, `min_events`, `max_duration_ms` and
//!   `max_tool_calls` without a numeric `limit`, naming the rule. A policy built in code
//!   that skips validation gets a `skip` verdict for such a rule, never a false `fail`.
//! - **`max_error_rate` counts every error type.** The seed counted only events whose type
//!   is exactly `error`, so the decorators' `tool_error` and `agent_error` never counted.
//!   Here an event is an error when its type contains `error` (case-insensitive), the rule
//!   the seed's own drift metrics use ([`is_error_event`]).
//! - **Wrong-typed fields are errors.** The seed accepted any JSON for any field; here a
//!   rule whose `limit` is a string, whose `tools` is not a list of strings, or whose
//!   `severity` is neither `error` nor `warning` is rejected, naming the rule by index and
//!   kind. Unknown kinds are still accepted and evaluate to `skip`, as in the seed.
//! - **`type` is read as `kind`** when a rule has no `kind` (alert rules and most JSON
//!   configs say `type`); the seed made such a rule `custom`, which always skips.
//! - **Custom rules may live outside Rust.** A host-side validator's answer (a boolean or
//!   an outcome object) is read by [`RuleOutcome::from_custom`]; anything else, like a
//!   thrown exception, is a `skip` with the reason.
//! - **No clock.** The report's `checked_at` is an input to [`ComplianceChecker::check`].
//! - **The report's JSON adds** each rule's `description` and `details` (when not empty)
//!   and the failed `warnings` and `errors`, which the seed only had as properties.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{DEFAULT_AGENT_NAME, Event, EventType, status};
use crate::time::UnixNanos;

mod custom;

const NANOS_PER_MS: f64 = 1_000_000.0;

// ── The session ──────────────────────────────────────────────────────────────

/// One session as the analysis engines see it: its header facts and its regular events.
///
/// Built from a session's events in any order of types ([`SessionView::from_events`]):
/// - agent name, metadata and start time come from the first `session_start` (agent name
///   `default-agent` when absent; start time, else the first timed event's);
/// - end time, status and token totals come from the last `session_end` (`ended_at`, else
///   its timestamp, else the latest event time; status `completed` when it carries none;
///   token totals, else the sum over the regular events);
/// - with no `session_end` the session is still `active` and has no end time;
/// - every other event is a regular event, in order (the seed's `session.events`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    /// The session's id (from the start, else the first event).
    pub session_id: String,
    /// The agent's name.
    pub agent_name: String,
    /// The start's metadata, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// When the session started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<UnixNanos>,
    /// When it ended; `None` while it is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<UnixNanos>,
    /// `active` until a `session_end`, then its status (default `completed`).
    pub status: String,
    /// Input tokens over the session.
    pub total_tokens_in: u64,
    /// Output tokens over the session.
    pub total_tokens_out: u64,
    /// The events other than `session_start` and `session_end`, in order.
    pub events: Vec<Event>,
}

impl SessionView {
    /// Builds the view of one session from its events (cloning the regular ones).
    ///
    /// ```
    /// use agentlens::analysis::compliance::SessionView;
    /// let view = SessionView::from_events(&[]);
    /// assert_eq!(view.agent_name, "default-agent");
    /// assert_eq!(view.status, "active");
    /// assert!(view.events.is_empty());
    /// ```
    pub fn from_events(events: &[Event]) -> Self {
        Self::from_owned(events.to_vec())
    }

    /// Builds the view of one session, taking ownership of its events (no copies).
    pub fn from_owned(events: Vec<Event>) -> Self {
        let mut start: Option<Event> = None;
        let mut end: Option<Event> = None;
        let mut first_time = None;
        let mut latest = None;
        let mut first_session_id: Option<String> = None;
        let mut regular = Vec::with_capacity(events.len());
        let (mut sum_in, mut sum_out) = (0u64, 0u64);
        for e in events {
            first_time = first_time.or(e.time());
            latest = latest.max(e.time());
            if first_session_id.is_none() {
                first_session_id = Some(e.session_id.clone());
            }
            match e.event_type {
                EventType::SessionStart => {
                    if start.is_none() {
                        start = Some(e);
                    }
                }
                EventType::SessionEnd => end = Some(e),
                _ => {
                    sum_in = sum_in.saturating_add(e.tokens_in.unwrap_or(0));
                    sum_out = sum_out.saturating_add(e.tokens_out.unwrap_or(0));
                    regular.push(e);
                }
            }
        }
        let session_id = start
            .as_ref()
            .map(|s| s.session_id.clone())
            .or(first_session_id)
            .unwrap_or_default();
        let agent_name = start
            .as_ref()
            .and_then(|s| s.agent_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| DEFAULT_AGENT_NAME.to_owned());
        let started_at = start.as_ref().and_then(|s| s.timestamp).or(first_time);
        let (ended_at, status, total_tokens_in, total_tokens_out) = match &end {
            Some(end) => (
                end.ended_at.or(end.timestamp).or(latest),
                end.status
                    .clone()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| status::COMPLETED.to_owned()),
                end.total_tokens_in.unwrap_or(sum_in),
                end.total_tokens_out.unwrap_or(sum_out),
            ),
            None => (None, status::ACTIVE.to_owned(), sum_in, sum_out),
        };
        Self {
            session_id,
            agent_name,
            metadata: start.and_then(|s| s.metadata),
            started_at,
            ended_at,
            status,
            total_tokens_in,
            total_tokens_out,
            events: regular,
        }
    }

    /// Input plus output tokens.
    pub fn total_tokens(&self) -> u64 {
        self.total_tokens_in.saturating_add(self.total_tokens_out)
    }

    /// Milliseconds from start to end; `None` while active or without a start time.
    pub fn duration_ms(&self) -> Option<f64> {
        let (start, end) = (self.started_at?, self.ended_at?);
        Some(end.0.saturating_sub(start.0) as f64 / NANOS_PER_MS)
    }
}

/// Whether an event counts as an error for `max_error_rate` and for drift's
/// `error_rate`: its type contains `error`, case-insensitively (`error`, `tool_error`,
/// `agent_error`, `llm_error`, ...), as the seed's `_metrics.extract_session_metrics`.
pub fn is_error_event(e: &Event) -> bool {
    match &e.event_type {
        EventType::Custom(name) => contains_ignore_ascii_case(name, "error"),
        known => known.is_error(),
    }
}

/// Whether `haystack` contains `needle` (ASCII lowercase), ignoring ASCII case, without
/// allocating.
pub(crate) fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

// ── Rules and policies ───────────────────────────────────────────────────────

/// The built-in rule kinds (the seed's `RuleKind`).
pub mod kind {
    /// `total_tokens_in + total_tokens_out <= limit`.
    pub const MAX_TOKENS: &str = "max_tokens";
    /// `total_tokens_in + total_tokens_out >= limit`.
    pub const MIN_TOKENS: &str = "min_tokens";
    /// Every model used is in `models` (case-insensitive); skipped when none was used.
    pub const ALLOWED_MODELS: &str = "allowed_models";
    /// No model used is in `models` (case-insensitive).
    pub const FORBIDDEN_MODELS: &str = "forbidden_models";
    /// Every tool in `tools` was called (case-insensitive).
    pub const REQUIRED_TOOLS: &str = "required_tools";
    /// No tool in `tools` was called (case-insensitive).
    pub const FORBIDDEN_TOOLS: &str = "forbidden_tools";
    /// At most `limit` regular events.
    pub const MAX_EVENTS: &str = "max_events";
    /// At least `limit` regular events.
    pub const MIN_EVENTS: &str = "min_events";
    /// The session lasted at most `limit` ms; skipped while active.
    pub const MAX_DURATION_MS: &str = "max_duration_ms";
    /// At most `limit` events with a tool call.
    pub const MAX_TOOL_CALLS: &str = "max_tool_calls";
    /// At least `threshold` (default 1.0) of `llm_call`/`decision` events carry reasoning.
    pub const REQUIRE_REASONING: &str = "require_reasoning";
    /// At most `threshold` (default 0.1) of the events are errors.
    pub const MAX_ERROR_RATE: &str = "max_error_rate";
    /// A rule evaluated by a registered validator of that name.
    pub const CUSTOM: &str = "custom";

    /// The kinds that need a numeric `limit`.
    pub const WITH_LIMIT: [&str; 6] = [
        MAX_TOKENS,
        MIN_TOKENS,
        MAX_EVENTS,
        MIN_EVENTS,
        MAX_DURATION_MS,
        MAX_TOOL_CALLS,
    ];
}

/// How much a failed rule matters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A failure makes the session non-compliant (the default).
    #[default]
    Error,
    /// A failure is reported but the session stays compliant.
    Warning,
}

impl Severity {
    /// The wire name: `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// One rule of a policy. Which fields matter depends on `kind` (see [`kind`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplianceRule {
    /// The rule kind: one of [`kind`], or a custom validator's name.
    pub kind: String,
    /// Shown instead of the kind in [`ComplianceReport::render`] when not empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The bound of a limit rule (tokens, events, milliseconds, tool calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
    /// Tool names, for the tool rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<String>,
    /// Model names, for the model rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    /// A rate between 0 and 1, for `require_reasoning` and `max_error_rate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// What a failure means.
    #[serde(default, skip_serializing_if = "is_default_severity")]
    pub severity: Severity,
}

fn is_default_severity(s: &Severity) -> bool {
    *s == Severity::Error
}

impl ComplianceRule {
    /// A rule of `kind` with every other field at its default.
    pub fn new(kind: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            description: String::new(),
            limit: None,
            tools: Vec::new(),
            models: Vec::new(),
            threshold: None,
            severity: Severity::Error,
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Sets the limit.
    #[must_use]
    pub fn with_limit(mut self, limit: f64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets the tools.
    #[must_use]
    pub fn with_tools<S: Into<String>>(mut self, tools: impl IntoIterator<Item = S>) -> Self {
        self.tools = tools.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the models.
    #[must_use]
    pub fn with_models<S: Into<String>>(mut self, models: impl IntoIterator<Item = S>) -> Self {
        self.models = models.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the threshold.
    #[must_use]
    pub fn with_threshold(mut self, threshold: f64) -> Self {
        self.threshold = Some(threshold);
        self
    }

    /// Sets the severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Whether this rule's kind needs a `limit`.
    pub fn needs_limit(&self) -> bool {
        kind::WITH_LIMIT.contains(&self.kind.as_str())
    }
}

/// Why a policy could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// The text is not JSON.
    Json(String),
    /// A policy-level field is wrong (`name`, `description`, `version`, `rules`).
    Field {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A rule is wrong.
    Rule {
        /// Its 0-based position in `rules`.
        index: usize,
        /// Its kind (`?` when that is what is wrong).
        kind: String,
        /// What is wrong with it.
        message: String,
    },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(m) => write!(f, "policy is not valid JSON: {m}"),
            Self::Field { field, message } => write!(f, "policy {field}: {message}"),
            Self::Rule {
                index,
                kind,
                message,
            } => write!(f, "rule {index} ({kind}): {message}"),
        }
    }
}

impl std::error::Error for PolicyError {}

/// A named set of rules (the seed's `CompliancePolicy`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompliancePolicy {
    /// The policy's name (`unnamed-policy` when a JSON policy has none).
    pub name: String,
    /// The rules, evaluated in order.
    pub rules: Vec<ComplianceRule>,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// The policy's version (default `1.0`).
    #[serde(default = "default_version")]
    pub version: String,
}

fn default_version() -> String {
    "1.0".to_owned()
}

impl CompliancePolicy {
    /// An empty policy named `name`, version `1.0`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            rules: Vec::new(),
            description: String::new(),
            version: default_version(),
        }
    }

    /// Reads a policy from JSON text (the seed's `from_json`/`from_dict`), then
    /// [validates](Self::validate) it.
    ///
    /// # Errors
    /// [`PolicyError`] naming the bad field, or the bad rule by index and kind.
    ///
    /// ```
    /// use agentlens::analysis::compliance::CompliancePolicy;
    /// let p = CompliancePolicy::from_json(r#"{"rules":[{"kind":"max_events","limit":10}]}"#).unwrap();
    /// assert_eq!(p.name, "unnamed-policy");
    /// let err = CompliancePolicy::from_json(r#"{"rules":[{"kind":"max_tokens"}]}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "rule 0 (max_tokens): limit is required for max_tokens");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, PolicyError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| PolicyError::Json(e.to_string()))?;
        Self::from_value(&value)
    }

    /// Reads a policy from a JSON value (see [`from_json`](Self::from_json)).
    ///
    /// # Errors
    /// As [`from_json`](Self::from_json).
    pub fn from_value(value: &Value) -> Result<Self, PolicyError> {
        let Value::Object(obj) = value else {
            return Err(PolicyError::Field {
                field: "policy",
                message: "must be a JSON object".into(),
            });
        };
        let text = |field: &'static str, default: &str| -> Result<String, PolicyError> {
            match obj.get(field) {
                None | Some(Value::Null) => Ok(default.to_owned()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(PolicyError::Field {
                    field,
                    message: "must be a string".into(),
                }),
            }
        };
        let rules = match obj.get("rules") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, r)| parse_rule(i, r))
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(PolicyError::Field {
                    field: "rules",
                    message: "must be a list of rules".into(),
                });
            }
        };
        let policy = Self {
            name: text("name", "unnamed-policy")?,
            rules,
            description: text("description", "")?,
            version: text("version", "1.0")?,
        };
        policy.validate()?;
        Ok(policy)
    }

    /// Checks what JSON types cannot: every limit rule has a finite `limit`, and
    /// thresholds are finite.
    ///
    /// # Errors
    /// [`PolicyError::Rule`] for the first bad rule.
    pub fn validate(&self) -> Result<(), PolicyError> {
        for (index, rule) in self.rules.iter().enumerate() {
            let bad = |message: String| PolicyError::Rule {
                index,
                kind: rule.kind.clone(),
                message,
            };
            if rule.needs_limit() {
                match rule.limit {
                    None => return Err(bad(format!("limit is required for {}", rule.kind))),
                    Some(l) if !l.is_finite() => {
                        return Err(bad("limit must be a finite number".into()));
                    }
                    Some(_) => {}
                }
            }
            if rule.threshold.is_some_and(|t| !t.is_finite()) {
                return Err(bad("threshold must be a finite number".into()));
            }
        }
        Ok(())
    }

    /// The policy as the seed's `to_dict` (rule fields at their defaults omitted).
    pub fn to_value(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("name".into(), Value::from(self.name.clone()));
        obj.insert("description".into(), Value::from(self.description.clone()));
        obj.insert("version".into(), Value::from(self.version.clone()));
        obj.insert(
            "rules".into(),
            Value::Array(self.rules.iter().map(rule_to_value).collect()),
        );
        Value::Object(obj)
    }

    /// The policy as pretty JSON (two-space indent), readable by [`from_json`](Self::from_json).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }
}

fn rule_to_value(rule: &ComplianceRule) -> Value {
    let mut obj = Map::new();
    obj.insert("kind".into(), Value::from(rule.kind.clone()));
    if !rule.description.is_empty() {
        obj.insert("description".into(), Value::from(rule.description.clone()));
    }
    if let Some(l) = rule.limit {
        obj.insert("limit".into(), number(l));
    }
    if !rule.tools.is_empty() {
        obj.insert("tools".into(), Value::from(rule.tools.clone()));
    }
    if !rule.models.is_empty() {
        obj.insert("models".into(), Value::from(rule.models.clone()));
    }
    if let Some(t) = rule.threshold {
        obj.insert("threshold".into(), number(t));
    }
    if rule.severity != Severity::Error {
        obj.insert("severity".into(), Value::from(rule.severity.as_str()));
    }
    Value::Object(obj)
}

fn parse_rule(index: usize, value: &Value) -> Result<ComplianceRule, PolicyError> {
    let Value::Object(obj) = value else {
        return Err(PolicyError::Rule {
            index,
            kind: "?".into(),
            message: "must be a JSON object".into(),
        });
    };
    // `type` is read as `kind` when there is no `kind`: alert rules and most JSON configs
    // say `type`, and a rule that silently became `custom` would always skip.
    let kind = match obj.get("kind").or_else(|| obj.get("type")) {
        None | Some(Value::Null) => kind::CUSTOM.to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(PolicyError::Rule {
                index,
                kind: "?".into(),
                message: "kind must be a string".into(),
            });
        }
    };
    let bad = |message: &str| PolicyError::Rule {
        index,
        kind: kind.clone(),
        message: message.to_owned(),
    };
    let num = |field: &str| -> Result<Option<f64>, PolicyError> {
        match obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(_) => Err(bad(&format!("{field} must be a number"))),
        }
    };
    let names = |field: &str| -> Result<Vec<String>, PolicyError> {
        let wrong = || bad(&format!("{field} must be a list of strings"));
        match obj.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned).ok_or_else(wrong))
                .collect(),
            Some(_) => Err(wrong()),
        }
    };
    let description = match obj.get("description") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(bad("description must be a string")),
    };
    let severity = match obj.get("severity") {
        None | Some(Value::Null) => Severity::Error,
        Some(Value::String(s)) if s == "error" => Severity::Error,
        Some(Value::String(s)) if s == "warning" => Severity::Warning,
        Some(_) => return Err(bad("severity must be \"error\" or \"warning\"")),
    };
    Ok(ComplianceRule {
        limit: num("limit")?,
        threshold: num("threshold")?,
        tools: names("tools")?,
        models: names("models")?,
        description,
        severity,
        kind,
    })
}

/// The seed's strict production policy: max_tokens 50000, max_events 200,
/// max_duration_ms 300000, max_error_rate 0.10, require_reasoning 1.0, and the tools
/// `execute_code` and `shell` forbidden.
pub fn strict_policy() -> CompliancePolicy {
    CompliancePolicy {
        name: "strict".into(),
        description: "Strict production policy".into(),
        version: default_version(),
        rules: vec![
            ComplianceRule::new(kind::MAX_TOKENS)
                .with_description("Token budget")
                .with_limit(50_000.0),
            ComplianceRule::new(kind::MAX_EVENTS)
                .with_description("Event count limit")
                .with_limit(200.0),
            ComplianceRule::new(kind::MAX_DURATION_MS)
                .with_description("Session duration")
                .with_limit(300_000.0),
            ComplianceRule::new(kind::MAX_ERROR_RATE)
                .with_description("Error rate")
                .with_threshold(0.10),
            ComplianceRule::new(kind::REQUIRE_REASONING)
                .with_description("Reasoning coverage")
                .with_threshold(1.0),
            ComplianceRule::new(kind::FORBIDDEN_TOOLS)
                .with_description("Dangerous tools blocked")
                .with_tools(["execute_code", "shell"]),
        ],
    }
}

/// The seed's permissive development policy: max_tokens 500000, max_events 1000, and
/// max_error_rate 0.25 as a warning.
pub fn permissive_policy() -> CompliancePolicy {
    CompliancePolicy {
        name: "permissive".into(),
        description: "Permissive development policy".into(),
        version: default_version(),
        rules: vec![
            ComplianceRule::new(kind::MAX_TOKENS)
                .with_description("Token budget")
                .with_limit(500_000.0),
            ComplianceRule::new(kind::MAX_EVENTS)
                .with_description("Event count limit")
                .with_limit(1000.0),
            ComplianceRule::new(kind::MAX_ERROR_RATE)
                .with_description("Error rate")
                .with_threshold(0.25)
                .with_severity(Severity::Warning),
        ],
    }
}

// ── Results and reports ─────────────────────────────────────────────────────

/// The outcome of one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The session meets the rule.
    Pass,
    /// The session breaks the rule.
    Fail,
    /// The rule does not apply (no events, still active, unknown kind, ...).
    Skip,
}

/// What a rule evaluation (built-in or custom) found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleOutcome {
    /// Pass, fail or skip.
    pub verdict: Verdict,
    /// One line for the report.
    pub message: String,
    /// What the session had (`null` when not applicable).
    #[serde(default)]
    pub actual_value: Value,
    /// What the rule asked for (`null` when not applicable).
    #[serde(default)]
    pub expected_value: Value,
    /// Extra facts: `violations` or `missing` lists.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub details: Map<String, Value>,
}

impl RuleOutcome {
    /// An outcome with a verdict and message and no values.
    pub fn new(verdict: Verdict, message: impl Into<String>) -> Self {
        Self {
            verdict,
            message: message.into(),
            actual_value: Value::Null,
            expected_value: Value::Null,
            details: Map::new(),
        }
    }

    /// Sets what the session had and what the rule asked for.
    #[must_use]
    pub fn with_values(mut self, actual: Value, expected: Value) -> Self {
        self.actual_value = actual;
        self.expected_value = expected;
        self
    }

    /// Adds a detail.
    #[must_use]
    pub fn with_detail(mut self, key: &str, value: Value) -> Self {
        self.details.insert(key.to_owned(), value);
        self
    }
}

/// One rule's line in a report (the seed's `RuleResult` as its `to_dict` writes it, plus
/// the rule's description and details).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The rule's kind.
    pub kind: String,
    /// The rule's description (omitted when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The rule's severity.
    pub severity: Severity,
    /// Pass, fail or skip.
    pub verdict: Verdict,
    /// One line for the report.
    pub message: String,
    /// What the session had.
    #[serde(default)]
    pub actual_value: Value,
    /// What the rule asked for.
    #[serde(default)]
    pub expected_value: Value,
    /// Extra facts: `violations` or `missing` lists.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub details: Map<String, Value>,
}

impl RuleResult {
    fn of(rule: &ComplianceRule, o: RuleOutcome) -> Self {
        Self {
            kind: rule.kind.clone(),
            description: rule.description.clone(),
            severity: rule.severity,
            verdict: o.verdict,
            message: o.message,
            actual_value: o.actual_value,
            expected_value: o.expected_value,
            details: o.details,
        }
    }
}

/// The result of checking one session against one policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplianceReport {
    /// The policy's name.
    pub policy_name: String,
    /// The session's id.
    pub session_id: String,
    /// The session's agent.
    pub agent_name: String,
    /// When the check ran (RFC 3339, given by the caller).
    pub checked_at: String,
    /// No `error`-severity rule failed (warnings and skips do not count).
    pub compliant: bool,
    /// Rules that passed.
    pub passed: usize,
    /// Rules that failed, of either severity.
    pub failed: usize,
    /// Rules that were skipped.
    pub skipped: usize,
    /// All rules.
    pub total_rules: usize,
    /// One result per rule, in policy order.
    pub results: Vec<RuleResult>,
    /// The failed `warning` rules.
    pub warnings: Vec<RuleResult>,
    /// The failed `error` rules.
    pub errors: Vec<RuleResult>,
}

impl ComplianceReport {
    fn new(
        policy: &CompliancePolicy,
        session: &SessionView,
        checked_at: UnixNanos,
        results: Vec<RuleResult>,
    ) -> Self {
        let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
        let failed_with = |s: Severity| -> Vec<RuleResult> {
            results
                .iter()
                .filter(|r| r.verdict == Verdict::Fail && r.severity == s)
                .cloned()
                .collect()
        };
        let errors = failed_with(Severity::Error);
        Self {
            policy_name: policy.name.clone(),
            session_id: session.session_id.clone(),
            agent_name: session.agent_name.clone(),
            checked_at: checked_at.to_rfc3339(),
            compliant: errors.is_empty(),
            passed: count(Verdict::Pass),
            failed: count(Verdict::Fail),
            skipped: count(Verdict::Skip),
            total_rules: results.len(),
            warnings: failed_with(Severity::Warning),
            errors,
            results,
        }
    }

    /// The seed's human-readable report:
    ///
    /// ```text
    /// ==================================================
    ///   Compliance Report: {policy}
    /// ==================================================
    ///
    ///   Session:    {session_id}
    ///   Agent:      {agent_name}
    ///   Checked:    {checked_at}
    ///   Status:     [+] COMPLIANT
    ///   Rules:      {passed}/{total} passed[, {skipped} skipped]
    ///
    /// --------------------------------------------------
    ///   [+] {description or kind}
    ///       {message}
    ///   [X] {description or kind} ({severity})
    ///       {message}
    ///
    /// ==================================================
    /// ```
    pub fn render(&self) -> String {
        let rule = "=".repeat(50);
        let (icon, status) = if self.compliant {
            ("+", "COMPLIANT")
        } else {
            ("X", "NON-COMPLIANT")
        };
        let skipped = if self.skipped > 0 {
            format!(", {} skipped", self.skipped)
        } else {
            String::new()
        };
        let mut lines = vec![
            rule.clone(),
            format!("  Compliance Report: {}", self.policy_name),
            rule.clone(),
            String::new(),
            format!("  Session:    {}", self.session_id),
            format!("  Agent:      {}", self.agent_name),
            format!("  Checked:    {}", self.checked_at),
            format!("  Status:     [{icon}] {status}"),
            format!(
                "  Rules:      {}/{} passed{skipped}",
                self.passed, self.total_rules
            ),
            String::new(),
            "-".repeat(50),
        ];
        for r in &self.results {
            let icon = match r.verdict {
                Verdict::Pass => "[+]",
                Verdict::Fail => "[X]",
                Verdict::Skip => "[-]",
            };
            let sev = if r.verdict == Verdict::Fail {
                format!(" ({})", r.severity.as_str())
            } else {
                String::new()
            };
            let label = if r.description.is_empty() {
                &r.kind
            } else {
                &r.description
            };
            lines.push(format!("  {icon} {label}{sev}"));
            if !r.message.is_empty() {
                lines.push(format!("      {}", r.message));
            }
        }
        lines.push(String::new());
        lines.push(rule);
        lines.join("\n")
    }

    /// The report as pretty JSON (two-space indent).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

// ── The checker ─────────────────────────────────────────────────────────────

/// A custom rule: evaluates a session against a rule, or says why it could not (an `Err`
/// becomes a `skip` with the message `Custom validator error: {err}`).
pub type Validator = Box<dyn Fn(&SessionView, &ComplianceRule) -> Result<RuleOutcome, String>>;

/// Evaluates sessions against policies; holds the custom validators.
#[derive(Default)]
pub struct ComplianceChecker {
    validators: BTreeMap<String, Validator>,
}

impl fmt::Debug for ComplianceChecker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComplianceChecker")
            .field("validators", &self.validators.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ComplianceChecker {
    /// A checker with no custom validators.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `validator` for rules of kind `kind`, replacing any earlier one. As in
    /// the seed, built-in kinds cannot be overridden: their rules always use the built-in
    /// evaluation.
    pub fn register_validator(&mut self, kind: impl Into<String>, validator: Validator) {
        self.validators.insert(kind.into(), validator);
    }

    /// Checks `session` against every rule of `policy`; `checked_at` is the report's time.
    /// Never panics, whatever the session or policy holds.
    pub fn check(
        &self,
        session: &SessionView,
        policy: &CompliancePolicy,
        checked_at: UnixNanos,
    ) -> ComplianceReport {
        let facts = Facts::of(session);
        let results = policy
            .rules
            .iter()
            .map(|rule| RuleResult::of(rule, self.evaluate(session, &facts, rule)))
            .collect();
        ComplianceReport::new(policy, session, checked_at, results)
    }

    /// Checks each session against `policy` (the seed's `check_multiple`).
    pub fn check_multiple(
        &self,
        sessions: &[SessionView],
        policy: &CompliancePolicy,
        checked_at: UnixNanos,
    ) -> Vec<ComplianceReport> {
        sessions
            .iter()
            .map(|s| self.check(s, policy, checked_at))
            .collect()
    }

    fn evaluate(&self, session: &SessionView, facts: &Facts, rule: &ComplianceRule) -> RuleOutcome {
        if rule.needs_limit() && !rule.limit.is_some_and(f64::is_finite) {
            return RuleOutcome::new(Verdict::Skip, format!("Rule {} has no limit", rule.kind));
        }
        let limit = rule.limit.unwrap_or(0.0);
        match rule.kind.as_str() {
            kind::MAX_TOKENS => {
                let total = session.total_tokens();
                let ok = total as f64 <= limit;
                let word = if ok { "within limit" } else { "exceeds limit" };
                outcome(ok, format!("Total tokens {total} {word} {}", num(limit)))
                    .with_values(total.into(), number(limit))
            }
            kind::MIN_TOKENS => {
                let total = session.total_tokens();
                let ok = total as f64 >= limit;
                let word = if ok { "meets minimum" } else { "below minimum" };
                outcome(ok, format!("Total tokens {total} {word} {}", num(limit)))
                    .with_values(total.into(), number(limit))
            }
            kind::ALLOWED_MODELS => {
                if facts.models.is_empty() {
                    return RuleOutcome::new(Verdict::Skip, "No models used in session");
                }
                let allowed = lower_set(&rule.models);
                let violations: BTreeSet<String> =
                    facts.models.difference(&allowed).cloned().collect();
                if violations.is_empty() {
                    let msg = format!("All models in allowlist: {}", join(&facts.models));
                    outcome(true, msg).with_values(list(&facts.models), list(&allowed))
                } else {
                    outcome(
                        false,
                        format!("Unauthorized models used: {}", join(&violations)),
                    )
                    .with_values(list(&violations), list(&allowed))
                    .with_detail("violations", list(&violations))
                }
            }
            kind::FORBIDDEN_MODELS => {
                let forbidden = lower_set(&rule.models);
                let violations: BTreeSet<String> =
                    facts.models.intersection(&forbidden).cloned().collect();
                if violations.is_empty() {
                    outcome(true, "No forbidden models used")
                        .with_values(list(&facts.models), Value::Null)
                } else {
                    outcome(
                        false,
                        format!("Forbidden models used: {}", join(&violations)),
                    )
                    .with_values(list(&violations), Value::Null)
                    .with_detail("violations", list(&violations))
                }
            }
            kind::REQUIRED_TOOLS => {
                let required = lower_set(&rule.tools);
                let missing: BTreeSet<String> =
                    required.difference(&facts.tools).cloned().collect();
                if missing.is_empty() {
                    outcome(
                        true,
                        format!("All required tools used: {}", join(&required)),
                    )
                    .with_values(list(&facts.tools), list(&required))
                } else {
                    outcome(
                        false,
                        format!("Required tools not used: {}", join(&missing)),
                    )
                    .with_values(list(&facts.tools), list(&required))
                    .with_detail("missing", list(&missing))
                }
            }
            kind::FORBIDDEN_TOOLS => {
                let forbidden = lower_set(&rule.tools);
                let violations: BTreeSet<String> =
                    facts.tools.intersection(&forbidden).cloned().collect();
                if violations.is_empty() {
                    outcome(true, "No forbidden tools used")
                        .with_values(list(&facts.tools), Value::Null)
                } else {
                    outcome(
                        false,
                        format!("Forbidden tools used: {}", join(&violations)),
                    )
                    .with_values(list(&violations), Value::Null)
                    .with_detail("violations", list(&violations))
                }
            }
            kind::MAX_EVENTS => count_rule(session.events.len(), limit, "Event count", true),
            kind::MIN_EVENTS => count_rule(session.events.len(), limit, "Event count", false),
            kind::MAX_TOOL_CALLS => count_rule(facts.tool_calls, limit, "Tool calls", true),
            kind::MAX_DURATION_MS => {
                let Some(duration) = session.duration_ms() else {
                    return RuleOutcome::new(
                        Verdict::Skip,
                        "Session still active, cannot check duration",
                    );
                };
                let ok = duration <= limit;
                let word = if ok { "within limit" } else { "exceeds limit" };
                outcome(
                    ok,
                    format!("Duration {duration:.0}ms {word} {}ms", num(limit)),
                )
                .with_values(number(duration), number(limit))
            }
            kind::REQUIRE_REASONING => {
                if facts.decisions == 0 {
                    return RuleOutcome::new(Verdict::Skip, "No decision events found");
                }
                let threshold = rule.threshold.unwrap_or(1.0);
                let rate = facts.reasoned as f64 / facts.decisions as f64;
                let (r, t) = (rate * 100.0, threshold * 100.0);
                let o = if rate >= threshold {
                    outcome(
                        true,
                        format!("Reasoning coverage {r:.0}% meets threshold {t:.0}%"),
                    )
                } else {
                    let (k, n) = (facts.reasoned, facts.decisions);
                    outcome(
                        false,
                        format!(
                            "Reasoning coverage {r:.0}% below threshold {t:.0}% ({k}/{n} decisions)"
                        ),
                    )
                };
                o.with_values(number(rate), number(threshold))
            }
            kind::MAX_ERROR_RATE => {
                let n = session.events.len();
                if n == 0 {
                    return RuleOutcome::new(Verdict::Skip, "No events in session");
                }
                let threshold = rule.threshold.unwrap_or(0.1);
                let e = facts.errors;
                let rate = e as f64 / n as f64;
                let (r, t) = (rate * 100.0, threshold * 100.0);
                let o = if rate <= threshold {
                    outcome(true, format!("Error rate {r:.1}% within threshold {t:.1}%"))
                } else {
                    outcome(
                        false,
                        format!("Error rate {r:.1}% exceeds threshold {t:.1}% ({e}/{n} events)"),
                    )
                };
                o.with_values(number(rate), number(threshold))
            }
            other => match self.validators.get(other) {
                Some(validator) => validator(session, rule).unwrap_or_else(|e| {
                    RuleOutcome::new(Verdict::Skip, format!("Custom validator error: {e}"))
                }),
                None => RuleOutcome::new(Verdict::Skip, format!("Unknown rule kind: {other}")),
            },
        }
    }
}

/// What the rules read from a session, gathered in one pass.
struct Facts {
    /// Lowercased models used.
    models: BTreeSet<String>,
    /// Lowercased tool names called.
    tools: BTreeSet<String>,
    /// Events with a tool call.
    tool_calls: usize,
    /// `llm_call` and `decision` events.
    decisions: usize,
    /// Those with non-blank reasoning.
    reasoned: usize,
    /// Error events ([`is_error_event`]).
    errors: usize,
}

impl Facts {
    fn of(session: &SessionView) -> Self {
        let mut f = Self {
            models: BTreeSet::new(),
            tools: BTreeSet::new(),
            tool_calls: 0,
            decisions: 0,
            reasoned: 0,
            errors: 0,
        };
        let mut last_model: Option<&str> = None;
        for e in &session.events {
            if let Some(m) = e.model.as_deref().filter(|m| !m.is_empty()) {
                if last_model != Some(m) {
                    f.models.insert(m.to_lowercase());
                    last_model = Some(m);
                }
            }
            if let Some(tc) = &e.tool_call {
                f.tool_calls += 1;
                if !tc.tool_name.is_empty() {
                    f.tools.insert(tc.tool_name.to_lowercase());
                }
            }
            if matches!(e.event_type, EventType::LlmCall | EventType::Decision) {
                f.decisions += 1;
                let reasoned = e.decision_trace.as_ref();
                if reasoned.is_some_and(|d| !d.reasoning.trim().is_empty()) {
                    f.reasoned += 1;
                }
            }
            if is_error_event(e) {
                f.errors += 1;
            }
        }
        f
    }
}

fn outcome(ok: bool, message: impl Into<String>) -> RuleOutcome {
    RuleOutcome::new(if ok { Verdict::Pass } else { Verdict::Fail }, message)
}

/// `max_events`, `min_events`, `max_tool_calls`: the limit truncated to an integer, as
/// the seed's `int(limit)`.
fn count_rule(count: usize, limit: f64, what: &str, max: bool) -> RuleOutcome {
    let limit = limit.trunc();
    let c = count as f64;
    let ok = if max { c <= limit } else { c >= limit };
    let word = match (max, ok) {
        (true, true) => "within limit",
        (true, false) => "exceeds limit",
        (false, true) => "meets minimum",
        (false, false) => "below minimum",
    };
    outcome(ok, format!("{what} {count} {word} {}", num(limit)))
        .with_values(count.into(), number(limit))
}

fn lower_set(names: &[String]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_lowercase()).collect()
}

fn join(names: &BTreeSet<String>) -> String {
    names
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(names: &BTreeSet<String>) -> Value {
    Value::Array(names.iter().map(|n| Value::from(n.as_str())).collect())
}

/// Whole numbers print without a fraction, as Python prints an `int` limit.
fn num(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Whole numbers become JSON integers, others floats (non-finite become `null`).
fn number(x: f64) -> Value {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_python_ints_when_whole() {
        assert_eq!(num(200.0), "200");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(number(3.0), Value::from(3));
        assert_eq!(number(f64::NAN), Value::Null);
    }

    #[test]
    fn a_limit_rule_built_in_code_without_a_limit_skips_instead_of_failing() {
        let mut policy = CompliancePolicy::new("p");
        policy.rules.push(ComplianceRule::new(kind::MAX_TOKENS));
        assert!(policy.validate().is_err());
        let view = SessionView::from_events(&[]);
        let report = ComplianceChecker::new().check(&view, &policy, UnixNanos(0));
        assert_eq!(report.results[0].verdict, Verdict::Skip);
        assert_eq!(report.results[0].message, "Rule max_tokens has no limit");
        assert!(report.compliant);
    }
}
