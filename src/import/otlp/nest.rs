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
fn settle(events: &mut [Event]) -> bool {
    let ends = settle_one(events, EventType::RunEnd);
    let starts = settle_one(events, EventType::RunStart);
    ends || starts
}

fn settle_one(events: &mut [Event], kind: EventType) -> bool {
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
    // A move of the event at `i` to `j` is a rotation of the events between them (what
    // removing it and inserting it again did, at the cost of the distance moved rather
    // than of the whole list: with a move per run, a large trace's moves were quadratic).
    if end {
        // From the last, so earlier indices stay valid.
        for &(i, j) in moves.iter().rev() {
            events[i..=j].rotate_left(1);
        }
    } else {
        // From the first: each start moves left of its own position only.
        for &(i, j) in &moves {
            events[j..=i].rotate_right(1);
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

    /// The moves as they were made before they were rotations: removed, inserted again.
    fn settle_by_insert(events: &mut Vec<Event>) -> bool {
        let mut moved = false;
        for kind in [EventType::RunEnd, EventType::RunStart] {
            let end = kind == EventType::RunEnd;
            let mut bound: HashMap<String, usize> = HashMap::new();
            for (i, e) in events.iter().enumerate() {
                if let Some(run) = container(e) {
                    if end {
                        bound.insert(run.to_owned(), i);
                    } else {
                        bound.entry(run.to_owned()).or_insert(i);
                    }
                }
            }
            let mut moves: Vec<(usize, usize)> = Vec::new();
            for (i, e) in events
                .iter()
                .enumerate()
                .filter(|(_, e)| e.event_type == kind)
            {
                let Some(&j) = e.run_id.as_deref().and_then(|r| bound.get(r)) else {
                    continue;
                };
                if (end && j > i) || (!end && j < i) {
                    moves.push((i, j));
                }
            }
            if end {
                moves.reverse();
            }
            for &(i, j) in &moves {
                let e = events.remove(i);
                events.insert(j, e);
            }
            moved |= !moves.is_empty();
        }
        moved
    }

    #[test]
    fn rotations_order_events_as_removing_and_inserting_them_did() {
        // Runs nested up to four deep, each child's times drawn so that starts and ends
        // land on both sides of their parent's (a small linear congruential sequence:
        // the same cases every run).
        let mut seed: u64 = 17;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for case in 0..200 {
            let mut events = Vec::new();
            let runs = 1 + next(12);
            for r in 0..runs {
                let run = format!("r{r}");
                let parent = (r > 0).then(|| format!("r{}", next(r)));
                let t = next(20) as i64;
                events.push(ev(t, EventType::RunStart, &run, parent.as_deref()));
                for _ in 0..next(3) {
                    events.push(ev(next(25) as i64, EventType::LlmCall, &run, None));
                }
                events.push(ev(
                    t + next(6) as i64,
                    EventType::RunEnd,
                    &run,
                    parent.as_deref(),
                ));
            }
            let mut want = span::in_time_order(events.clone());
            for _ in 0..64 {
                if !settle_by_insert(&mut want) {
                    break;
                }
            }
            assert_eq!(in_order(events), want, "case {case}");
        }
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
