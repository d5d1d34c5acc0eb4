use super::*;
use serde_json::json;
use std::collections::HashSet;

const MIN: f64 = 60_000.0;
const NOW: f64 = 1_800_000_000_000.0;

fn rule(metric: &str, op: &str, threshold: f64) -> MetricRule {
    MetricRule::from_value(&json!({
        "rule_id": format!("{metric}{op}"), "name": "r", "metric": metric, "operator": op,
        "threshold": threshold, "window_minutes": 10,
    }))
    .unwrap()
}

fn sample(min_ago: f64, session: &str, agent: &str) -> MetricSample {
    MetricSample {
        ts_ms: NOW - min_ago * MIN,
        session_id: session.into(),
        agent_name: Some(agent.into()),
        event_type: Some("llm_call".into()),
        ..Default::default()
    }
}

/// Two sessions inside a 10-minute window, one event before it, one after `NOW`.
fn samples() -> Vec<MetricSample> {
    let mut a = sample(1.0, "s1", "alpha");
    (a.tokens_in, a.tokens_out, a.duration_ms) = (100, 50, Some(200.0));
    let mut b = sample(2.0, "s1", "alpha");
    (b.tokens_in, b.duration_ms) = (30, Some(600.0));
    b.event_type = Some("tool_error".into());
    let mut c = sample(5.0, "s2", "beta");
    (c.tokens_out, c.is_error) = (20, Some(true));
    c.session_started_ms = Some(NOW - 60.0 * MIN); // started before the window
    let d = sample(3.0, "s2", "beta"); // no duration: left out of the duration metrics
    let mut old = sample(11.0, "s3", "alpha");
    (old.tokens_in, old.duration_ms, old.is_error) = (1_000, Some(9_000.0), Some(true));
    let mut future = sample(-1.0, "s4", "alpha");
    future.tokens_in = 5_000;
    vec![a, b, c, d, old, future]
}

fn value(metric: &str, filter: Option<&str>, s: &[MetricSample]) -> f64 {
    let mut r = rule(metric, ">", 0.0);
    r.agent_filter = filter.map(String::from);
    r.value(s, NOW)
}

#[test]
fn every_metric_over_the_window_alone() {
    let s = samples();
    assert_eq!(value("total_tokens", None, &s), 200.0);
    assert_eq!(value("avg_tokens_per_session", None, &s), 100.0);
    assert_eq!(
        value("error_rate", None, &s),
        50.0,
        "tool_error by type, s2's by flag"
    );
    assert_eq!(value("avg_duration_ms", None, &s), 400.0);
    assert_eq!(value("max_duration_ms", None, &s), 600.0);
    assert_eq!(
        value("session_count", None, &s),
        1.0,
        "s2 started an hour ago"
    );
    assert_eq!(value("event_count", None, &s), 4.0);
    assert_eq!(
        value("token_rate", None, &s),
        20.0,
        "200 tokens over 10 minutes"
    );
}

#[test]
fn the_agent_filter_keeps_its_agent_exactly() {
    let s = samples();
    assert_eq!(value("total_tokens", Some("alpha"), &s), 180.0);
    assert_eq!(value("event_count", Some("beta"), &s), 2.0);
    assert_eq!(value("error_rate", Some("beta"), &s), 50.0);
    assert_eq!(value("session_count", Some("beta"), &s), 0.0);
    assert_eq!(
        value("event_count", Some("Alpha"), &s),
        0.0,
        "names match exactly"
    );
}

#[test]
fn every_metric_of_an_empty_window_is_zero() {
    for m in Metric::ALL {
        assert_eq!(value(m.name(), None, &[]), 0.0, "{}", m.name());
        assert_eq!(
            value(m.name(), Some("nobody"), &samples()),
            0.0,
            "{}",
            m.name()
        );
    }
}

#[test]
fn window_bounds_are_inclusive() {
    let s = [sample(10.0, "a", "x"), sample(0.0, "b", "x")];
    assert_eq!(value("event_count", None, &s), 2.0);
    assert_eq!(value("session_count", None, &s), 2.0);
}

#[test]
fn error_flag_wins_over_the_type() {
    let mut s = sample(1.0, "s", "a");
    s.event_type = Some("error".into());
    s.is_error = Some(false);
    assert!(!s.is_error());
    s.is_error = None;
    assert!(s.is_error());
    s.event_type = Some("agent_error".into());
    assert!(s.is_error());
    s.event_type = None;
    assert!(!s.is_error());
}

#[test]
fn every_operator_fires_as_written() {
    let s = [sample(1.0, "s", "a"), sample(2.0, "s", "a")]; // event_count 2
    for (op, at, above, below) in [
        ("<", false, false, true),
        (">", false, true, false),
        ("<=", true, false, true),
        (">=", true, true, false),
        ("==", true, false, false),
        ("!=", false, true, true),
    ] {
        for (threshold, want) in [(2.0, at), (1.0, above), (3.0, below)] {
            let out = evaluate(
                &[rule("event_count", op, threshold)],
                &s,
                NOW,
                &BTreeMap::new(),
            )
            .unwrap();
            assert_eq!(out[0].triggered, want, "2 {op} {threshold}");
            let status = if want {
                MetricRuleStatus::Fired
            } else {
                MetricRuleStatus::Ok
            };
            assert_eq!(out[0].status, status);
        }
    }
}

#[test]
fn cooldown_runs_on_the_given_times() {
    let r = rule("event_count", ">=", 0.0); // cooldown 15 minutes by default
    assert_eq!(r.cooldown_minutes, 15);
    let status = |last: f64| {
        let last = BTreeMap::from([(r.rule_id.clone(), last)]);
        evaluate(std::slice::from_ref(&r), &[], NOW, &last).unwrap()[0].status
    };
    assert_eq!(status(NOW - 14.0 * MIN), MetricRuleStatus::Cooldown);
    assert_eq!(
        status(NOW - 15.0 * MIN),
        MetricRuleStatus::Fired,
        "over once the cooldown has passed"
    );
    assert_eq!(status(NOW - 60.0 * MIN), MetricRuleStatus::Fired);
    let other = BTreeMap::from([("another".to_string(), NOW)]);
    assert_eq!(
        evaluate(std::slice::from_ref(&r), &[], NOW, &other).unwrap()[0].status,
        MetricRuleStatus::Fired
    );
    let mut zero = r.clone();
    zero.cooldown_minutes = 0;
    let last = BTreeMap::from([(r.rule_id.clone(), NOW)]);
    assert_eq!(
        evaluate(&[zero], &[], NOW, &last).unwrap()[0].status,
        MetricRuleStatus::Fired,
        "a zero cooldown fires every time"
    );
}

#[test]
fn cooldown_applies_only_to_a_triggered_rule() {
    let r = rule("event_count", ">", 5.0);
    let last = BTreeMap::from([(r.rule_id.clone(), NOW)]);
    assert_eq!(
        evaluate(&[r], &[], NOW, &last).unwrap()[0].status,
        MetricRuleStatus::Ok
    );
}

#[test]
fn a_rule_without_id_is_keyed_by_name() {
    let r = MetricRule::from_value(
        &json!({"name": "n", "metric": "event_count", "operator": ">=", "threshold": 0}),
    )
    .unwrap();
    assert_eq!(r.key(), "n");
    let last = BTreeMap::from([("n".to_string(), NOW)]);
    assert_eq!(
        evaluate(&[r], &[], NOW, &last).unwrap()[0].status,
        MetricRuleStatus::Cooldown
    );
}

#[test]
fn disabled_rules_are_left_out_and_order_is_kept() {
    let mut off = rule("event_count", ">=", 0.0);
    off.enabled = false;
    let rules = [
        rule("total_tokens", ">", 0.0),
        off,
        rule("error_rate", ">", 0.0),
    ];
    let out = evaluate(&rules, &samples(), NOW, &BTreeMap::new()).unwrap();
    let ids: Vec<_> = out.iter().map(|r| r.rule_id.as_str()).collect();
    assert_eq!(ids, ["total_tokens>", "error_rate>"]);
}

#[test]
fn the_reported_value_is_rounded_and_the_compared_one_is_not() {
    let mut s = samples();
    s.truncate(3); // errors: 2 of 3
    let out = evaluate(&[rule("error_rate", "<", 66.67)], &s, NOW, &BTreeMap::new()).unwrap();
    assert_eq!(out[0].current_value, 66.67);
    assert!((out[0].value - 200.0 / 3.0).abs() < 1e-12);
    assert!(out[0].triggered, "66.666… < 66.67");
}

#[test]
fn minutes_are_defaulted_cut_and_clamped() {
    let with = |w: Value, c: Value| {
        let r = MetricRule::from_value(&json!({
            "name": "r", "metric": "event_count", "operator": ">", "threshold": 1,
            "window_minutes": w, "cooldown_minutes": c,
        }))
        .unwrap();
        (r.window_minutes, r.cooldown_minutes)
    };
    assert_eq!(with(json!(null), json!(null)), (60, 15));
    assert_eq!(with(json!(0), json!(0)), (1, 0));
    assert_eq!(with(json!(-5), json!(-5)), (1, 0));
    assert_eq!(with(json!(30.9), json!(2.5)), (30, 2));
    assert_eq!(with(json!(10_081), json!(1e12)), (10_080, 10_080));
    let r = MetricRule::from_value(
        &json!({"name": "r", "metric": "event_count", "operator": ">", "threshold": 1}),
    )
    .unwrap();
    assert_eq!(
        (
            r.window_minutes,
            r.cooldown_minutes,
            r.enabled,
            r.agent_filter
        ),
        (60, 15, true, None)
    );
}

fn refused(v: Value) -> AlertError {
    let mut base = json!({"name": "r", "metric": "event_count", "operator": ">", "threshold": 1});
    if let (Some(b), Some(o)) = (base.as_object_mut(), v.as_object()) {
        for (k, v) in o {
            b.insert(k.clone(), v.clone());
        }
    } else {
        base = v;
    }
    MetricRule::from_value(&base).unwrap_err()
}

#[test]
fn bad_fields_are_errors_naming_field_and_value() {
    let cases = [
        (json!({"metric": "latency"}), "metric", "\"latency\""),
        (json!({"operator": "=>"}), "operator", "\"=>\""),
        (json!({"operator": 3}), "operator", "3"),
        (json!({"name": "  "}), "name", "\"  \""),
        (json!({"name": null}), "name", "null"),
        (json!({"threshold": "5"}), "threshold", "\"5\""),
        (json!({"threshold": null}), "threshold", "null"),
        (json!({"window_minutes": "60"}), "window_minutes", "\"60\""),
        (
            json!({"cooldown_minutes": true}),
            "cooldown_minutes",
            "true",
        ),
        (json!({"agent_filter": 7}), "agent_filter", "7"),
        (
            json!({"agent_filter": "x".repeat(257)}),
            "agent_filter",
            "\"xxxx",
        ),
        (json!({"enabled": "yes"}), "enabled", "\"yes\""),
        (json!({"rule_id": 1}), "rule_id", "1"),
        (json!([1]), "rule", "an array"),
    ];
    for (v, field, got) in cases {
        let e = refused(v);
        let AlertError::InvalidField {
            field: f,
            requirement,
            ..
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!(*f, field);
        assert!(
            !requirement.contains(got.trim_matches('"')) || field == "rule",
            "{requirement}"
        );
        assert!(e.to_string().contains(got), "{e} names {got}");
    }
    let e = refused(json!({"metric": "latency"}));
    assert!(
        e.to_string()
            .contains("total_tokens, avg_tokens_per_session"),
        "{e}"
    );
}

#[test]
fn names_are_trimmed_and_cut_and_an_empty_filter_is_none() {
    let r = MetricRule::from_value(&json!({
        "name": format!("  {}  ", "é".repeat(200)), "metric": "event_count", "operator": ">",
        "threshold": 1, "agent_filter": "", "enabled": false, "extra": [1, 2],
    }))
    .unwrap();
    assert_eq!(r.name.chars().count(), MAX_NAME_CHARS);
    assert_eq!((r.agent_filter, r.enabled), (None, false));
}

#[test]
fn rules_round_trip_through_serde_and_validate_on_the_way_in() {
    let r = rule("token_rate", "!=", 2.5);
    let text = serde_json::to_string(&r).unwrap();
    assert!(
        text.contains("\"metric\":\"token_rate\"") && text.contains("\"operator\":\"!=\""),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<MetricRule>(&text).unwrap(), r);
    let bad = serde_json::from_str::<MetricRule>(
        r#"{"name":"r","metric":"nope","operator":">","threshold":1}"#,
    );
    assert!(bad.unwrap_err().to_string().contains("\"nope\""));
}

#[test]
fn a_time_that_is_not_finite_is_refused() {
    let r = [rule("event_count", ">", 0.0)];
    assert!(evaluate(&r, &[], f64::NAN, &BTreeMap::new()).is_err());
    let last = BTreeMap::from([("x".to_string(), f64::INFINITY)]);
    assert!(evaluate(&r, &[], NOW, &last).is_err());
}

#[test]
fn the_catalog_names_every_metric_once_with_a_description() {
    let names: HashSet<_> = Metric::ALL.iter().map(|m| m.name()).collect();
    assert_eq!(names.len(), 8);
    for m in Metric::ALL {
        assert_eq!(Metric::from_name(m.name()), Some(m));
        assert!(!m.description().is_empty());
        assert_eq!(serde_json::to_value(m).unwrap(), json!(m.name()));
    }
    assert_eq!(Metric::from_name("Total_Tokens"), None);
}

#[test]
fn samples_read_from_the_collector_columns() {
    let s: MetricSample = serde_json::from_value(json!({
        "ts_ms": 5.0, "session_id": "s", "agent_name": "a", "is_error": true, "tokens_in": 3,
        "tokens_out": 4, "duration_ms": null,
    }))
    .unwrap();
    assert_eq!((s.tokens(), s.is_error(), s.duration_ms), (7.0, true, None));
}

#[test]
fn rules_sharing_a_window_get_the_values_each_would_alone() {
    let s = samples();
    let mut rules = Vec::new();
    for (window, filter) in [(10, None), (10, Some("beta")), (60, None), (10, None)] {
        for m in Metric::ALL {
            let mut r = rule(m.name(), ">", 0.0);
            (r.window_minutes, r.agent_filter) = (window, filter.map(String::from));
            rules.push(r);
        }
    }
    let out = evaluate(&rules, &s, NOW, &BTreeMap::new()).unwrap();
    for (r, got) in rules.iter().zip(&out) {
        assert_eq!(
            got.value,
            r.value(&s, NOW),
            "{} {:?}",
            r.name,
            r.agent_filter
        );
    }
    assert_eq!(out[8 + 6].value, 2.0, "beta's events in 10 minutes");
    assert_eq!(out[16].value, 1200.0, "60 minutes reach the older event");
}
