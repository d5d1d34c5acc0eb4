//! The digest against the full re-read (every event kept decoded as one array, sanitised
//! and rendered by `explain`/`explain_backend`), over generated sessions, and its array
//! reader against serde_json's.

use serde_json::{Value, json};

use super::*;
use crate::analysis::explain::{explain_json, explain_sanitized};
use crate::redact::Config;

/// The full re-read: the whole array decoded at once, every event sanitised, rendered by
/// [`explain`](super::super::explain) or [`explain_backend`](super::super::explain_backend)
/// ([`Style::render`]).
fn full_reread(redactor: &Redactor, text: &str, style: Style) -> Result<String, DecodeError> {
    let (mut events, _skipped) = decode_event_array(text)?;
    sanitize_events(redactor, &mut events, &mut Report::default());
    Ok(style.render(&events))
}

/// The project's seeded test generator, with the picks generated sessions need.
struct Rng(crate::testing::Rng);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Text worth redacting or cutting, and text that is not.
const TEXTS: &[&str] = &[
    "plain words",
    "mail jane.doe@example.com now",
    "key sk-abcdefghijklmnopqrstuvwxyz0123456789 here",
    "card 4111 1111 1111 1111 ok",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "AKIAIOSFODNN7EXAMPLE and more",
    "emoji 😀😀😀 and ünïcödé, \"quoted\", back\\slash, [brackets], {braces}, commas,",
    "",
];

fn long_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(40) {
        s.push_str(rng.pick(TEXTS));
        s.push(' ');
    }
    s
}

fn text(rng: &mut Rng) -> Value {
    if rng.chance(5) {
        json!(long_text(rng))
    } else {
        json!(rng.pick(TEXTS))
    }
}

/// A session's element: mostly events of every type, some in the backend-compatible
/// shape, some not events at all.
fn element(rng: &mut Rng, clock: &mut i64, session: &str) -> Value {
    const TYPES: &[&str] = &[
        "llm_call",
        "tool_call",
        "tool_error",
        "agent_call",
        "agent_error",
        "decision",
        "memory_read",
        "memory_write",
        "final",
        "error",
        "run_start",
        "run_end",
        "generic",
        "my_custom_type",
        "session_end",
        "session_start",
    ];
    match rng.below(30) {
        0 => {
            return rng
                .pick(&["42", "null", "\"text\"", "[]", "{\"foo\":1}"])
                .parse()
                .unwrap();
        }
        1 => {
            return json!({"event_type": "generic", "agentlens_type": rng.pick(&["memory_write", "tool_error", "decision"]),
                "session_id": session, "timestamp": UnixNanos(*clock).to_rfc3339(),
                "memory": {"key": "k", "value": text(rng), "overwrite": true},
                "error": {"error_type": "E", "message": text(rng)}});
        }
        _ => {}
    }
    let kind = rng.pick(TYPES);
    *clock += i64::try_from(rng.below(5_000_000_000)).unwrap_or(0) - 500_000_000;
    let mut e = json!({"event_type": kind, "session_id": session});
    let o = e.as_object_mut().unwrap();
    if !rng.chance(8) {
        o.insert("timestamp".into(), json!(UnixNanos(*clock).to_rfc3339()));
    }
    if rng.chance(2) {
        o.insert("tokens_in".into(), json!(rng.below(500)));
        o.insert("tokens_out".into(), json!(rng.below(200)));
    }
    if rng.chance(3) {
        o.insert("duration_ms".into(), json!(rng.below(100_000) as f64 / 8.0));
    }
    match kind {
        "llm_call" => {
            o.insert("model".into(), json!(rng.pick(&["gpt-4o", "", "claude"])));
            o.insert(
                "input_data".into(),
                json!({"prompt": text(rng), "api_key": "secret-value"}),
            );
            o.insert("output_data".into(), json!({"response": text(rng)}));
        }
        "tool_call" | "tool_error" => {
            o.insert(
                "tool_call".into(),
                json!({"tool_name": rng.pick(&["search", "", "db"]),
                "tool_input": {"q": text(rng), "password": "hunter2"}, "tool_output": text(rng),
                "duration_ms": rng.below(1000) as f64 / 4.0}),
            );
        }
        "decision" => {
            o.insert("decision_trace".into(), json!({"reasoning": text(rng),
                "alternatives_considered": [text(rng), text(rng)], "confidence": rng.below(1000) as f64 / 800.0}));
        }
        "memory_read" | "memory_write" => {
            o.insert(
                "memory".into(),
                json!({"key": rng.pick(&["user.email", "", "plan"]), "value": text(rng),
                "overwrite": rng.chance(2)}),
            );
        }
        "final" => {
            let answer = if rng.chance(2) {
                json!({"answer": text(rng)})
            } else {
                text(rng)
            };
            o.insert("output_data".into(), answer);
        }
        "run_start" | "run_end" => {
            o.insert("run_id".into(), json!(format!("r{}", rng.below(5))));
            if rng.chance(2) {
                o.insert("parent_run_id".into(), json!("r0"));
            }
            o.insert("run_name".into(), text(rng));
            o.insert(
                "status".into(),
                json!(rng.pick(&["completed", "failed", "error"])),
            );
        }
        "session_end" => {
            o.insert(
                "status".into(),
                json!(rng.pick(&["completed", "timeout", "failed", "odd"])),
            );
            if rng.chance(2) {
                o.insert("ended_at".into(), json!(UnixNanos(*clock + 7).to_rfc3339()));
            }
            if rng.chance(2) {
                o.insert("total_tokens_in".into(), json!(rng.below(3)));
                o.insert("total_tokens_out".into(), json!(rng.below(9000)));
            }
        }
        "session_start" => {
            o.insert("agent_name".into(), json!(rng.pick(&["second-start", ""])));
        }
        _ => {}
    }
    if kind.ends_with("error") || rng.chance(12) {
        o.insert(
            "error".into(),
            json!({"error_type": rng.pick(&["Timeout", ""]), "message": text(rng),
            "critical": rng.chance(2)}),
        );
    }
    e
}

/// Redaction as configured by hosts: the defaults, tight size limits (truncation and
/// shrinking to the event bound), and a rule and marker of their own.
fn redactor(rng: &mut Rng) -> Redactor {
    let config = match rng.below(3) {
        0 => Config::default(),
        1 => Config {
            max_field_bytes: 300,
            max_event_bytes: 900,
            ..Config::default()
        },
        _ => Config {
            marker: "<hidden>".into(),
            keys: vec!["q".into()],
            ..Config::default()
        },
    };
    Redactor::new(config).unwrap()
}

/// Elements as a host writes them: mostly compact, some with whitespace around.
fn write(rng: &mut Rng, v: &Value) -> String {
    if rng.chance(6) {
        serde_json::to_string_pretty(v).unwrap()
    } else {
        v.to_string()
    }
}

/// One generated session, pushed in chunks with the oldest forgotten now and then,
/// rendered after each step and compared with the full re-read of what is kept.
fn check_session(seed: u64) -> usize {
    let mut rng = Rng(crate::testing::Rng::new(seed));
    let redactor = redactor(&mut rng);
    let session = rng.pick(&["s1", "7f3a9c21e4b05d68"]);
    let mut clock = 1_795_000_000_000_000_000i64;
    let start = (!rng.chance(5)).then(|| {
        let e = json!({"event_type": "session_start", "session_id": session,
            "agent_name": rng.pick(&["research-agent", "", "mail a@b.co"]), "metadata": {"token": "x"},
            "timestamp": UnixNanos(clock).to_rfc3339()});
        write(&mut rng, &e)
    });
    let n = rng.below(90);
    let all: Vec<String> = (0..n)
        .map(|_| {
            let v = element(&mut rng, &mut clock, session);
            write(&mut rng, &v)
        })
        .collect();
    let mut compared = 0;
    for style in [Style::Sdk, Style::Backend] {
        let mut digest = Digest::new(style);
        digest.set_start_json(&redactor, start.as_deref()).unwrap();
        let (mut from, mut to) = (0, 0);
        loop {
            let whole: Vec<&str> = start
                .iter()
                .map(String::as_str)
                .chain(all[from..to].iter().map(String::as_str))
                .collect();
            let whole = format!("[{}]", whole.join(","));
            let expected = full_reread(&redactor, &whole, style).unwrap();
            let rendered = digest.render();
            assert_eq!(
                rendered, expected,
                "seed {seed}, {style:?}, events {from}..{to}"
            );
            assert_eq!(
                explain_json(&redactor, &whole, style).unwrap(),
                expected,
                "seed {seed}, at once"
            );
            let (events, _) = decode_event_array(&whole).unwrap();
            assert_eq!(
                explain_sanitized(&redactor, events, style),
                expected,
                "seed {seed}, typed events"
            );
            compared += 1;
            if to == all.len() {
                break;
            }
            let next = all.len().min(to + 1 + rng.below(12));
            let chunk = all[to..next].join(if rng.chance(2) { "," } else { " ,\n " });
            digest.push_json(&redactor, &format!("[{chunk}]")).unwrap();
            to = next;
            if rng.chance(3) {
                let k = rng.below(to - from + 2);
                digest.forget(k);
                from = to.min(from + k);
            }
            assert_eq!(digest.len(), to - from);
        }
    }
    compared
}

#[test]
fn incremental_explanations_equal_the_full_re_read_of_the_events_kept_in_both_styles() {
    let compared: usize = (0..150).map(check_session).sum();
    assert!(compared > 1500, "{compared} comparisons");
}

#[test]
fn events_pushed_already_sanitised_render_as_explain_and_explain_backend() {
    for seed in 0..200 {
        let mut rng = Rng(crate::testing::Rng::new(seed * 2 + 1));
        let mut clock = 1_795_000_000_000_000_000i64;
        let text: String = (0..rng.below(60))
            .map(|_| element(&mut rng, &mut clock, "s1").to_string())
            .collect::<Vec<_>>()
            .join(",");
        let (events, _) = decode_event_array(&format!("[{text}]")).unwrap();
        for style in [Style::Sdk, Style::Backend] {
            let mut digest = Digest::new(style);
            for e in events.clone() {
                digest.push_event(e);
            }
            assert_eq!(digest.render(), style.render(&events), "seed {seed}");
        }
    }
}

#[test]
fn arrays_are_split_where_serde_json_reads_elements_and_bad_text_fails_as_a_whole() {
    let redactor = Redactor::new(Config::default()).unwrap();
    let e = r#"{"event_type":"decision","session_id":"s","decision_trace":{"reasoning":"a, ] } [ { \" \\"}}"#;
    let texts = [
        "[]".to_owned(),
        " [ \n ] ".to_owned(),
        format!("[{e}]"),
        format!("[ {e} ,\n{e} ]"),
        format!("[{e},42,\"x,]\",[1,[2]],{{\"a\":\"]\"}}]"),
        "[1,]".into(),
        "[,1]".into(),
        "[1,,2]".into(),
        "[1]]".into(),
        "[1] x".into(),
        "[1 2]".into(),
        "[\u{a0}1]".into(),
        "[".into(),
        "".into(),
        "42".into(),
        "{}".into(),
        "[\"\\\"]".into(),
        format!("[{e}"),
        "[{]}]".into(),
    ];
    for text in &texts {
        for style in [Style::Sdk, Style::Backend] {
            let full = full_reread(&redactor, text, style);
            let mut digest = Digest::new(style);
            let pushed = digest.push_json(&redactor, text);
            assert_eq!(pushed.is_ok(), full.is_ok(), "{text:?}");
            match full {
                Ok(full) => assert_eq!(digest.render(), full, "{text:?}"),
                Err(_) => assert!(digest.is_empty(), "nothing is added on failure: {text:?}"),
            }
        }
    }
}

#[test]
fn forgetting_more_than_is_kept_empties_the_entries_and_keeps_the_start() {
    let redactor = Redactor::new(Config::default()).unwrap();
    let mut digest = Digest::new(Style::Sdk);
    let start = r#"{"event_type":"session_start","session_id":"s9","agent_name":"keeper"}"#;
    digest.set_start_json(&redactor, Some(start)).unwrap();
    digest
        .push_json(
            &redactor,
            r#"[{"event_type":"llm_call","session_id":"s9"}, 7]"#,
        )
        .unwrap();
    assert_eq!(
        digest.len(),
        2,
        "an element that is not an event keeps its place"
    );
    digest.forget(5);
    assert!(digest.is_empty());
    assert_eq!(
        digest.render(),
        full_reread(&redactor, &format!("[{start}]"), Style::Sdk).unwrap()
    );
    assert!(digest.set_start_json(&redactor, Some("{")).is_err());
    digest.set_start_json(&redactor, None).unwrap();
    assert_eq!(
        digest.render(),
        full_reread(&redactor, "[]", Style::Sdk).unwrap()
    );
}
