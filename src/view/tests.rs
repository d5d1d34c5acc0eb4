//! Tests of the view queries: rows and filters, timelines, charts, the analysis tabs and
//! redaction, over small traces built here.

use serde_json::json;

use super::list::ListFilter;
use super::redaction::{ExtraPattern, RedactionOptions};
use super::*;
use crate::analysis::alert::{AlertEngine, EngineConfig};
use crate::analysis::compliance::strict_policy;
use crate::analysis::explain::{Block, Style, explain_backend};
use crate::analysis::stats::session_stats;
use crate::model::semantics::is_error;
use crate::model::{ErrorInfo, ToolCall};
use crate::time::UnixNanos;

const T0: f64 = 1_790_000_000_000.0;

fn ev(session: &str, kind: &str, at_s: f64) -> Event {
    let mut e = Event::new(
        EventType::parse(kind),
        session,
        UnixNanos::from_unix_ms(T0 + at_s * 1000.0),
    );
    e.event_id = Some(format!("{session}-{kind}-{at_s}"));
    e
}

fn llm(session: &str, at_s: f64, model: &str, tokens: (u64, u64)) -> Event {
    let mut e = ev(session, "llm_call", at_s);
    e.model = Some(model.into());
    (e.tokens_in, e.tokens_out) = (Some(tokens.0), Some(tokens.1));
    e.duration_ms = Some(100.0 * at_s);
    e
}

fn tool(session: &str, at_s: f64, name: &str, failed: bool) -> Event {
    let mut e = ev(
        session,
        if failed { "tool_error" } else { "tool_call" },
        at_s,
    );
    e.tool_call = Some(Box::new(ToolCall {
        tool_name: name.into(),
        ..ToolCall::default()
    }));
    e.duration_ms = Some(5.0);
    e
}

/// Two sessions, interleaved, one out of time order; `b` has an error and ends in error.
fn trace() -> Vec<Event> {
    let mut start = ev("a", "session_start", 0.0);
    start.agent_name = Some("researcher".into());
    let mut err = ev("b", "error", 3.0);
    err.error = Some(Box::new(ErrorInfo {
        error_type: "ValueError".into(),
        message: "bad <img src=x onerror=alert(1)>".into(),
        ..ErrorInfo::default()
    }));
    let mut end_b = ev("b", "session_end", 9.0);
    end_b.status = Some("error".into());
    let mut late = llm("a", 1.0, "gpt-4o", (100, 10));
    late.input_data =
        Some(json!({"prompt": "mail bob@example.com", "api_key": "sk-1234567890abcdefghij"}));
    vec![
        start,
        llm("a", 2.0, "gpt-4o", (200, 20)),
        llm("b", 1.0, "gpt-4o-mini", (50, 5)),
        late,
        tool("a", 3.0, "shell", false),
        err,
        tool("b", 4.0, "shell", true),
        end_b,
    ]
}

fn view() -> TraceView {
    let mut v = TraceView::default();
    v.push(trace());
    v
}

fn keys(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn rows_count_errors_tokens_and_status_by_the_core_rules() {
    let v = view();
    let rows = v.rows(["a", "b"]);
    assert_eq!(rows[0].agent, "researcher");
    assert_eq!(
        (rows[0].status, rows[0].errors, rows[0].tokens),
        ("active", 0, 330)
    );
    let b_events: Vec<Event> = trace()
        .into_iter()
        .filter(|e| e.session_id == "b")
        .collect();
    let errors = b_events.iter().filter(|e| is_error(e)).count() as u64;
    assert_eq!((rows[1].status, rows[1].errors), ("error", errors));
    assert_eq!(
        rows[1].errors, 2,
        "the error and the failed tool; the end is an outcome"
    );
    assert_eq!(rows[0].first, Some(T0));
    assert_eq!(rows[0].duration_ms, 3000.0);
}

#[test]
fn filters_by_menu_values_time_and_text_and_orders_newest_first() {
    let mut v = view();
    let mut only = |f: ListFilter| v.filter(&f).to_vec();
    assert_eq!(only(ListFilter::default()), ["a", "b"]);
    assert_eq!(
        only(ListFilter {
            status: Some("error".into()),
            ..ListFilter::default()
        }),
        ["b"]
    );
    assert_eq!(
        only(ListFilter {
            model: Some("gpt-4o-mini".into()),
            ..ListFilter::default()
        }),
        ["b"]
    );
    assert_eq!(
        only(ListFilter {
            tool: Some("shell".into()),
            ..ListFilter::default()
        }),
        ["a", "b"]
    );
    assert_eq!(
        only(ListFilter {
            q: Some("BOB@example".into()),
            ..ListFilter::default()
        }),
        ["a"],
        "event text, any case"
    );
    assert_eq!(
        only(ListFilter {
            q: Some("nothing like it".into()),
            ..ListFilter::default()
        }),
        Vec::<String>::new()
    );
    assert_eq!(
        only(ListFilter {
            from: Some(T0 + 8_000.0),
            ..ListFilter::default()
        }),
        ["b"]
    );
    assert_eq!(
        only(ListFilter {
            order: Some("newest".into()),
            ..ListFilter::default()
        }),
        ["b", "a"],
        "b starts at 1 s, a at 0 s"
    );
    let f = v.facets();
    assert_eq!(f.models, ["gpt-4o", "gpt-4o-mini"]);
    assert_eq!(f.statuses, ["active", "error"]);
    assert_eq!((f.from, f.to), (Some(T0), Some(T0 + 9_000.0)));
}

#[test]
fn timeline_is_in_time_order_with_runs_nested_and_ends_folded() {
    let mut v = TraceView::default();
    let mut run = ev("s", "run_start", 0.0);
    run.run_id = Some("r1".into());
    run.run_name = Some("plan".into());
    let mut child = ev("s", "run_start", 1.0);
    (child.run_id, child.parent_run_id) = (Some("r2".into()), Some("r1".into()));
    let mut inner = llm("s", 2.0, "gpt-4o", (1, 1));
    inner.run_id = Some("r2".into());
    let mut end = ev("s", "run_end", 5.0);
    (end.run_id, end.status, end.duration_ms) =
        (Some("r1".into()), Some("failed".into()), Some(5000.0));
    v.push([end, inner, child, run]);
    let page = v.timeline("s", 0, 10).unwrap();
    let shown: Vec<(&str, &str, usize)> = page
        .rows
        .iter()
        .map(|r| (r.kind.as_str(), r.label.as_str(), r.depth))
        .collect();
    assert_eq!(
        shown,
        [
            ("run_start", "plan", 0),
            ("run_start", "r2", 1),
            ("llm_call", "gpt-4o", 2)
        ]
    );
    assert_eq!(
        page.rows[0].dur,
        Some(5000.0),
        "the run's duration comes from its end"
    );
    assert!(page.rows[0].error, "its end failed");
    assert_eq!(page.span, 5000.0);
    assert_eq!(v.find_row("s", "run:r2"), Some(1));
    assert_eq!(v.find_row("s", "@2"), Some(2));
    assert_eq!(v.find_row("s", "@9"), None);
    assert_eq!(v.timeline("s", 1, 1).unwrap().rows.len(), 1);
    let detail = v.event_detail("s", 2).unwrap();
    assert_eq!(detail.event.model.as_deref(), Some("gpt-4o"));
    assert!(detail.cost.is_some_and(|c| c.matched && c.total_cost > 0.0));
}

#[test]
fn header_prices_the_session_and_lists_its_tools() {
    let mut v = view();
    let h = v.header("a").unwrap();
    assert_eq!((h.tokens_in, h.tokens_out, h.rows), (300, 30, 4));
    assert_eq!(h.tools, ["shell"]);
    assert!(h.total_cost > 0.0);
    assert!(v.header("zzz").is_none());
}

#[test]
fn charts_agree_with_the_statistics_engine_and_bucket_every_token() {
    let mut v = view();
    let all = v.charts(&keys(&["a", "b"])).unwrap();
    let stats = session_stats(&trace(), &PricingTable::default());
    assert_eq!(
        all.stats, stats,
        "the engine's answer over every session, as held"
    );
    let buckets = &all.over_time.buckets;
    assert_eq!(
        buckets.iter().map(|b| b.tokens_in).sum::<u64>(),
        stats.tokens_in
    );
    assert!(buckets.len() > 1 && buckets.len() <= 60);
    let binned: u64 =
        all.histogram.bins.iter().map(|b| b.count).sum::<u64>() + all.histogram.overflow;
    assert_eq!(binned, stats.latency.unwrap().count);
    assert_eq!(
        (
            all.stats.tools["shell"].calls,
            all.stats.tools["shell"].failures
        ),
        (2, 1)
    );
    assert_eq!(all.models, ["gpt-4o", "gpt-4o-mini"], "most tokens first");
    assert_eq!(all.tools, ["shell"]);
    let one = v.charts(&keys(&["b", "nope"])).unwrap();
    assert_eq!(
        (one.sessions, one.stats.tokens_in, one.stats.errors),
        (1, 50, 2)
    );
    assert!(v.charts(&keys(&["nope"])).is_none());
}

#[test]
fn alerts_stream_in_arrival_order_and_bad_rules_are_named() {
    let v = view();
    let rules = r#"[{"name": "shell", "severity": "critical", "condition": {"type": "pattern", "field": "tool_name", "pattern": "^shell$"}}]"#;
    let all = v.alerts(rules, None).unwrap();
    let mut engine =
        AlertEngine::from_json(&format!("{{\"rules\":{rules}}}"), EngineConfig::default()).unwrap();
    let fired: usize = trace().into_iter().map(|e| engine.push(e).len()).sum();
    assert!(fired > 0);
    assert_eq!(
        (all.rules, all.evaluated, all.fired),
        (1, 8, fired),
        "the engine's own count, pushed in arrival order"
    );
    assert_eq!(all.by_severity["critical"], fired as u64);
    assert_eq!(
        all.alerts[0].on.index, 4,
        "first fired on the first shell call"
    );
    assert_eq!(all.alerts[0].on.event_type, "tool_call");
    let only_b = v.alerts(rules, Some(&keys(&["b"]))).unwrap();
    assert_eq!(only_b.evaluated, 4);
    assert_eq!(only_b.alerts[0].on.session_id, "b");
    assert!(
        v.alerts("nope", None)
            .unwrap_err()
            .to_string()
            .contains("not valid JSON")
    );
    let bad = r#"{"rules": [{"name": "x", "condition": {"type": "pattern", "field": "f", "pattern": "("}}]}"#;
    assert!(
        v.alerts(bad, None)
            .unwrap_err()
            .to_string()
            .contains("invalid alert pattern")
    );
}

#[test]
fn compliance_drift_and_explain_run_over_held_sessions() {
    let mut v = view();
    let policy = serde_json::to_string(&strict_policy()).unwrap();
    let c = v
        .compliance(&policy, &keys(&["a", "b", "nope"]), UnixNanos(0))
        .unwrap();
    assert_eq!(c.sessions.len(), 2);
    assert_eq!(c.compliant + c.non_compliant, 2);
    assert!(!c.sessions[0].text.is_empty());
    assert!(
        v.compliance("{nope", &[], UnixNanos(0)).is_err(),
        "a bad policy is named even with no session"
    );

    let d = v.drift_split(&keys(&["a", "b"]), 50.0, 0.5).unwrap();
    assert_eq!((d.baseline.sessions, d.current.sessions), (1, 1));
    assert_eq!(d.baseline.from_ms, Some(T0));
    assert!(v.drift_split(&keys(&["a"]), 50.0, 0.5).is_err());
    assert!(
        v.drift(&keys(&["a"]), None, 0.0).is_err(),
        "threshold must be positive"
    );
    assert_eq!(
        v.drift(&keys(&["a"]), None, 0.5).unwrap().current.sessions,
        1,
        "the rest"
    );

    let x = v.explain("a", Style::Backend).unwrap();
    assert!(!x.markdown.contains("bob@example.com"), "redacted first");
    let events: Vec<Event> = v.events_of(&["a"]);
    assert!(
        explain_backend(&events).contains("bob@example.com"),
        "the raw explanation would show it"
    );
    assert!(matches!(x.blocks[0], Block::Heading { level: 2, .. }));
    assert!(v.explain("nope", Style::Sdk).is_err());
}

#[test]
fn redaction_counts_every_event_diffs_a_sample_and_saves_ndjson() {
    let v = view();
    let p = v.redaction_preview(&RedactionOptions::default()).unwrap();
    assert_eq!((p.events, p.written, p.compared), (8, 8, 8));
    assert_eq!(p.changed, 1);
    let changes = &p.sample[0].changes;
    let prompt = changes
        .iter()
        .find(|c| c.path == "input_data.prompt")
        .unwrap();
    assert!(prompt.before.contains("bob@example.com") && !prompt.after.contains("bob@example.com"));
    assert!(changes.iter().any(|c| c.path == "input_data.api_key"));
    let saved = v
        .redacted_ndjson(&RedactionOptions::default(), "test")
        .unwrap();
    let text = String::from_utf8(saved.ndjson).unwrap();
    assert_eq!(text.lines().count(), 9, "a header and every event");
    assert!(!text.contains("bob@example.com") && !text.contains("sk-1234567890"));
    assert!(text.contains("researcher"));
    let extra = RedactionOptions {
        extra_keys: vec![" prompt ".into()],
        extra_patterns: vec![ExtraPattern {
            name: String::new(),
            regex: "gpt-4o-mini".into(),
        }],
        ..RedactionOptions::default()
    };
    let p = v.redaction_preview(&extra).unwrap();
    assert_eq!(p.report.by_pattern.get("custom_1"), Some(&1));
    let broken = RedactionOptions {
        extra_patterns: vec![ExtraPattern {
            name: "broken".into(),
            regex: "([a-z".into(),
        }],
        ..RedactionOptions::default()
    };
    assert!(
        v.redaction_preview(&broken)
            .unwrap_err()
            .to_string()
            .contains("broken")
    );
}

#[test]
fn push_new_keeps_one_copy_of_each_event_and_names_the_changed_sessions() {
    let mut v = TraceView::default();
    assert_eq!(v.push_new(trace()), ["a", "b"]);
    assert_eq!(v.push_new(trace()), Vec::<String>::new());
    let mut fresh = ev("b", "llm_call", 7.0);
    fresh.event_id = None;
    assert_eq!(v.push_new([fresh.clone(), fresh]), ["b"]);
    assert_eq!(v.event_count(), 10, "events without an id are always new");
}

#[test]
fn answer_reads_json_arguments_and_pages_the_last_filter() {
    let mut v = view();
    assert_eq!(
        v.answer("filter", r#"{"status": "error"}"#).unwrap(),
        r#"["b"]"#
    );
    let rows: serde_json::Value =
        serde_json::from_str(&v.answer("rows", r#"{"offset": 0, "limit": 5}"#).unwrap()).unwrap();
    assert_eq!(rows[0]["id"], "b");
    assert_eq!(rows[0]["durationMs"], 8000.0);
    let page: serde_json::Value = serde_json::from_str(
        &v.answer("timeline", r#"{"id": "a", "offset": 1, "limit": 2}"#)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (
            page["total"].as_u64(),
            page["rows"].as_array().map(Vec::len)
        ),
        (Some(4), Some(2))
    );
    assert_eq!(page["rows"][0]["type"], "llm_call");
    assert_eq!(v.answer("header", r#"{"id": "nope"}"#).unwrap(), "null");
    assert_eq!(
        v.answer("findRow", r#"{"id": "a", "ref": "nope"}"#)
            .unwrap(),
        "-1"
    );
    let detail: serde_json::Value =
        serde_json::from_str(&v.answer("event", r#"{"id": "a", "n": 1}"#).unwrap()).unwrap();
    assert_eq!(detail["event"]["model"], "gpt-4o");
    let drift = v
        .answer("drift", r#"{"baseline": ["a"], "threshold": 0.5}"#)
        .unwrap();
    assert!(drift.contains("\"current\":{\"sessions\":1"), "{drift}");
    let explained = v
        .answer("explain", r#"{"id": "b", "style": "backend"}"#)
        .unwrap();
    assert!(
        explained.contains("\"blocks\":[{\"kind\":\"heading\""),
        "{explained}"
    );
    assert!(
        v.answer("nope", "{}")
            .unwrap_err()
            .to_string()
            .contains("unknown query")
    );
    assert!(v.answer("rows", "{oops").is_err());
}

#[test]
fn reads_files_in_chunks_and_answers_the_host_queries() {
    let lines: Vec<Vec<u8>> = trace()
        .iter()
        .map(crate::encode::ndjson::encode_line)
        .collect();
    let bytes = lines.concat();
    let mut v = TraceView::default();
    let (a, b) = bytes.split_at(bytes.len() / 2 + 3);
    let read = v.read(a).unwrap() + v.read(b).unwrap();
    let finished: serde_json::Value =
        serde_json::from_str(&v.answer("finish", "{}").unwrap()).unwrap();
    assert_eq!(finished["format"], "ndjson");
    assert!(
        read <= 8 && v.event_count() == 8,
        "the last line completes at the end"
    );
    assert_eq!(
        v.answer("counts", "{}").unwrap(),
        r#"{"events":8,"sessions":2}"#
    );
    assert!(v.read(b"{not json\n").is_ok_and(|n| n == 0));
    assert!(
        v.answer("finish", "{}").is_err() || v.event_count() == 8,
        "a bad line is an error or a warning, never an event"
    );
    let again = format!(
        r#"{{"events": [{}]}}"#,
        String::from_utf8(lines[1].clone()).unwrap().trim()
    );
    assert_eq!(v.answer("clear", "{}").unwrap(), "null");
    assert_eq!(
        v.answer("counts", "{}").unwrap(),
        r#"{"events":0,"sessions":0}"#
    );
    assert_eq!(v.answer("pushNew", &again).unwrap(), r#"["a"]"#);
    assert_eq!(v.answer("pushNew", &again).unwrap(), "[]", "held already");
    assert_eq!(v.event_count(), 1);
}

#[test]
fn session_totals_follow_the_cores_rule_an_ends_own_total_wins() {
    let mut start = ev("t", "session_start", 0.0);
    start.tokens_in = Some(1_000);
    let mut end = ev("t", "session_end", 9.0);
    (end.total_tokens_in, end.total_tokens_out) = (Some(9_999), Some(0));
    let events = vec![
        start,
        llm("t", 1.0, "gpt-4o", (120, 30)),
        llm("t", 2.0, "gpt-4o", (400, 5)),
        end,
    ];
    let compared = crate::analysis::stats::compare_metrics(&events);
    let mut v = TraceView::default();
    v.push(events);
    let h = v.header("t").unwrap();
    assert_eq!(
        (h.tokens_in, h.tokens_out),
        (9_999, 35),
        "the end's total above zero wins; its 0 leaves the sum; a start adds nothing"
    );
    assert_eq!(
        (compared.total_tokens_in, compared.total_tokens_out),
        (h.tokens_in, h.tokens_out),
        "as the statistics engine says"
    );
}

#[test]
fn pricing_overrides_price_every_answer_until_replaced_and_survive_clear() {
    let mut v = view();
    let default_cost = v.header("a").unwrap().total_cost;
    let overrides = r#"{"overrides": [{"model": "gpt-4o", "input_per_1m": 1000, "output_per_1m": 0, "source": "collector"}]}"#;
    let held: usize = v.answer("pricing", overrides).unwrap().parse().unwrap();
    assert_eq!(held, 1, "the override alone: the catalog stays under it");
    // Session a: 300 tokens in at $1000 per 1M, nothing for output.
    assert!((v.header("a").unwrap().total_cost - 0.3).abs() < 1e-9);
    let detail = v.event_detail("a", 2).unwrap().cost.unwrap();
    assert!(detail.matched && (detail.total_cost - 0.2).abs() < 1e-9);
    assert_eq!(v.answer("clear", "{}").unwrap(), "null");
    v.push(trace());
    assert!(
        (v.header("a").unwrap().total_cost - 0.3).abs() < 1e-9,
        "clear keeps the prices"
    );
    let bad = r#"{"overrides": {"gpt-4o": {"input_per_1m": -1, "output_per_1m": 0}}}"#;
    assert!(
        v.answer("pricing", bad)
            .unwrap_err()
            .to_string()
            .contains("gpt-4o")
    );
    assert!(
        (v.header("a").unwrap().total_cost - 0.3).abs() < 1e-9,
        "a refused table changes nothing"
    );
    v.answer("pricing", "{}").unwrap();
    assert_eq!(v.header("a").unwrap().total_cost, default_cost);
}

#[test]
fn a_saved_redacted_copy_tags_ids_with_the_key_it_is_given() {
    let mut v = TraceView::default();
    let mut e = Event::new(EventType::LlmCall, "sess-alice@example.com", UnixNanos(0));
    e.model = Some("gpt-4o".into());
    v.push(vec![e]);
    let saved = |key: Option<u8>| {
        let options = RedactionOptions {
            id_key: key.map(|k| crate::redact::IdKey::from_seed(&[k; 32])),
            ..RedactionOptions::default()
        };
        String::from_utf8(v.redacted_ndjson(&options, "test").unwrap().ndjson).unwrap()
    };
    let (fixed, a, a_again, b) = (saved(None), saved(Some(1)), saved(Some(1)), saved(Some(2)));
    for text in [&fixed, &a, &b] {
        assert!(!text.contains("alice@example.com"), "{text}");
    }
    assert_eq!(a, a_again, "the same key, the same tags");
    assert_ne!(a, b, "another key, other tags");
    assert_ne!(a, fixed, "a given key is not the public one");
}
