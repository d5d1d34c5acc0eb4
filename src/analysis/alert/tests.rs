use super::*;
use crate::model::{Event, EventType};
use crate::time::UnixNanos;
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
    eng.add(rule(
        json!({"type": "rate", "event_type": "error", "window_seconds": 300, "threshold_count": 3}),
    ))
    .unwrap();
    assert_eq!(
        eng.evaluate(&events).len(),
        1,
        "4 errors in the last 300 s (600..900)"
    );
    eng.add(rule(
        json!({"type": "rate", "event_type": "error", "window_seconds": 300, "threshold_count": 4}),
    ))
    .unwrap();
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
