// Counts calls into the SDK wasm's PipelineWasm, by method, while a function runs (sync or
// async): every method of the prototype is wrapped for the duration and restored after.
// Used by the fan-out and id tests and by bench/run.mjs.
import * as wasm from "../../wasm/agentlens_wasm.js";

/** Calls by method name while `fn` runs; a promise when `fn` returns one. */
export function countPipelineCalls(fn) {
  const proto = wasm.PipelineWasm.prototype;
  const originals = {};
  const calls = {};
  for (const name of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (name === "constructor" || typeof d.value !== "function") continue;
    originals[name] = d.value;
    proto[name] = function (...args) {
      calls[name] = (calls[name] ?? 0) + 1;
      return originals[name].apply(this, args);
    };
  }
  const restore = () => Object.assign(proto, originals);
  let out;
  try {
    out = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (out && typeof out.then === "function") return out.then(() => calls).finally(restore);
  restore();
  return calls;
}

/** All calls counted by {@link countPipelineCalls}. */
export const totalCalls = (calls) => Object.values(calls).reduce((a, b) => a + b, 0);
