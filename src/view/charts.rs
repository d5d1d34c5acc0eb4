//! What the Charts tab draws for chosen sessions: the statistics engine's answer (totals,
//! errors, tokens and cost by model, latency, tools) with tokens and cost over time and
//! the latency distribution bucketed for display.

use std::borrow::Cow;

use serde::Serialize;

use super::{TraceView, sort_keyed, time_ms};
use crate::analysis::cost::{ModelCost, event_cost};
use crate::analysis::stats::{Latency, SessionStats, session_stats};
use crate::model::{Event, EventType};

/// At most this many time buckets.
const MAX_BUCKETS: f64 = 60.0;
/// Bucket widths tried in turn (ms): the first that gives at most [`MAX_BUCKETS`].
const STEPS_MS: [f64; 11] = [
    1e3, 5e3, 10e3, 30e3, 60e3, 300e3, 900e3, 3600e3, 21_600e3, 86_400e3, 604_800e3,
];
const HISTOGRAM_BINS: usize = 20;

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

/// The latency distribution: bins up to the p99 (or the max when close), and how many
/// durations lie beyond the last bin.
#[derive(Clone, Debug, Default, Serialize)]
#[allow(missing_docs)]
pub struct Histogram {
    pub bins: Vec<Bin>,
    pub overflow: u64,
}

/// Everything the Charts tab draws.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ChartsData {
    pub sessions: usize,
    /// The statistics engine's answer: totals, errors, by model, by tool, latency.
    pub stats: SessionStats,
    /// The models of `stats`, most tokens first (ties by name).
    pub models: Vec<String>,
    /// The tools of `stats`, most calls first (ties by name).
    pub tools: Vec<String>,
    pub over_time: OverTime,
    pub histogram: Histogram,
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

fn histogram(events: &[Event], stats: Option<&Latency>) -> Histogram {
    let Some(l) = stats.filter(|l| l.count > 0) else {
        return Histogram::default();
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
    let mut bins: Vec<Bin> = (0..HISTOGRAM_BINS)
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
            bins[((d / width).floor().max(0.0) as usize).min(HISTOGRAM_BINS - 1)].count += 1;
        }
    }
    Histogram { bins, overflow }
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
        let by = |keys: Vec<(f64, &String)>| {
            let mut pairs: Vec<(f64, usize)> =
                keys.iter().enumerate().map(|(i, k)| (k.0, i)).collect();
            sort_keyed(&mut pairs);
            pairs
                .into_iter()
                .map(|(_, i)| keys[i].1.clone())
                .collect::<Vec<String>>()
        };
        let tokens = |m: &ModelCost| -(m.tokens_in.saturating_add(m.tokens_out) as f64);
        Some(ChartsData {
            sessions: known.len(),
            models: by(stats.models.iter().map(|(k, m)| (tokens(m), k)).collect()),
            tools: by(stats
                .tools
                .iter()
                .map(|(k, t)| (-(t.calls as f64), k))
                .collect()),
            over_time: over_time(self, &events),
            histogram: histogram(&events, stats.latency.as_ref()),
            stats,
        })
    }
}
