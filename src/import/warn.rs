//! Warnings: what an import skipped and where, capped so a file of a million bad lines
//! does not make a million messages. Messages name positions and shapes, never content.

/// How many messages are kept; the rest are counted.
const MAX_MESSAGES: usize = 20;

#[derive(Clone, Debug, Default)]
pub(crate) struct Warnings {
    messages: Vec<String>,
    suppressed: usize,
}

impl Warnings {
    pub(crate) fn push(&mut self, message: String) {
        if self.messages.len() < MAX_MESSAGES {
            self.messages.push(message);
        } else {
            self.suppressed += 1;
        }
    }

    /// Adds the count of suppressed messages, once, at the end.
    pub(crate) fn close(&mut self) {
        if self.suppressed > 0 {
            let n = std::mem::take(&mut self.suppressed);
            self.messages.push(format!("… and {n} more warnings"));
        }
    }

    /// Every warning pushed, kept or not (before [`Warnings::close`]).
    pub(crate) fn count(&self) -> usize {
        self.messages.len() + self.suppressed
    }

    pub(crate) fn as_slice(&self) -> &[String] {
        &self.messages
    }
}
