//! The built-in regex engine (feature `regex-engine`): `regex-automata`'s lazy DFA to find
//! each match and its PikeVM to read the capture groups inside it.
//!
//! This is what `regex::Regex` runs for these patterns (its meta engine picks the same lazy
//! DFA, then the PikeVM on the matched span), without the meta engine's other strategies,
//! literal extraction and prefilters, none of which apply to the redaction patterns and
//! which cost ~45 KB gzipped in the SDK's wasm (DESIGN.md, "regex in wasm"). Syntax,
//! match semantics (leftmost-first, UTF-8 empty matches), size limits and error messages
//! are the `regex` crate's.

use std::sync::{Arc, Mutex, PoisonError};

use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::nfa::thompson::{self, NFA, WhichCaptures};
use regex_automata::util::primitives::NonMaxUsize;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, PatternID, hybrid};

/// The `regex` crate's default limit on the compiled program (`RegexBuilder::size_limit`).
const NFA_SIZE_LIMIT: usize = 10 * (1 << 20);
/// The `regex` crate's default lazy DFA cache (`RegexBuilder::dfa_size_limit`).
const DFA_CACHE_BYTES: usize = 2 * (1 << 20);

/// Parses `pattern` and compiles it forwards (with its groups) or in reverse (without),
/// as `regex::Regex::new` does; the error is the text `regex::Error` displays.
fn build(pattern: &str, reverse: bool) -> Result<NFA, String> {
    let hir = syntax::parse_with(pattern, &syntax::Config::new()).map_err(|e| e.to_string())?;
    let mut config = thompson::Config::new()
        .utf8(true)
        .nfa_size_limit(Some(NFA_SIZE_LIMIT))
        .shrink(false);
    if reverse {
        config = config.which_captures(WhichCaptures::None).reverse(true);
    }
    let nfa = thompson::Compiler::new()
        .configure(config)
        .build_from_hir(&hir)
        .map_err(|e| match e.size_limit() {
            Some(limit) => format!("Compiled regex exceeds size limit of {limit} bytes."),
            None => "error building NFA".to_owned(),
        })?;
    // The meta engine's PikeVM refuses a Unicode word boundary without its tables.
    nfa.look_set_any()
        .available()
        .map_err(|_| "error building NFA".to_owned())?;
    Ok(nfa)
}

/// Parses and compiles `pattern` (forwards, with its capture groups).
pub(crate) fn compile(pattern: &str) -> Result<NFA, String> {
    build(pattern, false)
}

/// The number of capture groups, the implicit whole-match group 0 included.
pub(crate) fn captures_len(nfa: &NFA) -> usize {
    nfa.group_info().group_len(PatternID::ZERO)
}

/// The index of the group named `name`, if there is one.
pub(crate) fn group_index(nfa: &NFA, name: &str) -> Option<usize> {
    nfa.group_info().to_index(PatternID::ZERO, name)
}

/// Whether the pattern matches the empty string somewhere in `text` (as `find_iter`
/// reports matches: leftmost-first, never inside a UTF-8 character).
pub(crate) fn matches_empty_in(nfa: &NFA, text: &str) -> bool {
    let Ok(vm) = PikeVM::new_from_nfa(nfa.clone()) else {
        return false;
    };
    let mut cache = vm.create_cache();
    vm.find_iter(&mut cache, text).any(|m| m.is_empty())
}

/// The forward and reverse lazy DFAs, configured as `regex`'s meta engine configures them
/// (including giving up on a search that keeps clearing the cache: the PikeVM then runs).
/// `None` if either refuses to build, as the meta engine then runs without them.
fn lazy_dfa(forward: &NFA, reverse: NFA) -> Option<hybrid::regex::Regex> {
    let config = hybrid::dfa::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .starts_for_each_pattern(true)
        .unicode_word_boundary(true)
        .specialize_start_states(false)
        .cache_capacity(DFA_CACHE_BYTES)
        .skip_cache_capacity_check(false)
        .minimum_cache_clear_count(Some(3))
        .minimum_bytes_per_state(Some(10));
    let fwd = hybrid::dfa::Builder::new()
        .configure(config.clone())
        .build_from_nfa(forward.clone())
        .ok()?;
    let rev = hybrid::dfa::Builder::new()
        .configure(config.match_kind(MatchKind::All))
        .build_from_nfa(reverse)
        .ok()?;
    Some(hybrid::regex::Builder::new().build_from_dfas(fwd, rev))
}

/// Per-search scratch space: the lazy DFA's state cache, the PikeVM's, and the slots.
struct Scratch {
    dfa: Option<hybrid::regex::Cache>,
    vm: pikevm::Cache,
    slots: Vec<Option<NonMaxUsize>>,
}

/// A compiled regex with its capture groups. Cheap to clone (shared); usable from several
/// threads (scratch space is pooled).
#[derive(Clone)]
pub(crate) struct Engine(Arc<Inner>);

struct Inner {
    /// `None` only if the lazy DFA refused to build (a program too large for its cache);
    /// the PikeVM then finds matches alone, as the `regex` crate falls back.
    dfa: Option<hybrid::regex::Regex>,
    vm: PikeVM,
    pool: Mutex<Vec<Scratch>>,
}

impl Engine {
    /// Compiles `pattern` as `regex::Regex::new` does.
    pub(crate) fn new(pattern: &str) -> Result<Self, String> {
        let nfa = compile(pattern)?;
        let reverse = build(pattern, true)?;
        let dfa = lazy_dfa(&nfa, reverse);
        let vm = PikeVM::new_from_nfa(nfa).map_err(|_| "error building NFA".to_owned())?;
        Ok(Self(Arc::new(Inner {
            dfa,
            vm,
            pool: Mutex::new(Vec::new()),
        })))
    }

    /// The number of capture groups, group 0 included.
    pub(crate) fn captures_len(&self) -> usize {
        self.0.vm.get_nfa().group_info().group_len(PatternID::ZERO)
    }

    /// The index of the group named `name`, if there is one.
    pub(crate) fn group_index(&self, name: &str) -> Option<usize> {
        group_index(self.0.vm.get_nfa(), name)
    }

    /// Whether the pattern matches the empty string somewhere in `text` (see
    /// [`matches_empty_in`]).
    pub(crate) fn matches_empty_in(&self, text: &str) -> bool {
        matches_empty_in(self.0.vm.get_nfa(), text)
    }

    /// Runs `f` with a searcher over this engine (scratch space taken from the pool).
    pub(crate) fn with_searcher<R>(&self, f: impl FnOnce(&mut Searcher<'_>) -> R) -> R {
        let inner = &*self.0;
        let scratch = inner
            .pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let scratch = scratch.unwrap_or_else(|| Scratch {
            dfa: inner.dfa.as_ref().map(hybrid::regex::Regex::create_cache),
            vm: inner.vm.create_cache(),
            slots: vec![None; inner.vm.get_nfa().group_info().slot_len()],
        });
        let mut searcher = Searcher { inner, scratch };
        let out = f(&mut searcher);
        inner
            .pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(searcher.scratch);
        out
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Engine")
    }
}

impl Engine {
    /// Whether the pattern matches anywhere in `haystack` (`regex::Regex::is_match`: the
    /// forward lazy DFA alone, stopping at the first match state).
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        self.with_searcher(|s| {
            let input = Input::new(haystack).earliest(true);
            if let (Some(re), Some(cache)) = (&s.inner.dfa, &mut s.scratch.dfa) {
                if let Ok(found) = re.forward().try_search_fwd(cache.forward_mut(), &input) {
                    return found.is_some();
                }
            }
            s.inner.vm.is_match(&mut s.scratch.vm, input)
        })
    }
}

/// Searches one haystack after another with an [`Engine`]'s scratch space.
pub(crate) struct Searcher<'e> {
    inner: &'e Inner,
    scratch: Scratch,
}

impl Searcher<'_> {
    /// Finds the leftmost-first match in `haystack` starting at or after `from` (look-around
    /// sees the text before `from`) and fills the capture slots. Returns the match's span.
    pub(crate) fn captures_at(&mut self, haystack: &str, from: usize) -> Option<(usize, usize)> {
        let Scratch { dfa, vm, slots } = &mut self.scratch;
        let input = Input::new(haystack).range(from..);
        let found = match (&self.inner.dfa, dfa) {
            (Some(re), Some(cache)) => re.try_search(cache, &input).ok(),
            _ => None,
        };
        match found {
            Some(None) => None,
            Some(Some(m)) => {
                let span = input.clone().range(m.range()).anchored(Anchored::Yes);
                self.inner.vm.search_slots(vm, &span, slots)?;
                self.group(0)
            }
            None => {
                self.inner.vm.search_slots(vm, &input, slots)?;
                self.group(0)
            }
        }
    }

    /// The span of group `index` in the last match, if it took part.
    pub(crate) fn group(&self, index: usize) -> Option<(usize, usize)> {
        let slots = &self.scratch.slots;
        let start = slots.get(index * 2)?.as_ref()?.get();
        let end = slots.get(index * 2 + 1)?.as_ref()?.get();
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::default_patterns;
    use crate::redact::rules::strip_group_names;

    #[test]
    fn compile_errors_read_like_the_regex_crates() {
        for pattern in [
            "(abc",
            "[z-a]",
            r"\d",
            r"\b",
            "(?i)a",
            "a{5000000}",
            "a{2,1}",
        ] {
            let ours = compile(pattern).err();
            let theirs = regex::Regex::new(pattern).err().map(|e| e.to_string());
            if !pattern.starts_with('\\') && pattern != "(?i)a" {
                assert!(ours.is_some(), "{pattern}"); // errors with or without Unicode tables
            }
            assert_eq!(ours, theirs, "{pattern}");
        }
    }

    /// Pieces glued into haystacks: secrets, near misses, boundaries, non-ASCII.
    const PIECES: &[&str] = &[
        "4111 1111 1111 1111",
        "1732248083000",
        "bob@example.com",
        "password: hunter2",
        "token='x y'",
        "api_key=\"q\"",
        "é",
        "日本",
        " ",
        "\n",
        "sk-",
        "abcdefghij0123456789",
        "Bearer ",
        "eyJhbGciOi.eyJzdWIi.sig",
        ".",
        "-",
        "123-45-6789",
        "AKIAABCDEFGHIJKLMNOP",
        "'",
        "\"",
        "_",
        "@",
        "9",
    ];

    fn haystacks() -> Vec<String> {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..400)
            .map(|_| {
                let n = next() % 9;
                (0..n)
                    .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    /// Every match and every group span, from every start position, agrees with
    /// `regex::Regex` (which runs its meta engine) on the same pattern.
    #[test]
    fn matches_and_groups_agree_with_the_regex_crate() {
        let combined = default_patterns()
            .iter()
            .map(|r| format!("({})", strip_group_names(&r.regex)))
            .collect::<Vec<_>>()
            .join("|");
        let patterns = [
            combined.as_str(),
            "x*",
            r"(?-u:\b)",
            "(?<k>[a-z]+)=(?P<v>[^ ]*)",
            "é|日|[^a-z]{2}",
            "(?i-u:bearer)[ ]+(?P<v>[A-Za-z0-9._~+/-]{8,}=*)",
        ];
        for pattern in patterns {
            let ours = Engine::new(pattern).unwrap();
            let theirs = regex::Regex::new(pattern).unwrap();
            assert_eq!(ours.captures_len(), theirs.captures_len());
            let mut locs = theirs.capture_locations();
            for text in haystacks() {
                ours.with_searcher(|searcher| {
                    for from in 0..=text.len() {
                        let got = searcher.captures_at(&text, from);
                        let want = theirs.captures_read_at(&mut locs, &text, from);
                        assert_eq!(
                            got,
                            want.map(|m| (m.start(), m.end())),
                            "{pattern} {text:?} {from}"
                        );
                        if want.is_some() {
                            for g in 0..theirs.captures_len() {
                                assert_eq!(
                                    searcher.group(g),
                                    locs.get(g),
                                    "{pattern} {text:?} {from} {g}"
                                );
                            }
                        }
                    }
                });
            }
            let nfa = compile(pattern).unwrap();
            for text in haystacks()
                .iter()
                .map(String::as_str)
                .chain(["", "é", "a b"])
            {
                let want = theirs.find_iter(text).any(|m| m.is_empty());
                assert_eq!(matches_empty_in(&nfa, text), want, "{pattern} {text:?}");
            }
            let names: Vec<_> = theirs.capture_names().collect();
            assert_eq!(
                group_index(&nfa, "v"),
                names.iter().position(|n| *n == Some("v"))
            );
        }
    }
}
