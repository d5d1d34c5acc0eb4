//! The built-in engine behind the [`PatternEngine`] interface: what the SDK's patterns
//! module runs for a host whose own build leaves the engine out, and what tests drive the
//! hosted path with.

use std::sync::{Mutex, PoisonError};

use super::native::Engine;
use super::{Compiled, PatternEngine};

/// The built-in regex engine as a [`PatternEngine`]: compiled programs are kept in a table
/// and named by their slot.
#[derive(Debug, Default)]
pub struct RegexPatternEngine {
    programs: Mutex<Vec<Option<Engine>>>,
}

impl RegexPatternEngine {
    /// An engine with no programs.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of programs compiled and not yet released.
    pub fn live_programs(&self) -> usize {
        self.table().iter().flatten().count()
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Vec<Option<Engine>>> {
        self.programs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The program numbered `program` (a cheap clone), if it is live.
    fn get(&self, program: u32) -> Option<Engine> {
        self.table().get(program as usize).cloned().flatten()
    }
}

impl PatternEngine for RegexPatternEngine {
    fn compile(&self, pattern: &str) -> Result<Compiled, String> {
        let engine = Engine::new(pattern)?;
        let (captures_len, value_group) = (engine.captures_len(), engine.group_index("v"));
        let mut table = self.table();
        let slot = match table.iter().position(Option::is_none) {
            Some(free) => {
                table[free] = Some(engine);
                free
            }
            None => {
                table.push(Some(engine));
                table.len() - 1
            }
        };
        let program = u32::try_from(slot).map_err(|_| "too many patterns".to_owned())?;
        Ok(Compiled {
            program,
            captures_len,
            value_group,
        })
    }

    fn captures_at(
        &self,
        program: u32,
        haystack: &str,
        from: usize,
        _same_haystack: bool,
        groups: &mut [Option<(usize, usize)>],
    ) -> bool {
        let Some(engine) = self.get(program) else {
            return false;
        };
        engine.with_searcher(|s| {
            if s.captures_at(haystack, from).is_none() {
                return false;
            }
            for (i, g) in groups.iter_mut().enumerate() {
                *g = s.group(i);
            }
            true
        })
    }

    fn matches_empty_in(&self, program: u32, text: &str) -> bool {
        self.get(program).is_some_and(|e| e.matches_empty_in(text))
    }

    fn is_match(&self, program: u32, haystack: &str) -> bool {
        self.get(program).is_some_and(|e| e.is_match(haystack))
    }

    fn release(&self, program: u32) {
        if let Some(slot) = self.table().get_mut(program as usize) {
            *slot = None;
        }
    }
}
