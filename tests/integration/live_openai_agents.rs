//! Live mapping of OpenAI Agents JS records: what `@agentlens/sdk/openai-agents` recorded
//! from a real run of the SDK (bindings/sdk/test/integrations/fixtures/openai-agents/,
//! made by its capture.mjs) reads the same live as the same trace exported and imported.

use agentlens::import::import_trace;
use agentlens::import::live::{Framework, LiveMapper, MAX_OPEN};
use agentlens::model::{Event, EventType};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/bindings/sdk/test/integrations/fixtures/openai-agents/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn live(records: &str) -> Vec<Event> {
    let mut mapper = LiveMapper::new(Framework::OpenaiAgents);
    let mapped = mapper.map_json(records);
    assert_eq!(mapped.skipped, 0, "{:?}", mapped.warnings);
    mapped.events
}

/// Events as the file importer orders them: by time, a session before its runs, a run
/// before what it holds, ends after (stable).
fn in_time_order(mut events: Vec<Event>) -> Vec<Event> {
    let rank = |e: &Event| match e.event_type {
        EventType::SessionStart => 0,
        EventType::RunStart => 1,
        EventType::RunEnd => 3,
        EventType::SessionEnd => 4,
        _ => 2,
    };
    events.sort_by_key(|e| (e.time().map(|t| t.0), rank(e)));
    events
}

fn kinds(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

fn totals(events: &[Event]) -> (u64, u64, u64) {
    let sum = |f: fn(&Event) -> Option<u64>| events.iter().map(|e| f(e).unwrap_or(0)).sum();
    (
        sum(|e| e.tokens_in),
        sum(|e| e.tokens_out),
        sum(|e| e.cached_input_tokens),
    )
}

/// The records as an export: each trace as it started, each span as it ended.
fn as_export(records: &str) -> String {
    let records: Vec<Value> = serde_json::from_str(records).unwrap();
    let data: Vec<Value> = records
        .into_iter()
        .filter(|r| (r["object"] == "trace") == (r["phase"] == "start"))
        .map(|mut r| {
            r.as_object_mut().unwrap().remove("phase");
            r
        })
        .collect();
    json!({ "data": data }).to_string()
}

#[test]
fn a_live_trace_reads_the_same_as_its_export_imported() {
    let records = fixture("records.json");
    let live = in_time_order(live(&records));
    let imported = import_trace(as_export(&records).as_bytes()).unwrap();
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    let as_json = |e: &[Event]| serde_json::to_value(e).unwrap();
    assert_eq!(as_json(&live), as_json(&imported.events));
}

#[test]
fn the_real_run_maps_to_runs_calls_tools_a_handoff_and_one_count_of_tokens() {
    let events = live(&fixture("records.json"));
    let count = |t: &str| events.iter().filter(|e| e.event_type.as_str() == t).count();
    assert_eq!(
        [
            "session_start",
            "run_start",
            "llm_call",
            "tool_call",
            "tool_error",
            "decision",
            "run_end",
            "session_end"
        ]
        .map(count),
        [1, 7, 4, 1, 1, 1, 7, 1]
    );
    assert!(events.iter().all(|e| e.session_id == "conv_42"));
    // 4 calls: 1200+1400+1500+600 in, 80+60+40+120 out, 1024+1280+1408 cached.
    assert_eq!(totals(&events), (4700, 300, 3712));
    let models: Vec<_> = events.iter().filter_map(|e| e.model.as_deref()).collect();
    assert_eq!(models, ["gpt-5-mini", "gpt-5-mini", "gpt-5-mini", "gpt-5"]);
    let reasoning: Vec<_> = events.iter().filter_map(|e| e.reasoning_tokens).collect();
    assert_eq!(reasoning, [32, 16, 8, 48]);
    // Every call sits in a turn, every turn in an agent, every agent in the task.
    let run = |id: &Option<String>| {
        events
            .iter()
            .find(|e| e.event_type == EventType::RunStart && &e.run_id == id)
            .unwrap_or_else(|| panic!("no run {id:?}"))
    };
    let kind = |e: &Event| e.attributes.as_ref().unwrap()["type"].clone();
    for call in events.iter().filter(|e| {
        matches!(
            e.event_type,
            EventType::LlmCall | EventType::ToolCall | EventType::ToolError | EventType::Decision
        )
    }) {
        let turn = run(&call.run_id);
        assert_eq!(kind(turn), "turn");
        let agent = run(&turn.parent_run_id);
        assert_eq!(kind(agent), "agent");
        assert_eq!(turn.agent_name, agent.agent_name);
        assert_eq!(kind(run(&agent.parent_run_id)), "task");
    }
}

#[test]
fn openais_own_export_of_the_run_counts_the_same_tokens_from_the_turns() {
    // The exporter's items hold no `_response`: the calls have no usage, the turns do.
    let imported = import_trace(fixture("export.json").as_bytes()).unwrap();
    let live = live(&fixture("records.json"));
    let (mut a, mut b) = (kinds(&imported.events), kinds(&live));
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    assert_eq!(totals(&imported.events), (4700, 300, 3712));
    let llm = imported
        .events
        .iter()
        .filter(|e| e.event_type == EventType::LlmCall);
    // Response spans lose their usage in an export; a generation span keeps its own.
    let calls: Vec<_> = llm.map(|e| e.tokens_in).collect();
    assert_eq!(calls, [Some(0), Some(0), Some(0), Some(600)]);
    let turn_ends = imported
        .events
        .iter()
        .filter(|e| e.event_type == EventType::RunEnd && e.tokens_in.is_some());
    let counted: Vec<_> = turn_ends.map(|e| e.tokens_in.unwrap()).collect();
    assert_eq!(
        counted,
        [1200, 1400, 1500],
        "the turns count what their calls did not"
    );
}

#[test]
fn open_spans_are_bounded_and_forgetting_is_counted() {
    let mut mapper = LiveMapper::new(Framework::OpenaiAgents);
    let records: Vec<Value> = (0..=MAX_OPEN)
        .map(|i| {
            json!({"object": "trace.span", "phase": "start", "id": format!("span_{i}"),
                "trace_id": "trace_1", "parent_id": null, "started_at": "2026-12-06T10:00:00Z",
                "span_data": {"type": "agent", "name": "A"}})
        })
        .collect();
    let mapped = mapper.map_json(&Value::Array(records).to_string());
    assert_eq!(mapped.events.len(), MAX_OPEN + 1, "every run opened");
    assert_eq!(mapper.forgotten(), 1);
    // The forgotten run still ends (it opens and closes at once), nothing is skipped.
    let end = json!({"object": "trace.span", "phase": "end", "id": "span_0", "trace_id": "trace_1",
        "parent_id": null, "started_at": "2026-12-06T10:00:00Z", "ended_at": "2026-12-06T10:00:01Z",
        "span_data": {"type": "agent", "name": "A"}, "error": null});
    let mapped = mapper.map_json(&end.to_string());
    assert_eq!(kinds(&mapped.events), ["run_start", "run_end"]);
}
