//! The mutator: byte flips, splices, insertions of JSON- and protobuf-significant tokens
//! and growth up to [`MAX_LEN`], all from a seeded [`Rng`] (the same seed gives the same
//! inputs, so any run can be replayed).

use agentlens::testing::Rng;

use crate::targets::CANARY;

/// The largest input the mutator makes (1 MiB).
pub const MAX_LEN: usize = 1 << 20;

/// Tokens that mean something to a JSON reader, a protobuf reader or the importers.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"\n",
    b"\r\n",
    b"\\",
    b"null",
    b"true",
    b"false",
    b"0",
    b"-0",
    b"-1",
    b"1e400",
    b"-1e400",
    b"1.5e-400",
    b"9007199254740993",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"340282366920938463463374607431768211456",
    b"0.000000000000000000000000000001",
    b"\"\\ud800\"",
    b"\\udc00",
    b"\\ud83d\\ude00",
    b"\\u0000",
    b"\"\"",
    b"{}",
    b"[]",
    b"\"1970-01-01T00:00:00Z\"",
    b"\"2026-13-45T99:99:99.999999999+25:00\"",
    b"\"9999-12-31T23:59:59.999999999Z\"",
    b"\"00000000000000000000000000000000\"",
    b"\"ffffffffffffffff\"",
    b"{\"agentlens-trace\":1}\n",
    b"{\"format\":\"agentlens-trace\",\"version\":99}\n",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf0\x9f\x98",
    b"\x1f\x8b",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff",
    // Protobuf: tags of the request's fields, overlong and huge varints, lengths.
    b"\x0a",
    b"\x12",
    b"\x1a",
    b"\x22",
    b"\x2a",
    b"\x32",
    b"\x39",
    b"\x41",
    b"\x0a\x00",
    b"\x0a\x7f",
    b"\x0a\xff\xff\xff\xff\x0f",
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
    b"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80",
    b"\x00\x00\x00\x00",
    b"\x0b",
    b"\x0c",
    b"\x0d\x00\x00\x00\x00",
    b"\x09\x00\x00\x00\x00\x00\x00\x00\x00",
    // Secrets for the redaction scanner.
    b"sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
    b"AKIAIOSFODNN7EXAMPLE",
    b"4111 1111 1111 1111",
    b"123-45-6789",
    b"jane.doe@example.com",
    b"password: ",
    b"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
    b"-----BEGIN PRIVATE KEY-----",
    b"ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    b"+1 (555) 010-9999",
];

/// A deterministic mutator over a corpus.
pub struct Mutator {
    rng: Rng,
    seeds: Vec<Vec<u8>>,
    /// Inputs that were read without error: later mutations start from them too.
    kept: Vec<Vec<u8>>,
    /// Object keys and string values seen in the seeds, as JSON tokens.
    words: Vec<Vec<u8>>,
}

impl Mutator {
    /// A mutator over `seeds` (an empty corpus starts from `{}`).
    pub fn new(seed: u64, mut seeds: Vec<Vec<u8>>) -> Self {
        if seeds.is_empty() {
            seeds.push(b"{}".to_vec());
        }
        let mut words = Vec::new();
        for s in &seeds {
            harvest(s, &mut words);
        }
        words.sort();
        words.dedup();
        Self {
            rng: Rng::new(seed),
            seeds,
            kept: Vec::new(),
            words,
        }
    }

    /// Keeps `input` (one the target read without error) as a base for later mutations.
    pub fn keep(&mut self, input: &[u8]) {
        const KEPT: usize = 512;
        if input.len() > 64 * 1024 {
            return;
        }
        if self.kept.len() < KEPT {
            self.kept.push(input.to_vec());
        } else {
            let at = self.pick(KEPT);
            self.kept[at] = input.to_vec();
        }
    }

    fn pick(&mut self, n: usize) -> usize {
        self.rng.below(n as u64) as usize
    }

    fn base(&mut self) -> Vec<u8> {
        if !self.kept.is_empty() && self.rng.chance(0.4) {
            let at = self.pick(self.kept.len());
            return self.kept[at].clone();
        }
        let at = self.pick(self.seeds.len());
        self.seeds[at].clone()
    }

    /// The next input: a corpus entry with 1 to 8 mutations.
    pub fn next_input(&mut self) -> Vec<u8> {
        let mut data = self.base();
        let rounds = 1 + self.pick(8);
        for _ in 0..rounds {
            self.mutate(&mut data);
        }
        data.truncate(MAX_LEN);
        data
    }

    fn token(&mut self) -> Vec<u8> {
        match self.pick(10) {
            0..=4 => TOKENS[self.pick(TOKENS.len())].to_vec(),
            5..=8 if !self.words.is_empty() => {
                let at = self.pick(self.words.len());
                self.words[at].clone()
            }
            _ => format!("\"{CANARY}\"").into_bytes(),
        }
    }

    fn mutate(&mut self, data: &mut Vec<u8>) {
        let len = data.len();
        let at = self.pick(len + 1);
        match self.pick(16) {
            0 | 1 if len > 0 => {
                let i = self.pick(len);
                data[i] ^= 1 << self.pick(8);
            }
            2 if len > 0 => {
                let i = self.pick(len);
                data[i] = self.rng.next_u64() as u8;
            }
            3..=6 => {
                let token = self.token();
                data.splice(at..at, token);
            }
            7 if len > 0 => {
                let i = self.pick(len);
                let token = self.token();
                let end = (i + token.len()).min(len);
                data.splice(i..end, token);
            }
            8 | 9 if len > 0 => {
                let n = 1 + self.pick((len - at).clamp(1, 64));
                let end = (at + n).min(len);
                data.drain(at..end);
            }
            10 if len > 0 => {
                let (from, n) = self.range(len);
                let piece = data[from..from + n].to_vec();
                data.splice(at..at, piece);
            }
            11 => self.splice(data),
            12 if len > 0 => data.truncate(self.pick(len)),
            13 => self.nest(data, at),
            14 if len > 0 && self.rng.chance(0.25) => self.grow(data),
            _ => self.replace_number(data),
        }
    }

    /// A random range of `data` (`len > 0`).
    fn range(&mut self, len: usize) -> (usize, usize) {
        let from = self.pick(len);
        let n = 1 + self.pick((len - from).min(4096));
        (from, n)
    }

    /// The head of this input and the tail of another corpus entry.
    fn splice(&mut self, data: &mut Vec<u8>) {
        let other = self.base();
        let cut = self.pick(data.len() + 1);
        let from = self.pick(other.len() + 1);
        data.truncate(cut);
        data.extend_from_slice(&other[from..]);
    }

    /// Deep nesting: many openers, sometimes closed again.
    fn nest(&mut self, data: &mut Vec<u8>, at: usize) {
        let most = if self.rng.chance(0.1) { 5000 } else { 200 };
        let depth = 1 + self.pick(most);
        let (open, close): (&[u8], &[u8]) = match self.pick(3) {
            0 => (b"[", b"]"),
            1 => (b"{\"a\":", b"}"),
            _ => (b"\x0a\x7f", b""),
        };
        let mut piece = open.repeat(depth);
        if self.rng.chance(0.5) {
            piece.extend(close.repeat(depth));
        }
        data.splice(at..at, piece);
    }

    /// Repeats a range of the input until it is up to [`MAX_LEN`] long.
    fn grow(&mut self, data: &mut Vec<u8>) {
        let (from, n) = self.range(data.len());
        let piece = data[from..from + n].to_vec();
        let target = data.len() + self.pick(MAX_LEN.saturating_sub(data.len()) + 1);
        let mut grown = Vec::with_capacity(target);
        grown.extend_from_slice(&data[..from]);
        while grown.len() + piece.len() <= target - (data.len() - from) {
            grown.extend_from_slice(&piece);
        }
        grown.extend_from_slice(&data[from..]);
        *data = grown;
    }

    /// Replaces a run of digits by another number token.
    fn replace_number(&mut self, data: &mut Vec<u8>) {
        if data.is_empty() {
            return;
        }
        let start = self.pick(data.len());
        let Some(i) = data[start..].iter().position(u8::is_ascii_digit) else {
            return;
        };
        let i = start + i;
        let end = i + data[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let numbers = [
            &b"0"[..],
            b"-1",
            b"1e400",
            b"4294967296",
            b"18446744073709551616",
            b"9223372036854775807",
            b"1.7976931348623157e308",
            b"NaN",
        ];
        let number = numbers[self.pick(numbers.len())].to_vec();
        data.splice(i..end, number);
    }
}

/// JSON string tokens of `seed` (`"key"` and `"key":`), for insertion.
fn harvest(seed: &[u8], words: &mut Vec<Vec<u8>>) {
    let mut i = 0;
    while let Some(open) = seed[i..].iter().position(|&b| b == b'"') {
        let start = i + open;
        let Some(len) = seed[start + 1..].iter().position(|&b| b == b'"') else {
            break;
        };
        let end = start + 1 + len + 1;
        if len > 0 && len <= 40 {
            let word = seed[start..end].to_vec();
            let mut key = word.clone();
            key.push(b':');
            words.push(word);
            words.push(key);
        }
        i = end;
    }
}
