//! LangChain.js: the records of `@agentlens/sdk/langchain`'s callback handler into events.
//!
//! A record is one callback, copied (`{"cb": "handleChainStart", "run_id", "parent_run_id",
//! "t", …}`; shapes in `docs/integrations/langchain.md`). A chain (a runnable, a graph, a
//! graph node, an agent executor) is a run: `run_start` at its start, `run_end` at its
//! end, nested by `parent_run_id`. A chat model or LLM call is an `llm_call`, a tool call
//! a `tool_call` (`tool_error` when it threw or answered with an error status), a
//! retriever query a `memory_read`, recorded when they end, in the run around them. An
//! agent action is a `decision` (the tool, the model's log as its reasoning), an agent's
//! end its `final` answer, a custom event a `generic` one. An error is recorded once,
//! where it happened (as the `tool_error`, or an `error` event), and every run it ended
//! ends with status `error`. Chains tagged `langsmith:hidden` (LangGraph's internals) are
//! not runs: what they contain belongs to the run around them.
//!
//! Sessions are chosen by the root run (one with no parent this mapper knows): the
//! `session_id` of its metadata; else the tracker's session around the call (`al_session`,
//! nesting the root in the tracker's active run `al_run`, when there is one); else
//! LangGraph's `thread_id`; else a session of its own, named by the root run's id, which
//! ends when the root ends. The first three are opened (`session_start`) and left open.

mod parts;
mod read;
mod state;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use super::super::json;
use super::super::span::{Body, Span};
use crate::import::warn::Warnings;
use crate::model::{DecisionTrace, ErrorInfo, Event, EventType, Memory};
use crate::time::UnixNanos;
use parts::{
    Failure, HIDDEN_TAG, attributes, bare, copy, end_session, event, field, name_of, tags,
};
use state::{Kind, LlmStart, Open, RetrieverStart, Runs, ToolStart};

#[derive(Default)]
pub(super) struct Live {
    runs: Runs,
}

/// Where a run that starts belongs.
struct Place {
    session: String,
    run: Option<String>,
    root: bool,
    owns_session: bool,
}

impl Live {
    pub(super) fn map(&mut self, record: Value, out: &mut Vec<Event>, warnings: &mut Warnings) {
        let Some(cb) = record.get("cb").and_then(Value::as_str) else {
            warnings.push("a langchain record has no callback name (cb); skipped".into());
            return;
        };
        let Some(id) = json::text(record.get("run_id")) else {
            warnings.push(format!("a langchain {cb} record has no run_id; skipped"));
            return;
        };
        let done = match cb {
            "handleChainStart" => self.chain_start(id, &record, out),
            "handleLLMStart" | "handleChatModelStart" => self.llm_start(id, &record, out),
            "handleToolStart" => self.tool_start(id, &record, out),
            "handleRetrieverStart" => self.retriever_start(id, &record, out),
            "handleChainEnd" | "handleChainError" => self.chain_end(&id, &record, out),
            "handleLLMEnd" | "handleLLMError" => self.llm_end(&id, &record, out),
            "handleToolEnd" | "handleToolError" => self.tool_end(&id, &record, out),
            "handleRetrieverEnd" | "handleRetrieverError" => self.retriever_end(&id, &record, out),
            "handleLLMNewToken" => self.first_token(&id, &record),
            "handleAgentAction" | "handleAgentEnd" | "handleCustomEvent" => {
                self.inside(&id, cb, &record, out)
            }
            _ => {
                warnings.push(format!(
                    "a langchain record names an unknown callback {cb:?}; skipped"
                ));
                return;
            }
        };
        if !done {
            warnings.push(format!(
                "a langchain {cb} record names a run whose start was not seen (or was forgotten); skipped"
            ));
        }
    }

    pub(super) fn forgotten(&self) -> u64 {
        self.runs.forgotten
    }

    /// Where a run starting now belongs: inside its parent's run and session, or, for a
    /// root, in the session its metadata or the tracker chose (opened here), else in a
    /// session of its own.
    fn place(
        &self,
        id: &str,
        r: &Value,
        name: &str,
        at: Option<UnixNanos>,
        out: &mut Vec<Event>,
    ) -> Place {
        let parent = json::text(r.get("parent_run_id"));
        if let Some(open) = parent.as_deref().and_then(|p| Some((p, self.runs.get(p)?))) {
            let (p, open) = open;
            return Place {
                session: open.session.clone(),
                run: open.run_inside(p),
                root: false,
                owns_session: false,
            };
        }
        let meta = r.get("metadata");
        let meta_text = |k: &str| json::text(meta.and_then(|m| m.get(k)));
        let (session, run, opens, owns) = if let Some(s) = meta_text("session_id") {
            (s, None, true, false)
        } else if let Some(s) = json::text(r.get("al_session")) {
            (s, json::text(r.get("al_run")), false, false)
        } else if let Some(s) = meta_text("thread_id") {
            (s, None, true, false)
        } else {
            (id.to_owned(), None, true, true)
        };
        if opens {
            let mut e = bare(EventType::SessionStart, &session, at);
            e.agent_name = Some(name.to_owned());
            e.metadata = Some(json::object1(
                "framework",
                Value::String("langchain".into()),
            ));
            out.push(e);
        }
        Place {
            session,
            run,
            root: true,
            owns_session: owns,
        }
    }

    /// Opens a run of `kind` (its `place` found): remembered until its end.
    fn open(
        &mut self,
        id: String,
        r: &Value,
        kind: Kind,
        place: Place,
        name: String,
        at: Option<UnixNanos>,
    ) {
        let mut open = Open::new(kind, place.session, place.run, name);
        open.start = at;
        open.owns_session = place.owns_session;
        if !matches!(open.kind, Kind::Chain | Kind::Hidden) {
            open.attributes = attributes(r);
        }
        self.runs.insert(id, open);
    }

    fn chain_start(&mut self, id: String, r: &Value, out: &mut Vec<Event>) -> bool {
        let at = json::time(r.get("t"));
        let name = name_of(r, "chain");
        let place = self.place(&id, r, &name, at, out);
        let hidden = tags(r).any(|t| t == HIDDEN_TAG);
        if !hidden {
            let meta = r.get("metadata");
            let span = Span {
                session_id: place.session.clone(),
                span_id: id.clone(),
                parent_id: place.run.clone(),
                name: name.clone(),
                start: at,
                body: Body::Run {
                    agent_name: place.root.then(|| name.clone()),
                    user_id: json::text(meta.and_then(|m| m.get("user_id"))),
                },
                attributes: attributes(r),
                ..Span::default()
            };
            let n = out.len();
            span.started_events(out);
            if let (Some(e), Some(inputs)) = (out.get_mut(n), field(r, "inputs")) {
                e.input_data = Some(json::object1("inputs", inputs.clone()));
            }
        }
        let kind = if hidden { Kind::Hidden } else { Kind::Chain };
        self.open(id, r, kind, place, name, at);
        true
    }

    fn llm_start(&mut self, id: String, r: &Value, out: &mut Vec<Event>) -> bool {
        let at = json::time(r.get("t"));
        let name = name_of(r, "llm");
        let place = self.place(&id, r, &name, at, out);
        let start = LlmStart {
            model: read::model(r),
            provider: json::text(r.get("metadata").and_then(|m| m.get("ls_provider"))),
            prompt: read::prompt(r),
            first_token: None,
        };
        self.open(id, r, Kind::Llm(Box::new(start)), place, name, at);
        true
    }

    fn tool_start(&mut self, id: String, r: &Value, out: &mut Vec<Event>) -> bool {
        let at = json::time(r.get("t"));
        let name = name_of(r, "tool");
        let place = self.place(&id, r, &name, at, out);
        let start = ToolStart {
            input: field(r, "input").cloned().map(json::maybe_json),
            call_id: json::text(r.get("tool_call_id")),
        };
        self.open(id, r, Kind::Tool(Box::new(start)), place, name, at);
        true
    }

    fn retriever_start(&mut self, id: String, r: &Value, out: &mut Vec<Event>) -> bool {
        let at = json::time(r.get("t"));
        let name = name_of(r, "retriever");
        let place = self.place(&id, r, &name, at, out);
        let start = RetrieverStart {
            query: field(r, "query").cloned(),
        };
        self.open(id, r, Kind::Retriever(Box::new(start)), place, name, at);
        true
    }

    /// The end of a run: forgets it and returns it with its end time and error (`None`
    /// for a success; an error already recorded inside it is not repeated, but it still
    /// failed). Tells its parent about a failure.
    fn close(&mut self, id: &str, r: &Value) -> Option<(Open, Option<UnixNanos>, Failure)> {
        let open = self.runs.remove(id)?;
        let at = json::time(r.get("t"));
        let error = parts::error_of(r);
        let failure = match error {
            None => Failure::None,
            Some(e) => {
                let parent = json::text(r.get("parent_run_id"));
                if let Some(p) = parent.and_then(|p| self.runs.get_mut(&p)) {
                    p.child_error = Some(e.message.clone());
                }
                if open.child_error.as_deref() == Some(e.message.as_str()) {
                    Failure::Inherited
                } else {
                    Failure::Own(e)
                }
            }
        };
        Some((open, at, failure))
    }

    fn chain_end(&mut self, id: &str, r: &Value, out: &mut Vec<Event>) -> bool {
        let Some((open, at, failure)) = self.close(id, r) else {
            return false;
        };
        let failed = !matches!(failure, Failure::None);
        let errors = failure.own();
        if matches!(open.kind, Kind::Chain) {
            let span = Span {
                session_id: open.session.clone(),
                span_id: id.to_owned(),
                parent_id: open.run.clone(),
                name: open.name.clone(),
                start: open.start,
                end: at,
                body: Body::Run {
                    agent_name: None,
                    user_id: None,
                },
                failed,
                errors,
                ..Span::default()
            };
            let n = out.len();
            span.ended_events(true, out);
            if let Some(end) = out[n..]
                .iter_mut()
                .find(|e| e.event_type == EventType::RunEnd)
            {
                end.output_data = field(r, "outputs").map(|o| json::object1("outputs", o.clone()));
                // Streaming chains give their inputs at the end.
                end.input_data = field(r, "inputs").map(|i| json::object1("inputs", i.clone()));
            }
        } else {
            for error in errors {
                let mut e = event(EventType::Error, &open, None, at);
                e.error = Some(Box::new(error));
                out.push(e);
            }
        }
        end_session(&open, at, failed, out);
        true
    }

    fn llm_end(&mut self, id: &str, r: &Value, out: &mut Vec<Event>) -> bool {
        let Some((mut open, at, failure)) = self.close(id, r) else {
            return false;
        };
        let Kind::Llm(start) = std::mem::replace(&mut open.kind, Kind::Hidden) else {
            return false;
        };
        let no_generations = Vec::new();
        let gens = r
            .get("generations")
            .and_then(Value::as_array)
            .unwrap_or(&no_generations);
        let usage = read::usage(gens, r.get("llm_output"));
        let served = read::response_meta(gens, &["model_name", "model"]);
        let model = start.model.or_else(|| served.clone());
        let mut attrs = std::mem::take(&mut open.attributes);
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                attrs.insert(k.into(), v);
            }
        };
        put("gen_ai.provider.name", start.provider.map(Value::String));
        put(
            "gen_ai.response.model",
            served
                .filter(|s| Some(s) != model.as_ref())
                .map(Value::String),
        );
        put(
            "cache_creation_input_tokens",
            usage.cache_creation.map(Value::from),
        );
        let finish = read::response_meta(gens, &["finish_reason", "stop_reason"]);
        put(
            "gen_ai.response.finish_reasons",
            finish.map(|f| Value::Array(vec![Value::String(f)])),
        );
        let ttft = json::span_ms(open.start, start.first_token);
        put("time_to_first_token_ms", ttft.map(Value::from));
        let failed = !matches!(failure, Failure::None);
        let span = Span {
            session_id: open.session.clone(),
            span_id: id.to_owned(),
            parent_id: open.run.clone(),
            name: open.name.clone(),
            start: open.start,
            end: at,
            body: Body::Llm {
                model,
                tokens_in: usage.input,
                tokens_out: usage.output,
                cached_in: usage.cache_read,
                reasoning: usage.reasoning,
                prompt: start.prompt,
                response: read::response(gens),
            },
            failed,
            errors: failure.own(),
            attributes: attrs,
            ..Span::default()
        };
        span.ended_events(false, out);
        end_session(&open, at, failed, out);
        true
    }

    fn tool_end(&mut self, id: &str, r: &Value, out: &mut Vec<Event>) -> bool {
        let Some((mut open, at, failure)) = self.close(id, r) else {
            return false;
        };
        let Kind::Tool(start) = std::mem::replace(&mut open.kind, Kind::Hidden) else {
            return false;
        };
        let (output, call_id, refused) = read::tool_output(field(r, "output"));
        let failed = !matches!(failure, Failure::None) || refused.is_some();
        let mut errors = failure.own();
        if let (true, Some(message)) = (errors.is_empty(), refused) {
            errors.push(ErrorInfo {
                error_type: "ToolError".into(),
                message,
                critical: false,
                stack_trace: None,
            });
        }
        let span = Span {
            session_id: open.session.clone(),
            span_id: id.to_owned(),
            parent_id: open.run.clone(),
            name: open.name.clone(),
            start: open.start,
            end: at,
            body: Body::Tool {
                name: open.name.clone(),
                call_id: start.call_id.or(call_id),
                input: start.input,
                output,
            },
            failed,
            errors,
            attributes: std::mem::take(&mut open.attributes),
            ..Span::default()
        };
        span.ended_events(false, out);
        end_session(&open, at, failed, out);
        true
    }

    fn retriever_end(&mut self, id: &str, r: &Value, out: &mut Vec<Event>) -> bool {
        let Some((mut open, at, failure)) = self.close(id, r) else {
            return false;
        };
        let Kind::Retriever(start) = std::mem::replace(&mut open.kind, Kind::Hidden) else {
            return false;
        };
        let failed = !matches!(failure, Failure::None);
        let mut e = event(EventType::MemoryRead, &open, Some(id), open.start);
        e.duration_ms = json::span_ms(open.start, at);
        let key = match &start.query {
            Some(Value::String(q)) => q.clone(),
            Some(q) => q.to_string(),
            None => String::new(),
        };
        e.memory = Some(Box::new(Memory {
            key,
            value: field(r, "documents").cloned(),
            memory_type: Some("retriever".into()),
            overwrite: None,
        }));
        e.attributes = Some(std::mem::take(&mut open.attributes)).filter(|a| !a.is_empty());
        out.push(e);
        for error in failure.own() {
            let mut e = event(EventType::Error, &open, None, at);
            e.error = Some(Box::new(error));
            out.push(e);
        }
        end_session(&open, at, failed, out);
        true
    }

    /// A streamed LLM run's first token (the handler sends only the first).
    fn first_token(&mut self, id: &str, r: &Value) -> bool {
        let Some(open) = self.runs.get_mut(id) else {
            return false;
        };
        if let Kind::Llm(start) = &mut open.kind {
            start.first_token = start.first_token.or(json::time(r.get("t")));
        }
        true
    }

    /// What happens inside a run without being one: an agent action (`decision`), an
    /// agent's end (`final`), a custom event (`generic`).
    fn inside(&mut self, id: &str, cb: &str, r: &Value, out: &mut Vec<Event>) -> bool {
        let Some(open) = self.runs.get(id) else {
            return false;
        };
        let at = json::time(r.get("t"));
        let run = open.run_inside(id);
        let mut e = event(EventType::Generic, open, None, at);
        e.run_id = run;
        let mut attrs = Map::new();
        match cb {
            "handleAgentAction" => {
                e.event_type = EventType::Decision;
                let mut input = Map::new();
                for key in ["tool", "tool_input"] {
                    if let Some(v) = field(r, key) {
                        input.insert(key.into(), v.clone());
                    }
                }
                e.input_data = Some(Value::Object(input));
                e.decision_trace = Some(Box::new(DecisionTrace {
                    trace_id: id.to_owned(),
                    reasoning: json::text(r.get("log")).unwrap_or_default(),
                    timestamp: at,
                    ..DecisionTrace::default()
                }));
                copy(r, "tool_call_id", "langchain.tool_call_id", &mut attrs);
            }
            "handleAgentEnd" => {
                e.event_type = EventType::Final;
                let values = field(r, "return_values").cloned().unwrap_or(Value::Null);
                let answer = values.get("output").cloned().unwrap_or(values);
                e.output_data = Some(json::object1("answer", answer));
                copy(r, "log", "langchain.log", &mut attrs);
            }
            _ => {
                copy(r, "event_name", "langchain.event", &mut attrs);
                copy(r, "data", "langchain.data", &mut attrs);
            }
        }
        e.attributes = Some(attrs).filter(|a| !a.is_empty());
        out.push(e);
        true
    }
}
