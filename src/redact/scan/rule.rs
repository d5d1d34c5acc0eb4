//! What each default rule matches at its anchor: the shapes of `ssn`, `card`, `email`,
//! `bearer`, `api_key`, `aws_access_key`, `jwt`, `key_value` and `url_param`, each read
//! from the anchor byte the scanner stopped at. The scanner (`scan.rs`) decides which
//! match wins.

use super::runs::URL_VALUE;
use super::{ALPHA, DOMAIN, KEY, LOCAL, TOKEN, UPPER_DIGIT, VALUE, WORD};
use super::{Runs, boundary, is, is_blank, run, run_of, shaped, word_before};

/// The keywords of `key_value` (`password|passwd|secret|api[_-]?key|token`, ASCII
/// case-insensitive). No two can end at the same byte.
const KEYWORDS: [&[u8]; 7] = [
    b"password",
    b"passwd",
    b"secret",
    b"api_key",
    b"api-key",
    b"apikey",
    b"token",
];

/// The parameter names of `url_param` (ASCII case-insensitive). None is a suffix of another
/// after a separator, so at most one can end at a given `=`.
const URL_PARAMS: [&[u8]; 17] = [
    b"x-amz-signature",
    b"x-amz-credential",
    b"x-amz-security-token",
    b"x-goog-signature",
    b"x-goog-credential",
    b"signature",
    b"sig",
    b"code",
    b"key",
    b"token",
    b"access_token",
    b"refresh_token",
    b"id_token",
    b"client_secret",
    b"password",
    b"api_key",
    b"apikey",
];

/// `ssn` at `q`, which follows a boundary: `ddd-dd-dddd` and a boundary.
pub(super) fn ssn(s: &[u8], q: usize) -> Option<usize> {
    (shaped(s, q, b"ddd-dd-dddd") && !is(s, q + 11, WORD)).then_some(q + 11)
}

/// `card` at `q`, which follows a boundary: 4-4-4-(1..7), 4-6-(4|5) or 13..19 digits, then
/// a boundary. A digit run is maximal, so each branch has at most one way to end.
pub(super) fn card(s: &[u8], q: usize) -> Option<usize> {
    let digits = |i: usize| run_of(s, i, |b| b.is_ascii_digit());
    let ends = |i: usize, n: usize, ok: bool| (ok && !is(s, i + n, WORD)).then_some(i + n);
    if shaped(s, q, b"ddddsddddsdddds") {
        let n = digits(q + 15);
        if let Some(end) = ends(q + 15, n, (1..=7).contains(&n)) {
            return Some(end);
        }
    }
    if shaped(s, q, b"ddddsddddddsdddd") {
        let n = digits(q + 12);
        if let Some(end) = ends(q + 12, n, n == 4 || n == 5) {
            return Some(end);
        }
    }
    let n = digits(q);
    ends(q, n, (13..=19).contains(&n))
}

/// `email` around the `@` at `at`: the leftmost boundary in the run of local-part bytes
/// before it (not before `pos`), and the last domain label that can end it (the labels'
/// star is greedy): one starting with 2+ letters followed by a non-word byte.
pub(super) fn email(s: &[u8], pos: usize, at: usize) -> Option<(usize, usize)> {
    let mut first = at;
    while first > pos && is(s, first - 1, LOCAL) {
        first -= 1;
    }
    let start = (first..at).find(|&p| boundary(s, p))?;
    let mut i = at + 1 + run(s, at + 1, DOMAIN);
    if i == at + 1 {
        return None;
    }
    let mut end = None;
    while s.get(i) == Some(&b'.') && is(s, i + 1, DOMAIN) {
        let label = i + 1;
        let letters = run(s, label, ALPHA);
        if letters >= 2 && !is(s, label + letters, WORD) {
            end = Some(label + letters);
        }
        i = label + run(s, label, DOMAIN);
    }
    Some((start, end?))
}

/// `bearer` at `q`: a boundary, `bearer` in any case, blanks, then 8+ token bytes and any
/// `=`. Returns the end and the value.
pub(super) fn bearer(s: &[u8], q: usize) -> Option<(usize, (usize, usize))> {
    if word_before(s, q) || !s.get(q..q + 6)?.eq_ignore_ascii_case(b"bearer") {
        return None;
    }
    let blanks = run_of(s, q + 6, is_blank);
    let value = q + 6 + blanks;
    let token = run(s, value, TOKEN);
    if blanks == 0 || token < 8 {
        return None;
    }
    let end = value + token + run_of(s, value + token, |b| b == b'=');
    Some((end, (value, end)))
}

/// `api_key` around the `-` at `q`: a boundary, `sk-`, then 20+ key bytes.
pub(super) fn api_key(s: &[u8], q: usize, runs: &mut Runs) -> Option<(usize, usize)> {
    let start = q.checked_sub(2)?;
    if s.get(start..q)? != b"sk" || word_before(s, start) {
        return None;
    }
    let n = runs.run(s, q + 1, KEY);
    (n >= 20).then_some((start, q + 1 + n))
}

/// `aws_access_key` around the `K`/`S` at `q`: a boundary, `AKIA`/`ASIA`, 16 of `[A-Z0-9]`
/// and a boundary.
pub(super) fn aws(s: &[u8], q: usize) -> Option<(usize, usize)> {
    let start = q.checked_sub(1)?;
    let ok = s[start] == b'A'
        && s.get(q + 1..q + 3)? == b"IA"
        && !word_before(s, start)
        && run(s, q + 3, UPPER_DIGIT) == 16
        && !is(s, q + 19, WORD);
    ok.then_some((start, q + 19))
}

/// `jwt` around the `J` at `q`: a boundary, `eyJ`, key bytes, `.`, key bytes, `.`, and any
/// key bytes.
pub(super) fn jwt(s: &[u8], q: usize, runs: &mut Runs) -> Option<(usize, usize)> {
    let start = q.checked_sub(2)?;
    if s.get(start..q)? != b"ey" || word_before(s, start) {
        return None;
    }
    let mut i = q + 1;
    for _ in 0..2 {
        let n = runs.run(s, i, KEY);
        if n == 0 || s.get(i + n) != Some(&b'.') {
            return None;
        }
        i += n + 1;
    }
    Some((start, i + runs.run(s, i, KEY)))
}

/// `key_value` around the `:`/`=` at `c`: backwards over blanks, an optional quote and a
/// keyword (not before `pos`); forwards over blanks and the value, a quoted string on one
/// line or a run of value bytes. Returns the start, the end and the value.
pub(super) fn key_value(
    s: &[u8],
    pos: usize,
    c: usize,
    runs: &mut Runs,
) -> Option<(usize, usize, (usize, usize))> {
    let mut i = c;
    while i > pos && is_blank(s[i - 1]) {
        i -= 1;
    }
    if i > pos && matches!(s[i - 1], b'"' | b'\'') {
        i -= 1;
    }
    let start = KEYWORDS.iter().find_map(|kw| {
        let start = i.checked_sub(kw.len()).filter(|&k| k >= pos)?;
        s[start..i].eq_ignore_ascii_case(kw).then_some(start)
    })?;
    let value = c + 1 + run_of(s, c + 1, is_blank);
    let end = match s.get(value) {
        Some(&quote @ (b'"' | b'\'')) => {
            let rest = s.get(value + 1..)?;
            let close = rest
                .iter()
                .position(|&b| b == quote || b == b'\r' || b == b'\n')?;
            (rest[close] == quote).then_some(value + close + 2)?
        }
        _ => Some(value + runs.run(s, value, VALUE)).filter(|&end| end > value)?,
    };
    Some((start, end, (value, end)))
}

/// `url_param` around the `=` at `c`: `?`, `&`, `#` or `;` (not before `pos`), one of
/// [`URL_PARAMS`] and a value of one or more bytes up to a blank, quote, `&`, `,`, `;`, `#`,
/// `<` or `>`. Returns the start, the end and the value.
pub(super) fn url_param(
    s: &[u8],
    pos: usize,
    c: usize,
    runs: &mut Runs,
) -> Option<(usize, usize, (usize, usize))> {
    if s[c] != b'=' {
        return None;
    }
    let start = URL_PARAMS.iter().find_map(|name| {
        let at = c.checked_sub(name.len() + 1).filter(|&at| at >= pos)?;
        (matches!(s[at], b'?' | b'&' | b'#' | b';') && s[at + 1..c].eq_ignore_ascii_case(name))
            .then_some(at)
    })?;
    let value = c + 1;
    let n = runs.run_of(URL_VALUE, s, value, |b| {
        !matches!(
            b,
            b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'&' | b',' | b';' | b'#' | b'<' | b'>'
        )
    });
    (n > 0).then_some((start, value + n, (value, value + n)))
}
