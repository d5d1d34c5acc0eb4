//! What counts as sensitive: the default key list, the default pattern rules, and
//! key normalisation.
//!
//! This file holds data and small pure helpers only. Compiling patterns and scanning text
//! live in `detect.rs`; walking values lives in `redact.rs`.

use std::collections::HashSet;

/// Object keys whose values are replaced wholesale by the marker.
///
/// Matching is done on a normalised form (ASCII lowercase, with `-`, `_`, `.` and spaces
/// removed). A key is sensitive when its normalised form equals one of these, or ends with
/// one that is at least 6 bytes long once normalised. So `X-API-Key`,
/// `openai_api_key`, `dbPassword` and `Set-Cookie` match, while `tokens_in`, `max_tokens`
/// and `token_count` (token *counts*, which the event model is full of) do not.
pub const DEFAULT_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "client_secret",
    "secret_key",
    "api_key",
    "apikey",
    "x-api-key",
    "access_key",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "auth_token",
    "session_token",
    "bearer",
    "authorization",
    "cookie",
    "set-cookie",
    "private_key",
    "credential",
    "credentials",
    "credit_card",
    "card_number",
    "cvv",
    "ssn",
];

/// A configured key only matches as a *suffix* when its normalised form is at least this
/// long. Shorter keys (`token`, `pwd`, `ssn`) only match exactly: as suffixes they would
/// hit `max_tokens`-like counters and ordinary words.
pub(crate) const SUFFIX_MIN_LEN: usize = 6;

/// One text pattern whose matches are replaced by the marker.
///
/// Only the match is replaced and the rest of the string survives. When the regex has a
/// capture group named `v`, only that group's text is replaced, which lets a rule such as
/// `password: hunter2` keep its `password: ` prefix for context.
///
/// Patterns use the `regex` crate's syntax, built without Unicode tables: write ASCII
/// classes (`[0-9]`, `[A-Za-z]`), `(?-u:\b)` for a word boundary and `(?i-u:...)` for
/// case-insensitive text. `\d`, `\w`, `\s`, `\b` and `(?i)` in Unicode mode are rejected
/// by [`Redactor::new`](super::Redactor::new) with a clear error.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PatternRule {
    /// Name used in [`Report::by_pattern`](super::Report::by_pattern) and in errors.
    pub name: String,
    /// The regular expression.
    pub regex: String,
    /// When true, a match is only redacted if its digits pass the Luhn checksum and there
    /// are 13 to 19 of them (payment card numbers). This keeps ordinary long numbers, such
    /// as 13-digit epoch-millisecond timestamps, out of the redaction.
    #[serde(default)]
    pub luhn: bool,
}

impl PatternRule {
    /// A rule without the Luhn check.
    ///
    /// # Examples
    /// ```
    /// use agentlens::redact::PatternRule;
    /// let rule = PatternRule::new("ticket", "TICKET-[0-9]{6}");
    /// assert!(!rule.luhn);
    /// ```
    pub fn new(name: impl Into<String>, regex: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            regex: regex.into(),
            luhn: false,
        }
    }

    /// The same rule with the Luhn check switched on or off.
    #[must_use]
    pub fn with_luhn(mut self, luhn: bool) -> Self {
        self.luhn = luhn;
        self
    }
}

/// The default pattern rules, in priority order (at one position, an earlier rule wins).
///
/// Names: `ssn`, `card` (Luhn-checked), `email`, `bearer` (only the token is replaced),
/// `api_key` (`sk-…`, `sk-proj-…`, `sk-ant-…` with at least 20 characters after `sk-`),
/// `aws_access_key` (`AKIA`/`ASIA` + 16), `jwt`, `key_value`, which replaces only the
/// value in `password: hunter2`, `api_key=…`, `token: …` and keeps the rest of the text,
/// and `url_param`, which replaces only the value of a credential-carrying URL parameter
/// (`?X-Amz-Signature=…`, `&sig=…`, `&code=…`, `#access_token=…`) and keeps the URL.
///
/// # Examples
/// ```
/// let names: Vec<String> = agentlens::redact::default_patterns()
///     .into_iter()
///     .map(|r| r.name)
///     .collect();
/// assert!(names.contains(&"card".to_string()));
/// ```
pub fn default_patterns() -> Vec<PatternRule> {
    // Word boundaries are ASCII (`(?-u:\b)`): the crate is built without Unicode tables,
    // and a leading boundary also roughly halves the cost of the email pattern.
    let rules: [(&str, &str, bool); 9] = [
        ("ssn", r"(?-u:\b)[0-9]{3}-[0-9]{2}-[0-9]{4}(?-u:\b)", false),
        (
            "card",
            // 4-4-4-1..7 grouped (Visa, Mastercard, 19-digit cards), 4-6-4/5 (Amex,
            // Diners) or 13-19 plain digits. Grouping is explicit so that a number next
            // to a card cannot be glued onto it; the Luhn check removes the rest.
            concat!(
                r"(?-u:\b)(?:(?:[0-9]{4}[ -]){3}[0-9]{1,7}",
                r"|[0-9]{4}[ -][0-9]{6}[ -][0-9]{4,5}",
                r"|[0-9]{13,19})(?-u:\b)"
            ),
            true,
        ),
        (
            "email",
            r"(?-u:\b)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?-u:\b)",
            false,
        ),
        (
            "bearer",
            r"(?-u:\b)(?i-u:bearer)[ \t]+(?P<v>[A-Za-z0-9._~+/-]{8,}=*)",
            false,
        ),
        ("api_key", r"(?-u:\b)sk-[A-Za-z0-9_-]{20,}", false),
        (
            "aws_access_key",
            r"(?-u:\b)(?:AKIA|ASIA)[A-Z0-9]{16}(?-u:\b)",
            false,
        ),
        (
            "jwt",
            r"(?-u:\b)eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*",
            false,
        ),
        (
            "key_value",
            // Only the value (group `v`) is replaced: the seed's rule swallowed the rest
            // of the line ("my password: hunter2 ssn 123-45-6789" lost the ssn context).
            concat!(
                r#"(?i-u:password|passwd|secret|api[_-]?key|token)["']?[ \t]*[:=][ \t]*"#,
                r#"(?P<v>"[^"\r\n]*"|'[^'\r\n]*'|[^ \t\r\n"'&,;]+)"#
            ),
            false,
        ),
        (
            "url_param",
            // The value of a URL query or fragment parameter that carries a credential
            // (signed-URL signatures, OAuth codes and tokens, keys); the URL and the
            // parameter's name stay readable.
            concat!(
                r"[?&#;](?i-u:x-amz-signature|x-amz-credential|x-amz-security-token",
                r"|x-goog-signature|x-goog-credential|signature|sig|code|key|token",
                r"|access_token|refresh_token|id_token|client_secret|password|api_key|apikey)",
                r#"=(?P<v>[^ \t\r\n"'&,;#<>]+)"#
            ),
            false,
        ),
    ];
    rules
        .into_iter()
        .map(|(name, regex, luhn)| PatternRule::new(name, regex).with_luhn(luhn))
        .collect()
}

/// Appends the normalised form of `key` to `out`: ASCII lowercase, without `-`, `_`, `.`
/// and spaces. Non-ASCII characters are kept as they are.
pub(crate) fn normalise_key_into(key: &str, out: &mut String) {
    out.extend(
        key.chars()
            .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
            .map(|c| c.to_ascii_lowercase()),
    );
}

/// The configured keys, normalised once in `Redactor::new`.
///
/// Every object key of every event is checked, and almost none is sensitive: two filters
/// let most go in a few instructions. An exact match needs a configured key of the same
/// length and last byte (`shapes`); a suffix match only compares the suffixes ending in
/// the key's last byte (`ends`). Counted by callgrind in a pipeline: ~730 instructions a
/// key before (every key hashed, then every suffix compared), ~300 now.
#[derive(Clone)]
pub(crate) struct KeySet {
    exact: HashSet<String>,
    /// Normalised keys long enough to also match as a suffix, ordered by their last byte.
    suffixes: Vec<String>,
    /// The suffixes ending in byte `b` are `suffixes[ends[b]..ends[b + 1]]`.
    ends: Box<[u32; 257]>,
    /// Bit [`shape`] of every configured key.
    shapes: [u64; 4],
}

impl Default for KeySet {
    fn default() -> Self {
        Self {
            exact: HashSet::new(),
            suffixes: Vec::new(),
            ends: Box::new([0; 257]),
            shapes: [0; 4],
        }
    }
}

/// Normalised keys up to this many bytes are normalised on the stack (every key a payload
/// is likely to hold): the object keys of every event are checked.
const STACK_KEY_BYTES: usize = 64;

/// A normalised key's bit among 256, from its length and last byte: two keys of different
/// bits are different.
fn shape(norm: &[u8]) -> usize {
    let last = norm.last().copied().unwrap_or(0);
    (norm.len().min(63) * 31 + usize::from(last)) & 255
}

impl KeySet {
    /// Normalises `keys`; returns the first key whose normalised form is empty as `Err`.
    pub(crate) fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Result<Self, usize> {
        let mut set = Self::default();
        let mut suffixes = Vec::new();
        for (index, key) in keys.into_iter().enumerate() {
            let mut norm = String::with_capacity(key.len());
            normalise_key_into(key, &mut norm);
            if norm.is_empty() {
                return Err(index);
            }
            if norm.len() >= SUFFIX_MIN_LEN && !suffixes.contains(&norm) {
                suffixes.push(norm.clone());
            }
            let bit = shape(norm.as_bytes());
            set.shapes[bit / 64] |= 1 << (bit % 64);
            set.exact.insert(norm);
        }
        // Grouped by last byte (a pass per byte: a generic sort would cost wasm size).
        for b in 0..=255u8 {
            let group = suffixes.iter().filter(|s| s.as_bytes().last() == Some(&b));
            set.suffixes.extend(group.cloned());
            set.ends[usize::from(b) + 1] = set.suffixes.len() as u32;
        }
        Ok(set)
    }

    /// Number of distinct normalised keys.
    pub(crate) fn len(&self) -> usize {
        self.exact.len()
    }

    /// Whether `key` is sensitive (see [`DEFAULT_KEYS`] for the rule).
    pub(crate) fn matches(&self, key: &str) -> bool {
        if self.exact.is_empty() {
            return false;
        }
        // Byte by byte, as `normalise_key_into` does it by character: it only drops and
        // lowercases ASCII bytes, so what is left is UTF-8 again.
        let mut buf = [0u8; STACK_KEY_BYTES];
        let mut len = 0;
        for &b in key.as_bytes() {
            if matches!(b, b'-' | b'_' | b'.' | b' ') {
                continue;
            }
            let Some(slot) = buf.get_mut(len) else {
                let mut norm = String::with_capacity(key.len());
                normalise_key_into(key, &mut norm);
                return self.matches_normalised(norm.as_bytes());
            };
            *slot = b.to_ascii_lowercase();
            len += 1;
        }
        self.matches_normalised(&buf[..len])
    }

    fn matches_normalised(&self, norm: &[u8]) -> bool {
        let Some(&last) = norm.last() else {
            return false;
        };
        let bit = shape(norm);
        if self.shapes[bit / 64] & (1 << (bit % 64)) != 0
            && std::str::from_utf8(norm).is_ok_and(|n| self.exact.contains(n))
        {
            return true;
        }
        let b = usize::from(last);
        let (from, to) = (self.ends[b] as usize, self.ends[b + 1] as usize);
        self.suffixes[from..to]
            .iter()
            .any(|s| norm.ends_with(s.as_bytes()))
    }
}

/// Returns `pattern` with every named group turned into a plain capturing group, so that
/// several rules may each use a group named `v` inside one combined regex. Group numbering
/// is unchanged, which the caller verifies by comparing `captures_len`.
///
/// Escapes and character classes are skipped, so `\(?P<v>` and `[(?P<v>]` are left alone.
pub(crate) fn strip_group_names(pattern: &str) -> String {
    let bytes = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len());
    let mut copied = 0;
    let mut class_depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'[' => {
                class_depth += 1;
                i += 1;
                // A leading `^` and then a leading `]` are part of the class, not its end.
                if bytes.get(i) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b']') {
                    i += 1;
                }
                continue;
            }
            b']' if class_depth > 0 => class_depth -= 1,
            b'(' if class_depth == 0 => {
                let rest = &pattern[i..];
                let name_at = if rest.starts_with("(?P<") {
                    Some(4)
                } else if rest.starts_with("(?<") && !rest[3..].starts_with(['=', '!']) {
                    Some(3)
                } else {
                    None
                };
                if let Some(end) = name_at.and_then(|at| rest[at..].find('>').map(|e| at + e)) {
                    out.push_str(&pattern[copied..i]);
                    out.push('(');
                    i += end + 1;
                    copied = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&pattern[copied.min(pattern.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> KeySet {
        KeySet::new(DEFAULT_KEYS.iter().copied()).unwrap()
    }

    #[test]
    fn keys_match_after_normalisation_and_as_long_suffixes() {
        let keys = defaults();
        for key in [
            "password",
            "X-API-Key",
            "openai_api_key",
            "dbPassword",
            "Set-Cookie",
            "user_credit_card",
            "AUTHORIZATION",
            "client.secret",
            "Access Token",
            "pwd",
            "SSN",
        ] {
            assert!(keys.matches(key), "{key} should be sensitive");
        }
    }

    #[test]
    fn token_counters_and_ordinary_words_are_not_sensitive() {
        let keys = defaults();
        for key in [
            "tokens_in",
            "max_tokens",
            "token_count",
            "keyboard",
            "total_tokens",
            "next_page_token",
            "ssn_hint",
            "",
        ] {
            assert!(!keys.matches(key), "{key} should not be sensitive");
        }
    }

    #[test]
    fn an_empty_normalised_key_is_rejected_with_its_index() {
        assert_eq!(KeySet::new(["password", "-_"]).err(), Some(1));
    }

    #[test]
    fn group_names_are_stripped_outside_escapes_and_classes() {
        assert_eq!(strip_group_names("a(?P<v>b)(?<w>c)"), "a(b)(c)");
        assert_eq!(strip_group_names(r"\(?P<v>x)"), r"\(?P<v>x)");
        assert_eq!(strip_group_names("[(?P<v>]x"), "[(?P<v>]x");
        assert_eq!(strip_group_names("[]](?P<v>x)"), "[]](x)");
        assert_eq!(strip_group_names("(?<=a)"), "(?<=a)");
        assert_eq!(strip_group_names("é(?P<v>ü)"), "é(ü)");
    }

    #[test]
    fn default_patterns_avoid_syntax_that_needs_unicode_tables() {
        // Test builds get Unicode tables through proptest's regex-syntax, so compiling the
        // defaults here would not catch this; production builds have no such tables.
        for rule in default_patterns() {
            let bare = rule.regex.replace(r"(?-u:\b)", "");
            for needle in [r"\d", r"\w", r"\s", r"\b", "(?i)", "(?i:"] {
                assert!(!bare.contains(needle), "{}: {needle}", rule.name);
            }
        }
    }

    #[test]
    fn default_patterns_have_unique_names() {
        let rules = default_patterns();
        let names: HashSet<_> = rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names.len(), rules.len());
        assert!(rules.iter().any(|r| r.luhn && r.name == "card"));
    }
}
