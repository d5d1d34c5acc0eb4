//! Events of spans in time order, then nested: a run's end after everything inside it.
//!
//! OpenTelemetry JS takes a span's start from the wall clock (millisecond steps) and its
//! end from the start plus a high-resolution duration, so a child that started a moment
//! after its parent's last millisecond can carry a start later than the parent's end.
//! Sorting by time alone would then close the run before its child; this moves each
//! `run_end` after the last event it contains (its own events and its child runs'), and
//! each `run_start` before the first (a child that ended first, so is listed first, and
//! started in the same millisecond).

use std::collections::HashMap;

use crate::import::span::{self, Timed};
use crate::model::{Event, EventType};

/// The events in time order, each `run_end` after everything its run contains.
pub(crate) fn in_order(events: Vec<Timed>) -> Vec<Event> {
    let mut events = span::in_time_order(events);
    // Each pass settles one more level of nesting; a bound keeps odd input (a cycle of
    // parents) from looping.
    for _ in 0..64 {
        if !settle(&mut events) {
            break;
        }
    }
    events
}

/// The run an event sits in, for ordering: its run, or for a run's own start and end the
/// parent run.
fn container(e: &Event) -> Option<&str> {
    match e.event_type {
        EventType::RunStart | EventType::RunEnd => e.parent_run_id.as_deref(),
        _ => e.run_id.as_deref(),
    }
}

/// One pass: every `run_end` that precedes something inside its run moves to just after
/// it, then every `run_start` that follows something inside its run moves to just before
/// it (a child listed first at the same instant). Returns whether anything moved.
fn settle(events: &mut Vec<Event>) -> bool {
    let ends = settle_one(events, EventType::RunEnd);
    let starts = settle_one(events, EventType::RunStart);
    ends || starts
}

fn settle_one(events: &mut Vec<Event>, kind: EventType) -> bool {
    let end = kind == EventType::RunEnd;
    let mut bound: HashMap<&str, usize> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        if let Some(run) = container(e) {
            // Ends need the last event inside, starts the first.
            if end {
                bound.insert(run, i);
            } else {
                bound.entry(run).or_insert(i);
            }
        }
    }
    let moves: Vec<(usize, usize)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.event_type == kind)
        .filter_map(|(i, e)| {
            let j = *bound.get(e.run_id.as_deref()?)?;
            (if end { j > i } else { j < i }).then_some((i, j))
        })
        .collect();
    drop(bound);
    if end {
        // From the last, so earlier indices stay valid.
        for &(i, j) in moves.iter().rev() {
            let e = events.remove(i);
            events.insert(j, e);
        }
    } else {
        // From the first: each start moves left of its own position only.
        for &(i, j) in &moves {
            let e = events.remove(i);
            events.insert(j, e);
        }
    }
    !moves.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::span::rank;
    use crate::time::UnixNanos;

    fn ev(t: i64, kind: EventType, run: &str, parent: Option<&str>) -> Timed {
        let e = Event {
            event_type: kind,
            run_id: Some(run.into()),
            parent_run_id: parent.map(Into::into),
            ..Event::default()
        };
        (Some(UnixNanos(t)), rank::INSIDE, e)
    }

    #[test]
    fn a_run_ends_after_a_child_that_claims_a_later_time() {
        let events = vec![
            ev(1, EventType::RunStart, "a", None),
            ev(2, EventType::RunStart, "b", Some("a")),
            ev(3, EventType::RunEnd, "b", Some("a")),
            ev(4, EventType::RunEnd, "a", None),
            ev(5, EventType::LlmCall, "b", None),
        ];
        let kinds: Vec<(String, String)> = in_order(events)
            .iter()
            .map(|e| (e.event_type.as_str().into(), e.run_id.clone().unwrap()))
            .collect();
        let want = [
            ("run_start", "a"),
            ("run_start", "b"),
            ("llm_call", "b"),
            ("run_end", "b"),
            ("run_end", "a"),
        ];
        assert_eq!(
            kinds,
            want.map(|(k, r)| (k.to_owned(), r.to_owned())).to_vec()
        );
    }

    #[test]
    fn a_run_starts_before_a_child_of_the_same_instant_listed_first() {
        let events = vec![
            ev(1, EventType::RunStart, "b", Some("a")),
            ev(1, EventType::RunStart, "a", None),
            ev(2, EventType::LlmCall, "b", None),
        ];
        let order: Vec<String> = in_order(events)
            .iter()
            .map(|e| e.run_id.clone().unwrap())
            .collect();
        assert_eq!(order, ["a", "b", "b"]);
    }

    #[test]
    fn parents_in_a_cycle_do_not_loop() {
        let events = vec![
            ev(1, EventType::RunEnd, "a", Some("b")),
            ev(2, EventType::RunEnd, "b", Some("a")),
        ];
        assert_eq!(in_order(events).len(), 2);
    }
}
