//! Wire fixtures captured from the seed systems decode and survive a round trip.

use agentlens::encode::agentlens::{WireConfig, decode_body, encode_body};

#[test]
fn every_wire_fixture_decodes_and_round_trips() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let about: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert!(
            about["about"].is_string(),
            "{} must say where it came from",
            path.display()
        );
        let events = decode_body(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!events.is_empty());
        assert_eq!(
            decode_body(&encode_body(&events, WireConfig::default())).unwrap(),
            events
        );
        seen += 1;
    }
    assert!(seen >= 1);
}
