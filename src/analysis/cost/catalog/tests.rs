use super::names::{dashed_dates, family};
use super::parse::{date_nanos, time_of_day};
use super::*;
use crate::analysis::cost::rates::Unit;

fn catalog() -> Arc<PriceCatalog> {
    PriceCatalog::bundled()
}

/// `(provider, model id)` that `(hint, name)` resolves to.
fn hit(hint: Option<&str>, name: &str) -> Option<(String, String)> {
    let c = catalog();
    c.resolve(hint, name)
        .map(|h| (h.provider.to_owned(), h.model.id.clone()))
}

fn input_rate(hint: Option<&str>, name: &str, day: &str) -> f64 {
    let c = catalog();
    let h = c.resolve(hint, name).unwrap();
    let at = date_nanos(day).unwrap();
    h.model
        .period_at(at)
        .rates
        .get(Unit::Input)
        .unwrap()
        .at(0)
        .0
}

#[test]
fn the_bundled_catalog_is_read_whole() {
    let c = catalog();
    let (providers, models) = c.counts();
    assert!(providers >= 40 && models >= 2000, "{providers} {models}");
    assert_eq!(c.source().name, "genai-prices");
    assert!(c.source().as_of.is_some());
}

#[test]
fn provider_aware_names_resolve() {
    let cases: &[(Option<&str>, &str, &str)] = &[
        (None, "gpt-4o", "openai"),
        (Some("openai"), "gpt-4o-mini", "openai"),
        (None, "openai/gpt-4o", "openai"),
        (None, "claude-3-5-sonnet-20241022", "anthropic"),
        (None, "anthropic/claude-3-5-sonnet-20241022", "anthropic"),
        (
            Some("aws.bedrock"),
            "anthropic.claude-3-5-sonnet-20241022-v2:0",
            "aws",
        ),
        (None, "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "aws"),
        (Some("azure.ai.openai"), "gpt-4o", "openai"),
        (Some("gcp.gemini"), "gemini-2.5-pro", "google"),
        (None, "gemini-2.5-flash", "google"),
        (Some("openrouter"), "openai/gpt-4o", "openrouter"),
        (
            Some("anthropic.messages"),
            "claude-3-haiku-20240307",
            "anthropic",
        ),
    ];
    for (hint, name, provider) in cases {
        let got = hit(*hint, name);
        assert_eq!(
            got.as_ref().map(|g| g.0.as_str()),
            Some(*provider),
            "{hint:?} {name}: {got:?}"
        );
    }
}

#[test]
fn a_dated_snapshot_without_an_entry_is_priced_as_its_family() {
    let (_, family) = hit(None, "gpt-4o-mini").unwrap();
    assert_eq!(hit(None, "gpt-4o-mini-2031-01-01").unwrap().1, family);
    assert_eq!(hit(None, "gpt-4o-mini-20310101").unwrap().1, family);
    assert!(hit(None, "totally-unknown-model-2024-01-01").is_none());
    assert!(hit(None, "").is_none());
}

#[test]
fn a_snapshot_with_its_own_entry_keeps_it() {
    // gpt-4o-2024-05-13 launched at $5 input; the gpt-4o family is $2.50.
    assert_eq!(input_rate(None, "gpt-4o-2024-05-13", "2025-01-01"), 5.0);
    assert_eq!(input_rate(None, "gpt-4o", "2025-01-01"), 2.5);
}

#[test]
fn family_and_dates_are_cut_where_they_should_be() {
    assert_eq!(family("gpt-4o-2024-08-06"), Some("gpt-4o"));
    assert_eq!(family("claude-3-opus@20240229"), Some("claude-3-opus"));
    assert_eq!(family("claude-3-opus-20240229"), Some("claude-3-opus"));
    assert_eq!(family("anthropic.claude-v2:1"), Some("anthropic.claude"));
    assert_eq!(family("model-latest"), Some("model"));
    assert_eq!(family("gpt-4o"), None);
    assert_eq!(
        dashed_dates("claude-3-opus-20240229").as_deref(),
        Some("claude-3-opus-2024-02-29")
    );
    assert_eq!(dashed_dates("gpt-4o"), None);
}

#[test]
fn time_of_day_and_dates_parse() {
    assert_eq!(time_of_day("00:30:00Z"), Some(1800));
    assert_eq!(time_of_day("16:30"), Some(59_400));
    assert_eq!(time_of_day("24:00"), None);
    let night = When::TimeOfDay(time_of_day("16:30").unwrap(), time_of_day("00:30").unwrap());
    let at = |t: &str| UnixNanos::parse_rfc3339(t).unwrap();
    assert!(night.holds(at("2026-01-01T23:00:00Z")));
    assert!(night.holds(at("2026-01-01T00:10:00Z")));
    assert!(!night.holds(at("2026-01-01T12:00:00Z")));
}

#[test]
fn upstream_files_are_read_as_published_and_bad_ones_are_named() {
    let upstream = r#"[{"id": "acme", "name": "Acme", "pricing_urls": [], "models": [
        {"id": "acme-1", "name": "Acme 1", "match": {"starts_with": "acme-1"},
         "prices": [{"prices": {"input_mtok": 1, "output_mtok": 2}},
                    {"constraint": {"start_date": "2026-06-01"}, "prices": {"input_mtok": 0.5, "output_mtok": 1}}]}]}]"#;
    let c = PriceCatalog::from_json(upstream).unwrap();
    let h = c.resolve(None, "acme-1-beta").unwrap();
    let rate = |day: &str| {
        h.model
            .period_at(date_nanos(day).unwrap())
            .rates
            .get(Unit::Input)
            .unwrap()
            .at(0)
            .0
    };
    assert_eq!((rate("2026-05-31"), rate("2026-06-01")), (1.0, 0.5));
    assert_eq!(
        h.model
            .period_at(date_nanos("2026-07-01").unwrap())
            .from
            .as_deref(),
        Some("2026-06-01")
    );
    let bad = r#"[{"id": "acme", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"input_mtok": -1}}]}]"#;
    let e = PriceCatalog::from_json(bad).unwrap_err();
    assert_eq!(e.entry, "acme");
    assert!(
        e.message.contains("\"m\"") && e.message.contains("input_mtok"),
        "{e}"
    );
    for bad in ["", "{}", "[]", "[{\"id\": 1}]", "{\"providers\": 3}"] {
        assert!(PriceCatalog::from_json(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_hosted_regex_engine_prices_the_names_the_built_in_one_prices() {
    let text = include_str!("../../../../bindings/sdk/prices/genai-prices.json");
    let engine = Arc::new(crate::redact::RegexPatternEngine::new());
    let hosted = PriceCatalog::from_json_with(text, Some(engine.clone())).unwrap();
    assert!(engine.live_programs() > 50, "{}", engine.live_programs());
    let built_in = catalog();
    // Names only a `regex` rule matches, a lookahead rule's both sides, and misses.
    for (hint, name) in [
        (None, "claude-opus-5-20261014"),
        (None, "gpt-5.4-mini-2026-03-17"),
        (None, "o3"),
        (None, "gemini-2.5-pro-preview-tts"),
        (None, "gemini-2.5-pro-preview"),
        (Some("openai"), "gpt-6-sol-2026-09-22"),
        (None, "grok-4.5[fast=true]"),
        (None, "no-such-model-20260101"),
    ] {
        let found = |c: &PriceCatalog| {
            (c.resolve(hint, name)).map(|h| (h.provider.to_owned(), h.model.id.clone()))
        };
        assert_eq!(found(&hosted), found(&built_in), "{name}");
    }
    assert!(hosted.resolve(None, "claude-opus-5-20261014").is_some());
    drop(hosted);
    assert_eq!(engine.live_programs(), 0);
}
