//! Placeholder for the ai_sdk mapping (being written): every record is skipped with a warning.

use serde_json::Value;

use crate::import::warn::Warnings;
use crate::model::Event;

#[derive(Default)]
pub(super) struct Live {
    forgotten: u64,
}

impl Live {
    pub(super) fn map(&mut self, _record: Value, _out: &mut Vec<Event>, warnings: &mut Warnings) {
        warnings.push("ai_sdk records are not mapped yet; skipped".into());
    }

    pub(super) fn forgotten(&self) -> u64 {
        self.forgotten
    }
}
