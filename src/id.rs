//! Identifier generation from host-supplied randomness.
//!
//! The core never reads global randomness: the host seeds an [`IdGen`] once (from
//! `getrandom` / `crypto.getRandomValues`) and the generator expands the seed with
//! xoshiro256**. Ids are hex, as the AgentLens SDK (16 hex event and session ids) and
//! OTLP (32 hex trace ids, 16 hex span ids) write them; OTLP forbids all-zero ids, so
//! none is ever produced.

/// Expands a host seed into ids.
#[derive(Clone)]
pub struct IdGen {
    s: [u64; 4],
}

impl std::fmt::Debug for IdGen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The state would let anyone predict future ids; keep it out of logs.
        f.write_str("IdGen { .. }")
    }
}

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl IdGen {
    /// A generator seeded with 32 bytes of host randomness.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let mut s = [0u64; 4];
        for (i, chunk) in seed.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            s[i] = u64::from_le_bytes(b);
        }
        // Mix so that weak seeds (all zero, small counters) still give a good state.
        let mut x = s[0] ^ s[1].rotate_left(17) ^ s[2].rotate_left(31) ^ s[3].rotate_left(47);
        for v in &mut s {
            *v ^= splitmix(&mut x);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Self { s }
    }

    /// A generator from a 64-bit seed (tests, and hosts with little entropy to give).
    pub fn from_u64(seed: u64) -> Self {
        let mut x = seed;
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix(&mut x).to_le_bytes());
        }
        Self::from_seed(bytes)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A value whose 16 hex digits are not all zero and not all decimal: an id of only
    /// digits can read as a card number (13-19 digits, Luhn-valid one time in ten), which
    /// redaction would replace, merging distinct runs or sessions. One draw in ~1,850 is
    /// redrawn.
    fn nonzero(&mut self) -> u64 {
        loop {
            let v = self.next_u64();
            if v != 0 && has_hex_letter(v) {
                return v;
            }
        }
    }

    /// A 16-hex-character id for events and sessions (the AgentLens SDK's `uuid4().hex[:16]`).
    pub fn event_id(&mut self) -> String {
        format!("{:016x}", self.nonzero())
    }

    /// `count` fresh ids of [`IdGen::event_id`]'s shape, written one after the other (16
    /// hex characters each, no separator): a host takes them in order, so it needs one
    /// call per block rather than one per id.
    ///
    /// ```
    /// let mut g = agentlens::id::IdGen::from_u64(3);
    /// let block = g.event_ids(4);
    /// assert_eq!(block.len(), 64);
    /// assert_eq!(&block[..16], agentlens::id::IdGen::from_u64(3).event_id());
    /// ```
    pub fn event_ids(&mut self, count: usize) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(count.saturating_mul(16));
        for _ in 0..count {
            let _ = write!(out, "{:016x}", self.nonzero());
        }
        out
    }

    /// A 16-hex-character OTLP span id, never all zero.
    pub fn span_id(&mut self) -> String {
        self.event_id()
    }

    /// A 32-hex-character OTLP trace id, never all zero.
    pub fn trace_id(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.nonzero())
    }
}

/// Whether some hex digit of `v` is a letter (`a`-`f`).
fn has_hex_letter(v: u64) -> bool {
    (0..16).any(|i| (v >> (4 * i)) & 0xf > 9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_ids_always_hold_a_hex_letter_so_no_pattern_reads_them_as_a_card() {
        assert!(!has_hex_letter(0x1234_5678_9012_3456));
        assert!(has_hex_letter(0x1234_5678_9012_345a));
        let mut g = IdGen::from_u64(7);
        let redactor = crate::redact::Redactor::new(crate::redact::Config::default()).unwrap();
        let mut report = crate::redact::Report::default();
        for _ in 0..20_000 {
            let id = g.event_id();
            assert!(id.bytes().any(|b| b.is_ascii_alphabetic()), "{id}");
            assert_eq!(redactor.redact_str(&id, &mut report), id.as_str());
        }
        // The card rule does read an all-digit, Luhn-valid 16-digit id: what the redraw avoids.
        assert_ne!(
            redactor.redact_str("4111111111111111", &mut report),
            "4111111111111111"
        );
    }

    #[test]
    fn ids_have_the_documented_shapes() {
        let mut g = IdGen::from_u64(7);
        let e = g.event_id();
        let t = g.trace_id();
        assert_eq!(e.len(), 16);
        assert_eq!(t.len(), 32);
        assert!(
            e.bytes()
                .chain(t.bytes())
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_ids_and_different_seeds_differ() {
        let a: Vec<_> = (0..4).map(|_| IdGen::from_u64(1).event_id()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(IdGen::from_u64(1).event_id(), IdGen::from_u64(2).event_id());
        assert_ne!(IdGen::from_seed([0; 32]).event_id(), "0000000000000000");
    }

    #[test]
    fn a_block_is_the_ids_one_at_a_time_would_be() {
        let mut one = IdGen::from_u64(9);
        let singles: String = (0..300).map(|_| one.event_id()).collect();
        let mut block = IdGen::from_u64(9);
        let blocks = block.event_ids(100) + &block.event_ids(200);
        assert_eq!(blocks, singles);
        assert_eq!(block.event_id(), one.event_id());
    }

    #[test]
    fn a_thousand_ids_do_not_collide() {
        let mut g = IdGen::from_u64(42);
        let set: std::collections::HashSet<_> = (0..1000).map(|_| g.event_id()).collect();
        assert_eq!(set.len(), 1000);
    }
}
