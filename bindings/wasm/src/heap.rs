//! Grows the wasm heap once, ahead of a call that reads a large input.
//!
//! The allocator (dlmalloc) grows linear memory 64 KiB at a time as it runs out, and V8
//! answers every `memory.grow` as new external memory, which after enough grows starts
//! full garbage collections of the whole JS heap. Reading tens of megabytes of events
//! made thousands of small grows, and time grew with the square of the input (drift of
//! 800 sessions against 800 took 2.7 s, 40× the time for 200; DESIGN.md "The analysis
//! heap"). Allocating the expected working set once and freeing it leaves it in the
//! allocator's top chunk: one grow instead of thousands. Memory a wasm instance has grown
//! is never returned, so this costs nothing the call would not have taken anyway.

/// Parsed events take several times the bytes of their JSON text (struct fields, owned
/// strings, maps); measured on the bench corpus, see DESIGN.md.
const BYTES_PER_INPUT_BYTE: usize = 6;

/// Makes room for the working set of a call reading `input_len` bytes of JSON.
pub(crate) fn reserve_for_input(input_len: usize) {
    let room: Vec<u8> = Vec::with_capacity(input_len.saturating_mul(BYTES_PER_INPUT_BYTE));
    // Without this the optimiser may drop the unused allocation, and with it the grow.
    std::hint::black_box(&room);
}
