//! Placeholder.

use serde_json::Value;

use super::warn::Warnings;
use crate::model::Event;

pub(crate) fn decode(_value: Value, _warnings: &mut Warnings) -> Vec<Event> {
    Vec::new()
}
