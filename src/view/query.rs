//! One entry for hosts: a query by name with its arguments as a JSON object, answered as
//! JSON text. A host (the viewer's wasm binding) crosses with one function for every
//! query, rather than one binding per query, each of which would cost wasm size.
//!
//! | query | arguments | answer |
//! |---|---|---|
//! | `finish` | | `{format, warnings}` of the file read ([`TraceView::end_read`]) |
//! | `pushNew` | `events` (wire events) | the keys of the sessions that changed ([`TraceView::push_new`]) |
//! | `counts` | | `{events, sessions}` |
//! | `clear` | | `null`: every event dropped (the prices are kept) |
//! | `pricing` | `overrides` (a [`PricingTable::from_json`] table) | how many prices of the user's the view now holds (`overrides`, over the view's price catalog) |
//! | `filter` | a [`ListFilter`] | the keys that pass |
//! | `rows` | `offset`, `limit` | [`SessionRow`](super::list::SessionRow)s of the last filter |
//! | `facets` | | [`Facets`](super::list::Facets) |
//! | `sessions` | | every session key |
//! | `header` | `id` | a [`SessionHeader`](super::timeline::SessionHeader) or `null` |
//! | `timeline` | `id`, `offset`, `limit` | a [`TimelinePage`](super::timeline::TimelinePage) or `null` |
//! | `findRow` | `id`, `ref` | a row number, or -1 |
//! | `event` | `id`, `n` | an [`EventDetail`](super::timeline::EventDetail) or `null` |
//! | `charts` | `ids` | [`ChartsData`](super::charts::ChartsData) or `null` |
//! | `alerts` | `rules`, `ids`? | [`Alerts`](super::panels::Alerts) |
//! | `compliance` | `policy`, `ids`, `checkedAtMs` | [`Compliance`](super::panels::Compliance) |
//! | `driftSplit` | `ids`, `percent`, `threshold` | [`Drift`] |
//! | `drift` | `baseline`, `current`? (absent: the rest), `threshold` | [`Drift`] |
//! | `explain` | `id`, `style` | [`Explained`](super::panels::Explained) |
//! | `redactionPreview` | `extraKeys`, `extraPatterns` | [`Preview`](super::redaction::Preview) |

use serde::Serialize;
use serde_json::Value;

use super::TraceView;
use super::list::ListFilter;
use super::panels::{Drift, ViewError, input};
use super::redaction::RedactionOptions;
use crate::analysis::cost::PricingTable;
use crate::analysis::explain::Style;
use crate::encode::agentlens::decode_event;
use crate::time::UnixNanos;

fn text<'a>(args: &'a Value, key: &str) -> &'a str {
    args.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn number(args: &Value, key: &str, default: f64) -> f64 {
    args.get(key).and_then(Value::as_f64).unwrap_or(default)
}

fn count(args: &Value, key: &str) -> usize {
    args.get(key)
        .and_then(Value::as_u64)
        .map_or(0, |n| n as usize)
}

/// The strings of the array at `key`, `None` when there is none.
fn keys(args: &Value, key: &str) -> Option<Vec<String>> {
    let items = args.get(key)?.as_array()?;
    Some(
        items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
    )
}

/// `value` as JSON. Written out rather than `serde_json::to_string`, whose body each
/// answer type would copy into the wasm: here only the call to `serialize` is per type.
fn json<T: Serialize>(value: &T) -> Result<String, ViewError> {
    let mut out = Vec::with_capacity(256);
    let done = value.serialize(&mut serde_json::Serializer::new(&mut out));
    text_of(out, done)
}

#[inline(never)]
fn text_of(out: Vec<u8>, done: Result<(), serde_json::Error>) -> Result<String, ViewError> {
    done.map_err(input)?;
    String::from_utf8(out).map_err(input)
}

/// A drift answer, its report written by the report's own `to_json`.
fn drift(d: &Drift) -> Result<String, ViewError> {
    Ok(format!(
        "{{\"report\":{},\"text\":{},\"baseline\":{},\"current\":{}}}",
        d.report.to_json(),
        json(&d.text)?,
        json(&d.baseline)?,
        json(&d.current)?
    ))
}

impl TraceView {
    /// Answers `query` (module docs) with `args`, a JSON object.
    ///
    /// # Errors
    /// [`ViewError::Input`] for arguments that are not JSON, an unknown query, or input
    /// the engine refuses; [`ViewError::NoSession`] as the queries say.
    pub fn answer(&mut self, query: &str, args: &str) -> Result<String, ViewError> {
        let args: Value = serde_json::from_str(args).map_err(input)?;
        let a = &args;
        let ids = || keys(a, "ids").unwrap_or_default();
        match query {
            "finish" | "pushNew" | "counts" | "clear" | "pricing" => self.answer_host(query, a),
            "filter" => json(&self.filter(&ListFilter::from_value(a)).to_vec()),
            "rows" => json(&self.rows_page(count(a, "offset"), count(a, "limit"))),
            "facets" => json(&self.facets()),
            "sessions" => json(
                &self
                    .session_ids()
                    .map(str::to_owned)
                    .collect::<Vec<String>>(),
            ),
            "header" => json(&self.header(text(a, "id"))),
            "timeline" => {
                json(&self.timeline(text(a, "id"), count(a, "offset"), count(a, "limit")))
            }
            "findRow" => json(
                &self
                    .find_row(text(a, "id"), text(a, "ref"))
                    .map_or(-1, |n| n as i64),
            ),
            "event" => json(&self.event_detail(text(a, "id"), count(a, "n"))),
            "charts" => json(&self.charts(&ids())),
            "alerts" => json(&self.alerts(text(a, "rules"), keys(a, "ids").as_deref())?),
            "compliance" => {
                let at = UnixNanos::from_unix_ms(number(a, "checkedAtMs", 0.0));
                json(&self.compliance(text(a, "policy"), &ids(), at)?)
            }
            "driftSplit" => drift(&self.drift_split(
                &ids(),
                number(a, "percent", 50.0),
                number(a, "threshold", 0.5),
            )?),
            "drift" => {
                let baseline = keys(a, "baseline").unwrap_or_default();
                drift(&self.drift(
                    &baseline,
                    keys(a, "current").as_deref(),
                    number(a, "threshold", 0.5),
                )?)
            }
            "explain" => {
                let style = if text(a, "style") == "backend" {
                    Style::Backend
                } else {
                    Style::Sdk
                };
                json(&self.explain(text(a, "id"), style)?)
            }
            "redactionPreview" => json(&self.redaction_preview(&RedactionOptions::from_value(a))?),
            _ => Err(ViewError::Input(format!("unknown query {query:?}"))),
        }
    }

    /// The queries about the trace as a whole: ending a file, adding events, counts, prices.
    fn answer_host(&mut self, query: &str, a: &Value) -> Result<String, ViewError> {
        match query {
            "finish" => {
                let (format, warnings) = self.end_read().map_err(input)?;
                Ok(format!(
                    "{{\"format\":{},\"warnings\":{}}}",
                    json(&format)?,
                    json(&warnings)?
                ))
            }
            "pushNew" => {
                let items = a
                    .get("events")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let events = items.iter().filter_map(|v| decode_event(v.clone()).ok());
                json(&self.push_new(events.collect::<Vec<_>>()))
            }
            "counts" => Ok(format!(
                "{{\"events\":{},\"sessions\":{}}}",
                self.event_count(),
                self.session_count()
            )),
            "clear" => {
                *self = Self::new(std::mem::take(&mut self.pricing));
                Ok("null".into())
            }
            "pricing" => {
                // Replaces the table as a whole: overrides given earlier do not linger.
                let overrides = a
                    .get("overrides")
                    .map_or_else(|| "[]".into(), Value::to_string);
                let table = PricingTable::from_json(&overrides).map_err(input)?;
                self.pricing = self.pricing.catalog_only().merge(table);
                Ok(self.pricing.len().to_string())
            }
            _ => Err(ViewError::Input(format!("unknown query {query:?}"))),
        }
    }
}
