//! Deterministic OTLP ids: FNV-1a over the AgentLens ids, so a resend of the same event
//! gives the same span (backends deduplicate) and no state is needed to find a parent.

const FNV128_OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
#[cfg(test)]
const FNV128_PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
const FNV64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV64_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The trace id of a session: FNV-1a 128 of `"agentlens-trace:" + session id`, big-endian.
pub fn trace_id(session: &str) -> [u8; 16] {
    let mut h = FNV128_OFFSET;
    for &b in b"agentlens-trace:".iter().chain(session.as_bytes()) {
        h = times_prime(h ^ u128::from(b));
    }
    nonzero(h.to_be_bytes())
}

/// `h * FNV128_PRIME` (2^88 + 2^8 + 0x3b) as shifts and adds: no 128-bit multiply,
/// which wasm does in a library call.
fn times_prime(h: u128) -> u128 {
    (h << 88)
        .wrapping_add(h << 8)
        .wrapping_add(h << 5)
        .wrapping_add(h << 4)
        .wrapping_add(h << 3)
        .wrapping_add(h << 1)
        .wrapping_add(h)
}

/// A span id: FNV-1a 64 of the concatenated `parts`, big-endian (`["session:", id]`,
/// `["run:", session, ":", run]`, `["event:", session, ":", event]`).
pub fn span_id(parts: &[&str]) -> [u8; 8] {
    let mut h = FNV64_OFFSET;
    for part in parts {
        for &b in part.as_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(FNV64_PRIME);
        }
    }
    nonzero(h.to_be_bytes())
}

/// The session span's id.
pub fn session_span(session: &str) -> [u8; 8] {
    span_id(&["session:", session])
}

/// A run span's id.
pub fn run_span(session: &str, run: &str) -> [u8; 8] {
    span_id(&["run:", session, ":", run])
}

/// An event span's id.
pub fn event_span(session: &str, event: &str) -> [u8; 8] {
    span_id(&["event:", session, ":", event])
}

/// An all-zero id is invalid in OTLP: it becomes `…01`.
fn nonzero<const N: usize>(mut id: [u8; N]) -> [u8; N] {
    if id.iter().all(|&b| b == 0) {
        id[N - 1] = 1;
    }
    id
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shifts_are_the_fnv_prime() {
        for h in [
            0u128,
            1,
            u128::MAX,
            super::FNV128_OFFSET,
            0x1234_5678_9abc_def0 << 64,
        ] {
            assert_eq!(super::times_prime(h), h.wrapping_mul(super::FNV128_PRIME));
        }
    }
}
