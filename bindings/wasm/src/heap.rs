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

/// Parsed events take several times the bytes of their JSON text: the event struct (496
/// bytes in wasm32 with its rare sections boxed; 832 before), owned strings, maps, the
/// copy of the text. Measured: a session
/// set of 500,000 events read from 86 MB of NDJSON fits in 8× (777 MB of linear memory,
/// reservation included); the same read with 14× was no faster.
const BYTES_PER_INPUT_BYTE: usize = 8;

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
