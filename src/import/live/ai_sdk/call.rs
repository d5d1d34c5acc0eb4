//! One open AI SDK call: its run, its open step, and the model and tool calls that have
//! started and not ended. Each callback's record becomes events here.

use serde_json::{Map, Value};

use super::read::{self, Usage};
use super::session_end;
use crate::import::json;
use crate::import::span::{Body, Span};
use crate::model::{ErrorInfo, Event};
use crate::time::UnixNanos;

/// How a call ended.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// `onEnd`: it finished.
    End,
    /// `onAbort`: its abort signal fired.
    Abort,
    /// `onError`: it failed.
    Error,
}

/// A step (a run inside the call).
struct Step {
    id: String,
    start: Option<UnixNanos>,
}

/// A model, tool, embedding or rerank call that started and has not ended.
#[derive(Default)]
struct Pending {
    /// `toolCallId`, `embedCallId`, or empty.
    key: String,
    tool: bool,
    start: Option<UnixNanos>,
    name: Option<String>,
    model: Option<String>,
    provider: Option<String>,
    input: Option<Value>,
}

/// One open call.
pub(super) struct Call {
    /// The SDK's `callId`.
    pub(super) call_id: String,
    run_id: String,
    parent_run: Option<String>,
    session: String,
    own_session: bool,
    /// Whether its steps are runs: only a call with tools can take more than one step.
    pub(super) steps: bool,
    start: Option<UnixNanos>,
    step: Option<Step>,
    llm: Option<Pending>,
    pending: Vec<Pending>,
    llm_calls: u32,
    last_error: Option<ErrorInfo>,
}

impl Call {
    /// A call that has just started: its run is `run_id`, inside `parent_run`.
    pub(super) fn new(
        call_id: String,
        run_id: String,
        parent_run: Option<String>,
        session: String,
        own_session: bool,
        start: Option<UnixNanos>,
    ) -> Self {
        Self {
            call_id,
            run_id,
            parent_run,
            session,
            own_session,
            steps: true,
            start,
            step: None,
            llm: None,
            pending: Vec::new(),
            llm_calls: 0,
            last_error: None,
        }
    }

    pub(super) fn session(&self) -> &str {
        &self.session
    }

    /// The innermost open run: the step, else the call's run.
    pub(super) fn inner_run(&self) -> &str {
        self.step.as_ref().map_or(&self.run_id, |s| &s.id)
    }

    fn span(
        &self,
        span_id: String,
        name: String,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
        body: Body,
    ) -> Span {
        Span {
            session_id: self.session.clone(),
            span_id,
            parent_id: Some(self.inner_run().to_owned()),
            name,
            start,
            end,
            body,
            ..Span::default()
        }
    }

    /// `onStepStart`: a step opens (one left open is closed first), when steps are runs.
    pub(super) fn step_start(&mut self, r: &mut Value, out: &mut Vec<Event>) {
        if !self.steps {
            return;
        }
        let at = read::at(r);
        self.close_step(at, false, Vec::new(), out);
        let number = json::count(r.get("stepNumber")).unwrap_or_default();
        let id = read::hex_id(&["step", &self.call_id, &number.to_string()]);
        let mut span = self.span(
            id.clone(),
            format!("step {}", number + 1),
            at,
            None,
            Body::Run {
                agent_name: None,
                user_id: None,
            },
        );
        span.attributes
            .insert("ai.step.number".into(), number.into());
        span.started_events(out);
        self.step = Some(Step { id, start: at });
    }

    /// Ends the open step, if any: failed with `errors` (inside it), or as `failed` says.
    fn close_step(
        &mut self,
        at: Option<UnixNanos>,
        failed: bool,
        errors: Vec<ErrorInfo>,
        out: &mut Vec<Event>,
    ) {
        let Some(step) = self.step.take() else { return };
        let span = Span {
            session_id: self.session.clone(),
            span_id: step.id,
            parent_id: Some(self.run_id.clone()),
            start: step.start,
            end: at,
            body: Body::Run {
                agent_name: None,
                user_id: None,
            },
            failed: failed || !errors.is_empty(),
            errors,
            ..Span::default()
        };
        span.ended_events(true, out);
    }

    /// `onStepEnd`: the step closes; a model call whose end never came takes the step's usage.
    pub(super) fn step_end(&mut self, r: &mut Value, out: &mut Vec<Event>) {
        let at = read::at(r);
        if let Some(p) = self.llm.take() {
            let usage = read::usage(r.get("usage"));
            let mut attrs = Map::new();
            finish_reason(&mut attrs, r);
            self.record_llm(p, at, usage, read::take(r, "content"), attrs, out);
        }
        // A provider `error` chunk ends the step with finish reason `error`.
        let failed = read::text(r, "finishReason").as_deref() == Some("error");
        self.close_step(at, failed, Vec::new(), out);
    }

    /// `onStepError`: the model call in flight and the step end with the error.
    pub(super) fn step_error(&mut self, r: &mut Value, out: &mut Vec<Event>) {
        let at = read::at(r);
        let mut error = read::error(r.get("error"), "Error", false);
        error.critical = true;
        self.flush_pending(at, &error, out);
        self.close_step(at, true, vec![error.clone()], out);
        self.last_error = Some(error);
    }

    /// `onLanguageModelCallStart`, `onObjectStepStart`: a model call starts.
    pub(super) fn llm_start(&mut self, r: &mut Value) {
        let input = read::prompt(read::take(r, "instructions"), read::take(r, "messages"));
        self.llm = Some(Pending {
            start: read::at(r),
            model: read::text(r, "modelId"),
            provider: read::text(r, "provider"),
            input,
            ..Pending::default()
        });
    }

    /// `onLanguageModelCallEnd`, `onObjectStepEnd`: the model call's `llm_call`.
    pub(super) fn llm_end(&mut self, r: &mut Value, out: &mut Vec<Event>) {
        let at = read::at(r);
        let mut p = self.llm.take().unwrap_or_default();
        p.start = p.start.or(at);
        p.model = read::text(r, "modelId").or(p.model);
        p.provider = read::text(r, "provider").or(p.provider);
        let end = read::plus_ms(p.start, json::number(r.get("durationMs"))).or(at);
        let mut attrs = Map::new();
        finish_reason(&mut attrs, r);
        if let Some(id) = read::text(r, "responseId") {
            attrs.insert("gen_ai.response.id".into(), id.into());
        }
        if let Some(ms) = json::number(r.get("timeToFirstOutputMs")) {
            attrs.insert("ai.time_to_first_output_ms".into(), ms.into());
        }
        let usage = read::usage(r.get("usage"));
        self.record_llm(p, end, usage, read::take(r, "content"), attrs, out);
    }

    /// One `llm_call`, inside the open step (else the call's run).
    fn record_llm(
        &mut self,
        p: Pending,
        end: Option<UnixNanos>,
        usage: Usage,
        content: Option<Value>,
        mut attrs: Map<String, Value>,
        out: &mut Vec<Event>,
    ) {
        let n = self.llm_calls;
        self.llm_calls += 1;
        attrs.insert("gen_ai.operation.name".into(), "chat".into());
        if let Some(provider) = p.provider {
            attrs.insert(
                "gen_ai.provider.name".into(),
                read::provider(&provider).into(),
            );
            attrs.insert("ai.model.provider".into(), provider.into());
        }
        if let Some(writes) = usage.cache_write {
            attrs.insert("cache_creation_input_tokens".into(), writes.into());
        }
        let name = format!("chat {}", p.model.as_deref().unwrap_or_default())
            .trim_end()
            .to_owned();
        let body = Body::Llm {
            model: p.model,
            tokens_in: usage.tokens_in,
            tokens_out: usage.tokens_out,
            cached_in: usage.cached_in,
            reasoning: usage.reasoning,
            prompt: p.input,
            response: content.and_then(read::response),
        };
        let mut span = self.span(
            read::hex_id(&["llm", &self.call_id, &n.to_string()]),
            name,
            p.start,
            end,
            body,
        );
        span.attributes = attrs;
        span.ended_events(false, out);
    }

    /// `onToolExecutionStart`: a tool starts.
    pub(super) fn tool_start(&mut self, r: &mut Value) {
        self.pending.push(Pending {
            key: read::text(r, "toolCallId").unwrap_or_default(),
            tool: true,
            start: read::at(r),
            name: read::text(r, "toolName"),
            input: read::take(r, "input"),
            ..Pending::default()
        });
    }

    fn take_pending(&mut self, key: &str) -> Pending {
        match self.pending.iter().position(|p| p.key == key) {
            Some(i) => self.pending.remove(i),
            None => Pending::default(),
        }
    }

    /// `onToolExecutionEnd`: `tool_call`, or `tool_error` when it threw.
    pub(super) fn tool_end(&mut self, r: &mut Value, out: &mut Vec<Event>) {
        let at = read::at(r);
        let key = read::text(r, "toolCallId").unwrap_or_default();
        let p = self.take_pending(&key);
        let ms = json::number(r.get("durationMs"));
        let start = p.start.or_else(|| read::plus_ms(at, ms.map(|m| -m)).or(at));
        let failed = read::text(r, "outcome").as_deref() == Some("tool-error")
            || r.get("error").is_some_and(|e| !e.is_null());
        let errors = match failed {
            true => vec![read::error(r.get("error"), "ToolError", false)],
            false => Vec::new(),
        };
        let body = Body::Tool {
            name: read::text(r, "toolName")
                .or(p.name)
                .unwrap_or_else(|| "tool".into()),
            call_id: Some(key.clone()).filter(|k| !k.is_empty()),
            input: read::take(r, "input").or(p.input),
            output: read::take(r, "output"),
        };
        let end = read::plus_ms(start, ms).or(at);
        let mut span = self.span(
            read::hex_id(&["tool", &self.call_id, &key]),
            String::new(),
            start,
            end,
            body,
        );
        (span.failed, span.errors) = (failed, errors);
        span.ended_events(false, out);
    }

    /// `onEmbedStart`, `onRerankStart`: an embedding or rerank model call starts.
    pub(super) fn model_start(&mut self, r: &mut Value) {
        self.pending.push(Pending {
            key: read::text(r, "embedCallId").unwrap_or_default(),
            start: read::at(r),
            model: read::text(r, "modelId"),
            provider: read::text(r, "provider"),
            input: read::take(r, "input"),
            ..Pending::default()
        });
    }

    /// `onEmbedEnd`, `onRerankEnd`: a `generic` event with the model and its tokens.
    pub(super) fn model_end(&mut self, hook: &str, r: &mut Value, out: &mut Vec<Event>) {
        let at = read::at(r);
        let key = read::text(r, "embedCallId").unwrap_or_default();
        let p = self.take_pending(&key);
        let kind = if hook == "onEmbedEnd" {
            "embeddings"
        } else {
            "rerank"
        };
        let model = read::text(r, "modelId").or(p.model);
        let provider = read::text(r, "provider").or(p.provider);
        let name = format!("{kind} {}", model.as_deref().unwrap_or_default())
            .trim_end()
            .to_owned();
        let start = p.start.or(at);
        let mut span = self.span(
            read::hex_id(&[kind, &self.call_id, &key]),
            name,
            start,
            at,
            Body::Generic,
        );
        span.attributes
            .insert("gen_ai.operation.name".into(), kind.into());
        if let Some(provider) = provider {
            span.attributes.insert(
                "gen_ai.provider.name".into(),
                read::provider(&provider).into(),
            );
            span.attributes
                .insert("ai.model.provider".into(), provider.into());
        }
        if let Some(n) = json::count(r.get("count")) {
            span.attributes.insert("ai.result.count".into(), n.into());
        }
        let from = out.len();
        span.ended_events(false, out);
        if let Some(e) = out.get_mut(from) {
            e.model = model;
            e.tokens_in = Some(json::count(r.get("tokens")).unwrap_or(0));
            e.tokens_out = Some(0);
            e.input_data = p.input.map(|v| json::object1("input", v));
            e.output_data = read::take(r, "output").map(|v| json::object1("output", v));
        }
    }

    /// Records what was in flight when the call or step failed: the model call (without
    /// usage: none came) and the tools, as failed with `error`.
    fn flush_pending(&mut self, at: Option<UnixNanos>, error: &ErrorInfo, out: &mut Vec<Event>) {
        if let Some(p) = self.llm.take() {
            let mut attrs = Map::new();
            attrs.insert("error.type".into(), error.error_type.clone().into());
            self.record_llm(p, at, Usage::default(), None, attrs, out);
        }
        for p in std::mem::take(&mut self.pending) {
            if !p.tool {
                continue;
            }
            let body = Body::Tool {
                name: p.name.unwrap_or_else(|| "tool".into()),
                call_id: Some(p.key.clone()),
                input: p.input,
                output: None,
            };
            let mut span = self.span(
                read::hex_id(&["tool", &self.call_id, &p.key]),
                String::new(),
                p.start,
                at,
                body,
            );
            let mut e = error.clone();
            e.critical = false;
            (span.failed, span.errors) = (true, vec![e]);
            span.ended_events(false, out);
        }
    }

    /// `onEnd`, `onAbort`, `onError`: what was in flight, the step, the call's run (with
    /// its error and output), and the session when it was the call's own.
    pub(super) fn finish(mut self, r: &mut Value, outcome: Outcome, out: &mut Vec<Event>) {
        let at = read::at(r);
        let error = match outcome {
            Outcome::End => None,
            Outcome::Abort => {
                Some(read::error(r.get("reason"), "AbortError", true)).map(|mut e| {
                    if e.message.is_empty() {
                        e.message = "aborted".into();
                    }
                    e
                })
            }
            Outcome::Error => Some(read::error(r.get("error"), "Error", false)),
        };
        let failed = error.is_some();
        if let Some(e) = &error {
            self.flush_pending(at, e, out);
        }
        self.close_step(at, failed, Vec::new(), out);
        // onStepError already recorded the error that ends the call.
        let errors: Vec<ErrorInfo> = error
            .filter(|e| {
                self.last_error
                    .as_ref()
                    .is_none_or(|l| l.error_type != e.error_type || l.message != e.message)
            })
            .map(|mut e| {
                e.critical = true;
                e
            })
            .into_iter()
            .collect();
        let span = Span {
            session_id: self.session.clone(),
            span_id: self.run_id.clone(),
            parent_id: self.parent_run.clone(),
            start: self.start,
            end: at,
            body: Body::Run {
                agent_name: None,
                user_id: None,
            },
            failed,
            errors,
            ..Span::default()
        };
        span.ended_events(true, out);
        if let Some(end) = out.last_mut() {
            let mut attrs = Map::new();
            finish_reason(&mut attrs, r);
            if let Some(s) = read::text(r, "stoppedBy") {
                attrs.insert("ai.stopped_by".into(), s.into());
            }
            end.attributes = (!attrs.is_empty()).then_some(attrs);
            end.output_data = read::take(r, "output")
                .and_then(read::response)
                .map(|v| json::object1("response", v));
        }
        if self.own_session {
            out.push(session_end(&self.session, at, failed));
        }
    }
}

/// `gen_ai.response.finish_reasons` from the record's `finishReason`.
fn finish_reason(attrs: &mut Map<String, Value>, r: &Value) {
    if let Some(reason) = read::text(r, "finishReason") {
        attrs.insert(
            "gen_ai.response.finish_reasons".into(),
            Value::Array(vec![reason.into()]),
        );
    }
}
