//! One pass over a rule's window: what each metric needs, gathered once.

use std::collections::HashMap;

use super::{Metric, MetricSample};

/// What one pass over a rule's window gathers.
#[derive(Default)]
pub(super) struct Window<'a> {
    events: u64,
    errors: u64,
    tokens: f64,
    durations: u64,
    duration_sum: f64,
    duration_max: Option<f64>,
    /// Each session's start: the given start, else its earliest sample.
    sessions: HashMap<&'a str, f64>,
}

impl<'a> Window<'a> {
    pub(super) fn add(&mut self, s: &'a MetricSample) {
        self.events += 1;
        self.errors += u64::from(s.is_error());
        self.tokens += s.tokens();
        if let Some(d) = s.duration_ms.filter(|d| d.is_finite()) {
            self.durations += 1;
            self.duration_sum += d;
            self.duration_max = Some(self.duration_max.map_or(d, |m| m.max(d)));
        }
        let started = s.session_started_ms.unwrap_or(s.ts_ms);
        self.sessions
            .entry(&s.session_id)
            .and_modify(|t| *t = t.min(started))
            .or_insert(started);
    }

    pub(super) fn metric(&self, metric: Metric, start: f64, end: f64, window_minutes: u32) -> f64 {
        let ratio = |num: f64, den: u64| if den == 0 { 0.0 } else { num / den as f64 };
        match metric {
            Metric::TotalTokens => self.tokens,
            Metric::AvgTokensPerSession => ratio(self.tokens, self.sessions.len() as u64),
            Metric::ErrorRate => ratio(self.errors as f64 * 100.0, self.events),
            Metric::AvgDurationMs => ratio(self.duration_sum, self.durations),
            Metric::MaxDurationMs => self.duration_max.unwrap_or(0.0),
            Metric::SessionCount => {
                let new = self.sessions.values().filter(|&&t| t >= start && t <= end);
                new.count() as f64
            }
            Metric::EventCount => self.events as f64,
            Metric::TokenRate => self.tokens / f64::from(window_minutes),
        }
    }
}
