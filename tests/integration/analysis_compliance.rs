//! Compliance engine: the seed's `sdk/tests/test_compliance.py` (reference D.2) ported,
//! the shared fixtures `tests/fixtures/analysis/compliance_*.json`, the regressions for
//! the seed bugs we fix, and property tests.

use agentlens::analysis::compliance::{
    ComplianceChecker, CompliancePolicy, ComplianceRule, PolicyError, RuleOutcome, SessionView,
    Severity, Verdict, kind, permissive_policy, strict_policy,
};
use agentlens::model::{DecisionTrace, Event, EventType, ToolCall};
use agentlens::time::UnixNanos;
use proptest::prelude::*;
use serde_json::{Value, json};

const T0: i64 = 1_795_000_000_000_000_000;
const SEC: i64 = 1_000_000_000;

/// The seed's `make_event`: an event of `event_type` with model gpt-4o, 10 in / 5 out.
fn ev(event_type: &str) -> Event {
    let mut e = Event::new(EventType::parse(event_type), "s1", UnixNanos(T0 + SEC));
    e.model = Some("gpt-4o".into());
    e.tokens_in = Some(10);
    e.tokens_out = Some(5);
    e
}

fn with_model(mut e: Event, model: &str) -> Event {
    e.model = Some(model.into());
    e
}

fn with_tool(mut e: Event, tool: &str) -> Event {
    e.tool_call = Some(Box::new(ToolCall {
        tool_name: tool.into(),
        ..ToolCall::default()
    }));
    e
}

fn with_reasoning(mut e: Event, reasoning: &str) -> Event {
    e.decision_trace = Some(Box::new(DecisionTrace {
        reasoning: reasoning.into(),
        step: 1,
        ..DecisionTrace::default()
    }));
    e
}

/// The seed's `make_session`: agent `test-agent`, the given totals, and (when `ended`) a
/// `session_end` `duration_s` seconds after the start.
fn session(tokens: (u64, u64), events: Vec<Event>, ended: bool, duration_s: i64) -> SessionView {
    let mut start = Event::new(EventType::SessionStart, "s1", UnixNanos(T0));
    start.agent_name = Some("test-agent".into());
    start.tokens_in = None;
    start.tokens_out = None;
    let mut all = vec![start];
    all.extend(events);
    if ended {
        all.push(Event {
            session_id: "s1".into(),
            event_type: EventType::SessionEnd,
            ended_at: Some(UnixNanos(T0 + duration_s * SEC)),
            status: Some("completed".into()),
            total_tokens_in: Some(tokens.0),
            total_tokens_out: Some(tokens.1),
            ..Event::default()
        });
    }
    let mut view = SessionView::from_owned(all);
    if !ended {
        view.total_tokens_in = tokens.0;
        view.total_tokens_out = tokens.1;
    }
    view
}

fn simple(tokens: (u64, u64), events: Vec<Event>) -> SessionView {
    session(tokens, events, true, 10)
}

fn policy(rules: Value) -> CompliancePolicy {
    CompliancePolicy::from_value(&json!({"name": "test", "rules": rules})).unwrap()
}

fn check(view: &SessionView, rules: Value) -> agentlens::analysis::compliance::ComplianceReport {
    ComplianceChecker::new().check(view, &policy(rules), UnixNanos(T0))
}

fn verdict(view: &SessionView, rules: Value) -> Verdict {
    check(view, rules).results[0].verdict
}

// ── SessionView ────────────────────────────────────────────────────────────────

#[test]
fn session_view_reads_header_facts_from_start_and_end() {
    let view = simple((100, 50), vec![ev("llm_call"), ev("tool_call")]);
    assert_eq!(view.agent_name, "test-agent");
    assert_eq!(view.session_id, "s1");
    assert_eq!(view.status, "completed");
    assert_eq!(view.started_at, Some(UnixNanos(T0)));
    assert_eq!(view.ended_at, Some(UnixNanos(T0 + 10 * SEC)));
    assert_eq!(view.total_tokens(), 150);
    assert_eq!(view.events.len(), 2);
    assert_eq!(view.duration_ms(), Some(10_000.0));
}

#[test]
fn session_view_without_an_end_is_active_and_sums_event_tokens() {
    let view = SessionView::from_events(&[ev("llm_call"), ev("llm_call")]);
    assert_eq!(view.status, "active");
    assert_eq!(view.ended_at, None);
    assert_eq!((view.total_tokens_in, view.total_tokens_out), (20, 10));
    assert_eq!(view.agent_name, "default-agent");
    assert_eq!(view.started_at, Some(UnixNanos(T0 + SEC)));
}

// ── Rules and policies (TestComplianceRule, TestCompliancePolicy) ──────────────

#[test]
fn rule_from_json_and_defaults() {
    let p = policy(
        json!([{"kind": "max_tokens", "limit": 1000, "severity": "warning"}, {"kind": "custom"}]),
    );
    assert_eq!(p.rules[0].kind, "max_tokens");
    assert_eq!(p.rules[0].limit, Some(1000.0));
    assert_eq!(p.rules[0].severity, Severity::Warning);
    let d = &p.rules[1];
    assert_eq!(d.severity, Severity::Error);
    assert!(d.tools.is_empty() && d.models.is_empty() && d.limit.is_none());
    let no_kind = CompliancePolicy::from_json(r#"{"rules":[{}]}"#).unwrap();
    assert_eq!(no_kind.rules[0].kind, "custom");
}

#[test]
fn rule_to_json_omits_defaults() {
    let p = CompliancePolicy {
        rules: vec![
            ComplianceRule::new(kind::FORBIDDEN_TOOLS).with_tools(["rm", "shell"]),
            ComplianceRule::new(kind::MAX_TOKENS)
                .with_limit(100.0)
                .with_severity(Severity::Warning),
        ],
        ..CompliancePolicy::new("p")
    };
    let v: Value = serde_json::from_str(&p.to_json()).unwrap();
    assert_eq!(
        v["rules"][0],
        json!({"kind": "forbidden_tools", "tools": ["rm", "shell"]})
    );
    assert_eq!(
        v["rules"][1],
        json!({"kind": "max_tokens", "limit": 100, "severity": "warning"})
    );
    assert_eq!(v["version"], "1.0");
}

#[test]
fn policy_from_json_and_round_trip() {
    let p = CompliancePolicy::from_json(
        r#"{"name":"prod","description":"Production policy","version":"2.0",
            "rules":[{"kind":"max_tokens","limit":5000},{"kind":"forbidden_tools","tools":["shell"]}]}"#,
    )
    .unwrap();
    assert_eq!((p.name.as_str(), p.version.as_str()), ("prod", "2.0"));
    assert_eq!(p.rules.len(), 2);
    let back = CompliancePolicy::from_json(&p.to_json()).unwrap();
    assert_eq!(back, p);
    let empty = CompliancePolicy::new("empty");
    assert!(empty.rules.is_empty());
    let v: Value = serde_json::from_str(&empty.to_json()).unwrap();
    assert_eq!(v["rules"], json!([]));
}

#[test]
fn policy_errors_name_the_bad_rule_by_index_and_kind() {
    let cases = [
        (
            r#"{"rules":[{"kind":"max_events","limit":5},{"kind":"max_tokens","limit":"lots"}]}"#,
            "rule 1 (max_tokens): limit must be a number",
        ),
        (
            r#"{"rules":[{"kind":"forbidden_tools","tools":"shell"}]}"#,
            "rule 0 (forbidden_tools): tools must be a list of strings",
        ),
        (
            r#"{"rules":[{"kind":"allowed_models","models":["a",3]}]}"#,
            "rule 0 (allowed_models): models must be a list of strings",
        ),
        (
            r#"{"rules":[{"kind":"max_error_rate","severity":"fatal"}]}"#,
            "rule 0 (max_error_rate): severity must be \"error\" or \"warning\"",
        ),
        (
            r#"{"rules":[{"kind":"max_error_rate","threshold":[0.1]}]}"#,
            "rule 0 (max_error_rate): threshold must be a number",
        ),
        (
            r#"{"rules":[{"kind":7}]}"#,
            "rule 0 (?): kind must be a string",
        ),
        (
            r#"{"rules":["max_tokens"]}"#,
            "rule 0 (?): must be a JSON object",
        ),
        (r#"{"rules":{}}"#, "policy rules: must be a list of rules"),
        (r#"{"name":3}"#, "policy name: must be a string"),
    ];
    for (text, message) in cases {
        let err = CompliancePolicy::from_json(text).unwrap_err();
        assert_eq!(err.to_string(), message, "{text}");
    }
    assert!(matches!(
        CompliancePolicy::from_json("{nope"),
        Err(PolicyError::Json(_))
    ));
}

#[test]
fn unknown_kinds_are_accepted_and_skip() {
    let view = simple((100, 50), vec![]);
    let report = check(&view, json!([{"kind": "nonexistent_rule"}]));
    assert_eq!(report.results[0].verdict, Verdict::Skip);
    assert_eq!(
        report.results[0].message,
        "Unknown rule kind: nonexistent_rule"
    );
}

/// Seed bug: a limit rule with no `limit` read it as 0 and failed every session.
#[test]
fn seed_bug_max_rule_without_limit_is_a_policy_error_naming_the_rule() {
    for k in kind::WITH_LIMIT {
        let text = format!(r#"{{"rules":[{{"kind":"max_error_rate"}},{{"kind":"{k}"}}]}}"#);
        let err = CompliancePolicy::from_json(&text).unwrap_err();
        assert_eq!(
            err,
            PolicyError::Rule {
                index: 1,
                kind: k.into(),
                message: format!("limit is required for {k}"),
            }
        );
    }
    // `"limit": null` is the same as no limit.
    assert!(
        CompliancePolicy::from_json(r#"{"rules":[{"kind":"max_events","limit":null}]}"#).is_err()
    );
    // Rate rules keep their seed defaults.
    assert!(CompliancePolicy::from_json(r#"{"rules":[{"kind":"require_reasoning"}]}"#).is_ok());
}

// ── Token rules ────────────────────────────────────────────────────────────────

#[test]
fn max_tokens_pass_fail_and_exact_limit() {
    let r = check(
        &simple((100, 50), vec![]),
        json!([{"kind": "max_tokens", "limit": 200}]),
    );
    assert!(r.compliant);
    assert_eq!(r.results[0].verdict, Verdict::Pass);
    assert_eq!(r.results[0].message, "Total tokens 150 within limit 200");
    let r = check(
        &simple((100, 150), vec![]),
        json!([{"kind": "max_tokens", "limit": 200}]),
    );
    assert!(!r.compliant);
    assert_eq!(r.results[0].verdict, Verdict::Fail);
    assert_eq!(r.results[0].actual_value, json!(250));
    assert_eq!(r.results[0].message, "Total tokens 250 exceeds limit 200");
    let r = check(
        &simple((100, 100), vec![]),
        json!([{"kind": "max_tokens", "limit": 200}]),
    );
    assert!(r.compliant);
}

#[test]
fn min_tokens_pass_and_fail() {
    let rules = json!([{"kind": "min_tokens", "limit": 100}]);
    assert_eq!(
        verdict(&simple((100, 50), vec![]), rules.clone()),
        Verdict::Pass
    );
    let r = check(&simple((10, 5), vec![]), rules);
    assert!(!r.compliant);
    assert_eq!(r.results[0].message, "Total tokens 15 below minimum 100");
}

// ── Model rules ────────────────────────────────────────────────────────────────

#[test]
fn allowed_models_pass_fail_case_insensitive_and_skip() {
    let rules = json!([{"kind": "allowed_models", "models": ["gpt-4o"]}]);
    let ok = simple((100, 50), vec![ev("llm_call"), ev("llm_call")]);
    assert!(check(&ok, rules.clone()).compliant);
    let bad = simple(
        (100, 50),
        vec![ev("llm_call"), with_model(ev("llm_call"), "claude-3")],
    );
    let r = check(&bad, rules.clone());
    assert!(!r.compliant);
    assert!(r.results[0].message.contains("claude-3"));
    assert_eq!(r.results[0].details["violations"], json!(["claude-3"]));
    let upper = simple((100, 50), vec![with_model(ev("llm_call"), "GPT-4O")]);
    assert!(check(&upper, rules.clone()).compliant);
    assert_eq!(verdict(&simple((100, 50), vec![]), rules), Verdict::Skip);
}

#[test]
fn forbidden_models_pass_and_fail() {
    let rules = json!([{"kind": "forbidden_models", "models": ["claude-3"]}]);
    assert!(check(&simple((1, 1), vec![ev("llm_call")]), rules.clone()).compliant);
    let bad = simple((1, 1), vec![with_model(ev("llm_call"), "Claude-3")]);
    let r = check(&bad, rules);
    assert!(!r.compliant);
    assert_eq!(r.results[0].message, "Forbidden models used: claude-3");
}

#[test]
fn model_names_compare_their_ascii_letters_in_any_case_and_the_rest_exactly() {
    let rules = json!([{"kind": "allowed_models", "models": ["Modèle-X"]}]);
    let same = simple((1, 1), vec![with_model(ev("llm_call"), "MODèLE-x")]);
    assert!(check(&same, rules.clone()).compliant);
    // `È` is not `è`: only ASCII letters are folded (the names are identifiers).
    let other = simple((1, 1), vec![with_model(ev("llm_call"), "MODÈLE-X")]);
    let r = check(&other, rules);
    assert!(!r.compliant);
    assert_eq!(r.results[0].details["violations"], json!(["modÈle-x"]));
}

// ── Tool rules ─────────────────────────────────────────────────────────────────

#[test]
fn required_tools_pass_and_fail() {
    let rules = json!([{"kind": "required_tools", "tools": ["safety_check"]}]);
    let ok = simple(
        (1, 1),
        vec![
            with_tool(ev("tool_call"), "safety_check"),
            with_tool(ev("tool_call"), "lookup"),
        ],
    );
    assert!(check(&ok, rules.clone()).compliant);
    let r = check(
        &simple((1, 1), vec![with_tool(ev("tool_call"), "lookup")]),
        rules,
    );
    assert!(!r.compliant);
    assert!(r.results[0].message.contains("safety_check"));
    assert_eq!(r.results[0].details["missing"], json!(["safety_check"]));
}

#[test]
fn forbidden_tools_pass_fail_and_case_insensitive() {
    let rules = json!([{"kind": "forbidden_tools", "tools": ["shell", "rm"]}]);
    assert!(
        check(
            &simple((1, 1), vec![with_tool(ev("tool_call"), "search")]),
            rules.clone()
        )
        .compliant
    );
    let bad = simple(
        (1, 1),
        vec![
            with_tool(ev("tool_call"), "search"),
            with_tool(ev("tool_call"), "SHELL"),
        ],
    );
    let r = check(&bad, rules);
    assert!(!r.compliant);
    assert_eq!(r.results[0].message, "Forbidden tools used: shell");
}

#[test]
fn max_tool_calls_pass_and_fail() {
    let two = simple(
        (1, 1),
        vec![
            with_tool(ev("tool_call"), "a"),
            with_tool(ev("tool_call"), "b"),
        ],
    );
    assert!(check(&two, json!([{"kind": "max_tool_calls", "limit": 5}])).compliant);
    let six = simple(
        (1, 1),
        (0..6)
            .map(|i| with_tool(ev("tool_call"), &format!("t{i}")))
            .collect(),
    );
    let r = check(&six, json!([{"kind": "max_tool_calls", "limit": 3}]));
    assert!(!r.compliant);
    assert_eq!(r.results[0].actual_value, json!(6));
    assert_eq!(r.results[0].message, "Tool calls 6 exceeds limit 3");
}

// ── Event count and duration ───────────────────────────────────────────────────

#[test]
fn event_count_rules() {
    let five = simple((1, 1), (0..5).map(|_| ev("llm_call")).collect());
    let fifteen = simple((1, 1), (0..15).map(|_| ev("llm_call")).collect());
    let one = simple((1, 1), vec![ev("llm_call")]);
    assert!(check(&five, json!([{"kind": "max_events", "limit": 10}])).compliant);
    assert!(!check(&fifteen, json!([{"kind": "max_events", "limit": 10}])).compliant);
    assert!(check(&five, json!([{"kind": "min_events", "limit": 3}])).compliant);
    let r = check(&one, json!([{"kind": "min_events", "limit": 5}]));
    assert!(!r.compliant);
    assert_eq!(r.results[0].message, "Event count 1 below minimum 5");
    // int(limit): 10.9 is 10.
    let r = check(&fifteen, json!([{"kind": "max_events", "limit": 15.9}]));
    assert_eq!(r.results[0].message, "Event count 15 within limit 15");
}

#[test]
fn duration_pass_fail_and_active_skip() {
    let rules = json!([{"kind": "max_duration_ms", "limit": 10000}]);
    let r = check(&session((1, 1), vec![], true, 5), rules.clone());
    assert!(r.compliant);
    assert_eq!(r.results[0].message, "Duration 5000ms within limit 10000ms");
    let r = check(&session((1, 1), vec![], true, 60), rules.clone());
    assert!(!r.compliant);
    assert_eq!(
        r.results[0].message,
        "Duration 60000ms exceeds limit 10000ms"
    );
    let r = check(&session((1, 1), vec![], false, 10), rules);
    assert_eq!(r.results[0].verdict, Verdict::Skip);
    assert_eq!(
        r.results[0].message,
        "Session still active, cannot check duration"
    );
}

// ── Reasoning and error rate ───────────────────────────────────────────────────

#[test]
fn require_reasoning_pass_fail_partial_and_skip() {
    let rules = json!([{"kind": "require_reasoning", "threshold": 1.0}]);
    let ok = simple(
        (1, 1),
        vec![
            with_reasoning(ev("llm_call"), "I chose this because..."),
            with_reasoning(ev("decision"), "Analyzing options..."),
        ],
    );
    assert!(check(&ok, rules.clone()).compliant);
    let half = simple(
        (1, 1),
        vec![
            with_reasoning(ev("llm_call"), "I chose this"),
            ev("llm_call"),
        ],
    );
    let r = check(&half, rules);
    assert!(!r.compliant);
    assert_eq!(
        r.results[0].message,
        "Reasoning coverage 50% below threshold 100% (1/2 decisions)"
    );
    assert!(
        check(
            &half,
            json!([{"kind": "require_reasoning", "threshold": 0.5}])
        )
        .compliant
    );
    let blank = simple((1, 1), vec![with_reasoning(ev("llm_call"), "   ")]);
    assert!(!check(&blank, json!([{"kind": "require_reasoning"}])).compliant);
    let tools_only = simple((1, 1), vec![with_tool(ev("tool_call"), "search")]);
    assert_eq!(
        verdict(&tools_only, json!([{"kind": "require_reasoning"}])),
        Verdict::Skip
    );
}

#[test]
fn max_error_rate_pass_fail_and_skip() {
    let rules = json!([{"kind": "max_error_rate", "threshold": 0.5}]);
    let one = simple((1, 1), vec![ev("llm_call"), ev("llm_call"), ev("error")]);
    let r = check(&one, rules.clone());
    assert!(r.compliant);
    assert_eq!(
        r.results[0].message,
        "Error rate 33.3% within threshold 50.0%"
    );
    let two = simple((1, 1), vec![ev("error"), ev("error"), ev("llm_call")]);
    let r = check(&two, rules);
    assert!(!r.compliant);
    assert_eq!(
        r.results[0].message,
        "Error rate 66.7% exceeds threshold 50.0% (2/3 events)"
    );
    let empty = simple((1, 1), vec![]);
    let r = check(
        &empty,
        json!([{"kind": "max_error_rate", "threshold": 0.1}]),
    );
    assert_eq!(r.results[0].verdict, Verdict::Skip);
    assert_eq!(r.results[0].message, "No events in session");
}

/// Seed bug: `max_error_rate` counted only type exactly `error`, so the decorators'
/// `tool_error` and `agent_error` events never counted.
#[test]
fn seed_bug_max_error_rate_counts_tool_error_and_agent_error() {
    let view = simple(
        (1, 1),
        vec![
            ev("tool_error"),
            ev("agent_error"),
            ev("llm_call"),
            ev("llm_call"),
        ],
    );
    let r = check(
        &view,
        json!([{"kind": "max_error_rate", "threshold": 0.25}]),
    );
    assert!(!r.compliant, "the seed would say 0.0% and pass");
    assert_eq!(
        r.results[0].message,
        "Error rate 50.0% exceeds threshold 25.0% (2/4 events)"
    );
    let custom = simple((1, 1), vec![ev("LLM_ERROR"), ev("llm_call")]);
    let r = check(
        &custom,
        json!([{"kind": "max_error_rate", "threshold": 0.25}]),
    );
    assert_eq!(r.results[0].verdict, Verdict::Fail);
}

// ── Custom validators ──────────────────────────────────────────────────────────

#[test]
fn custom_validator_runs_and_its_error_skips() {
    let mut start = Event::new(EventType::SessionStart, "s1", UnixNanos(T0));
    start.metadata = Some(json!({"environment": "production"}));
    let view = SessionView::from_events(&[start]);
    let mut checker = ComplianceChecker::new();
    checker.register_validator(
        "check_env",
        Box::new(|s: &SessionView, _rule: &ComplianceRule| {
            let prod = s
                .metadata
                .as_ref()
                .is_some_and(|m| m["environment"] == "production");
            Ok(if prod {
                RuleOutcome::new(Verdict::Pass, "Production session")
            } else {
                RuleOutcome::new(Verdict::Fail, "Not a production session")
            })
        }),
    );
    checker.register_validator("broken", Box::new(|_, _| Err("boom".into())));
    let report = checker.check(
        &view,
        &policy(json!([{"kind": "check_env"}, {"kind": "broken"}])),
        UnixNanos(T0),
    );
    assert!(report.compliant);
    assert_eq!(report.results[0].verdict, Verdict::Pass);
    assert_eq!(report.results[1].verdict, Verdict::Skip);
    assert_eq!(report.results[1].message, "Custom validator error: boom");
}

// ── Reports ────────────────────────────────────────────────────────────────────

#[test]
fn report_counters_warnings_and_errors() {
    let view = simple((100, 50), vec![]);
    let r = check(&view, json!([{"kind": "max_tokens", "limit": 1000}]));
    assert!(r.compliant);
    assert_eq!((r.passed, r.failed, r.total_rules), (1, 0, 1));
    let r = check(&view, json!([{"kind": "max_tokens", "limit": 100}]));
    assert!(!r.compliant);
    assert_eq!(r.failed, 1);

    let big = simple((200, 200), vec![]);
    let r = check(
        &big,
        json!([{"kind": "max_tokens", "limit": 100, "severity": "warning"}]),
    );
    assert!(r.compliant, "warnings do not break compliance");
    assert_eq!((r.warnings.len(), r.errors.len()), (1, 0));

    let r = check(
        &big,
        json!([{"kind": "max_tokens", "limit": 100, "severity": "error"},
               {"kind": "max_events", "limit": 1000, "severity": "warning"}]),
    );
    assert!(!r.compliant);
    assert_eq!((r.failed, r.passed), (1, 1));
    assert_eq!(r.errors.len(), 1);
}

#[test]
fn skipped_rules_do_not_break_compliance() {
    let view = session((1, 1), vec![], false, 10);
    let r = check(
        &view,
        json!([{"kind": "max_duration_ms", "limit": 10000}, {"kind": "max_error_rate", "threshold": 0.1}]),
    );
    assert_eq!(r.skipped, 2);
    assert!(r.compliant);
}

#[test]
fn render_shows_status_and_rule_lines() {
    let r = check(
        &simple((100, 50), vec![]),
        json!([{"kind": "max_tokens", "limit": 200}, {"kind": "max_events", "limit": 10}]),
    );
    let text = r.render();
    assert!(text.contains("Compliance Report: test"));
    assert!(text.contains("[+] COMPLIANT"));
    let r = check(
        &simple((500, 500), vec![]),
        json!([{"kind": "max_tokens", "limit": 100}]),
    );
    let text = r.render();
    assert!(text.contains("NON-COMPLIANT"));
    assert!(text.contains("  [X] max_tokens (error)\n      Total tokens 1000 exceeds limit 100"));
}

#[test]
fn report_json_structure() {
    let r = check(
        &simple((100, 50), vec![]),
        json!([{"kind": "max_tokens", "limit": 1000}, {"kind": "max_events", "limit": 100}]),
    );
    let v: Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(v["policy_name"], "test");
    assert_eq!(v["compliant"], true);
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(v["results"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["results"][0],
        json!({"kind": "max_tokens", "severity": "error", "verdict": "pass",
               "message": "Total tokens 150 within limit 1000",
               "actual_value": 150, "expected_value": 1000})
    );
    let back: agentlens::analysis::compliance::ComplianceReport =
        serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}

#[test]
fn check_multiple_checks_each_session() {
    let sessions = [simple((50, 30), vec![]), simple((200, 200), vec![])];
    let reports = ComplianceChecker::new().check_multiple(
        &sessions,
        &policy(json!([{"kind": "max_tokens", "limit": 100}])),
        UnixNanos(T0),
    );
    assert_eq!(reports.len(), 2);
    assert!(reports[0].compliant && !reports[1].compliant);
}

#[test]
fn multi_rule_policies() {
    let clean = session(
        (100, 50),
        vec![with_reasoning(
            with_tool(ev("llm_call"), "search"),
            "Searching for info",
        )],
        true,
        5,
    );
    let r = check(
        &clean,
        json!([{"kind": "max_tokens", "limit": 1000},
               {"kind": "allowed_models", "models": ["gpt-4o"]},
               {"kind": "forbidden_tools", "tools": ["shell"]},
               {"kind": "max_events", "limit": 10},
               {"kind": "max_duration_ms", "limit": 60000}]),
    );
    assert!(r.compliant);
    assert_eq!(r.passed, 5);
    let bad = simple(
        (10_000, 10_000),
        (0..20)
            .map(|_| with_model(ev("llm_call"), "claude-3"))
            .collect(),
    );
    let r = check(
        &bad,
        json!([{"kind": "max_tokens", "limit": 1000},
               {"kind": "allowed_models", "models": ["gpt-4o"]},
               {"kind": "max_events", "limit": 10}]),
    );
    assert!(!r.compliant);
    assert_eq!(r.failed, 3);
}

// ── Presets ────────────────────────────────────────────────────────────────────

#[test]
fn presets() {
    let (s, p) = (strict_policy(), permissive_policy());
    assert_eq!((s.name.as_str(), p.name.as_str()), ("strict", "permissive"));
    assert_eq!(s.rules.len(), 6);
    assert_eq!(p.rules.len(), 3);
    let tokens = |pol: &CompliancePolicy| {
        pol.rules
            .iter()
            .find(|r| r.kind == kind::MAX_TOKENS)
            .and_then(|r| r.limit)
            .unwrap()
    };
    assert!(tokens(&p) > tokens(&s));
    assert_eq!(p.rules[2].severity, Severity::Warning);
    s.validate().unwrap();
    p.validate().unwrap();

    let clean = session(
        (100, 50),
        vec![with_reasoning(ev("llm_call"), "Thinking...")],
        true,
        5,
    );
    assert!(
        ComplianceChecker::new()
            .check(&clean, &s, UnixNanos(T0))
            .compliant
    );
    let risky = session(
        (100, 50),
        vec![
            with_reasoning(ev("llm_call"), "Need to run code"),
            with_tool(ev("tool_call"), "execute_code"),
        ],
        true,
        5,
    );
    let r = ComplianceChecker::new().check(&risky, &s, UnixNanos(T0));
    assert!(!r.compliant);
    assert_eq!(r.errors[0].kind, "forbidden_tools");
}

// ── Shared fixtures ────────────────────────────────────────────────────────────

fn fixtures(prefix: &str) -> Vec<(String, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(".json") {
            let case: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            assert!(
                case["about"].is_string(),
                "{name} must say where it came from"
            );
            out.push((name, case));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_compliance_fixture_gives_its_expected_report() {
    let cases = fixtures("compliance_");
    assert!(cases.len() >= 4, "found {}", cases.len());
    for (name, case) in cases {
        let policy_text = case["policy"].to_string();
        let expected = &case["expected"];
        if let Some(message) = expected["policy_error"].as_str() {
            let err = CompliancePolicy::from_json(&policy_text).unwrap_err();
            assert_eq!(err.to_string(), message, "{name}");
            continue;
        }
        let policy =
            CompliancePolicy::from_json(&policy_text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let events: Vec<Event> = serde_json::from_value(case["events"].clone()).unwrap();
        let checked_at = UnixNanos::parse_rfc3339(case["checked_at"].as_str().unwrap()).unwrap();
        let report =
            ComplianceChecker::new().check(&SessionView::from_owned(events), &policy, checked_at);
        let got = serde_json::to_value(&report).unwrap();
        for key in ["compliant", "passed", "failed", "skipped", "total_rules"] {
            assert_eq!(got[key], expected[key], "{name}: {key}");
        }
        let verdicts: Vec<&Value> = got["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["verdict"])
            .collect();
        let want: Vec<&Value> = expected["verdicts"].as_array().unwrap().iter().collect();
        assert_eq!(verdicts, want, "{name}: verdicts");
        if let Some(messages) = expected["messages"].as_array() {
            let got: Vec<&Value> = got["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| &r["message"])
                .collect();
            assert_eq!(got, messages.iter().collect::<Vec<_>>(), "{name}: messages");
        }
        if let Some(render) = expected["render"].as_str() {
            assert_eq!(report.render(), render, "{name}: render");
        }
    }
}

// ── Properties ─────────────────────────────────────────────────────────────────

fn arb_event() -> impl Strategy<Value = Event> {
    (
        prop::sample::select(vec![
            "llm_call",
            "tool_call",
            "tool_error",
            "agent_error",
            "error",
            "decision",
            "generic",
            "session_start",
            "session_end",
            "",
        ]),
        any::<Option<u64>>(),
        any::<Option<i64>>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(t, tokens, at, tool, reasoning)| {
            let mut e = Event::new(EventType::parse(t), "s", UnixNanos(at.unwrap_or(0)));
            e.timestamp = at.map(UnixNanos);
            e.tokens_in = tokens;
            e.total_tokens_in = tokens;
            e.ended_at = at.map(|a| UnixNanos(a.wrapping_neg()));
            if tool {
                e = with_tool(e, "shell");
            }
            if reasoning {
                e = with_reasoning(e, " ");
            }
            e
        })
}

proptest! {
    #[test]
    fn compliance_of_an_empty_session_never_panics(limit in any::<f64>(), threshold in any::<f64>()) {
        let view = SessionView::from_events(&[]);
        let mut policy = strict_policy();
        for k in kind::WITH_LIMIT.iter().chain(&[kind::MAX_ERROR_RATE, kind::REQUIRE_REASONING, kind::ALLOWED_MODELS, kind::REQUIRED_TOOLS, "mystery"]) {
            policy.rules.push(ComplianceRule::new(*k).with_limit(limit).with_threshold(threshold));
            policy.rules.push(ComplianceRule::new(*k));
        }
        let report = ComplianceChecker::new().check(&view, &policy, UnixNanos(0));
        prop_assert_eq!(report.total_rules, policy.rules.len());
        prop_assert_eq!(report.passed + report.failed + report.skipped, report.total_rules);
        let _ = report.render();
        let _ = report.to_json();
    }

    #[test]
    fn compliance_of_any_session_never_panics(events in prop::collection::vec(arb_event(), 0..20)) {
        let view = SessionView::from_owned(events);
        let mut policy = strict_policy();
        policy.rules.extend(permissive_policy().rules);
        let report = ComplianceChecker::new().check(&view, &policy, UnixNanos(i64::MIN));
        prop_assert_eq!(report.passed + report.failed + report.skipped, report.total_rules);
        let _ = report.render();
    }
}

#[test]
fn a_rule_may_say_type_for_kind() {
    let p = CompliancePolicy::from_json(
        r#"{"rules":[{"type":"forbidden_tools","tools":["shell"]},{"kind":"max_events","type":"x","limit":5}]}"#,
    )
    .unwrap();
    assert_eq!(p.rules[0].kind, "forbidden_tools");
    assert_eq!(p.rules[1].kind, "max_events", "kind wins over type");
}
