/**
 * Token counts as the core reads them. A count the agent gives is put on the wire as the
 * core would read it, and the session's totals add the same numbers. What a count
 * means for any other value (a numeric string, a negative or fractional number, NaN, a
 * BigInt) is the core's rule alone (`agentlens::pipeline::token_count`, the event
 * model's lenient reader); only the values no rule can change skip the crossing.
 */
import { safeStringify } from "./safe-json.js";
import { wasm } from "./wasm.js";

/** The count the core reads for `v`: 0 when absent. */
export function tokenCount(v: unknown): number {
  if (v === undefined || v === null) return 0;
  // A non-negative safe integer is already a count; every other value asks the core.
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  return wasm().tokenCount(safeStringify(v));
}
