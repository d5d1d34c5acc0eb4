/**
 * Wire fields every recording call builds the same way: optional fields left absent,
 * `attributes` kept a JSON object, and the fields of a custom event (`ctx.emit`). Pure
 * functions of their inputs; they record nothing.
 */
import { keysOf, measure, readData, text } from "./fields.js";
import { toJsonSafe, type MarkerCounts } from "./safe-json.js";
import { tokenCount } from "./tokens.js";

/** `attributes` must be a JSON object on the wire: anything else is kept under `value`. */
export function attributesOf(v: unknown, counts: MarkerCounts): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  const safe = toJsonSafe(v, counts);
  return safe !== null && typeof safe === "object" && !Array.isArray(safe) ? (safe as Record<string, unknown>) : { value: safe };
}

/** Sets `out[key] = v` unless `v` is undefined (absent on the wire, as `exclude_none`). */
export function put(out: Record<string, unknown>, key: string, v: unknown): void {
  if (v !== undefined) out[key] = v;
}

/** Known camelCase event fields for `ctx.emit`; every other key goes into `attributes`. */
const EMIT_FIELDS: Record<string, (v: unknown, c: MarkerCounts) => [string, unknown]> = {
  inputData: (v) => ["input_data", v],
  outputData: (v) => ["output_data", v],
  model: (v, c) => ["model", text(v, c)],
  tokensIn: (v) => ["tokens_in", tokenCount(v)],
  tokensOut: (v) => ["tokens_out", tokenCount(v)],
  durationMs: (v) => ["duration_ms", measure(v)],
  status: (v, c) => ["status", text(v, c)],
};

/** Wire fields for a custom event from `ctx.emit(type, fields)`. */
export function customFields(fields: unknown, c: MarkerCounts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // No prototype: a key named `__proto__` is data here, not a prototype change.
  const extra: Record<string, unknown> = Object.create(null);
  for (const key of keysOf(fields, c)) {
    const v = readData(fields, key, c);
    if (key === "attributes") Object.assign(extra, attributesOf(v, c));
    else if (Object.prototype.hasOwnProperty.call(EMIT_FIELDS, key)) {
      const [wire, value] = EMIT_FIELDS[key]!(v, c);
      put(out, wire, value);
    } else extra[key] = v;
  }
  // Through attributesOf: a key named `toJSON` could otherwise turn the whole object into a string.
  if (Object.keys(extra).length > 0) out.attributes = attributesOf(extra, c);
  return out;
}
