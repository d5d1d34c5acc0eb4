// Stored prices: PUT /pricing and DELETE /pricing/{model} with the AgentLens backend's
// contract (the Python SDK's set_pricing body), GET /pricing listing them, and every cost
// the collector reports priced with them: GET /pricing/costs/{id} and the forecast.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collector, call, get, post, PYTHON_SDK_BATCH } from "./helpers.mjs";

const SID = "a87237a69aa34bc0";
const put = (c, body) => call(c, "PUT", "/pricing", { body });
const del = (c, model) => call(c, "DELETE", `/pricing/${encodeURIComponent(model)}`);

/** The SDK's session (gpt-4o, 120 in / 45 out), a session of `my-model` calls today and yesterday, and one gpt-4o call today. */
async function seeded(t, options) {
  const c = await collector(t, options);
  const ts = (daysAgo, s) => new Date(Date.now() - daysAgo * 86_400_000 + s * 1000).toISOString();
  const mine = [
    { event_type: "session_start", session_id: "mine", agent_name: "priced", timestamp: ts(1, 0) },
    { event_id: "m1", session_id: "mine", event_type: "llm_call", model: "my-model", tokens_in: 1_000_000, tokens_out: 1_000_000, timestamp: ts(1, 1) },
    { event_id: "m2", session_id: "mine", event_type: "llm_call", model: "My-Model-v2", tokens_in: 2_000_000, tokens_out: 0, timestamp: ts(0, -60) },
  ];
  const fourO = [{ event_id: "g1", session_id: "recent-4o", event_type: "llm_call", model: "gpt-4o", tokens_in: 120, tokens_out: 45, timestamp: ts(0, -120) }];
  for (const events of [PYTHON_SDK_BATCH.events, mine, fourO]) assert.equal((await post(c, "/events", { events })).status, 200);
  return c;
}

test("set_pricing as the SDK sends it: {status, updated}; GET /pricing lists the stored price beside the defaults", async (t) => {
  const c = await seeded(t);
  const before = (await get(c, "/pricing")).body;
  assert.deepEqual(before.pricing, {});
  // The catalog's price now (issue 16): with its cached-input rate and its provider.
  assert.deepEqual(before.defaults["gpt-4o"], { input: 2.5, output: 10, cached_input: 1.25, provider: "openai", source: before.defaults["gpt-4o"].source });
  const r = await put(c, { pricing: { "my-model": { input_cost_per_1m: 1.5, output_cost_per_1m: 6 } } });
  assert.deepEqual([r.status, r.body], [200, { status: "ok", updated: 1, skipped: 0 }]);
  const after = (await get(c, "/pricing")).body;
  assert.deepEqual(Object.keys(after).sort(), ["catalog", "defaults", "pricing"]);
  assert.deepEqual(Object.keys(after.pricing), ["my-model"]);
  const p = after.pricing["my-model"];
  assert.deepEqual([p.input_cost_per_1m, p.output_cost_per_1m, p.currency], [1.5, 6, "USD"]);
  assert.ok(!Number.isNaN(Date.parse(p.updated_at)));
  assert.ok(!("cached_input_cost_per_1m" in p), "no cached price was given");
  const again = await put(c, { pricing: { "MY-MODEL ": { input_cost_per_1m: "2", output_cost_per_1m: 8, currency: "usd", cached_input_cost_per_1m: 0.5, reasoning_cost_per_1m: 9 } } });
  assert.deepEqual(again.body, { status: "ok", updated: 1, skipped: 0 }, "a numeric string is a price, as the backend's Number()");
  const replaced = (await get(c, "/pricing")).body.pricing;
  assert.deepEqual(Object.keys(replaced), ["my-model"], "the model is stored lower-cased and trimmed: the same model replaced");
  assert.deepEqual(
    [replaced["my-model"].input_cost_per_1m, replaced["my-model"].output_cost_per_1m, replaced["my-model"].cached_input_cost_per_1m, replaced["my-model"].reasoning_cost_per_1m, replaced["my-model"].currency],
    [2, 8, 0.5, 9, "USD"],
  );
});

test("entries the backend skips are skipped and counted; a missing or invalid pricing object is a 400", async (t) => {
  const c = await seeded(t);
  const r = await put(c, {
    pricing: {
      good: { input_cost_per_1m: 1, output_cost_per_1m: 2 },
      zero: { input_cost_per_1m: 0, output_cost_per_1m: 0 },
      negative: { input_cost_per_1m: -1, output_cost_per_1m: 2 },
      notanumber: { input_cost_per_1m: "abc", output_cost_per_1m: 2 },
      infinite: { input_cost_per_1m: "Infinity", output_cost_per_1m: 2 },
      missing: { input_cost_per_1m: 1 },
      nullprice: { input_cost_per_1m: null, output_cost_per_1m: 1 },
      badcached: { input_cost_per_1m: 1, output_cost_per_1m: 1, cached_input_cost_per_1m: -2 },
      euro: { input_cost_per_1m: 1, output_cost_per_1m: 1, currency: "EUR" },
      numbercurrency: { input_cost_per_1m: 1, output_cost_per_1m: 1, currency: 5 },
      notobject: 5,
      "   ": { input_cost_per_1m: 1, output_cost_per_1m: 1 },
      ["m".repeat(129)]: { input_cost_per_1m: 1, output_cost_per_1m: 1 },
    },
  });
  assert.deepEqual(r.body, { status: "ok", updated: 2, skipped: 11 });
  assert.deepEqual(Object.keys((await get(c, "/pricing")).body.pricing), ["good", "zero"]);
  assert.deepEqual((await put(c, { pricing: {} })).body, { status: "ok", updated: 0, skipped: 0 });
  const proto = await call(c, "PUT", "/pricing", { raw: '{"pricing":{"__proto__":{"input_cost_per_1m":1,"output_cost_per_1m":1}}}', headers: { "Content-Type": "application/json" } });
  assert.deepEqual(proto.body, { status: "ok", updated: 1, skipped: 0 });
  assert.deepEqual(Object.keys((await get(c, "/pricing")).body.pricing), ["__proto__", "good", "zero"], "a model named __proto__ is listed like any other");
  for (const body of [{}, { pricing: null }, { pricing: [] }, { pricing: "gpt-4o" }, { prices: {} }, [1]]) {
    assert.deepEqual(await put(c, body).then((x) => [x.status, x.body]), [400, { error: "Missing 'pricing' object in request body" }], JSON.stringify(body));
  }
  assert.deepEqual(await call(c, "PUT", "/pricing").then((x) => [x.status, x.body]), [400, { error: "Missing 'pricing' object in request body" }]);
  assert.equal((await call(c, "PUT", "/pricing", { raw: "{", headers: { "Content-Type": "application/json" } })).status, 400);
  const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`m${i}`, { input_cost_per_1m: 1, output_cost_per_1m: 1 }]));
  assert.deepEqual(await put(c, { pricing: many }).then((x) => [x.status, x.body]), [400, { error: "At most 1000 models per request" }]);
});

test("DELETE /pricing/{model}: {status, deleted}; 404 for a model with no stored price, 400 for a bad name", async (t) => {
  const c = await seeded(t);
  await put(c, { pricing: { "gpt-4o": { input_cost_per_1m: 100, output_cost_per_1m: 200 } } });
  assert.deepEqual(await del(c, "GPT-4o").then((r) => [r.status, r.body]), [200, { status: "ok", deleted: "gpt-4o" }], "matched case-insensitively");
  assert.deepEqual(await del(c, "gpt-4o").then((r) => [r.status, r.body]), [404, { error: "No stored price for this model" }]);
  assert.deepEqual(await del(c, "m".repeat(129)).then((r) => [r.status, r.body]), [400, { error: "Invalid model name" }]);
  assert.deepEqual(await del(c, " ").then((r) => [r.status, r.body]), [400, { error: "Invalid model name" }]);
  assert.deepEqual((await get(c, "/pricing")).body.pricing, {});
});

test("a stored price changes GET /pricing/costs/{id}; deleting it restores the default", async (t) => {
  const c = await seeded(t);
  const cost = async (id) => (await get(c, `/pricing/costs/${id}`)).body;
  const base = await cost(SID);
  assert.equal(base.total_cost, 0.00075, "gpt-4o's default: 120 in, 45 out");
  await put(c, { pricing: { "gpt-4o": { input_cost_per_1m: 100, output_cost_per_1m: 200 } } });
  const overridden = await cost(SID);
  assert.equal(overridden.total_cost, 0.021, "120 × 100 / 1M + 45 × 200 / 1M");
  assert.equal(overridden.total_input_cost, 0.012);
  assert.equal(overridden.total_output_cost, 0.009);
  assert.equal(overridden.pricing_used["gpt-4o"].input_per_1m, 100);
  const unpriced = await cost("mine");
  assert.deepEqual([unpriced.total_cost, unpriced.unmatched_models.sort()], [0, ["My-Model-v2", "my-model"].sort()]);
  await put(c, { pricing: { "my-model": { input_cost_per_1m: 1.5, output_cost_per_1m: 6 } } });
  const priced = await cost("mine");
  assert.equal(priced.total_cost, 10.5, "1M × 1.5 + 1M × 6, and my-model-v2 by prefix: 2M × 1.5");
  assert.deepEqual(priced.unmatched_models, []);
  await del(c, "gpt-4o");
  assert.equal((await cost(SID)).total_cost, 0.00075, "the default again");
  await del(c, "my-model");
  assert.equal((await cost("mine")).total_cost, 0);
});

test("a stored cache-write price prices prompt-cache writes apart from input (schema 5)", async (t) => {
  const c = await seeded(t);
  const events = [{
    event_id: "w1", session_id: "writes", event_type: "llm_call", model: "house-model", tokens_in: 1_000_000, tokens_out: 0,
    cached_input_tokens: 200_000, attributes: { cache_creation_input_tokens: 300_000 }, timestamp: new Date().toISOString(),
  }];
  assert.equal((await post(c, "/events", { events })).status, 200);
  await put(c, { pricing: { "house-model": { input_cost_per_1m: 2, output_cost_per_1m: 8, cached_input_cost_per_1m: 0.2 } } });
  const assumed = (await get(c, "/pricing/costs/writes")).body;
  // 500k plain at 2 + 200k read at 0.2 + 300k written at the input rate 2 (assumed, and said so).
  assert.deepEqual([assumed.total_cost, assumed.total_cache_write_cost, assumed.cache_write_price_assumed], [1.64, 0.6, true]);
  await put(c, { pricing: { "house-model": { input_cost_per_1m: 2, output_cost_per_1m: 8, cached_input_cost_per_1m: 0.2, cache_write_cost_per_1m: 2.5 } } });
  assert.equal((await get(c, "/pricing")).body.pricing["house-model"].cache_write_cost_per_1m, 2.5);
  const priced = (await get(c, "/pricing/costs/writes")).body;
  assert.deepEqual([priced.total_cost, priced.total_cache_write_cost, priced.cache_write_price_assumed], [1.79, 0.75, false]);
  assert.equal(priced.pricing_used["house-model"].cache_write_per_1m, 2.5);
  const bad = await put(c, { pricing: { "house-model": { input_cost_per_1m: 2, output_cost_per_1m: 8, cache_write_cost_per_1m: -1 } } });
  assert.deepEqual(bad.body, { status: "ok", updated: 0, skipped: 1 }, "a negative write price is skipped like any other");
});

test("a stored price changes the forecast's costs; deleting it restores the default, or leaves a model unpriced again", async (t) => {
  const c = await seeded(t);
  const forecast = async () => (await get(c, "/analysis/forecast?days=3&history_days=7")).body;
  const before = await forecast();
  assert.equal(before.unpriced, 2);
  assert.deepEqual(before.unpriced_models.map((m) => m.toLowerCase()).sort(), ["my-model", "my-model-v2"]);
  assert.equal(before.summary.total_cost, 0.00075, "only today's gpt-4o call is priced (the SDK batch is older than 7 days)");
  await put(c, { pricing: { "my-model": { input_cost_per_1m: 1.5, output_cost_per_1m: 6 }, "gpt-4o": { input_cost_per_1m: 100, output_cost_per_1m: 200 } } });
  const after = await forecast();
  assert.equal(after.unpriced, 0);
  assert.equal(after.summary.total_cost, 10.521, "10.5 of my-model and 0.021 of gpt-4o at the stored price");
  assert.ok(after.forecast.total_predicted_cost > before.forecast.total_predicted_cost);
  await del(c, "gpt-4o");
  assert.equal((await forecast()).summary.total_cost, 10.50075, "gpt-4o at its default again");
  await del(c, "my-model");
  const again = await forecast();
  assert.equal(again.unpriced, 2);
  assert.equal(again.summary.total_cost, before.summary.total_cost);
});

test("pricing writes need the API key when one is set", async (t) => {
  const c = await collector(t, { apiKey: "k-9" });
  assert.equal((await put(c, { pricing: {} })).status, 401);
  assert.equal((await del(c, "gpt-4o")).status, 401);
  assert.equal((await call(c, "PUT", "/pricing", { body: { pricing: {} }, headers: { "X-API-Key": "k-9" } })).status, 200);
});
