//! The cost and statistics engines against `tests/fixtures/analysis/cost_*.json`.
//!
//! Each fixture says where its cases come from (`about`). Expected values are a subset
//! of the serialized result: every key given must be present and equal, numbers within
//! [`TOLERANCE`].

use agentlens::analysis::cost::{
    ModelPrice, PricingTable, cost_summary, daily_costs, event_cost, round6, session_cost,
};
use agentlens::analysis::stats::session_stats;
use agentlens::model::Event;
use serde_json::Value;

/// Floats are compared within this absolute tolerance (amounts are at 6 dp).
const TOLERANCE: f64 = 1e-9;

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analysis")
        .join(name);
    let case: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(
        case["about"].is_string(),
        "{name} must say where it came from"
    );
    case
}

fn events(v: &Value) -> Vec<Event> {
    serde_json::from_value(v.clone()).unwrap()
}

/// Asserts that every key of `expected` is in `got` with an equal value.
fn assert_subset(got: &Value, expected: &Value, path: &str) {
    match (got, expected) {
        (Value::Object(g), Value::Object(e)) => {
            for (k, ev) in e {
                let gv = g
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k} missing in {got}"));
                assert_subset(gv, ev, &format!("{path}.{k}"));
            }
        }
        (Value::Array(g), Value::Array(e)) => {
            assert_eq!(g.len(), e.len(), "{path}: length of {got}");
            for (i, (gv, ev)) in g.iter().zip(e).enumerate() {
                assert_subset(gv, ev, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(g), Value::Number(e)) => {
            let (g, e) = (g.as_f64().unwrap(), e.as_f64().unwrap());
            assert!((g - e).abs() <= TOLERANCE, "{path}: got {g}, expected {e}");
        }
        _ => assert_eq!(got, expected, "{path}"),
    }
}

fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn backend_lookup_cases_match_their_expected_keys() {
    // The backend's matching is how a user's own keys match (`PUT /pricing`, `pricing`
    // overrides): a table of the backend's seed keys, with no catalog under it.
    let case = fixture("cost_backend_pricing_lookup.json");
    let mut table = PricingTable::empty();
    for key in case["table_keys"].as_array().unwrap() {
        table
            .set_price(ModelPrice::new(key.as_str().unwrap(), 1.0, 1.0))
            .unwrap();
    }
    let lookups = case["lookups"].as_array().unwrap();
    assert!(lookups.len() >= 10);
    for l in lookups {
        let model = l["model"].as_str().unwrap();
        let got = table.lookup(model).map(|p| p.model);
        assert_eq!(got.as_deref(), l["key"].as_str(), "lookup({model:?})");
    }
}

#[test]
fn backend_session_cost_fixture_matches() {
    let case = fixture("cost_backend_session_costs.json");
    let evs = events(&case["events"]);
    let table = PricingTable::default();
    let s = session_cost(&evs, &table);
    assert_subset(&json(&s), &case["expected_session"], "session");
    assert_subset(
        &json(&s.event_costs),
        &case["expected_event_costs"],
        "event_costs",
    );
    assert_subset(
        &json(&daily_costs(&evs, &table)),
        &case["expected_daily"],
        "daily",
    );
    let summary = cost_summary(&evs, &table);
    assert_subset(&json(&summary), &case["expected_summary"], "summary");
    let percent: f64 = summary.by_model.iter().map(|m| m.percent).sum();
    assert!((percent - 100.0).abs() < 0.05, "{percent}");
    // The per-event function agrees with the roll-up.
    let singles: Vec<_> = evs.iter().filter_map(|e| event_cost(e, &table)).collect();
    assert_eq!(singles, s.event_costs);
    // Statistics reuse the same costs.
    let stats = session_stats(&evs, &table);
    assert_eq!(stats.total_cost, s.total_cost);
    assert_eq!(stats.models, s.model_costs);
    assert_eq!(stats.unmatched_models, s.unmatched_models);
}

#[test]
fn regression_arize_66_cached_tokens_are_not_priced_as_normal_input() {
    let case = fixture("cost_cached_tokens_arize_66.json");
    let evs = events(&case["events"]);
    let table = PricingTable::default();
    let s = session_cost(&evs, &table);
    assert_subset(&json(&s), &case["expected_session"], "session");

    // What peers report: every input token at the input rate.
    let naive: f64 = evs
        .iter()
        .map(|e| {
            let p = table.lookup(e.model.as_deref().unwrap()).unwrap();
            (e.tokens_in.unwrap() as f64 * p.input_per_1m
                + e.tokens_out.unwrap() as f64 * p.output_per_1m)
                / 1e6
        })
        .sum();
    let naive_expected = case["naive_total_cost"].as_f64().unwrap();
    assert!((round6(naive) - naive_expected).abs() <= TOLERANCE);
    assert!(
        naive > 2.0 * s.total_cost,
        "naive {naive} vs {}",
        s.total_cost
    );
    assert!(s.event_costs.iter().all(|c| !c.cached_price_assumed));

    // Without a known cached price the input rate is used, and the result says so.
    let s = session_cost(&events(&case["assumed_events"]), &table);
    assert_subset(&json(&s), &case["expected_assumed"], "assumed");
}

#[test]
fn user_prices_override_and_extend_the_defaults() {
    let case = fixture("cost_backend_session_costs.json");
    let evs = events(&case["events"]);
    let user = PricingTable::from_json(
        r#"[{"model": "acme-llm", "input_per_1m": 1, "output_per_1m": 2, "source": "contract"}]"#,
    )
    .unwrap();
    let table = PricingTable::default()
        .merge(user)
        .with_price(ModelPrice::new("GPT-4o", 5.0, 20.0))
        .unwrap();
    let s = session_cost(&evs, &table);
    assert!(s.unmatched_models.is_empty());
    assert_eq!(s.model_costs["acme-llm"].total_cost, 0.00015);
    assert_eq!(s.pricing_used["acme-llm"].source, "contract");
    assert_eq!(s.model_costs["gpt-4o"].total_cost, 0.0015);
    // The dated snapshot falls back to the overridden gpt-4o price too.
    assert_eq!(s.model_costs["gpt-4o-2024-08-06"].total_cost, 0.015);
}

#[test]
fn session_stats_of_the_fixture_session() {
    let case = fixture("cost_backend_session_costs.json");
    let s = session_stats(&events(&case["events"]), &PricingTable::default());
    assert_eq!(s.total_events, 7);
    assert_eq!(s.events_by_type["llm_call"], 4);
    assert_eq!((s.tool_calls, s.tool_failures, s.errors), (1, 0, 0));
    assert_eq!(s.tools["unknown"].calls, 1);
    let minutes: Vec<_> = s.timeline.iter().map(|b| b.minute.as_str()).collect();
    assert_eq!(
        minutes,
        [
            "2026-01-05T23:59:00Z",
            "2026-01-06T00:00:00Z",
            "2026-01-06T00:01:00Z",
            "2026-01-06T00:02:00Z",
            "2026-01-06T00:03:00Z",
            "2026-01-06T00:04:00Z"
        ]
    );
    assert_eq!(s.timeline[0].total, 2);
    // Everything serializes for the wasm layer.
    let v = json(&s);
    assert!(v["timeline"].is_array() && v["models"].is_object());
}

mod properties {
    use agentlens::analysis::cost::{ModelPrice, PricingTable, event_cost};
    use agentlens::model::{Event, EventType};
    use agentlens::time::UnixNanos;
    use proptest::prelude::*;

    fn any_event() -> impl Strategy<Value = Event> {
        (
            prop::sample::select(vec![
                "llm_call",
                "tool_call",
                "tool_error",
                "error",
                "x_error",
                "session_end",
                "decision",
            ]),
            proptest::option::of(-1_000_000_000_000i64..1_000_000_000_000),
            proptest::option::of(prop_oneof![
                Just(f64::NAN),
                Just(f64::INFINITY),
                0.0f64..1e9
            ]),
            proptest::option::of("[a-z0-9-]{0,8}"),
        )
            .prop_map(|(kind, at, ms, model)| {
                let mut e = Event::new(EventType::parse(kind), "s", UnixNanos(0));
                e.timestamp = at.map(UnixNanos);
                e.duration_ms = ms;
                e.model = model;
                e
            })
    }

    proptest! {
        /// Statistics of any events: no panic, rates within 0..=1, ordered percentiles,
        /// and every timed event in exactly one minute bucket.
        #[test]
        fn stats_are_well_formed(events in proptest::collection::vec(any_event(), 0..40)) {
            let s = agentlens::analysis::stats::session_stats(&events, &PricingTable::default());
            prop_assert!((0.0..=1.0).contains(&s.error_rate));
            prop_assert!((0.0..=1.0).contains(&s.tool_failure_rate));
            if let Some(l) = &s.latency {
                prop_assert!(l.min_ms <= l.p50_ms && l.p50_ms <= l.p95_ms && l.p95_ms <= l.p99_ms && l.p99_ms <= l.max_ms);
            }
            let bucketed: u64 = s.timeline.iter().map(|b| b.total).sum();
            prop_assert_eq!(bucketed + s.untimed_events, events.len() as u64);
            prop_assert!(s.timeline.windows(2).all(|w| w[0].minute < w[1].minute));
        }

        /// Any token counts and model name: no panic, no negative or non-finite cost,
        /// and a cached price never costs more than the input price would.
        #[test]
        fn costs_are_finite_non_negative_and_caching_never_costs_more(
            model in "[a-zA-Z0-9./_ -]{0,24}",
            tin in 0u64..u64::MAX / 2,
            tout in 0u64..u64::MAX / 2,
            cached in proptest::option::of(0u64..u64::MAX / 2),
            reasoning in proptest::option::of(0u64..u64::MAX / 2),
        ) {
            let mut e = Event::new(EventType::LlmCall, "s", UnixNanos(0));
            e.model = Some(model.clone());
            (e.tokens_in, e.tokens_out) = (Some(tin), Some(tout));
            (e.cached_input_tokens, e.reasoning_tokens) = (cached, reasoning);
            let table = PricingTable::default()
                .with_price(ModelPrice::new(format!("{model}x"), 3.0, 15.0).cached(0.3).reasoning(9.0))
                .unwrap();
            if let Some(c) = event_cost(&e, &table) {
                for v in [c.input_cost, c.cached_input_cost, c.output_cost, c.reasoning_cost, c.total_cost] {
                    prop_assert!(v.is_finite() && v >= 0.0, "{v}");
                }
                prop_assert!(c.cached_input_tokens <= c.tokens_in);
                if let Some(p) = table.lookup(&model) {
                    let naive = tin as f64 / 1e6 * p.input_per_1m;
                    prop_assert!(c.input_cost + c.cached_input_cost <= naive * (1.0 + 1e-9) + 1e-6);
                }
            }
        }
    }
}
