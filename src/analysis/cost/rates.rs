//! Rates per unit of usage and what a call's usage costs at them.
//!
//! The units and their price keys are the price data's (`input_mtok`, `cache_read_mtok`,
//! …; USD per million tokens, `requests_kcount` per thousand calls). Usage is counted the
//! way OpenTelemetry counts it: `input` includes cache reads, cache writes, audio and
//! image input; `output` includes reasoning, audio and image output. Each rate is charged
//! on what is left of its unit after the units below it that have their own rate are
//! taken out, so every token is priced once: cache reads at the cache-read rate when the
//! model has one, else at the input rate (and the cost says it assumed so).

use serde_json::{Map, Value};

/// The units a price can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Input,
    CacheRead,
    CacheWrite,
    CacheWrite1h,
    InputAudio,
    CacheAudioRead,
    InputImage,
    CacheImageRead,
    Output,
    OutputReasoning,
    OutputAudio,
    OutputImage,
    Requests,
}

use Unit::*;

/// Every unit, in the order leaves are computed: the more specific first.
pub(crate) const UNITS: [Unit; 13] = [
    CacheAudioRead,
    CacheImageRead,
    CacheWrite1h,
    CacheRead,
    CacheWrite,
    InputAudio,
    InputImage,
    OutputReasoning,
    OutputAudio,
    OutputImage,
    Input,
    Output,
    Requests,
];

impl Unit {
    /// The price data's key for this unit.
    pub(crate) const fn price_key(self) -> &'static str {
        match self {
            Input => "input_mtok",
            CacheRead => "cache_read_mtok",
            CacheWrite => "cache_write_mtok",
            CacheWrite1h => "cache_write_1h_mtok",
            InputAudio => "input_audio_mtok",
            CacheAudioRead => "cache_audio_read_mtok",
            InputImage => "input_image_mtok",
            CacheImageRead => "cache_image_read_mtok",
            Output => "output_mtok",
            OutputReasoning => "output_reasoning_mtok",
            OutputAudio => "output_audio_mtok",
            OutputImage => "output_image_mtok",
            Requests => "requests_kcount",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }

    /// Units priced per thousand rather than per million.
    const fn per(self) -> f64 {
        match self {
            Requests => 1e3,
            _ => 1e6,
        }
    }

    /// Every unit this one's count is part of (`CacheAudioRead` is part of `CacheRead`,
    /// `InputAudio` and `Input`).
    const fn ancestors(self) -> &'static [Self] {
        match self {
            CacheAudioRead => &[CacheRead, InputAudio, Input],
            CacheImageRead => &[CacheRead, InputImage, Input],
            CacheWrite1h => &[CacheWrite, Input],
            CacheRead | CacheWrite | InputAudio | InputImage => &[Input],
            OutputReasoning | OutputAudio | OutputImage => &[Output],
            Input | Output | Requests => &[],
        }
    }
}

/// One unit's rate: flat, or tiered by the call's total input tokens (the tier with the
/// highest start below the total prices every unit of the call, as the providers bill).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Rate {
    Flat(f64),
    Tiered { base: f64, tiers: Vec<(u64, f64)> },
}

impl Rate {
    /// The rate for a call with `input` tokens in all and, when tiered, the tier's start.
    pub(crate) fn at(&self, input: u64) -> (f64, Option<u64>) {
        match self {
            Self::Flat(rate) => (*rate, None),
            Self::Tiered { base, tiers } => tiers
                .iter()
                .rev()
                .find(|(start, _)| input > *start)
                .map_or((*base, None), |&(start, rate)| (rate, Some(start))),
        }
    }

    fn parse(key: &str, value: &Value) -> Result<Self, String> {
        let number = |v: &Value, what: &str| {
            v.as_f64()
                .filter(|r| r.is_finite() && *r >= 0.0)
                .ok_or_else(|| format!("{key}{what} must be a finite, non-negative number"))
        };
        if !value.is_object() {
            return Ok(Self::Flat(number(value, "")?));
        }
        let base = number(value.get("base").unwrap_or(&Value::Null), ".base")?;
        let mut tiers = Vec::new();
        for tier in value
            .get("tiers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let start = tier
                .get("start")
                .and_then(Value::as_f64)
                .filter(|s| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| format!("{key}: a tier's start must be a non-negative number"))?;
            let price = number(tier.get("price").unwrap_or(&Value::Null), ".tiers[].price")?;
            tiers.push((start as u64, price));
        }
        tiers.sort_by_key(|t| t.0);
        Ok(Self::Tiered { base, tiers })
    }
}

/// A model's rates, by unit. Units without a rate fall back as [`Rates::cost`] says.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Rates([Option<Rate>; 13]);

impl Rates {
    pub(crate) fn get(&self, unit: Unit) -> Option<&Rate> {
        self.0[unit.index()].as_ref()
    }

    pub(crate) fn set(&mut self, unit: Unit, rate: Option<f64>) {
        self.0[unit.index()] = rate.map(Rate::Flat);
    }

    /// Reads a price object of the data (`{"input_mtok": 2.5, "output_mtok": {"base": 1,
    /// "tiers": [...]}}`). Keys for usage AgentLens does not record (web searches,
    /// audio hours, pages) are skipped.
    pub(crate) fn parse(prices: &Map<String, Value>) -> Result<Self, String> {
        let mut rates = Self::default();
        for unit in UNITS {
            if let Some(v) = prices.get(unit.price_key()) {
                rates.0[unit.index()] = Some(Rate::parse(unit.price_key(), v)?);
            }
        }
        Ok(rates)
    }
}

/// A call's usage by unit (see the [module docs](self) for what includes what).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Usage(pub(crate) [u64; 13]);

impl Usage {
    pub(crate) fn get(&self, unit: Unit) -> u64 {
        self.0[unit.index()]
    }

    pub(crate) fn set(&mut self, unit: Unit, n: u64) {
        self.0[unit.index()] = n;
    }
}

/// What a call costs, by kind, unrounded.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Charge {
    pub(crate) input: f64,
    pub(crate) cached: f64,
    pub(crate) cache_write: f64,
    pub(crate) output: f64,
    pub(crate) reasoning: f64,
    /// Audio and image tokens and per-call fees.
    pub(crate) other: f64,
    /// Cache reads were charged at the input rate (no cache-read rate).
    pub(crate) cached_assumed: bool,
    /// Cache writes were charged at the input rate (no cache-write rate).
    pub(crate) cache_write_assumed: bool,
    /// The tier that applied, when a rate is tiered and the call passed a tier's start.
    pub(crate) tier: Option<u64>,
}

impl Rates {
    /// What `usage` costs at these rates. Cache reads and writes without a rate of their
    /// own are charged at the input rate and flagged; reasoning without a rate of its own
    /// is output.
    pub(crate) fn cost(&self, usage: &Usage) -> Charge {
        let mut charge = Charge::default();
        let mut rates = self.clone();
        for (unit, flag) in [
            (CacheRead, &mut charge.cached_assumed),
            (CacheWrite, &mut charge.cache_write_assumed),
        ] {
            if rates.get(unit).is_none() && usage.get(unit) > 0 {
                rates.0[unit.index()] = rates.get(Input).cloned();
                *flag = rates.get(unit).is_some();
            }
        }
        // A cached audio or image token sits inside both the cache reads and the audio (or
        // image) input: without a rate of its own it would be a leaf of both, charged
        // twice. It is a cache read then.
        for unit in [CacheAudioRead, CacheImageRead] {
            if rates.get(unit).is_none() && usage.get(unit) > 0 {
                rates.0[unit.index()] = rates.get(CacheRead).cloned();
            }
        }
        // Each priced unit's leaf: its count less the leaves of the priced units inside it
        // (the leaves partition the usage, so nothing is charged twice).
        let mut leaf = [0u64; 13];
        for unit in UNITS {
            if rates.get(unit).is_none() {
                continue;
            }
            let inside: u64 = UNITS
                .iter()
                .filter(|u| rates.get(**u).is_some() && u.ancestors().contains(&unit))
                .map(|u| leaf[u.index()])
                .sum();
            leaf[unit.index()] = if unit == Requests {
                1
            } else {
                usage.get(unit).saturating_sub(inside)
            };
        }
        let input_total = usage.get(Input);
        for unit in UNITS {
            let Some(rate) = rates.get(unit) else {
                continue;
            };
            let (per_unit, tier) = rate.at(input_total);
            if tier.is_some() && leaf[unit.index()] > 0 {
                charge.tier = charge.tier.max(tier);
            }
            let amount = leaf[unit.index()] as f64 / unit.per() * per_unit;
            let into = match unit {
                Input => &mut charge.input,
                CacheRead | CacheAudioRead | CacheImageRead => &mut charge.cached,
                CacheWrite | CacheWrite1h => &mut charge.cache_write,
                Output => &mut charge.output,
                OutputReasoning => &mut charge.reasoning,
                InputAudio | InputImage | OutputAudio | OutputImage | Requests => &mut charge.other,
            };
            *into += amount;
        }
        charge
    }
}

impl Charge {
    pub(crate) fn total(&self) -> f64 {
        self.input + self.cached + self.cache_write + self.output + self.reasoning + self.other
    }

    pub(crate) fn add(&mut self, other: &Self) {
        self.input += other.input;
        self.cached += other.cached;
        self.cache_write += other.cache_write;
        self.output += other.output;
        self.reasoning += other.reasoning;
        self.other += other.other;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rates(v: Value) -> Rates {
        Rates::parse(v.as_object().unwrap()).unwrap()
    }

    fn usage(pairs: &[(Unit, u64)]) -> Usage {
        let mut u = Usage::default();
        for &(unit, n) in pairs {
            u.set(unit, n);
        }
        u
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn every_token_is_priced_once() {
        let r = rates(
            json!({"input_mtok": 3, "cache_read_mtok": 0.3, "cache_write_mtok": 3.75, "output_mtok": 15}),
        );
        // 1,000 input of which 600 cache reads and 300 cache writes; 500 output.
        let c = r.cost(&usage(&[
            (Input, 1000),
            (CacheRead, 600),
            (CacheWrite, 300),
            (Output, 500),
        ]));
        assert!(close(c.input, 100.0 * 3.0 / 1e6));
        assert!(close(c.cached, 600.0 * 0.3 / 1e6));
        assert!(close(c.cache_write, 300.0 * 3.75 / 1e6));
        assert!(close(c.output, 500.0 * 15.0 / 1e6));
        assert!(!c.cached_assumed && !c.cache_write_assumed);
    }

    #[test]
    fn a_missing_cache_rate_is_the_input_rate_and_is_flagged() {
        let r = rates(json!({"input_mtok": 2, "output_mtok": 8}));
        let c = r.cost(&usage(&[(Input, 1000), (CacheRead, 400), (Output, 10)]));
        assert!(close(c.input, 600.0 * 2.0 / 1e6));
        assert!(close(c.cached, 400.0 * 2.0 / 1e6));
        assert!(c.cached_assumed);
        assert!(!r.cost(&usage(&[(Input, 1000)])).cached_assumed);
    }

    #[test]
    fn reasoning_is_output_unless_priced_apart() {
        let u = usage(&[(Output, 1000), (OutputReasoning, 800)]);
        let c = rates(json!({"input_mtok": 1, "output_mtok": 10})).cost(&u);
        assert!(close(c.output, 1000.0 * 10.0 / 1e6) && c.reasoning == 0.0);
        let c = rates(json!({"input_mtok": 1, "output_mtok": 10, "output_reasoning_mtok": 3.5}))
            .cost(&u);
        assert!(close(c.output, 200.0 * 10.0 / 1e6));
        assert!(close(c.reasoning, 800.0 * 3.5 / 1e6));
    }

    #[test]
    fn nested_units_leave_no_gap_and_no_overlap() {
        let r = rates(
            json!({"input_mtok": 1, "cache_read_mtok": 0.1, "input_audio_mtok": 10,
            "cache_audio_read_mtok": 2, "output_mtok": 4, "output_audio_mtok": 20, "requests_kcount": 5}),
        );
        let u = usage(&[
            (Input, 1000),
            (CacheRead, 100),
            (InputAudio, 30),
            (CacheAudioRead, 10),
            (Output, 50),
            (OutputAudio, 20),
        ]);
        let c = r.cost(&u);
        // Leaves: audio cache read 10, other cache reads 90, other audio 20, text 880.
        assert!(close(c.cached, (10.0 * 2.0 + 90.0 * 0.1) / 1e6));
        assert!(close(c.input, 880.0 / 1e6));
        assert!(close(c.output, 30.0 * 4.0 / 1e6));
        assert!(close(
            c.other,
            (20.0 * 10.0 + 20.0 * 20.0) / 1e6 + 5.0 / 1e3
        ));
    }

    #[test]
    fn cached_audio_without_its_own_rate_is_charged_once_as_a_cache_read() {
        let r = rates(
            json!({"input_mtok": 0.3, "cache_read_mtok": 0.03, "input_audio_mtok": 1, "output_mtok": 2.5}),
        );
        // 6,200 in: 1,200 text + 5,000 audio; 4,000 cached: 1,000 text + 3,000 audio.
        let u = usage(&[
            (Input, 6200),
            (CacheRead, 4000),
            (InputAudio, 5000),
            (CacheAudioRead, 3000),
        ]);
        let c = r.cost(&u);
        assert!(close(c.input, 200.0 * 0.3 / 1e6), "{c:?}");
        assert!(close(c.cached, 4000.0 * 0.03 / 1e6));
        assert!(close(c.other, 2000.0 * 1.0 / 1e6));
        assert!(close(
            c.total(),
            (200.0 * 0.3 + 4000.0 * 0.03 + 2000.0) / 1e6
        ));
    }

    #[test]
    fn a_tier_prices_the_whole_call() {
        let r = rates(
            json!({"input_mtok": {"base": 1.25, "tiers": [{"start": 200000, "price": 2.5}]},
            "output_mtok": {"base": 10, "tiers": [{"start": 200000, "price": 15}]}}),
        );
        let small = r.cost(&usage(&[(Input, 200_000), (Output, 1000)]));
        assert!(close(small.input, 0.25) && small.tier.is_none());
        let big = r.cost(&usage(&[(Input, 200_001), (Output, 1000)]));
        assert!(close(big.input, 200_001.0 * 2.5 / 1e6));
        assert!(close(big.output, 1000.0 * 15.0 / 1e6));
        assert_eq!(big.tier, Some(200_000));
    }

    #[test]
    fn inconsistent_usage_never_goes_negative() {
        let r = rates(json!({"input_mtok": 1, "cache_read_mtok": 0.5, "output_mtok": 1}));
        let c = r.cost(&usage(&[(Input, 10), (CacheRead, 50)]));
        assert!(c.input == 0.0 && c.total() >= 0.0);
    }

    #[test]
    fn bad_rates_are_refused() {
        for bad in [
            json!({"input_mtok": -1}),
            json!({"input_mtok": "1"}),
            json!({"output_mtok": {"tiers": []}}),
        ] {
            assert!(Rates::parse(bad.as_object().unwrap()).is_err(), "{bad}");
        }
    }
}
