//! Provider usage payloads priced with the bundled catalog, against
//! `tests/fixtures/analysis/cost_providers.json`.
//!
//! Each case's raw usage object is read with [`usage_from_payload`] onto an `llm_call`
//! event naming the case's model, time and `gen_ai.provider.name`, priced by
//! [`event_cost`] over [`PricingTable::default`] (the crate's bundled catalog), and every
//! expected field is compared: token counts exactly, amounts within [`TOLERANCE`], the
//! price's key, provider and date as given. The period cases go through
//! [`session_cost`]; the traps show what a naive reading of the same payload costs.

use agentlens::analysis::cost::{
    EventCost, PricingTable, event_cost, event_cost_usd, session_cost,
};
use agentlens::import::usage_from_payload;
use agentlens::model::{Event, EventType};
use agentlens::time::UnixNanos;
use serde_json::{Map, Value, json};

/// Amounts are compared within this absolute tolerance (they are at 6 dp).
const TOLERANCE: f64 = 1e-9;

/// The fields of [`EventCost`] every case gives.
const FIELDS: [&str; 19] = [
    "matched",
    "tokens_in",
    "tokens_out",
    "cached_input_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "input_cost",
    "cached_input_cost",
    "cache_write_cost",
    "output_cost",
    "reasoning_cost",
    "other_cost",
    "total_cost",
    "pricing_key",
    "pricing_provider",
    "price_date",
    "price_tier",
    "cached_price_assumed",
    "cache_write_price_assumed",
];

fn fixture() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analysis/cost_providers.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(
        doc["about"].is_string(),
        "the fixture must say where it came from"
    );
    doc
}

/// An `llm_call` event of `model` at `timestamp` from `provider`, its counts read from
/// the raw `usage` object.
fn call(provider: &Value, model: &str, timestamp: &str, usage: &Value) -> Event {
    let at = UnixNanos::parse_rfc3339(timestamp).unwrap();
    let mut e = Event::new(EventType::LlmCall, "providers", at);
    e.model = Some(model.to_owned());
    if let Some(p) = provider.as_str() {
        let mut attrs = Map::new();
        attrs.insert("gen_ai.provider.name".into(), p.into());
        e.attributes = Some(attrs);
    }
    usage_from_payload(usage)
        .unwrap_or_else(|| panic!("{model}: no usage read from {usage}"))
        .apply(&mut e);
    e
}

/// Every one of [`FIELDS`] in `expected` equals the cost's.
fn check(name: &str, cost: &EventCost, expected: &Value) {
    let got = serde_json::to_value(cost).unwrap();
    for field in FIELDS {
        let want = expected
            .get(field)
            .unwrap_or_else(|| panic!("{name}: the fixture gives no {field}"));
        let have = &got[field];
        if field.ends_with("_cost") {
            let (h, w) = (have.as_f64().unwrap(), want.as_f64().unwrap());
            assert!(
                (h - w).abs() <= TOLERANCE,
                "{name}.{field}: got {h}, expected {w}"
            );
        } else {
            assert_eq!(have, want, "{name}.{field}");
        }
    }
}

fn case_events(doc: &Value) -> Vec<(String, Event, Value)> {
    let cases = doc["cases"].as_array().unwrap();
    cases
        .iter()
        .map(|c| {
            let model = c["model"].as_str().unwrap();
            let e = call(
                &c["provider"],
                model,
                c["timestamp"].as_str().unwrap(),
                &c["usage"],
            );
            (
                c["name"].as_str().unwrap().to_owned(),
                e,
                c["expected"].clone(),
            )
        })
        .collect()
}

#[test]
fn every_provider_payload_costs_what_the_hand_computation_says() {
    let doc = fixture();
    let table = PricingTable::default();
    let cases = case_events(&doc);
    assert!(cases.len() >= 12, "{} cases", cases.len());
    for (name, event, expected) in &cases {
        let cost = event_cost(event, &table).unwrap_or_else(|| panic!("{name}: not priced"));
        assert_eq!(Some(cost.model.as_str()), event.model.as_deref());
        check(name, &cost, expected);
        // What the OTLP encoder writes as `agentlens.cost.usd`: the same total, and none
        // (never 0) for a model without a price.
        let usd = event_cost_usd(event, &table);
        assert_eq!(usd, cost.matched.then_some(cost.total_cost), "{name}");
        assert!(
            expected["worked"].as_str().is_some_and(|w| !w.is_empty()),
            "{name}: say how the cost was computed"
        );
        let parts = cost.input_cost
            + cost.cached_input_cost
            + cost.cache_write_cost
            + cost.output_cost
            + cost.reasoning_cost
            + cost.other_cost;
        assert!(
            (parts - cost.total_cost).abs() <= 2e-6,
            "{name}: parts {parts}"
        );
    }
}

#[test]
fn the_same_events_as_one_session_sum_and_report_the_unknown_model() {
    let doc = fixture();
    let table = PricingTable::default();
    let cases = case_events(&doc);
    let events: Vec<Event> = cases.iter().map(|(_, e, _)| e.clone()).collect();
    let s = session_cost(&events, &table);
    let unmatched: Vec<&str> = cases
        .iter()
        .filter(|(_, _, x)| x["unmatched"] == json!(true))
        .map(|(_, e, _)| e.model.as_deref().unwrap())
        .collect();
    assert!(!unmatched.is_empty(), "the fixture has an unknown model");
    assert_eq!(s.unmatched_models, unmatched);
    for (name, _, x) in &cases {
        assert_eq!(
            x["matched"] == json!(false),
            x["unmatched"] == json!(true),
            "{name}: matched false is listed unmatched"
        );
    }
    // Each event in the session costs what it costs alone.
    assert_eq!(s.event_costs.len(), cases.len());
    for ((name, _, x), c) in cases.iter().zip(&s.event_costs) {
        check(name, c, x);
    }
    let sum: f64 = cases
        .iter()
        .map(|(_, _, x)| x["total_cost"].as_f64().unwrap())
        .sum();
    // The session rounds once over unrounded amounts: within half a micro-dollar per event.
    let slack = 0.5e-6 * cases.len() as f64;
    assert!(
        (s.total_cost - sum).abs() <= slack,
        "{} vs {sum}",
        s.total_cost
    );
}

#[test]
fn a_trace_across_a_price_change_is_priced_by_period() {
    let doc = fixture();
    let table = PricingTable::default();
    let periods = doc["period_cases"].as_array().unwrap();
    assert!(!periods.is_empty());
    for p in periods {
        let name = p["name"].as_str().unwrap();
        let model = p["model"].as_str().unwrap();
        let evs = p["events"].as_array().unwrap();
        let events: Vec<Event> = evs
            .iter()
            .map(|e| {
                call(
                    &p["provider"],
                    model,
                    e["timestamp"].as_str().unwrap(),
                    &e["usage"],
                )
            })
            .collect();
        let s = session_cost(&events, &table);
        assert_eq!(s.event_costs.len(), evs.len(), "{name}");
        for (i, (c, e)) in s.event_costs.iter().zip(evs).enumerate() {
            check(&format!("{name}[{i}]"), c, &e["expected"]);
        }
        let dates: Vec<_> = s.event_costs.iter().map(|c| c.price_date.clone()).collect();
        let distinct = dates
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        assert!(distinct >= 2, "{name}: one period only: {dates:?}");
        let x = &p["expected"];
        let total = x["total_cost"].as_f64().unwrap();
        assert!(
            (s.total_cost - total).abs() <= TOLERANCE,
            "{name}: {}",
            s.total_cost
        );
        assert_eq!(json!(s.unmatched_models), x["unmatched_models"], "{name}");
        let used = x["prices_used"].as_array().unwrap();
        assert_eq!(
            s.prices_used.len(),
            used.len(),
            "{name}: {:?}",
            s.prices_used
        );
        for (got, want) in s.prices_used.iter().zip(used) {
            let got = serde_json::to_value(got).unwrap();
            for (k, v) in want.as_object().unwrap() {
                let have = got.get(k).unwrap_or(&Value::Null);
                match (have.as_f64(), v.as_f64()) {
                    (Some(h), Some(w)) => {
                        assert!((h - w).abs() <= TOLERANCE, "{name}: prices_used.{k} {h}")
                    }
                    _ => assert_eq!(have, v, "{name}: prices_used.{k}"),
                }
            }
        }
    }
}

#[test]
fn a_naive_reading_of_the_same_payload_costs_something_else() {
    let doc = fixture();
    let table = PricingTable::default();
    let cases = case_events(&doc);
    let traps = doc["traps"].as_array().unwrap();
    let names: Vec<&str> = traps.iter().map(|t| t["case"].as_str().unwrap()).collect();
    for must in ["anthropic", "bedrock", "openai"] {
        assert!(names.iter().any(|n| n.starts_with(must)), "no {must} trap");
    }
    for t in traps {
        let case = t["case"].as_str().unwrap();
        let (_, event, expected) = cases
            .iter()
            .find(|(n, _, _)| n == case)
            .unwrap_or_else(|| panic!("trap for unknown case {case}"));
        let right = t["right_total_cost"].as_f64().unwrap();
        assert_eq!(expected["total_cost"].as_f64(), Some(right), "{case}");
        assert_eq!(
            event_cost(event, &table).unwrap().total_cost,
            right,
            "{case}"
        );

        // The naive counts on the same model and time, priced by the same engine.
        let n = &t["naive"];
        let mut naive = event.clone();
        naive.tokens_in = n["tokens_in"].as_u64();
        naive.tokens_out = n["tokens_out"].as_u64();
        naive.cached_input_tokens = n["cached_input_tokens"].as_u64();
        let attrs = naive.attributes.get_or_insert_with(Map::new);
        attrs.remove("cache_creation_1h_input_tokens");
        attrs.insert(
            "cache_creation_input_tokens".into(),
            n["cache_write_tokens"].clone(),
        );
        let naive_total = event_cost(&naive, &table).unwrap().total_cost;
        let reading = t["reading"].as_str().unwrap();
        let want = t["naive_total_cost"].as_f64().unwrap();
        assert!(
            (naive_total - want).abs() <= TOLERANCE,
            "{case} ({reading}): naive {naive_total}, fixture says {want}"
        );
        assert!(
            (naive_total - right).abs() > 1e-3 * right.max(1e-6),
            "{case} ({reading}): the naive reading {naive_total} is no trap against {right}"
        );
    }
}
