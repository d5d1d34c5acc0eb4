/**
 * `GET|PUT /pricing`, `DELETE /pricing/{model}`, `GET /pricing/costs/{id}` (priced by the
 * core over the price catalog, with the stored prices over it), the catalog's own routes
 * (`price-catalog.ts`) and `GET /analytics`.
 */
import { pricingLookup, sessionCost } from "@agentlens/sdk/analysis";
import { HttpError, parseJson, readBody, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { deletePrice, putPrices, storedPrices, storedPricing, type PriceInput } from "../store-pricing.js";
import { decodeEvents, getStoredSession, sessionEventRows } from "../store-read.js";
import { catalogDefaults, catalogRoutes, catalogSummary } from "./price-catalog.js";
import { sessionParam } from "./sessions.js";

const MAX_MODEL = 128;
const MAX_MODELS_PER_PUT = 1000;

function pricing(ctx: Context): void {
  // No prototype: a model named `__proto__` is a key like any other.
  const stored: Record<string, unknown> = Object.create(null);
  for (const r of storedPrices(ctx.store)) {
    stored[r.model] = {
      input_cost_per_1m: r.input_cost_per_1m,
      output_cost_per_1m: r.output_cost_per_1m,
      ...(r.cached_input_cost_per_1m !== null ? { cached_input_cost_per_1m: r.cached_input_cost_per_1m } : {}),
      ...(r.reasoning_cost_per_1m !== null ? { reasoning_cost_per_1m: r.reasoning_cost_per_1m } : {}),
      ...(r.cache_write_cost_per_1m !== null ? { cache_write_cost_per_1m: r.cache_write_cost_per_1m } : {}),
      currency: r.currency,
      updated_at: r.updated_at,
    };
  }
  sendJson(ctx.res, 200, { pricing: stored, defaults: catalogDefaults(), catalog: catalogSummary() });
}

/** A price given as a number or a numeric string (the backend's `Number(...)`); NaN otherwise. */
const price = (v: unknown): number => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN);

/**
 * One model's entry of `PUT /pricing` as a price to store, or `null` to skip it (as the
 * AgentLens backend skips non-finite and negative prices): the core checks it as it checks
 * every override, so a stored price never makes a cost fail. Only USD is priced.
 */
function priceEntry(model: string, v: unknown): PriceInput | null {
  const name = model.trim().toLowerCase();
  if (name === "" || name.length > MAX_MODEL || typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const e = v as Record<string, unknown>;
  const p: PriceInput = { model: name, input_cost_per_1m: price(e.input_cost_per_1m), output_cost_per_1m: price(e.output_cost_per_1m) };
  if (e.cached_input_cost_per_1m !== undefined && e.cached_input_cost_per_1m !== null) p.cached_input_cost_per_1m = price(e.cached_input_cost_per_1m);
  if (e.reasoning_cost_per_1m !== undefined && e.reasoning_cost_per_1m !== null) p.reasoning_cost_per_1m = price(e.reasoning_cost_per_1m);
  if (e.cache_write_cost_per_1m !== undefined && e.cache_write_cost_per_1m !== null) p.cache_write_cost_per_1m = price(e.cache_write_cost_per_1m);
  const currency = e.currency ?? "USD";
  if (typeof currency !== "string") return null;
  try {
    const override = { model: name, input_per_1m: p.input_cost_per_1m, output_per_1m: p.output_cost_per_1m, cached_input_per_1m: p.cached_input_cost_per_1m, reasoning_per_1m: p.reasoning_cost_per_1m, cache_write_per_1m: p.cache_write_cost_per_1m, currency };
    pricingLookup(name, [override]);
  } catch {
    return null; // a negative or non-finite rate, or a currency other than USD
  }
  return p;
}

async function putPricing(ctx: Context): Promise<void> {
  const bytes = await readBody(ctx.req, ctx.config.maxBodyBytes);
  const b = bytes.length === 0 ? undefined : parseJson(bytes);
  const given = typeof b === "object" && b !== null && !Array.isArray(b) ? (b as { pricing?: unknown }).pricing : undefined;
  if (typeof given !== "object" || given === null || Array.isArray(given)) throw new HttpError(400, "Missing 'pricing' object in request body");
  const entries = Object.entries(given);
  if (entries.length > MAX_MODELS_PER_PUT) throw new HttpError(400, `At most ${MAX_MODELS_PER_PUT} models per request`);
  const prices = entries.map(([model, v]) => priceEntry(model, v)).filter((p): p is PriceInput => p !== null);
  const updated = putPrices(ctx.store, prices);
  sendJson(ctx.res, 200, { status: "ok", updated, skipped: entries.length - updated });
}

function deletePricing(ctx: Context): void {
  const model = (ctx.params.model ?? "").trim().toLowerCase();
  if (model === "" || model.length > MAX_MODEL) throw new HttpError(400, "Invalid model name");
  if (!deletePrice(ctx.store, model)) throw new HttpError(404, "No stored price for this model");
  sendJson(ctx.res, 200, { status: "ok", deleted: model });
}

async function costs(ctx: Context): Promise<void> {
  const id = sessionParam(ctx);
  const row = getStoredSession(ctx.store, id);
  if (!row) throw new HttpError(404, "Session not found");
  const events = await decodeEvents(ctx.store, sessionEventRows(ctx.store, id));
  sendJson(ctx.res, 200, { ...sessionCost(events, storedPricing(ctx.store)), session_id: id, agent_name: row.agent_name });
}

function analytics(ctx: Context): void {
  const db = ctx.store.db;
  const one = (sql: string) => db.prepare(sql).get() as Record<string, number | string | null>;
  const all = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
  // The totals the writer stored by the core's rule.
  const totals = "total_tokens_in";
  const totalsOut = "total_tokens_out";
  const o = one(`SELECT COUNT(*) AS total_sessions,
      SUM(status = 'active') AS active_sessions, SUM(status = 'completed') AS completed_sessions, SUM(status = 'error') AS error_sessions,
      COALESCE(SUM(${totals}), 0) AS tin, COALESCE(SUM(${totalsOut}), 0) AS tout,
      MIN(started_at) AS earliest_session, MAX(started_at) AS latest_session FROM sessions`);
  const total = Number(o.total_sessions ?? 0);
  const tin = Number(o.tin ?? 0);
  const tout = Number(o.tout ?? 0);
  const d = one("SELECT AVG(ended_ms - started_ms) AS avg_ms, MIN(ended_ms - started_ms) AS min_ms, MAX(ended_ms - started_ms) AS max_ms FROM sessions WHERE ended_ms IS NOT NULL");
  sendJson(ctx.res, 200, {
    overview: {
      total_sessions: total,
      active_sessions: Number(o.active_sessions ?? 0),
      completed_sessions: Number(o.completed_sessions ?? 0),
      error_sessions: Number(o.error_sessions ?? 0),
      error_rate: total ? Math.round((Number(o.error_sessions ?? 0) / total) * 10000) / 100 : 0,
      total_events: Number(one("SELECT COUNT(*) AS n FROM events").n ?? 0),
      total_tokens: tin + tout,
      total_tokens_in: tin,
      total_tokens_out: tout,
      avg_tokens_per_session: total ? Math.round((tin + tout) / total) : 0,
      earliest_session: o.earliest_session ?? null,
      latest_session: o.latest_session ?? null,
    },
    duration: { avg_ms: d.avg_ms === null ? null : Math.round(Number(d.avg_ms)), min_ms: d.min_ms, max_ms: d.max_ms },
    top_agents: all(`SELECT agent_name, COUNT(*) AS session_count, SUM(${totals} + ${totalsOut}) AS total_tokens
      FROM sessions GROUP BY agent_name ORDER BY session_count DESC, agent_name LIMIT 10`),
    model_usage: all(`SELECT model, COUNT(*) AS call_count, SUM(tokens_in) AS tokens_in, SUM(tokens_out) AS tokens_out,
      AVG(duration_ms) AS avg_duration_ms FROM events WHERE model IS NOT NULL AND model != '' GROUP BY model ORDER BY call_count DESC`),
    event_types: all("SELECT event_type, COUNT(*) AS count FROM events GROUP BY event_type ORDER BY count DESC"),
    sessions_over_time: all(`SELECT * FROM (SELECT date(started_ms / 1000, 'unixepoch') AS day, COUNT(*) AS count
      FROM sessions GROUP BY day ORDER BY day DESC LIMIT 90) ORDER BY day ASC`),
    hourly_activity: all("SELECT CAST(strftime('%H', ts_ms / 1000, 'unixepoch') AS INTEGER) AS hour, COUNT(*) AS count FROM events GROUP BY hour ORDER BY hour"),
  });
}

export const pricingRoutes: Route[] = [
  {
    method: "GET",
    path: "/pricing",
    auth: true,
    handle: pricing,
    doc: {
      summary:
        "Model prices, USD per 1M tokens: {pricing: the stored prices by model (they win over the catalog), defaults: the catalog's price in force today of each model of openai, anthropic, google, mistral, deepseek, x-ai, cohere and meta {input, output, cached_input?, cache_write?, provider, effective_from?, source}, catalog: {source, providers, models, path, kind} (null without one)}",
      errors: [401],
    },
  },
  {
    method: "PUT",
    path: "/pricing",
    auth: true,
    handle: putPricing,
    doc: {
      summary: "Stores model prices, used by every cost the collector reports: {status: \"ok\", updated, skipped}",
      body: "{pricing: {model: {input_cost_per_1m, output_cost_per_1m, cached_input_cost_per_1m?, reasoning_cost_per_1m?, cache_write_cost_per_1m?, currency? (USD only)}}}; an entry with a negative or non-finite price is skipped",
      errors: [400, 401, 413, 415],
    },
  },
  {
    method: "DELETE",
    path: "/pricing/{model}",
    auth: true,
    handle: deletePricing,
    doc: { summary: "Deletes a stored price (the default applies again): {status: \"ok\", deleted}", params: [{ name: "model", in: "path" }], errors: [400, 401, 404] },
  },
  {
    method: "GET",
    path: "/pricing/costs/{id}",
    auth: true,
    handle: costs,
    doc: {
      summary:
        "A session's cost by event and model, as the core's SessionCost: every token kind (cached input, cache writes, reasoning, other), each event's provider, price source, date and tier, prices_used (a session spanning a price change lists both periods); unmatched models listed",
      params: [{ name: "id", in: "path" }],
      errors: [400, 401, 404],
    },
  },
  ...catalogRoutes,
  { method: "GET", path: "/analytics", auth: true, handle: analytics, doc: { summary: "Overview, durations, agents, models, event types, sessions per day, activity per hour", errors: [401] } },
];
