//! Policies read from and written as JSON, with the seed's `to_dict` shape and
//! [`PolicyError`]s naming the bad field or rule.

use serde_json::{Map, Value};

use super::super::number;
use super::{CompliancePolicy, ComplianceRule, PolicyError, Severity, kind};

impl CompliancePolicy {
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
