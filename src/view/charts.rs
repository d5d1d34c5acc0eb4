//! What the Charts tab draws for chosen sessions: totals, tokens and cost by model and
//! over time, the latency distribution and tool usage, from the statistics and cost
//! engines. The only work done here is bucketing for display.

use std::borrow::Cow;

use serde::Serialize;

use super::{TraceView, time_ms};
use crate::analysis::cost::event_cost;
use crate::analysis::stats::{Latency, session_stats};
use crate::model::{Event, EventType};

/// At most this many time buckets.
const MAX_BUCKETS: f64 = 60.0;
/// Bucket widths tried in turn (ms): the first that gives at most [`MAX_BUCKETS`].
const STEPS_MS: [f64; 11] = [
    1e3, 5e3, 10e3, 30e3, 60e3, 300e3, 900e3, 3600e3, 21_600e3, 86_400e3, 604_800e3,
];
const HISTOGRAM_BINS: usize = 20;

/// The totals line.
#[derive(Clone, Debug, Default, Serialize)]
#[allow(missing_docs)]
pub struct Totals {
    pub events: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub total_cost: f64,
    pub errors: u64,
    pub error_rate: f64,
    pub tool_calls: u64,
    pub tool_failures: u64,
    pub tool_failure_rate: f64,
}

/// Tokens and cost of one model.
#[derive(Clone, Debug, Serialize)]
#[allow(missing_docs)]
pub struct ModelRow {
    pub model: String,
    pub calls: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub total_cost: f64,
}

/// Tokens and cost in one time bucket.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TimeBucket {
    pub start_ms: f64,
    #[serde(rename = "tokens_in")]
    pub tokens_in: u64,
    #[serde(rename = "tokens_out")]
    pub tokens_out: u64,
    pub cost: f64,
}

/// Buckets of equal width.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OverTime {
    pub bucket_ms: f64,
    pub buckets: Vec<TimeBucket>,
}

/// One histogram bin, `[from_ms, to_ms)`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Bin {
    pub from_ms: f64,
    pub to_ms: f64,
    pub count: u64,
}

/// The latency distribution: statistics, bins up to the p99 (or the max when close),
/// and how many durations lie beyond the last bin.
#[derive(Clone, Debug, Default, Serialize)]
#[allow(missing_docs)]
pub struct LatencyChart {
    pub stats: Option<Latency>,
    pub histogram: Vec<Bin>,
    pub overflow: u64,
}

/// Calls and failures of one tool.
#[derive(Clone, Debug, Serialize)]
#[allow(missing_docs)]
pub struct ToolRow {
    pub tool: String,
    pub calls: u64,
    pub failures: u64,
    pub failure_rate: f64,
}

/// Everything the Charts tab draws.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ChartsData {
    pub sessions: usize,
    pub totals: Totals,
    pub unmatched_models: Vec<String>,
    pub by_model: Vec<ModelRow>,
    pub over_time: OverTime,
    pub latency: LatencyChart,
    pub tools: Vec<ToolRow>,
}

fn over_time(view: &TraceView, events: &[Event]) -> OverTime {
    let points: Vec<(f64, u64, u64, f64)> = events
        .iter()
        .filter_map(|e| {
            let c = event_cost(e, view.pricing())?;
            Some((time_ms(e)?, c.tokens_in, c.tokens_out, c.total_cost))
        })
        .collect();
    let (min, max) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
    if points.is_empty() {
        return OverTime::default();
    }
    let span = max - min + 1.0;
    let bucket_ms = STEPS_MS
        .into_iter()
        .find(|s| span / s <= MAX_BUCKETS)
        .unwrap_or_else(|| (span / MAX_BUCKETS).ceil());
    let start = (min / bucket_ms).floor() * bucket_ms;
    let count = ((max - start) / bucket_ms).floor() as usize + 1;
    let mut buckets: Vec<TimeBucket> = (0..count)
        .map(|i| TimeBucket {
            start_ms: start + i as f64 * bucket_ms,
            ..TimeBucket::default()
        })
        .collect();
    for (t, tin, tout, cost) in points {
        let b = &mut buckets[(((t - start) / bucket_ms) as usize).min(count - 1)];
        b.tokens_in += tin;
        b.tokens_out += tout;
        b.cost += cost;
    }
    OverTime { bucket_ms, buckets }
}

fn latency_chart(events: &[Event], stats: Option<Latency>) -> LatencyChart {
    let Some(l) = stats.as_ref().filter(|l| l.count > 0) else {
        return LatencyChart {
            stats,
            ..LatencyChart::default()
        };
    };
    let top = if l.max_ms > 2.0 * l.p99_ms && l.p99_ms > 0.0 {
        l.p99_ms
    } else {
        l.max_ms
    };
    let width = if top > 0.0 {
        top / HISTOGRAM_BINS as f64
    } else {
        1.0
    };
    let mut histogram: Vec<Bin> = (0..HISTOGRAM_BINS)
        .map(|i| Bin {
            from_ms: i as f64 * width,
            to_ms: (i + 1) as f64 * width,
            count: 0,
        })
        .collect();
    let mut overflow = 0;
    let timed = events
        .iter()
        .filter(|e| {
            !matches!(
                e.event_type,
                EventType::SessionStart | EventType::SessionEnd
            )
        })
        .filter_map(|e| e.duration_ms.filter(|d| d.is_finite()));
    for d in timed {
        if d > top {
            overflow += 1;
        } else {
            histogram[((d / width).floor().max(0.0) as usize).min(HISTOGRAM_BINS - 1)].count += 1;
        }
    }
    LatencyChart {
        stats,
        histogram,
        overflow,
    }
}

impl TraceView {
    /// The charts of the sessions `keys` (unknown keys ignored); `None` when none is known.
    pub fn charts(&mut self, keys: &[String]) -> Option<ChartsData> {
        let known = self.known(keys);
        if known.is_empty() {
            return None;
        }
        // Every session: the events as held, not a copy.
        let events: Cow<'_, [Event]> = if known.len() == self.session_count() {
            Cow::Borrowed(self.events())
        } else {
            Cow::Owned(self.events_of(&known))
        };
        let stats = session_stats(&events, self.pricing());
        let mut by_model: Vec<ModelRow> = stats
            .models
            .iter()
            .map(|(model, m)| ModelRow {
                model: model.clone(),
                calls: m.calls,
                tokens_in: m.tokens_in,
                tokens_out: m.tokens_out,
                total_cost: m.total_cost,
            })
            .collect();
        by_model.sort_by_key(|m| std::cmp::Reverse(m.tokens_in.saturating_add(m.tokens_out)));
        let mut tools: Vec<ToolRow> = stats
            .tools
            .iter()
            .map(|(tool, t)| ToolRow {
                tool: tool.clone(),
                calls: t.calls,
                failures: t.failures,
                failure_rate: t.failure_rate,
            })
            .collect();
        tools.sort_by_key(|t| std::cmp::Reverse(t.calls));
        Some(ChartsData {
            sessions: known.len(),
            totals: Totals {
                events: stats.total_events,
                tokens_in: stats.tokens_in,
                tokens_out: stats.tokens_out,
                total_cost: stats.total_cost,
                errors: stats.errors,
                error_rate: stats.error_rate,
                tool_calls: stats.tool_calls,
                tool_failures: stats.tool_failures,
                tool_failure_rate: stats.tool_failure_rate,
            },
            unmatched_models: stats.unmatched_models,
            by_model,
            over_time: over_time(self, &events),
            latency: latency_chart(&events, stats.latency),
            tools,
        })
    }
}
