//! The scanner against the regex: every match, rule and replaced span, from every position,
//! over generated text; then whole redactions, with the default rules alone, reordered,
//! renamed and mixed with user rules.

use proptest::prelude::*;

use super::*;
use crate::redact::detect::Detector;
use crate::redact::engine::Patterns;
use crate::redact::rules::{default_patterns, strip_group_names};
use crate::redact::{MARKER, Report};

/// Pieces glued into haystacks: secrets, near misses of every rule, boundaries, non-ASCII.
const PIECES: &[&str] = &[
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "4111 1111 1111 1111 1111",
    "4111 111111 11111",
    "378282246310005",
    "1732248083000",
    "12345678901234567890",
    "99999999999999999999999",
    "123-45-6789",
    "123-45-67890",
    "12-345-6789",
    "bob@example.com",
    "a@b.co-x",
    "x@y.com1.org",
    "x@y.c",
    "a.b%c+d-e@f-g.h.ij",
    "@",
    ".",
    "-",
    "_",
    "Bearer ",
    "Bearer   abc",
    "bearer\tAAAAAAAA==",
    "BEARER abcdefgh",
    "bearer ~/+-._aZ09=x",
    "password: hunter2",
    "PASSWORD=",
    "passwd\t:\t'x y'",
    "token = \"a b\"",
    "token=\"open",
    "token='x y'",
    "api-key:'x'",
    "api_key=\"q\"",
    "APIKEY: v&w",
    "secret\"=v;",
    "sk-",
    "sk-abcdefghij012345678",
    "sk-abcdefghij0123456789",
    "sk-proj-abcdefghijklmnopqrst",
    "AKIAIOSFODNN7EXAMPL",
    "AKIAIOSFODNN7EXAMPLE",
    "ASIAIOSFODNN7EXAMPLEX",
    "eyJhbGciOi.eyJzdWIi.sig",
    "eyJ.a.",
    "eyJa.b.",
    "abc123",
    "123abc",
    "é",
    "日本",
    " ",
    "\t",
    "\n",
    "\r",
    "'",
    "\"",
    ":",
    "=",
    "&",
    "9",
    "x",
    "?",
    "#",
    ";",
    "&password:a",
    "https://b.example/o?X-Amz-Signature=ab12",
    "?x-amz-credential=AKIAIOSFODNN7EXAMPLE/2026",
    "&sig=",
    "&sig=s1g",
    "#access_token=",
    ";code=\"q\"",
    "?KEY=v<",
    "&id_token=e",
    "?signature",
    "&apikey=k,",
];

/// 64 random bits at a time from the project's seeded test generator.
fn seeded(seed: u64) -> impl FnMut() -> u64 {
    let mut rng = crate::testing::Rng::new(seed);
    move || rng.next_u64()
}

fn haystacks(count: usize, seed: u64) -> Vec<String> {
    let mut next = seeded(seed);
    (0..count)
        .map(|_| {
            let n = next() % 9;
            (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect()
        })
        .collect()
}

/// The combined regex of `rules` as the regex crate runs it, reporting hits as the scanner
/// does: the first rule whose group took part, the match, and its `v` group if it has one.
struct Reference {
    regex: regex::Regex,
    /// Each rule's outer group and `v` group.
    groups: Vec<(usize, Option<usize>)>,
}

impl Reference {
    fn new(rules: &[PatternRule]) -> Self {
        let mut groups = Vec::new();
        let mut next = 1;
        let mut pieces = Vec::new();
        for rule in rules {
            let alone = regex::Regex::new(&rule.regex).unwrap();
            let v = alone.capture_names().position(|n| n == Some("v"));
            groups.push((next, v.map(|v| next + v)));
            next += alone.captures_len();
            pieces.push(format!("({})", strip_group_names(&rule.regex)));
        }
        let regex = regex::Regex::new(&pieces.join("|")).unwrap();
        Self { regex, groups }
    }

    fn find(&self, text: &str, pos: usize) -> Option<Hit> {
        let mut locs = self.regex.capture_locations();
        let m = self.regex.captures_read_at(&mut locs, text, pos)?;
        let (rule, &(_, v)) = (self.groups.iter().enumerate())
            .find(|(_, (g, _))| locs.get(*g).is_some())
            .unwrap();
        let whole = (m.start(), m.end());
        let target = v.map_or(Some(whole), |v| locs.get(v));
        Some(Hit {
            rule,
            start: m.start(),
            end: m.end(),
            target,
        })
    }
}

/// A scanner for `rules`, which must all be default rules.
fn scanner(rules: &[PatternRule]) -> Scanner {
    let defaults = default_patterns();
    let mut first = [None; KINDS];
    for (i, rule) in rules.iter().enumerate() {
        first[default_kind(rule, &defaults).unwrap()].get_or_insert(i);
    }
    Scanner::new(first).unwrap()
}

/// Every position of `text`, the char boundaries the redactor uses and the others alike.
fn agree_everywhere(ours: &Scanner, theirs: &Reference, text: &str) {
    for pos in 0..=text.len() {
        assert_eq!(
            ours.find(text, pos),
            theirs.find(text, pos),
            "{text:?} from {pos}"
        );
    }
}

/// `rules` in a shuffled order, some left out (never all).
fn shuffled(rules: &[PatternRule], next: &mut impl FnMut() -> u64) -> Vec<PatternRule> {
    let mut out = rules.to_vec();
    for i in (1..out.len()).rev() {
        out.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    let keep = 1 + (next() % out.len() as u64) as usize;
    out.truncate(keep);
    out
}

#[test]
fn the_rule_indices_are_the_default_patterns_order() {
    let names: Vec<String> = default_patterns().into_iter().map(|r| r.name).collect();
    let at = |i: usize| names[i].as_str();
    assert_eq!(
        [at(SSN), at(CARD), at(EMAIL), at(BEARER)],
        ["ssn", "card", "email", "bearer"]
    );
    assert_eq!(
        [at(API_KEY), at(AWS), at(JWT), at(KEY_VALUE)],
        ["api_key", "aws_access_key", "jwt", "key_value"]
    );
    assert_eq!(names.len(), KINDS);
    let with_value: Vec<bool> = (0..KINDS).map(has_value).collect();
    let regex_value: Vec<bool> = (default_patterns().iter())
        .map(|r| r.regex.contains("(?P<v>"))
        .collect();
    assert_eq!(with_value, regex_value);
}

#[test]
fn every_match_rule_and_value_agree_with_the_regex_from_every_position() {
    let rules = default_patterns();
    let (ours, theirs) = (scanner(&rules), Reference::new(&rules));
    for text in haystacks(1500, 0x2545_f491_4f6c_dd1d) {
        agree_everywhere(&ours, &theirs, &text);
    }
}

#[test]
fn reordered_and_partial_default_rules_agree_with_the_regex() {
    let mut next = seeded(0x9e37_79b9_7f4a_7c15);
    let texts = haystacks(150, 7);
    for _ in 0..40 {
        let rules = shuffled(&default_patterns(), &mut next);
        let (ours, theirs) = (scanner(&rules), Reference::new(&rules));
        for text in &texts {
            agree_everywhere(&ours, &theirs, text);
        }
    }
}

#[test]
fn edge_cases_agree_with_the_regex() {
    let rules = default_patterns();
    let (ours, theirs) = (scanner(&rules), Reference::new(&rules));
    let long_digits = "1".repeat(40);
    let cases = [
        "a@b.co-x",
        "x@y.com1.org",
        "x@y.com_",
        "x@y.co.uk.",
        "_@x.io",
        "é.a@b.io",
        "a.é@b.io",
        "..a@b.io",
        "a-@b.io",
        "-a@b.io",
        "4111111111111111@example.com",
        "x 4111111111111111@example.com",
        "Bearer   abc",
        "bearer\tAAAAAAAA==",
        "xbearer abcdefghij",
        "token = \"a b\"",
        "token = \"a b",
        "api-key:'x'",
        "api-keyy:'x'",
        "PASSWORD=",
        "PASSWORD= ",
        "mytoken=1&b",
        "tok token=x",
        "password  '  : x",
        "password' : x",
        "password\" : \"\"",
        long_digits.as_str(),
        "4111-1111-1111-1111",
        "4111-1111-1111-11111111",
        "4111 1111 1111 1111x",
        "378282246310005",
        "1234 567890 12345",
        "1234 567890 123456",
        "eyJ.a.",
        "eyJa.b.",
        "eyJa.b.c.d",
        "xeyJa.b.c",
        "sk-abcdefghij012345678",
        "sk-abcdefghij0123456789",
        "ask-abcdefghij0123456789",
        "AKIAABCDEFGHIJKLMNO",
        "AKIAABCDEFGHIJKLMNOP",
        "AKIAABCDEFGHIJKLMNOPQ",
        "AKIAABCDEFGHIJKLMNOP-",
        "XAKIAABCDEFGHIJKLMNOP",
        "123-45-6789x",
        "x123-45-6789",
        "é123-45-6789é",
        "日4111 1111 1111 1111日",
        "token:日本",
        "é@é.com",
        "b@x.io bearer@x.io sk-a@b.io",
    ];
    for text in cases {
        agree_everywhere(&ours, &theirs, text);
    }
}

/// Short tokens rich in what the rules look for, for random text.
const ALPHABET: &[&str] = &[
    "a", "b", "B", "e", "y", "J", "s", "k", "S", "K", "A", "I", "Z", "r", "x", "0", "1", "4", "9",
    "-", "_", ".", "@", "%", "+", "~", "/", "=", ":", ";", "'", "\"", " ", "\t", "\n", "\r", "&",
    ",", "é", "日", "sk-", "eyJ", "AKIA", "ASIA", "bearer", "Bearer ", "password", "passwd",
    "secret", "api_key", "api-key", "apikey", "token", "TOKEN", "com", "io", "1111", "4111",
    "1234 ", "123-", "45-", "6789", "@x.co", "abcdefgh", "ABCDEFGH",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_text_agrees_with_the_regex(
        pieces in proptest::collection::vec(proptest::sample::select(ALPHABET), 0..30)
    ) {
        let rules = default_patterns();
        let text: String = pieces.concat();
        let (ours, theirs) = (scanner(&rules), Reference::new(&rules));
        for pos in 0..=text.len() {
            prop_assert_eq!(ours.find(&text, pos), theirs.find(&text, pos), "{:?} {}", text, pos);
        }
    }
}

/// The default rules renamed, reordered, duplicated and mixed with user rules, some of
/// which compete with them at the same starts.
fn mixed_rule_lists() -> Vec<Vec<PatternRule>> {
    let defaults = default_patterns();
    let custom = [
        PatternRule::new("ticket", "TICKET-[0-9]{6}"),
        PatternRule::new("otp", "(?i-u:otp)[:=](?P<v>[0-9]+)"),
        PatternRule::new("four", "[0-9]{4}"),
        PatternRule::new("mail", "[a-z]+@[a-z]+"),
        PatternRule::new("pass", "pass(?P<v>word)?"),
    ];
    let renamed: Vec<PatternRule> = (defaults.iter())
        .map(|r| PatternRule {
            name: format!("my_{}", r.name),
            ..r.clone()
        })
        .collect();
    let mut reversed = defaults.clone();
    reversed.reverse();
    vec![
        [defaults.clone(), custom[..2].to_vec()].concat(),
        [custom[2..].to_vec(), defaults.clone()].concat(),
        [&renamed[..3], &custom[..], &renamed[3..], &defaults[1..2]].concat(),
        [reversed, custom[2..4].to_vec()].concat(),
        vec![
            custom[3].clone(),
            defaults[2].clone(),
            custom[2].clone(),
            defaults[1].clone(),
        ],
    ]
}

fn redact(d: &Detector, text: &str) -> (String, Report) {
    let mut report = Report::default();
    let out = d.redact(text, MARKER, &mut report).into_owned();
    (out, report)
}

/// The rules' detector with the default rules found by the scanner, and with every rule
/// compiled into the regex.
fn scanned_and_regex(rules: &[PatternRule]) -> (Detector, Detector) {
    let build = |scan| {
        (Detector::build(rules, &Patterns::default(), scan))
            .unwrap()
            .unwrap()
    };
    (build(true), build(false))
}

#[test]
fn mixed_rule_lists_match_and_redact_as_one_regex_would() {
    for rules in mixed_rule_lists() {
        let (ours, theirs) = scanned_and_regex(&rules);
        for text in haystacks(300, 11) {
            for pos in 0..=text.len() {
                let want = theirs.first_match(&text, pos);
                assert_eq!(ours.first_match(&text, pos), want, "{text:?} from {pos}");
            }
            assert_eq!(redact(&ours, &text), redact(&theirs, &text), "{text:?}");
        }
    }
}

#[test]
fn reports_keep_the_users_names_for_default_rules() {
    let rules = &mixed_rule_lists()[2];
    let d = Detector::build(rules, &Patterns::default(), true)
        .unwrap()
        .unwrap();
    let (out, report) = redact(&d, "bob@example.com 123-45-6789 TICKET-123456");
    assert_eq!(out, "[REDACTED] [REDACTED] [REDACTED]");
    let names: Vec<&str> = report.by_pattern.keys().map(String::as_str).collect();
    assert_eq!(names, ["my_email", "my_ssn", "ticket"]);
}

#[test]
fn the_default_rules_alone_compile_no_regex() {
    assert!(
        !Detector::new(&default_patterns(), &Patterns::default())
            .unwrap()
            .unwrap()
            .compiles_regex()
    );
    let mixed = Detector::new(&mixed_rule_lists()[0], &Patterns::default())
        .unwrap()
        .unwrap();
    assert!(mixed.compiles_regex());
}

/// Text like the benchmark's corpus (bench/corpus.mjs): words, with a planted secret or a
/// near miss on about a third of the lines, each rule represented.
fn corpus(bytes: usize) -> String {
    let mut next = seeded(1);
    let words = [
        "the", "agent", "called", "search", "with", "query", "result", "tokens", "model", "answer",
        "because", "user", "asked", "for", "flights", "price", "total", "order",
    ];
    let planted = [
        "123-45-6789",
        "4111 1111 1111 1111",
        "user42@example.com",
        "Bearer eyJhbGciOi.payload.sig",
        "sk-proj-1a2b3c4dabcdefghijklmnop",
        "AKIAIOSFODNN7EXAMPLE",
        "1732248083123",
        "password: hunter2",
        "token=\"a b\"",
        "api-key:'x'",
        "eyJhbGciOi.eyJzdWIi.sig",
        "4111-1111-1111-1112",
        "a@b.co-x",
        "x@y.com1.org",
        "order #12345678901234",
        "https://s3.example/b/o?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F2026&X-Amz-Signature=9f8e7d",
        "https://app.example/cb?state=x&code=4/0AbCdEf#access_token=ya29.tok",
        "日本 é",
    ];
    let mut out = String::new();
    while out.len() < bytes {
        let mut line: Vec<&str> = (0..12)
            .map(|_| words[next() as usize % words.len()])
            .collect();
        if next() % 10 < 3 {
            let at = next() as usize % line.len();
            line.insert(at, planted[next() as usize % planted.len()]);
        }
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}

#[test]
fn a_corpus_is_redacted_exactly_as_the_regex_redacts_it() {
    let text = corpus(1 << 18);
    for rules in [default_patterns(), mixed_rule_lists().swap_remove(1)] {
        let (ours, theirs) = scanned_and_regex(&rules);
        let (out, report) = redact(&ours, &text);
        assert!(out == redact(&theirs, &text).0);
        assert_eq!(report, redact(&theirs, &text).1);
        assert!(report.matches_redacted > 500, "{report:?}");
    }
    let (_, report) = redact(
        &Detector::new(&default_patterns(), &Patterns::default())
            .unwrap()
            .unwrap(),
        &text,
    );
    assert_eq!(
        report.by_pattern.len(),
        KINDS,
        "every rule is exercised: {report:?}"
    );
}

/// The built-in engine supplied as a host's [`PatternEngine`](crate::redact::PatternEngine),
/// as the SDK's wasm is handed it by the patterns module.
fn hosted() -> (std::sync::Arc<crate::redact::RegexPatternEngine>, Patterns) {
    let engine = std::sync::Arc::new(crate::redact::RegexPatternEngine::new());
    let patterns = Patterns::new(Some(engine.clone()));
    (engine, patterns)
}

#[test]
fn a_hosted_engine_matches_and_redacts_as_the_built_in_one() {
    let (engine, patterns) = hosted();
    let text = corpus(1 << 16);
    for rules in mixed_rule_lists() {
        let built_in = Detector::build(&rules, &Patterns::default(), true)
            .unwrap()
            .unwrap();
        let host = Detector::build(&rules, &patterns, true).unwrap().unwrap();
        // The default rules as regexes too, so every rule goes through the host.
        let all_host = Detector::build(&rules, &patterns, false).unwrap().unwrap();
        assert!(host.compiles_regex() && all_host.compiles_regex());
        for text in haystacks(150, 23) {
            for pos in 0..=text.len() {
                let want = built_in.first_match(&text, pos);
                assert_eq!(host.first_match(&text, pos), want, "{text:?} from {pos}");
                assert_eq!(
                    all_host.first_match(&text, pos),
                    want,
                    "{text:?} from {pos}"
                );
            }
            assert_eq!(redact(&host, &text), redact(&built_in, &text), "{text:?}");
        }
        assert_eq!(redact(&host, &text), redact(&built_in, &text));
        assert_eq!(redact(&all_host, &text), redact(&built_in, &text));
    }
    // Checking a rule compiles and releases a program; each detector holds one.
    assert_eq!(engine.live_programs(), 0);
    let kept = Detector::build(&mixed_rule_lists()[0], &patterns, true).unwrap();
    let copy = kept.clone();
    assert_eq!(engine.live_programs(), 1);
    drop(kept);
    assert_eq!(engine.live_programs(), 1);
    drop(copy);
    assert_eq!(engine.live_programs(), 0);
}

#[test]
fn a_hosted_engine_refuses_rules_with_the_built_in_ones_errors() {
    let (engine, patterns) = hosted();
    for rule in [
        PatternRule::new("open", "(abc"),
        PatternRule::new("star", "x*"),
        PatternRule::new("maybe", "(?:ab)?"),
        PatternRule::new("", "abc"),
        PatternRule::new("huge", "a{5000000}"),
    ] {
        let rules = std::slice::from_ref(&rule);
        let want = Detector::new(rules, &Patterns::default()).unwrap_err();
        assert_eq!(Detector::new(rules, &patterns).unwrap_err(), want);
    }
    assert_eq!(engine.live_programs(), 0);
}
