//! Session token totals as the pipeline keeps them. The rule (a session's total is what
//! its end said when above zero, else the sum of its other events' counts) is
//! [`crate::model::semantics::session_total`]; re-exported here for the pipeline's users.
//!
//! [`SessionTokens`] keeps the running sums of the sessions a pipeline has seen, so the
//! pipeline can fill the totals into the `session_end` it encodes and no host adds up
//! tokens on its own.

pub use crate::model::semantics::{end_total, event_tokens, session_total};
use crate::model::{Event, EventType};

/// The most sessions whose sums are kept; past it, the older half is forgotten.
const MAX_SESSIONS: usize = 10_000;

/// Running token sums by session id: `(id, [in, out, when first seen])`, sorted by id
/// (a sorted vector rather than a hash map: it adds less to the SDK's wasm).
#[derive(Debug, Default)]
pub struct SessionTokens {
    sums: Vec<(Box<str>, [u64; 3])>,
    next: u64,
}

impl SessionTokens {
    /// Adds `e` to its session's sums; a `session_end` takes its totals (the rule above).
    /// The sums stay readable after the end (hosts show an ended session's totals).
    pub fn account(&mut self, e: &mut Event) {
        if e.event_type == EventType::SessionEnd {
            let [sum_in, sum_out] = self.of(&e.session_id);
            e.total_tokens_in = Some(session_total(sum_in, e.total_tokens_in));
            e.total_tokens_out = Some(session_total(sum_out, e.total_tokens_out));
            return;
        }
        let [tin, tout] = event_tokens(e);
        let i = match self.find(&e.session_id) {
            Ok(i) => i,
            Err(_) => {
                self.make_room();
                let i = self.find(&e.session_id).unwrap_or_else(|i| i);
                self.sums
                    .insert(i, (e.session_id.as_str().into(), [0, 0, self.next]));
                self.next += 1;
                i
            }
        };
        let s = &mut self.sums[i].1;
        s[0] = s[0].saturating_add(tin);
        s[1] = s[1].saturating_add(tout);
    }

    fn find(&self, session_id: &str) -> Result<usize, usize> {
        self.sums.binary_search_by(|(id, _)| (**id).cmp(session_id))
    }

    /// The sums of a session (`[0, 0]` for one unseen or forgotten).
    pub fn of(&self, session_id: &str) -> [u64; 2] {
        self.find(session_id)
            .map_or([0, 0], |i| [self.sums[i].1[0], self.sums[i].1[1]])
    }

    fn make_room(&mut self) {
        if self.sums.len() >= MAX_SESSIONS {
            let keep_from = self.next.saturating_sub(MAX_SESSIONS as u64 / 2);
            self.sums.retain(|(_, s)| s[2] >= keep_from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::UnixNanos;

    fn ev(t: EventType, session: &str, tokens: Option<(u64, u64)>) -> Event {
        let mut e = Event::new(t, session, UnixNanos(0));
        if let Some((i, o)) = tokens {
            (e.tokens_in, e.tokens_out) = (Some(i), Some(o));
        }
        e
    }

    #[test]
    fn an_end_takes_the_sum_of_its_sessions_events_unless_it_gave_its_own() {
        let mut t = SessionTokens::default();
        t.account(&mut ev(EventType::SessionStart, "a", None));
        t.account(&mut ev(EventType::LlmCall, "a", Some((10, 4))));
        t.account(&mut ev(EventType::LlmCall, "b", Some((100, 100))));
        t.account(&mut ev(EventType::ToolCall, "a", None));
        t.account(&mut ev(EventType::LlmCall, "a", Some((5, 1))));
        assert_eq!(t.of("a"), [15, 5]);
        let mut end = ev(EventType::SessionEnd, "a", None);
        t.account(&mut end);
        assert_eq!(
            (end.total_tokens_in, end.total_tokens_out),
            (Some(15), Some(5))
        );
        assert_eq!(t.of("a"), [15, 5], "an ended session's sums stay readable");
        let mut own = ev(EventType::SessionEnd, "b", None);
        (own.total_tokens_in, own.total_tokens_out) = (Some(7), Some(0));
        t.account(&mut own);
        assert_eq!(
            (own.total_tokens_in, own.total_tokens_out),
            (Some(7), Some(100))
        );
        let mut empty = ev(EventType::SessionEnd, "c", None);
        t.account(&mut empty);
        assert_eq!(empty.total_tokens_in, Some(0));
    }

    #[test]
    fn sums_saturate_and_the_table_is_bounded() {
        let mut t = SessionTokens::default();
        t.account(&mut ev(EventType::LlmCall, "a", Some((u64::MAX, 1))));
        t.account(&mut ev(EventType::LlmCall, "a", Some((5, 1))));
        assert_eq!(t.of("a"), [u64::MAX, 2]);
        for i in 0..MAX_SESSIONS + 10 {
            t.account(&mut ev(EventType::LlmCall, &format!("s{i}"), Some((1, 1))));
        }
        assert!(t.sums.len() <= MAX_SESSIONS);
        assert_eq!(t.of(&format!("s{}", MAX_SESSIONS + 9)), [1, 1]);
        assert_eq!(t.of("a"), [0, 0], "the oldest sessions are forgotten first");
    }
}
