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

/// The streaming evaluator notes pattern matches as events arrive and keeps the newest
/// time as events come and go; it must fire exactly as evaluating its buffer afresh.
#[test]
fn streaming_fires_exactly_as_evaluating_the_buffer_afresh() {
    use agentlens::model::{ErrorInfo, Event, EventType};
    use agentlens::time::UnixNanos;
    use std::collections::VecDeque;

    let rules = r#"{"rules":[
        {"name":"leak","condition":{"type":"pattern","field":"error_message","pattern":"secret|token"}},
        {"name":"both","cooldown_seconds":2,"condition":{"type":"composite","mode":"all","conditions":[
            {"type":"pattern","field":"model","pattern":"^gpt"},
            {"type":"threshold","metric":"tokens_in","operator":">","value":50}]}},
        {"name":"slow","condition":{"type":"aggregate","metric":"duration_ms","agg_func":"max","operator":">=","value":900,"window":3}}
    ]}"#;
    let config = EngineConfig {
        max_events: 5,
        max_history: 100,
    };
    let mut streaming = AlertEngine::from_json(rules, config).unwrap();
    let mut afresh = AlertEngine::from_json(rules, config).unwrap();
    let mut buffer: VecDeque<Event> = VecDeque::new();
    for i in 0..60_i64 {
        let kind = if i % 7 == 3 {
            EventType::Error
        } else {
            EventType::LlmCall
        };
        // Times go back now and then, so the newest is sometimes the one evicted.
        let secs = if i % 11 == 5 { i - 8 } else { i };
        let mut e = Event::new(kind.clone(), "s", UnixNanos(secs * 1_000_000_000));
        e.event_id = Some(format!("{i:016x}"));
        e.model = Some(if i % 3 == 0 { "claude" } else { "gpt-4o" }.into());
        e.tokens_in = Some((i as u64 * 13) % 40);
        e.duration_ms = Some(((i * 97) % 1000) as f64);
        if kind == EventType::Error {
            let message = if i % 2 == 0 {
                "token expired"
            } else {
                "timeout"
            };
            e.error = Some(Box::new(ErrorInfo {
                message: message.into(),
                ..ErrorInfo::default()
            }));
        }
        if i == 30 {
            // A rule added mid-stream starts without notes for the buffered events.
            let late = r#"{"name":"late","condition":{"type":"pattern","field":"model","pattern":"claude"}}"#;
            streaming.add(serde_json::from_str(late).unwrap()).unwrap();
            afresh.add(serde_json::from_str(late).unwrap()).unwrap();
        }
        if buffer.len() == 5 {
            buffer.pop_front();
        }
        buffer.push_back(e.clone());
        let got = streaming.push(e);
        let want = afresh.evaluate(buffer.make_contiguous());
        let names = |v: &[agentlens::analysis::alert::AlertResult]| {
            v.iter()
                .map(|a| (a.rule_name.clone(), a.matched_events.clone(), a.timestamp))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&got), names(&want), "event {i}");
    }
}
