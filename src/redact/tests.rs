use super::*;
use serde_json::json;

fn redactor() -> Redactor {
    Redactor::new(Config::default()).unwrap()
}

#[test]
fn sensitive_keys_are_replaced_whatever_the_value_type() {
    let mut v = json!({"password": {"nested": 1}, "token": null, "keep": [1, "a"]});
    let mut report = Report::default();
    redactor().redact_value(&mut v, &mut report);
    assert_eq!(
        v,
        json!({"password": MARKER, "token": MARKER, "keep": [1, "a"]})
    );
    assert_eq!(report.keys_redacted, 2);
}

#[test]
fn keys_that_match_a_pattern_are_redacted_in_order_without_losing_entries() {
    let mut v = json!({"a@x.io": 1, "mid": 2, "b@y.io": 3, "[REDACTED] (2)": 4});
    let mut report = Report::default();
    redactor().redact_value(&mut v, &mut report);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["[REDACTED]", "mid", "[REDACTED] (2)", "[REDACTED] (2) (2)"]
    );
    assert_eq!(report.by_pattern.get("email"), Some(&2));
}

#[test]
fn a_custom_marker_is_used_everywhere() {
    let config = Config {
        marker: "***".into(),
        ..Config::default()
    };
    let r = Redactor::new(config).unwrap();
    let mut v = json!({"secret": 1, "s": "ssn 123-45-6789"});
    r.redact_value(&mut v, &mut Report::default());
    assert_eq!(v, json!({"secret": "***", "s": "ssn ***"}));
}

#[test]
fn empty_keys_and_tiny_budgets_are_invalid_config() {
    let err = Redactor::new(Config::default().with_keys(["_"])).unwrap_err();
    assert!(matches!(
        err,
        RedactError::InvalidConfig { option: "keys", .. }
    ));
    let config = Config {
        max_field_bytes: 1,
        ..Config::default()
    };
    let err = Redactor::new(config).unwrap_err();
    assert!(matches!(
        err,
        RedactError::InvalidConfig {
            option: "max_field_bytes",
            ..
        }
    ));
}

#[test]
fn no_patterns_and_no_keys_leave_values_untouched() {
    let config = Config::default()
        .replace_keys(Vec::<String>::new())
        .replace_patterns(vec![]);
    let r = Redactor::new(config).unwrap();
    let mut v = json!({"password": "ssn 123-45-6789"});
    let before = v.clone();
    let mut report = Report::default();
    r.redact_value(&mut v, &mut report);
    assert_eq!(v, before);
    assert!(report.is_empty());
}

#[test]
fn reports_merge_by_adding_counts() {
    let mut a = Report {
        keys_redacted: 1,
        by_pattern: BTreeMap::from([("ssn".to_owned(), 2)]),
        ..Report::default()
    };
    let b = Report {
        matches_redacted: 3,
        by_pattern: BTreeMap::from([("ssn".to_owned(), 1), ("jwt".to_owned(), 1)]),
        bytes_removed: 9,
        ..Report::default()
    };
    a.merge(&b);
    assert_eq!(
        a.by_pattern,
        BTreeMap::from([("jwt".into(), 1), ("ssn".into(), 3)])
    );
    assert_eq!(
        (a.keys_redacted, a.matches_redacted, a.bytes_removed),
        (1, 3, 9)
    );
    assert!(!a.is_empty());
    assert!(Report::default().is_empty());
}

#[test]
fn debug_output_names_rules_but_shows_no_pattern_text() {
    let config = Config::default().with_patterns(vec![PatternRule::new("mine", "hunter2")]);
    let text = format!("{:?}", Redactor::new(config).unwrap());
    assert!(text.contains("mine"));
    assert!(!text.contains("hunter2"));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let mut v = json!("ssn 123-45-6789");
    for _ in 0..50_000 {
        v = Value::Array(vec![v]);
    }
    redactor().redact_value(&mut v, &mut Report::default());
    assert!(json_size(&v) > 50_000);
    // Dismantle iteratively: serde_json's own Drop is recursive.
    let mut cur = v;
    while let Value::Array(mut items) = cur {
        cur = items.pop().unwrap_or(Value::Null);
    }
    assert_eq!(cur, json!("ssn [REDACTED]"));
}
