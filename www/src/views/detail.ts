// The detail view of one event: prompt and response, tool arguments and results as
// collapsible JSON, reasoning, tokens and cost, errors, memory reads and writes, and the
// raw event. Every value is text; nothing from the trace is parsed as HTML or followed.
import { clear, fmtDuration, fmtTime, h } from "../dom";
import type { TimelineRow } from "../contract";
import { jsonTree } from "./json-tree";
import { eventCostFacts, type EventCostView } from "./cost";
import type { PriceListStatus } from "../price-list";

export interface EventDetail {
  row: TimelineRow;
  /** The event in the wire shape, as the core holds it. */
  event: Record<string, unknown>;
  /** Its cost by the core's pricing, when it names a model. */
  cost: EventCostView | null;
  /** The price list the worker priced it with. */
  priceList?: PriceListStatus;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

function section(title: string, ...body: (Node | null)[]): HTMLElement {
  return h("section", { class: "d-section" }, h("h3", null, title), ...body);
}

function text(value: string, cls = "d-text"): HTMLElement {
  return h("pre", { class: cls }, value);
}

function facts(pairs: [string, unknown][]): HTMLElement {
  const dl = h("dl", { class: "facts" });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "") continue;
    dl.append(h("dt", null, k), h("dd", null, typeof v === "string" ? v : JSON.stringify(v)));
  }
  return dl;
}

/** A prompt that is a list of chat messages renders as bubbles; anything else as text or JSON. */
function messageView(value: unknown): HTMLElement {
  if (Array.isArray(value) && value.length > 0 && value.every((m) => obj(m) && "content" in (m as Obj))) {
    const wrap = h("div", { class: "chat" });
    for (const m of value as Obj[]) {
      const role = str(m.role) || "message";
      wrap.appendChild(h("div", { class: `bubble role-${role.replace(/[^a-z]/gi, "").toLowerCase() || "other"}` }, h("div", { class: "bubble-role" }, role), typeof m.content === "string" ? text(m.content, "bubble-text") : jsonTree(m.content)));
    }
    return wrap;
  }
  if (typeof value === "string") {
    try {
      const parsed = JSON.parse(value);
      if (Array.isArray(parsed)) return messageView(parsed);
    } catch {
      // plain text
    }
    return text(value);
  }
  return jsonTree(value);
}

function pick(o: Obj | undefined, keys: string[]): [string, unknown] | undefined {
  if (!o) return undefined;
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return [k, o[k]];
  return undefined;
}

/** The title (type, label, error badge) and the event's identifying facts. */
function header(e: Obj, d: EventDetail, type: string): HTMLElement[] {
  return [
    h("h2", { class: "d-title" }, h("span", { class: "tl-type" }, type), " ", d.row.label, d.row.error ? h("span", { class: "badge st-error" }, "error") : null),
    facts([
      ["Time", fmtTime(typeof e.timestamp === "string" ? Date.parse(e.timestamp) : Number.NaN) || str(e.timestamp)],
      ["Duration", fmtDuration(typeof e.duration_ms === "number" ? e.duration_ms : d.row.dur)],
      ["Status", e.status],
      ["Model", e.model],
      ["Event id", e.event_id],
      ["Run", e.run_name ? `${str(e.run_name)} (${str(e.run_id)})` : e.run_id],
      ["Parent run", e.parent_run_id],
      ["User", e.user_id],
      ["Trace", e.trace_id],
      ["Span", e.span_id],
    ]),
  ];
}

/** The sections shown so far, and whether they already show the whole input and output. */
interface Shown {
  sections: HTMLElement[];
  input: boolean;
  output: boolean;
}

/** Prompt and response of an LLM call (or of any event that carries them). */
function llmSections(shown: Shown, type: string, input: Obj | undefined, output: Obj | undefined): void {
  if (!(type === "llm_call" || pick(input, ["prompt", "messages"]) || pick(output, ["response", "completion"]))) return;
  const prompt = pick(input, ["prompt", "messages", "input"]);
  const response = pick(output, ["response", "completion", "output", "content"]);
  if (prompt) {
    shown.sections.push(section("Prompt", messageView(prompt[1])));
    shown.input = Object.keys(input!).length === 1;
  }
  if (response) {
    shown.sections.push(section("Response", messageView(response[1])));
    shown.output = Object.keys(output!).length === 1;
  }
}

/** A tool's call: its arguments and result. */
function toolSection(shown: Shown, e: Obj, type: string, input: Obj | undefined, output: Obj | undefined): void {
  const tool = obj(e.tool_call);
  if (!(tool || type.startsWith("tool"))) return;
  // The SDK (and the collector's read-back) send `{}` beside the tool's own input and output.
  const filled = (o: Obj | undefined) => (o && Object.keys(o).length > 0 ? o : undefined);
  const args = filled(input) ?? tool?.tool_input ?? e.tool_args;
  const result = filled(output) ?? tool?.tool_output;
  shown.sections.push(section(`Tool${tool?.tool_name ? `: ${str(tool.tool_name)}` : ""}`, facts([["Call id", tool?.tool_call_id], ["Duration", typeof tool?.duration_ms === "number" ? fmtDuration(tool.duration_ms) : undefined]]), h("h4", null, "Arguments"), jsonTree(args ?? null), h("h4", null, "Result"), jsonTree(result ?? null)));
  shown.input = true;
  shown.output = true;
}

function reasoningSection(dec: Obj): HTMLElement {
  const alternatives = Array.isArray(dec.alternatives_considered) ? (dec.alternatives_considered as unknown[]) : [];
  return section(
    "Reasoning",
    text(str(dec.reasoning)),
    alternatives.length ? h("h4", null, "Alternatives considered") : null,
    alternatives.length ? h("ul", null, ...alternatives.map((a) => h("li", null, str(a)))) : null,
    facts([["Confidence", dec.confidence], ["Step", dec.step]]),
  );
}

function tokensSection(e: Obj, d: EventDetail): HTMLElement | null {
  if (!(typeof e.tokens_in === "number" || typeof e.tokens_out === "number" || d.cost)) return null;
  const tin = Number(e.tokens_in ?? 0);
  const tout = Number(e.tokens_out ?? 0);
  return section(
    "Tokens and cost",
    facts([
      ["Tokens in", String(tin)],
      ["Tokens out", String(tout)],
      ["Total tokens", String(tin + tout)],
      ...eventCostFacts(str(e.model), d.cost, d.priceList),
    ]),
  );
}

function errorSection(err: Obj): HTMLElement {
  return section("Error", facts([["Type", err.error_type], ["Critical", err.critical]]), text(str(err.message), "d-text d-error"), err.stack_trace ? h("details", { class: "stack" }, h("summary", null, "Stack trace"), text(str(err.stack_trace))) : null);
}

function memorySection(mem: Obj, type: string): HTMLElement {
  return section(type === "memory_read" ? "Memory read" : type === "memory_write" ? "Memory write" : "Memory", facts([["Key", mem.key], ["Type", mem.memory_type], ["Overwrite", mem.overwrite]]), h("h4", null, "Value"), jsonTree(mem.value ?? null));
}

/** What no section above showed: the input and output, metadata and attributes, and the raw event. */
function restSections(shown: Shown, e: Obj, input: Obj | undefined, output: Obj | undefined): void {
  if (input && !shown.input) shown.sections.push(section("Input", jsonTree(input)));
  if (output && !shown.output) shown.sections.push(section("Output", jsonTree(output)));
  for (const key of ["metadata", "attributes"]) {
    if (obj(e[key]) && Object.keys(e[key] as Obj).length) shown.sections.push(section(key === "metadata" ? "Metadata" : "Attributes", jsonTree(e[key], 1)));
  }
  shown.sections.push(h("details", { class: "raw" }, h("summary", null, "Raw event"), jsonTree(e, 1)));
}

let sessionBox: HTMLElement | null = null;

/**
 * Keeps `box` (collector mode's session notes) at the top of the detail pane `el`, above
 * every event's detail, until replaced; `null` removes it.
 */
export function setSessionBox(el: HTMLElement, box: HTMLElement | null): void {
  sessionBox?.remove();
  sessionBox = box;
  if (box) el.prepend(box);
}

export function renderDetail(el: HTMLElement, d: EventDetail | null): void {
  clear(el);
  if (sessionBox) el.appendChild(sessionBox);
  if (!d) {
    el.appendChild(h("div", { class: "placeholder" }, "Select an event in the timeline to see its detail."));
    return;
  }
  const e = d.event;
  const type = str(e.event_type);
  const input = obj(e.input_data);
  const output = obj(e.output_data);
  const err = obj(e.error);
  const mem = obj(e.memory);
  const dec = obj(e.decision_trace);
  const shown: Shown = { sections: header(e, d, type), input: false, output: false };
  llmSections(shown, type, input, output);
  toolSection(shown, e, type, input, output);
  if (dec) shown.sections.push(reasoningSection(dec));
  const tokens = tokensSection(e, d);
  if (tokens) shown.sections.push(tokens);
  if (err) shown.sections.push(errorSection(err));
  if (mem) shown.sections.push(memorySection(mem, type));
  restSections(shown, e, input, output);
  el.append(...shown.sections);
}
