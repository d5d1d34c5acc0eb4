//! The engine: rules, their cooldowns, a bounded history and the streaming buffer.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::rule::Armed;
use super::stream::Buffer;
use super::times::Times;
use super::{AlertError, AlertResult, AlertRule};
use crate::model::Event;

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
    /// How many events were ever pushed (the buffer holds the last of them).
    pushed: u64,
    /// The times of the events in `buffer`.
    times: Times,
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
        let mut armed = Armed::new(rule).map_err(|e| match e {
            AlertError::InvalidPattern {
                pattern, message, ..
            } => AlertError::InvalidPattern {
                rule: name,
                pattern,
                message,
            },
            other => other,
        })?;
        let base = self.base();
        for (k, e) in self.buffer.iter().enumerate() {
            armed.stream.push(base + k as u64, base, e);
        }
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
        let fired = self
            .rules
            .iter_mut()
            .filter_map(|a| a.check(events, now))
            .collect();
        self.record(fired)
    }

    /// Keeps `fired` in the history and returns it.
    fn record(&mut self, fired: Vec<AlertResult>) -> Vec<AlertResult> {
        for f in &fired {
            if self.history.len() == self.config.max_history.max(1) {
                self.history.pop_front();
            }
            self.history.push_back(f.clone());
        }
        fired
    }

    /// The number of the oldest buffered event.
    fn base(&self) -> u64 {
        self.pushed - self.buffer.len() as u64
    }

    /// The streaming evaluator: appends `event` to the bounded buffer and evaluates every
    /// rule over the buffer, exactly as [`AlertEngine::evaluate`] over the buffer would.
    ///
    /// Each rule keeps what its condition needs as events come and go, so a
    /// push costs O(rules) amortised (a time window O(log n) more) plus the matched
    /// events listed in the alerts that fire, not a pass over the buffer per rule.
    pub fn push(&mut self, event: Event) -> Vec<AlertResult> {
        if self.buffer.len() == self.config.max_events.max(1) {
            self.buffer.pop_front();
            self.times.set(self.base() - 1, None);
        }
        let seq = self.pushed;
        self.pushed += 1;
        self.buffer.push_back(event);
        let base = self.base();
        if self.times.fits(self.buffer.len()) {
            self.times
                .set(seq, self.buffer.back().and_then(Event::time).map(|t| t.0));
        } else {
            self.times = Times::build(&self.buffer, base);
        }
        if let Some(e) = self.buffer.back() {
            self.rules
                .iter_mut()
                .for_each(|a| a.stream.push(seq, base, e));
        }
        let b = Buffer {
            base,
            end: self.pushed,
            times: &self.times,
        };
        let fired = self
            .rules
            .iter_mut()
            .filter_map(|a| a.check_stream(&self.buffer, &b))
            .collect();
        self.record(fired)
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
