/**
 * A pipeline's outputs as `Output` objects. The core hands each one to a host
 * (`drainTo`): a request to send, a delivery and the final `wait` as numbers, built here
 * into objects of one shape each; only the rarer notices are objects made in wasm.
 * Building every output in wasm, a property at a time through `Reflect.set` with each
 * key decoded from its memory, cost ~3.7 µs per drain, several drains per traced call.
 */
import type { Output, OutputHost, PipelineWasm } from "../../wasm/agentlens_wasm.js";

/** Collects one drain's outputs; never throws and never calls back into the core. */
class Collector implements OutputHost {
  out: Output[] = [];

  send(sink: number, id: number, events: number, timeoutMs: number, body: Uint8Array): void {
    this.out.push({ type: "send", sink, id, events, timeoutMs, body });
  }

  wait(atMs: number | undefined): void {
    this.out.push({ type: "wait", atMs: atMs ?? null });
  }

  delivered(sink: number, events: number): void {
    this.out.push({ type: "delivered", sink, events });
  }

  notice(notice: Exclude<Output, { type: "send" } | { type: "wait" }>): void {
    this.out.push(notice);
  }
}

/** One collector for every pipeline: a drain runs to its end before another can start. */
const collector = new Collector();

/**
 * Every pending output of every sink, ending with the `wait` (the earliest deadline);
 * each output but the `wait` carries its sink's index as `sink`.
 */
export function drainOutputs(pipeline: PipelineWasm, nowMs: number): Output[] {
  const out: Output[] = [];
  collector.out = out;
  try {
    pipeline.drainTo(nowMs, collector);
  } finally {
    collector.out = [];
  }
  return out;
}
