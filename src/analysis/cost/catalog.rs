//! The price catalog: every provider's models and their prices over time, read from
//! Pydantic's `genai-prices` data (MIT; `bindings/sdk/prices/genai-prices.json`, made by
//! `scripts/prices-refresh.mjs`). The core embeds no prices: the host passes the data in,
//! so the same data prices a trace in the SDK, the collector and the viewer.
//!
//! - **Matching** ([`PriceCatalog::resolve`]): the provider is taken from the event's
//!   `gen_ai.provider.name` (OpenTelemetry names such as `aws.bedrock`, `azure.ai.openai`,
//!   `gcp.vertex_ai` included), else from a `provider/` prefix of the model name
//!   (`openai/gpt-4o`), else from the providers' own model patterns (`claude…` is
//!   Anthropic's, `anthropic.claude…` Bedrock's). A provider with fallbacks (Azure →
//!   OpenAI, Anthropic, …) looks there next. A name that still matches nothing is tried
//!   with a compact date written out (`-20241022` → `-2024-10-22`) and then without its
//!   snapshot suffix (`-2024-08-06`, `@20240806`, `-v1:0`), so a dated snapshot is priced
//!   as its family when the data has no entry of its own. What still matches nothing is
//!   reported unmatched, never priced at zero.
//! - **Time**: a model's prices are a list of periods (from a date, or a time of day);
//!   the one in force when the event happened prices it, and the cost names its start
//!   date. An event with no time is priced as of the catalog's date.

mod names;
mod parse;
mod rule;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use serde_json::Value;

use self::names::{dashed_dates, family};
use self::parse::{date_nanos, provider, source};
use self::rule::{Rule, Subject};
use super::PricingError;
use super::rates::Rates;
use crate::redact::PatternEngine;
use crate::redact::engine::Patterns;
use crate::time::UnixNanos;

/// Where a catalog came from, as its file says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CatalogSource {
    /// The data's name (`genai-prices`).
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its licence.
    pub licence: String,
    /// Where it is published.
    pub url: String,
    /// The day the data was taken (`YYYY-MM-DD`): undated events are priced as of it.
    pub as_of: Option<String>,
}

impl CatalogSource {
    /// `genai-prices 0.2.1`.
    pub fn label(&self) -> String {
        if self.version.is_empty() {
            self.name.clone()
        } else {
            format!("{} {}", self.name, self.version)
        }
    }
}

/// When a price is in force.
#[derive(Clone, Debug)]
enum When {
    Always,
    From(UnixNanos),
    /// Seconds of the UTC day, `[start, end)`, wrapping past midnight when `end < start`.
    TimeOfDay(u32, u32),
}

impl When {
    fn holds(&self, at: UnixNanos) -> bool {
        match *self {
            Self::Always => true,
            Self::From(start) => at >= start,
            Self::TimeOfDay(start, end) => {
                let s = at.0.rem_euclid(86_400 * 1_000_000_000) / 1_000_000_000;
                let s = s as u32;
                if end < start {
                    s >= start || s < end
                } else {
                    s >= start && s < end
                }
            }
        }
    }
}

/// One period of a model's prices.
#[derive(Clone, Debug)]
pub(crate) struct Period {
    when: When,
    /// The start date as the data gives it (`YYYY-MM-DD`), for a dated period.
    pub(crate) from: Option<String>,
    pub(crate) rates: Rates,
}

/// One model of a provider.
#[derive(Clone, Debug)]
pub(crate) struct CatalogModel {
    pub(crate) id: String,
    rule: Rule,
    periods: Vec<Period>,
}

impl CatalogModel {
    /// The period in force at `at`: the last one whose condition holds, else the first.
    pub(crate) fn period_at(&self, at: UnixNanos) -> &Period {
        self.periods
            .iter()
            .rev()
            .find(|p| p.when.holds(at))
            .unwrap_or(&self.periods[0])
    }
}

#[derive(Clone, Debug)]
struct Provider {
    id: String,
    model_match: Option<Rule>,
    provider_match: Option<Rule>,
    fallbacks: Vec<String>,
    models: Vec<CatalogModel>,
}

/// A model found in the catalog.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CatalogHit<'a> {
    /// The provider whose data priced it (the fallback's, when it came from one).
    pub(crate) provider: &'a str,
    pub(crate) model: &'a CatalogModel,
}

/// Every provider's prices (see the [module docs](self)).
pub struct PriceCatalog {
    providers: Vec<Provider>,
    source: CatalogSource,
    as_of: Option<UnixNanos>,
    /// What each (provider, model) asked for resolved to: a trace names few models, and
    /// an unknown one would otherwise be looked for in every provider on every event.
    memo: Mutex<BTreeMap<Asked, Option<Found>>>,
}

/// A lookup as asked: the provider (when named) and the model.
type Asked = (Option<String>, String);

/// A provider and one of its models, by index.
type Found = (usize, usize);

/// How many names [`PriceCatalog::resolve`] remembers before it starts afresh.
const MEMO_LIMIT: usize = 4096;

impl std::fmt::Debug for PriceCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (providers, models) = self.counts();
        f.debug_struct("PriceCatalog")
            .field("source", &self.source)
            .field("providers", &providers)
            .field("models", &models)
            .finish()
    }
}

/// OpenTelemetry's `gen_ai.provider.name` values (and a few SDKs' own) whose catalog id
/// differs.
const PROVIDER_ALIASES: &[(&str, &str)] = &[
    ("aws.bedrock", "aws"),
    ("amazon-bedrock", "aws"),
    ("bedrock", "aws"),
    ("azure.ai.openai", "azure"),
    ("azure.ai.inference", "azure"),
    ("azure_openai", "azure"),
    ("gcp.gemini", "google"),
    ("gcp.vertex_ai", "google"),
    ("gcp.gen_ai", "google"),
    ("vertex_ai", "google"),
    ("gemini", "google"),
    ("mistral_ai", "mistral"),
    ("x_ai", "x-ai"),
    ("xai", "x-ai"),
    ("moonshot_ai", "moonshotai"),
    ("together_ai", "together"),
];

impl PriceCatalog {
    /// Reads price data: this project's catalog file (`{"agentlens_price_catalog": 1,
    /// "source": {...}, "providers": [...]}`) or an upstream `genai-prices` `prices.json`
    /// (a list of providers) as published.
    ///
    /// # Errors
    /// [`PricingError`] naming the first provider or model that cannot be read.
    pub fn from_json(text: &str) -> Result<Self, PricingError> {
        Self::from_json_with(text, None)
    }

    /// [`from_json`](Self::from_json), compiling the `regex` match rules with `engine`
    /// (`None`: the built-in engine; see [`PatternEngine`]).
    ///
    /// # Errors
    /// [`PricingError`] naming the first provider or model that cannot be read.
    pub fn from_json_with(
        text: &str,
        engine: Option<Arc<dyn PatternEngine>>,
    ) -> Result<Self, PricingError> {
        let patterns = Patterns::new(engine);
        let err = |entry: &str, message: String| PricingError {
            entry: entry.to_owned(),
            message,
        };
        let value: Value = serde_json::from_str(text).map_err(|e| err("catalog", e.to_string()))?;
        let (list, meta) = match &value {
            Value::Array(list) => (list, None),
            Value::Object(o) => (
                o.get("providers")
                    .and_then(Value::as_array)
                    .ok_or_else(|| err("catalog", "expected \"providers\": [...]".into()))?,
                o.get("source").and_then(Value::as_object),
            ),
            _ => return Err(err("catalog", "expected a list of providers".into())),
        };
        let providers: Vec<Provider> = list
            .iter()
            .enumerate()
            .map(|(i, p)| {
                provider(p, &patterns).map_err(|m| {
                    let id = p.get("id").and_then(Value::as_str);
                    err(&id.map_or_else(|| format!("#{i}"), str::to_owned), m)
                })
            })
            .collect::<Result<_, _>>()?;
        if providers.iter().all(|p| p.models.is_empty()) {
            return Err(err("catalog", "no models".into()));
        }
        let source = source(meta);
        let as_of = source.as_of.as_deref().and_then(date_nanos);
        Ok(Self {
            providers,
            source,
            as_of,
            memo: Mutex::new(BTreeMap::new()),
        })
    }

    /// Where the data came from.
    pub fn source(&self) -> &CatalogSource {
        &self.source
    }

    /// How many providers and models it prices.
    pub fn counts(&self) -> (usize, usize) {
        let models = self.providers.iter().map(|p| p.models.len()).sum();
        (self.providers.len(), models)
    }

    /// The time an undated event is priced at.
    pub(crate) fn as_of(&self) -> UnixNanos {
        self.as_of.unwrap_or(UnixNanos(i64::MAX))
    }

    fn provider_index(&self, name: &str) -> Option<usize> {
        let name = name.trim().to_ascii_lowercase();
        let name = PROVIDER_ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map_or(name.as_str(), |(_, id)| id);
        if let Some(i) = self.providers.iter().position(|p| p.id == name) {
            return Some(i);
        }
        let subject = Subject::new(name);
        if let Some(i) = self.providers.iter().position(|p| {
            p.provider_match
                .as_ref()
                .is_some_and(|r| r.matches(&subject))
        }) {
            return Some(i);
        }
        // An SDK's own id such as `openai.chat` or `anthropic.messages`.
        let (head, _) = name.split_once(['.', ':'])?;
        (head != name).then(|| self.provider_index(head)).flatten()
    }

    /// The model in provider `i` or its fallbacks.
    fn in_provider(&self, i: usize, model: &str) -> Option<Found> {
        let subject = Subject::new(model);
        let own = |i: usize| {
            let models = &self.providers[i].models;
            models
                .iter()
                .position(|m| m.rule.matches(&subject))
                .map(|m| (i, m))
        };
        own(i).or_else(|| {
            self.providers[i].fallbacks.iter().find_map(|f| {
                let fi = self.providers.iter().position(|q| q.id == *f)?;
                own(fi)
            })
        })
    }

    /// One attempt at `model` as written.
    fn find(&self, provider: Option<usize>, model: &str) -> Option<Found> {
        if let Some(i) = provider {
            return self.in_provider(i, model).or_else(|| {
                let (_, rest) = model.split_once('/')?;
                self.in_provider(i, rest)
            });
        }
        if let Some((head, rest)) = model.split_once('/')
            && let Some(i) = self.provider_index(head)
            && let Some(hit) = self
                .in_provider(i, rest)
                .or_else(|| self.in_provider(i, model))
        {
            return Some(hit);
        }
        let subject = Subject::new(model);
        let by_pattern = self
            .providers
            .iter()
            .enumerate()
            .filter(|(_, p)| p.model_match.as_ref().is_some_and(|r| r.matches(&subject)));
        for (i, _) in by_pattern {
            if let Some(hit) = self.in_provider(i, model) {
                return Some(hit);
            }
        }
        // Bedrock names: `[region.]vendor.model`.
        if subject.folded().contains('.')
            && let Some(i) = self.provider_index("aws")
            && let Some(hit) = self.in_provider(i, model)
        {
            return Some(hit);
        }
        // Any provider that lists the name, resellers last.
        let order = self
            .providers
            .iter()
            .enumerate()
            .filter(|(_, p)| p.model_match.is_none())
            .map(|(i, p)| (p.id == "openrouter" || p.id.starts_with("huggingface"), i));
        let mut order: Vec<(bool, usize)> = order.collect();
        order.sort_by_key(|&(reseller, i)| (reseller, i));
        order
            .into_iter()
            .find_map(|(_, i)| self.in_provider(i, model))
    }

    /// The catalog's model for `model` as named by `provider` (see the [module
    /// docs](self) for the order of attempts). `None`: the catalog does not price it.
    pub(crate) fn resolve(&self, provider: Option<&str>, model: &str) -> Option<CatalogHit<'_>> {
        let model = model.trim();
        if model.is_empty() {
            return None;
        }
        let provider = provider.map(str::trim).filter(|p| !p.is_empty());
        let key = (provider.map(str::to_owned), model.to_owned());
        let memo = |f: &mut dyn FnMut(&mut BTreeMap<_, _>) -> Option<Option<Found>>| {
            f(&mut self.memo.lock().unwrap_or_else(PoisonError::into_inner))
        };
        let found = match memo(&mut |m| m.get(&key).copied()) {
            Some(found) => found,
            None => {
                let found = self.search(provider, model);
                memo(&mut |m| {
                    if m.len() >= MEMO_LIMIT {
                        m.clear();
                    }
                    m.insert(key.clone(), found);
                    None
                });
                found
            }
        };
        found.map(|(p, m)| CatalogHit {
            provider: &self.providers[p].id,
            model: &self.providers[p].models[m],
        })
    }

    fn search(&self, provider: Option<&str>, model: &str) -> Option<Found> {
        let p = provider.and_then(|p| self.provider_index(p));
        if let Some(hit) = self.find(p, model) {
            return Some(hit);
        }
        let dashed = dashed_dates(model);
        let mut name = match &dashed {
            Some(d) => d.as_str(),
            None => family(model)?,
        };
        loop {
            if let Some(hit) = self.find(p, name) {
                return Some(hit);
            }
            name = family(name)?;
        }
    }
}

#[cfg(test)]
mod tests;
