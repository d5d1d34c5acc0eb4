//! Ids a redactor found clean lately, so an event's ids are not scanned again and again.
//!
//! A session's events repeat its session id, trace id and run ids: scanning each of them
//! for every event was ~8% of the pipeline's CPU per event (a profile of OpenAI Agents
//! runs). The answer for an id depends only on the redactor and the id, and a clean id is
//! kept exactly (no report, no change), so remembering clean ids changes nothing but the
//! time.

/// Clean ids remembered at most: a session id, a trace id and a few nested run ids.
const HELD: usize = 8;

/// The last [`HELD`] ids a redactor kept as they were. Belongs to one redactor: a
/// memo filled by one must not be used with another.
#[derive(Debug, Default)]
pub struct IdMemo {
    ids: Vec<String>,
    next: usize,
}

impl IdMemo {
    /// Whether `id` was found clean lately.
    pub(super) fn knows(&self, id: &str) -> bool {
        self.ids.iter().any(|k| k == id)
    }

    /// Remembers `id` as clean, in place of the oldest when full.
    pub(super) fn remember(&mut self, id: &str) {
        if self.ids.len() < HELD {
            self.ids.push(id.to_owned());
            return;
        }
        let slot = &mut self.ids[self.next];
        slot.clear();
        slot.push_str(id);
        self.next = (self.next + 1) % HELD;
    }
}
