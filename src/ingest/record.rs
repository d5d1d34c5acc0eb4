//! What one ingested record is for the host: the columns it writes and the bytes it stores.

use serde::Serialize;

/// The first byte of every stored payload says how the rest is encoded.
pub mod flags {
    /// The rest is gzip (the core sets it when gzip made the payload smaller).
    pub const GZIP: u8 = 1;
    /// The rest is sealed by the host (AES-GCM: a 12-byte IV, then the ciphertext and
    /// its tag); the core never sets it.
    pub const SEALED: u8 = 2;
}

/// What a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A `session_start`: sets its session's agent, metadata and start.
    Start,
    /// A `session_end`: sets its session's end, status and totals.
    End,
    /// Anything else: a row of the events table.
    Event,
}

/// A run's identity, from its `run_start`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RunStart {
    /// `run_name`, else the step name, else `run`.
    pub name: String,
    /// `agent_type` (an Agent Inspector field).
    pub agent_type: Option<String>,
    /// `user_id`.
    pub user_id: Option<String>,
    /// `parent_run_id`.
    pub parent_run_id: Option<String>,
}

/// How a run ended, from its `run_end`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RunEnd {
    /// `failed` when the end says it failed (a timeout included), else `completed`.
    pub status: &'static str,
    /// The end's `duration_ms`, rounded to whole milliseconds.
    pub duration_ms: Option<i64>,
}

/// The columns of one record. Names are the collector's column names.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Columns {
    /// A session start.
    Start {
        /// The session.
        session_id: String,
        /// The agent's name (`default-agent` when none was given).
        agent_name: String,
        /// The start's time as sent (or the model's form when it had none).
        timestamp: String,
        /// The start's time in epoch milliseconds.
        ts_ms: i64,
    },
    /// A session end.
    End {
        /// The session.
        session_id: String,
        /// `ended_at` (else `timestamp`) as sent.
        ended_at: String,
        /// The end in epoch milliseconds.
        ts_ms: i64,
        /// What the end says about its session's status: `completed`, `timeout` or `error`
        /// (combine with the stored status by `SessionStatus::then`).
        status: &'static str,
        /// The end's input-token total, when it gave one above zero: its effect on its
        /// session's totals, which then replaces the sum of the session's events
        /// ([`crate::model::semantics::session_total`] combines the two; `None` leaves the sum).
        total_tokens_in: Option<u64>,
        /// The end's output-token total, likewise.
        total_tokens_out: Option<u64>,
    },
    /// A regular event.
    Event(Box<EventColumns>),
}

/// The columns of a regular event.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EventColumns {
    /// The session.
    pub session_id: String,
    /// The event's id (given, derived from its span, or drawn).
    pub event_id: String,
    /// Its run, when it names a valid one.
    pub run_id: Option<String>,
    /// Its type's wire name.
    pub event_type: String,
    /// Its time as sent (or the model's form when it had none).
    pub timestamp: String,
    /// Its time in epoch milliseconds.
    pub ts_ms: i64,
    /// The model (at most 128 characters).
    pub model: Option<String>,
    /// The step name shown in lists.
    pub name: Option<String>,
    /// The status shown for it as a step: `failed` for an error (whatever it said), else
    /// its status as sent, else `completed`.
    pub status: String,
    /// Input tokens: the event's effect on its session's input-token sum (see
    /// [`crate::model::semantics::session_total`] for how a session end's own total combines
    /// with the sum).
    pub tokens_in: u64,
    /// Output tokens, likewise.
    pub tokens_out: u64,
    /// How long it took.
    pub duration_ms: Option<f64>,
    /// [`crate::model::semantics::is_error`].
    pub is_error: bool,
    /// What it says about its session's status (`error` for a failed root run), if anything.
    pub session_status: Option<&'static str>,
    /// A `run_start`'s run.
    pub run_start: Option<RunStart>,
    /// A `run_end`'s outcome.
    pub run_end: Option<RunEnd>,
}

/// One record to store.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// What it is and the columns it writes.
    pub columns: Columns,
    /// The bytes to store, led by a [`flags`] byte: an event's payload (the event as
    /// JSON), a start's metadata; `None` for an end, which is columns only.
    pub payload: Option<Vec<u8>>,
    /// The record as stored, as JSON (what live subscribers and the host's caller see).
    pub json: Vec<u8>,
}

impl Record {
    /// What the record is.
    pub fn kind(&self) -> Kind {
        match self.columns {
            Columns::Start { .. } => Kind::Start,
            Columns::End { .. } => Kind::End,
            Columns::Event(_) => Kind::Event,
        }
    }
}
