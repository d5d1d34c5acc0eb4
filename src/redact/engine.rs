//! The regex engine behind user-supplied redaction patterns and the price data's `regex`
//! rules. (The default redaction rules need none: `scan.rs` finds them.)
//!
//! Two engines sit behind one interface:
//! - the built-in one (`native.rs`, feature `regex-engine`): `regex`'s own lazy DFA and
//!   PikeVM, run directly;
//! - one a host supplies as a [`PatternEngine`] ([`Config::pattern_engine`]). The SDK's wasm
//!   leaves the built-in engine out (~70 KB of its ~240 KB gzipped) and its host loads the
//!   same engine, [`RegexPatternEngine`] in a wasm module of its own, only when a pattern
//!   needs it (DESIGN.md, "regex in wasm").
//!
//! Syntax, match semantics (leftmost-first, UTF-8 empty matches), size limits and error
//! messages are the `regex` crate's either way.
//!
//! [`Config::pattern_engine`]: super::Config::pattern_engine

use std::fmt;
use std::sync::Arc;

#[cfg(feature = "regex-engine")]
mod native;
#[cfg(feature = "regex-engine")]
mod table;

#[cfg(feature = "regex-engine")]
pub use table::RegexPatternEngine;

/// A regex engine supplied by the host, for a build without the built-in one. It compiles
/// patterns into programs named by a number and searches with them.
pub trait PatternEngine: Send + Sync + fmt::Debug {
    /// Parses and compiles `pattern` (the `regex` crate's syntax, without Unicode tables).
    ///
    /// # Errors
    /// The text `regex::Error` displays for the pattern.
    fn compile(&self, pattern: &str) -> Result<Compiled, String>;

    /// Finds the leftmost-first match of `program` in `haystack` that starts at or after
    /// `from` (look-around sees the text before `from`) and writes each capture group's
    /// span into `groups`, whose length is the program's `captures_len` (group 0 is the
    /// whole match; `None` for a group that took no part). Returns whether it matched.
    ///
    /// `same_haystack`: the last call searched this very text, so an engine that copies
    /// each haystack into memory of its own may search its copy again (a string with many
    /// matches is searched once per match: copying it each time would cost its length
    /// squared).
    fn captures_at(
        &self,
        program: u32,
        haystack: &str,
        from: usize,
        same_haystack: bool,
        groups: &mut [Option<(usize, usize)>],
    ) -> bool;

    /// Whether `program` matches the empty string somewhere in `text`, as `find_iter`
    /// reports matches (never inside a UTF-8 character).
    fn matches_empty_in(&self, program: u32, text: &str) -> bool;

    /// Whether `program` matches anywhere in `haystack`.
    fn is_match(&self, program: u32, haystack: &str) -> bool;

    /// `program` is not used again.
    fn release(&self, program: u32);
}

/// A compiled program, as [`PatternEngine::compile`] describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compiled {
    /// The number the engine gave the program.
    pub program: u32,
    /// The number of capture groups, the whole-match group 0 included.
    pub captures_len: usize,
    /// The index of the group named `v`, if there is one.
    pub value_group: Option<usize>,
}

/// What a pattern is, learned by compiling it: see [`Patterns::check`].
pub(crate) struct Checked {
    pub(crate) captures_len: usize,
    pub(crate) value_group: Option<usize>,
    /// Whether it matches the empty string in any of the probes.
    pub(crate) matches_empty: bool,
}

/// What a build without the built-in engine answers when no engine was supplied.
#[cfg(not(feature = "regex-engine"))]
const NO_ENGINE: &str =
    "no regex engine: this build leaves the built-in one out and none was supplied";

/// The engine that compiles patterns: the host's when it supplied one, else the built-in.
#[derive(Clone, Debug, Default)]
pub(crate) struct Patterns(Option<Arc<dyn PatternEngine>>);

impl Patterns {
    pub(crate) fn new(host: Option<Arc<dyn PatternEngine>>) -> Self {
        Self(host)
    }

    /// Compiles `pattern` to learn its groups and whether it matches the empty string in
    /// any of `probes`, keeping nothing.
    pub(crate) fn check(&self, pattern: &str, probes: &[&str]) -> Result<Checked, String> {
        let Some(host) = &self.0 else {
            return builtin_check(pattern, probes);
        };
        let c = host.compile(pattern)?;
        let matches_empty = probes.iter().any(|p| host.matches_empty_in(c.program, p));
        host.release(c.program);
        Ok(Checked {
            captures_len: c.captures_len,
            value_group: c.value_group,
            matches_empty,
        })
    }

    /// Compiles `pattern` for searching.
    pub(crate) fn compile(&self, pattern: &str) -> Result<Engine, String> {
        match &self.0 {
            Some(host) => {
                let compiled = host.compile(pattern)?;
                Ok(Engine(Kind::Hosted(Arc::new(Hosted {
                    host: Arc::clone(host),
                    compiled,
                }))))
            }
            None => builtin(pattern),
        }
    }
}

#[cfg(feature = "regex-engine")]
fn builtin_check(pattern: &str, probes: &[&str]) -> Result<Checked, String> {
    let nfa = native::compile(pattern)?;
    Ok(Checked {
        captures_len: native::captures_len(&nfa),
        value_group: native::group_index(&nfa, "v"),
        matches_empty: probes.iter().any(|p| native::matches_empty_in(&nfa, p)),
    })
}

#[cfg(not(feature = "regex-engine"))]
fn builtin_check(_: &str, _: &[&str]) -> Result<Checked, String> {
    Err(NO_ENGINE.to_owned())
}

#[cfg(feature = "regex-engine")]
fn builtin(pattern: &str) -> Result<Engine, String> {
    native::Engine::new(pattern).map(|e| Engine(Kind::Native(e)))
}

#[cfg(not(feature = "regex-engine"))]
fn builtin(_: &str) -> Result<Engine, String> {
    Err(NO_ENGINE.to_owned())
}

/// A compiled regex with its capture groups. Cheap to clone (shared).
#[derive(Clone, Debug)]
pub(crate) struct Engine(Kind);

#[derive(Clone, Debug)]
enum Kind {
    #[cfg(feature = "regex-engine")]
    Native(native::Engine),
    Hosted(Arc<Hosted>),
}

/// A program of a host's engine, released when the last clone goes.
#[derive(Debug)]
struct Hosted {
    host: Arc<dyn PatternEngine>,
    compiled: Compiled,
}

impl Drop for Hosted {
    fn drop(&mut self) {
        self.host.release(self.compiled.program);
    }
}

impl Engine {
    /// Compiles `pattern` with the built-in engine, as `regex::Regex::new` does.
    pub(crate) fn new(pattern: &str) -> Result<Self, String> {
        builtin(pattern)
    }

    /// The number of capture groups, group 0 included.
    pub(crate) fn captures_len(&self) -> usize {
        match &self.0 {
            #[cfg(feature = "regex-engine")]
            Kind::Native(e) => e.captures_len(),
            Kind::Hosted(h) => h.compiled.captures_len,
        }
    }

    /// Whether the pattern matches anywhere in `haystack`.
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        match &self.0 {
            #[cfg(feature = "regex-engine")]
            Kind::Native(e) => e.is_match(haystack),
            Kind::Hosted(h) => h.host.is_match(h.compiled.program, haystack),
        }
    }

    /// Runs `f` with a searcher over this engine.
    pub(crate) fn with_searcher<R>(&self, f: impl FnOnce(&mut Searcher<'_, '_>) -> R) -> R {
        match &self.0 {
            #[cfg(feature = "regex-engine")]
            Kind::Native(e) => e.with_searcher(|s| f(&mut Searcher(Search::Native(s)))),
            Kind::Hosted(h) => f(&mut Searcher(Search::Hosted {
                hosted: h,
                groups: vec![None; h.compiled.captures_len],
                last: None,
            })),
        }
    }
}

/// Searches one haystack after another with an [`Engine`].
pub(crate) struct Searcher<'s, 'e>(Search<'s, 'e>);

enum Search<'s, 'e> {
    #[cfg(feature = "regex-engine")]
    Native(&'s mut native::Searcher<'e>),
    Hosted {
        hosted: &'s Hosted,
        groups: Vec<Option<(usize, usize)>>,
        /// The address and length of the text the last call searched: one searcher reads
        /// one string at a time (`Detector::redact`), while it is borrowed and unchanged.
        last: Option<(usize, usize)>,
    },
    #[cfg(not(feature = "regex-engine"))]
    #[allow(dead_code)]
    Never(std::marker::PhantomData<&'e ()>),
}

impl Searcher<'_, '_> {
    /// Finds the leftmost-first match in `haystack` starting at or after `from` (look-around
    /// sees the text before `from`) and keeps its groups. Returns the match's span.
    pub(crate) fn captures_at(&mut self, haystack: &str, from: usize) -> Option<(usize, usize)> {
        match &mut self.0 {
            #[cfg(feature = "regex-engine")]
            Search::Native(s) => s.captures_at(haystack, from),
            Search::Hosted {
                hosted,
                groups,
                last,
            } => {
                let program = hosted.compiled.program;
                let text = (haystack.as_ptr() as usize, haystack.len());
                let same = last.replace(text) == Some(text);
                if (hosted.host).captures_at(program, haystack, from, same, groups) {
                    groups.first().copied().flatten()
                } else {
                    None
                }
            }
            #[cfg(not(feature = "regex-engine"))]
            Search::Never(_) => None,
        }
    }

    /// The span of group `index` in the last match, if it took part.
    pub(crate) fn group(&self, index: usize) -> Option<(usize, usize)> {
        match &self.0 {
            #[cfg(feature = "regex-engine")]
            Search::Native(s) => s.group(index),
            Search::Hosted { groups, .. } => groups.get(index).copied().flatten(),
            #[cfg(not(feature = "regex-engine"))]
            Search::Never(_) => None,
        }
    }
}
