//! Every analysis engine, for `@agentlens/sdk/analysis` and the viewer: built only with the
//! `analysis` feature, into its own wasm (the SDK's wasm stays within its budget).
//!
//! Conversion only: JSON text in, JSON text out. Bad JSON throws `AgentLensDecodeError`;
//! an engine's own error (a bad pricing table, policy, rule set, forecast argument or
//! drift threshold) throws `AgentLensAnalysisError` with the core's message.

use std::fmt::Display;

use agentlens::analysis::alert::{AlertEngine, EngineConfig};
use agentlens::analysis::compliance::{
    ComplianceChecker, CompliancePolicy, RuleOutcome, SessionView, permissive_policy, strict_policy,
};
use agentlens::analysis::cost::{
    PricingTable, Rounding, cost_summary_with, daily_costs_with, event_cost, session_cost_with,
};
use agentlens::analysis::drift::DriftDetector;
use agentlens::analysis::forecast::{CostForecaster, Method, UsageRecord, records_from_events};
use agentlens::analysis::stats::session_stats;
use agentlens::encode::DecodeError;
use agentlens::encode::agentlens::decode_event;
use agentlens::model::Event;
use agentlens::time::UnixNanos;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use crate::error;

pub(crate) fn analysis_error(err: impl Display) -> JsValue {
    error::named("AgentLensAnalysisError", &err.to_string())
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, JsValue> {
    crate::heap::reserve_for_input(text.len());
    serde_json::from_str(text).map_err(|e| error::decode(&DecodeError::from_serde(&e)))
}

/// Events from a JSON array, through the core's wire decoder (so backend-compatible
/// events keep their real types); elements that are not events are skipped.
pub(crate) fn events(text: &str) -> Result<Vec<Event>, JsValue> {
    crate::heap::reserve_for_input(text.len());
    agentlens::encode::agentlens::decode_event_array(text)
        .map(|(events, _)| events)
        .map_err(|e| error::decode(&e))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(analysis_error)
}

/// `{"report": <report JSON>, "text": <text>}`.
fn report_and_text(report_json: &str, text: &str) -> Result<String, JsValue> {
    Ok(format!(
        "{{\"report\":{report_json},\"text\":{}}}",
        to_json(&text)?
    ))
}

fn pricing(pricing_json: Option<String>) -> Result<PricingTable, JsValue> {
    let table = crate::prices::base_table();
    match pricing_json {
        None => Ok(table),
        Some(text) => Ok(table.merge(PricingTable::from_json(&text).map_err(analysis_error)?)),
    }
}

fn forecaster(records_json: &str) -> Result<CostForecaster, JsValue> {
    let records: Vec<UsageRecord> = parse(records_json)?;
    let mut f = CostForecaster::new();
    f.add_records(records).map_err(analysis_error)?;
    Ok(f)
}

/// The price `model` resolves to (`ModelPrice` JSON, or `null`): `pricingJson` (the
/// caller's own prices) over the price catalog, for `provider` (`gen_ai.provider.name`,
/// when known) in force at `at` (RFC 3339; absent: as of the catalog's date).
#[wasm_bindgen(js_name = pricingLookupJson)]
pub fn pricing_lookup_json(
    model: &str,
    pricing_json: Option<String>,
    provider: Option<String>,
    at: Option<String>,
) -> Result<String, JsValue> {
    let at = match at {
        Some(t) => Some(UnixNanos::parse_rfc3339(&t).map_err(analysis_error)?),
        None => None,
    };
    to_json(&pricing(pricing_json)?.price_for(provider.as_deref(), model, at))
}

fn rounding(exact: bool) -> Rounding {
    if exact {
        Rounding::Exact
    } else {
        Rounding::Micros
    }
}

/// The session's cost (`SessionCost` JSON) over its events (a JSON array), priced with
/// the default table merged with `pricingJson` (an override table) when given; amounts at
/// 6 dp, or unrounded when `exact`.
#[wasm_bindgen(js_name = costJson)]
pub fn cost_json(
    events_json: &str,
    pricing_json: Option<String>,
    exact: bool,
) -> Result<String, JsValue> {
    let events = events(events_json)?;
    to_json(&session_cost_with(
        &events,
        &pricing(pricing_json)?,
        rounding(exact),
    ))
}

/// Costs per UTC day (`DailyCosts` JSON), unrounded when `exact`.
#[wasm_bindgen(js_name = dailyCostsJson)]
pub fn daily_costs_json(
    events_json: &str,
    pricing_json: Option<String>,
    exact: bool,
) -> Result<String, JsValue> {
    let events = events(events_json)?;
    to_json(&daily_costs_with(
        &events,
        &pricing(pricing_json)?,
        rounding(exact),
    ))
}

/// The cost summary (`CostSummary` JSON), unrounded when `exact`.
#[wasm_bindgen(js_name = costSummaryJson)]
pub fn cost_summary_json(
    events_json: &str,
    pricing_json: Option<String>,
    exact: bool,
) -> Result<String, JsValue> {
    let events = events(events_json)?;
    to_json(&cost_summary_with(
        &events,
        &pricing(pricing_json)?,
        rounding(exact),
    ))
}

/// Session statistics (`SessionStats` JSON).
#[wasm_bindgen(js_name = sessionStatsJson)]
pub fn session_stats_json(
    events_json: &str,
    pricing_json: Option<String>,
) -> Result<String, JsValue> {
    let events = events(events_json)?;
    to_json(&session_stats(&events, &pricing(pricing_json)?))
}

/// Usage records built from tracked events (`EventRecords` JSON: `records`, `unpriced`,
/// `unpriced_models`, `untimed`), each priced by the cost engine with the default table
/// merged with `pricingJson`. An unmatched model is reported, never priced at zero silently.
#[wasm_bindgen(js_name = usageRecordsJson)]
pub fn usage_records_json(
    events_json: &str,
    pricing_json: Option<String>,
) -> Result<String, JsValue> {
    let events = events(events_json)?;
    let table = pricing(pricing_json)?;
    let records = records_from_events(&events, |e| {
        event_cost(e, &table)
            .filter(|c| c.matched)
            .map(|c| c.total_cost)
    });
    to_json(&records)
}

/// A daily forecast (`ForecastResult` JSON) from usage records (a JSON array).
#[wasm_bindgen(js_name = forecastJson)]
pub fn forecast_json(
    records_json: &str,
    days: u32,
    method: &str,
    confidence: f64,
) -> Result<String, JsValue> {
    let method = Method::parse(method)
        .ok_or_else(|| analysis_error(format!("unknown forecast method {method:?}")))?;
    let result = forecaster(records_json)?
        .forecast_daily(days, method, confidence)
        .map_err(analysis_error)?;
    Ok(result.to_json_value().to_string())
}

/// The spending summary (`SpendingSummary` JSON).
#[wasm_bindgen(js_name = spendingSummaryJson)]
pub fn spending_summary_json(records_json: &str) -> Result<String, JsValue> {
    let summary = forecaster(records_json)?
        .spending_summary()
        .map_err(analysis_error)?;
    Ok(summary.to_json_value().to_string())
}

/// The budget check (`BudgetAlert` JSON).
#[wasm_bindgen(js_name = checkBudgetJson)]
pub fn check_budget_json(
    records_json: &str,
    monthly_budget: f64,
    days_in_period: u32,
) -> Result<String, JsValue> {
    let alert = forecaster(records_json)?
        .check_budget(monthly_budget, days_in_period)
        .map_err(analysis_error)?;
    Ok(alert.to_json_value().to_string())
}

/// A preset policy as JSON: `"strict"` or `"permissive"`.
#[wasm_bindgen(js_name = compliancePresetJson)]
pub fn compliance_preset_json(name: &str) -> Result<String, JsValue> {
    match name {
        "strict" => Ok(strict_policy().to_json()),
        "permissive" => Ok(permissive_policy().to_json()),
        _ => Err(analysis_error(format!(
            "unknown compliance preset {name:?} (expected \"strict\" or \"permissive\")"
        ))),
    }
}

/// A compliance check of one session's events against a policy:
/// `{"report": <ComplianceReport JSON>, "text": <report.render()>}`.
///
/// `validators` maps custom rule kinds to JS functions `(session, rule) => answer`, called
/// synchronously with the session view and the rule as plain objects; the core reads the
/// answer (`RuleOutcome::from_custom`), and a function that throws gives a skip.
#[wasm_bindgen(js_name = complianceJson)]
pub fn compliance_json(
    policy_json: &str,
    events_json: &str,
    checked_at_ms: f64,
    validators: Option<js_sys::Object>,
) -> Result<String, JsValue> {
    let policy = CompliancePolicy::from_json(policy_json).map_err(analysis_error)?;
    let events = events(events_json)?;
    let checked_at = UnixNanos((checked_at_ms * 1e6) as i64);
    let mut checker = ComplianceChecker::new();
    if let Some(validators) = validators {
        register_js_validators(&mut checker, &validators);
    }
    let report = checker.check(&SessionView::from_owned(events), &policy, checked_at);
    report_and_text(&report.to_json(), &report.render())
}

pub(crate) fn register_js_validators(checker: &mut ComplianceChecker, validators: &js_sys::Object) {
    for entry in js_sys::Object::entries(validators).iter() {
        let pair = js_sys::Array::from(&entry);
        let (Some(kind), Ok(function)) = (
            pair.get(0).as_string(),
            pair.get(1).dyn_into::<js_sys::Function>(),
        ) else {
            continue;
        };
        checker.register_validator(
            kind,
            Box::new(move |session, rule| {
                let session =
                    js_value(&serde_json::to_string(session).map_err(|e| e.to_string())?)?;
                let rule = js_value(&serde_json::to_string(rule).map_err(|e| e.to_string())?)?;
                let answer = function
                    .call2(&JsValue::NULL, &session, &rule)
                    .map_err(|e| thrown_message(&e))?;
                let text = js_sys::JSON::stringify(&answer)
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_else(|| "null".into());
                let answer = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
                RuleOutcome::from_custom(&answer)
            }),
        );
    }
}

fn js_value(json: &str) -> Result<JsValue, String> {
    js_sys::JSON::parse(json).map_err(|e| thrown_message(&e))
}

/// The message of what a JS function threw (an Error's `message`, else its string form).
fn thrown_message(thrown: &JsValue) -> String {
    if let Some(error) = thrown.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    thrown
        .as_string()
        .unwrap_or_else(|| "a non-Error value was thrown".into())
}

/// Drift between two windows, each a JSON array of sessions (each an array of events):
/// `{"report": <DriftReport JSON>, "text": <report.format_report()>}`.
#[wasm_bindgen(js_name = driftJson)]
pub fn drift_json(
    baseline_json: &str,
    current_json: &str,
    threshold: f64,
) -> Result<String, JsValue> {
    // Each event through the core's wire decoder, as every other engine reads events
    // (one event reader in the wasm instead of two: ~5 KB gzipped).
    let views = |text: &str| -> Result<Vec<SessionView>, JsValue> {
        let sessions: Vec<Vec<serde_json::Value>> = parse(text)?;
        sessions
            .into_iter()
            .map(|session| {
                let events = session
                    .into_iter()
                    .map(decode_event)
                    .collect::<Result<Vec<Event>, _>>()
                    .map_err(|e| error::decode(&e))?;
                Ok(SessionView::from_owned(events))
            })
            .collect()
    };
    let report = DriftDetector::compare(&views(baseline_json)?, &views(current_json)?, threshold)
        .map_err(analysis_error)?;
    report_and_text(&report.to_json(), &report.format_report())
}

/// An alert engine over a rule set (`{"rules": […]}`), with cooldowns on event time.
#[wasm_bindgen(js_name = AlertEngineWasm)]
pub struct AlertEngineWasm {
    engine: AlertEngine,
}

#[wasm_bindgen(js_class = AlertEngineWasm)]
impl AlertEngineWasm {
    /// Throws `AgentLensAnalysisError` naming the rule that does not parse or compile.
    #[wasm_bindgen(constructor)]
    pub fn new(rules_json: &str) -> Result<Self, JsValue> {
        let engine =
            AlertEngine::from_json(rules_json, EngineConfig::default()).map_err(analysis_error)?;
        Ok(Self { engine })
    }

    /// Streams one event (JSON) in; returns the alerts that fired (a JSON array).
    pub fn push(&mut self, event_json: &str) -> Result<String, JsValue> {
        let event = decode_event(parse(event_json)?).map_err(|e| error::decode(&e))?;
        to_json(&self.engine.push(event))
    }

    /// Streams each event of `eventsJson` (a JSON array) in, in order; returns every alert
    /// that fired (a JSON array), as that many `push` calls would.
    #[wasm_bindgen(js_name = pushMany)]
    pub fn push_many(&mut self, events_json: &str) -> Result<String, JsValue> {
        let fired: Vec<_> = events(events_json)?
            .into_iter()
            .flat_map(|e| self.engine.push(e))
            .collect();
        to_json(&fired)
    }

    /// Evaluates every rule over `eventsJson` (a JSON array); returns the fired alerts.
    pub fn evaluate(&mut self, events_json: &str) -> Result<String, JsValue> {
        let events = events(events_json)?;
        to_json(&self.engine.evaluate(&events))
    }

    /// The rules as JSON, `{"rules": […]}`.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.engine.to_json()
    }
}
