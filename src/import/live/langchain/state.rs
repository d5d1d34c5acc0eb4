//! What the LangChain mapper remembers of the runs that have started and not ended,
//! bounded by [`MAX_OPEN`]: past it the oldest are forgotten and counted.

use std::collections::{HashMap, VecDeque};

use serde_json::{Map, Value};

use crate::import::live::MAX_OPEN;
use crate::time::UnixNanos;

/// What kind of run an open entry is, with what its end needs from its start.
pub(super) enum Kind {
    /// A chain (runnable, graph, graph node, agent): an AgentLens run.
    Chain,
    /// A chain tagged `langsmith:hidden` (LangGraph's internal writes and branches): not
    /// shown; what it contains belongs to the run around it.
    Hidden,
    /// A chat model or LLM call.
    Llm(Box<LlmStart>),
    /// A tool call.
    Tool(Box<ToolStart>),
    /// A retriever query.
    Retriever(Box<RetrieverStart>),
}

pub(super) struct LlmStart {
    pub(super) model: Option<String>,
    pub(super) provider: Option<String>,
    pub(super) prompt: Option<Value>,
    pub(super) first_token: Option<UnixNanos>,
}

pub(super) struct ToolStart {
    pub(super) input: Option<Value>,
    pub(super) call_id: Option<String>,
}

pub(super) struct RetrieverStart {
    pub(super) query: Option<Value>,
}

/// A run that has started and not ended.
pub(super) struct Open {
    pub(super) kind: Kind,
    pub(super) session: String,
    /// The AgentLens run this one is in: for a chain, its parent run.
    pub(super) run: Option<String>,
    pub(super) name: String,
    pub(super) start: Option<UnixNanos>,
    /// A root that opened its own session, which ends with it.
    pub(super) owns_session: bool,
    /// The message of an error a run inside this one already recorded (an error bubbling
    /// up through chains is recorded once, where it happened).
    pub(super) child_error: Option<String>,
    /// An LLM, tool or retriever run's attributes, taken at its start.
    pub(super) attributes: Map<String, Value>,
    seq: u64,
}

impl Open {
    pub(super) fn new(kind: Kind, session: String, run: Option<String>, name: String) -> Self {
        Self {
            kind,
            session,
            run,
            name,
            start: None,
            owns_session: false,
            child_error: None,
            attributes: Map::new(),
            seq: 0,
        }
    }

    /// The AgentLens run of what starts inside this one.
    pub(super) fn run_inside(&self, own_id: &str) -> Option<String> {
        match self.kind {
            Kind::Chain => Some(own_id.to_owned()),
            _ => self.run.clone(),
        }
    }
}

/// Open runs by LangChain run id, oldest first for forgetting.
#[derive(Default)]
pub(super) struct Runs {
    open: HashMap<String, Open>,
    order: VecDeque<(u64, String)>,
    seq: u64,
    pub(super) forgotten: u64,
}

impl Runs {
    pub(super) fn get(&self, id: &str) -> Option<&Open> {
        self.open.get(id)
    }

    pub(super) fn get_mut(&mut self, id: &str) -> Option<&mut Open> {
        self.open.get_mut(id)
    }

    pub(super) fn remove(&mut self, id: &str) -> Option<Open> {
        self.open.remove(id)
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.open.len()
    }

    /// Entries of the forgetting order (ended runs' included until dropped).
    #[cfg(test)]
    pub(super) fn order_len(&self) -> usize {
        self.order.len()
    }

    /// Remembers `open` under `id`, forgetting the oldest entries past [`MAX_OPEN`].
    pub(super) fn insert(&mut self, id: String, mut open: Open) {
        self.seq += 1;
        open.seq = self.seq;
        self.order.push_back((self.seq, id.clone()));
        // A run id started twice: the newer start replaces the older.
        self.open.insert(id, open);
        while self.open.len() > MAX_OPEN {
            let Some((seq, oldest)) = self.order.pop_front() else {
                break;
            };
            if self.open.get(&oldest).is_some_and(|o| o.seq == seq) {
                self.open.remove(&oldest);
                self.forgotten += 1;
            }
        }
        // Ended runs leave their place in `order`: drop those now and then.
        if self.order.len() > 2 * MAX_OPEN {
            let open = &self.open;
            self.order
                .retain(|(seq, id)| open.get(id).is_some_and(|o| o.seq == *seq));
        }
    }
}
