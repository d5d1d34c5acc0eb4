/**
 * The viewer's trace held inside the analysis wasm (`TraceViewWasm`): a file's bytes go
 * in once, through the core's importer, and every tab asks the core for what it shows.
 * Answers are the core's (`agentlens::view`), parsed from the JSON it returns; nothing
 * here decides what an event means. Internal: the viewer is its only user.
 */
import type { PricingOverrides, SessionStats } from "../analysis/cost-types.js";
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
  /** Its cost (the cost engine's `EventCost`), when it names a model. */
  cost: { total_cost: number; matched: boolean; pricing_key: string | null } | null;
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

/** The Charts tab's data: the statistics engine's answer with tokens and cost over time and the latency histogram. */
export interface ViewCharts {
  sessions: number;
  stats: SessionStats;
  /** The models of `stats`, most tokens first; its tools, most calls first. */
  models: string[];
  tools: string[];
  overTime: { bucketMs: number; buckets: { startMs: number; tokens_in: number; tokens_out: number; cost: number }[] };
  histogram: { bins: { fromMs: number; toMs: number; count: number }[]; overflow: number };
}

type RedactionOptions = { extraKeys?: string[]; extraPatterns?: { name: string; regex: string }[] };

/** A trace held in the analysis wasm for the viewer. Call `free()` when done. */
export class TraceView {
  private readonly inner = new (analysisWasm().TraceViewWasm)();

  /** One query of the core (`agentlens::view::query`), its answer parsed. */
  private ask<T>(query: string, args: object = {}): T {
    return JSON.parse(this.inner.ask(query, JSON.stringify(args))) as T;
  }

  /** Events and sessions held. */
  counts(): { events: number; sessions: number } {
    return this.ask("counts");
  }
  /** Reads the next chunk of a trace file; returns how many events it completed. */
  push(bytes: Uint8Array): number {
    return this.inner.push(bytes);
  }
  /** Ends the file: its detected format and the importer's warnings. */
  finish(): { format: string; warnings: string[] } {
    return this.ask("finish");
  }
  /** Adds wire events not already added this way; returns the keys of the sessions that changed. */
  pushNew(events: readonly unknown[]): string[] {
    return this.ask("pushNew", { events });
  }
  /** Drops every event (the prices set with `setPricing` stay). */
  clear(): void {
    this.ask("clear");
  }
  /**
   * Prices every cost the view answers with the core's table and `overrides` over it
   * (replacing overrides set before); returns how many prices it holds. Throws the
   * engine's error naming a bad entry, and then changes nothing.
   */
  setPricing(overrides: PricingOverrides): number {
    return this.ask("pricing", { overrides });
  }
  sessionIds(): string[] {
    return this.ask("sessions");
  }
  /** Applies a filter; the keys that pass, and `rows` pages through them. */
  filter(filter: ViewFilter): string[] {
    return this.ask("filter", filter);
  }
  rows(offset: number, limit: number): ViewSessionRow[] {
    return this.ask("rows", { offset, limit });
  }
  facets(): ViewFacets {
    return this.ask("facets");
  }
  header(id: string): ViewSessionHeader | null {
    return this.ask("header", { id });
  }
  timeline(id: string, offset: number, limit: number): { total: number; span: number; rows: ViewTimelineRow[] } | null {
    return this.ask("timeline", { id, offset, limit });
  }
  findRow(id: string, ref: string): number {
    return this.ask("findRow", { id, ref });
  }
  event(id: string, n: number): ViewEventDetail | null {
    return this.ask("event", { id, n });
  }
  /** Null without a known session among `ids`. */
  charts(ids: readonly string[]): ViewCharts | null {
    return this.ask("charts", { ids });
  }
  /** The shape of `agentlens::view::panels::Alerts`. */
  alerts<T>(rules: string, ids?: readonly string[]): T {
    return this.ask("alerts", ids ? { rules, ids } : { rules });
  }
  compliance<T>(policy: string, ids: readonly string[], checkedAtMs: number): T {
    return this.ask("compliance", { policy, ids, checkedAtMs });
  }
  driftSplit<T>(ids: readonly string[], percent: number, threshold: number): T {
    return this.ask("driftSplit", { ids, percent, threshold });
  }
  /** `current` absent: every session not in the baseline. */
  drift<T>(baseline: readonly string[], current: readonly string[] | undefined, threshold: number): T {
    return this.ask("drift", current ? { baseline, current, threshold } : { baseline, threshold });
  }
  explain(id: string, style: "sdk" | "backend"): ViewExplained {
    return this.ask("explain", { id, style });
  }
  redactionPreview<T>(options: RedactionOptions): T {
    return this.ask("redactionPreview", options);
  }
  /** Every event redacted, as an NDJSON trace file (header, then one line per event). */
  redactedNdjson(options: RedactionOptions, producer: string): Uint8Array {
    return this.inner.redactedNdjson(JSON.stringify(options), producer);
  }
  free(): void {
    this.inner.free();
  }
}
