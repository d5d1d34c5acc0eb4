//! Rules and policies: the rule kinds, [`ComplianceRule`], [`CompliancePolicy`] and
//! reading and writing them as JSON ([`PolicyError`] when a policy is wrong).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::number;

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
