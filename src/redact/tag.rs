//! Keyed tags that keep redacted identifiers apart.
//!
//! Redacting an id can merge two of them: `sid:alice@example.com` and `sid:bob@example.com`
//! both read `sid:REDACTED` once the emails are gone, and two sessions become one. So an id
//! that redaction changed (or that was cut to [`MAX_NAME_BYTES`](super::MAX_NAME_BYTES)) gets
//! a tag: `.` and 16 letters (`a`-`p`, 64 bits) of SipHash-2-4 of the whole original id, under
//! a key the host supplies ([`Config::id_key`](super::Config::id_key)).
//!
//! Why keyed: an unkeyed hash of an id made of an email or a phone number can be reversed by
//! hashing every guess, which is cheap for such values. SipHash is a pseudorandom function
//! of its 128-bit key: without the key, the tag says nothing about the id. Why letters: a tag
//! holds no digit, `@`, `-`, `=` or `:`, so no default rule reads it and a redactor that sees
//! the id again (the collector after the SDK) leaves it as it is.
//!
//! What it does not do: keep ids apart when a host gives the same key to ids from two
//! namespaces (it does not need to: two equal ids are the same id), or promise more than 64
//! bits (two of 2^32 distinct redacted ids share a tag about once).

/// The 64-bit SipHash-2-4 of `data` under `key` (written from the SipHash paper's
/// description: 2 compression rounds per 8-byte word, 4 finalisation rounds).
pub(crate) fn siphash24(key: [u64; 2], data: &[u8]) -> u64 {
    let mut v = [
        key[0] ^ 0x736f_6d65_7073_6575,
        key[1] ^ 0x646f_7261_6e64_6f6d,
        key[0] ^ 0x6c79_6765_6e65_7261,
        key[1] ^ 0x7465_6462_7974_6573,
    ];
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        compress(&mut v, u64::from_le_bytes(b), 2);
    }
    let mut last = [0u8; 8];
    let rest = words.remainder();
    last[..rest.len()].copy_from_slice(rest);
    // The length's low byte goes into the top byte of the last word.
    last[7] = data.len() as u8;
    compress(&mut v, u64::from_le_bytes(last), 2);
    v[2] ^= 0xff;
    for _ in 0..4 {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

fn compress(v: &mut [u64; 4], m: u64, rounds: usize) {
    v[3] ^= m;
    for _ in 0..rounds {
        round(v);
    }
    v[0] ^= m;
}

fn round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13) ^ v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16) ^ v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21) ^ v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17) ^ v[2];
    v[2] = v[2].rotate_left(32);
}

/// The bytes a tag adds: `.` and 16 letters.
pub(crate) const TAG_BYTES: usize = 17;

/// Appends `.` and the 16-letter tag of `original` under `key` to `out`.
pub(crate) fn push_tag(out: &mut String, key: [u64; 2], original: &str) {
    let h = siphash24(key, original.as_bytes());
    out.push('.');
    out.extend((0..16).map(|i| char::from(b'a' + ((h >> (60 - 4 * i)) & 0xf) as u8)));
}

/// The part of `id` before its tag, if it ends with one (`.` and 16 letters `a`-`p`).
pub(crate) fn tagged_base(id: &str) -> Option<&str> {
    let at = id.len().checked_sub(TAG_BYTES)?;
    let (base, tag) = (id.get(..at)?, id.get(at..)?.as_bytes());
    (tag[0] == b'.' && tag[1..].iter().all(|b| (b'a'..=b'p').contains(b))).then_some(base)
}

/// A key for [`siphash24`] drawn from 32 bytes of host randomness: the first 16 bytes key
/// SipHash over the last 16, twice with a different domain byte. (A host that mints ids
/// from the same seed publishes their generator's outputs, never the seed's bytes.)
pub(crate) fn key_from_seed(seed: &[u8; 32]) -> [u64; 2] {
    let mut k = [0u8; 16];
    k.copy_from_slice(&seed[..16]);
    let key = [
        u64::from_le_bytes(k[..8].try_into().unwrap_or_default()),
        u64::from_le_bytes(k[8..].try_into().unwrap_or_default()),
    ];
    let mut msg = [0u8; 17];
    msg[..16].copy_from_slice(&seed[16..]);
    let first = siphash24(key, &msg);
    msg[16] = 1;
    [first, siphash24(key, &msg)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siphash_gives_the_reference_vectors() {
        // The paper's key 00..0f; messages 00, 00 01, ... (vectors 0, 1, 7, 8, 15, 63).
        let key = [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908];
        let msg: Vec<u8> = (0..64).collect();
        for (len, want) in [
            (0, 0x726f_db47_dd0e_0e31u64),
            (1, 0x74f8_39c5_93dc_67fd),
            (7, 0xab02_00f5_8b01_d137),
            (8, 0x93f5_f579_9a93_2462),
            (15, 0xa129_ca61_49be_45e5),
            (63, 0x958a_324c_eb06_4572),
        ] {
            assert_eq!(siphash24(key, &msg[..len]), want, "length {len}");
        }
    }

    #[test]
    fn tags_are_letters_and_differ_by_key_and_by_id() {
        let mut a = String::new();
        push_tag(&mut a, [1, 2], "sid-alice@example.com");
        assert_eq!(a.len(), TAG_BYTES);
        assert_eq!(tagged_base(&format!("sid{a}")), Some("sid"));
        assert_eq!(tagged_base("sid.abcdefghijklmnoz"), None);
        assert!(a[1..].bytes().all(|b| (b'a'..=b'p').contains(&b)), "{a}");
        let mut b = String::new();
        push_tag(&mut b, [1, 2], "sid-bob@example.com");
        let mut c = String::new();
        push_tag(&mut c, [1, 3], "sid-alice@example.com");
        assert_ne!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn keys_from_different_seeds_differ() {
        let mut s = [7u8; 32];
        let k1 = key_from_seed(&s);
        s[31] = 8;
        assert_ne!(k1, key_from_seed(&s));
        assert_ne!(k1[0], k1[1]);
    }
}
