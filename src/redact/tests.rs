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

/// The reference: whether `key` is sensitive by the rule as `DEFAULT_KEYS` states it,
/// among `configured` keys, on allocated normalised keys.
fn sensitive_by_the_rule(configured: &[&str], key: &str) -> bool {
    let mut norm = String::new();
    rules::normalise_key_into(key, &mut norm);
    configured.iter().any(|k| {
        let mut k_norm = String::new();
        rules::normalise_key_into(k, &mut k_norm);
        norm == k_norm || (k_norm.len() >= rules::SUFFIX_MIN_LEN && norm.ends_with(&k_norm))
    })
}

#[test]
fn a_key_is_sensitive_by_its_normalised_form_at_any_length() {
    let reference = |key: &str| sensitive_by_the_rule(DEFAULT_KEYS, key);
    let long = "x".repeat(200);
    let keys = [
        "password".to_owned(),
        "OpenAI-API-Key".to_owned(),
        "max_tokens".to_owned(),
        "token".to_owned(),
        "my_token".to_owned(),
        format!("{long}_api_key"),
        format!("{long}-Password"),
        format!("{long}_token"),
        format!("{}password", "é".repeat(40)),
        "пароль_secret".to_owned(),
        "__--..  ".to_owned(),
        format!("{}{long}", "-".repeat(70)),
        format!("{}Pass-word", "_".repeat(63)),
        "x".repeat(63) + "token",
    ];
    let r = redactor();
    for key in &keys {
        assert_eq!(r.is_sensitive_key(key), reference(key), "{key}");
    }
    assert!(r.is_sensitive_key(&format!("{long}_api_key")));
    assert!(r.is_sensitive_key(&format!("{}Pass-word", "_".repeat(63))));
    assert!(!r.is_sensitive_key(&("x".repeat(63) + "token")));
}

/// The key check's filters (by length and last byte) answer as the rule does, for
/// configured keys ending in any byte, non-ASCII and longer than the stack buffer.
#[test]
fn configured_keys_match_by_the_rule_whatever_their_length_and_last_byte() {
    let mut configured: Vec<String> = DEFAULT_KEYS.iter().map(|k| k.to_string()).collect();
    configured.extend([
        "clé_secrète".into(),
        "Z".into(),
        format!("{}k", "y".repeat(70)),
    ]);
    configured.extend(["sessionId".into(), "X-Trace".into(), "hash_9".into()]);
    let keys: Vec<&str> = configured.iter().map(String::as_str).collect();
    let reference = |key: &str| sensitive_by_the_rule(&keys, key);
    let mut candidates = vec![String::new(), "z".into(), "role".into(), "content".into()];
    for k in &configured {
        let cut: String = k.chars().take(k.chars().count() - 1).collect();
        candidates.extend([
            k.clone(),
            k.to_uppercase(),
            format!("pre_{k}"),
            format!("{k}_post"),
            format!("{k}s"),
            cut.clone(),
            format!("{cut}x"),
            format!("{}{k}", "-".repeat(70)),
        ]);
    }
    let config = Config {
        keys: configured.clone(),
        ..Config::default()
    };
    let r = Redactor::new(config).unwrap();
    let mut sensitive = 0;
    for key in &candidates {
        assert_eq!(r.is_sensitive_key(key), reference(key), "{key:?}");
        sensitive += usize::from(reference(key));
    }
    // Both answers are well represented.
    assert!(
        sensitive > candidates.len() / 3 && sensitive < candidates.len(),
        "{sensitive}"
    );
}

#[test]
fn a_sensitive_key_that_also_holds_a_match_is_masked_and_renamed() {
    let mut v = json!({"a": 1, "user@example.com password": "hunter2", "b": "ok"});
    let mut report = Report::default();
    redactor().redact_value(&mut v, &mut report);
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"a":1,"[REDACTED] password":"[REDACTED]","b":"ok"}"#
    );
    assert_eq!(report.keys_redacted, 1);
    assert_eq!(report.by_pattern.get("email"), Some(&1));
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
        by_pattern: Counts::from([("ssn".to_owned(), 2)]),
        ..Report::default()
    };
    let b = Report {
        matches_redacted: 3,
        by_pattern: Counts::from([("ssn".to_owned(), 1), ("jwt".to_owned(), 1)]),
        bytes_removed: 9,
        ..Report::default()
    };
    a.merge(&b);
    assert_eq!(
        a.by_pattern,
        Counts::from([("jwt".into(), 1), ("ssn".into(), 3)])
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

// ---- ids (issue 17: redaction merged distinct sessions) ----

fn keyed(seed: u8) -> Redactor {
    Redactor::new(Config {
        id_key: Some(IdKey::from_seed(&[seed; 32])),
        ..Config::default()
    })
    .unwrap()
}

fn id_of(r: &Redactor, id: &str) -> String {
    let mut s = id.to_owned();
    r.redact_id(&mut s, &mut Report::default());
    s
}

#[test]
fn ids_that_redact_to_the_same_shape_stay_distinct() {
    let r = keyed(1);
    let ids = [
        "sid:alice@example.com-123-45-6789",
        "sid:bob@example.com-987-65-4321",
        "sid:carol@example.org-111-22-3333",
        "sid:4111111111111111-123-45-6789",
    ];
    let out: Vec<String> = ids.iter().map(|id| id_of(&r, id)).collect();
    let distinct: std::collections::HashSet<_> = out.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "{out:?}");
    for (id, got) in ids.iter().zip(&out) {
        assert!(got.starts_with("sid:REDACTED-REDACTED."), "{got}");
        assert!(!got.contains('@') && !got.contains("6789"), "{got}");
        assert!(
            got.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b)),
            "still an id the AgentLens backend accepts: {got}"
        );
        assert_eq!(&id_of(&r, id), got, "the same id, the same result");
        assert_eq!(
            &id_of(&r, got),
            got,
            "a redacted id is kept by the next redactor"
        );
        assert_eq!(&id_of(&keyed(2), got), got, "whatever its key");
    }
    assert_ne!(
        id_of(&keyed(2), ids[0]),
        out[0],
        "the tag depends on the key"
    );
}

#[test]
fn clean_ids_are_kept_exactly_and_long_ids_keep_their_difference() {
    let r = keyed(1);
    for id in [
        "a01bdf57e9c94b6d",
        "run-1:a.b_c",
        "5f0c2a9e8b7d6c41a01bdf57e9c94b6d",
        "",
    ] {
        assert_eq!(id_of(&r, id), id);
    }
    let long = "x".repeat(MAX_NAME_BYTES + 10);
    let (a, b) = (format!("{long}a"), format!("{long}b"));
    let (ra, rb) = (id_of(&r, &a), id_of(&r, &b));
    assert!(ra.len() <= MAX_NAME_BYTES && rb.len() <= MAX_NAME_BYTES);
    assert_ne!(
        ra, rb,
        "ids that differ past the limit are not cut into one"
    );
    assert_eq!(id_of(&r, &ra), ra);
}

/// An id memo only ever spares the scan of an id found clean: a redacted id is redacted
/// every time, whatever the memo holds, and the memo forgets its oldest past 8 ids.
#[test]
fn an_id_memo_gives_the_answers_of_no_memo() {
    let r = keyed(4);
    let mut memo = IdMemo::default();
    let mut ids: Vec<String> = (0..12).map(|i| format!("run-{i:02}")).collect();
    ids.extend([
        "sid:bob@example.com".into(),
        "4111111111111111".into(),
        "x".repeat(MAX_NAME_BYTES + 1),
    ]);
    for round in 0..3 {
        for id in ids.iter().chain(ids.iter().rev()) {
            let (mut with, mut report_with) = (id.clone(), Report::default());
            r.redact_id_with(&mut with, &mut report_with, &mut memo);
            let (mut without, mut report_without) = (id.clone(), Report::default());
            r.redact_id(&mut without, &mut report_without);
            assert_eq!(with, without, "round {round}: {id}");
            assert_eq!(report_with, report_without, "round {round}: {id}");
        }
    }
    assert!(memo.knows("run-00") || memo.knows("run-11"));
    assert!(!memo.knows("sid:bob@example.com") && !memo.knows("4111111111111111"));
}

#[test]
fn sanitize_redacts_ids_types_names_and_keys_and_keeps_ids_apart() {
    use crate::model::{Event, EventType, ToolCall};
    let r = keyed(3);
    let mail = "canary@example.org";
    let mut e = Event::new(
        EventType::Custom(format!("type {mail}")),
        "s",
        crate::time::UnixNanos(1),
    );
    e.event_id = Some(format!("ev-{mail}"));
    e.trace_id = Some(format!("tr-{mail}"));
    e.span_id = Some("sk-proj-CANARY0123456789abcdefghij".into());
    e.user_id = Some(mail.into());
    e.metadata = Some(json!({ mail: 1, "card": 4111111111111111u64 }));
    e.tool_call = Some(Box::new(ToolCall {
        tool_call_id: format!("call-{mail}"),
        tool_name: "fetch?token=abc&sig=tool-canary".into(),
        ..ToolCall::default()
    }));
    let mut other = e.clone();
    other.event_id = Some("ev-other@example.org".into());
    let mut report = Report::default();
    sanitize(&r, &mut e, &mut report);
    sanitize(&r, &mut other, &mut report);
    let text = serde_json::to_string(&e).unwrap();
    for leak in [
        mail,
        "CANARY0123",
        "tool-canary",
        "4111111111111111",
        "=abc",
    ] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    assert_eq!(e.event_type.as_str(), "type [REDACTED]");
    assert_ne!(e.event_id, other.event_id, "two events stay two");
    assert!(
        e.user_id
            .as_deref()
            .is_some_and(|u| u.starts_with("REDACTED."))
    );
    assert_eq!(e.metadata, Some(json!({ MARKER: 1, "card": MARKER })));
    assert_eq!(e.session_id, "s");
}

#[test]
fn counts_by_rule_are_kept_in_name_order_and_written_as_an_object() {
    let mut c = Counts::default();
    for name in ["ssn", "email", "jwt", "email", "aws_key"] {
        c.add(name, 1);
    }
    c.add("jwt", u64::MAX);
    assert_eq!(
        c.keys().collect::<Vec<_>>(),
        ["aws_key", "email", "jwt", "ssn"]
    );
    assert_eq!(
        (c.get("email"), c.get("jwt"), c.get("nope")),
        (Some(&2), Some(&u64::MAX), None)
    );
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        format!(r#"{{"aws_key":1,"email":2,"jwt":{},"ssn":1}}"#, u64::MAX)
    );
    assert_eq!(
        c,
        Counts::from([
            ("ssn".into(), 1),
            ("jwt".into(), u64::MAX),
            ("email".into(), 2),
            ("aws_key".into(), 1)
        ])
    );
}
