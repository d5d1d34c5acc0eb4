//! Alert rules, differential: the streaming evaluator ([`AlertEngine::push`]) against the
//! reference, a second engine evaluating its whole bounded buffer afresh after every
//! event ([`AlertEngine::evaluate`], the one-shot evaluator: every rule re-checked over
//! every buffered event, which is what `push` did before it kept per-rule state).
//!
//! Seeded random streams (types, statuses, models, tools, tokens, costs, durations,
//! sessions, ids or none, times that go back, repeat or are missing) × rules of every
//! condition kind and aggregation, with cooldowns, windows, a disabled rule, a rule added
//! mid-stream, a replaced rule, and buffers small enough to evict.

use std::collections::VecDeque;

use agentlens::analysis::alert::{AlertEngine, AlertResult, AlertRule, EngineConfig};
use agentlens::model::{DecisionTrace, Event, EventType, ToolCall};
use agentlens::time::UnixNanos;
use serde_json::{Map, Value, json};

/// SplitMix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

const KINDS: [EventType; 6] = [
    EventType::LlmCall,
    EventType::ToolCall,
    EventType::ToolError,
    EventType::Error,
    EventType::Decision,
    EventType::Generic,
];

/// One random event; `clock` (seconds) mostly moves forward.
fn event(rng: &mut Rng, i: usize, clock: &mut i64) -> Event {
    let kind = KINDS[rng.below(KINDS.len() as u64) as usize].clone();
    *clock += rng.below(4) as i64;
    let secs = if rng.chance(8) {
        *clock - rng.below(90) as i64
    } else {
        *clock
    };
    let mut e = Event::new(
        kind,
        rng.pick(&["a", "b", "c"]),
        UnixNanos(secs * 1_000_000_000),
    );
    match rng.below(20) {
        0 => e.timestamp = None,
        1 => {
            e.ended_at = e.timestamp.take();
        }
        _ => {}
    }
    e.event_id = (!rng.chance(15)).then(|| format!("{i:016x}"));
    e.model = rng
        .chance(70)
        .then(|| rng.pick(&["gpt-4o", "claude-3", "gpt-4o-mini"]).into());
    e.status = rng
        .chance(60)
        .then(|| rng.pick(&["ok", "error", "timeout"]).into());
    e.tokens_in = rng.chance(80).then(|| rng.below(400));
    e.tokens_out = rng.chance(70).then(|| rng.below(300));
    e.duration_ms = match rng.below(40) {
        0..=9 => None,
        10..=19 => Some(rng.below(9000) as f64),
        // Values a running sum cannot keep exactly: not finite, huge, finer than 2^-64.
        20 => Some([f64::NAN, f64::INFINITY, 3.0e15, -1.0e-30][rng.below(4) as usize]),
        _ => Some(rng.below(900_000) as f64 / 97.0),
    };
    if rng.chance(30) {
        e.tool_call = Some(Box::new(ToolCall {
            tool_name: rng
                .pick(&["shell", "search", "execute_code", "read"])
                .into(),
            ..ToolCall::default()
        }));
    }
    if rng.chance(10) {
        e.decision_trace = Some(Box::new(DecisionTrace {
            confidence: Some(rng.below(101) as f64 / 100.0),
            ..DecisionTrace::default()
        }));
    }
    let mut attrs = Map::new();
    if rng.chance(50) {
        attrs.insert("cost".into(), json!(rng.below(10_000) as f64 / 1e4));
    }
    if rng.chance(30) {
        attrs.insert("n".into(), json!(rng.below(7) as i64 - 3));
    }
    if rng.chance(20) {
        attrs.insert("tag".into(), json!(rng.pick(&["prod", "dev"])));
    }
    e.attributes = (!attrs.is_empty()).then_some(attrs);
    e
}

fn r(name: &str, cooldown: f64, condition: Value) -> AlertRule {
    let mut rule: AlertRule =
        serde_json::from_value(json!({"name": name, "condition": condition})).unwrap();
    rule.cooldown_seconds = cooldown;
    rule
}

/// Rules covering every condition kind, aggregation and operator.
fn rules() -> Vec<AlertRule> {
    let mut out = vec![
        r(
            "thr-tokens",
            0.0,
            json!({"type": "threshold", "metric": "tokens_out", "operator": ">", "value": 4_000}),
        ),
        r(
            "thr-total",
            5.0,
            json!({"type": "threshold", "metric": "total_tokens", "operator": "<=", "value": 50_000}),
        ),
        r(
            "thr-dur",
            0.0,
            json!({"type": "threshold", "metric": "duration_ms", "operator": ">=", "value": 100_000.5}),
        ),
        r(
            "thr-cost",
            2.0,
            json!({"type": "threshold", "metric": "cost", "operator": "<", "value": 40.0}),
        ),
        r(
            "thr-n-zero",
            0.0,
            json!({"type": "threshold", "metric": "n", "operator": "==", "value": 0}),
        ),
        r(
            "thr-missing",
            0.0,
            json!({"type": "threshold", "metric": "nope", "operator": "==", "value": 0}),
        ),
        r(
            "rate-pct",
            0.0,
            json!({"type": "rate", "event_type": "error", "threshold_pct": 30}),
        ),
        r(
            "rate-pct-1",
            3.0,
            json!({"type": "rate", "event_type": "tool_error", "threshold_pct": 0, "window_events": 1}),
        ),
        r(
            "rate-pct-0",
            0.0,
            json!({"type": "rate", "event_type": "llm_call", "threshold_pct": 10, "window_events": 0}),
        ),
        r(
            "rate-pct-7",
            0.0,
            json!({"type": "rate", "event_type": "tool_call", "threshold_pct": 42.8, "window_events": 7}),
        ),
        r(
            "rate-secs",
            0.0,
            json!({"type": "rate", "event_type": "error", "window_seconds": 20, "threshold_count": 3}),
        ),
        r(
            "rate-secs-cd",
            60.0,
            json!({"type": "rate", "event_type": "error", "window_seconds": 60, "threshold_count": 1}),
        ),
        r(
            "rate-secs-pct",
            0.0,
            json!({"type": "rate", "event_type": "decision", "window_seconds": 15, "threshold_pct": 25}),
        ),
        r(
            "rate-secs-none",
            0.0,
            json!({"type": "rate", "event_type": "decision", "window_seconds": 15, "threshold_count": 0, "threshold_pct": 1}),
        ),
        r(
            "rate-secs-0",
            0.0,
            json!({"type": "rate", "event_type": "llm_call", "window_seconds": 0, "threshold_count": 0}),
        ),
        r(
            "cons-3",
            0.0,
            json!({"type": "consecutive", "event_type": "tool_error", "count": 2}),
        ),
        r(
            "cons-1",
            10.0,
            json!({"type": "consecutive", "event_type": "error", "count": 1}),
        ),
        r(
            "cons-0",
            0.0,
            json!({"type": "consecutive", "event_type": "error", "count": 0}),
        ),
        r(
            "cons-big",
            0.0,
            json!({"type": "consecutive", "event_type": "llm_call", "count": 3}),
        ),
        r(
            "pat-tool",
            0.0,
            json!({"type": "pattern", "field": "tool_name", "pattern": "^(shell|execute_code)$"}),
        ),
        r(
            "pat-model",
            30.0,
            json!({"type": "pattern", "field": "model", "pattern": "mini"}),
        ),
        r(
            "pat-status",
            0.0,
            json!({"type": "pattern", "field": "status", "pattern": "timeout"}),
        ),
        r(
            "pat-attr",
            0.0,
            json!({"type": "pattern", "field": "n", "pattern": "^-3$"}),
        ),
        r(
            "pat-type",
            0.0,
            json!({"type": "pattern", "field": "event_type", "pattern": "error"}),
        ),
    ];
    let funcs = ["sum", "avg", "min", "max", "count"];
    let ops = [">", ">=", "<", "<=", "==", "!="];
    let metrics = [
        ("duration_ms", 4000.0),
        ("tokens_in", 200.0),
        ("cost", 0.5),
        ("n", 0.0),
        ("confidence", 0.5),
    ];
    for (k, f) in funcs.iter().enumerate() {
        for (j, (metric, value)) in metrics.iter().enumerate() {
            let window = [0, 1, 3, 50, 100_000][(k + j) % 5];
            let op = if window == 0 {
                "<="
            } else {
                ops[(k + 2 * j + 1) % 6]
            };
            // `==` on a continuous aggregate would never fire; count compares with == too.
            let op = if op == "==" && *f != "count" {
                "!="
            } else {
                op
            };
            let value = match *f {
                "count" => 2.0,
                "min" => value * 0.02,
                _ => *value,
            };
            let cooldown = [0.0, 0.0, 7.5][(k + 2 * j) % 3];
            out.push(r(
                &format!("agg-{f}-{metric}-{window}"),
                cooldown,
                json!({"type": "aggregate", "metric": metric, "agg_func": f, "operator": op, "value": value, "window": window}),
            ));
        }
    }
    let pattern = json!({"type": "pattern", "field": "tool_name", "pattern": "shell"});
    let cons = json!({"type": "consecutive", "event_type": "tool_call", "count": 2});
    let agg = json!({"type": "aggregate", "metric": "tokens_out", "agg_func": "avg", "operator": ">", "value": 150, "window": 4});
    let rate =
        json!({"type": "rate", "event_type": "error", "window_seconds": 30, "threshold_count": 1});
    out.extend([
        r(
            "comp-all",
            0.0,
            json!({"type": "composite", "mode": "all", "conditions": [pattern, agg]}),
        ),
        r(
            "comp-any",
            4.0,
            json!({"type": "composite", "mode": "any", "conditions": [cons, rate, pattern]}),
        ),
        r(
            "comp-empty",
            0.0,
            json!({"type": "composite", "conditions": []}),
        ),
        r(
            "comp-nested",
            0.0,
            json!({"type": "composite", "mode": "any", "conditions": [
            {"type": "composite", "mode": "all", "conditions": [cons, agg]},
            {"type": "threshold", "metric": "cost", "operator": ">", "value": 30}]}),
        ),
    ]);
    let mut off = r(
        "disabled",
        0.0,
        json!({"type": "consecutive", "event_type": "error", "count": 1}),
    );
    off.enabled = false;
    out.push(off);
    out
}

/// Streams `len` events of `seed` through both engines; panics at the first difference.
/// Returns every fired alert, in order, as text.
fn differential(seed: u64, len: usize, config: EngineConfig) -> String {
    let mut rng = Rng(seed);
    let mut streaming = AlertEngine::new(config);
    let mut reference = AlertEngine::new(config);
    for rule in rules() {
        streaming.add(rule.clone()).unwrap();
        reference.add(rule).unwrap();
    }
    let late = r(
        "late",
        1.0,
        json!({"type": "aggregate", "metric": "tokens_out", "agg_func": "sum", "operator": ">", "value": 500, "window": 20}),
    );
    let replaced = r(
        "pat-tool",
        0.0,
        json!({"type": "pattern", "field": "tool_name", "pattern": "read"}),
    );
    let mut buffer: VecDeque<Event> = VecDeque::new();
    let mut log = String::new();
    let mut clock = 0;
    for i in 0..len {
        if i == len / 3 {
            streaming.add(late.clone()).unwrap();
            reference.add(late.clone()).unwrap();
        }
        if i == len / 2 {
            streaming.add(replaced.clone()).unwrap();
            reference.add(replaced.clone()).unwrap();
            assert!(streaming.set_enabled("disabled", true));
            assert!(reference.set_enabled("disabled", true));
        }
        if i == len * 3 / 4 {
            streaming.reset_cooldowns();
            reference.reset_cooldowns();
        }
        let e = event(&mut rng, i, &mut clock);
        if buffer.len() == config.max_events.max(1) {
            buffer.pop_front();
        }
        buffer.push_back(e.clone());
        let got = streaming.push(e);
        let want = reference.evaluate(buffer.make_contiguous());
        assert_eq!(
            got, want,
            "seed {seed}, event {i}, buffer of {}",
            config.max_events
        );
        for a in &got {
            log.push_str(&serde_json::to_string(a).unwrap());
            log.push('\n');
        }
    }
    let history = |e: &AlertEngine| e.history().cloned().collect::<Vec<AlertResult>>();
    assert_eq!(history(&streaming), history(&reference));
    log
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[test]
fn streaming_fires_as_the_whole_buffer_evaluated_afresh() {
    let mut fired = 0;
    let mut digest = 0;
    for (seed, max_events, len) in [
        (1, 1, 300),
        (2, 5, 800),
        (3, 37, 1500),
        (4, 200, 1500),
        (5, 10_000, 600),
        (6, 64, 2500),
    ] {
        let config = EngineConfig {
            max_events,
            max_history: 500,
        };
        let log = differential(seed, len, config);
        fired += log.lines().count();
        digest ^= fnv(&log).rotate_left(seed as u32);
    }
    assert!(fired > 10_000, "the streams fire plenty: {fired}");
    eprintln!("alert stream differential: {fired} alerts, digest {digest:016x}");
}

#[test]
fn every_rule_fires_somewhere_in_the_streams() {
    let log = differential(
        7,
        1500,
        EngineConfig {
            max_events: 50,
            max_history: 10,
        },
    );
    let silent: Vec<String> = rules()
        .into_iter()
        .filter(|r| r.enabled && r.name != "comp-empty" && r.name != "cons-0")
        .map(|r| r.name)
        .filter(|name| !log.contains(&format!("\"rule_name\":\"{name}\"")))
        .collect();
    assert!(silent.is_empty(), "the streams never fire {silent:?}");
}

/// Sums of fractions that land on a threshold: the fold's rounding decides (0.1 ten times
/// is 0.9999999999999999, the exact sum of those ten doubles rounds to 1), and the streaming evaluator must round as the fold does.
#[test]
fn sums_at_a_threshold_round_as_the_fold_does() {
    let mut streaming = AlertEngine::new(EngineConfig {
        max_events: 10,
        max_history: 10,
    });
    let mut reference = streaming.clone();
    for (i, (kind, op, value, window)) in [
        ("threshold", "==", 1.0, 0),
        ("threshold", "<", 1.0, 0),
        ("threshold", ">=", 1.0, 0),
        ("sum", "==", 0.3, 3),
        ("sum", "!=", 0.30000000000000004, 3),
        ("sum", ">", 0.7, 7),
        ("avg", "==", 0.1, 5),
        ("avg", "<", 0.1, 7),
        ("avg", ">=", 0.1, 10),
    ]
    .into_iter()
    .enumerate()
    {
        let condition = if kind == "threshold" {
            json!({"type": "threshold", "metric": "x", "operator": op, "value": value})
        } else {
            json!({"type": "aggregate", "metric": "x", "agg_func": kind, "operator": op, "value": value, "window": window})
        };
        let rule = r(&format!("{kind}{i}"), 0.0, condition);
        streaming.add(rule.clone()).unwrap();
        reference.add(rule).unwrap();
    }
    let mut buffer = VecDeque::new();
    let mut fired = 0;
    for i in 0..200 {
        let mut e = Event::new(EventType::Generic, "s", UnixNanos(i * 1_000_000_000));
        let x = if i % 13 == 12 { 0.2 } else { 0.1 };
        e.attributes = Some(Map::from_iter([("x".to_owned(), json!(x))]));
        if buffer.len() == 10 {
            buffer.pop_front();
        }
        buffer.push_back(e.clone());
        let got = streaming.push(e);
        assert_eq!(
            got,
            reference.evaluate(buffer.make_contiguous()),
            "event {i}"
        );
        fired += got.len();
    }
    assert!(fired > 0);
}
