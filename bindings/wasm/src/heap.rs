//! Grows the wasm heap in few large steps when a call reads a large input.
//!
//! The allocator (dlmalloc) grows linear memory 64 KiB at a time as it runs out, and V8
//! answers every `memory.grow` as new external memory, which after enough grows starts
//! full garbage collections of the whole JS heap. Reading tens of megabytes of events
//! made thousands of small grows, and time grew with the square of the input (drift of
//! 800 sessions against 800 took 2.7 s, 40× the time for 200; DESIGN.md "The analysis
//! heap"). Allocating room once and freeing it leaves it in the allocator's top chunk,
//! where later allocations find it: one grow instead of thousands. Memory a wasm instance
//! has grown is never returned, so this takes nothing the call would not have taken.

/// Parsed events take about 14 times the bytes of their NDJSON text (measured: 100,000
/// events from 16.6 MB of text peaked at 227 MB of linear memory; struct fields, owned
/// strings, maps, the transient `Value` trees and the copies of the text).
const BYTES_PER_INPUT_BYTE: usize = 14;

/// Makes room for the working set of a call reading `input_len` bytes of JSON.
pub(crate) fn reserve_for_input(input_len: usize) {
    reserve(input_len.saturating_mul(BYTES_PER_INPUT_BYTE));
}

/// Asks the allocator for `bytes` and gives them back. Never aborts: when memory cannot
/// grow that far, nothing happens and the call proceeds in small steps as before.
fn reserve(bytes: usize) {
    let mut room: Vec<u8> = Vec::new();
    if room.try_reserve_exact(bytes).is_ok() {
        // Without this the optimiser may drop the unused allocation, and with it the grow.
        std::hint::black_box(&room);
    }
}

/// For a long call that reads its input in pieces: whenever linear memory has grown since
/// the last look, grow it by a quarter again, so a call that outgrows its estimate grows
/// memory a logarithmic number of times rather than once per 64 KiB.
pub(crate) struct GrowAhead {
    seen: usize,
}

impl GrowAhead {
    pub(crate) fn new() -> Self {
        Self {
            seen: memory_bytes(),
        }
    }

    /// Call between pieces of work.
    pub(crate) fn check(&mut self) {
        let now = memory_bytes();
        if now > self.seen {
            reserve(now / 4);
            self.seen = memory_bytes();
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn memory_bytes() -> usize {
    core::arch::wasm32::memory_size::<0>() * 65_536
}

/// Native builds (tests, clippy) have no linear memory to watch.
#[cfg(not(target_arch = "wasm32"))]
fn memory_bytes() -> usize {
    0
}
