//! Pricing a model call where the price data lives elsewhere.
//!
//! The OTLP encoder writes what each model call cost (`agentlens.cost.usd`). It asks a
//! [`CallPricer`] for that, handing it a [`PricedCall`]: what the event says about the call
//! (provider, model, time, usage by unit), read without the price data. A
//! [`PricingTable`] is a pricer; a host may supply its own, as the SDK's wasm does: the
//! price catalog, its parser and its matcher live in the module that holds the regex
//! engine, loaded only by OTLP exporters (~19 KB gzipped out of the SDK's module; DESIGN.md,
//! "Prices in the patterns module").

use std::fmt;
use std::sync::Arc;

use super::event::{event_model, is_session_marker, round6};
use super::rates::{UNITS, Usage};
use super::usage::{event_provider, event_usage};
use super::{PriceCatalog, PricingTable};
use crate::model::Event;
use crate::time::UnixNanos;

/// How many counts a [`PricedCall`]'s usage holds.
pub const USAGE_UNITS: usize = UNITS.len();

/// What pricing one model call takes from its event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PricedCall<'e> {
    /// The provider the event names (`gen_ai.provider.name` and kin), when it does.
    pub provider: Option<&'e str>,
    /// The model, trimmed and never blank.
    pub model: &'e str,
    /// When the call happened (prices change over time).
    pub at: Option<UnixNanos>,
    /// Tokens (and requests) by unit, each clamped to what contains it, in this crate's
    /// unit order: a pricer built from the same crate reads them back with
    /// [`PricedCall::usage_from`].
    pub usage: [u64; USAGE_UNITS],
}

impl<'e> PricedCall<'e> {
    /// The call an event describes; `None` when it names no model, or is a session's
    /// start or end (their token totals repeat the events').
    pub fn of(event: &'e Event) -> Option<Self> {
        if is_session_marker(event) {
            return None;
        }
        Some(Self {
            provider: event_provider(event),
            model: event_model(event)?,
            at: event.time(),
            usage: event_usage(event).0,
        })
    }

    /// A call as a host hands it over: `usage` in this crate's unit order (missing
    /// counts are 0, extra ones ignored).
    pub fn usage_from(counts: &[u64]) -> [u64; USAGE_UNITS] {
        let mut usage = [0; USAGE_UNITS];
        for (slot, n) in usage.iter_mut().zip(counts) {
            *slot = *n;
        }
        usage
    }
}

/// Prices model calls in USD.
pub trait CallPricer: Send + Sync + fmt::Debug {
    /// What the call cost (6 decimal places), or `None` when its model has no price.
    fn cost_usd(&self, call: &PricedCall<'_>) -> Option<f64>;
}

impl CallPricer for PricingTable {
    fn cost_usd(&self, call: &PricedCall<'_>) -> Option<f64> {
        let price = self.resolve(call.provider, call.model, call.at)?;
        Some(round6(price.rates.cost(&Usage(call.usage)).total()))
    }
}

/// The catalog alone (no user prices), as the price data's module holds it.
impl CallPricer for PriceCatalog {
    fn cost_usd(&self, call: &PricedCall<'_>) -> Option<f64> {
        let hit = self.resolve(call.provider, call.model)?;
        let period = hit.model.period_at(call.at.unwrap_or_else(|| self.as_of()));
        Some(round6(period.rates.cost(&Usage(call.usage)).total()))
    }
}

/// A shared pricer, compared by identity (an encoder's config is compared in tests).
#[derive(Clone, Debug)]
pub struct Pricer(pub Arc<dyn CallPricer>);

impl Pricer {
    /// Wraps a pricer.
    pub fn new(pricer: impl CallPricer + 'static) -> Self {
        Self(Arc::new(pricer))
    }

    /// What the event's model call cost, when it is one and its model has a price.
    pub fn event_cost_usd(&self, event: &Event) -> Option<f64> {
        self.0.cost_usd(&PricedCall::of(event)?)
    }
}

impl PartialEq for Pricer {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
