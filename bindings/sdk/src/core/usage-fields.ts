/**
 * A provider's usage object (`track({ usage })`, `ctx.llm({ usage })`) as event fields: the
 * core reads it (`usageFieldsJson`: which counts include which is its rule, not ours), the
 * counts the caller gave win, and `provider` becomes `gen_ai.provider.name`, which prices
 * the call at that provider's rates. Never throws.
 */
import { read, text } from "./fields.js";
import { safeStringify, type MarkerCounts } from "./safe-json.js";
import { tokenCount } from "./tokens.js";
import { wasm } from "./wasm.js";

/** Event fields the core read from a provider's usage object (`usageFieldsJson`). */
export interface UsageFields {
  tokens_in?: number;
  tokens_out?: number;
  cached_input_tokens?: number;
  reasoning_tokens?: number;
  attributes?: Record<string, unknown>;
}

/** What the core reads from `track({ usage })`, or `undefined` (no usage object). Never throws. */
export function usageFields(v: unknown, c: MarkerCounts): UsageFields | undefined {
  if (v === undefined || v === null || typeof v !== "object") return undefined;
  try {
    const fields: unknown = JSON.parse(wasm().usageFieldsJson(safeStringify(v, c)));
    return fields !== null && typeof fields === "object" ? (fields as UsageFields) : undefined;
  } catch {
    c.threw++;
    return undefined;
  }
}

/** The token counts: each one the caller gave, else the usage object's. */
export function tokenFields(fields: Record<string, unknown>, options: unknown, usage: UsageFields | undefined, c: MarkerCounts): void {
  for (const [option, key, always] of [
    ["tokensIn", "tokens_in", true],
    ["tokensOut", "tokens_out", true],
    ["cachedInputTokens", "cached_input_tokens", false],
    ["reasoningTokens", "reasoning_tokens", false],
  ] as const) {
    const given = read(options, option, c);
    const v = given !== undefined && given !== null ? given : usage?.[key];
    if (always || (v !== undefined && v !== null)) fields[key] = tokenCount(v);
  }
}

/** The event's attributes: the usage object's, then the caller's over them, then `provider`. */
export function withUsage(attrs: Record<string, unknown> | undefined, fromUsage: unknown, provider: unknown, c: MarkerCounts): Record<string, unknown> | undefined {
  const name = provider === undefined || provider === null || provider === "" ? undefined : text(provider, c);
  const usageAttrs = fromUsage !== null && typeof fromUsage === "object" ? (fromUsage as Record<string, unknown>) : undefined;
  if (!usageAttrs && name === undefined) return attrs;
  // No prototype: a key named `__proto__` stays data.
  const out: Record<string, unknown> = Object.assign(Object.create(null), usageAttrs, attrs);
  if (name !== undefined) out["gen_ai.provider.name"] = name;
  return out;
}
