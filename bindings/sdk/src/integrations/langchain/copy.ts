/**
 * Copies LangChain objects (messages, documents, prompt values, `LLMResult`s, errors)
 * into plain JSON for the LangChain integration's records, at once (LangChain mutates
 * and reuses its objects afterwards). Reads only what is there; decides nothing about
 * meaning (that is the core's mapping, `src/import/live/langchain.rs`). Never throws on
 * odd values: anything it does not know is passed on as it is, for `safeStringify`.
 */

import { DEFAULT_LIMITS, listedKeys } from "../../core/safe-json.js";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null;

/**
 * Items copied per list: what `safeStringify` keeps of a list (its breadth limit), so that
 * a list's cost is what is kept, never its `length` (a sparse `a[1e9] = 1`).
 */
export const MAX_ITEMS = DEFAULT_LIMITS.maxBreadth;

/** The first {@link MAX_ITEMS} items of an array, holes as `undefined`. */
export function head(list: readonly unknown[]): unknown[] {
  const n = Math.min(list.length, MAX_ITEMS);
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = list[i];
  return out;
}

/**
 * A copy of `o`'s first {@link MAX_ITEMS} own keys, each through `copy`, the rest
 * summarised as `safeStringify` summarises them: a copy costs what is kept, never the
 * number of keys (a million-key object passed to 16 callbacks took 9.7 s). Into `out`,
 * by default an object with no prototype, so that a `__proto__` key stays a key.
 */
export function keysHead(o: Obj, copy: (v: unknown) => unknown = (v) => v, out = Object.create(null) as Obj): Obj {
  const keys = listedKeys(o, MAX_ITEMS);
  const n = Math.min(keys.length, MAX_ITEMS);
  for (let i = 0; i < n; i++) out[keys[i]!] = copy(o[keys[i]!]);
  if (keys.length > n) out["…"] = `${keys.length - n} more keys`;
  return out;
}

/** A LangChain message's type (`human`, `ai`, `system`, `tool`, …), by 1.x's getter or 0.3's method. */
function typeOf(m: Obj): unknown {
  const get = m._getType;
  if (typeof get === "function") return (get as () => unknown).call(m);
  return m.type;
}

/** Whether `v` is a LangChain message (a `BaseMessage`: a type and content). */
function isMessage(v: Obj): boolean {
  return "content" in v && (typeof v._getType === "function" || (typeof v.type === "string" && "additional_kwargs" in v));
}

/** Keys of an AI message's `response_metadata` the mapping reads. */
const RESPONSE_KEYS = ["model_name", "model", "finish_reason", "stop_reason"] as const;

/**
 * One message: `{type, content, name?, role?, tool_calls?, tool_call_id?, status?}`, and
 * for an AI message its `usage_metadata` and the model and finish reason of its
 * `response_metadata` when `usage` is set.
 */
export function message(m: Obj, usage = false, content = true): Obj {
  const out: Obj = { type: typeOf(m) };
  if (content) out.content = m.content;
  if (typeof m.name === "string") out.name = m.name;
  if (typeof m.role === "string") out.role = m.role;
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0 && content) out.tool_calls = m.tool_calls;
  if (typeof m.tool_call_id === "string") out.tool_call_id = m.tool_call_id;
  if (typeof m.status === "string") out.status = m.status;
  if (usage) {
    if (isObj(m.usage_metadata)) out.usage_metadata = m.usage_metadata;
    const rm = m.response_metadata;
    if (isObj(rm)) {
      const kept: Obj = {};
      for (const k of RESPONSE_KEYS) if (rm[k] !== undefined) kept[k] = rm[k];
      out.response_metadata = kept;
    }
  }
  return out;
}

/**
 * `v` with the LangChain objects in it made plain, down to `depth` levels: messages,
 * documents (`{page_content, metadata, id}`) and prompt values (`{messages}` or the
 * text). Plain objects and arrays are copied (a cycle stays a cycle, for `safeStringify`
 * to mark); other class instances are left to `safeStringify` (their `toJSON`).
 */
export function plain(v: unknown, depth = 4, copies = new Map<object, unknown>()): unknown {
  if (!isObj(v)) return v;
  const known = copies.get(v);
  if (known !== undefined) return known;
  if (isMessage(v)) return message(v);
  if (typeof v.pageContent === "string") {
    const d: Obj = { page_content: v.pageContent, metadata: v.metadata };
    if (v.id !== undefined) d.id = v.id;
    return d;
  }
  if (typeof v.toChatMessages === "function" && Array.isArray(v.messages)) return { messages: plain(v.messages, depth, copies) };
  if (typeof v.toChatMessages === "function" && typeof v.value === "string") return v.value;
  if (depth <= 0) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    copies.set(v, out);
    for (const x of head(v)) out.push(plain(x, depth - 1, copies));
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  // Registered before its members are copied, so that a cycle finds it.
  const out: Obj = Object.create(null) as Obj;
  copies.set(v, out);
  return keysHead(v, (x) => plain(x, depth - 1, copies), out);
}

/** The messages of a chat model's start (its one message list; several are concatenated). */
export function messages(groups: unknown): Obj[] {
  const out: Obj[] = [];
  if (!Array.isArray(groups)) return out;
  for (const group of head(groups)) {
    if (!Array.isArray(group)) continue;
    for (const m of head(group)) if (isObj(m)) out.push(message(m));
  }
  return out;
}

/**
 * An `LLMResult`'s generations, flattened: `{text, message}` each (the message with its
 * usage metadata); `content` false keeps only the usage, model and finish reason.
 */
export function generations(output: unknown, content: boolean): Obj[] {
  const out: Obj[] = [];
  const gens = isObj(output) ? output.generations : undefined;
  if (!Array.isArray(gens)) return out;
  for (const list of head(gens)) {
    if (!Array.isArray(list)) continue;
    for (const g of head(list)) {
      if (!isObj(g)) continue;
      const copy: Obj = {};
      if (content) copy.text = g.text;
      if (isObj(g.message)) copy.message = message(g.message, true, content);
      out.push(copy);
    }
  }
  return out;
}

/** An error as `{name, message, stack}` (anything thrown, not only `Error`s; odd values never throw here). */
export function error(e: unknown): Obj {
  try {
    if (e instanceof Error || (isObj(e) && typeof e.message === "string")) {
      const x = e as { name?: unknown; message?: unknown; stack?: unknown };
      return { name: typeof x.name === "string" ? x.name : "Error", message: x.message, stack: typeof x.stack === "string" ? x.stack : undefined };
    }
    // An array's text is its items joined: only the items kept (a sparse a[1e9] would join a billion).
    return { name: "Error", message: typeof e === "string" ? e : Array.isArray(e) ? head(e).join(",") : String(e) };
  } catch {
    return { name: "Error", message: "[Threw]" };
  }
}

/** The class name a LangChain `Serialized` ends its `id` with (`ChatOpenAI`, `RunnableSequence`). */
export function className(serialized: unknown): unknown {
  if (!isObj(serialized)) return undefined;
  if (typeof serialized.name === "string") return serialized.name;
  const id = serialized.id;
  return Array.isArray(id) && id.length > 0 ? id[id.length - 1] : undefined;
}

/** A model's constructor arguments that name its model (`Serialized.kwargs`). */
export function modelKwargs(serialized: unknown): Obj | undefined {
  const kw = isObj(serialized) ? serialized.kwargs : undefined;
  if (!isObj(kw)) return undefined;
  const out: Obj = {};
  let any = false;
  for (const k of ["model", "modelName", "model_name"]) {
    if (typeof kw[k] === "string") {
      out[k] = kw[k];
      any = true;
    }
  }
  return any ? out : undefined;
}
