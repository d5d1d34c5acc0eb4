//! Runs of a byte class already measured in one text.

use super::run;

/// Runs remembered per class.
const KEPT: usize = 3;

/// The ends of the maximal runs of a byte class measured so far in one text, so a run read
/// again from a point inside it costs nothing. A run ends where its class does, wherever
/// inside it the reading starts. Without this, a text that is one long run with an anchor
/// every few bytes (`a-a-a-…` for `api_key`, `-eyJ-eyJ-…` for `jwt`, `password:password:…`
/// for `key_value`, a long local part for `email`'s reach) is read to the end of the run at
/// every anchor or every match: quadratic time, seconds for a 1 MiB string (found by the
/// fuzzer, `fuzz/`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Runs {
    /// Per class bit, the last runs measured: `(from, end)`, with `from < end`.
    known: [[(usize, usize); KEPT]; 8],
    /// Per class bit, the slot the next run measured goes to.
    next: [usize; 8],
}

impl Runs {
    /// The number of bytes from `i` on that are in `class` (one class bit), as
    /// [`run`](super::run) counts them.
    pub(crate) fn run(&mut self, s: &[u8], i: usize, class: u8) -> usize {
        let c = class.trailing_zeros() as usize % 8;
        let known = self.known[c]
            .iter()
            .find(|&&(from, end)| from < end && from <= i && i <= end);
        if let Some(&(_, end)) = known {
            return end - i;
        }
        let n = run(s, i, class);
        if n > 0 {
            self.known[c][self.next[c]] = (i, i + n);
            self.next[c] = (self.next[c] + 1) % KEPT;
        }
        n
    }
}
