//! Exponential backoff with jitter, from a seeded PRNG.
//!
//! The core takes randomness as a seed, never from the OS: the same seed gives the same
//! delays, so tests replay exactly. The generator is SplitMix64 (Steele, Lea and Flood,
//! "Fast splittable pseudorandom number generators", 2014): tiny, fast, and good enough
//! for jitter; it is not for secrets.

use crate::time::Millis;

/// SplitMix64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    pub(crate) const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32 for the
    /// ranges used here). `n == 0` gives 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The un-jittered delay before retry `attempt` (1 for the first retry):
/// `min(cap, base * 2^(attempt - 1))`, saturating.
pub(crate) fn ceiling(base: Millis, cap: Millis, attempt: u32) -> Millis {
    let shift = attempt.saturating_sub(1);
    let factor = 1u64.checked_shl(shift).unwrap_or(u64::MAX);
    Millis(base.0.saturating_mul(factor).min(cap.0))
}

/// The delay before retry `attempt`: uniform in `[d/2, d]` where `d` is [`ceiling`].
///
/// "Equal jitter": never less than half the exponential delay, so a crowd of clients
/// spreads out without any of them retrying almost at once.
pub(crate) fn delay(rng: &mut Rng, base: Millis, cap: Millis, attempt: u32) -> Millis {
    let d = ceiling(base, cap, attempt).0;
    let low = d / 2;
    Millis(low + rng.below(d - low + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // First outputs of SplitMix64 seeded with 0 (as in the reference C code).
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn ceiling_doubles_then_caps() {
        let (b, c) = (Millis(1000), Millis(30_000));
        let got: Vec<u64> = (1..=7).map(|k| ceiling(b, c, k).0).collect();
        assert_eq!(got, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
        assert_eq!(ceiling(b, c, 200), c);
        assert_eq!(
            ceiling(Millis(u64::MAX), Millis(u64::MAX), 3),
            Millis(u64::MAX)
        );
    }

    #[test]
    fn jitter_stays_within_half_and_full_delay() {
        let mut r = Rng::new(7);
        for k in 1..=10 {
            let d = ceiling(Millis(1000), Millis(30_000), k).0;
            for _ in 0..200 {
                let j = delay(&mut r, Millis(1000), Millis(30_000), k).0;
                assert!(
                    (d / 2..=d).contains(&j),
                    "attempt {k}: {j} outside [{}, {d}]",
                    d / 2
                );
            }
        }
        assert_eq!(delay(&mut r, Millis(0), Millis(0), 1), Millis(0));
    }

    #[test]
    fn same_seed_same_delays() {
        let run = |seed| {
            let mut r = Rng::new(seed);
            (1..6)
                .map(|k| delay(&mut r, Millis(1000), Millis(30_000), k))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
    }

    #[test]
    fn below_and_unit_stay_in_range() {
        let mut r = Rng::new(1);
        for _ in 0..1000 {
            assert!(r.below(3) < 3);
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
        assert_eq!(r.below(0), 0);
    }
}
