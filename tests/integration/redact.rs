//! Redaction and truncation contracts: default keys and pattern classes, Luhn, user rules,
//! byte limits, the shared fixtures in `tests/fixtures/redact`, and properties.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use agentlens::redact::{
    Config, DEFAULT_KEYS, MARKER, PatternRule, RedactError, Redactor, Report, TRUNCATED_SUFFIX,
    Value, default_patterns, json_size, truncate_str, truncate_value,
};
use proptest::prelude::*;
use serde_json::json;

/// One default redactor for the whole binary: compiling the regex in every proptest case
/// would dominate the run time of a debug build.
fn redactor() -> &'static Redactor {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    REDACTOR.get_or_init(|| Redactor::new(Config::default()).expect("the default config is valid"))
}

fn redact(s: &str) -> String {
    redactor()
        .redact_str(s, &mut Report::default())
        .into_owned()
}

fn redact_json(mut v: Value) -> (Value, Report) {
    let mut report = Report::default();
    redactor().redact_value(&mut v, &mut report);
    (v, report)
}

fn serialized_len(v: &Value) -> usize {
    serde_json::to_string(v).expect("values serialize").len()
}

// ---- keys ----

#[test]
fn the_default_keys_cover_the_required_list() {
    let required = "password passwd pwd secret client_secret api_key apikey x-api-key token \
        access_token refresh_token id_token auth_token session_token authorization cookie \
        set-cookie private_key credential credentials credit_card card_number cvv ssn";
    for key in required.split_whitespace() {
        assert!(
            DEFAULT_KEYS.contains(&key),
            "{key} missing from DEFAULT_KEYS"
        );
    }
}

#[test]
fn every_default_key_is_redacted_in_any_case() {
    let r = redactor();
    for key in DEFAULT_KEYS {
        for variant in [key.to_string(), key.to_uppercase(), format!("my_{key}")] {
            let short = variant.starts_with("my_") && key.replace(['-', '_'], "").len() < 6;
            assert_eq!(r.is_sensitive_key(&variant), !short, "{variant}");
        }
        let (v, report) = redact_json(json!({ *key: "value", "other": "value" }));
        assert_eq!(v, json!({ *key: MARKER, "other": "value" }), "{key}");
        assert_eq!(report.keys_redacted, 1);
    }
}

#[test]
fn keys_are_matched_case_insensitively_at_any_depth() {
    let input = json!({
        "runs": [{"steps": [{"tool": {"args": {"API_KEY": "k", "Query": "q"}}}]}],
        "Headers": {"Set-Cookie": ["a=b"], "X-Api-Key": 1, "openai_api_key": {"x": 1}},
        "db": {"dbPassword": "p", "Client.Secret": "s", "user credit card": "4"}
    });
    let (v, report) = redact_json(input);
    assert_eq!(
        v,
        json!({
            "runs": [{"steps": [{"tool": {"args": {"API_KEY": MARKER, "Query": "q"}}}]}],
            "Headers": {"Set-Cookie": MARKER, "X-Api-Key": MARKER, "openai_api_key": MARKER},
            "db": {"dbPassword": MARKER, "Client.Secret": MARKER, "user credit card": MARKER}
        })
    );
    assert_eq!(report.keys_redacted, 7);
}

#[test]
fn token_counters_and_lookalike_keys_survive() {
    let input = json!({"tokens_in": 1, "max_tokens": 2, "token_count": 3, "keyboard": "k",
        "total_tokens": 4, "tokenizer": "bpe", "passwordless": true});
    let (v, report) = redact_json(input.clone());
    assert_eq!(v, input);
    assert!(report.is_empty());
}

#[test]
fn user_keys_are_added_or_replace_the_defaults() {
    let r = Redactor::new(Config::default().with_keys(["tenant_ref"])).unwrap();
    assert!(r.is_sensitive_key("TenantRef") && r.is_sensitive_key("password"));
    let r = Redactor::new(Config::default().replace_keys(["tenant_ref"])).unwrap();
    assert!(r.is_sensitive_key("tenant-ref") && !r.is_sensitive_key("password"));
}

// ---- pattern classes ----

/// Each `(input, expected)` pair through the default redactor.
fn check(cases: &[(&str, &str)]) {
    for (input, expected) in cases {
        assert_eq!(redact(input), *expected, "input: {input}");
    }
}

#[test]
fn ssns_are_redacted() {
    check(&[
        ("ssn 123-45-6789.", "ssn [REDACTED]."),
        ("id 123-45-67890", "id 123-45-67890"),
    ]);
}

#[test]
fn luhn_valid_cards_are_redacted_in_every_format() {
    check(&[
        ("pay 4111 1111 1111 1111 now", "pay [REDACTED] now"),
        ("pay 4111-1111-1111-1111 now", "pay [REDACTED] now"),
        ("pay 4111111111111111 now", "pay [REDACTED] now"),
        ("pay 5555 5555 5555 4444 now", "pay [REDACTED] now"),
        ("pay 3782 822463 10005 now", "pay [REDACTED] now"),
        ("pay 378282246310005 now", "pay [REDACTED] now"),
    ]);
}

#[test]
fn numbers_that_fail_luhn_survive() {
    // 1732248083000 is a 13-digit epoch-millisecond timestamp whose digits fail Luhn.
    for text in [
        "at 1732248083000 ms",
        "card 4111 1111 1111 1112",
        "1234567890123",
    ] {
        assert_eq!(redact(text), text);
    }
    let (v, _) = redact_json(json!({"ts": "1732248083000", "n": 1732248083000u64}));
    assert_eq!(v, json!({"ts": "1732248083000", "n": 1732248083000u64}));
}

#[test]
fn emails_are_redacted() {
    check(&[
        (
            "to: a.b-c+d@mail.example.co.uk, cc x@y.io",
            "to: [REDACTED], cc [REDACTED]",
        ),
        ("not@an-email", "not@an-email"),
    ]);
}

#[test]
fn bearer_tokens_lose_the_token_and_keep_the_scheme() {
    check(&[
        (
            "Authorization: Bearer abc.DEF-123_~+/x==",
            "Authorization: Bearer [REDACTED]",
        ),
        ("bearer ABCDEFGH1234 tail", "bearer [REDACTED] tail"),
    ]);
}

#[test]
fn sk_style_api_keys_are_redacted() {
    check(&[
        ("key=sk-AbCdEfGhIjKlMnOpQrStUvWx;", "key=[REDACTED];"),
        (
            "use sk-proj-AbCdEfGhIjKlMnOpQrSt_Uv-Wx12 here",
            "use [REDACTED] here",
        ),
        (
            "use sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv here",
            "use [REDACTED] here",
        ),
        (
            "sk-short and task-AbCdEfGhIjKlMnOpQrStUvWx",
            "sk-short and task-AbCdEfGhIjKlMnOpQrStUvWx",
        ),
    ]);
}

#[test]
fn aws_access_key_ids_are_redacted() {
    check(&[
        (
            "AKIAIOSFODNN7EXAMPLE and ASIAABCDEFGHIJKLMNOP",
            "[REDACTED] and [REDACTED]",
        ),
        ("AKIAIOSFODNN7EXAMPLEX", "AKIAIOSFODNN7EXAMPLEX"),
    ]);
}

#[test]
fn jwts_are_redacted() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    assert_eq!(redact(&format!("t {jwt} end")), "t [REDACTED] end");
}

#[test]
fn only_the_match_is_replaced() {
    let mut report = Report::default();
    let text = "my password: hunter2 ssn 123-45-6789 mail a@b.io ok";
    let out = redactor().redact_str(text, &mut report);
    assert_eq!(
        out,
        "my password: [REDACTED] ssn [REDACTED] mail [REDACTED] ok"
    );
    assert_eq!(report.matches_redacted, 3);
    let names: Vec<&str> = report.by_pattern.keys().map(String::as_str).collect();
    assert_eq!(names, ["email", "key_value", "ssn"]);
}

#[test]
fn strings_inside_arrays_and_object_keys_are_redacted() {
    let (v, report) = redact_json(json!({"list": ["a@b.io", ["123-45-6789"]], "bob@x.io": 1}));
    assert_eq!(v, json!({"list": [MARKER, [MARKER]], MARKER: 1}));
    assert_eq!(report.matches_redacted, 3);
}

#[test]
fn redact_string_works_in_place() {
    let mut s = String::from("mail a@b.io");
    redactor().redact_string(&mut s, &mut Report::default());
    assert_eq!(s, "mail [REDACTED]");
}

// ---- user rules ----

#[test]
fn user_patterns_apply_alongside_the_defaults() {
    let rule = PatternRule::new("ticket", "TICKET-[0-9]{4}");
    let r = Redactor::new(Config::default().with_patterns(vec![rule])).unwrap();
    let mut report = Report::default();
    let out = r.redact_str("TICKET-1234 from a@b.io", &mut report);
    assert_eq!(out, "[REDACTED] from [REDACTED]");
    assert_eq!(report.by_pattern.get("ticket"), Some(&1));
}

#[test]
fn replaced_defaults_no_longer_apply() {
    let rule = PatternRule::new("pin", "pin (?P<v>[0-9]{4})");
    let r = Redactor::new(Config::default().replace_patterns(vec![rule])).unwrap();
    let out = r.redact_str("pin 1234 for a@b.io", &mut Report::default());
    assert_eq!(out, "pin [REDACTED] for a@b.io");
}

#[test]
fn user_luhn_rules_check_their_digits() {
    let rule = PatternRule::new("digits", "#[0-9]{16}").with_luhn(true);
    let r = Redactor::new(Config::default().replace_patterns(vec![rule])).unwrap();
    let out = r.redact_str(
        "#4111111111111111 #4111111111111112",
        &mut Report::default(),
    );
    assert_eq!(out, "[REDACTED] #4111111111111112");
}

#[test]
fn invalid_patterns_are_rejected_naming_the_rule() {
    for (rule, needle) in [
        (PatternRule::new("unclosed", "(abc"), "unclosed"),
        (PatternRule::new("anything", ".*"), "empty string"),
        (PatternRule::new("optional", "a?"), "empty string"),
    ] {
        let err = Redactor::new(Config::default().with_patterns(vec![rule.clone()])).unwrap_err();
        match &err {
            RedactError::InvalidPattern { name, .. } => assert_eq!(name, &rule.name),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains(needle), "{err}");
    }
}

#[test]
fn defaults_are_listed_by_name() {
    let names: Vec<String> = default_patterns().into_iter().map(|r| r.name).collect();
    for name in "ssn card email bearer api_key aws_access_key jwt".split_whitespace() {
        assert!(names.iter().any(|n| n == name), "{name}");
    }
}

#[test]
fn reports_serialize_for_hosts() {
    let (_, report) = redact_json(json!({"password": 1, "s": "a@b.io"}));
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["keys_redacted"], 1);
    assert_eq!(v["by_pattern"], json!({"email": 1}));
}

// ---- truncation ----

#[test]
fn the_per_field_limit_is_respected_after_redaction() {
    let config = Config {
        max_field_bytes: 64,
        ..Config::default()
    };
    let r = Redactor::new(config).unwrap();
    let mut v = json!({"password": "p", "text": format!("a@b.io {}", "z".repeat(500))});
    let mut report = Report::default();
    r.redact_and_truncate(&mut v, &mut report);
    assert!(json_size(&v) <= 64);
    assert_eq!(v["password"], MARKER);
    assert!(v["text"].as_str().unwrap().starts_with("[REDACTED] zzz"));
    assert_eq!((report.fields_truncated, report.keys_redacted), (1, 1));
}

#[test]
fn strings_are_cut_on_utf8_boundaries_at_every_limit() {
    let s = "aé😀ü\u{1F468}\u{200D}\u{1F469}\n\"x".repeat(8);
    let full = json_size(&json!(s));
    for limit in 0..=full + 1 {
        let cut = truncate_str(&s, limit);
        let size = serialized_len(&json!(cut));
        assert!(size <= limit.max(2), "limit {limit}: {size}");
        if limit >= full {
            assert_eq!(cut, s);
        } else if limit >= 17 {
            let kept = cut.strip_suffix(TRUNCATED_SUFFIX).expect("suffix visible");
            assert!(s.starts_with(kept));
            // Maximal: one more character would not have fitted.
            let next = s[kept.len()..].chars().next().unwrap();
            assert!(size + serialized_len(&json!(next.to_string())) - 2 > limit);
        } else {
            assert_eq!(cut, "");
        }
    }
}

#[test]
fn containers_are_trimmed_largest_child_first() {
    let mut v = json!({"a": "x".repeat(30), "b": "y".repeat(300), "c": ["z".repeat(60)]});
    let mut report = Report::default();
    let before = json_size(&v);
    truncate_value(&mut v, 150, &mut report);
    assert_eq!(v["a"], "x".repeat(30));
    assert_eq!(v["c"], json!(["z".repeat(60)]));
    assert!(v["b"].as_str().unwrap().ends_with(TRUNCATED_SUFFIX));
    assert_eq!(serialized_len(&v), 150);
    assert_eq!(report.bytes_removed as usize, before - 150);
    assert_eq!(report.fields_truncated, 1);
}

#[test]
fn values_within_the_limit_are_left_alone() {
    let mut v = json!({"a": [1, 2, "three"]});
    let mut report = Report::default();
    let size = json_size(&v);
    truncate_value(&mut v, size, &mut report);
    assert_eq!(v, json!({"a": [1, 2, "three"]}));
    assert!(report.is_empty());
}

#[test]
fn a_ten_megabyte_string_truncates_by_direct_cut() {
    // No timing assertion: the cut point is found in one pass up to the budget, and the
    // only full scan is the initial size check.
    let big = "é".repeat(5 * 1024 * 1024);
    let mut v = json!({"output": big, "id": 1});
    let mut report = Report::default();
    truncate_value(&mut v, 100_000, &mut report);
    assert!(serialized_len(&v) <= 100_000);
    assert!(v["output"].as_str().unwrap().ends_with(TRUNCATED_SUFFIX));
    assert_eq!(v["id"], 1);
}

#[test]
fn a_ten_megabyte_string_is_redacted_in_one_scan() {
    let mut s = String::from("a@b.io ");
    s.push_str(&"lorem ipsum 1732248083000 ".repeat(400_000));
    s.push_str("123-45-6789");
    let mut report = Report::default();
    redactor().redact_string(&mut s, &mut report);
    assert!(s.starts_with("[REDACTED] lorem") && s.ends_with(" [REDACTED]"));
    assert_eq!(report.matches_redacted, 2);
}

#[test]
fn json_size_matches_serde_json_on_tricky_values() {
    let controls: String = (0u8..0x20)
        .map(char::from)
        .chain(['\u{7f}', '"', '\\'])
        .collect();
    for v in [
        json!(controls),
        json!("é😀\u{2028}\u{feff}"),
        json!(-0.0),
        json!(1e-7),
        json!(f64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!({"\u{1}": {"\"": [null, true, false]}}),
        json!([]),
    ] {
        assert_eq!(json_size(&v), serialized_len(&v), "{v}");
    }
}

// ---- shared fixtures ----

#[test]
fn shared_fixtures_produce_their_expected_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redact");
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .expect("fixture directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 8,
        "expected at least 8 fixtures, found {}",
        paths.len()
    );
    for path in paths {
        let case: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            case["about"].as_str().is_some_and(|a| !a.is_empty()),
            "{}",
            path.display()
        );
        let config = &case["config"];
        let mut cfg = Config::default();
        if let Some(keys) = config["keys"].as_array() {
            cfg = cfg.with_keys(
                keys.iter()
                    .map(|k| k.as_str().expect("key string").to_owned()),
            );
        }
        if let Some(patterns) = config.get("patterns") {
            let rules: Vec<PatternRule> = serde_json::from_value(patterns.clone()).unwrap();
            cfg = if config["replace_patterns"] == true {
                cfg.replace_patterns(rules)
            } else {
                cfg.with_patterns(rules)
            };
        }
        let r = Redactor::new(cfg).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut v = case["input"].clone();
        let mut report = Report::default();
        r.redact_value(&mut v, &mut report);
        if let Some(max) = config["max_field_bytes"].as_u64() {
            truncate_value(&mut v, max as usize, &mut report);
            assert!(json_size(&v) <= max as usize, "{}", path.display());
        }
        assert_eq!(v, case["expected"], "{}", path.display());
    }
}

// ---- properties ----

fn b64url(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".to_vec(),
        ),
        len,
    )
    .prop_map(|b| String::from_utf8(b).unwrap())
}

fn luhn_card() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![4u8, 5]),
        proptest::collection::vec(0u8..10, 14),
        0..3usize,
    )
        .prop_map(|(first, rest, sep)| {
            let mut digits = vec![first];
            digits.extend(rest);
            let sum: u32 = digits
                .iter()
                .rev()
                .enumerate()
                .map(|(i, &d)| {
                    let d = u32::from(d);
                    if i % 2 == 0 {
                        if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                    } else {
                        d
                    }
                })
                .sum();
            digits.push(((10 - sum % 10) % 10) as u8);
            let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            match sep {
                0 => text,
                n => {
                    let sep = if n == 1 { " " } else { "-" };
                    let groups: Vec<&str> = (0..4).map(|i| &text[i * 4..i * 4 + 4]).collect();
                    groups.join(sep)
                }
            }
        })
}

/// `(text to plant, secret that must not survive)` for each default class.
fn planted_secret() -> impl Strategy<Value = (String, String)> {
    fn same(s: String) -> (String, String) {
        (s.clone(), s)
    }
    prop_oneof![
        "[0-9]{3}-[0-9]{2}-[0-9]{4}".prop_map(same),
        luhn_card().prop_map(same),
        "[a-z0-9][a-z0-9._+-]{0,15}@[a-z0-9]{1,10}\\.[a-z]{2,6}".prop_map(same),
        ("Bearer|bearer|BEARER", "[A-Za-z0-9._~+/-]{8,40}={0,2}")
            .prop_map(|(scheme, token)| (format!("{scheme} {token}"), token)),
        ("sk-|sk-proj-|sk-ant-api03-", "[A-Za-z0-9_-]{20,40}").prop_map(|(p, k)| same(p + &k)),
        ("AKIA|ASIA", "[A-Z0-9]{16}").prop_map(|(p, k)| same(p + &k)),
        (b64url(5..=30), b64url(5..=60), b64url(5..=43))
            .prop_map(|(h, p, s)| same(format!("eyJ{h}.{p}.{s}"))),
        (
            "password|passwd|secret|api_key|apikey|token",
            ": |=|: ",
            "[A-Za-z0-9!@#$%^*()]{8,24}"
        )
            .prop_map(|(k, sep, val)| (format!("{k}{sep}{val}"), val)),
    ]
}

/// Text around a planted secret: arbitrary Unicode, printable ASCII, or digits and
/// separators (the likeliest to glue onto a card or an SSN).
fn filler() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,30}",
        "[0-9 -]{0,24}",
        "(password|token|Bearer)[:= ]{0,2}"
    ]
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[a-z \"\\\\\n\t\u{1}\u{7f}é😀@.0-9-]{0,60}".prop_map(Value::String),
    ];
    let key = prop_oneof![any::<String>(), "password|token|tokens_in|a@b.io|x|y"];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn assert_valid_json(v: &Value) {
    let text = serde_json::to_vec(v).expect("serializes");
    let text = std::str::from_utf8(&text).expect("valid UTF-8");
    serde_json::from_str::<Value>(text).expect("parses back");
}

proptest! {
    #[test]
    fn planted_secrets_never_survive(
        (planted, secret) in planted_secret(),
        before in filler(),
        after in filler(),
    ) {
        let text = format!("{before} {planted} {after}");
        let out = redact(&text);
        prop_assert!(!out.contains(&secret), "{secret:?} survived in {out:?}");
        let (v, _) = redact_json(json!({"note": text, "list": [planted]}));
        prop_assert!(!v.to_string().contains(&secret));
    }

    #[test]
    fn redacted_and_truncated_values_stay_valid_json(v in arb_value(), limit in 2usize..400) {
        let (mut v, _) = redact_json(v);
        assert_valid_json(&v);
        truncate_value(&mut v, limit, &mut Report::default());
        assert_valid_json(&v);
    }

    #[test]
    fn truncation_never_exceeds_its_limit(v in arb_value(), extra in 0usize..64, pick in 0.0f64..1.0) {
        let size = json_size(&v);
        let limit = 2 + ((size + extra) as f64 * pick) as usize;
        let mut w = v.clone();
        let mut report = Report::default();
        truncate_value(&mut w, limit, &mut report);
        let after = serialized_len(&w);
        prop_assert!(after <= limit, "{after} > {limit}");
        if size <= limit {
            prop_assert_eq!(&w, &v);
            prop_assert!(report.is_empty());
        } else {
            prop_assert_eq!(report.fields_truncated, 1);
            prop_assert_eq!(report.bytes_removed as usize, size - after);
        }
    }

    #[test]
    fn json_size_equals_serialized_length(v in arb_value()) {
        prop_assert_eq!(json_size(&v), serialized_len(&v));
    }

    #[test]
    fn truncate_str_fits_and_keeps_a_prefix(s in any::<String>(), limit in 2usize..200) {
        let cut = truncate_str(&s, limit);
        prop_assert!(serialized_len(&json!(cut)) <= limit);
        let kept = cut.strip_suffix(TRUNCATED_SUFFIX).unwrap_or(&cut);
        prop_assert!(s.starts_with(kept));
    }
}
