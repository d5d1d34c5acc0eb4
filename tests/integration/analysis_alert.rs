//! Alert rules: errors at rule creation.

use agentlens::analysis::alert::{AlertEngine, EngineConfig};

#[test]
fn an_invalid_pattern_names_its_rule() {
    let err = AlertEngine::from_json(
        r#"{"rules":[{"name":"broken","condition":{"type":"pattern","field":"x","pattern":"("}}]}"#,
        EngineConfig::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("rule \"broken\": invalid alert pattern \"(\""),
        "{err}"
    );
}
