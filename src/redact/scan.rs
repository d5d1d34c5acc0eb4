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
use rule::{api_key, aws, bearer, card, email, jwt, key_value, ssn, url_param};

mod runs;

pub(crate) use runs::Runs;

/// Indices of the default rules in [`default_patterns`](super::default_patterns) (checked by
/// a test).
const SSN: usize = 0;
pub(crate) const CARD: usize = 1;
const EMAIL: usize = 2;
const BEARER: usize = 3;
const API_KEY: usize = 4;
const AWS: usize = 5;
const JWT: usize = 6;
const KEY_VALUE: usize = 7;
const URL_PARAM: usize = 8;
/// How many default rules there are.
pub(crate) const KINDS: usize = 9;

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
    kind == BEARER || kind == KEY_VALUE || kind == URL_PARAM
}

/// One search: the text, where it starts, and the best match so far.
struct Search<'s, 'r> {
    s: &'s [u8],
    pos: usize,
    best: Option<Hit>,
    /// The runs measured so far in this text (kept from one search to the next).
    runs: &'r mut Runs,
}

impl Search<'_, '_> {
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
                // `ssn` shares the digits with `card`, `url_param` the `=` with `key_value`.
                mask |= match kind {
                    SSN => 1 << CARD,
                    URL_PARAM => 1 << KEY_VALUE,
                    _ => 1 << kind,
                };
            }
        }
        (mask != 0).then_some(Self { rule: first, mask })
    }

    /// The leftmost-first match starting at or after `pos` (a character boundary); the text
    /// before `pos` is seen by word boundaries, as the regex engine sees it.
    #[cfg(test)]
    pub(crate) fn find(&self, text: &str, pos: usize) -> Option<Hit> {
        self.find_in(text, pos, &mut Runs::default())
    }

    /// [`find`](Self::find), reading and adding to `runs`, the runs measured by earlier
    /// searches of the same text (each text gets its own).
    pub(crate) fn find_in(&self, text: &str, pos: usize, runs: &mut Runs) -> Option<Hit> {
        let s = text.as_bytes();
        let mut search = Search {
            s,
            pos,
            best: None,
            runs,
        };
        // Anchors are looked for before `end`: once there is a match, up to its start. Past
        // it only one anchor can still give a match that starts earlier (see `reach`): the
        // `@` ending the run of local-part bytes from the start, looked at last. (Reading
        // every anchor up to it instead made text that is one long such run with a match
        // every few bytes, `eyJa.eyJa.…`, quadratic: found by the fuzzer, `fuzz/`.)
        let mut end = s.len();
        let mut i = pos;
        let mut email_at = None;
        while let Some(q) = self.next_anchor(&s[..end], i) {
            let before = search.best.map(|b| b.start);
            i = self.at_anchor(&mut search, q);
            if let Some(b) = search.best.filter(|b| Some(b.start) != before) {
                end = end.min(b.start + 1);
                let reach = self.reach(search.runs, s, b.start);
                // (`reach` passes the start only when the email rule is in use.)
                email_at = (reach > b.start && s.get(reach) == Some(&b'@')).then_some(reach);
            }
        }
        if let Some(at) = email_at.filter(|&at| at >= i) {
            self.at_anchor(&mut search, at);
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
    fn reach(&self, runs: &mut Runs, s: &[u8], start: usize) -> usize {
        if self.rule[EMAIL].is_some() {
            start + runs.run(s, start, LOCAL)
        } else {
            start
        }
    }

    /// Offers the matches anchored at `q` to `search`; returns where to look for the next
    /// anchor.
    fn at_anchor(&self, search: &mut Search<'_, '_>, q: usize) -> usize {
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
                if let Some((start, end)) = api_key(s, q, search.runs) {
                    search.offer(r[API_KEY], start, end, None);
                }
            }
            a if a == 1 << AWS => {
                if let Some((start, end)) = aws(s, q) {
                    search.offer(r[AWS], start, end, None);
                }
            }
            a if a == 1 << JWT => {
                if let Some((start, end)) = jwt(s, q, search.runs) {
                    search.offer(r[JWT], start, end, None);
                }
            }
            a if a == 1 << KEY_VALUE => {
                if let Some((start, end, value)) = key_value(s, pos, q, search.runs) {
                    search.offer(r[KEY_VALUE], start, end, Some(value));
                }
                if let Some((start, end, value)) = url_param(s, pos, q, search.runs) {
                    search.offer(r[URL_PARAM], start, end, Some(value));
                }
            }
            _ => {}
        }
        q + 1
    }
}

mod rule;

#[cfg(test)]
mod tests;
