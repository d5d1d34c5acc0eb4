//! A purpose-built scanner for the default pattern rules ([`default_patterns`](super::default_patterns)): it reports
//! exactly the match the regex engine reports for them, in one pass, with nothing to compile.
//!
//! Semantics are the combined regex's, leftmost-first: the leftmost start wins, and at one
//! start the rule earlier in the user's list, each rule ending where its own regex prefers
//! (greedy, with the backtracking the regex would do). Word boundaries are ASCII
//! (`(?-u:\b)`): every non-ASCII byte is a non-word byte, and every span starts and ends on a
//! character boundary.
//!
//! How: a 256-entry table marks the bytes that anchor a rule, rare in prose: a digit (`ssn`,
//! `card`), `@` (`email`), `b`/`B` (`bearer`), the `-` of `sk-` (`api_key`), the `K`/`S` of
//! `AKIA`/`ASIA` (`aws_access_key`), the `J` of `eyJ` (`jwt`), `:`/`=` (`key_value`). Every
//! other byte costs one table lookup. At an anchor the rule's true start is computed (an email's
//! local part and a key_value's keyword extend backwards from theirs), so a later anchor may
//! give an earlier start: anchors are read on while one of them could still start at or
//! before the best match so far (`Scanner::reach`).
//!
//! What it does not do: user rules (the regex engine in `engine.rs`), the Luhn check and
//! replacement (`detect.rs`).

use super::rules::PatternRule;

/// Indices of the default rules in [`default_patterns`](super::default_patterns) (checked by
/// a test).
const SSN: usize = 0;
const CARD: usize = 1;
const EMAIL: usize = 2;
const BEARER: usize = 3;
const API_KEY: usize = 4;
const AWS: usize = 5;
const JWT: usize = 6;
const KEY_VALUE: usize = 7;
/// How many default rules there are.
const KINDS: usize = 8;

/// `[A-Za-z0-9_]`, the word bytes of `(?-u:\b)`.
const WORD: u8 = 1;
/// `[A-Za-z0-9._%+-]`, an email's local part.
const LOCAL: u8 = 2;
/// `[A-Za-z0-9-]`, one label of an email's domain.
const DOMAIN: u8 = 4;
/// `[A-Za-z]`.
const ALPHA: u8 = 8;
/// `[A-Za-z0-9._~+/-]`, a bearer token.
const TOKEN: u8 = 16;
/// `[A-Za-z0-9_-]`, an API key after `sk-` and the segments of a JWT.
const KEY: u8 = 32;
/// `[A-Z0-9]`, an AWS key id after its prefix.
const UPPER_DIGIT: u8 = 64;
/// `[^ \t\r\n"'&,;]`, an unquoted key_value value (non-ASCII bytes included).
const VALUE: u8 = 128;

const fn class_of(b: u8) -> u8 {
    let upper = b.is_ascii_uppercase();
    let alpha = upper || b.is_ascii_lowercase();
    let alnum = alpha || b.is_ascii_digit();
    let mut c = 0;
    if alnum || b == b'_' {
        c |= WORD | KEY;
    }
    if alnum || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-') {
        c |= LOCAL;
    }
    if alnum || b == b'-' {
        c |= DOMAIN | KEY;
    }
    if alpha {
        c |= ALPHA;
    }
    if alnum || matches!(b, b'.' | b'_' | b'~' | b'+' | b'/' | b'-') {
        c |= TOKEN;
    }
    if upper || b.is_ascii_digit() {
        c |= UPPER_DIGIT;
    }
    if !matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'&' | b',' | b';'
    ) {
        c |= VALUE;
    }
    c
}

/// The byte at which each default rule is anchored (bit `1 << kind`; `ssn` and `card` share
/// the digits).
const fn anchor_of(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => 1 << CARD,
        b'@' => 1 << EMAIL,
        b'b' | b'B' => 1 << BEARER,
        b'-' => 1 << API_KEY,
        b'K' | b'S' => 1 << AWS,
        b'J' => 1 << JWT,
        b':' | b'=' => 1 << KEY_VALUE,
        _ => 0,
    }
}

/// [`class_of`] (`anchor == false`) or [`anchor_of`] of every byte.
const fn table(anchor: bool) -> [u8; 256] {
    let mut t = [0; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if anchor { anchor_of(b) } else { class_of(b) };
        i += 1;
    }
    t
}

static CLASS: [u8; 256] = table(false);
static ANCHOR: [u8; 256] = table(true);

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

/// Whether `s[j]` anchors a rule in `mask`. `b` is a common letter: only `bea`, in any
/// case, anchors `bearer`.
fn anchors(s: &[u8], j: usize, mask: u8) -> bool {
    let a = ANCHOR[usize::from(s[j])] & mask;
    a != 0
        && (a != 1 << BEARER
            || s.get(j + 1..j + 3)
                .is_some_and(|ea| ea.eq_ignore_ascii_case(b"ea")))
}

fn is(s: &[u8], i: usize, class: u8) -> bool {
    s.get(i)
        .is_some_and(|&b| CLASS[usize::from(b)] & class != 0)
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// Whether a word byte precedes `i` (`false` at the start).
fn word_before(s: &[u8], i: usize) -> bool {
    i > 0 && is(s, i - 1, WORD)
}

/// `(?-u:\b)` at `i`.
fn boundary(s: &[u8], i: usize) -> bool {
    word_before(s, i) != is(s, i, WORD)
}

/// The number of bytes from `i` on that are in `class`.
fn run(s: &[u8], i: usize, class: u8) -> usize {
    s.get(i..).map_or(0, |rest| {
        rest.iter()
            .take_while(|&&b| CLASS[usize::from(b)] & class != 0)
            .count()
    })
}

/// The number of bytes from `i` on that satisfy `f`.
fn run_of(s: &[u8], i: usize, f: impl Fn(u8) -> bool) -> usize {
    s.get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| f(b)).count())
}

/// Whether `s[i..]` starts with `shape`: `d` a digit, `s` a space or dash, anything else
/// itself.
fn shaped(s: &[u8], i: usize, shape: &[u8]) -> bool {
    s.get(i..i + shape.len()).is_some_and(|got| {
        got.iter().zip(shape).all(|(&b, &want)| match want {
            b'd' => b.is_ascii_digit(),
            b's' => b == b' ' || b == b'-',
            _ => b == want,
        })
    })
}

/// One match of a default rule: the rule's index in the user's list, the span, and the span
/// to replace (the `v` group for `bearer` and `key_value`, else the match).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) rule: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) target: Option<(usize, usize)>,
}

/// The default rules among a user's list, ready to scan.
#[derive(Clone, Debug)]
pub(crate) struct Scanner {
    /// For each default rule, the index of its first occurrence in the user's list.
    rule: [Option<usize>; KINDS],
    /// The anchor bits of the rules in use.
    mask: u8,
}

/// Which default rule `rule` is: its regex and Luhn flag equal one of `defaults`' (the name
/// is the user's own).
pub(crate) fn default_kind(rule: &PatternRule, defaults: &[PatternRule]) -> Option<usize> {
    defaults
        .iter()
        .position(|d| d.regex == rule.regex && d.luhn == rule.luhn)
}

/// Whether default rule `kind` replaces only its `v` group.
pub(crate) fn has_value(kind: usize) -> bool {
    kind == BEARER || kind == KEY_VALUE
}

/// One search: the text, where it starts, and the best match so far.
struct Search<'s> {
    s: &'s [u8],
    pos: usize,
    best: Option<Hit>,
}

impl Search<'_> {
    /// Keeps `hit` if it starts before the best so far, or at the same start by an earlier rule.
    fn offer(
        &mut self,
        rule: Option<usize>,
        start: usize,
        end: usize,
        value: Option<(usize, usize)>,
    ) {
        let Some(rule) = rule.filter(|_| start >= self.pos) else {
            return;
        };
        if self.best.is_none_or(|b| (start, rule) < (b.start, b.rule)) {
            let target = value.or(Some((start, end)));
            self.best = Some(Hit {
                rule,
                start,
                end,
                target,
            });
        }
    }
}

impl Scanner {
    /// A scanner for the default rules listed in `first`: for each, the index of its first
    /// occurrence in the user's list. `None` if there is none.
    pub(crate) fn new(first: [Option<usize>; KINDS]) -> Option<Self> {
        let mut mask = 0;
        for (kind, rule) in first.iter().enumerate() {
            if rule.is_some() {
                mask |= if kind == SSN { 1 << CARD } else { 1 << kind };
            }
        }
        (mask != 0).then_some(Self { rule: first, mask })
    }

    /// The leftmost-first match starting at or after `pos` (a character boundary); the text
    /// before `pos` is seen by word boundaries, as the regex engine sees it.
    pub(crate) fn find(&self, text: &str, pos: usize) -> Option<Hit> {
        let s = text.as_bytes();
        let mut search = Search { s, pos, best: None };
        // Anchors are looked for before `end`: once there is a match, up to its reach.
        let mut end = s.len();
        let mut i = pos;
        while let Some(q) = self.next_anchor(&s[..end], i) {
            let before = search.best.map(|b| b.start);
            i = self.at_anchor(&mut search, q);
            if let Some(b) = search.best.filter(|b| Some(b.start) != before) {
                end = end.min(self.reach(s, b.start) + 1);
            }
        }
        search.best
    }

    /// The first anchor at or after `i`. Most text anchors nothing: eight bytes at a time
    /// are tested with one branch.
    fn next_anchor(&self, s: &[u8], i: usize) -> Option<usize> {
        let mask = self.mask;
        let mut i = i;
        while let Some(chunk) = s.get(i..i + 8) {
            if chunk.iter().fold(0, |any, &b| any | ANCHOR[usize::from(b)]) & mask != 0 {
                if let Some(at) = (i..i + 8).find(|&j| anchors(s, j, mask)) {
                    return Some(at);
                }
            }
            i += 8;
        }
        (i..s.len()).find(|&j| anchors(s, j, mask))
    }

    /// The last anchor position that could still give a match starting at or before
    /// `start`, found at an earlier anchor. Only an `@` can: its email's local part extends
    /// backwards, over bytes that are all local-part bytes. Every other rule starts at its
    /// anchor or two bytes before it (and no other rule can start on those bytes: `sk`,
    /// `ey` and `A` are neither digits nor `b`), and a key_value's keyword, quote and blanks,
    /// which extend backwards too, hold no start of another rule.
    fn reach(&self, s: &[u8], start: usize) -> usize {
        if self.rule[EMAIL].is_some() {
            start + run(s, start, LOCAL)
        } else {
            start
        }
    }

    /// Offers the matches anchored at `q` to `search`; returns where to look for the next
    /// anchor.
    fn at_anchor(&self, search: &mut Search<'_>, q: usize) -> usize {
        let s = search.s;
        let pos = search.pos;
        let r = &self.rule;
        match ANCHOR[usize::from(s[q])] & self.mask {
            a if a == 1 << CARD => {
                if !word_before(s, q) {
                    if let Some(end) = ssn(s, q).filter(|_| r[SSN].is_some()) {
                        search.offer(r[SSN], q, end, None);
                    }
                    if let Some(end) = card(s, q).filter(|_| r[CARD].is_some()) {
                        search.offer(r[CARD], q, end, None);
                    }
                }
                // No digit after the first of a run follows a boundary.
                return q + run_of(s, q, |b| b.is_ascii_digit()).max(1);
            }
            a if a == 1 << EMAIL => {
                if let Some((start, end)) = email(s, pos, q) {
                    search.offer(r[EMAIL], start, end, None);
                }
            }
            a if a == 1 << BEARER => {
                if let Some((end, value)) = bearer(s, q) {
                    search.offer(r[BEARER], q, end, Some(value));
                }
            }
            a if a == 1 << API_KEY => {
                if let Some((start, end)) = api_key(s, q) {
                    search.offer(r[API_KEY], start, end, None);
                }
            }
            a if a == 1 << AWS => {
                if let Some((start, end)) = aws(s, q) {
                    search.offer(r[AWS], start, end, None);
                }
            }
            a if a == 1 << JWT => {
                if let Some((start, end)) = jwt(s, q) {
                    search.offer(r[JWT], start, end, None);
                }
            }
            a if a == 1 << KEY_VALUE => {
                if let Some((start, end, value)) = key_value(s, pos, q) {
                    search.offer(r[KEY_VALUE], start, end, Some(value));
                }
            }
            _ => {}
        }
        q + 1
    }
}

/// `ssn` at `q`, which follows a boundary: `ddd-dd-dddd` and a boundary.
fn ssn(s: &[u8], q: usize) -> Option<usize> {
    (shaped(s, q, b"ddd-dd-dddd") && !is(s, q + 11, WORD)).then_some(q + 11)
}

/// `card` at `q`, which follows a boundary: 4-4-4-(1..7), 4-6-(4|5) or 13..19 digits, then
/// a boundary. A digit run is maximal, so each branch has at most one way to end.
fn card(s: &[u8], q: usize) -> Option<usize> {
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
fn email(s: &[u8], pos: usize, at: usize) -> Option<(usize, usize)> {
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
fn bearer(s: &[u8], q: usize) -> Option<(usize, (usize, usize))> {
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
fn api_key(s: &[u8], q: usize) -> Option<(usize, usize)> {
    let start = q.checked_sub(2)?;
    let n = run(s, q + 1, KEY);
    (s.get(start..q)? == b"sk" && !word_before(s, start) && n >= 20).then_some((start, q + 1 + n))
}

/// `aws_access_key` around the `K`/`S` at `q`: a boundary, `AKIA`/`ASIA`, 16 of `[A-Z0-9]`
/// and a boundary.
fn aws(s: &[u8], q: usize) -> Option<(usize, usize)> {
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
fn jwt(s: &[u8], q: usize) -> Option<(usize, usize)> {
    let start = q.checked_sub(2)?;
    if s.get(start..q)? != b"ey" || word_before(s, start) {
        return None;
    }
    let mut i = q + 1;
    for _ in 0..2 {
        let n = run(s, i, KEY);
        if n == 0 || s.get(i + n) != Some(&b'.') {
            return None;
        }
        i += n + 1;
    }
    Some((start, i + run(s, i, KEY)))
}

/// `key_value` around the `:`/`=` at `c`: backwards over blanks, an optional quote and a
/// keyword (not before `pos`); forwards over blanks and the value, a quoted string on one
/// line or a run of value bytes. Returns the start, the end and the value.
fn key_value(s: &[u8], pos: usize, c: usize) -> Option<(usize, usize, (usize, usize))> {
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
        _ => Some(value + run(s, value, VALUE)).filter(|&end| end > value)?,
    };
    Some((start, end, (value, end)))
}

#[cfg(test)]
mod tests;
