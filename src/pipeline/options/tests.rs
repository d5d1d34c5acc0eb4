use serde_json::json;

use super::*;

/// A valid value of `kind` other than the default.
fn good(kind: Kind, default: Option<&Value>) -> Value {
    match kind {
        Kind::Format => json!("ndjson"),
        Kind::Bool => json!(default != Some(&json!(true))),
        Kind::Count | Kind::Natural => json!(3000),
        Kind::Millis => json!(2500.5),
        Kind::Fraction => json!(0.5),
        Kind::Text => json!("[X]"),
        Kind::Texts => json!(["a", "b"]),
        Kind::Patterns => json!([{ "name": "n", "regex": "x+", "luhn": false }]),
    }
}

fn refusal(options: &Value) -> (String, String) {
    match Options::from_value(options) {
        Err(e @ ConfigError::Value { .. }) => (e.option(), e.message()),
        other => panic!("{options} was not refused by name: {other:?}"),
    }
}

#[test]
fn the_defaults_name_every_option_and_read_back_as_the_default_config() {
    let d = Options::defaults();
    let back = Options::from_json(&d.to_string())
        .unwrap()
        .into_config()
        .unwrap();
    let c = Config::default();
    assert_eq!(back.batch, c.batch);
    assert_eq!(back.wire, c.wire);
    assert_eq!(back.redact.max_field_bytes, c.redact.max_field_bytes);
    assert_eq!(back.redact.keys, c.redact.keys);
    let names: Vec<_> = OPTIONS
        .iter()
        .map(|s| s.name)
        .filter(|n| *n != "format")
        .collect();
    let keys: Vec<_> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        names, keys,
        "the table and the defaults list the same options, in order"
    );
}

#[test]
fn every_option_takes_a_value_of_its_kind_and_changes_the_config() {
    let base = format!("{:?}", Options::default().into_config().unwrap());
    let defaults = Options::defaults();
    for s in OPTIONS {
        let options = Options::from_value(&json!({ s.name: good(s.kind, defaults.get(s.name)) }))
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
        let config = format!("{:?}", options.into_config().unwrap());
        assert_ne!(config, base, "{} was read but changed nothing", s.name);
    }
}

#[test]
fn every_option_refuses_a_value_of_another_kind_naming_itself_and_its_kind() {
    for s in OPTIONS {
        let wrong = if s.kind == Kind::Bool {
            json!(1)
        } else {
            json!({ "a": 1 })
        };
        let (option, message) = refusal(&json!({ s.name: wrong }));
        assert_eq!(option, s.name);
        assert!(message.starts_with("must be"), "{message}");
        assert!(message.contains("(got"), "{message}");
    }
}

#[test]
fn ranges_are_checked_and_values_shown_except_strings() {
    for (options, option, text) in [
        (
            json!({ "batchSize": 0 }),
            "batchSize",
            "must be an integer ≥ 1 (got 0)",
        ),
        (
            json!({ "batchSize": 2.5 }),
            "batchSize",
            "must be an integer ≥ 1 (got 2.5)",
        ),
        (
            json!({ "maxRetries": -1 }),
            "maxRetries",
            "must be an integer ≥ 0 (got -1)",
        ),
        (json!({ "flushIntervalMs": -1 }), "flushIntervalMs", "≥ 0"),
        (
            json!({ "sampleRate": 2 }),
            "sampleRate",
            "must be a number in [0, 1] (got 2)",
        ),
        (json!({ "sampleRate": "NaN" }), "sampleRate", "(got NaN)"),
        (
            json!({ "sampleRate": "sk-live-SECRET" }),
            "sampleRate",
            "(got a string)",
        ),
        (
            json!({ "onlyOnError": "yes" }),
            "onlyOnError",
            "must be a boolean",
        ),
        (
            json!({ "redactKeys": ["a", 1] }),
            "redactKeys",
            "must be an array of strings",
        ),
        (
            json!({ "format": "xml" }),
            "format",
            "\"agentlens\" or \"ndjson\"",
        ),
        (
            json!({ "batchSiz": 3 }),
            "batchSiz",
            "is not an AgentLens option",
        ),
        (
            json!({ "redactPatterns": [{ "name": "x" }] }),
            "redactPatterns[0]",
            "regex: string",
        ),
        (
            json!({ "redactPatterns": [{ "name": "x", "regex": "y", "luhn": 1 }] }),
            "redactPatterns[0].luhn",
            "boolean (got 1)",
        ),
        (
            json!({ "redactPatterns": [{ "name": "x", "regex": "y", "flags": "i" }] }),
            "redactPatterns[0].flags",
            "not a pattern field",
        ),
    ] {
        let (got_option, message) = refusal(&options);
        assert_eq!(got_option, option, "{options}");
        assert!(message.contains(text), "{options}: {message}");
        assert!(!message.contains("SECRET"));
    }
    // What a host shows when it names an environment variable: never the value.
    let err = Options::from_value(&json!({ "sampleRate": 7 })).unwrap_err();
    assert_eq!(err.requirement(), "must be a number in [0, 1]");
    assert_eq!(err.message(), "must be a number in [0, 1] (got 7)");
}

#[test]
fn null_is_unset_and_the_description_lists_every_option_with_its_type() {
    let o = Options::from_value(&json!({ "batchSize": null })).unwrap();
    assert_eq!(o.batch_size, None);
    let d = Options::describe();
    let list = d.as_array().unwrap();
    assert_eq!(list.len(), OPTIONS.len());
    let batch = list.iter().find(|o| o["name"] == "batchSize").unwrap();
    assert_eq!(batch["type"], "number");
    assert_eq!(batch["default"], 10);
    let format = list.iter().find(|o| o["name"] == "format").unwrap();
    assert_eq!(format["default"], Value::Null);
}
