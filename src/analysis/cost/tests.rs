//! Unit tests of the cost engine; cases ported from the backend's `pricing.test.js`
//! (reference D.1) are named `pricing_test_js_*`.

use super::*;
use crate::model::{Event, EventType};
use crate::time::UnixNanos;

fn llm(model: &str, tin: u64, tout: u64) -> Event {
    let mut e = Event::new(EventType::LlmCall, "s1", UnixNanos(0));
    e.model = Some(model.into());
    e.tokens_in = Some(tin);
    e.tokens_out = Some(tout);
    e
}

fn key(t: &PricingTable, model: &str) -> Option<String> {
    t.lookup(model).map(|p| p.model)
}

/// A user's table with the backend's seed keys, to test how user keys match.
fn seed_keys() -> PricingTable {
    let mut t = PricingTable::empty();
    for (model, input, output) in [
        ("gpt-4", 30.0, 60.0),
        ("gpt-4-turbo", 10.0, 30.0),
        ("gpt-4o", 2.5, 10.0),
        ("gpt-4o-mini", 0.15, 0.6),
        ("gpt-4.1-nano", 0.1, 0.4),
        ("claude-3-opus", 15.0, 75.0),
    ] {
        t.set_price(ModelPrice::new(model, input, output)).unwrap();
    }
    t
}

#[test]
fn the_default_table_is_the_bundled_catalog_alone() {
    let t = PricingTable::default();
    assert_eq!(t.len(), 0);
    let p = t.lookup("gpt-4o").unwrap();
    assert_eq!((p.input_per_1m, p.output_per_1m), (2.5, 10.0));
    assert_eq!(p.cached_input_per_1m, Some(1.25));
    assert_eq!(p.provider.as_deref(), Some("openai"));
    assert!(p.source.starts_with("genai-prices "), "{}", p.source);
    let p = t.lookup("claude-3-haiku-20240307").unwrap();
    assert_eq!(
        (p.cached_input_per_1m, p.cache_write_per_1m),
        (Some(0.03), Some(0.3))
    );
    // Seed bug #28 (gpt-4o billed as gpt-4) cannot happen in the catalog either.
    assert_eq!(key(&t, "gpt-4o").as_deref(), Some("gpt-4o"));
    assert_eq!(t.lookup("gpt-4").unwrap().input_per_1m, 30.0);
    assert!(PricingTable::empty().lookup("gpt-4o").is_none());
}

#[test]
fn pricing_test_js_delimiter_boundary_fuzzy_match() {
    let t = seed_keys();
    assert_eq!(key(&t, "gpt-4o-2024-05-13").as_deref(), Some("gpt-4o"));
    assert_eq!(key(&t, "gpt-4-turbo-x").as_deref(), Some("gpt-4-turbo"));
    assert_eq!(
        key(&t, "claude-3-opus-20240229").as_deref(),
        Some("claude-3-opus")
    );
    for d in ["-", "_", ".", "/", " "] {
        assert_eq!(
            key(&t, &format!("gpt-4o{d}x")).as_deref(),
            Some("gpt-4o"),
            "{d:?}"
        );
    }
}

#[test]
fn pricing_test_js_longest_key_wins() {
    let t = seed_keys();
    assert_eq!(
        key(&t, "gpt-4o-mini-2024-07-18").as_deref(),
        Some("gpt-4o-mini")
    );
    assert_eq!(key(&t, "gpt-4.1-nano-x").as_deref(), Some("gpt-4.1-nano"));
    assert_eq!(key(&t, "gpt-4-0613").as_deref(), Some("gpt-4"));
}

#[test]
fn pricing_test_js_no_match_without_a_boundary() {
    let t = seed_keys();
    // Seed bug #28: gpt-4o billed at the gpt-4 rate through substring matching.
    assert_eq!(key(&t, "gpt-4o").as_deref(), Some("gpt-4o"));
    assert_eq!(key(&t, "gpt-4oo"), None);
    assert_eq!(key(&t, "gpt-40"), None);
    assert_eq!(key(&t, "my-gpt-4o"), None);
    assert_eq!(key(&t, ""), None);
    assert_eq!(key(&t, "   "), None);
}

#[test]
fn lookup_is_case_insensitive_and_exact_first() {
    let t = PricingTable::default()
        .with_price(ModelPrice::new("GPT-4o-2024-05-13", 1.0, 1.0))
        .unwrap();
    assert_eq!(
        key(&t, "gpt-4o-2024-05-13").as_deref(),
        Some("gpt-4o-2024-05-13")
    );
    assert_eq!(key(&t, "GPT-4O-2024-08-06").as_deref(), Some("gpt-4o"));
}

#[test]
fn pricing_test_js_six_dp_rounding() {
    let t = PricingTable::default();
    // The verified anchor: gpt-4o 120 in / 45 out = $0.00075.
    let c = event_cost(&llm("gpt-4o", 120, 45), &t).unwrap();
    assert_eq!(c.input_cost, 0.0003);
    assert_eq!(c.output_cost, 0.00045);
    assert_eq!(c.total_cost, 0.00075);
    // 7 tokens of gpt-4o-mini input = 0.00000105 → 0.000001.
    let c = event_cost(&llm("gpt-4o-mini", 7, 0), &t).unwrap();
    assert_eq!(c.total_cost, 0.000001);
    assert_eq!(round6(0.123_456_789), 0.123_457);
}

#[test]
fn zero_prices_are_allowed() {
    let t = PricingTable::empty()
        .with_price(ModelPrice::new("free", 0.0, 0.0))
        .unwrap();
    let c = event_cost(&llm("free", 1000, 1000), &t).unwrap();
    assert!(c.matched);
    assert_eq!(c.total_cost, 0.0);
}

#[test]
fn bad_prices_are_errors_naming_the_entry() {
    for bad in [
        ModelPrice::new("m", f64::NAN, 1.0),
        ModelPrice::new("m", 1.0, -1.0),
        ModelPrice::new("m", 1.0, 1.0).cached(f64::INFINITY),
        ModelPrice::new("m", 1.0, 1.0).reasoning(-0.5),
        ModelPrice {
            currency: "EUR".into(),
            ..ModelPrice::new("m", 1.0, 1.0)
        },
    ] {
        let err = PricingTable::empty().with_price(bad).unwrap_err();
        assert_eq!(err.entry, "m");
        assert!(err.to_string().starts_with("pricing entry m: "), "{err}");
    }
    assert!(
        PricingTable::empty()
            .with_price(ModelPrice::new(" ", 1.0, 1.0))
            .is_err()
    );
}

#[test]
fn json_round_trips_and_names_bad_entries() {
    let t = seed_keys();
    let back = PricingTable::from_json(&t.to_json()).unwrap();
    assert_eq!(back, t);

    let err = PricingTable::from_json(
        r#"[{"model":"a","input_per_1m":1,"output_per_1m":1},{"input_per_1m":1}]"#,
    )
    .unwrap_err();
    assert_eq!(err.entry, "#1");
    let err =
        PricingTable::from_json(r#"{"b": {"input_per_1m": "x", "output_per_1m": 1}}"#).unwrap_err();
    assert_eq!(err.entry, "b");
    let err =
        PricingTable::from_json(r#"{"c": {"input_per_1m": 1, "output_per_1m": -2}}"#).unwrap_err();
    assert_eq!(err.entry, "c");
    assert!(err.message.contains("output_per_1m"), "{err}");
    assert_eq!(PricingTable::from_json("3").unwrap_err().entry, "table");
    assert_eq!(PricingTable::from_json("{").unwrap_err().entry, "table");

    // The backend's field names.
    let t = PricingTable::from_json(
        r#"{"Acme": {"input_cost_per_1m": 1, "output_cost_per_1m": 2, "currency": "usd"}}"#,
    )
    .unwrap();
    let p = t.lookup("acme").unwrap();
    assert_eq!((p.input_per_1m, p.output_per_1m), (1.0, 2.0));
    assert_eq!(p.currency, "USD");
    assert_eq!(p.source, "user");
}

#[test]
fn merge_and_remove_override_defaults() {
    let user =
        PricingTable::from_json(r#"{"gpt-4o": {"input_per_1m": 5, "output_per_1m": 15}}"#).unwrap();
    let mut t = PricingTable::default().merge(user);
    assert_eq!(t.lookup("gpt-4o-2024").unwrap().input_per_1m, 5.0);
    assert!(t.remove("GPT-4O").is_some());
    // Back to the catalog's price.
    assert_eq!(t.lookup("gpt-4o").unwrap().input_per_1m, 2.5);
    assert_eq!(
        t.lookup("gpt-4o").unwrap().source,
        PricingTable::default().lookup("gpt-4o").unwrap().source
    );
}

#[test]
fn cached_tokens_are_priced_at_the_cached_rate() {
    let t = PricingTable::default();
    let mut e = llm("gpt-4o", 1_000_000, 0);
    e.cached_input_tokens = Some(800_000);
    let c = event_cost(&e, &t).unwrap();
    assert_eq!(c.input_cost, 0.5); // 200k × 2.50
    assert_eq!(c.cached_input_cost, 1.0); // 800k × 1.25
    assert_eq!(c.total_cost, 1.5);
    assert!(!c.cached_price_assumed);
}

#[test]
fn cached_tokens_without_a_cached_price_are_flagged() {
    let t = PricingTable::default();
    let mut e = llm("gpt-4", 1000, 0);
    e.cached_input_tokens = Some(400);
    let c = event_cost(&e, &t).unwrap();
    assert!(c.cached_price_assumed);
    assert_eq!(c.total_cost, 0.03);
    let s = session_cost(&[e], &t);
    assert!(s.cached_price_assumed);
    assert!(s.model_costs["gpt-4"].cached_price_assumed);
    // No cached tokens: nothing was assumed.
    assert!(
        !event_cost(&llm("gpt-4", 1000, 0), &t)
            .unwrap()
            .cached_price_assumed
    );
}

#[test]
fn cached_tokens_above_input_are_clamped() {
    let mut e = llm("gpt-4o", 100, 0);
    e.cached_input_tokens = Some(500);
    let c = event_cost(&e, &PricingTable::default()).unwrap();
    assert_eq!(c.cached_input_tokens, 100);
    assert_eq!(c.input_cost, 0.0);
}

#[test]
fn reasoning_tokens_are_output_unless_priced_apart() {
    let mut e = llm("o3", 0, 1_000_000);
    e.reasoning_tokens = Some(600_000);
    let t = PricingTable::default();
    let c = event_cost(&e, &t).unwrap();
    assert_eq!(
        (c.output_cost, c.reasoning_cost, c.total_cost),
        (40.0, 0.0, 40.0)
    );
    let t = t
        .with_price(ModelPrice::new("o3", 10.0, 40.0).reasoning(20.0))
        .unwrap();
    let c = event_cost(&e, &t).unwrap();
    assert_eq!(
        (c.output_cost, c.reasoning_cost, c.total_cost),
        (16.0, 12.0, 28.0)
    );
}

#[test]
fn unmatched_models_are_reported_not_silently_zero() {
    let t = PricingTable::default();
    let events = [
        llm("mystery-1", 100, 100),
        llm("gpt-4o", 120, 45),
        llm("mystery-1", 1, 1),
    ];
    let s = session_cost(&events, &t);
    assert_eq!(s.unmatched_models, ["mystery-1"]);
    assert!(!s.model_costs["mystery-1"].matched);
    assert_eq!(s.model_costs["mystery-1"].calls, 2);
    assert_eq!(s.total_cost, 0.00075);
    assert!(!s.event_costs[0].matched);
    assert_eq!(s.pricing_used.keys().collect::<Vec<_>>(), ["gpt-4o"]);
}

#[test]
fn session_aggregates_per_model_and_skips_session_records() {
    let t = PricingTable::default();
    let mut start = Event::new(EventType::SessionStart, "s1", UnixNanos(0));
    start.model = Some("gpt-4".into());
    let mut end = Event::new(EventType::SessionEnd, "s1", UnixNanos(0));
    end.total_tokens_in = Some(10_000);
    let mut tool = Event::new(EventType::ToolCall, "s1", UnixNanos(0));
    tool.tokens_in = Some(7);
    let events = [
        start,
        llm("gpt-4o", 120, 45),
        llm("gpt-4o", 120, 45),
        llm("claude-3-haiku", 1000, 1000),
        tool,
        end,
    ];
    let s = session_cost(&events, &t);
    assert_eq!(s.session_id, "s1");
    assert_eq!(s.event_costs.len(), 3);
    assert_eq!(s.model_costs["gpt-4o"].calls, 2);
    assert_eq!(s.model_costs["gpt-4o"].total_cost, 0.0015);
    assert_eq!(s.model_costs["claude-3-haiku"].total_cost, 0.0015);
    assert_eq!(s.total_cost, 0.003);
    assert_eq!(s.total_input_cost, 0.00085);
    assert_eq!(s.total_output_cost, 0.00215);
    assert_eq!((s.tokens_in, s.tokens_out), (1247, 1090));
    assert_eq!((s.unpriced_tokens_in, s.unpriced_tokens_out), (7, 0));
    assert!(s.unmatched_models.is_empty());
}

#[test]
fn empty_input_costs_nothing() {
    let s = session_cost(&[], &PricingTable::default());
    assert_eq!(s.total_cost, 0.0);
    assert_eq!(s.currency, "USD");
    assert!(daily_costs(&[], &PricingTable::default()).days.is_empty());
    let s = session_cost(&[llm("gpt-4o", 1, 1)], &PricingTable::empty());
    assert_eq!(s.unmatched_models, ["gpt-4o"]);
}

#[test]
fn daily_costs_bucket_by_utc_day() {
    let t = PricingTable::default();
    let day = 86_400_000_000_000i64;
    let mut a = llm("gpt-4o", 120, 45);
    a.timestamp = Some(UnixNanos(day - 1));
    let mut b = llm("gpt-4o", 120, 45);
    b.timestamp = Some(UnixNanos(day));
    let mut c = llm("gpt-4o", 120, 45);
    c.timestamp = Some(UnixNanos(day + 5));
    let mut undated = llm("gpt-4o", 120, 45);
    undated.timestamp = None;
    let d = daily_costs(&[c, a, undated, b, llm("zzz", 1, 1)], &t);
    let days: Vec<_> = d
        .days
        .iter()
        .map(|d| (d.day.as_str(), d.calls, d.cost))
        .collect();
    assert_eq!(
        days,
        [("1970-01-01", 2, 0.00075), ("1970-01-02", 2, 0.0015)]
    );
    assert_eq!((d.undated_events, d.undated_cost), (1, 0.00075));
    assert_eq!(d.unmatched_models, ["zzz"]);
}

#[test]
fn summary_ranks_models_and_projects_from_days_with_cost() {
    let t = PricingTable::default();
    let day = 86_400_000_000_000i64;
    let mut a = llm("gpt-4o", 1_000_000, 0); // $2.50 on day 0
    a.timestamp = Some(UnixNanos(0));
    let mut b = llm("gpt-4o-mini", 1_000_000, 0); // $0.15 on day 2
    b.timestamp = Some(UnixNanos(2 * day));
    let mut free = llm("unknown-x", 10, 10); // unmatched, day 1: no cost
    free.timestamp = Some(UnixNanos(day));
    let s = cost_summary(&[b, free, a], &t);
    assert_eq!(s.total_cost, 2.65);
    assert_eq!(s.daily_trend.len(), 3);
    assert_eq!(s.avg_daily_cost, 1.325);
    assert_eq!(s.projected_monthly_cost, 39.75);
    let order: Vec<_> = s
        .by_model
        .iter()
        .map(|m| (m.model.as_str(), m.percent))
        .collect();
    assert_eq!(
        order,
        [("gpt-4o", 94.34), ("gpt-4o-mini", 5.66), ("unknown-x", 0.0)]
    );
    assert_eq!(s.unmatched_models, ["unknown-x"]);
    let empty = cost_summary(&[], &t);
    assert_eq!(
        (empty.avg_daily_cost, empty.projected_monthly_cost),
        (0.0, 0.0)
    );
}

#[test]
fn exact_rounding_keeps_the_fractions_of_a_micro_dollar_that_parts_add_up_to() {
    let mut t = PricingTable::empty();
    t.set_price(ModelPrice::new("tiny", 0.1, 0.0)).unwrap();
    // 834 tokens at $0.10 per million: 83.4 micro-dollars.
    let part = vec![llm("tiny", 834, 0)];
    let exact = cost_summary_with(&part, &t, Rounding::Exact);
    let micros = cost_summary(&part, &t);
    assert_eq!(micros.total_cost, 0.000083);
    assert_eq!(micros.daily_trend[0].cost, 0.000083);
    assert!(
        (exact.total_cost - 0.0000834).abs() < 1e-15,
        "{}",
        exact.total_cost
    );
    assert!((exact.daily_trend[0].cost - 0.0000834).abs() < 1e-15);
    assert!((exact.by_model[0].cost.total_cost - 0.0000834).abs() < 1e-15);
    assert!((exact.total_input_cost - 0.0000834).abs() < 1e-15);
    // Three parts add up to the whole's exact cost, not to three roundings.
    let whole = cost_summary_with(
        &[part.clone(), part.clone(), part.clone()].concat(),
        &t,
        Rounding::Exact,
    );
    let sum: f64 = (0..3).map(|_| exact.total_cost).sum();
    assert!(
        (sum - whole.total_cost).abs() < 1e-15,
        "{sum} vs {}",
        whole.total_cost
    );
    assert!((3.0 * micros.total_cost - 0.000249).abs() < 1e-15);
    let session = session_cost_with(&part, &t, Rounding::Exact);
    assert!((session.total_cost - 0.0000834).abs() < 1e-15);
    assert!((session.model_costs["tiny"].input_cost - 0.0000834).abs() < 1e-15);
    assert_eq!(
        session.event_costs[0].total_cost, 0.000083,
        "an event's own cost stays at 6 dp"
    );
    let daily = daily_costs_with(&part, &t, Rounding::Exact);
    assert!((daily.days[0].input_cost - 0.0000834).abs() < 1e-15);
}

#[test]
fn costs_by_session_groups_in_order_of_first_appearance() {
    let t = PricingTable::default();
    let mut other = llm("gpt-4o", 120, 45);
    other.session_id = "s2".into();
    let rows = costs_by_session(&[llm("gpt-4o", 120, 45), other, llm("gpt-4o", 120, 45)], &t);
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.session_id.as_str(), r.total_cost))
        .collect();
    assert_eq!(got, [("s1", 0.0015), ("s2", 0.00075)]);
    assert!(costs_by_session(&[], &t).is_empty());
}

#[test]
fn the_cost_alone_is_the_reports_total() {
    let t = PricingTable::default();
    let mut cached = llm("claude-3-5-sonnet-20241022", 5000, 300);
    cached.cached_input_tokens = Some(4000);
    let events = [llm("gpt-4o", 120, 45), cached, llm("no-such-model", 1, 1)];
    for e in &events {
        let full = event_cost(e, &t).unwrap();
        let alone = event_cost_usd(e, &t);
        assert_eq!(
            alone,
            full.matched.then_some(full.total_cost),
            "{:?}",
            e.model
        );
    }
    let start = Event::new(EventType::SessionStart, "s1", UnixNanos(0));
    assert_eq!(event_cost_usd(&start, &t), None);
}

/// A pricer on the far side of a boundary, as the SDK's wasm has it: the call crosses as
/// owned strings, a time in milliseconds and the usage counts as numbers, and is priced
/// by a table the pricer holds.
#[derive(Debug)]
struct Across(PricingTable, std::sync::Mutex<u32>);

impl CallPricer for Across {
    fn cost_usd(&self, call: &PricedCall<'_>) -> Option<f64> {
        *self.1.lock().unwrap() += 1;
        let (provider, model) = (call.provider.map(str::to_owned), call.model.to_owned());
        let at_ms = call.at.map(|t| (t.0 / 1_000_000) as f64);
        let counts: Vec<f64> = call.usage.iter().map(|n| *n as f64).collect();
        // The far side.
        let usage = PricedCall::usage_from(&counts.iter().map(|n| *n as u64).collect::<Vec<_>>());
        let at = at_ms.map(|ms| UnixNanos(ms as i64 * 1_000_000));
        self.0.cost_usd(&PricedCall {
            provider: provider.as_deref(),
            model: &model,
            at,
            usage,
        })
    }
}

#[test]
fn a_pricer_across_a_boundary_prices_as_the_table_does() {
    let t = PricingTable::default();
    let across = std::sync::Arc::new(Across(t.clone(), Default::default()));
    let pricer = Pricer(across.clone());
    let mut cached = llm("claude-3-5-sonnet-20241022", 5000, 300);
    cached.cached_input_tokens = Some(4000);
    let mut written = llm("claude-sonnet-4-5", 9000, 700);
    written.reasoning_tokens = Some(200);
    written.attributes = Some(
        serde_json::from_str(
            r#"{"cache_creation_input_tokens": 3000, "gen_ai.provider.name": "anthropic"}"#,
        )
        .unwrap(),
    );
    let mut audio = llm("gpt-4o-audio-preview", 1000, 500);
    audio.attributes =
        Some(serde_json::from_str(r#"{"gen_ai.usage.audio.input_tokens": 600}"#).unwrap());
    let mut dated = llm("gpt-4o", 120, 45);
    dated.timestamp = Some(UnixNanos(1_735_689_600_000_000_000));
    let mut no_model = llm(" ", 5, 5);
    no_model.model = Some("  ".into());
    let events = [
        llm("gpt-4o", 120, 45),
        cached,
        written,
        audio,
        dated,
        no_model,
        llm("no-such-model", 1, 1),
    ];
    let mut priced = 0;
    let catalog = t.catalog().expect("the bundled catalog");
    for e in &events {
        let cost = pricer.event_cost_usd(e);
        assert_eq!(cost, event_cost_usd(e, &t), "{:?}", e.model);
        // The catalog alone prices as a table holding only it (the price data's module).
        let alone = PricedCall::of(e).and_then(|c| catalog.cost_usd(&c));
        assert_eq!(alone, cost, "{:?}", e.model);
        priced += usize::from(cost.is_some_and(|c| c > 0.0));
    }
    assert_eq!(priced, 5, "every known model has a cost");
    // Session markers and blank models never reach the pricer.
    assert_eq!(*across.1.lock().unwrap(), 6);
    let start = Event::new(EventType::SessionStart, "s1", UnixNanos(0));
    assert_eq!(pricer.event_cost_usd(&start), None);
    assert_eq!(*across.1.lock().unwrap(), 6);
    assert_eq!(PricedCall::usage_from(&[1, 2]).len(), USAGE_UNITS);
}
