//! Reading the price data: providers, models, their match rules and dated prices.

use serde_json::{Map, Value};

use super::rule::Rule;
use super::{CatalogModel, CatalogSource, Period, Provider, When};
use crate::analysis::cost::rates::Rates;
use crate::redact::engine::Patterns;
use crate::time::UnixNanos;

pub(super) fn date_nanos(date: &str) -> Option<UnixNanos> {
    UnixNanos::parse_rfc3339(&format!("{date}T00:00:00Z")).ok()
}

/// `HH:MM[:SS]` with an optional `Z`, as seconds of the UTC day.
pub(super) fn time_of_day(text: &str) -> Option<u32> {
    let t = text.strip_suffix('Z').unwrap_or(text);
    let mut parts = t.split(':').map(|p| p.parse::<u32>().ok());
    let (h, m) = (parts.next()??, parts.next()??);
    let s = parts.next().map_or(Some(0), |s| s)?;
    (h < 24 && m < 60 && s < 60 && parts.next().is_none()).then_some(h * 3600 + m * 60 + s)
}

pub(super) fn period(value: &Value) -> Result<Period, String> {
    let prices = value
        .get("prices")
        .and_then(Value::as_object)
        .ok_or("a dated price needs a \"prices\" object")?;
    let c = value.get("constraint");
    let text = |k: &str| c.and_then(|c| c.get(k)).and_then(Value::as_str);
    let (when, from) = match (text("start_date"), text("start_time"), text("end_time")) {
        (Some(d), _, _) => (
            When::From(date_nanos(d).ok_or_else(|| format!("bad start_date {d:?}"))?),
            Some(d.to_owned()),
        ),
        (None, Some(s), Some(e)) => match (time_of_day(s), time_of_day(e)) {
            (Some(s), Some(e)) => (When::TimeOfDay(s, e), None),
            _ => return Err(format!("bad time of day {s:?}–{e:?}")),
        },
        _ => (When::Always, None),
    };
    Ok(Period {
        when,
        from,
        rates: Rates::parse(prices)?,
    })
}

pub(super) fn model(value: &Value, patterns: &Patterns) -> Result<CatalogModel, String> {
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .ok_or("a model needs an \"id\"")?;
    let named = |e: String| format!("model {id:?}: {e}");
    let rule = Rule::parse(value.get("match").unwrap_or(&Value::Null), patterns).map_err(named)?;
    let periods = match value.get("prices") {
        Some(Value::Object(prices)) => vec![Period {
            when: When::Always,
            from: None,
            rates: Rates::parse(prices).map_err(named)?,
        }],
        Some(Value::Array(list)) if !list.is_empty() => list
            .iter()
            .map(period)
            .collect::<Result<_, _>>()
            .map_err(named)?,
        _ => {
            return Err(named(
                "\"prices\" must be an object or a non-empty list".into(),
            ));
        }
    };
    Ok(CatalogModel {
        id: id.to_owned(),
        rule,
        periods,
    })
}

pub(super) fn provider(value: &Value, patterns: &Patterns) -> Result<Provider, String> {
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .ok_or("a provider needs an \"id\"")?;
    let named = |e: String| format!("provider {id:?}: {e}");
    let rule = |key: &str| {
        (value.get(key).map(|v| Rule::parse(v, patterns)))
            .transpose()
            .map_err(named)
    };
    let models = value
        .get("models")
        .and_then(Value::as_array)
        .ok_or_else(|| named("\"models\" must be a list".into()))?
        .iter()
        .map(|m| model(m, patterns))
        .collect::<Result<_, _>>()
        .map_err(named)?;
    Ok(Provider {
        id: id.to_ascii_lowercase(),
        model_match: rule("model_match")?,
        provider_match: rule("provider_match")?,
        fallbacks: value
            .get("fallback_model_providers")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default(),
        models,
    })
}

pub(super) fn source(meta: Option<&Map<String, Value>>) -> CatalogSource {
    let text = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    CatalogSource {
        name: text("name").unwrap_or_else(|| "genai-prices".into()),
        version: text("version").unwrap_or_default(),
        licence: text("licence")
            .unwrap_or_else(|| "MIT, Copyright (c) Pydantic Services Inc.".into()),
        url: text("url").unwrap_or_else(|| "https://github.com/pydantic/genai-prices".into()),
        as_of: text("as_of"),
    }
}
