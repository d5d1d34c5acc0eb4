//! The engine: rules, their cooldowns, a bounded history and the streaming buffer.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::rule::Armed;
use super::{AlertError, AlertResult, AlertRule};
use crate::model::Event;
use crate::time::UnixNanos;

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
