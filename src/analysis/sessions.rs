//! A set of sessions held for repeated analysis: events are grouped by session once,
//! then compliance runs over every session and drift over any two subsets of them,
//! without reading the events again. The viewer, the collector and `@agentlens/sdk/analysis`
//! hold one where a trace is analysed several ways.

use std::collections::HashMap;

use super::compliance::{ComplianceChecker, CompliancePolicy, ComplianceReport, SessionView};
use super::drift::{DriftDetector, DriftError, DriftReport};
use crate::model::Event;
use crate::time::UnixNanos;

/// Sessions in first-seen order, each a [`SessionView`] over its events in input order.
#[derive(Clone, Debug, Default)]
pub struct SessionSet {
    views: Vec<SessionView>,
    by_id: HashMap<String, usize>,
    events: usize,
}

impl SessionSet {
    /// Groups `events` by `session_id`, keeping the order sessions first appear in and the
    /// order of each session's events.
    ///
    /// ```
    /// use agentlens::analysis::sessions::SessionSet;
    /// use agentlens::model::{Event, EventType};
    /// use agentlens::time::UnixNanos;
    /// let ev = |s: &str| Event::new(EventType::LlmCall, s, UnixNanos(0));
    /// let set = SessionSet::from_events(vec![ev("b"), ev("a"), ev("b")]);
    /// assert_eq!(set.ids().collect::<Vec<_>>(), ["b", "a"]);
    /// assert_eq!(set.get("b").unwrap().events.len(), 2);
    /// ```
    pub fn from_events(events: Vec<Event>) -> Self {
        let mut builder = SessionSetBuilder::default();
        events.into_iter().for_each(|e| builder.push(e));
        builder.finish()
    }

    /// Session ids in first-seen order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.views.iter().map(|v| v.session_id.as_str())
    }

    /// Every session's view, in first-seen order.
    pub fn views(&self) -> impl Iterator<Item = &SessionView> {
        self.views.iter()
    }

    /// One session's view.
    pub fn get(&self, id: &str) -> Option<&SessionView> {
        self.by_id.get(id).map(|&i| &self.views[i])
    }

    /// How many sessions.
    pub fn len(&self) -> usize {
        self.views.len()
    }

    /// Whether there are no sessions.
    pub fn is_empty(&self) -> bool {
        self.views.is_empty()
    }

    /// How many events were grouped.
    pub fn event_count(&self) -> usize {
        self.events
    }

    /// Checks every session against `policy`, in session order.
    pub fn compliance(
        &self,
        checker: &ComplianceChecker,
        policy: &CompliancePolicy,
        checked_at: UnixNanos,
    ) -> Vec<ComplianceReport> {
        self.views
            .iter()
            .map(|v| checker.check(v, policy, checked_at))
            .collect()
    }

    /// Drift of the `current` sessions against the `baseline` ones (by id). Ids not in the
    /// set are returned in the error-free result's `unknown` list rather than failing.
    ///
    /// # Errors
    /// [`DriftError`] for a threshold that is not positive or a window with no known session.
    pub fn drift<'a>(
        &self,
        baseline: impl IntoIterator<Item = &'a str>,
        current: impl IntoIterator<Item = &'a str>,
        threshold: f64,
    ) -> Result<(DriftReport, Vec<String>), DriftError> {
        let mut detector = DriftDetector::new(threshold)?;
        let mut unknown = Vec::new();
        for id in baseline {
            match self.get(id) {
                Some(v) => detector.add_baseline(v),
                None => unknown.push(id.to_owned()),
            }
        }
        for id in current {
            match self.get(id) {
                Some(v) => detector.add_current(v),
                None => unknown.push(id.to_owned()),
            }
        }
        Ok((detector.detect()?, unknown))
    }
}

/// Builds a [`SessionSet`] from events as they are read, grouping them at once (no list
/// of every event in between).
#[derive(Debug, Default)]
pub struct SessionSetBuilder {
    /// Each session's id and events, in first-seen order.
    groups: Vec<(String, Vec<Event>)>,
    by_id: HashMap<String, usize>,
    /// The group the last event went to: a trace mostly holds a session's events in a
    /// row, and comparing with its id is cheaper than hashing.
    last: usize,
    events: usize,
}

impl SessionSetBuilder {
    /// Adds one event to its session.
    pub fn push(&mut self, e: Event) {
        self.events += 1;
        let index = match self.groups.get(self.last) {
            Some((id, _)) if *id == e.session_id => self.last,
            _ => match self.by_id.get(&e.session_id) {
                Some(&i) => i,
                None => {
                    // A new session starts with room for as many events as the sessions
                    // so far had on average, so its list seldom has to move as it grows.
                    let room = (self.events - 1).div_ceil(self.groups.len().max(1)).max(1);
                    self.by_id.insert(e.session_id.clone(), self.groups.len());
                    self.groups
                        .push((e.session_id.clone(), Vec::with_capacity(room)));
                    self.groups.len() - 1
                }
            },
        };
        self.last = index;
        self.groups[index].1.push(e);
    }

    /// The sessions, in first-seen order.
    pub fn finish(self) -> SessionSet {
        let views = self
            .groups
            .into_iter()
            .map(|(_, group)| SessionView::from_owned(group))
            .collect();
        SessionSet {
            views,
            by_id: self.by_id,
            events: self.events,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compliance::strict_policy;
    use crate::model::EventType;

    fn ev(session: &str, kind: EventType, tokens: u64) -> Event {
        let mut e = Event::new(kind, session, UnixNanos(1_000_000_000));
        e.tokens_in = Some(tokens);
        e
    }

    #[test]
    fn compliance_over_the_set_equals_one_check_per_session() {
        let events = vec![
            ev("a", EventType::LlmCall, 10),
            ev("b", EventType::LlmCall, 90_000),
            ev("a", EventType::Error, 0),
        ];
        let set = SessionSet::from_events(events.clone());
        let checker = ComplianceChecker::new();
        let reports = set.compliance(&checker, &strict_policy(), UnixNanos(0));
        assert_eq!(reports.len(), 2);
        for (report, id) in reports.iter().zip(["a", "b"]) {
            let own: Vec<Event> = events
                .iter()
                .filter(|e| e.session_id == id)
                .cloned()
                .collect();
            assert_eq!(
                report,
                &checker.check(
                    &SessionView::from_owned(own),
                    &strict_policy(),
                    UnixNanos(0)
                )
            );
        }
        assert!(!reports[1].compliant, "b is over the token budget");
    }

    #[test]
    fn drift_of_a_subset_against_itself_is_zero_and_unknown_ids_are_listed() {
        let set = SessionSet::from_events(
            (0..6)
                .map(|i| ev(&format!("s{i}"), EventType::LlmCall, 100 * i))
                .collect(),
        );
        let (report, unknown) = set
            .drift(["s0", "s1", "s2"], ["s0", "s1", "s2", "nope"], 0.5)
            .unwrap();
        assert_eq!(report.drift_score, 0);
        assert_eq!(unknown, ["nope"]);
        assert!(
            set.drift(["nope"], ["s1"], 0.5).is_err(),
            "an empty window is an error"
        );
    }
}
