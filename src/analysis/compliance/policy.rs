//! Rules and policies: the rule kinds, [`ComplianceRule`], [`CompliancePolicy`] and
//! [`PolicyError`] when a policy is wrong. Their JSON form is in `policy/json.rs`.

use std::fmt;

use serde::{Deserialize, Serialize};

mod json;

/// The built-in rule kinds (the seed's `RuleKind`).
pub mod kind {
    /// `total_tokens_in + total_tokens_out <= limit`.
    pub const MAX_TOKENS: &str = "max_tokens";
    /// `total_tokens_in + total_tokens_out >= limit`.
    pub const MIN_TOKENS: &str = "min_tokens";
    /// Every model used is in `models` (ASCII letters in any case); skipped when none was used.
    pub const ALLOWED_MODELS: &str = "allowed_models";
    /// No model used is in `models` (ASCII letters in any case).
    pub const FORBIDDEN_MODELS: &str = "forbidden_models";
    /// Every tool in `tools` was called (ASCII letters in any case).
    pub const REQUIRED_TOOLS: &str = "required_tools";
    /// No tool in `tools` was called (ASCII letters in any case).
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
    /// Shown instead of the kind in
    /// [`ComplianceReport::render`](super::ComplianceReport::render) when not empty.
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

pub(super) fn default_version() -> String {
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
}
