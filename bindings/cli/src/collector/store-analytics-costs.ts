/// <reference types="node" />
/**
 * Costs over many sessions, priced by the core's cost engine (`costSummary`, `sessionCost`
 * of `@agentlens/sdk/analysis`) with the prices users stored (`storedPricing`). Events are
 * read and decoded in pages of {@link PAGE_EVENTS} rows in time order, each page priced by
 * the engine and the page results added up here, so memory stays one page whatever the
 * window holds; at most {@link MAX_PRICED_EVENTS} events are read per request (the answer
 * says when the window held more: about 2 s of work), and other requests are served between
 * pages. The engine's page results come unrounded (`exact`) and are rounded once, by the
 * routes: pages rounded each to 6 dp would move a sum by half a micro-dollar per page, and
 * its 4 dp answer would then depend on where the pages fell. Adding up is all this file
 * does: which price applies,
 * what counts as cached or reasoning input and which UTC day an event falls on are the
 * engine's answers.
 */
import { costSummary, sessionCost, type CostSummary, type PricingOverrides } from "@agentlens/sdk/analysis";
import { setImmediate } from "node:timers";
import { decodeEvents, type EventRow } from "./store-read.js";
import type { StoreHandle } from "./store-handle.js";
import type { WireEvent } from "./types.js";

/** The engine's amounts unrounded: the pages' sums are rounded once, at the end. */
const EXACT = { exact: true } as const;

/** Rows decoded and priced at once. */
export const PAGE_EVENTS = 2_000;
/** The most events one request prices; beyond it the answer is marked `truncated`. */
export const MAX_PRICED_EVENTS = 200_000;

type Row = EventRow & { agent: string };

/** Which events a paged read selects: SQL over `events e` (and `sessions s` with `join`). */
export interface PageQuery {
  where: string;
  args: (string | number)[];
  join?: boolean;
}

/**
 * Reads the events `q` selects, oldest first, in pages (keyset over the `(ts_ms, seq)`
 * index), decoded; calls `onPage` with each page's rows and events. Returns how many
 * events were read and whether the cap stopped the read.
 */
export async function forEachPage(
  store: StoreHandle,
  q: PageQuery,
  onPage: (rows: Row[], events: WireEvent[]) => void,
): Promise<{ events: number; truncated: boolean }> {
  // CROSS JOIN keeps events as the outer loop, so each page is an index range, not a re-sort.
  const from = q.join ? "events e CROSS JOIN sessions s" : "events e";
  const on = q.join ? "s.session_id = e.session_id AND " : "";
  const agent = q.join ? "s.agent_name" : "NULL";
  const stmt = store.db.prepare(
    `SELECT e.*, ${agent} AS agent FROM ${from} WHERE ${on}(${q.where}) AND (e.ts_ms, e.seq) > (?, ?)
     ORDER BY e.ts_ms, e.seq LIMIT ?`,
  );
  let read = 0;
  let after: [number, number] = [Number.MIN_SAFE_INTEGER, -1];
  for (;;) {
    const want = Math.min(PAGE_EVENTS, MAX_PRICED_EVENTS - read);
    if (want <= 0) {
      const more = stmt.all(...q.args, after[0], after[1], 1).length > 0;
      return { events: read, truncated: more };
    }
    const rows = stmt.all(...q.args, after[0], after[1], want) as unknown as Row[];
    if (rows.length === 0) return { events: read, truncated: false };
    onPage(rows, await decodeEvents(store, rows));
    read += rows.length;
    // Let other requests in between pages: a long window must not stall ingestion.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const last = rows[rows.length - 1]!;
    after = [last.ts_ms, last.seq];
    if (rows.length < want) return { events: read, truncated: false };
  }
}

/** One model's roll-up across pages (input cost includes cached input; output includes reasoning). */
export interface ModelTotals {
  model: string;
  calls: number;
  tokensIn: number;
  tokensOut: number;
  input: number;
  cached: number;
  /** Prompt-cache writes. */
  cacheWrite: number;
  output: number;
  /** Audio, image and per-call cost. */
  other: number;
  total: number;
  matched: boolean;
}

/** One UTC day's cost across pages. */
export interface DayTotals {
  day: string;
  cost: number;
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  other: number;
}

/** The cost summary of a window, added up over pages of the engine's `CostSummary`. */
export interface WindowCosts {
  total: number;
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  other: number;
  models: Map<string, ModelTotals>;
  days: Map<string, DayTotals>;
  unmatched: string[];
  cachedPriceAssumed: boolean;
  cacheWritePriceAssumed: boolean;
  events: number;
  truncated: boolean;
}

/** The cost kinds the core added for the price catalog (issue 16), read whether or not the SDK's types name them yet. */
interface CatalogKinds {
  cache_write_cost?: number;
  other_cost?: number;
}

/** A page's summary with the totals of cache writes and other costs. */
type Summary = CostSummary & { total_cache_write_cost?: number; total_other_cost?: number; cache_write_price_assumed?: boolean };

function addSummary(w: WindowCosts, s: Summary): void {
  w.total += s.total_cost;
  w.input += s.total_input_cost;
  w.cached += s.total_cached_input_cost;
  w.cacheWrite += s.total_cache_write_cost ?? 0;
  w.output += s.total_output_cost;
  w.other += s.total_other_cost ?? 0;
  w.cachedPriceAssumed ||= s.cached_price_assumed;
  w.cacheWritePriceAssumed ||= s.cache_write_price_assumed === true;
  for (const m of s.by_model as (Summary["by_model"][number] & CatalogKinds)[]) {
    let t = w.models.get(m.model);
    if (!t) w.models.set(m.model, (t = { model: m.model, calls: 0, tokensIn: 0, tokensOut: 0, input: 0, cached: 0, cacheWrite: 0, output: 0, other: 0, total: 0, matched: m.matched }));
    t.calls += m.calls;
    t.tokensIn += m.tokens_in;
    t.tokensOut += m.tokens_out;
    t.input += m.input_cost;
    t.cached += m.cached_input_cost;
    t.cacheWrite += m.cache_write_cost ?? 0;
    t.output += m.output_cost + m.reasoning_cost;
    t.other += m.other_cost ?? 0;
    t.total += m.total_cost;
  }
  for (const d of s.daily_trend as (Summary["daily_trend"][number] & CatalogKinds)[]) {
    let t = w.days.get(d.day);
    if (!t) w.days.set(d.day, (t = { day: d.day, cost: 0, input: 0, cached: 0, cacheWrite: 0, output: 0, other: 0 }));
    t.cost += d.cost;
    t.input += d.input_cost;
    t.cached += d.cached_input_cost;
    t.cacheWrite += d.cache_write_cost ?? 0;
    t.output += d.output_cost;
    t.other += d.other_cost ?? 0;
  }
  for (const m of s.unmatched_models) if (!w.unmatched.includes(m)) w.unmatched.push(m);
}

/** The costs of the events that name a model since `sinceMs`, priced with `pricing`. */
export async function windowCosts(store: StoreHandle, sinceMs: number, pricing: PricingOverrides | undefined): Promise<WindowCosts> {
  const w: WindowCosts = {
    total: 0, input: 0, cached: 0, cacheWrite: 0, output: 0, other: 0, models: new Map(), days: new Map(),
    unmatched: [], cachedPriceAssumed: false, cacheWritePriceAssumed: false, events: 0, truncated: false,
  };
  const read = await forEachPage(store, { where: "e.ts_ms >= ? AND e.model IS NOT NULL", args: [sinceMs] }, (_rows, events) => {
    addSummary(w, costSummary(events, pricing, EXACT));
  });
  w.events = read.events;
  w.truncated = read.truncated;
  return w;
}

/** Per agent of the sessions started since `sinceMs`: their events' cost and how many carry a tool call. */
export interface AgentActivity {
  cost: Map<string, number>;
  toolCalls: Map<string, number>;
  events: number;
  truncated: boolean;
}

/** The cost (by the engine, with `pricing`) and tool calls of `agents`' sessions started since `sinceMs`. */
export async function agentActivity(store: StoreHandle, sinceMs: number, agents: string[], pricing: PricingOverrides | undefined): Promise<AgentActivity> {
  const out: AgentActivity = { cost: new Map(), toolCalls: new Map(), events: 0, truncated: false };
  if (agents.length === 0) return out;
  const wanted = new Set(agents);
  const read = await forEachPage(store, { where: "s.started_ms >= ? AND e.ts_ms >= ?", args: [sinceMs, sinceMs], join: true }, (rows, events) => {
    const byAgent = new Map<string, WireEvent[]>();
    rows.forEach((r, i) => {
      if (!wanted.has(r.agent)) return;
      const e = events[i]!;
      if (e.tool_call) out.toolCalls.set(r.agent, (out.toolCalls.get(r.agent) ?? 0) + 1);
      if (r.model !== null) (byAgent.get(r.agent) ?? byAgent.set(r.agent, []).get(r.agent)!).push(e);
    });
    for (const [agent, list] of byAgent) out.cost.set(agent, (out.cost.get(agent) ?? 0) + sessionCost(list, pricing, EXACT).total_cost);
  });
  out.events = read.events;
  out.truncated = read.truncated;
  return out;
}
