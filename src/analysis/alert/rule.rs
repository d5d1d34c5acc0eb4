//! A rule as data ([`AlertRule`]), an alert it fired ([`AlertResult`]), and a rule armed
//! for evaluation with its cooldown.

use serde::{Deserialize, Serialize};

use std::collections::VecDeque;

use super::evaluate::Compiled;
use super::stream::{Buffer, Stream};
use super::{AlertError, Condition, Severity};
use crate::model::Event;
use crate::time::UnixNanos;

fn yes() -> bool {
    true
}

/// A rule as data (its JSON form: `{"name", "condition": {"type", ...}, "severity", ...}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    /// Unique within an engine; adding a rule with the same name replaces it.
    pub name: String,
    /// When it fires.
    pub condition: Condition,
    /// How loud.
    #[serde(default)]
    pub severity: Severity,
    /// The alert's message; empty gives `Alert rule '{name}' triggered`.
    #[serde(default)]
    pub description: String,
    /// After firing, the rule is quiet until events this many seconds newer arrive.
    #[serde(default)]
    pub cooldown_seconds: f64,
    /// Disabled rules never fire.
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl AlertRule {
    /// A rule with the seed's defaults (warning, no cooldown, enabled).
    pub fn new(name: impl Into<String>, condition: Condition) -> Self {
        Self {
            name: name.into(),
            condition,
            severity: Severity::Warning,
            description: String::new(),
            cooldown_seconds: 0.0,
            enabled: true,
        }
    }
}

/// A rule that fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertResult {
    /// The rule's name.
    pub rule_name: String,
    /// Its severity.
    pub severity: Severity,
    /// Its description, or `Alert rule '{name}' triggered`.
    pub message: String,
    /// Event time of the evaluation (the newest event's timestamp), if known.
    pub timestamp: Option<UnixNanos>,
    /// Ids (or, without one, positions as `#n`) of the events that matched.
    pub matched_events: Vec<String>,
}

/// A rule compiled and ready to fire, with its cooldown state and its streaming state.
#[derive(Clone, Debug)]
pub(super) struct Armed {
    pub(super) rule: AlertRule,
    compiled: Compiled,
    pub(super) stream: Stream,
    pub(super) last_fired: Option<UnixNanos>,
}

impl Armed {
    pub(super) fn new(rule: AlertRule) -> Result<Self, AlertError> {
        if !rule.cooldown_seconds.is_finite() || rule.cooldown_seconds < 0.0 {
            return Err(AlertError::InvalidRule {
                message: format!(
                    "rule {:?}: cooldown_seconds must be a finite number ≥ 0",
                    rule.name
                ),
            });
        }
        let compiled = Compiled::new(&rule.condition).map_err(|e| match e {
            AlertError::InvalidRule { message } => AlertError::InvalidRule {
                message: format!("rule {:?}: {message}", rule.name),
            },
            other => other,
        })?;
        Ok(Self {
            rule,
            stream: Stream::new(&compiled),
            compiled,
            last_fired: None,
        })
    }

    /// Whether the rule may fire at `now` (enabled, and its cooldown over).
    fn ready(&self, now: Option<UnixNanos>) -> bool {
        if !self.rule.enabled {
            return false;
        }
        match (self.last_fired, now) {
            (Some(last), Some(now)) => {
                let cooldown = (self.rule.cooldown_seconds * 1e9) as i64;
                now.0.saturating_sub(last.0) >= cooldown
            }
            _ => true,
        }
    }

    /// Evaluates the rule over `events`; `now`: the newest event time in them.
    pub(super) fn check(
        &mut self,
        events: &[Event],
        now: Option<UnixNanos>,
    ) -> Option<AlertResult> {
        if !self.ready(now) {
            return None;
        }
        let (fired, matched) = self.compiled.evaluate(events);
        fired.then(|| self.fire(now, matched.into_iter().map(|i| id(&events[i], i))))
    }

    /// Evaluates the rule over the streaming buffer from its streaming state.
    pub(super) fn check_stream(
        &mut self,
        buffer: &VecDeque<Event>,
        b: &Buffer<'_>,
    ) -> Option<AlertResult> {
        let now = b.times.newest().map(UnixNanos);
        if !self.ready(now) || !self.stream.fired(b) {
            return None;
        }
        let mut matched = Vec::new();
        self.stream.matched(b, &mut matched);
        let ids = matched.into_iter().map(|seq| {
            let i = (seq - b.base) as usize;
            id(&buffer[i], i)
        });
        Some(self.fire(now, ids))
    }

    fn fire(
        &mut self,
        now: Option<UnixNanos>,
        matched: impl Iterator<Item = String>,
    ) -> AlertResult {
        self.last_fired = now.or(self.last_fired);
        let message = if self.rule.description.is_empty() {
            format!("Alert rule '{}' triggered", self.rule.name)
        } else {
            self.rule.description.clone()
        };
        AlertResult {
            rule_name: self.rule.name.clone(),
            severity: self.rule.severity,
            message,
            timestamp: now,
            matched_events: matched.collect(),
        }
    }
}

/// An event's id, or without one its position `i` as `#i`.
fn id(e: &Event, i: usize) -> String {
    e.event_id.clone().unwrap_or_else(|| format!("#{i}"))
}
