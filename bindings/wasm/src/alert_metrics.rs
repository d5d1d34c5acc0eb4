//! Windowed metric alert rules (`agentlens::analysis::alert::metric_rule`), for
//! `@agentlens/sdk/analysis` and the collector's `/alerts` routes. Analysis build only.
//!
//! Conversion only: JSON text in, JSON text out. A bad rule or time throws
//! `AgentLensAnalysisError` with the core's message; when a rule's field is at fault the
//! error also carries `field` and `requirement` (what the field must be, without the
//! value), so a server can answer without repeating its client's input.

use std::collections::BTreeMap;

use agentlens::analysis::alert::AlertError;
use agentlens::analysis::alert::metric_rule::{
    Metric, MetricRule, MetricSample, OPERATORS, evaluate,
};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::{analysis_full::analysis_error, convert, error};

/// `AgentLensAnalysisError` for `err`, prefixed with `at` (which rule) when given.
fn alert_error(err: &AlertError, at: Option<usize>) -> JsValue {
    let message = match at {
        Some(i) => format!("rules[{i}]: {err}"),
        None => err.to_string(),
    };
    let e = error::named("AgentLensAnalysisError", &message);
    if let AlertError::InvalidField {
        field, requirement, ..
    } = err
    {
        let o: &js_sys::Object = e.unchecked_ref();
        convert::set(o, "field", &(*field).into());
        convert::set(o, "requirement", &requirement.as_str().into());
    }
    e
}

fn json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, JsValue> {
    serde_json::from_str(text).map_err(|e| analysis_error(format!("invalid {what}: {e}")))
}

/// One rule spec (JSON) validated and clamped: the rule as JSON, every default written.
#[wasm_bindgen(js_name = metricRuleJson)]
pub fn metric_rule_json(spec_json: &str) -> Result<String, JsValue> {
    let spec: Value = json(spec_json, "metric rule")?;
    let rule = MetricRule::from_value(&spec).map_err(|e| alert_error(&e, None))?;
    serde_json::to_string(&rule).map_err(analysis_error)
}

/// Evaluates the rules (a JSON array of specs) over the samples (a JSON array) at
/// `nowMs`, with each rule's last firing (`{"<rule key>": ms}`): the results as JSON.
#[wasm_bindgen(js_name = evaluateMetricRulesJson)]
pub fn evaluate_metric_rules_json(
    rules_json: &str,
    samples_json: &str,
    now_ms: f64,
    last_fired_json: &str,
) -> Result<String, JsValue> {
    let specs: Vec<Value> = json(rules_json, "metric rules (a JSON array)")?;
    let rules = specs
        .iter()
        .enumerate()
        .map(|(i, s)| MetricRule::from_value(s).map_err(|e| alert_error(&e, Some(i))))
        .collect::<Result<Vec<_>, _>>()?;
    let samples: Vec<MetricSample> = json(samples_json, "metric samples")?;
    let last: BTreeMap<String, f64> = json(last_fired_json, "last firing times")?;
    let results = evaluate(&rules, &samples, now_ms, &last).map_err(|e| alert_error(&e, None))?;
    serde_json::to_string(&results).map_err(analysis_error)
}

/// The metrics a rule may watch (`[{name, description}]`) and the operators, as JSON.
#[wasm_bindgen(js_name = alertMetricsJson)]
pub fn alert_metrics_json() -> String {
    let metrics: Vec<Value> = Metric::ALL
        .iter()
        .map(|m| serde_json::json!({ "name": m.name(), "description": m.description() }))
        .collect();
    serde_json::json!({ "metrics": metrics, "operators": OPERATORS }).to_string()
}
