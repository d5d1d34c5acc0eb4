//! Session statistics for the viewer and the collector: event counts, latency
//! percentiles, tokens and cost by model, tool usage and failures, error rate, and a
//! per-minute timeline of event types.
//!
//! [`session_stats`] reads one session's events (any slice works: it never checks that
//! they share a session) and never fails. Cost comes from [`super::cost::session_cost`],
//! so the two engines always agree.
//!
//! Definitions:
//!
//! - **Latency percentiles** use the nearest-rank method of the SDK's drift metrics:
//!   with the `n` durations sorted ascending, `p(q) = sorted[min(floor(n·q), n − 1)]`.
//!   Only events with a `duration_ms` count; session start/end records are left out.
//! - **Error rate** = errors (the core's one rule, [`crate::model::semantics::is_error`]:
//!   error types, custom `*error*` types, error details, failed statuses; never a run's or
//!   session's end record) ÷ all events, session records included, as a fraction from 0 to
//!   1 (0 for no events).
//! - **Tool calls** are `tool_call` and `tool_error` events. A call **failed** when it is an
//!   error by the same rule. Failure rate =
//!   failures ÷ calls. A call with no `tool_call.tool_name` is counted as `unknown`.
//! - **Timeline**: events grouped by the UTC minute of their time, counted by type;
//!   only minutes that have events are listed, oldest first. Events with no time are
//!   counted in [`SessionStats::untimed_events`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::cost::{ModelCost, PricingTable, session_cost};
use crate::model::semantics::{event_tokens, session_total};
use crate::model::{Event, EventType};

const NANOS_PER_MINUTE: i64 = 60_000_000_000;

/// Latency over a set of durations, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    /// How many durations.
    pub count: u64,
    /// The smallest.
    pub min_ms: f64,
    /// The largest.
    pub max_ms: f64,
    /// The arithmetic mean.
    pub mean_ms: f64,
    /// The median (nearest rank).
    pub p50_ms: f64,
    /// The 95th percentile (nearest rank).
    pub p95_ms: f64,
    /// The 99th percentile (nearest rank).
    pub p99_ms: f64,
}

/// The nearest-rank percentile of ascending `sorted`: `sorted[min(floor(n·q), n − 1)]`;
/// 0 for no values. `q` is clamped to 0–1.
///
/// ```
/// use agentlens::analysis::stats::percentile;
/// let v = [10.0, 20.0, 30.0, 40.0];
/// assert_eq!(percentile(&v, 0.5), 30.0);
/// assert_eq!(percentile(&v, 0.99), 40.0);
/// assert_eq!(percentile(&[], 0.5), 0.0);
/// ```
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
    let rank = (sorted.len() as f64 * q).floor() as usize;
    sorted[rank.min(last)]
}

impl Latency {
    /// The statistics of `durations` (any order; non-finite values are ignored).
    /// `None` when there are none.
    pub fn of(durations: &[f64]) -> Option<Self> {
        let mut sorted: Vec<f64> = durations
            .iter()
            .copied()
            .filter(|d| d.is_finite())
            .collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        Some(Self {
            count: n as u64,
            min_ms: sorted[0],
            max_ms: sorted[n - 1],
            mean_ms: sorted.iter().sum::<f64>() / n as f64,
            p50_ms: percentile(&sorted, 0.50),
            p95_ms: percentile(&sorted, 0.95),
            p99_ms: percentile(&sorted, 0.99),
        })
    }
}

/// Usage of one tool.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ToolStats {
    /// Calls (`tool_call` and `tool_error` events).
    pub calls: u64,
    /// Calls that failed.
    pub failures: u64,
    /// `failures / calls`.
    pub failure_rate: f64,
    /// Latency of the calls that report a duration (the event's, else the tool call's).
    pub latency: Option<Latency>,
}

/// The event types seen in one UTC minute.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MinuteBucket {
    /// The minute's start, `YYYY-MM-DDTHH:MM:00Z`.
    pub minute: String,
    /// Events in the minute.
    pub total: u64,
    /// Events by type name.
    pub by_type: BTreeMap<String, u64>,
}

/// Statistics of one session's events.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SessionStats {
    /// The first event's session id.
    pub session_id: String,
    /// All events, session records included.
    pub total_events: u64,
    /// Events by type name.
    pub events_by_type: BTreeMap<String, u64>,
    /// Latency of every event that reports a duration.
    pub latency: Option<Latency>,
    /// Latency by event type name.
    pub latency_by_type: BTreeMap<String, Latency>,
    /// Input tokens (session records excluded).
    pub tokens_in: u64,
    /// Output tokens (session records excluded).
    pub tokens_out: u64,
    /// Total cost in USD of the events whose model has a price.
    pub total_cost: f64,
    /// Tokens and cost by model (from [`super::cost::session_cost`]).
    pub models: BTreeMap<String, ModelCost>,
    /// Models with no price; their cost is not in `total_cost`.
    pub unmatched_models: Vec<String>,
    /// Some cached tokens were priced at the input rate.
    pub cached_price_assumed: bool,
    /// Tool calls.
    pub tool_calls: u64,
    /// Tool calls that failed.
    pub tool_failures: u64,
    /// `tool_failures / tool_calls` (0 without calls).
    pub tool_failure_rate: f64,
    /// By tool name.
    pub tools: BTreeMap<String, ToolStats>,
    /// Errors, by the core's one rule ([`crate::model::semantics::is_error`]).
    pub errors: u64,
    /// `errors / total_events` (0 without events).
    pub error_rate: f64,
    /// Event types per UTC minute, oldest first.
    pub timeline: Vec<MinuteBucket>,
    /// Events with no time (in no bucket).
    pub untimed_events: u64,
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn tool_failed(e: &Event) -> bool {
    crate::model::semantics::is_error(e)
}

/// The statistics of `events`, with costs from `table`.
pub fn session_stats(events: &[Event], table: &PricingTable) -> SessionStats {
    let cost = session_cost(events, table);
    let mut out = SessionStats {
        session_id: cost.session_id.clone(),
        total_events: events.len() as u64,
        tokens_in: cost.tokens_in,
        tokens_out: cost.tokens_out,
        total_cost: cost.total_cost,
        unmatched_models: cost.unmatched_models,
        cached_price_assumed: cost.cached_price_assumed,
        models: cost.model_costs,
        ..SessionStats::default()
    };
    let mut seen = Seen::default();
    for e in events {
        seen.count(&mut out, e);
    }
    seen.finish(&mut out);
    out
}

/// What [`session_stats`] gathers while it reads the events, before the rates and
/// latencies are worked out.
#[derive(Default)]
struct Seen {
    durations: Vec<f64>,
    durations_by_type: BTreeMap<String, Vec<f64>>,
    tool_durations: BTreeMap<String, Vec<f64>>,
    minutes: BTreeMap<i64, MinuteBucket>,
}

impl Seen {
    /// Counts one event: its type, whether it is an error, its duration, its tool call
    /// and its minute.
    fn count(&mut self, out: &mut SessionStats, e: &Event) {
        let name = e.event_type.as_str();
        *out.events_by_type.entry(name.to_owned()).or_default() += 1;
        if crate::model::semantics::is_error(e) {
            out.errors += 1;
        }
        let marker = matches!(
            e.event_type,
            EventType::SessionStart | EventType::SessionEnd
        );
        if let Some(d) = e.duration_ms.filter(|d| d.is_finite())
            && !marker
        {
            self.durations.push(d);
            self.durations_by_type
                .entry(name.to_owned())
                .or_default()
                .push(d);
        }
        if matches!(e.event_type, EventType::ToolCall | EventType::ToolError) {
            self.count_tool_call(out, e);
        }
        match e.time() {
            Some(t) => {
                let minute = t.0.div_euclid(NANOS_PER_MINUTE);
                let bucket = self.minutes.entry(minute).or_insert_with(|| MinuteBucket {
                    minute: format!("{}:00Z", &t.to_rfc3339()[..16]),
                    ..MinuteBucket::default()
                });
                bucket.total += 1;
                *bucket.by_type.entry(name.to_owned()).or_default() += 1;
            }
            None => out.untimed_events += 1,
        }
    }

    /// Counts a `tool_call` or `tool_error`: its tool's calls, failures and duration.
    fn count_tool_call(&mut self, out: &mut SessionStats, e: &Event) {
        let tool = e
            .tool_call
            .as_ref()
            .map(|t| t.tool_name.trim())
            .filter(|n| !n.is_empty())
            .unwrap_or("unknown");
        let stats = out.tools.entry(tool.to_owned()).or_default();
        stats.calls += 1;
        out.tool_calls += 1;
        if tool_failed(e) {
            stats.failures += 1;
            out.tool_failures += 1;
        }
        let d = e
            .duration_ms
            .or_else(|| e.tool_call.as_ref().and_then(|t| t.duration_ms));
        if let Some(d) = d {
            self.tool_durations
                .entry(tool.to_owned())
                .or_default()
                .push(d);
        }
    }

    /// The latencies, rates and timeline from what was counted.
    fn finish(self, out: &mut SessionStats) {
        out.latency = Latency::of(&self.durations);
        out.latency_by_type = self
            .durations_by_type
            .into_iter()
            .filter_map(|(k, v)| Latency::of(&v).map(|l| (k, l)))
            .collect();
        for (name, stats) in &mut out.tools {
            stats.failure_rate = ratio(stats.failures, stats.calls);
            stats.latency = self.tool_durations.get(name).and_then(|v| Latency::of(v));
        }
        out.tool_failure_rate = ratio(out.tool_failures, out.tool_calls);
        out.error_rate = ratio(out.errors, out.total_events);
        out.timeline = self.minutes.into_values().collect();
    }
}

/// The figures `POST /sessions/compare` shows for one session, over its whole trace (a
/// `session_start`, its events, a `session_end`; any of them may be missing).
///
/// - `event_count`, `event_types`, `llm_calls`, `tool_calls`, `tools`, `models` and
///   `avg_event_duration_ms` count the regular events (session records left out);
///   `tools` counts `tool_call.tool_name` and `models` the `model` of any event.
/// - `error_count` is the core's one rule ([`crate::model::semantics::is_error`]).
/// - Totals are the end's when it gave them (above zero), else the events' sums (the
///   collector's and the backend explanation's rule).
/// - `status` is [`SessionStatus::of_session`](crate::model::SessionStatus::of_session);
///   `duration_ms` runs from the start to the end, `None` until both are known.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CompareMetrics {
    /// The session.
    pub session_id: String,
    /// The start's agent name (`default-agent` without one).
    pub agent_name: String,
    /// `active`, `completed`, `timeout` or `error`.
    pub status: &'static str,
    /// Regular events.
    pub event_count: u64,
    /// Input tokens.
    pub total_tokens_in: u64,
    /// Output tokens.
    pub total_tokens_out: u64,
    /// Both.
    pub total_tokens: u64,
    /// From the start to the end, in milliseconds.
    pub duration_ms: Option<f64>,
    /// The mean `duration_ms` of the regular events that have one (0 without any).
    pub avg_event_duration_ms: f64,
    /// Errors.
    pub error_count: u64,
    /// `llm_call` events.
    pub llm_calls: u64,
    /// `tool_call` events.
    pub tool_calls: u64,
    /// Regular events by type name.
    pub event_types: BTreeMap<String, u64>,
    /// Events by tool name.
    pub tools: BTreeMap<String, u64>,
    /// Events by model.
    pub models: BTreeMap<String, u64>,
}

/// The [`CompareMetrics`] of one session's trace.
pub fn compare_metrics(events: &[Event]) -> CompareMetrics {
    use crate::model::SessionStatus;
    let start = events
        .iter()
        .find(|e| e.event_type == EventType::SessionStart);
    let end = events
        .iter()
        .rev()
        .find(|e| e.event_type == EventType::SessionEnd);
    let mut out = CompareMetrics {
        session_id: events
            .first()
            .map(|e| e.session_id.clone())
            .unwrap_or_default(),
        agent_name: start
            .and_then(|s| s.agent_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| crate::model::DEFAULT_AGENT_NAME.to_owned()),
        status: SessionStatus::of_session(events).as_str(),
        ..CompareMetrics::default()
    };
    let (mut sum_in, mut sum_out, mut durations) = (0u64, 0u64, Vec::new());
    for e in events {
        let bump = |m: &mut BTreeMap<String, u64>, k: &str| {
            if !k.is_empty() {
                *m.entry(k.to_owned()).or_default() += 1;
            }
        };
        if let Some(t) = &e.tool_call {
            bump(&mut out.tools, &t.tool_name);
        }
        if let Some(m) = &e.model {
            bump(&mut out.models, m);
        }
        if matches!(
            e.event_type,
            EventType::SessionStart | EventType::SessionEnd
        ) {
            continue;
        }
        out.event_count += 1;
        bump(&mut out.event_types, e.event_type.as_str());
        let [tin, tout] = event_tokens(e);
        sum_in = sum_in.saturating_add(tin);
        sum_out = sum_out.saturating_add(tout);
        durations.extend(e.duration_ms.filter(|d| d.is_finite()));
        out.error_count += u64::from(crate::model::semantics::is_error(e));
        out.llm_calls += u64::from(e.event_type == EventType::LlmCall);
        out.tool_calls += u64::from(e.event_type == EventType::ToolCall);
    }
    out.total_tokens_in = session_total(sum_in, end.and_then(|e| e.total_tokens_in));
    out.total_tokens_out = session_total(sum_out, end.and_then(|e| e.total_tokens_out));
    out.total_tokens = out.total_tokens_in.saturating_add(out.total_tokens_out);
    out.duration_ms = start
        .and_then(|s| s.timestamp)
        .zip(end.and_then(Event::time))
        .map(|(a, b)| ((b.0.saturating_sub(a.0)) as f64 / 1e6).max(0.0));
    if !durations.is_empty() {
        out.avg_event_duration_ms = durations.iter().sum::<f64>() / durations.len() as f64;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ErrorInfo, ToolCall};
    use crate::time::UnixNanos;

    const MIN: i64 = NANOS_PER_MINUTE;

    fn ev(t: EventType, at: i64, ms: Option<f64>) -> Event {
        let mut e = Event::new(t, "s9", UnixNanos(at));
        e.duration_ms = ms;
        e
    }

    fn tool(name: &str, t: EventType, ms: f64) -> Event {
        let mut e = ev(t, 0, Some(ms));
        e.tool_call = Some(Box::new(ToolCall {
            tool_name: name.into(),
            ..ToolCall::default()
        }));
        e
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 51.0);
        assert_eq!(percentile(&v, 0.95), 96.0);
        assert_eq!(percentile(&v, 0.99), 100.0);
        assert_eq!(percentile(&v, 2.0), 100.0);
        assert_eq!(percentile(&v, f64::NAN), 1.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
        let l = Latency::of(&[300.0, 100.0, 200.0, f64::NAN]).unwrap();
        assert_eq!(
            (l.count, l.min_ms, l.max_ms, l.mean_ms),
            (3, 100.0, 300.0, 200.0)
        );
        assert_eq!((l.p50_ms, l.p95_ms, l.p99_ms), (200.0, 300.0, 300.0));
        assert!(Latency::of(&[]).is_none());
    }

    #[test]
    fn extreme_timestamps_do_not_panic() {
        let mut events = Vec::new();
        for at in [i64::MIN, -1, 0, i64::MAX] {
            let mut e = ev(EventType::LlmCall, at, Some(f64::INFINITY));
            e.model = Some("gpt-4o".into());
            events.push(e);
        }
        let s = session_stats(&events, &PricingTable::default());
        assert_eq!(s.timeline.len(), 4);
        assert!(s.latency.is_none());
        let d = crate::analysis::cost::daily_costs(&events, &PricingTable::default());
        assert_eq!(d.days.iter().map(|d| d.calls).sum::<u64>(), 4);
    }

    #[test]
    fn empty_session_has_zero_rates_and_no_latency() {
        let s = session_stats(&[], &PricingTable::default());
        assert_eq!(s.total_events, 0);
        assert_eq!((s.error_rate, s.tool_failure_rate), (0.0, 0.0));
        assert!(s.latency.is_none() && s.timeline.is_empty());
    }

    #[test]
    fn counts_tools_errors_latency_and_timeline() {
        let mut llm = ev(EventType::LlmCall, 30 * MIN / 60, Some(400.0));
        llm.model = Some("gpt-4o".into());
        (llm.tokens_in, llm.tokens_out) = (Some(120), Some(45));
        let mut failed_call = tool("search", EventType::ToolCall, 50.0);
        failed_call.error = Some(Box::new(ErrorInfo::default()));
        let mut untimed = ev(EventType::Custom("validation_error".into()), 0, None);
        untimed.timestamp = None;
        let mut late = tool("calc", EventType::ToolCall, 10.0);
        late.timestamp = Some(UnixNanos(2 * MIN + 1));
        let events = [
            ev(EventType::SessionStart, 0, Some(9999.0)),
            llm,
            tool("search", EventType::ToolCall, 100.0),
            tool("search", EventType::ToolError, 200.0),
            failed_call,
            late,
            untimed,
            ev(EventType::AgentError, MIN, None),
        ];
        let s = session_stats(&events, &PricingTable::default());
        assert_eq!(s.session_id, "s9");
        assert_eq!(s.total_events, 8);
        assert_eq!(s.events_by_type["tool_call"], 3);
        // tool_error, the tool_call with error details, validation_error, agent_error:
        // the same rule counts the errors and the tool failures.
        assert_eq!((s.errors, s.error_rate), (4, 4.0 / 8.0));
        assert_eq!((s.tool_calls, s.tool_failures), (4, 2));
        assert_eq!(s.tool_failure_rate, 0.5);
        let search = &s.tools["search"];
        assert_eq!((search.calls, search.failures), (3, 2));
        assert_eq!(search.latency.as_ref().unwrap().p50_ms, 100.0);
        assert_eq!(s.tools["calc"].failure_rate, 0.0);
        let l = s.latency.unwrap();
        assert_eq!((l.count, l.max_ms), (5, 400.0));
        assert_eq!(s.latency_by_type["tool_call"].count, 3);
        assert_eq!(s.total_cost, 0.00075);
        assert_eq!(s.models["gpt-4o"].calls, 1);
        assert_eq!(s.untimed_events, 1);
        let minutes: Vec<_> = s
            .timeline
            .iter()
            .map(|b| (b.minute.as_str(), b.total))
            .collect();
        assert_eq!(
            minutes,
            [
                ("1970-01-01T00:00:00Z", 5),
                ("1970-01-01T00:01:00Z", 1),
                ("1970-01-01T00:02:00Z", 1)
            ]
        );
        assert_eq!(s.timeline[1].by_type["agent_error"], 1);
    }

    #[test]
    fn compare_metrics_count_regular_events_and_take_the_ends_totals() {
        let mut start = ev(EventType::SessionStart, 0, None);
        start.agent_name = Some("a".into());
        let mut llm = ev(EventType::LlmCall, MIN, Some(300.0));
        llm.model = Some("gpt-4o".into());
        (llm.tokens_in, llm.tokens_out) = (Some(10), Some(5));
        let failed = tool("search", EventType::ToolError, 100.0);
        let mut end = ev(EventType::SessionEnd, 2 * MIN, None);
        end.status = Some("completed".into());
        end.total_tokens_in = Some(40);
        end.total_tokens_out = Some(0);
        let m = compare_metrics(&[start, llm, failed, end]);
        assert_eq!((m.agent_name.as_str(), m.status), ("a", "completed"));
        assert_eq!(
            (m.event_count, m.error_count, m.llm_calls, m.tool_calls),
            (2, 1, 1, 0)
        );
        assert_eq!(
            (m.total_tokens_in, m.total_tokens_out, m.total_tokens),
            (40, 5, 45)
        );
        assert_eq!(m.duration_ms, Some(120_000.0));
        assert_eq!(m.avg_event_duration_ms, 200.0);
        assert_eq!(m.tools["search"], 1);
        assert_eq!(m.models["gpt-4o"], 1);
        assert!(!m.event_types.contains_key("session_start"));
        let open = compare_metrics(&[ev(EventType::LlmCall, 0, None)]);
        assert_eq!((open.status, open.duration_ms), ("active", None));
        assert_eq!(compare_metrics(&[]).event_count, 0);
    }
}
