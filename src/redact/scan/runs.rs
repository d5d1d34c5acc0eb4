//! Runs of a byte class already measured in one text.

use super::run;

/// Runs remembered per class.
const KEPT: usize = 3;

/// The ends of the maximal runs of a byte class measured so far in one text, so a run read
/// again from a point inside it costs nothing. A run ends where its class does, wherever
/// inside it the reading starts. Without this, a text that is one long run with an anchor
/// every few bytes (`a-a-a-…` for `api_key`, `-eyJ-eyJ-…` for `jwt`, `password:password:…`
/// for `key_value`, `?token=?token=…` for `url_param`, a long local part for `email`'s reach) is read to the end of the run at
/// every anchor or every match: quadratic time, seconds for a 1 MiB string (found by the
/// fuzzer, `fuzz/`).
///
/// Empty until the first run is measured: most texts anchor no rule that reads a run, and a
/// `Runs` is made for every string redacted (keys and ids included), so making one writes
/// nothing but its tag.
#[derive(Clone, Debug, Default)]
pub(crate) struct Runs(Option<Known>);

#[derive(Clone, Debug, Default)]
struct Known {
    /// Per kind of run (a class bit, or [`URL_VALUE`]), the last runs measured:
    /// `(from, end)`, with `from < end`.
    known: [[(usize, usize); KEPT]; KINDS],
    /// Per kind of run, the slot the next run measured goes to.
    next: [usize; KINDS],
}

/// Kinds of run: the eight class bits, then a `url_param` value.
const KINDS: usize = 9;

/// The kind of run of a `url_param` value (bytes up to a separator).
pub(crate) const URL_VALUE: usize = 8;

impl Runs {
    /// The number of bytes from `i` on that are in `class` (one class bit), as
    /// [`run`](super::run) counts them.
    pub(crate) fn run(&mut self, s: &[u8], i: usize, class: u8) -> usize {
        let kind = class.trailing_zeros() as usize % 8;
        self.known_or(kind, i, || run(s, i, class))
    }

    /// The number of bytes from `i` on that satisfy `f`, which must always be the same
    /// test for one `kind` (as [`run_of`](super::run_of) counts them).
    pub(crate) fn run_of(
        &mut self,
        kind: usize,
        s: &[u8],
        i: usize,
        f: impl Fn(u8) -> bool,
    ) -> usize {
        self.known_or(kind, i, || super::run_of(s, i, f))
    }

    fn known_or(&mut self, kind: usize, i: usize, measure: impl FnOnce() -> usize) -> usize {
        let runs = self.0.get_or_insert_with(Known::default);
        let known = runs.known[kind]
            .iter()
            .find(|&&(from, end)| from < end && from <= i && i <= end);
        if let Some(&(_, end)) = known {
            return end - i;
        }
        let n = measure();
        if n > 0 {
            runs.known[kind][runs.next[kind]] = (i, i + n);
            runs.next[kind] = (runs.next[kind] + 1) % KEPT;
        }
        n
    }
}
