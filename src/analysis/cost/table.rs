//! The pricing table: the user's [`ModelPrice`] entries (model lookup by key or delimited
//! prefix, read and written as JSON) over a [`PriceCatalog`]: an entry of the user's wins,
//! the catalog prices everything else.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::rates::{Rates, Unit};
use super::{CURRENCY, DELIMITERS, PriceCatalog};
use crate::time::UnixNanos;

/// The price of one model, in USD per 1M tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelPrice {
    /// The model key (lowercase in a table).
    pub model: String,
    /// Normal input tokens.
    #[serde(alias = "input_cost_per_1m", alias = "input")]
    pub input_per_1m: f64,
    /// Output tokens (and reasoning tokens when [`ModelPrice::reasoning_per_1m`] is absent).
    #[serde(alias = "output_cost_per_1m", alias = "output")]
    pub output_per_1m: f64,
    /// Cached input tokens; absent when no cached price is known (then the input price
    /// is used and the cost says `cached_price_assumed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_per_1m: Option<f64>,
    /// Reasoning tokens, when a provider prices them apart from output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_per_1m: Option<f64>,
    /// Prompt-cache writes (Anthropic's `cache_creation_input_tokens`); absent: the input
    /// rate, and the cost says `cache_write_price_assumed`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "cache_write_cost_per_1m"
    )]
    pub cache_write_per_1m: Option<f64>,
    /// The provider whose price this is, for a catalog price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The day this price took effect, for a catalog price with a date (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<String>,
    /// Always `"USD"`.
    #[serde(default = "usd")]
    pub currency: String,
    /// Where the price came from.
    #[serde(default = "user_source")]
    pub source: String,
}

pub(super) fn usd() -> String {
    CURRENCY.to_owned()
}

fn user_source() -> String {
    "user".to_owned()
}

impl ModelPrice {
    /// A USD price with input and output rates per 1M tokens and source `"user"`.
    pub fn new(model: impl Into<String>, input_per_1m: f64, output_per_1m: f64) -> Self {
        Self {
            model: model.into(),
            input_per_1m,
            output_per_1m,
            cached_input_per_1m: None,
            reasoning_per_1m: None,
            cache_write_per_1m: None,
            provider: None,
            effective_from: None,
            currency: usd(),
            source: user_source(),
        }
    }

    /// With a cached-input rate per 1M tokens.
    #[must_use]
    pub fn cached(mut self, per_1m: f64) -> Self {
        self.cached_input_per_1m = Some(per_1m);
        self
    }

    /// With a reasoning-token rate per 1M tokens.
    #[must_use]
    pub fn reasoning(mut self, per_1m: f64) -> Self {
        self.reasoning_per_1m = Some(per_1m);
        self
    }

    /// With a prompt-cache write rate per 1M tokens.
    #[must_use]
    pub fn cache_write(mut self, per_1m: f64) -> Self {
        self.cache_write_per_1m = Some(per_1m);
        self
    }

    /// The rates of this entry.
    pub(crate) fn rates(&self) -> Rates {
        let mut r = Rates::default();
        r.set(Unit::Input, Some(self.input_per_1m));
        r.set(Unit::Output, Some(self.output_per_1m));
        r.set(Unit::CacheRead, self.cached_input_per_1m);
        r.set(Unit::CacheWrite, self.cache_write_per_1m);
        r.set(Unit::OutputReasoning, self.reasoning_per_1m);
        r
    }

    /// With a source description.
    #[must_use]
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }

    /// Checks the entry and normalises its key (trimmed, lowercase) and currency.
    fn validated(mut self, entry: &str) -> Result<Self, PricingError> {
        let err = |message: String| PricingError {
            entry: entry.to_owned(),
            message,
        };
        self.model = self.model.trim().to_ascii_lowercase();
        if self.model.is_empty() {
            return Err(err("the model name is empty".into()));
        }
        let rates = [
            ("input_per_1m", Some(self.input_per_1m)),
            ("output_per_1m", Some(self.output_per_1m)),
            ("cached_input_per_1m", self.cached_input_per_1m),
            ("reasoning_per_1m", self.reasoning_per_1m),
            ("cache_write_per_1m", self.cache_write_per_1m),
        ];
        for (field, rate) in rates {
            if let Some(rate) = rate
                && !(rate.is_finite() && rate >= 0.0)
            {
                return Err(err(format!(
                    "{field} must be a finite, non-negative number, got {rate}"
                )));
            }
        }
        if !self.currency.eq_ignore_ascii_case(CURRENCY) {
            return Err(err(format!(
                "currency must be \"USD\", got {:?}",
                self.currency
            )));
        }
        self.currency = usd();
        Ok(self)
    }
}

/// A pricing entry that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricingError {
    /// The bad entry: its model name, else its position (`#3`), or `"table"` when the
    /// JSON as a whole is wrong.
    pub entry: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for PricingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pricing entry {}: {}", self.entry, self.message)
    }
}

impl std::error::Error for PricingError {}

/// The user's prices by model (keyed by lowercase model name) over a price catalog.
/// Serialises as the user's entries alone.
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct PricingTable {
    pub(super) prices: BTreeMap<String, ModelPrice>,
    #[serde(skip)]
    catalog: Option<Arc<PriceCatalog>>,
}

impl PartialEq for PricingTable {
    fn eq(&self, other: &Self) -> bool {
        let same_catalog = match (&self.catalog, &other.catalog) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        same_catalog && self.prices == other.prices
    }
}

/// The price that applies to one call: whose it is, from when, and its rates.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    /// The user's key, or the catalog's model id.
    pub(crate) key: String,
    pub(crate) provider: Option<String>,
    pub(crate) source: String,
    pub(crate) from: Option<String>,
    pub(crate) rates: Rates,
    /// The user's entry, when it is one.
    pub(crate) entry: Option<ModelPrice>,
}

impl Resolved {
    /// The price as a report shows it (tiered rates at their base).
    pub(crate) fn report(&self) -> ModelPrice {
        if let Some(entry) = &self.entry {
            return entry.clone();
        }
        let base = |u: Unit| self.rates.get(u).map(|r| r.at(0).0);
        ModelPrice {
            model: self.key.clone(),
            input_per_1m: base(Unit::Input).unwrap_or(0.0),
            output_per_1m: base(Unit::Output).unwrap_or(0.0),
            cached_input_per_1m: base(Unit::CacheRead),
            reasoning_per_1m: base(Unit::OutputReasoning),
            cache_write_per_1m: base(Unit::CacheWrite),
            provider: self.provider.clone(),
            effective_from: self.from.clone(),
            currency: usd(),
            source: self.source.clone(),
        }
    }
}

/// Whether `key` (lowercase) prices `model` (lowercase): equal, or a prefix followed by a
/// [delimiter](DELIMITERS).
fn key_matches(key: &str, model: &str) -> bool {
    model.starts_with(key)
        && model[key.len()..]
            .chars()
            .next()
            .is_none_or(|c| DELIMITERS.contains(&c))
}

impl PricingTable {
    /// A table with no prices and no catalog.
    pub fn empty() -> Self {
        Self {
            prices: BTreeMap::new(),
            catalog: None,
        }
    }

    /// This table over `catalog`: what no entry of the table prices, the catalog does.
    #[must_use]
    pub fn with_catalog(mut self, catalog: Arc<PriceCatalog>) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// A table over the same catalog with none of this table's entries.
    #[must_use]
    pub fn catalog_only(&self) -> Self {
        Self {
            prices: BTreeMap::new(),
            catalog: self.catalog.clone(),
        }
    }

    /// The catalog under the table, when it has one.
    pub fn catalog(&self) -> Option<&PriceCatalog> {
        self.catalog.as_deref()
    }

    /// Adds `price`, replacing any price with the same (case-insensitive) model name.
    ///
    /// # Errors
    /// [`PricingError`] naming the model when its name is empty, a rate is negative or
    /// not finite, or its currency is not USD.
    ///
    /// ```
    /// use agentlens::analysis::cost::{ModelPrice, PricingTable};
    /// let table = PricingTable::default()
    ///     .with_price(ModelPrice::new("my-model", 1.0, 2.0).cached(0.1))
    ///     .unwrap();
    /// assert_eq!(table.lookup("My-Model-v2").unwrap().model, "my-model");
    /// assert!(PricingTable::empty().with_price(ModelPrice::new("x", -1.0, 0.0)).is_err());
    /// ```
    pub fn with_price(mut self, price: ModelPrice) -> Result<Self, PricingError> {
        self.set_price(price)?;
        Ok(self)
    }

    /// Adds `price` in place; see [`PricingTable::with_price`].
    ///
    /// # Errors
    /// As [`PricingTable::with_price`].
    pub fn set_price(&mut self, price: ModelPrice) -> Result<(), PricingError> {
        let entry = price.model.clone();
        let price = price.validated(&entry)?;
        self.prices.insert(price.model.clone(), price);
        Ok(())
    }

    /// Removes the price with exactly this (case-insensitive) model name.
    pub fn remove(&mut self, model: &str) -> Option<ModelPrice> {
        self.prices.remove(&model.trim().to_ascii_lowercase())
    }

    /// This table with every price of `overrides` added, replacing same-named ones (the
    /// catalog stays this table's, else becomes the overrides').
    #[must_use]
    pub fn merge(mut self, overrides: Self) -> Self {
        self.prices.extend(overrides.prices);
        if self.catalog.is_none() {
            self.catalog = overrides.catalog;
        }
        self
    }

    /// The prices, ordered by model name.
    pub fn prices(&self) -> impl Iterator<Item = &ModelPrice> {
        self.prices.values()
    }

    /// How many models have a price of the user's (the catalog's are not counted).
    pub fn len(&self) -> usize {
        self.prices.len()
    }

    /// Whether the table has no prices of the user's.
    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }

    /// The price for `model` from `provider` (OpenTelemetry's `gen_ai.provider.name`, when
    /// known) in force at `at` (an undated call: as of the catalog's date). The user's
    /// entry wins (see [`PricingTable::lookup`]); else the catalog's model (see
    /// [`PriceCatalog`]). `None`: nothing prices it.
    ///
    /// ```
    /// use agentlens::analysis::cost::PricingTable;
    /// let t = PricingTable::default();
    /// let p = t.price_for(Some("aws.bedrock"), "anthropic.claude-3-haiku-20240307-v1:0", None).unwrap();
    /// assert_eq!((p.provider.as_deref(), p.input_per_1m), (Some("aws"), 0.25));
    /// assert!(t.price_for(None, "no-such-model-anywhere", None).is_none());
    /// ```
    pub fn price_for(
        &self,
        provider: Option<&str>,
        model: &str,
        at: Option<UnixNanos>,
    ) -> Option<ModelPrice> {
        self.resolve(provider, model, at).map(|r| r.report())
    }

    pub(crate) fn resolve(
        &self,
        provider: Option<&str>,
        model: &str,
        at: Option<UnixNanos>,
    ) -> Option<Resolved> {
        if let Some(entry) = self.user_entry(model) {
            return Some(Resolved {
                key: entry.model.clone(),
                provider: entry.provider.clone(),
                source: entry.source.clone(),
                from: entry.effective_from.clone(),
                rates: entry.rates(),
                entry: Some(entry.clone()),
            });
        }
        let catalog = self.catalog.as_deref()?;
        let hit = catalog.resolve(provider, model)?;
        let period = hit.model.period_at(at.unwrap_or_else(|| catalog.as_of()));
        Some(Resolved {
            key: hit.model.id.clone(),
            provider: Some(hit.provider.to_owned()),
            source: catalog.source().label(),
            from: period.from.clone(),
            rates: period.rates.clone(),
            entry: None,
        })
    }

    /// The price for `model` (any provider, as of the catalog's date): the user's entry
    /// with the exact (case-insensitive) key, else the longest key that is a prefix of the
    /// model followed by one of [`DELIMITERS`], else the catalog's.
    ///
    /// ```
    /// use agentlens::analysis::cost::{ModelPrice, PricingTable};
    /// let t = PricingTable::default().with_price(ModelPrice::new("acme", 1.0, 2.0)).unwrap();
    /// assert_eq!(t.lookup("acme-2024-05-13").unwrap().model, "acme");
    /// assert_eq!(t.lookup("GPT-4o").unwrap().input_per_1m, 2.5);
    /// assert!(t.lookup("acmee").is_none());
    /// ```
    pub fn lookup(&self, model: &str) -> Option<ModelPrice> {
        self.price_for(None, model, None)
    }

    fn user_entry(&self, model: &str) -> Option<&ModelPrice> {
        let model = model.trim().to_ascii_lowercase();
        if model.is_empty() {
            return None;
        }
        if let Some(price) = self.prices.get(&model) {
            return Some(price);
        }
        self.prices
            .iter()
            .filter(|(key, _)| key_matches(key, &model))
            .max_by_key(|(key, _)| key.len())
            .map(|(_, price)| price)
    }

    /// Reads a table: a JSON array of entries
    /// (`[{"model": "...", "input_per_1m": 1, "output_per_1m": 2, ...}]`) or an object
    /// keyed by model (`{"my-model": {"input_per_1m": 1, "output_per_1m": 2}}`). The
    /// backend's `input_cost_per_1m`/`output_cost_per_1m` names are accepted too. The
    /// result holds only these prices; [`PricingTable::merge`] them over
    /// [`PricingTable::default`] to extend the defaults.
    ///
    /// # Errors
    /// [`PricingError`] naming the first bad entry (its model, else `#index`).
    ///
    /// ```
    /// use agentlens::analysis::cost::PricingTable;
    /// let t = PricingTable::from_json(r#"{"acme-1": {"input_per_1m": 1, "output_per_1m": 2}}"#);
    /// assert_eq!(t.unwrap().lookup("acme-1").unwrap().output_per_1m, 2.0);
    /// let err = PricingTable::from_json(r#"[{"model": "acme-2", "input_per_1m": -1, "output_per_1m": 2}]"#);
    /// assert_eq!(err.unwrap_err().entry, "acme-2");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, PricingError> {
        let table_err = |message: String| PricingError {
            entry: "table".into(),
            message,
        };
        let value: Value = serde_json::from_str(text).map_err(|e| table_err(e.to_string()))?;
        let mut entries: Vec<(String, Value)> = Vec::new();
        match value {
            Value::Array(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    let name = item
                        .get("model")
                        .and_then(Value::as_str)
                        .map_or_else(|| format!("#{i}"), str::to_owned);
                    entries.push((name, item));
                }
            }
            Value::Object(map) => {
                for (name, mut item) in map {
                    if let Value::Object(fields) = &mut item {
                        fields
                            .entry("model")
                            .or_insert_with(|| Value::String(name.clone()));
                    }
                    entries.push((name, item));
                }
            }
            _ => {
                return Err(table_err(
                    "expected an array of entries or an object keyed by model".into(),
                ));
            }
        }
        let mut table = Self::empty();
        for (name, item) in entries {
            let price: ModelPrice = serde_json::from_value(item).map_err(|e| PricingError {
                entry: name.clone(),
                message: e.to_string(),
            })?;
            table.set_price(price.validated(&name)?)?;
        }
        Ok(table)
    }

    /// The table as a JSON array of entries, ordered by model ([`PricingTable::from_json`]
    /// reads it back).
    pub fn to_json(&self) -> String {
        let entries: Vec<&ModelPrice> = self.prices.values().collect();
        serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned())
    }
}
