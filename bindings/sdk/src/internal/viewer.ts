/**
 * The viewer's trace held inside the analysis wasm (`TraceViewWasm`): a file's bytes go
 * in once, through the core's importer, and every tab asks the core for what it shows.
 * Answers are the core's (`agentlens::view`), parsed from the JSON it returns; nothing
 * here decides what an event means. Internal: the viewer is its only user.
 */
import { analysisWasm } from "../analysis/wasm.js";

/** A filter of the session list (all fields optional). */
export interface ViewFilter {
  agent?: string;
  status?: string;
  model?: string;
  tool?: string;
  /** Epoch ms; sessions overlapping [from, to] pass. */
  from?: number;
  to?: number;
  /** Text in the session id, agent name or any event (ASCII case ignored). */
  q?: string;
  /** "newest": by first event, newest first. */
  order?: "newest";
}

/** One row of the session list. */
export interface ViewSessionRow {
  id: string;
  agent: string;
  status: string;
  first: number | null;
  durationMs: number;
  events: number;
  errors: number;
  tokens: number;
  models: string[];
}

/** The filter menus' values. */
export interface ViewFacets {
  agents: string[];
  statuses: string[];
  models: string[];
  tools: string[];
  from: number | null;
  to: number | null;
}

/** A session's header. */
export interface ViewSessionHeader extends ViewSessionRow {
  tokensIn: number;
  tokensOut: number;
  tools: string[];
  rows: number;
  span: number;
  totalCost: number;
  unmatchedModels: string[];
}

/** One row of a session's timeline. */
export interface ViewTimelineRow {
  n: number;
  type: string;
  label: string;
  depth: number;
  start: number;
  dur: number | null;
  error: boolean;
  ref: string;
  run: string;
}

/** One event in full (wire shape) with its row and cost. */
export interface ViewEventDetail {
  row: ViewTimelineRow;
  event: Record<string, unknown>;
  cost: { total: number; matched: boolean; pricingKey: string | null; unmatched: string[] } | null;
}

/** Inline text of an explanation block. */
export interface ExplainSpan {
  text: string;
  mark?: "strong" | "em";
}
/** One line of inline text. */
export type ExplainLine = ExplainSpan[];
/** A block of an explanation (`agentlens::analysis::explain::Block`). */
export type ExplainBlock =
  | { kind: "heading"; level: number; text: ExplainLine }
  | { kind: "paragraph"; lines: ExplainLine[] }
  | { kind: "list"; ordered: boolean; start: number; items: ExplainLine[][] };

/** An explanation: the Markdown and the same as blocks. */
export interface ViewExplained {
  sessionId: string;
  markdown: string;
  blocks: ExplainBlock[];
}

/** The redacted trace file. */
export interface ViewRedacted {
  bytes: Uint8Array;
  events: number;
  report: Record<string, unknown>;
}

const parse = <T>(json: string): T => JSON.parse(json) as T;
const ids = (keys: readonly string[]) => JSON.stringify(keys);

/** A trace held in the analysis wasm for the viewer. Call `free()` when done. */
export class TraceView {
  private readonly inner = new (analysisWasm().TraceViewWasm)();

  get eventCount(): number {
    return this.inner.eventCount;
  }
  get sessionCount(): number {
    return this.inner.sessionCount;
  }
  /** Reads the next chunk of a trace file; returns how many events it completed. */
  push(bytes: Uint8Array): number {
    return this.inner.push(bytes);
  }
  /** Ends the file: its detected format and the importer's warnings. */
  finish(): { format: string; warnings: string[] } {
    return parse(this.inner.finish());
  }
  /** Adds wire events not already held; returns the keys of the sessions that changed. */
  pushNew(events: readonly unknown[]): string[] {
    return parse(this.inner.pushNewJson(JSON.stringify(events)));
  }
  clear(): void {
    this.inner.clear();
  }
  sessionIds(): string[] {
    return parse(this.inner.sessionIdsJson());
  }
  /** Applies a filter; the keys that pass, and `rows` pages through them. */
  filter(filter: ViewFilter): string[] {
    return parse(this.inner.filter(JSON.stringify(filter)));
  }
  rows(offset: number, limit: number): ViewSessionRow[] {
    return parse(this.inner.rows(offset, limit));
  }
  facets(): ViewFacets {
    return parse(this.inner.facets());
  }
  header(key: string): ViewSessionHeader | null {
    return parse(this.inner.header(key));
  }
  timeline(key: string, offset: number, limit: number): { total: number; span: number; rows: ViewTimelineRow[] } | null {
    return parse(this.inner.timeline(key, offset, limit));
  }
  findRow(key: string, ref: string): number {
    return this.inner.findRow(key, ref);
  }
  event(key: string, n: number): ViewEventDetail | null {
    return parse(this.inner.event(key, n));
  }
  /** The Charts tab (the shape of `agentlens::view::charts::ChartsData`); null without a known session. */
  charts<T>(keys: readonly string[]): T | null {
    return parse(this.inner.charts(ids(keys)));
  }
  alerts<T>(rules: string, keys?: readonly string[]): T {
    return parse(this.inner.alerts(rules, keys ? ids(keys) : undefined));
  }
  compliance<T>(policy: string, keys: readonly string[], checkedAtMs: number): T {
    return parse(this.inner.compliance(policy, ids(keys), checkedAtMs));
  }
  driftSplit<T>(keys: readonly string[], percent: number, threshold: number): T {
    return parse(this.inner.driftSplit(ids(keys), percent, threshold));
  }
  /** `current` absent: every session not in the baseline. */
  drift<T>(baseline: readonly string[], current: readonly string[] | undefined, threshold: number): T {
    return parse(this.inner.drift(ids(baseline), current ? ids(current) : undefined, threshold));
  }
  explain(key: string, style: "sdk" | "backend"): ViewExplained {
    return parse(this.inner.explain(key, style));
  }
  redactionPreview<T>(options: { extraKeys?: string[]; extraPatterns?: { name: string; regex: string }[] }): T {
    return parse(this.inner.redactionPreview(JSON.stringify(options)));
  }
  redactedNdjson(options: { extraKeys?: string[]; extraPatterns?: { name: string; regex: string }[] }, producer: string): ViewRedacted {
    return this.inner.redactedNdjson(JSON.stringify(options), producer) as ViewRedacted;
  }
  free(): void {
    this.inner.free();
  }
}
