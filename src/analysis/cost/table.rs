//! The pricing table: [`ModelPrice`] entries, model lookup by key or delimited prefix,
//! and reading and writing a table as JSON.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CURRENCY, DELIMITERS};

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
        self.model = self.model.trim().to_lowercase();
        if self.model.is_empty() {
            return Err(err("the model name is empty".into()));
        }
        let rates = [
            ("input_per_1m", Some(self.input_per_1m)),
            ("output_per_1m", Some(self.output_per_1m)),
            ("cached_input_per_1m", self.cached_input_per_1m),
            ("reasoning_per_1m", self.reasoning_per_1m),
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

/// Prices by model, keyed by lowercase model name.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PricingTable {
    pub(super) prices: BTreeMap<String, ModelPrice>,
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
    /// A table with no prices.
    pub fn empty() -> Self {
        Self {
            prices: BTreeMap::new(),
        }
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
        self.prices.remove(&model.trim().to_lowercase())
    }

    /// This table with every price of `overrides` added, replacing same-named ones.
    #[must_use]
    pub fn merge(mut self, overrides: Self) -> Self {
        self.prices.extend(overrides.prices);
        self
    }

    /// The prices, ordered by model name.
    pub fn prices(&self) -> impl Iterator<Item = &ModelPrice> {
        self.prices.values()
    }

    /// How many models have a price.
    pub fn len(&self) -> usize {
        self.prices.len()
    }

    /// Whether the table has no prices.
    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }

    /// The price for `model`: the exact (case-insensitive) key, else the longest key that
    /// is a prefix of the model followed by one of [`DELIMITERS`]. `None` when no key
    /// matches.
    ///
    /// ```
    /// use agentlens::analysis::cost::PricingTable;
    /// let t = PricingTable::default();
    /// assert_eq!(t.lookup("gpt-4o-2024-05-13").unwrap().model, "gpt-4o");
    /// assert_eq!(t.lookup("GPT-4o").unwrap().model, "gpt-4o");
    /// assert!(t.lookup("gpt-4oo").is_none());
    /// ```
    pub fn lookup(&self, model: &str) -> Option<&ModelPrice> {
        let model = model.trim().to_lowercase();
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
