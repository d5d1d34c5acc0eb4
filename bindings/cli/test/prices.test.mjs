// The collector's price catalog (issue 16): read at start from <dataDir>/prices/genai-prices.json
// (else the SDK's bundled file), handed to every wasm instance (after a recycle, in the
// analysis worker), served at GET /pricing/catalog, reloaded by POST /pricing/reload, and
// under the prices users store with PUT /pricing.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { recycleWasm } from "../dist/collector/engine.js";
import { AnalysisRunner } from "../dist/collector/analysis-runner.js";
import { bundledCatalogPath } from "../dist/collector/prices.js";
import { call, collector, get, post, tempDir } from "./helpers.mjs";
import { DATED } from "./prices-fixture.mjs";

/** A collector over a data directory holding `catalog` as its installed file. */
async function withCatalog(t, catalog, options = {}) {
  const dir = tempDir(t);
  mkdirSync(join(dir, "prices"), { recursive: true });
  writeFileSync(join(dir, "prices", "genai-prices.json"), typeof catalog === "string" ? catalog : JSON.stringify(catalog));
  const c = await collector(t, { dbPath: join(dir, "agentlens.db"), ...options });
  return Object.assign(c, { dataDir: dir });
}

const call1 = (id, ts, model = "acme-large", extra = {}) => ({ event_id: id, session_id: "span", event_type: "llm_call", model, tokens_in: 1_000_000, tokens_out: 1_000_000, timestamp: ts, ...extra });

/** One session with a call before the price change, one after, and one of an unknown model. */
const SPANNING = [
  { event_type: "session_start", session_id: "span", agent_name: "a", timestamp: "2026-02-27T10:00:00Z" },
  call1("e1", "2026-02-28T10:00:00Z"),
  call1("e2", "2026-03-02T10:00:00Z"),
  call1("e3", "2026-03-02T11:00:00Z", "nobody-prices-this-model"),
];

test("a session spanning a price change is priced by period; prices_used lists both periods; an unknown model is unmatched", async (t) => {
  const c = await withCatalog(t, DATED);
  assert.equal((await post(c, "/events", { events: SPANNING })).status, 200);
  const r = await get(c, "/pricing/costs/span");
  assert.equal(r.status, 200);
  const b = r.body;
  // 1M in + 1M out at 4/16, then at 1/4.
  assert.equal(b.total_cost, 20 + 5);
  const byId = Object.fromEntries(b.event_costs.map((e) => [e.event_id, e]));
  assert.equal(byId.e1.total_cost, 20);
  assert.equal(byId.e2.total_cost, 5);
  assert.deepEqual([byId.e2.price_date, byId.e2.pricing_provider, byId.e2.pricing_source], ["2026-03-01", "acme", "test-prices 7"]);
  assert.notEqual(byId.e1.price_date, "2026-03-01");
  const periods = b.prices_used.filter((p) => p.model === "acme-large").map((p) => [p.input_per_1m, p.output_per_1m, p.effective_from ?? null]);
  assert.deepEqual(periods.sort(), [[1, 4, "2026-03-01"], [4, 16, null]]);
  assert.ok(b.prices_used.every((p) => p.provider === "acme"), "each price names its provider");
  assert.deepEqual(b.unmatched_models, ["nobody-prices-this-model"]);
  for (const k of ["total_cache_write_cost", "total_other_cost", "cache_write_tokens", "cache_write_price_assumed"]) assert.ok(k in b, `the core's ${k} is passed through`);
});

test("GET /pricing: the stored prices, the catalog's prices in force today and the catalog's source", async (t) => {
  const c = await withCatalog(t, DATED);
  const b = (await get(c, "/pricing")).body;
  assert.deepEqual(Object.keys(b).sort(), ["catalog", "defaults", "pricing"]);
  assert.deepEqual(b.pricing, {});
  assert.equal(b.catalog.source.name, "test-prices");
  assert.equal(b.catalog.source.version, "7");
  assert.deepEqual([b.catalog.providers, b.catalog.models, b.catalog.kind], [1, 1, "installed"]);
  assert.equal(b.catalog.path, join(c.dataDir, "prices", "genai-prices.json"));
  // acme is no first-party provider of the defaults list: the test catalog lists nothing there.
  assert.deepEqual(b.defaults, {});
});

test("the bundled catalog: o3 costs 10/40 before 2025-06-10 and 2/8 from it; GET /pricing lists first-party models", async (t) => {
  const c = await collector(t);
  const b = (await get(c, "/pricing")).body;
  assert.equal(b.catalog.kind, "bundled");
  assert.equal(b.catalog.path, bundledCatalogPath());
  assert.equal(b.catalog.source.name, "genai-prices");
  assert.ok(b.catalog.models > 1000, "the whole catalog is loaded");
  assert.deepEqual([b.defaults.o3.input, b.defaults.o3.output, b.defaults.o3.provider], [2, 8, "openai"]);
  assert.ok(b.defaults["gpt-4o"] && b.defaults["claude-3-haiku"], "the names the backend listed are kept");
  assert.ok(Object.values(b.defaults).every((p) => ["openai", "anthropic", "google", "mistral", "deepseek", "x-ai", "cohere", "meta"].includes(p.provider)));
  assert.ok(JSON.stringify(b).length < 120_000, "the answer stays small");
  const events = [
    { event_type: "session_start", session_id: "o3", agent_name: "a", timestamp: "2025-06-09T10:00:00Z" },
    { event_id: "before", session_id: "o3", event_type: "llm_call", model: "o3", tokens_in: 1_000_000, tokens_out: 1_000_000, timestamp: "2025-06-09T10:00:00Z" },
    { event_id: "after", session_id: "o3", event_type: "llm_call", model: "o3", tokens_in: 1_000_000, tokens_out: 1_000_000, timestamp: "2025-06-10T10:00:00Z" },
  ];
  assert.equal((await post(c, "/events", { events })).status, 200);
  const cost = (await get(c, "/pricing/costs/o3")).body;
  const byId = Object.fromEntries(cost.event_costs.map((e) => [e.event_id, e.total_cost]));
  assert.deepEqual(byId, { before: 50, after: 10 });
  assert.deepEqual(cost.prices_used.map((p) => [p.input_per_1m, p.output_per_1m]).sort((x, y) => x[0] - y[0]), [[2, 8], [10, 40]]);
});

test("PUT /pricing wins over the catalog", async (t) => {
  const c = await withCatalog(t, DATED);
  assert.equal((await post(c, "/events", { events: SPANNING })).status, 200);
  assert.equal((await call(c, "PUT", "/pricing", { body: { pricing: { "acme-large": { input_cost_per_1m: 2, output_cost_per_1m: 3 } } } })).body.updated, 1);
  const b = (await get(c, "/pricing/costs/span")).body;
  assert.equal(b.total_cost, 2 * (2 + 3), "both calls at the stored price, whatever the period");
  assert.ok(b.prices_used.some((p) => p.model === "acme-large" && p.source === "collector"));
  assert.equal((await call(c, "DELETE", "/pricing/acme-large")).status, 200);
  assert.equal((await get(c, "/pricing/costs/span")).body.total_cost, 25, "the catalog applies again");
});

test("the same cost after the wasm instance was replaced and in the analysis worker", async (t) => {
  const c = await withCatalog(t, DATED);
  assert.equal((await post(c, "/events", { events: SPANNING })).status, 200);
  const before = (await get(c, "/pricing/costs/span")).body.total_cost;
  assert.equal(before, 25);
  assert.equal(recycleWasm(0), true, "a high-water mark of 0 forces a fresh instance");
  assert.equal((await get(c, "/pricing/costs/span")).body.total_cost, before, "the fresh instance was handed the catalog again");
  const runner = new AnalysisRunner();
  t.after(() => runner.close());
  const events = SPANNING.filter((e) => e.event_type === "llm_call");
  const out = await runner.run("forecast", { events, days: 7, method: "average" });
  assert.equal(out.summary.total_cost, before, "the worker's instance prices with the same catalog");
  assert.equal(out.summary.model_breakdown["acme-large"].cost, before);
  assert.deepEqual(out.unpriced_models, ["nobody-prices-this-model"]);
});

test("GET /pricing/catalog serves the catalog in use; POST /pricing/reload reads the file again and refuses a bad one", async (t) => {
  const c = await withCatalog(t, DATED, { apiKey: "k" });
  const key = { "X-API-Key": "k" };
  const file = join(c.dataDir, "prices", "genai-prices.json");
  assert.equal((await get(c, "/pricing/catalog")).status, 401, "the catalog needs the key as every read does");
  const served = await get(c, "/pricing/catalog", key);
  assert.equal(served.status, 200);
  assert.deepEqual(served.body, DATED);
  const tag = served.headers.get("etag");
  assert.equal((await get(c, "/pricing/catalog", { ...key, "If-None-Match": tag })).status, 304);
  assert.equal((await post(c, "/pricing/reload", undefined)).status, 401, "reloading needs the key");

  const cheaper = structuredClone(DATED);
  cheaper.source.version = "8";
  cheaper.providers[0].models[0].prices[1].prices = { input_mtok: 0.5, output_mtok: 2 };
  writeFileSync(file, JSON.stringify(cheaper));
  const r = await post(c, "/pricing/reload", undefined, key);
  assert.equal(r.status, 200);
  assert.deepEqual([r.body.catalog.source.version, r.body.catalog.models], ["8", 1]);
  assert.equal((await get(c, "/pricing", key)).body.catalog.source.version, "8");
  assert.notEqual((await get(c, "/pricing/catalog", key)).headers.get("etag"), tag);

  const bad = structuredClone(DATED);
  bad.providers[0].models.push({ id: "broken-model", match: { equals: "broken-model" }, prices: { input_mtok: -1 } });
  writeFileSync(file, JSON.stringify(bad));
  const refused = await post(c, "/pricing/reload", undefined, key);
  assert.equal(refused.status, 400);
  assert.match(refused.body.error, /broken-model/, "the bad entry is named");
  assert.equal((await get(c, "/pricing", key)).body.catalog.source.version, "8", "the catalog in use is kept");
  assert.deepEqual((await get(c, "/pricing/catalog", key)).body, cheaper, "the text served is the one in use");
});

test("a bad installed file at start: the bundled catalog is used and the reason logged", async (t) => {
  const logged = [];
  const c = await withCatalog(t, "{not json", { log: (level, message) => logged.push([level, message]) });
  const b = (await get(c, "/pricing")).body;
  assert.equal(b.catalog.kind, "bundled");
  assert.ok(logged.some(([level, m]) => level === "warn" && m.includes("price catalog")), JSON.stringify(logged));
  assert.equal(readFileSync(join(c.dataDir, "prices", "genai-prices.json"), "utf8"), "{not json", "the file is left as it was");
});

test("GET /analytics/costs carries cache write and other costs", async (t) => {
  const c = await withCatalog(t, DATED);
  const now = new Date().toISOString();
  const events = [{ event_type: "session_start", session_id: "s", agent_name: "a", timestamp: now }, call1("x1", now, "acme-large", { session_id: "s" })];
  assert.equal((await post(c, "/events", { events })).status, 200);
  const b = (await get(c, "/analytics/costs")).body;
  assert.equal(b.total_cost, 5);
  for (const k of ["total_cache_write_cost", "total_other_cost", "cache_write_price_assumed"]) assert.ok(k in b, k);
  for (const k of ["cache_write_cost", "other_cost"]) assert.ok(k in b.by_model[0] && k in b.daily_trend[0], k);
});

test("after POST /pricing/reload the analysis worker prices with the new catalog too", async (t) => {
  const c = await withCatalog(t, DATED);
  const now = Date.now();
  const at = (h) => new Date(now - h * 3_600_000).toISOString();
  const events = [
    { event_type: "session_start", session_id: "s", agent_name: "a", timestamp: at(50) },
    call1("w1", at(49), "acme-large", { session_id: "s" }),
    call1("w2", at(1), "acme-large", { session_id: "s" }),
  ];
  assert.equal((await post(c, "/events", { events })).status, 200);
  const first = await get(c, "/analysis/forecast?method=average");
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.summary.total_cost, 10, "two calls at 1/4 per 1M");
  const cheaper = structuredClone(DATED);
  cheaper.providers[0].models[0].prices[1].prices = { input_mtok: 0.5, output_mtok: 2 };
  writeFileSync(join(c.dataDir, "prices", "genai-prices.json"), JSON.stringify(cheaper));
  assert.equal((await post(c, "/pricing/reload", undefined)).status, 200);
  assert.equal((await get(c, "/analysis/forecast?method=average")).body.summary.total_cost, 5, "the worker of before the reload was replaced");
  assert.equal((await get(c, "/pricing/costs/s")).body.total_cost, 5, "and the main thread agrees");
});
