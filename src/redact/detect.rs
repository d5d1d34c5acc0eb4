//! Finding and replacing pattern matches in text.
//!
//! The default rules (recognised by their regex and Luhn flag, wherever they sit in the
//! list and whatever their names) are found by the scanner in `scan.rs`, which needs no
//! compilation. Any other rule is compiled into one alternation, `(?:(r1)|(r2)|...)`, with one
//! capture group per rule, so each string is scanned once rather than once per rule; the
//! rule that matched is the one whose group took part in the match. When both kinds are
//! present, the leftmost match of either side wins, and at the same start the rule earlier
//! in the list: what one alternation of all the rules would report. This file does not walk
//! JSON values or decide which object keys are sensitive.

use std::borrow::Cow;
use std::fmt;

use super::engine::{self, Engine, Patterns};
use super::rules::{PatternRule, default_patterns, strip_group_names};
use super::scan::{self, Hit, Scanner};
use super::{RedactError, Report};

/// Texts each rule is tried on when it is compiled; a rule that matches the empty string on
/// any of them would redact "everywhere" and is rejected.
const EMPTY_MATCH_PROBES: &[&str] = &["", "a", " ", "0", "a b\nc", "é", "-_.:="];

/// Where a rule's matches come from.
#[derive(Clone)]
enum Source {
    /// A default rule, found by the scanner.
    Scan,
    /// A user rule: its outer group and its `v` group in the combined regex.
    Regex {
        group: usize,
        value_group: Option<usize>,
    },
}

/// One compiled rule.
#[derive(Clone)]
struct CompiledRule {
    name: String,
    source: Source,
    /// Whether only a `v` group is replaced.
    has_value: bool,
    luhn: bool,
}

/// The compiled pattern rules.
#[derive(Clone)]
pub(crate) struct Detector {
    rules: Vec<CompiledRule>,
    /// The name of the first default `card` rule, which also reads JSON numbers.
    card: Option<String>,
    scanner: Option<Scanner>,
    regex: Option<Engine>,
}

impl fmt::Debug for Detector {
    /// Rule names only: a user may have written a literal secret into a pattern in order to
    /// scrub it, so the regex text is never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(|r| r.name.as_str()))
            .finish()
    }
}

fn invalid(rule: &PatternRule, message: impl Into<String>) -> RedactError {
    RedactError::InvalidPattern {
        name: rule.name.clone(),
        message: message.into(),
    }
}

/// The last answer of one side (scanner or regex): the leftmost match at or after `from`.
/// It stays the answer for any later position up to its start.
#[derive(Clone, Copy)]
struct Memo {
    from: usize,
    found: Option<Hit>,
}

/// Asks `find` for the leftmost match at or after `pos` unless `memo` already knows it.
fn remembered(
    memo: &mut Option<Memo>,
    pos: usize,
    find: impl FnOnce() -> Option<Hit>,
) -> Option<Hit> {
    if let Some(m) = *memo {
        if m.from <= pos && m.found.is_none_or(|h| h.start >= pos) {
            return m.found;
        }
    }
    let found = find();
    *memo = Some(Memo { from: pos, found });
    found
}

impl Detector {
    /// Validates and compiles `rules`; `Ok(None)` when there are none.
    ///
    /// # Errors
    /// [`RedactError::InvalidPattern`] naming the first rule that has no name, does not
    /// compile, or can match the empty string; [`RedactError::InvalidConfig`] if the
    /// combined regex is too large.
    pub(crate) fn new(
        rules: &[PatternRule],
        patterns: &Patterns,
    ) -> Result<Option<Self>, RedactError> {
        Self::build(rules, patterns, true)
    }

    /// [`new`](Self::new), sending the default rules through the scanner (`scan`) or, for
    /// tests that compare the two, through the regex like any other rule.
    pub(super) fn build(
        rules: &[PatternRule],
        patterns: &Patterns,
        scan: bool,
    ) -> Result<Option<Self>, RedactError> {
        if rules.is_empty() {
            return Ok(None);
        }
        let defaults = default_patterns();
        let mut first_default = [None; scan::KINDS];
        let mut card = None;
        let mut combined = String::from("(?:");
        let mut compiled = Vec::with_capacity(rules.len());
        let mut next_group = 1;
        for (i, rule) in rules.iter().enumerate() {
            if rule.name.is_empty() {
                return Err(invalid(rule, "a pattern rule needs a non-empty name"));
            }
            let kind = scan::default_kind(rule, &defaults);
            if kind == Some(scan::CARD) && card.is_none() {
                card = Some(rule.name.clone());
            }
            if let Some(kind) = kind.filter(|_| scan) {
                first_default[kind].get_or_insert(i);
                compiled.push(CompiledRule {
                    name: rule.name.clone(),
                    source: Source::Scan,
                    has_value: scan::has_value(kind),
                    luhn: rule.luhn,
                });
                continue;
            }
            let (piece, alone_len, local_v) = compile_rule(rule, patterns)?;
            if next_group > 1 {
                combined.push('|');
            }
            combined.push_str(&piece);
            compiled.push(CompiledRule {
                name: rule.name.clone(),
                source: Source::Regex {
                    group: next_group,
                    value_group: local_v.map(|v| next_group + v),
                },
                has_value: local_v.is_some(),
                luhn: rule.luhn,
            });
            next_group += alone_len;
        }
        combined.push(')');
        let regex = if next_group > 1 {
            Some(combine(&combined, next_group, patterns)?)
        } else {
            None
        };
        Ok(Some(Self {
            rules: compiled,
            card,
            scanner: Scanner::new(first_default),
            regex,
        }))
    }

    /// Replaces every accepted match in `s` by `marker`, counting into `report`.
    /// Returns `Cow::Borrowed` when nothing was replaced.
    ///
    /// Accepted spans that overlap or touch are merged into one marker. Where a match may
    /// hide another one, scanning resumes inside it rather than after it:
    /// - after a rejected match (failed Luhn, empty value), one character later, so a
    ///   timestamp glued to a card does not hide the card;
    /// - after a value-group match, at the value, so `token: 4111 1111 1111 1111` loses the
    ///   whole card and not just `4111`;
    /// - after a Luhn match, one character later, so a number glued in front of a card
    ///   does not leave the card's last group behind.
    pub(crate) fn redact<'a>(&self, s: &'a str, marker: &str, report: &mut Report) -> Cow<'a, str> {
        match &self.regex {
            Some(regex) => {
                regex.with_searcher(|locs| self.redact_with(Some(locs), s, marker, report))
            }
            None => self.redact_with(None, s, marker, report),
        }
    }

    /// The leftmost-first match of the regex side at or after `pos`.
    fn regex_match(&self, locs: &mut engine::Searcher<'_, '_>, s: &str, pos: usize) -> Option<Hit> {
        let (start, end) = locs.captures_at(s, pos)?;
        // Some rule's group always takes part in a match.
        self.rules
            .iter()
            .enumerate()
            .find_map(|(rule, r)| match r.source {
                Source::Regex { group, value_group } if locs.group(group).is_some() => Some(Hit {
                    rule,
                    start,
                    end,
                    target: value_group.map_or(Some((start, end)), |g| locs.group(g)),
                }),
                _ => None,
            })
    }

    /// The leftmost-first match of all the rules at or after `pos`: the scanner's or the
    /// regex's, whichever starts first, and at the same start the earlier rule's.
    fn next_match(
        &self,
        locs: Option<&mut engine::Searcher<'_, '_>>,
        memos: &mut [Option<Memo>; 2],
        runs: &mut scan::Runs,
        s: &str,
        pos: usize,
    ) -> Option<Hit> {
        let [scan_memo, regex_memo] = memos;
        let scanned = (self.scanner.as_ref())
            .and_then(|scanner| remembered(scan_memo, pos, || scanner.find_in(s, pos, runs)));
        let matched =
            locs.and_then(|locs| remembered(regex_memo, pos, || self.regex_match(locs, s, pos)));
        [scanned, matched]
            .into_iter()
            .flatten()
            .min_by_key(|h| (h.start, h.rule))
    }

    /// The name of the default `card` rule, when it is in use: what a JSON number that
    /// reads as a card number is counted under.
    pub(crate) fn card_rule(&self) -> Option<&str> {
        self.card.as_deref()
    }

    /// Whether any rule went through the regex engine.
    #[cfg(test)]
    pub(super) fn compiles_regex(&self) -> bool {
        self.regex.is_some()
    }

    /// The leftmost-first match of all the rules at or after `pos`, searched afresh.
    #[cfg(test)]
    pub(super) fn first_match(&self, s: &str, pos: usize) -> Option<Hit> {
        let mut memos = [None, None];
        let runs = &mut scan::Runs::default();
        match &self.regex {
            Some(regex) => {
                regex.with_searcher(|locs| self.next_match(Some(locs), &mut memos, runs, s, pos))
            }
            None => self.next_match(None, &mut memos, runs, s, pos),
        }
    }

    fn redact_with<'a>(
        &self,
        mut locs: Option<&mut engine::Searcher<'_, '_>>,
        s: &'a str,
        marker: &str,
        report: &mut Report,
    ) -> Cow<'a, str> {
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut pending: Option<(usize, usize)> = None;
        let mut pos = 0;
        let mut memos = [None, None];
        // Runs measured by one search, kept for the next (each string gets its own).
        let mut runs = scan::Runs::default();
        let next_char = |at: usize| at + s[at..].chars().next().map_or(1, char::len_utf8);
        while pos <= s.len() {
            let Some(hit) = self.next_match(locs.as_deref_mut(), &mut memos, &mut runs, s, pos)
            else {
                break;
            };
            let rule = &self.rules[hit.rule];
            let Some((ts, te)) = hit
                .target
                .filter(|&(ts, te)| ts < te && (!rule.luhn || luhn_valid(&s[ts..te])))
            else {
                pos = next_char(hit.start);
                continue;
            };
            report.matches_redacted = report.matches_redacted.saturating_add(1);
            report.by_pattern.add(&rule.name, 1);
            // Spans arrive with non-decreasing starts, so merging with the last one is enough.
            pending = match pending {
                Some((ps, pe)) if ts <= pe => Some((ps, pe.max(te))),
                previous => {
                    if let Some((ps, pe)) = previous {
                        let buf = out.get_or_insert_with(|| String::with_capacity(s.len()));
                        buf.push_str(&s[copied..ps]);
                        buf.push_str(marker);
                        copied = pe;
                    }
                    Some((ts, te))
                }
            };
            pos = if rule.has_value {
                ts.max(next_char(hit.start))
            } else if rule.luhn {
                next_char(hit.start)
            } else {
                hit.end
            };
        }
        let Some((ps, pe)) = pending else {
            return Cow::Borrowed(s);
        };
        let mut buf = out.unwrap_or_else(|| String::with_capacity(s.len()));
        buf.push_str(&s[copied..ps]);
        buf.push_str(marker);
        buf.push_str(&s[pe..]);
        Cow::Owned(buf)
    }
}

/// Checks and compiles one user rule alone: its piece of the combined regex, its number of
/// groups and the index of its `v` group.
fn compile_rule(
    rule: &PatternRule,
    patterns: &Patterns,
) -> Result<(String, usize, Option<usize>), RedactError> {
    let alone = (patterns.check(&rule.regex, EMPTY_MATCH_PROBES))
        .map_err(|e| invalid(rule, compile_message(e)))?;
    if alone.matches_empty {
        return Err(invalid(
            rule,
            "the pattern can match the empty string, which would redact everywhere",
        ));
    }
    let (local_v, alone_len) = (alone.value_group, alone.captures_len);
    let piece = wrap(&strip_group_names(&rule.regex), alone_len, patterns)
        .ok_or_else(|| invalid(rule, "the pattern cannot be combined with others"))?;
    Ok((piece, alone_len, local_v))
}

/// Compiles the combined user rules, checking they kept their `captures_len` groups apart.
fn combine(
    combined: &str,
    captures_len: usize,
    patterns: &Patterns,
) -> Result<Engine, RedactError> {
    let regex = patterns
        .compile(combined)
        .map_err(|e| RedactError::InvalidConfig {
            option: "patterns",
            message: format!("the combined pattern rules do not compile: {e}"),
        })?;
    if regex.captures_len() != captures_len {
        return Err(RedactError::InvalidConfig {
            option: "patterns",
            message: "the combined pattern rules do not keep their groups apart".into(),
        });
    }
    Ok(regex)
}

/// The regex error, with a hint when it comes from the missing Unicode tables (this crate
/// builds `regex` without them to stay small under wasm).
fn compile_message(text: String) -> String {
    if text.contains("Unicode") || text.contains("NFA") {
        format!(
            "{text}\nhint: Unicode classes are not available; write [0-9] for \\d, \
             (?-u:\\b) for \\b and (?i-u:...) for case-insensitive text"
        )
    } else {
        text
    }
}

/// `(piece)` for the combined regex, checking the group count survived the name stripping.
/// A rule in verbose mode (`(?x)`) ending in a `#` comment would swallow the closing paren,
/// so that case is retried with the paren on its own line.
fn wrap(stripped: &str, captures_len: usize, patterns: &Patterns) -> Option<String> {
    [format!("({stripped})"), format!("({stripped}\n)")]
        .into_iter()
        .find(|piece| {
            (patterns.check(piece, &[])).is_ok_and(|c| c.captures_len == captures_len + 1)
        })
}

/// Whether a JSON number reads as a payment card number: an integer of 13 to 19 digits
/// whose first digit is 2 to 6 (the card industries: Mastercard's 2-series, Amex and
/// Diners, Visa, Mastercard, Discover) and that passes Luhn. The first-digit rule keeps
/// epoch timestamps in milliseconds, microseconds and nanoseconds (and snowflake ids),
/// which start with 1, out of it; a string keeps the text rule.
pub(crate) fn number_is_card(n: &serde_json::Number) -> bool {
    let v = match (n.as_u64(), n.as_f64()) {
        (Some(v), _) => v,
        // JSON numbers written with a fraction or an exponent: whole values only.
        (None, Some(f)) if f.fract() == 0.0 && (1e12..1e19).contains(&f) => f as u64,
        _ => return false,
    };
    let mut digits = [0u8; 20];
    let text = {
        let mut n = v;
        let mut i = digits.len();
        while n > 0 && i > 0 {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        &digits[i..]
    };
    (13..=19).contains(&text.len())
        && (b'2'..=b'6').contains(&text[0])
        && std::str::from_utf8(text).is_ok_and(luhn_valid)
}

/// Whether the digits of `text` number 13 to 19 and pass the Luhn checksum. Other
/// characters (spaces, dashes) are ignored.
pub(crate) fn luhn_valid(text: &str) -> bool {
    let mut sum = 0u32;
    let mut count = 0usize;
    for b in text.bytes().rev().filter(u8::is_ascii_digit) {
        let d = u32::from(b - b'0');
        sum += if count % 2 == 1 {
            let x = d * 2;
            if x > 9 { x - 9 } else { x }
        } else {
            d
        };
        count += 1;
        if count > 19 {
            return false;
        }
    }
    (13..=19).contains(&count) && sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::rules::default_patterns;

    fn detector(rules: &[PatternRule]) -> Detector {
        Detector::new(rules, &Patterns::default()).unwrap().unwrap()
    }

    fn run(d: &Detector, s: &str) -> (String, Report) {
        let mut report = Report::default();
        let out = d.redact(s, "[REDACTED]", &mut report).into_owned();
        (out, report)
    }

    #[test]
    fn luhn_accepts_test_cards_and_rejects_near_misses() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("4111-1111-1111-1111"));
        assert!(luhn_valid("378282246310005"));
        assert!(!luhn_valid("4111 1111 1111 1112"));
        assert!(!luhn_valid("1732248083000"));
        assert!(!luhn_valid("4111"));
        assert!(!luhn_valid("41111111111111111111111"));
    }

    #[test]
    fn every_default_pattern_compiles_into_one_regex() {
        let d = detector(&default_patterns());
        assert_eq!(d.rules.len(), default_patterns().len());
    }

    #[test]
    fn only_the_value_group_is_replaced() {
        let d = detector(&default_patterns());
        let (out, report) = run(&d, "my password: hunter2 ssn 123-45-6789");
        assert_eq!(out, "my password: [REDACTED] ssn [REDACTED]");
        assert_eq!(report.matches_redacted, 2);
        assert_eq!(report.by_pattern.get("key_value"), Some(&1));
        assert_eq!(report.by_pattern.get("ssn"), Some(&1));
    }

    #[test]
    fn a_rejected_timestamp_does_not_hide_a_card_after_it() {
        let d = detector(&default_patterns());
        let (out, _) = run(&d, "1732248083000 4111 1111 1111 1111");
        assert_eq!(out, "1732248083000 [REDACTED]");
    }

    #[test]
    fn a_card_after_a_key_word_is_redacted_whole() {
        let d = detector(&default_patterns());
        let (out, report) = run(&d, "token: 4111 1111 1111 1111 ok");
        assert_eq!(out, "token: [REDACTED] ok");
        assert_eq!(report.by_pattern.get("card"), Some(&1));
    }

    #[test]
    fn a_number_glued_in_front_of_a_card_does_not_leave_digits_behind() {
        let d = detector(&default_patterns());
        // "1004 4111 1111 1111" passes Luhn too and would leave the card's last group.
        assert!(luhn_valid("1004 4111 1111 1111"));
        let (out, report) = run(&d, "1004 4111 1111 1111 1111 end");
        assert_eq!(out, "[REDACTED] end");
        assert_eq!(report.by_pattern.get("card"), Some(&2));
    }

    #[test]
    fn several_rules_may_each_have_a_value_group() {
        let rules = [
            PatternRule::new("a", "pin=(?P<v>[0-9]+)"),
            PatternRule::new("b", "(?<k>otp):(?P<v>[0-9]+)"),
        ];
        let d = detector(&rules);
        let (out, _) = run(&d, "pin=1234 otp:987");
        assert_eq!(out, "pin=[REDACTED] otp:[REDACTED]");
    }

    #[test]
    fn patterns_that_match_nothing_leave_the_string_borrowed() {
        let d = detector(&default_patterns());
        let mut report = Report::default();
        let out = d.redact("nothing to see here", "[REDACTED]", &mut report);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert!(report.is_empty());
    }

    #[test]
    fn empty_matching_and_nameless_rules_are_rejected() {
        for rule in [
            PatternRule::new("star", "x*"),
            PatternRule::new("boundary", r"(?-u:\b)"),
            PatternRule::new("", "abc"),
            PatternRule::new("broken", "(abc"),
        ] {
            let err = Detector::new(std::slice::from_ref(&rule), &Patterns::default()).unwrap_err();
            assert!(
                matches!(&err, RedactError::InvalidPattern { name, .. } if *name == rule.name),
                "{err:?}"
            );
        }
    }

    #[test]
    fn a_verbose_rule_ending_in_a_comment_still_combines() {
        let rules = [
            PatternRule::new("verbose", "(?x) ab c # the abc rule"),
            PatternRule::new("other", "xyz"),
        ];
        let d = detector(&rules);
        assert_eq!(run(&d, "abc xyz").0, "[REDACTED] [REDACTED]");
    }

    #[test]
    fn debug_prints_rule_names_not_regexes() {
        let d = detector(&[PatternRule::new("mine", "hunter2")]);
        let text = format!("{d:?}");
        assert!(text.contains("mine"));
        assert!(!text.contains("hunter2"));
    }
}
