//! Drift engine: the seed's `sdk/tests/test_drift.py` (reference D.2) ported, the shared
//! fixtures `tests/fixtures/analysis/drift_*.json` (expectations computed by a Python
//! restatement of the seed's `drift.py`/`_metrics.py`), and property tests.

use agentlens::analysis::compliance::SessionView;
use agentlens::analysis::drift::{
    DEFAULT_DRIFT_THRESHOLD, DriftDetector, DriftDirection, DriftError, DriftStatus, METRIC_NAMES,
    SessionMetrics, cohens_d, mean, population_std,
};
use agentlens::model::{Event, EventType, ToolCall};
use agentlens::time::UnixNanos;
use proptest::prelude::*;
use serde_json::Value;

/// The seed's `_make_session`: `count` events, the first `floor(count·error_rate)` of type
/// `error`, the rest `llm_call`; durations `latency + 5i`; `tokens` in and out each; a
/// tool call per name in `tools`.
fn make(count: usize, latency: f64, error_rate: f64, tokens: u64, tools: &[&str]) -> SessionView {
    let errors = (count as f64 * error_rate) as usize;
    let events: Vec<Event> = (0..count)
        .map(|i| {
            let t = if i < errors {
                EventType::Error
            } else {
                EventType::LlmCall
            };
            let mut e = Event::new(t, "s", UnixNanos(0));
            e.duration_ms = Some(latency + i as f64 * 5.0);
            e.tokens_in = Some(tokens);
            e.tokens_out = Some(tokens);
            if let Some(name) = tools.get(i) {
                e.tool_call = Some(Box::new(ToolCall {
                    tool_name: (*name).into(),
                    ..ToolCall::default()
                }));
            }
            e
        })
        .collect();
    SessionView::from_owned(events)
}

fn stable(n: usize) -> Vec<SessionView> {
    (0..n).map(|_| make(5, 100.0, 0.0, 50, &[])).collect()
}

fn degraded(n: usize) -> Vec<SessionView> {
    (0..n).map(|_| make(10, 500.0, 0.3, 200, &[])).collect()
}

fn compare(b: &[SessionView], c: &[SessionView]) -> agentlens::analysis::drift::DriftReport {
    DriftDetector::compare(b, c, DEFAULT_DRIFT_THRESHOLD).unwrap()
}

// ── Statistics (TestStatHelpers) ───────────────────────────────────────────────

#[test]
fn mean_and_population_std() {
    assert_eq!(mean(&[1.0, 2.0, 3.0, 4.0, 5.0]), 3.0);
    assert_eq!(mean(&[]), 0.0);
    assert_eq!(mean(&[42.0]), 42.0);
    assert_eq!(population_std(&[5.0, 5.0, 5.0]), 0.0);
    assert!(
        (population_std(&[0.0, 10.0]) - 5.0).abs() < 1e-10,
        "population, not sample"
    );
    assert_eq!(population_std(&[7.0]), 0.0);
}

#[test]
fn cohens_d_cases() {
    assert!(cohens_d(50.0, 10.0, 10, 50.0, 10.0, 10).abs() < 1e-10);
    let d = cohens_d(50.0, 10.0, 10, 70.0, 10.0, 10);
    assert!(d > 0.0 && (d - 2.0).abs() < 0.1, "{d}");
    assert!(cohens_d(70.0, 10.0, 10, 50.0, 10.0, 10) < 0.0, "signed");
    assert_eq!(cohens_d(5.0, 0.0, 5, 5.0, 0.0, 5), 0.0);
    // Zero pooled deviation, different means: min(|Δ|/max(|m1|,|m2|)·5, 10), unsigned.
    let d = cohens_d(5.0, 0.0, 5, 10.0, 0.0, 5);
    assert!(d > 1.0);
    assert!((d - 2.5).abs() < 1e-12, "{d}");
    assert_eq!(cohens_d(10.0, 0.0, 5, 5.0, 0.0, 5), 2.5);
    assert_eq!(cohens_d(1.0, 0.0, 5, 1000.0, 0.0, 5), 4.995);
    assert_eq!(cohens_d(-5.0, 0.0, 5, 5.0, 0.0, 5), 10.0, "capped at 10");
    assert_eq!(cohens_d(0.0, 0.0, 5, 1e-12, 0.0, 5), 0.005);
    assert_eq!(cohens_d(1.0, 0.0, 1, 2.0, 0.0, 1), 0.0, "too few");
}

// ── Metric extraction ──────────────────────────────────────────────────────────

#[test]
fn metric_extraction() {
    let m = SessionMetrics::of(&make(5, 100.0, 0.0, 50, &[]));
    assert_eq!(m.event_count, 5.0);
    assert_eq!(m.avg_latency_ms, 110.0);
    assert_eq!(m.p95_latency_ms, 120.0);
    assert_eq!(m.total_tokens, 500.0);
    assert_eq!(m.tokens_per_event, 100.0);
    assert_eq!(m.error_rate, 0.0);
    let m = SessionMetrics::of(&make(10, 100.0, 0.3, 50, &[]));
    assert!((m.error_rate - 0.3).abs() < 1e-10);
    assert_eq!(
        SessionMetrics::of(&SessionView::from_events(&[])),
        SessionMetrics::default()
    );
    let m = SessionMetrics::of(&make(4, 100.0, 0.0, 50, &["search", "calculate"]));
    assert_eq!(m.tool_call_rate, 0.5);
}

#[test]
fn error_and_tool_rates_read_event_types() {
    let mut events = Vec::new();
    for t in ["tool_error", "tool_call", "agent_error", "llm_call"] {
        events.push(Event::new(EventType::parse(t), "s", UnixNanos(0)));
    }
    let m = SessionMetrics::of(&SessionView::from_owned(events));
    assert_eq!(m.error_rate, 0.5, "tool_error and agent_error");
    assert_eq!(
        m.tool_call_rate, 0.5,
        "\"tool\" in the type counts without a tool_call"
    );
    assert_eq!(m.tool_failure_rate, 0.5);
}

#[test]
fn p95_is_nearest_rank_without_interpolation() {
    let events: Vec<Event> = (1..=20)
        .map(|i| {
            let mut e = Event::new(EventType::LlmCall, "s", UnixNanos(0));
            e.duration_ms = Some(f64::from(i));
            e
        })
        .collect();
    // sorted[min(int(20·0.95), 19)] = sorted[19] = 20
    assert_eq!(
        SessionMetrics::of(&SessionView::from_owned(events)).p95_latency_ms,
        20.0
    );
}

// ── Detector ───────────────────────────────────────────────────────────────────

#[test]
fn stable_behavior_is_stable() {
    let r = compare(&stable(10), &stable(10));
    assert_eq!(r.status, DriftStatus::Stable);
    assert!(r.drift_score < 15);
    assert!(r.drifting_metrics.is_empty());
    assert!(r.summary.to_lowercase().contains("consistent"));
}

#[test]
fn degraded_behavior_is_flagged() {
    let r = compare(&stable(10), &degraded(10));
    assert!(matches!(
        r.status,
        DriftStatus::SignificantDrift | DriftStatus::Degraded
    ));
    assert!(r.drift_score > 20);
    assert!(!r.drifting_metrics.is_empty());
    let s = r.summary.to_lowercase();
    assert!(["drift", "degrad", "increas"].iter().any(|w| s.contains(w)));
}

#[test]
fn improved_behavior_is_not_degraded() {
    let r = compare(&degraded(10), &stable(10));
    assert_ne!(r.status, DriftStatus::Degraded);
    assert!(r.drift_score > 0);
}

#[test]
fn empty_windows_are_errors_with_the_seed_messages() {
    let mut det = DriftDetector::default();
    det.add_current(&make(5, 100.0, 0.0, 50, &[]));
    let err = det.detect().unwrap_err();
    assert_eq!(err, DriftError::EmptyBaseline);
    assert_eq!(
        err.to_string(),
        "Baseline window is empty — add sessions with add_baseline()"
    );
    let mut det = DriftDetector::default();
    det.add_baseline(&make(5, 100.0, 0.0, 50, &[]));
    let err = det.detect().unwrap_err();
    assert_eq!(
        err.to_string(),
        "Current window is empty — add sessions with add_current()"
    );
    assert_eq!(
        DriftDetector::compare(&[], &stable(1), 0.5).unwrap_err(),
        DriftError::EmptyBaseline
    );
}

#[test]
fn add_detect_counts_and_clear() {
    let mut det = DriftDetector::new(0.5).unwrap();
    stable(5).iter().for_each(|s| det.add_baseline(s));
    stable(5).iter().for_each(|s| det.add_current(s));
    let r = det.detect().unwrap();
    assert_eq!((r.baseline_sessions, r.current_sessions), (5, 5));
    det.clear();
    assert_eq!((det.baseline_count(), det.current_count()), (0, 0));
    det.add_baseline(&stable(1)[0]);
    det.add_baseline(&stable(1)[0]);
    det.add_current(&stable(1)[0]);
    assert_eq!((det.baseline_count(), det.current_count()), (2, 1));
}

#[test]
fn thresholds() {
    let (b, c) = (stable(10), degraded(10));
    let strict = DriftDetector::compare(&b, &c, 0.5).unwrap();
    let lenient = DriftDetector::compare(&b, &c, 2.0).unwrap();
    assert!(strict.drifting_metrics.len() >= lenient.drifting_metrics.len());
    for bad in [0.0, -1.0, f64::NAN] {
        let err = DriftDetector::new(bad).unwrap_err();
        assert!(err.to_string().contains("positive"));
    }
}

#[test]
fn one_session_per_window_works() {
    let r = compare(
        &[make(5, 100.0, 0.0, 50, &[])],
        &[make(5, 100.0, 0.0, 50, &[])],
    );
    assert_eq!(r.status, DriftStatus::Stable);
}

// ── Tool drift ─────────────────────────────────────────────────────────────────

#[test]
fn new_dropped_and_unchanged_tools() {
    let r = compare(
        &[make(3, 100.0, 0.0, 50, &["search"])],
        &[make(3, 100.0, 0.0, 50, &["calculate"])],
    );
    assert!(
        r.tool_drifts
            .iter()
            .any(|t| t.is_new && t.tool_name == "calculate")
    );
    assert!(
        r.tool_drifts
            .iter()
            .any(|t| t.is_dropped && t.tool_name == "search")
    );
    assert!(r.format_report().contains("Tool Usage"));
    let r = compare(
        &[make(3, 100.0, 0.0, 50, &["search"])],
        &[make(3, 100.0, 0.0, 50, &[])],
    );
    assert!(
        r.tool_drifts
            .iter()
            .any(|t| t.is_dropped && t.tool_name == "search")
    );
    let same = [make(3, 100.0, 0.0, 50, &["search"])];
    let r = compare(&same, &same);
    for t in &r.tool_drifts {
        assert!(!t.is_new && !t.is_dropped && t.change.abs() < 1e-10);
    }
}

// ── Report ─────────────────────────────────────────────────────────────────────

#[test]
fn report_text_and_json() {
    let r = compare(&stable(5), &degraded(5));
    let text = r.format_report();
    assert!(text.contains("Drift") && text.contains("Score"));
    assert!(text.contains(&format!("{}/100", r.drift_score)));
    let v: Value = serde_json::from_str(&compare(&stable(3), &stable(3)).to_json()).unwrap();
    assert_eq!(v["status"], "stable");
    assert!(v["drift_score"].is_u64());
    assert!(v["metric_drifts"].is_array() && v["tool_drifts"].is_array());
    assert_eq!(v["metric_drifts"].as_array().unwrap().len(), 8);
    let names: Vec<&str> = v["metric_drifts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, METRIC_NAMES);
}

#[test]
fn edge_cases() {
    let empty: Vec<SessionView> = (0..3).map(|_| SessionView::from_events(&[])).collect();
    let r = compare(&empty, &empty);
    assert_eq!((r.status, r.drift_score), (DriftStatus::Stable, 0));
    let mixed = [make(5, 100.0, 0.0, 50, &[]), SessionView::from_events(&[])];
    let _ = compare(&mixed, &mixed);
    let ones: Vec<SessionView> = (0..5).map(|_| make(1, 100.0, 0.0, 50, &[])).collect();
    assert!(compare(&ones, &ones).drift_score < 15);
    let r = compare(
        &[make(1, 1.0, 0.0, 50, &[])],
        &[make(100, 10_000.0, 1.0, 10_000, &[])],
    );
    assert!(r.drift_score <= 100);
    let r = compare(&stable(10), &stable(10));
    for m in &r.metric_drifts {
        if m.effect_size.abs() < 0.2 {
            assert_eq!(m.direction, DriftDirection::Stable);
        }
    }
}

// ── Shared fixtures ────────────────────────────────────────────────────────────

fn windows(v: &Value) -> Vec<SessionView> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| SessionView::from_owned(serde_json::from_value(s.clone()).unwrap()))
        .collect()
}

/// Floats in the fixtures are the seed's `round(x, 4)`; ours are compared after the same
/// rounding, within 1e-9.
fn assert_close(got: &Value, want: &Value, at: &str) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!((g - w).abs() < 1e-9, "{at}: got {g}, want {w}");
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{at}: length");
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                assert_close(g, w, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            for (k, w) in w {
                assert_close(&g[k], w, &format!("{at}.{k}"));
            }
        }
        _ => assert_eq!(got, want, "{at}"),
    }
}

#[test]
fn every_drift_fixture_gives_the_seeds_report() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("drift_") && name.ends_with(".json")) {
            continue;
        }
        let case: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert!(
            case["about"].is_string(),
            "{name} must say where it came from"
        );
        let report = DriftDetector::compare(
            &windows(&case["baseline"]),
            &windows(&case["current"]),
            case["threshold"].as_f64().unwrap(),
        )
        .unwrap();
        let got = serde_json::to_value(&report).unwrap();
        assert_close(&got, &case["expected"], &name);
        seen += 1;
    }
    assert!(seen >= 5, "found {seen}");
}

#[test]
fn format_report_layout() {
    let r = compare(
        &[make(3, 100.0, 0.0, 50, &["search", "search"])],
        &[make(3, 100.0, 0.0, 50, &["calculate", "search"])],
    );
    let text = r.format_report();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "=".repeat(60));
    assert_eq!(lines[1], "  Behavioral Drift Report");
    assert!(
        text.contains(
            "  Metric                   Baseline    Current   Change   Effect     Status"
        )
    );
    assert!(text.contains(&format!(
        "  {} {} {} {} {} {}",
        "─".repeat(22),
        "─".repeat(10),
        "─".repeat(10),
        "─".repeat(8),
        "─".repeat(8),
        "─".repeat(10)
    )));
    assert!(
        text.contains("  avg_latency_ms             105.00     105.00   +0.0%     0.00     stable"),
        "{text}"
    );
    assert!(
        text.contains("  + calculate (NEW — 33.3% of events)"),
        "{text}"
    );
    assert!(
        text.contains("  ~ search: 66.7% → 33.3% (-33.3%)"),
        "{text}"
    );
    assert_eq!(*lines.last().unwrap(), "=".repeat(60));
}

// ── Properties ─────────────────────────────────────────────────────────────────

fn arb_session() -> impl Strategy<Value = SessionView> {
    prop::collection::vec(
        (
            prop::sample::select(vec![
                "llm_call",
                "tool_call",
                "tool_error",
                "error",
                "generic",
                "decision",
            ]),
            prop::option::of(0.0f64..1e7),
            0u64..100_000,
            prop::option::of(prop::sample::select(vec!["search", "shell", "calc"])),
        ),
        0..12,
    )
    .prop_map(|events| {
        SessionView::from_owned(
            events
                .into_iter()
                .map(|(t, d, tokens, tool)| {
                    let mut e = Event::new(EventType::parse(t), "s", UnixNanos(0));
                    e.duration_ms = d;
                    e.tokens_in = Some(tokens);
                    e.tool_call = tool
                        .map(|name| ToolCall {
                            tool_name: name.into(),
                            ..ToolCall::default()
                        })
                        .map(Box::new);
                    e
                })
                .collect(),
        )
    })
}

proptest! {
    #[test]
    fn drift_of_a_window_against_itself_is_zero_and_stable(
        window in prop::collection::vec(arb_session(), 1..8),
        threshold in 0.01f64..5.0,
    ) {
        let r = DriftDetector::compare(&window, &window, threshold).unwrap();
        prop_assert_eq!(r.drift_score, 0);
        prop_assert_eq!(r.status, DriftStatus::Stable);
        prop_assert!(r.drifting_metrics.is_empty());
        for m in &r.metric_drifts {
            prop_assert_eq!(m.effect_size, 0.0);
            prop_assert_eq!(m.relative_change, 0.0);
            prop_assert_eq!(m.direction, DriftDirection::Stable);
        }
        for t in &r.tool_drifts {
            prop_assert!(!t.is_new && !t.is_dropped && t.change == 0.0);
        }
    }

    #[test]
    fn drift_score_stays_within_0_and_100(
        b in prop::collection::vec(arb_session(), 1..6),
        c in prop::collection::vec(arb_session(), 1..6),
    ) {
        let r = DriftDetector::compare(&b, &c, 0.5).unwrap();
        prop_assert!(r.drift_score <= 100);
        let _ = r.format_report();
        let _ = r.to_json();
    }
}
