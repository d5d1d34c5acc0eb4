//! Alert rules: declarative conditions over a stream of events (AgentLens SDK
//! `alert_rules.py`, reference B.7).
//!
//! Conditions: threshold, rate (share of the last N events, or a count within a time
//! window), consecutive, pattern (a regex, compiled when the rule is made: an invalid
//! pattern is an error then, not a rule that silently never fires), aggregate
//! (sum/avg/min/max/count) and composite all/any. Cooldowns run on **event time** — the
//! newest timestamp among the events evaluated — never on a wall clock, so replays and
//! tests give the same answers as live evaluation. [`AlertEngine::push`] is the streaming
//! evaluator a tracker feeds as events are recorded.

mod condition;

use std::collections::VecDeque;
use std::fmt;

use serde::{Deserialize, Serialize};

use condition::Compiled;
pub use condition::{AggFunc, Condition, Mode, Operator};

use crate::model::Event;
use crate::time::UnixNanos;

/// How loud an alert is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information.
    Info,
    /// Needs a look (the seed's default).
    #[default]
    Warning,
    /// Needs action.
    Critical,
}

/// Why a rule or rule set was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AlertError {
    /// A pattern condition's regex does not compile.
    InvalidPattern {
        /// The rule's name (empty until the rule is added to an engine).
        rule: String,
        /// The pattern.
        pattern: String,
        /// The compiler's message.
        message: String,
    },
    /// A rule is malformed (missing thresholds, bad JSON shape, ...).
    InvalidRule {
        /// What is wrong, naming the rule where known.
        message: String,
    },
}

impl fmt::Display for AlertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPattern {
                rule,
                pattern,
                message,
            } => {
                if !rule.is_empty() {
                    write!(f, "rule {rule:?}: ")?;
                }
                write!(f, "invalid alert pattern {pattern:?}: {message}")
            }
            Self::InvalidRule { message } => write!(f, "invalid alert rule: {message}"),
        }
    }
}

impl std::error::Error for AlertError {}

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

#[derive(Clone, Debug)]
struct Armed {
    rule: AlertRule,
    compiled: Compiled,
    last_fired: Option<UnixNanos>,
}

impl Armed {
    fn new(rule: AlertRule) -> Result<Self, AlertError> {
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
            compiled,
            last_fired: None,
        })
    }

    /// `now`: the newest event time in `events`; `streaming` as in [`Compiled::evaluate`].
    fn check(
        &mut self,
        events: &[Event],
        now: Option<UnixNanos>,
        streaming: bool,
    ) -> Option<AlertResult> {
        if !self.rule.enabled {
            return None;
        }
        if let (Some(last), Some(now)) = (self.last_fired, now) {
            let cooldown = (self.rule.cooldown_seconds * 1e9) as i64;
            if now.0.saturating_sub(last.0) < cooldown {
                return None;
            }
        }
        let (fired, matched) = self.compiled.evaluate(events, streaming);
        if !fired {
            return None;
        }
        self.last_fired = now.or(self.last_fired);
        let message = if self.rule.description.is_empty() {
            format!("Alert rule '{}' triggered", self.rule.name)
        } else {
            self.rule.description.clone()
        };
        Some(AlertResult {
            rule_name: self.rule.name.clone(),
            severity: self.rule.severity,
            message,
            timestamp: now,
            matched_events: matched
                .into_iter()
                .map(|i| {
                    events[i]
                        .event_id
                        .clone()
                        .unwrap_or_else(|| format!("#{i}"))
                })
                .collect(),
        })
    }
}

/// Limits of an [`AlertEngine`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// Events kept for streaming evaluation (the oldest are forgotten).
    pub max_events: usize,
    /// Fired alerts kept in the history.
    pub max_history: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            max_events: 10_000,
            max_history: 5_000,
        }
    }
}

/// A set of rules, their cooldown state, a bounded history, and a bounded event buffer
/// for streaming evaluation.
#[derive(Clone, Debug, Default)]
pub struct AlertEngine {
    rules: Vec<Armed>,
    config: EngineConfig,
    buffer: VecDeque<Event>,
    /// The newest event time in `buffer`.
    newest: Option<UnixNanos>,
    history: VecDeque<AlertResult>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSet {
    rules: Vec<AlertRule>,
}

impl AlertEngine {
    /// An engine with no rules.
    pub fn new(config: EngineConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Adds a rule, replacing one of the same name.
    ///
    /// # Errors
    /// [`AlertError`] when the rule's pattern does not compile or the rule is malformed.
    pub fn add(&mut self, rule: AlertRule) -> Result<(), AlertError> {
        let name = rule.name.clone();
        let armed = Armed::new(rule).map_err(|e| match e {
            AlertError::InvalidPattern {
                pattern, message, ..
            } => AlertError::InvalidPattern {
                rule: name,
                pattern,
                message,
            },
            other => other,
        })?;
        match self
            .rules
            .iter_mut()
            .find(|a| a.rule.name == armed.rule.name)
        {
            Some(slot) => *slot = armed,
            None => self.rules.push(armed),
        }
        Ok(())
    }

    /// Removes a rule; returns whether it existed.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.rules.len();
        self.rules.retain(|a| a.rule.name != name);
        self.rules.len() != before
    }

    /// A rule by name.
    pub fn get(&self, name: &str) -> Option<&AlertRule> {
        self.rules
            .iter()
            .find(|a| a.rule.name == name)
            .map(|a| &a.rule)
    }

    /// Every rule, in the order added.
    pub fn rules(&self) -> impl Iterator<Item = &AlertRule> {
        self.rules.iter().map(|a| &a.rule)
    }

    /// Enables or disables a rule; returns false when there is no such rule.
    pub fn set_enabled(&mut self, name: &str, enabled: bool) -> bool {
        self.rules
            .iter_mut()
            .find(|a| a.rule.name == name)
            .map(|a| a.rule.enabled = enabled)
            .is_some()
    }

    /// Forgets every rule's last firing.
    pub fn reset_cooldowns(&mut self) {
        for a in &mut self.rules {
            a.last_fired = None;
        }
    }

    /// Evaluates every rule over `events`; fired alerts are returned and kept in the history.
    pub fn evaluate(&mut self, events: &[Event]) -> Vec<AlertResult> {
        let now = events.iter().filter_map(Event::time).max();
        self.evaluate_at(events, now, false)
    }

    fn evaluate_at(
        &mut self,
        events: &[Event],
        now: Option<UnixNanos>,
        streaming: bool,
    ) -> Vec<AlertResult> {
        let fired: Vec<AlertResult> = self
            .rules
            .iter_mut()
            .filter_map(|a| a.check(events, now, streaming))
            .collect();
        for f in &fired {
            if self.history.len() == self.config.max_history.max(1) {
                self.history.pop_front();
            }
            self.history.push_back(f.clone());
        }
        fired
    }

    /// The streaming evaluator: appends `event` to the bounded buffer and evaluates every
    /// rule over the buffer.
    ///
    /// Each event meets each pattern once, when it arrives, and the buffer's newest time
    /// is kept as events come and go: a push costs the rules' own work over the buffer,
    /// not a regex run per buffered event.
    pub fn push(&mut self, event: Event) -> Vec<AlertResult> {
        if self.buffer.len() == self.config.max_events.max(1) {
            let gone = self.buffer.pop_front();
            self.rules.iter_mut().for_each(|a| a.compiled.on_evict());
            if gone
                .and_then(|e| e.time())
                .is_some_and(|t| Some(t) == self.newest)
            {
                self.newest = self.buffer.iter().filter_map(Event::time).max();
            }
        }
        self.newest = self.newest.max(event.time());
        self.rules
            .iter_mut()
            .for_each(|a| a.compiled.on_push(&event));
        self.buffer.push_back(event);
        let mut events = std::mem::take(&mut self.buffer);
        let slice = events.make_contiguous();
        self.rules.iter_mut().for_each(|a| a.compiled.sync(slice));
        let fired = self.evaluate_at(slice, self.newest, true);
        self.buffer = events;
        fired
    }

    /// Fired alerts, oldest first (at most `max_history`).
    pub fn history(&self) -> impl Iterator<Item = &AlertResult> {
        self.history.iter()
    }

    /// The rules as JSON, `{"rules":[…]}`.
    pub fn to_json(&self) -> String {
        let set = RuleSet {
            rules: self.rules().cloned().collect(),
        };
        serde_json::to_string(&set).unwrap_or_else(|_| "{\"rules\":[]}".into())
    }

    /// An engine from `{"rules":[…]}`.
    ///
    /// # Errors
    /// [`AlertError::InvalidRule`] naming the rule that does not parse or compile.
    pub fn from_json(text: &str, config: EngineConfig) -> Result<Self, AlertError> {
        let set: RuleSet = serde_json::from_str(text).map_err(|e| AlertError::InvalidRule {
            message: e.to_string(),
        })?;
        let mut engine = Self::new(config);
        for rule in set.rules {
            engine.add(rule)?;
        }
        Ok(engine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventType;
    use serde_json::json;

    fn ev(kind: EventType, secs: i64, tokens_out: u64) -> Event {
        let mut e = Event::new(kind, "s", UnixNanos(secs * 1_000_000_000));
        e.tokens_out = Some(tokens_out);
        e
    }

    fn rule(c: serde_json::Value) -> AlertRule {
        serde_json::from_value(json!({"name": "r", "condition": c})).unwrap()
    }

    #[test]
    fn every_operator_compares_as_written() {
        for (op, expect) in [
            (Operator::Gt, false),
            (Operator::Ge, true),
            (Operator::Lt, false),
            (Operator::Le, true),
            (Operator::Eq, true),
            (Operator::Ne, false),
        ] {
            assert_eq!(op.compare(5.0, 5.0), expect, "{op:?}");
        }
    }

    #[test]
    fn threshold_sums_the_metric_and_a_missing_metric_counts_zero() {
        let mut eng = AlertEngine::default();
        eng.add(rule(
            json!({"type": "threshold", "metric": "tokens_out", "operator": ">", "value": 100}),
        ))
        .unwrap();
        assert!(eng.evaluate(&[ev(EventType::LlmCall, 0, 60)]).is_empty());
        let fired = eng.evaluate(&[ev(EventType::LlmCall, 0, 60), ev(EventType::LlmCall, 1, 60)]);
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].message, "Alert rule 'r' triggered");
        let mut none = AlertEngine::default();
        none.add(rule(
            json!({"type": "threshold", "metric": "nope", "operator": "==", "value": 0}),
        ))
        .unwrap();
        assert_eq!(none.evaluate(&[ev(EventType::LlmCall, 0, 1)]).len(), 1);
    }

    #[test]
    fn a_rate_exactly_at_the_threshold_does_not_fire() {
        let events = [ev(EventType::Error, 0, 0), ev(EventType::LlmCall, 1, 0)];
        let mut eng = AlertEngine::default();
        eng.add(rule(
            json!({"type": "rate", "event_type": "error", "threshold_pct": 50}),
        ))
        .unwrap();
        assert!(eng.evaluate(&events).is_empty());
        eng.add(rule(
            json!({"type": "rate", "event_type": "error", "threshold_pct": 49.9}),
        ))
        .unwrap();
        assert_eq!(eng.evaluate(&events).len(), 1);
    }

    #[test]
    fn a_rate_over_a_time_window_counts_recent_events_only() {
        let events: Vec<Event> = (0..10).map(|i| ev(EventType::Error, i * 100, 0)).collect();
        let mut eng = AlertEngine::default();
        eng.add(rule(json!({"type": "rate", "event_type": "error", "window_seconds": 300, "threshold_count": 3}))).unwrap();
        assert_eq!(
            eng.evaluate(&events).len(),
            1,
            "4 errors in the last 300 s (600..900)"
        );
        eng.add(rule(json!({"type": "rate", "event_type": "error", "window_seconds": 300, "threshold_count": 4}))).unwrap();
        assert!(eng.evaluate(&events).is_empty());
    }

    #[test]
    fn consecutive_needs_exactly_the_last_n() {
        let mut eng = AlertEngine::default();
        eng.add(rule(
            json!({"type": "consecutive", "event_type": "error", "count": 2}),
        ))
        .unwrap();
        assert!(eng.evaluate(&[ev(EventType::Error, 0, 0)]).is_empty());
        assert!(
            eng.evaluate(&[ev(EventType::Error, 0, 0), ev(EventType::LlmCall, 1, 0)])
                .is_empty()
        );
        assert_eq!(
            eng.evaluate(&[
                ev(EventType::LlmCall, 0, 0),
                ev(EventType::Error, 1, 0),
                ev(EventType::Error, 2, 0)
            ])
            .len(),
            1
        );
    }

    #[test]
    fn an_invalid_pattern_is_an_error_when_the_rule_is_made() {
        let err = AlertEngine::default()
            .add(rule(
                json!({"type": "pattern", "field": "model", "pattern": "("}),
            ))
            .unwrap_err();
        assert!(matches!(err, AlertError::InvalidPattern { .. }), "{err}");
    }

    #[test]
    fn pattern_matches_any_event_having_the_field() {
        let mut e = ev(EventType::LlmCall, 0, 0);
        e.output_data = Some(json!({"response": "ssn 123-45-6789"}));
        let mut eng = AlertEngine::default();
        eng.add(rule(
            json!({"type": "pattern", "field": "output_data", "pattern": r"\d{3}-\d{2}-\d{4}"}),
        ))
        .unwrap();
        assert_eq!(eng.evaluate(&[ev(EventType::LlmCall, 0, 0), e]).len(), 1);
    }

    #[test]
    fn aggregates_fold_the_last_window_and_no_values_is_zero() {
        let events: Vec<Event> = (0..5)
            .map(|i| ev(EventType::LlmCall, i, (i as u64 + 1) * 10))
            .collect();
        for (f, expect) in [
            ("sum", 150.0),
            ("avg", 30.0),
            ("min", 10.0),
            ("max", 50.0),
            ("count", 5.0),
        ] {
            let mut eng = AlertEngine::default();
            eng.add(rule(json!({"type": "aggregate", "metric": "tokens_out", "agg_func": f, "operator": "==", "value": expect}))).unwrap();
            assert_eq!(eng.evaluate(&events).len(), 1, "{f}");
        }
        let mut eng = AlertEngine::default();
        eng.add(rule(json!({"type": "aggregate", "metric": "tokens_out", "agg_func": "max", "operator": "==", "value": 50, "window": 2}))).unwrap();
        assert_eq!(eng.evaluate(&events).len(), 1);
        let mut eng = AlertEngine::default();
        eng.add(rule(json!({"type": "aggregate", "metric": "nope", "agg_func": "avg", "operator": "==", "value": 0}))).unwrap();
        assert_eq!(eng.evaluate(&events).len(), 1);
    }

    #[test]
    fn composites_combine_and_an_empty_one_never_fires() {
        let events = [ev(EventType::Error, 0, 500)];
        let t = json!({"type": "threshold", "metric": "tokens_out", "operator": ">", "value": 100});
        let c = json!({"type": "consecutive", "event_type": "llm_call", "count": 1});
        for (mode, expect) in [("all", 0), ("any", 1)] {
            let mut eng = AlertEngine::default();
            eng.add(rule(
                json!({"type": "composite", "mode": mode, "conditions": [t, c]}),
            ))
            .unwrap();
            assert_eq!(eng.evaluate(&events).len(), expect, "{mode}");
        }
        let mut eng = AlertEngine::default();
        eng.add(rule(json!({"type": "composite", "conditions": []})))
            .unwrap();
        assert!(eng.evaluate(&events).is_empty());
    }

    #[test]
    fn cooldowns_run_on_event_time_not_a_wall_clock() {
        let mut r = rule(json!({"type": "consecutive", "event_type": "error", "count": 1}));
        r.cooldown_seconds = 60.0;
        let mut eng = AlertEngine::default();
        eng.add(r).unwrap();
        assert_eq!(eng.push(ev(EventType::Error, 0, 0)).len(), 1);
        assert!(
            eng.push(ev(EventType::Error, 30, 0)).is_empty(),
            "within the cooldown"
        );
        assert_eq!(
            eng.push(ev(EventType::Error, 61, 0)).len(),
            1,
            "cooldown over by event time"
        );
        eng.reset_cooldowns();
        assert_eq!(eng.push(ev(EventType::Error, 62, 0)).len(), 1);
        assert_eq!(eng.history().count(), 3);
    }

    #[test]
    fn disabled_rules_are_quiet_and_same_names_replace() {
        let mut eng = AlertEngine::default();
        eng.add(rule(
            json!({"type": "consecutive", "event_type": "error", "count": 1}),
        ))
        .unwrap();
        eng.add(rule(
            json!({"type": "consecutive", "event_type": "llm_call", "count": 1}),
        ))
        .unwrap();
        assert_eq!(eng.rules().count(), 1);
        assert!(eng.set_enabled("r", false));
        assert!(eng.evaluate(&[ev(EventType::LlmCall, 0, 0)]).is_empty());
        assert!(!eng.set_enabled("missing", true));
        assert!(eng.remove("r") && !eng.remove("r"));
    }

    #[test]
    fn buffers_and_history_are_bounded() {
        let mut eng = AlertEngine::new(EngineConfig {
            max_events: 3,
            max_history: 2,
        });
        eng.add(rule(json!({"type": "aggregate", "metric": "tokens_out", "agg_func": "count", "operator": "<=", "value": 3}))).unwrap();
        for i in 0..10 {
            assert_eq!(
                eng.push(ev(EventType::LlmCall, i, 1)).len(),
                1,
                "never more than 3 buffered"
            );
        }
        assert_eq!(eng.history().count(), 2);
    }

    #[test]
    fn rules_round_trip_through_json_and_bad_rules_are_named() {
        let text = r#"{"rules":[{"name":"spend","condition":{"type":"threshold","metric":"tokens_out","operator":">","value":10000},"severity":"critical","cooldown_seconds":300}]}"#;
        let eng = AlertEngine::from_json(text, EngineConfig::default()).unwrap();
        assert_eq!(eng.get("spend").unwrap().severity, Severity::Critical);
        let again = AlertEngine::from_json(&eng.to_json(), EngineConfig::default()).unwrap();
        assert_eq!(again.get("spend"), eng.get("spend"));
        let err = AlertEngine::from_json(
            r#"{"rules":[{"name":"x","condition":{"type":"rate","event_type":"error"}}]}"#,
            EngineConfig::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("\"x\""), "{err}");
        assert!(
            AlertEngine::from_json(
                r#"{"rules":[{"name":"x","condition":{"type":"bogus"}}]}"#,
                EngineConfig::default()
            )
            .is_err()
        );
    }
}
