//! Live tracing of OpenTelemetry GenAI spans (`@agentlens/sdk/otel`'s span processor).
//!
//! A record is one ended span as an OTLP/JSON span (`traceId`, `spanId`, `parentSpanId`,
//! `name`, `startTimeUnixNano`, `endTimeUnixNano`, `attributes` as a plain object,
//! `events`, `status`), with `resource.attributes["service.name"]` and `group`: the id
//! of the local root span it belongs to (the outermost recorded span around it in this
//! process). Spans end child-first, and whether a span is a run depends on its children,
//! so a group's records are buffered until its root ends, then mapped together by the
//! OTLP importer's own code ([`otlp::map_spans`], without the read-back of spans AgentLens
//! itself wrote, which no OpenTelemetry instrumentation makes: -6 KB gz of wasm): the
//! events are those a file import of the same spans gives, preceded by a `session_start` (at the root's start). A session
//! that is the trace (no span names one) ends with the root (`session_end`, `error` when
//! the root failed); a session a span names (`gen_ai.conversation.id`, `session.id`, ...)
//! spans traces, so it is left open for the application to end.
//!
//! Bounded: at most [`MAX_OPEN`] records are buffered; past it the oldest group is
//! mapped at once without its session bracket (its later spans form a group of their
//! own) and its records are counted in [`Live::forgotten`].

use std::collections::HashMap;

use serde_json::Value;

use super::MAX_OPEN;
use crate::import::otlp;
use crate::import::span::{self, rank};
use crate::import::warn::Warnings;
use crate::model::{Event, EventType, status};

/// The records of one local root, in the order they ended.
struct Group {
    /// Arrival order of the group's first record (the oldest is mapped first when full).
    seq: u64,
    records: Vec<Value>,
}

#[derive(Default)]
pub(super) struct Live {
    groups: HashMap<String, Group>,
    buffered: usize,
    seq: u64,
    forgotten: u64,
}

impl Live {
    pub(super) fn map(&mut self, record: Value, out: &mut Vec<Event>, warnings: &mut Warnings) {
        let Some(span_id) = otlp::hex_id(record.get("spanId")) else {
            warnings.push("an otel record without a spanId; skipped".into());
            return;
        };
        let group = otlp::hex_id(record.get("group")).unwrap_or_else(|| span_id.clone());
        let is_root = group == span_id;
        self.seq += 1;
        let seq = self.seq;
        let records = &mut self.groups.entry(group.clone()).or_insert_with(|| Group {
            seq,
            records: Vec::new(),
        });
        records.records.push(record);
        self.buffered += 1;
        if is_root {
            if let Some(g) = self.groups.remove(&group) {
                self.buffered -= g.records.len();
                map_group(g.records, true, out);
            }
        }
        while self.buffered > MAX_OPEN {
            self.evict_oldest(out);
        }
    }

    /// Maps the oldest group now (its root has not ended), counting its records.
    fn evict_oldest(&mut self, out: &mut Vec<Event>) {
        let Some(oldest) = self
            .groups
            .iter()
            .min_by_key(|(_, g)| g.seq)
            .map(|(k, _)| k.clone())
        else {
            self.buffered = 0;
            return;
        };
        if let Some(g) = self.groups.remove(&oldest) {
            self.buffered -= g.records.len();
            self.forgotten += g.records.len() as u64;
            map_group(g.records, false, out);
        }
    }

    pub(super) fn forgotten(&self) -> u64 {
        self.forgotten
    }
}

/// Maps one group's records as the OTLP importer maps a document; `complete`: the root
/// ended, so the group is bracketed by its session's start and end.
fn map_group(records: Vec<Value>, complete: bool, out: &mut Vec<Event>) {
    let root = records.last();
    let spans: Vec<(&Value, Option<Value>)> = records
        .iter()
        .map(|r| {
            let resource = r.get("resource").and_then(|r| r.get("attributes"));
            (r, otlp::attributes(resource).remove("service.name"))
        })
        .collect();
    let mut timed = Vec::new();
    otlp::map_spans::<false>(spans, &mut timed);
    if complete {
        if let (Some(root), Some((_, _, first))) = (root, timed.first()) {
            let session_id = first.session_id.clone();
            let agent_name = timed
                .iter()
                .find_map(|(_, _, e)| e.agent_name.clone().filter(|_| e.run_id.is_some()));
            session_bracket(root, session_id, agent_name, &mut timed);
        }
    }
    out.extend(otlp::in_order(timed));
}

/// A group's `session_start` (at the root's start) and, when the session is the trace,
/// its `session_end` (at the root's end).
fn session_bracket(
    root: &Value,
    session_id: String,
    agent_name: Option<String>,
    timed: &mut Vec<span::Timed>,
) {
    let start = otlp::nanos(root.get("startTimeUnixNano"));
    let end = otlp::nanos(root.get("endTimeUnixNano")).or(start);
    let trace_id = otlp::hex_id(root.get("traceId"));
    let open = Event {
        event_type: EventType::SessionStart,
        session_id: session_id.clone(),
        timestamp: start,
        trace_id: trace_id.clone(),
        agent_name,
        ..Event::default()
    };
    let per_trace = trace_id.as_deref() == Some(session_id.as_str());
    let failed = otlp::is_error_status(root.get("status"));
    let close = Event {
        event_type: EventType::SessionEnd,
        session_id,
        timestamp: end,
        ended_at: end,
        trace_id,
        status: Some(
            if failed {
                status::ERROR
            } else {
                status::COMPLETED
            }
            .into(),
        ),
        ..Event::default()
    };
    // Sorted before (after) everything of the same instant; the root's own start is the
    // earliest time of the group unless a child claims an earlier one, so the start
    // takes the earliest time seen.
    let earliest = timed.iter().filter_map(|(t, _, _)| *t).min();
    let at = match (start, earliest) {
        (Some(s), Some(e)) => Some(s.min(e)),
        (s, e) => s.or(e),
    };
    timed.push((at, rank::SESSION_START, open));
    if !per_trace {
        return;
    }
    let latest = timed.iter().filter_map(|(t, _, _)| *t).max();
    let at = match (end, latest) {
        (Some(s), Some(e)) => Some(s.max(e)),
        (s, e) => s.or(e),
    };
    timed.push((at, rank::SESSION_END, close));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(id: &str, parent: Option<&str>, group: &str, name: &str, t: (u64, u64)) -> Value {
        let mut r = json!({
            "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": id, "group": group,
            "name": name, "startTimeUnixNano": t.0.to_string(), "endTimeUnixNano": t.1.to_string(),
            "attributes": {"gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 5},
        });
        if let Some(p) = parent {
            r["parentSpanId"] = json!(p);
        }
        r
    }

    #[test]
    fn a_group_waits_for_its_root_and_its_run_opens_first() {
        let mut live = Live::default();
        let (mut out, mut w) = (Vec::new(), Warnings::default());
        live.map(
            record(
                "00000000000000b2",
                Some("00000000000000a1"),
                "00000000000000a1",
                "chat m",
                (2, 3),
            ),
            &mut out,
            &mut w,
        );
        assert!(out.is_empty(), "a child waits for its root");
        let mut root = record(
            "00000000000000a1",
            None,
            "00000000000000a1",
            "invoke_agent",
            (1, 4),
        );
        root["attributes"] = json!({"gen_ai.operation.name": "invoke_agent"});
        live.map(root, &mut out, &mut w);
        let kinds: Vec<&str> = out.iter().map(|e| e.event_type.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "session_start",
                "run_start",
                "llm_call",
                "run_end",
                "session_end"
            ]
        );
        assert_eq!(live.buffered, 0);
    }

    #[test]
    fn past_the_bound_the_oldest_group_is_mapped_and_counted() {
        let mut live = Live::default();
        let (mut out, mut w) = (Vec::new(), Warnings::default());
        for i in 0..=MAX_OPEN as u64 {
            let id = format!("{:016x}", i + 1);
            let group = format!("{:016x}", 0xffff_0000 + i / 2);
            live.map(
                record(&id, Some(&group), &group, "chat m", (1, 2)),
                &mut out,
                &mut w,
            );
        }
        assert_eq!(
            live.forgotten(),
            2,
            "the oldest group (two spans) was mapped early"
        );
        assert_eq!(out.len(), 2);
        assert!(live.buffered <= MAX_OPEN);
    }

    #[test]
    fn a_record_without_a_span_id_is_skipped_with_a_warning() {
        let mut live = Live::default();
        let (mut out, mut w) = (Vec::new(), Warnings::default());
        live.map(json!({"name": "x"}), &mut out, &mut w);
        live.map(json!(42), &mut out, &mut w);
        assert!(out.is_empty());
        assert_eq!(w.count(), 2);
    }
}
