//! Windowed metric rules: the AgentLens backend's alert rules (`/alerts/rules`, reference
//! A.5 "Backend alert-rule metrics"), evaluated here so the collector, the SDK and the
//! viewer fire the same rules on the same data.
//!
//! A [`MetricRule`] compares one [`Metric`] of the events in its window (the last
//! `window_minutes` before `now`, optionally of one agent) with a threshold. The events
//! come in as light [`MetricSample`]s — time, session, agent, error flag, tokens,
//! duration — so a host can read them from table columns without decoding payloads.
//! [`evaluate`] answers, per enabled rule, the value and whether the rule `fired`, is in
//! `cooldown` (it fired less than `cooldown_minutes` before `now`) or is `ok`.
//!
//! What this does not do: read a clock (`now` and each rule's last firing are inputs),
//! store fired alerts, or deliver them — the host does, and passes the times back.
//!
//! Where the metrics differ from the original backend, which summed whole sessions
//! *started* in the window: tokens here are those of the events *in* the window (a
//! session that started before the window counts what it spent inside it), and
//! `avg_tokens_per_session` divides them by the sessions with events in the window.
//! `session_count` keeps the original's meaning: sessions started in the window.
//! Errors follow the core's reading of an event ([`crate::model::semantics::is_error`]).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;

mod parse;
mod window;

use super::{AlertError, Operator};
use crate::model::EventType;
use crate::model::semantics::is_error_type;
use parse::invalid;
use window::Window;

/// The longest window and cooldown a rule may ask for: 7 days (the backend's bound,
/// which keeps an evaluation's scan bounded).
pub const MAX_WINDOW_MINUTES: u32 = 10_080;
/// The longest cooldown: 7 days.
pub const MAX_COOLDOWN_MINUTES: u32 = 10_080;
/// The window when a rule gives none.
pub const DEFAULT_WINDOW_MINUTES: u32 = 60;
/// The cooldown when a rule gives none.
pub const DEFAULT_COOLDOWN_MINUTES: u32 = 15;
/// A longer name is cut to this many characters (as the backend does).
pub const MAX_NAME_CHARS: usize = 128;
/// A longer agent filter is refused.
pub const MAX_AGENT_FILTER_CHARS: usize = 256;
/// The operators a rule may use, in the backend's order.
pub const OPERATORS: [&str; 6] = ["<", ">", "<=", ">=", "==", "!="];

const MS_PER_MINUTE: f64 = 60_000.0;

/// What a rule measures over its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Tokens (in + out) of the events in the window.
    TotalTokens,
    /// Those tokens divided by the sessions with events in the window (0 without any).
    AvgTokensPerSession,
    /// Percent (0–100) of the events in the window that are errors.
    ErrorRate,
    /// Mean duration of the events in the window that have one (0 without any).
    AvgDurationMs,
    /// Largest duration among them (0 without any).
    MaxDurationMs,
    /// Sessions started in the window.
    SessionCount,
    /// Events in the window.
    EventCount,
    /// Tokens in the window per minute of the window.
    TokenRate,
}

impl Metric {
    /// Every metric, in the backend's order.
    pub const ALL: [Self; 8] = [
        Self::TotalTokens,
        Self::AvgTokensPerSession,
        Self::ErrorRate,
        Self::AvgDurationMs,
        Self::MaxDurationMs,
        Self::SessionCount,
        Self::EventCount,
        Self::TokenRate,
    ];

    /// Its wire name (`total_tokens`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Self::TotalTokens => "total_tokens",
            Self::AvgTokensPerSession => "avg_tokens_per_session",
            Self::ErrorRate => "error_rate",
            Self::AvgDurationMs => "avg_duration_ms",
            Self::MaxDurationMs => "max_duration_ms",
            Self::SessionCount => "session_count",
            Self::EventCount => "event_count",
            Self::TokenRate => "token_rate",
        }
    }

    /// What it measures, for people (the text `GET /alerts/metrics` lists).
    pub const fn description(self) -> &'static str {
        match self {
            Self::TotalTokens => "Total tokens (in+out) of the events in the time window",
            Self::AvgTokensPerSession => {
                "Average tokens per session among the sessions with events in the time window"
            }
            Self::ErrorRate => "Percentage of error events in the time window (0-100)",
            Self::AvgDurationMs => "Average event duration in milliseconds",
            Self::MaxDurationMs => "Maximum event duration in milliseconds",
            Self::SessionCount => "Number of new sessions in the time window",
            Self::EventCount => "Number of events in the time window",
            Self::TokenRate => "Tokens per minute in the time window",
        }
    }

    /// The metric named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// One event as a metric rule sees it. JSON field names are the collector's columns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricSample {
    /// When it happened (epoch milliseconds).
    pub ts_ms: f64,
    /// Its session.
    pub session_id: String,
    /// Its session's agent, matched exactly by a rule's `agent_filter`.
    #[serde(default)]
    pub agent_name: Option<String>,
    /// Its wire type; read for errors when `is_error` is not given.
    #[serde(default)]
    pub event_type: Option<String>,
    /// Whether it is an error (the core's reading, as the collector stores it).
    #[serde(default)]
    pub is_error: Option<bool>,
    /// Input tokens.
    #[serde(default)]
    pub tokens_in: u64,
    /// Output tokens.
    #[serde(default)]
    pub tokens_out: u64,
    /// Its duration, when it has one.
    #[serde(default)]
    pub duration_ms: Option<f64>,
    /// When its session started (epoch ms); without it, the session counts as started
    /// at its earliest sample in the window.
    #[serde(default)]
    pub session_started_ms: Option<f64>,
}

impl MetricSample {
    /// `is_error` when given, else whether the type alone says error
    /// ([`is_error_type`]: `error`, `tool_error`, `agent_error`, any `*error*`).
    pub fn is_error(&self) -> bool {
        self.is_error.unwrap_or_else(|| {
            self.event_type
                .as_deref()
                .is_some_and(|t| is_error_type(&EventType::parse(t)))
        })
    }

    fn tokens(&self) -> f64 {
        self.tokens_in as f64 + self.tokens_out as f64
    }
}

/// A windowed metric rule, validated and clamped (see [`MetricRule::from_value`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value")]
pub struct MetricRule {
    /// The host's id for it (`""` when it has none); keys its last firing.
    pub rule_id: String,
    /// Its name: trimmed, never empty, at most [`MAX_NAME_CHARS`] characters.
    pub name: String,
    /// What it measures.
    pub metric: Metric,
    /// How the value compares with the threshold.
    pub operator: Operator,
    /// The threshold (finite).
    pub threshold: f64,
    /// The window, in whole minutes within `1..=MAX_WINDOW_MINUTES`.
    pub window_minutes: u32,
    /// Only events of this agent (exact name), when set (never empty).
    pub agent_filter: Option<String>,
    /// Quiet this many minutes after firing, within `0..=MAX_COOLDOWN_MINUTES`.
    pub cooldown_minutes: u32,
    /// Disabled rules are not evaluated.
    pub enabled: bool,
}

impl TryFrom<Value> for MetricRule {
    type Error = AlertError;
    fn try_from(v: Value) -> Result<Self, AlertError> {
        Self::from_value(&v)
    }
}

impl MetricRule {
    /// Reads a rule from its JSON form (`{"name", "metric", "operator", "threshold",
    /// "window_minutes"?, "agent_filter"?, "cooldown_minutes"?, "enabled"?, "rule_id"?}`;
    /// other keys are ignored). Missing minutes take the defaults (60, 15); given ones
    /// are cut to whole minutes and clamped; the name is trimmed and cut; an empty agent
    /// filter is none.
    ///
    /// # Errors
    /// [`AlertError::InvalidField`] naming the field and the value: not an object, an
    /// unknown metric or operator, an empty name, a threshold that is not a finite
    /// number, minutes that are not numbers, an agent filter that is not a string of at
    /// most [`MAX_AGENT_FILTER_CHARS`] characters, `enabled` that is not a boolean.
    ///
    /// # Panics
    /// Never.
    ///
    /// # Examples
    /// ```
    /// use agentlens::analysis::alert::metric_rule::{Metric, MetricRule};
    /// let r = MetricRule::from_value(&serde_json::json!({
    ///     "name": " errors ", "metric": "error_rate", "operator": ">", "threshold": 5,
    ///     "window_minutes": 99999, "cooldown_minutes": -3,
    /// })).unwrap();
    /// assert_eq!((r.name.as_str(), r.metric), ("errors", Metric::ErrorRate));
    /// assert_eq!((r.window_minutes, r.cooldown_minutes), (10_080, 0));
    /// let e = MetricRule::from_value(&serde_json::json!({
    ///     "name": "x", "metric": "latency", "operator": ">", "threshold": 1,
    /// })).unwrap_err();
    /// assert!(e.to_string().contains("\"latency\""));
    /// ```
    pub fn from_value(v: &Value) -> Result<Self, AlertError> {
        parse::rule(v)
    }

    /// The key of its last firing: its `rule_id`, or its name when it has no id.
    pub fn key(&self) -> &str {
        if self.rule_id.is_empty() {
            &self.name
        } else {
            &self.rule_id
        }
    }

    /// Its metric over the samples in `[now_ms - window, now_ms]` (of its agent, when it
    /// has a filter). Every metric of an empty window is 0.
    pub fn value(&self, samples: &[MetricSample], now_ms: f64) -> f64 {
        self.window(samples, now_ms).metric(
            self.metric,
            self.start(now_ms),
            now_ms,
            self.window_minutes,
        )
    }

    fn start(&self, now_ms: f64) -> f64 {
        now_ms - f64::from(self.window_minutes) * MS_PER_MINUTE
    }

    /// One pass over the samples of its window (and agent).
    fn window<'a>(&self, samples: &'a [MetricSample], now_ms: f64) -> Window<'a> {
        let start = self.start(now_ms);
        let filter = self.agent_filter.as_deref();
        let mut w = Window::default();
        for s in samples.iter().filter(|s| {
            s.ts_ms >= start
                && s.ts_ms <= now_ms
                && filter.is_none_or(|a| s.agent_name.as_deref() == Some(a))
        }) {
            w.add(s);
        }
        w
    }
}

/// How an evaluated rule came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricRuleStatus {
    /// The comparison held and the rule is not cooling down: an alert to record.
    Fired,
    /// The comparison held, but the rule fired less than its cooldown ago.
    Cooldown,
    /// The comparison did not hold.
    Ok,
}

/// One enabled rule's evaluation (the fields of the backend's `results[]`, plus `value`
/// unrounded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricRuleResult {
    /// The rule's id.
    pub rule_id: String,
    /// Its name.
    pub name: String,
    /// What it measured.
    pub metric: Metric,
    /// Its operator.
    pub operator: Operator,
    /// Its threshold.
    pub threshold: f64,
    /// The value, rounded to 2 decimals (what the backend reports).
    pub current_value: f64,
    /// The value as compared.
    pub value: f64,
    /// Whether `value operator threshold` held.
    pub triggered: bool,
    /// Its window.
    pub window_minutes: u32,
    /// Its agent filter.
    pub agent_filter: Option<String>,
    /// Fired, cooling down, or ok.
    pub status: MetricRuleStatus,
}

/// Evaluates every enabled rule over `samples` at `now_ms` (epoch ms). `last_fired` maps
/// a rule's [`MetricRule::key`] to when it last fired (epoch ms): a triggered rule is in
/// cooldown while `now_ms < last + cooldown`, so a zero cooldown fires at every
/// evaluation. Disabled rules are left out of the answer; the rest keep their order.
///
/// # Errors
/// [`AlertError::InvalidField`] when `now_ms` or a last firing time is not finite.
///
/// # Panics
/// Never.
///
/// # Examples
/// ```
/// use std::collections::{BTreeMap, HashMap};
/// use agentlens::analysis::alert::metric_rule::{evaluate, MetricRule, MetricSample, MetricRuleStatus};
/// let rule = MetricRule::from_value(&serde_json::json!({
///     "rule_id": "r1", "name": "busy", "metric": "event_count", "operator": ">=", "threshold": 2,
/// })).unwrap();
/// let at = |ts_ms| MetricSample { ts_ms, session_id: "s".into(), ..Default::default() };
/// let samples = [at(1_000.0), at(2_000.0)];
/// let now = 3_000.0;
/// let out = evaluate(&[rule.clone()], &samples, now, &BTreeMap::new()).unwrap();
/// assert_eq!((out[0].value, out[0].status), (2.0, MetricRuleStatus::Fired));
/// let last = BTreeMap::from([("r1".to_string(), 2_500.0)]);
/// let out = evaluate(&[rule], &samples, now, &last).unwrap();
/// assert_eq!(out[0].status, MetricRuleStatus::Cooldown);
/// ```
pub fn evaluate(
    rules: &[MetricRule],
    samples: &[MetricSample],
    now_ms: f64,
    last_fired: &BTreeMap<String, f64>,
) -> Result<Vec<MetricRuleResult>, AlertError> {
    if !now_ms.is_finite() {
        let must = "must be a finite time (epoch milliseconds)".to_string();
        return Err(invalid("now", must, &Value::Null));
    }
    if let Some((k, _)) = last_fired.iter().find(|(_, t)| !t.is_finite()) {
        let must = "must map rule ids to finite times (epoch milliseconds)".to_string();
        return Err(invalid("last_fired", must, &Value::String(k.clone())));
    }
    // Rules over the same window and agent share one pass over the samples.
    let mut windows: HashMap<(u32, Option<&str>), Window<'_>> = HashMap::new();
    let out = rules.iter().filter(|r| r.enabled).map(|rule| {
        let w = windows
            .entry((rule.window_minutes, rule.agent_filter.as_deref()))
            .or_insert_with(|| rule.window(samples, now_ms));
        let value = w.metric(rule.metric, rule.start(now_ms), now_ms, rule.window_minutes);
        let triggered = rule.operator.compare(value, rule.threshold);
        let cooling = last_fired
            .get(rule.key())
            .is_some_and(|&last| now_ms < last + f64::from(rule.cooldown_minutes) * MS_PER_MINUTE);
        let status = match (triggered, cooling) {
            (false, _) => MetricRuleStatus::Ok,
            (true, true) => MetricRuleStatus::Cooldown,
            (true, false) => MetricRuleStatus::Fired,
        };
        MetricRuleResult {
            rule_id: rule.rule_id.clone(),
            name: rule.name.clone(),
            metric: rule.metric,
            operator: rule.operator,
            threshold: rule.threshold,
            current_value: (value * 100.0).round() / 100.0,
            value,
            triggered,
            window_minutes: rule.window_minutes,
            agent_filter: rule.agent_filter.clone(),
            status,
        }
    });
    Ok(out.collect())
}

#[cfg(test)]
mod tests;
