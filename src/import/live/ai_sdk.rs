//! The Vercel AI SDK 7's `Telemetry` callbacks, as `@agentlens/sdk/ai-sdk` copies them,
//! into AgentLens events as they happen.
//!
//! One record per callback: `{"hook": "onStart", "callId": …, "at": <epoch ms>, …}` (the
//! shapes are in `docs/integrations/ai-sdk.md`). What the records become:
//!
//! | record | becomes |
//! |---|---|
//! | `onStart` | a run (`run_start`): the call (`generateText`, `streamText`, `generateObject`, `streamObject`, `embed`, `embedMany`, `rerank`), named by its `functionId` (also its agent name) or its operation |
//! | `onStepStart` … `onStepEnd` | a run inside the call, when the call has tools (only tools make a second step): one step of a multi-step generation (a model call and the tools it asked for) |
//! | `onLanguageModelCallStart` … `End`, `onObjectStepStart` … `End` | `llm_call`: model, tokens (cache reads, cache writes, reasoning), prompt, response |
//! | `onToolExecutionStart` … `End` | `tool_call`, or `tool_error` when the tool threw |
//! | `onEmbedStart` … `End`, `onRerankStart` … `End` | `generic` with the model and its input tokens |
//! | `onStepError`, `onError` | `error` in the step or call, which ends in error |
//! | `onAbort` | an `AbortError` in the call, which ends in error; the model call in flight is recorded (without usage: none came), the finished ones kept theirs |
//! | `onEnd` | the call's `run_end`, with its output |
//!
//! Sessions. The AI SDK has no trace or conversation of its own, so a call's session is,
//! in order: its parent call's, when it was started by one of that call's tools (the
//! integration's `executeTool` tells); the session the record names (the integration's
//! `sessionId` option, or `sessionId`/`conversationId` in the call's telemetry runtime
//! context); the session of the AgentLens run around the call (`trace.run`), which then
//! contains it; the tracker's current session; else a session of its own, which opens
//! and closes with the call.
//!
//! It keeps the open calls (at most [`MAX_OPEN`], the oldest forgotten and counted past
//! it) and the sessions it opened by name, and performs no I/O: times are in the records.

mod call;
mod read;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

use self::call::{Call, Outcome};
use super::MAX_OPEN;
use crate::import::span::{Body, Span};
use crate::import::warn::Warnings;
use crate::model::{Event, EventType, status};
use crate::time::UnixNanos;

/// The AI SDK's open calls. Plain vectors rather than maps: few calls are open at once,
/// and they add less to the SDK's wasm.
#[derive(Default)]
pub(super) struct Live {
    /// Open calls, in the order they started (the most active are the latest: searched first).
    calls: Vec<Call>,
    /// Sessions named by records that this mapper opened, sorted.
    named: Vec<String>,
    forgotten: u64,
}

/// Where a new call records: its session, the run that contains it, and whether the
/// session is its own (opened and closed with it) or a named one seen for the first time.
struct Place {
    session: String,
    parent_run: Option<String>,
    own: bool,
    named: bool,
}

impl Live {
    pub(super) fn map(&mut self, mut record: Value, out: &mut Vec<Event>, warnings: &mut Warnings) {
        let hook = read::text(&record, "hook").unwrap_or_default();
        let Some(call_id) = read::text(&record, "callId") else {
            warnings.push(format!(
                "an ai-sdk record ({hook:?}) has no callId; skipped"
            ));
            return;
        };
        if hook == "onStart" {
            self.start(call_id, record, out);
            return;
        }
        let Some(call) = self.call(&call_id) else {
            warnings.push(format!(
                "an ai-sdk {hook:?} record names a call that did not start (or was forgotten); skipped"
            ));
            return;
        };
        let r = &mut record;
        match hook.as_str() {
            "onStepStart" => call.step_start(r, out),
            "onStepEnd" => call.step_end(r, out),
            "onStepError" => call.step_error(r, out),
            "onLanguageModelCallStart" | "onObjectStepStart" => call.llm_start(r),
            "onLanguageModelCallEnd" | "onObjectStepEnd" => call.llm_end(r, out),
            "onToolExecutionStart" => call.tool_start(r),
            "onToolExecutionEnd" => call.tool_end(r, out),
            "onEmbedStart" | "onRerankStart" => call.model_start(r),
            "onEmbedEnd" | "onRerankEnd" => call.model_end(&hook, r, out),
            "onEnd" => self.finish(&call_id, r, Outcome::End, out),
            "onAbort" => self.finish(&call_id, r, Outcome::Abort, out),
            "onError" => self.finish(&call_id, r, Outcome::Error, out),
            _ => warnings.push(format!(
                "an ai-sdk record has an unknown hook {hook:?}; skipped"
            )),
        }
    }

    pub(super) fn forgotten(&self) -> u64 {
        self.forgotten
    }

    /// `onStart`: the call's session (opened when it is new), and its run.
    fn start(&mut self, call_id: String, mut r: Value, out: &mut Vec<Event>) {
        let at = read::at(&r);
        let op = read::text(&r, "operationId").unwrap_or_else(|| "ai.call".into());
        let short = op.strip_prefix("ai.").unwrap_or(&op).to_owned();
        let function_id = read::text(&r, "functionId");
        let context = read::take(&mut r, "runtimeContext")
            .filter(|c| c.as_object().is_some_and(|o| !o.is_empty()));
        let place = self.place(&r, context.as_ref());
        let name = function_id.clone().unwrap_or_else(|| short.clone());
        if place.own || place.named {
            let mut e = Event::new(
                EventType::SessionStart,
                place.session.clone(),
                at.unwrap_or(UnixNanos(0)),
            );
            (e.tokens_in, e.tokens_out, e.timestamp) = (None, None, at);
            e.agent_name = Some(name.clone());
            e.metadata = Some(json!({ "integration": "ai-sdk" }));
            out.push(e);
        }
        let run_id = read::hex_id(&["run", &call_id]);
        let mut attrs = start_attributes(&mut r, &op, &short);
        if let Some(c) = context.clone() {
            attrs.insert("ai.runtime_context".into(), c);
        }
        let user_id = context
            .as_ref()
            .and_then(|c| crate::import::json::text(c.get("userId")));
        let span = Span {
            session_id: place.session.clone(),
            span_id: run_id.clone(),
            parent_id: place.parent_run.clone(),
            name,
            start: at,
            body: Body::Run {
                agent_name: function_id,
                user_id,
            },
            attributes: attrs,
            ..Span::default()
        };
        span.started_events(out);
        let mut call = Call::new(
            call_id.clone(),
            run_id,
            place.parent_run,
            place.session,
            place.own,
            at,
        );
        // Without tools a call takes one step: its model call sits in the call's run.
        call.steps = r.get("tools").and_then(Value::as_bool).unwrap_or(true);
        if let Some(i) = self.position(&call_id) {
            // A second start of the same call: the first is gone (counted).
            self.calls.remove(i);
            self.forgotten += 1;
        }
        self.calls.push(call);
        if self.calls.len() > MAX_OPEN {
            self.calls.remove(0);
            self.forgotten += 1;
        }
    }

    fn position(&self, call_id: &str) -> Option<usize> {
        self.calls.iter().rposition(|c| c.call_id == call_id)
    }

    fn call(&mut self, call_id: &str) -> Option<&mut Call> {
        let i = self.position(call_id)?;
        Some(&mut self.calls[i])
    }

    /// Decides where a new call records (see the module's "Sessions").
    fn place(&mut self, r: &Value, context: Option<&Value>) -> Place {
        let parent = r
            .get("parent")
            .and_then(|p| crate::import::json::text(p.get("callId")));
        if let Some(p) = parent
            .and_then(|id| self.position(&id))
            .map(|i| &self.calls[i])
        {
            let (session, parent_run) = (p.session().to_owned(), Some(p.inner_run().to_owned()));
            return Place {
                session,
                parent_run,
                own: false,
                named: false,
            };
        }
        let active = r.get("activeRun");
        let active_run = active.and_then(|a| crate::import::json::text(a.get("runId")));
        let active_session = active.and_then(|a| crate::import::json::text(a.get("sessionId")));
        let from_context = |key| context.and_then(|c| crate::import::json::text(c.get(key)));
        let named = read::text(r, "sessionId")
            .or_else(|| from_context("sessionId"))
            .or_else(|| from_context("conversationId"));
        if let Some(session) = named {
            let parent_run =
                active_run.filter(|_| active_session.as_deref() == Some(session.as_str()));
            let new = self.remember_named(&session);
            return Place {
                session,
                parent_run,
                own: false,
                named: new,
            };
        }
        if let (Some(session), Some(run)) = (active_session, active_run) {
            return Place {
                session,
                parent_run: Some(run),
                own: false,
                named: false,
            };
        }
        if let Some(session) = read::text(r, "currentSession") {
            return Place {
                session,
                parent_run: None,
                own: false,
                named: false,
            };
        }
        let call_id = read::text(r, "callId").unwrap_or_default();
        Place {
            session: read::hex_id(&["session", &call_id]),
            parent_run: None,
            own: true,
            named: false,
        }
    }

    /// Whether `session` is named for the first time (then remembered; past [`MAX_OPEN`]
    /// one is forgotten, counted: a session named again after that opens again, which the
    /// tracker ignores while it is open).
    fn remember_named(&mut self, session: &str) -> bool {
        let Err(i) = self.named.binary_search_by(|s| s.as_str().cmp(session)) else {
            return false;
        };
        self.named.insert(i, session.to_owned());
        if self.named.len() > MAX_OPEN {
            self.named.remove(if i == 0 { 1 } else { 0 });
            self.forgotten += 1;
        }
        true
    }

    /// `onEnd`, `onAbort`, `onError`: the call ends.
    fn finish(&mut self, call_id: &str, r: &mut Value, outcome: Outcome, out: &mut Vec<Event>) {
        if let Some(i) = self.position(call_id) {
            self.calls.remove(i).finish(r, outcome, out);
        }
    }
}

/// The call's run attributes: its operation, model and settings.
fn start_attributes(r: &mut Value, op: &str, short: &str) -> Map<String, Value> {
    let mut a = Map::new();
    let operation = match short {
        "generateText" | "streamText" => "invoke_agent",
        "generateObject" | "streamObject" => "generate_content",
        "embed" | "embedMany" => "embeddings",
        other => other,
    };
    a.insert("gen_ai.operation.name".into(), operation.into());
    a.insert("ai.operationId".into(), op.into());
    if let Some(p) = read::text(r, "provider") {
        a.insert("gen_ai.provider.name".into(), read::provider(&p).into());
        a.insert("ai.model.provider".into(), p.into());
    }
    if let Some(m) = read::text(r, "modelId") {
        a.insert("gen_ai.request.model".into(), m.into());
    }
    if let Some(Value::Object(settings)) = read::take(r, "settings") {
        for (k, v) in settings {
            let key = match k.as_str() {
                "maxOutputTokens" => "gen_ai.request.max_tokens".to_owned(),
                "temperature" => "gen_ai.request.temperature".to_owned(),
                "topP" => "gen_ai.request.top_p".to_owned(),
                "topK" => "gen_ai.request.top_k".to_owned(),
                "presencePenalty" => "gen_ai.request.presence_penalty".to_owned(),
                "frequencyPenalty" => "gen_ai.request.frequency_penalty".to_owned(),
                "stopSequences" => "gen_ai.request.stop_sequences".to_owned(),
                "seed" => "gen_ai.request.seed".to_owned(),
                _ => format!("ai.settings.{k}"),
            };
            if !v.is_null() {
                a.insert(key, v);
            }
        }
    }
    if let Some(parent) = r
        .get("parent")
        .and_then(|p| crate::import::json::text(p.get("toolCallId")))
    {
        a.insert("ai.parent.tool_call_id".into(), parent.into());
    }
    a
}

/// A session's end, at `at`, as the run that owned it ended.
fn session_end(session: &str, at: Option<UnixNanos>, failed: bool) -> Event {
    Event {
        event_type: EventType::SessionEnd,
        session_id: session.to_owned(),
        ended_at: at,
        status: Some(
            if failed {
                status::ERROR
            } else {
                status::COMPLETED
            }
            .into(),
        ),
        ..Event::default()
    }
}
