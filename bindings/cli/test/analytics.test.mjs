// The AgentLens backend's analytics routes against a real collector fed the Python SDK's
// event shapes: GET /analytics/performance, /analytics/heatmap, /heatmap, /analytics/costs,
// /leaderboard and the /webhooks 501s. Expected figures are derived here from the seeded
// events (and the core's own price table, read through GET /pricing), not copied from a run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collector, call, get, post } from "./helpers.mjs";
import { DAY, percentile, r2, r4, seed } from "./analytics-seed.mjs";

const LATENCY_KEYS = ["avg", "max", "min", "p50", "p75", "p90", "p95", "p99"];

function latencyOf(durations) {
  const out = {};
  for (const p of [50, 75, 90, 95, 99]) out[`p${p}`] = r2(percentile(durations, p));
  out.avg = r2(durations.reduce((a, b) => a + b, 0) / durations.length);
  out.min = Math.min(...durations);
  out.max = Math.max(...durations);
  return out;
}

const timed = (records, now, days) => records.filter((e) => e.duration_ms > 0 && Date.parse(e.timestamp) >= now - days * DAY);

test("GET /analytics/performance: percentiles, throughput, efficiency, by model and by event type, as the backend's keys", async (t) => {
  const c = await collector(t);
  const { records, now } = await seed(c);
  const r = await get(c, "/analytics/performance");
  assert.equal(r.status, 200);
  const b = r.body;
  assert.deepEqual(Object.keys(b).sort(), ["by_event_type", "by_model", "efficiency", "filters", "latency", "period_days", "sample_size", "throughput"]);
  assert.equal(b.period_days, 30);
  assert.deepEqual(b.filters, { agent: null, model: null });
  const sel = timed(records, now, 30);
  assert.equal(b.sample_size, sel.length);
  assert.deepEqual(b.latency, latencyOf(sel.map((e) => e.duration_ms)));
  const tin = sel.reduce((a, e) => a + e.tokens_in, 0);
  const tout = sel.reduce((a, e) => a + e.tokens_out, 0);
  const ms = sel.reduce((a, e) => a + e.duration_ms, 0);
  const times = sel.map((e) => Date.parse(e.timestamp));
  const hours = Math.max(1, Math.max(...times) - Math.min(...times)) / 3_600_000;
  assert.deepEqual(b.throughput, {
    total_events: sel.length,
    total_tokens: tin + tout,
    events_per_hour: r2(sel.length / hours),
    tokens_per_hour: Math.round((tin + tout) / hours),
    tokens_per_second: r2((tin + tout) / (ms / 1000)),
  });
  assert.deepEqual(b.efficiency, {
    avg_tokens_per_event: Math.round((tin + tout) / sel.length),
    avg_tokens_in_per_event: Math.round(tin / sel.length),
    avg_tokens_out_per_event: Math.round(tout / sel.length),
    output_input_ratio: Math.round((tout / tin) * 1000) / 1000,
    avg_duration_per_token_ms: Math.round((ms / (tin + tout)) * 1000) / 1000,
  });
  // By model: events without a model are "(unknown)"; largest total duration first.
  const models = Map.groupBy(sel, (e) => e.model ?? "(unknown)");
  assert.deepEqual(Object.keys(b.by_model).sort(), [...models.keys()].sort());
  for (const [model, list] of models) {
    const m = b.by_model[model];
    const total = list.reduce((a, e) => a + e.tokens_in + e.tokens_out, 0);
    assert.equal(m.count, list.length, model);
    assert.deepEqual(m.latency, latencyOf(list.map((e) => e.duration_ms)), model);
    assert.equal(m.tokens.total, total, model);
    assert.equal(m.tokens.avg_per_call, Math.round(total / list.length), model);
    assert.equal(typeof m.tokens_per_second, "number");
  }
  const durations = Object.values(b.by_model).map((m) => m.latency.avg * m.count);
  assert.deepEqual(durations, [...durations].sort((x, y) => y - x), "by_model: largest total duration first");
  // By event type: {count, p50 … max} flat, most frequent first.
  const types = Map.groupBy(sel, (e) => e.event_type);
  assert.deepEqual(Object.keys(b.by_event_type), [...types.keys()].sort((x, y) => types.get(y).length - types.get(x).length || x.localeCompare(y)));
  for (const [type, list] of types) assert.deepEqual(b.by_event_type[type], { count: list.length, ...latencyOf(list.map((e) => e.duration_ms)) }, type);
  assert.deepEqual(Object.keys(b.by_event_type.llm_call).filter((k) => k !== "count").sort(), LATENCY_KEYS);
});

test("GET /analytics/performance: agent and model filters, days clamped, an empty window answers nulls", async (t) => {
  const c = await collector(t);
  const { records, now } = await seed(c);
  const alpha = new Set(["alpha-1", "alpha-2", "alpha-3", "alpha-old"]);
  const agent = (await get(c, "/analytics/performance?agent=alpha")).body;
  const mine = timed(records, now, 30).filter((e) => alpha.has(e.session_id));
  assert.equal(agent.sample_size, mine.length);
  assert.deepEqual(agent.filters, { agent: "alpha", model: null });
  assert.deepEqual(agent.latency, latencyOf(mine.map((e) => e.duration_ms)));
  const both = (await get(c, "/analytics/performance?agent=alpha&model=gpt-4o&days=365")).body;
  const gpt = timed(records, now, 365).filter((e) => alpha.has(e.session_id) && e.model === "gpt-4o");
  assert.equal(both.sample_size, gpt.length);
  assert.equal(both.period_days, 365);
  assert.deepEqual(Object.keys(both.by_model), ["gpt-4o"]);
  assert.equal(both.latency.max, 1000, "the 100-day-old call is inside 365 days");
  assert.equal((await get(c, "/analytics/performance?days=100000")).body.period_days, 365);
  assert.equal((await get(c, "/analytics/performance?days=-4")).body.period_days, 1);
  assert.equal((await get(c, "/analytics/performance?days=abc")).body.period_days, 30);
  const empty = (await get(c, "/analytics/performance?days=1")).body;
  assert.deepEqual(empty, { period_days: 1, filters: { agent: null, model: null }, sample_size: 0, latency: null, throughput: null, efficiency: null, by_model: {}, by_event_type: {} });
  assert.equal((await get(c, "/analytics/performance?model=nope")).body.sample_size, 0);
});

function expectedGrid(items, value) {
  const g = Array.from({ length: 7 }, () => new Array(24).fill(0));
  for (const e of items) {
    const d = new Date(e.timestamp);
    g[d.getUTCDay()][d.getUTCHours()] += value(e);
  }
  return g;
}

test("GET /analytics/heatmap: a 7×24 matrix (Sunday = 0, UTC) of events, tokens or sessions, with cells, totals and peak", async (t) => {
  const c = await collector(t);
  const { events, records } = await seed(c);
  const recent = (list) => list.filter((e) => Date.parse(e.timestamp) >= Date.now() - 30 * DAY);
  const cases = {
    events: expectedGrid(recent(records), () => 1),
    tokens: expectedGrid(recent(records), (e) => e.tokens_in + e.tokens_out),
    sessions: expectedGrid(recent(events.filter((e) => e.event_type === "session_start")), () => 1),
  };
  for (const [metric, grid] of Object.entries(cases)) {
    const b = (await get(c, `/analytics/heatmap?metric=${metric}`)).body;
    assert.deepEqual(Object.keys(b).sort(), ["cells", "day_totals", "hour_totals", "matrix", "max_value", "metric", "peak", "period_days"]);
    assert.equal(b.metric, metric);
    assert.equal(b.period_days, 30);
    assert.deepEqual(b.matrix, grid, metric);
    const max = Math.max(...grid.flat());
    assert.equal(b.max_value, max);
    assert.equal(b.peak.value, max);
    assert.equal(grid[b.peak.day][b.peak.hour], max);
    assert.equal(b.peak.day_name, ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][b.peak.day]);
    assert.equal(b.cells.length, grid.flat().filter((v) => v > 0).length);
    for (const cell of b.cells) {
      assert.equal(cell.value, grid[cell.day][cell.hour]);
      assert.equal(cell.intensity, r2(cell.value / max));
    }
    assert.deepEqual(b.day_totals.map((d) => d.total), grid.map((row) => row.reduce((a, v) => a + v, 0)));
    assert.deepEqual(b.hour_totals.map((h) => h.hour), [...Array(24).keys()]);
  }
  assert.equal((await get(c, "/analytics/heatmap")).body.metric, "events", "events by default");
  const old = (await get(c, "/analytics/heatmap?days=365")).body;
  assert.equal(old.matrix.flat().reduce((a, v) => a + v, 0), records.length, "365 days holds the old session too");
  const bad = await get(c, "/analytics/heatmap?metric=cost");
  assert.deepEqual([bad.status, bad.body.error], [400, 'metric must be "events", "sessions", or "tokens"']);
});

test("GET /heatmap: grid, intensity and stats by agent and time range; a bad metric or time is a 400", async (t) => {
  const c = await collector(t);
  const { events, records, t0 } = await seed(c);
  const betaEvents = records.filter((e) => e.session_id.startsWith("beta-"));
  const b = (await get(c, "/heatmap?agent=beta")).body;
  assert.deepEqual(Object.keys(b).sort(), ["days", "filters", "grid", "intensity", "metric", "stats"]);
  assert.equal(b.days[0], "Sunday");
  const grid = expectedGrid(betaEvents, () => 1);
  assert.deepEqual(b.grid, grid);
  assert.deepEqual(b.filters, { agent: "beta", from: null, to: null });
  assert.equal(b.stats.total, betaEvents.length);
  assert.equal(b.stats.peak.value, Math.max(...grid.flat()));
  assert.equal(b.stats.quietest.value, 0);
  assert.deepEqual(Object.keys(b.stats).sort(), ["busiestDay", "dayTotals", "hourTotals", "peak", "quietest", "total", "weekendVsWeekday"]);
  assert.equal(b.stats.hourTotals.length, 24);
  assert.equal(Math.max(...b.intensity.flat()), 1);
  const all = (await get(c, "/heatmap?metric=tokens")).body;
  assert.equal(all.stats.total, records.reduce((a, e) => a + e.tokens_in + e.tokens_out, 0), "no range: every event");
  assert.equal(all.filters.agent, "all");
  // The first seeded day only (its sessions and their starts).
  const from = new Date(t0).toISOString();
  const to = new Date(t0 + 12 * 3_600_000).toISOString();
  const day1 = (await get(c, `/heatmap?metric=sessions&from=${from}&to=${to}`)).body;
  const starts = events.filter((e) => e.event_type === "session_start" && Date.parse(e.timestamp) >= t0 && Date.parse(e.timestamp) <= t0 + 12 * 3_600_000);
  assert.deepEqual(day1.grid, expectedGrid(starts, () => 1));
  assert.deepEqual(day1.filters, { agent: "all", from, to });
  for (const q of ["metric=bogus", "from=yesterday", "to=2026-99-99"]) {
    const r = await get(c, `/heatmap?${q}`);
    assert.equal(r.status, 400, q);
    assert.ok(!r.body.error.includes("bogus") && !r.body.error.includes("yesterday"), "the message never quotes the input");
  }
});

async function defaultPrice(c, model) {
  const p = (await get(c, "/pricing")).body.defaults[model];
  assert.ok(p, `the core prices ${model}`);
  return p;
}

const cost = (price, tin, tout) => (tin / 1e6) * price.input + (tout / 1e6) * price.output;

test("GET /analytics/costs: the window's cost by model and UTC day, priced by the core, at 4 dp with a 2 dp projection", async (t) => {
  const c = await collector(t);
  const { records } = await seed(c);
  const prices = { "gpt-4o": await defaultPrice(c, "gpt-4o"), "claude-3-haiku": await defaultPrice(c, "claude-3-haiku") };
  const recent = records.filter((e) => e.model && Date.parse(e.timestamp) >= Date.now() - 30 * DAY);
  const b = (await get(c, "/analytics/costs")).body;
  for (const k of ["period_days", "total_cost", "total_input_cost", "total_output_cost", "avg_daily_cost", "projected_monthly_cost", "currency", "by_model", "daily_trend", "unmatched_models"]) {
    assert.ok(k in b, k);
  }
  assert.equal(b.period_days, 30);
  assert.equal(b.currency, "USD");
  assert.deepEqual(b.unmatched_models, ["mystery-model"], "an unknown model is listed, never priced at zero silently");
  let total = 0;
  const byDay = new Map();
  const byModel = new Map();
  for (const e of recent.filter((e) => prices[e.model])) {
    const x = cost(prices[e.model], e.tokens_in, e.tokens_out);
    total += x;
    const day = e.timestamp.slice(0, 10);
    byDay.set(day, (byDay.get(day) ?? 0) + x);
    byModel.set(e.model, (byModel.get(e.model) ?? 0) + x);
  }
  assert.equal(b.total_cost, r4(total));
  assert.equal(r4(b.total_input_cost + b.total_output_cost), b.total_cost);
  assert.deepEqual(b.by_model.map((m) => m.model), ["gpt-4o", "claude-3-haiku"], "most expensive first, priced models only");
  for (const m of b.by_model) {
    // cache_write_cost and other_cost: the core's cost kinds of the price catalog (issue 16).
    assert.deepEqual(Object.keys(m).sort(), ["cache_write_cost", "call_count", "input_cost", "model", "other_cost", "output_cost", "percent", "tokens_in", "tokens_out", "total_cost"]);
    assert.equal(m.total_cost, r4(byModel.get(m.model)));
    assert.equal(m.percent, r2((byModel.get(m.model) / total) * 100));
    assert.equal(m.call_count, recent.filter((e) => e.model === m.model).length);
  }
  assert.deepEqual(b.daily_trend.map((d) => d.day), [...byDay.keys()].sort());
  for (const d of b.daily_trend) {
    assert.deepEqual(Object.keys(d).sort(), ["cache_write_cost", "cost", "day", "input_cost", "other_cost", "output_cost"]);
    assert.equal(d.cost, r4(byDay.get(d.day)));
  }
  const avg = total / byDay.size;
  assert.equal(b.avg_daily_cost, r4(avg));
  assert.equal(b.projected_monthly_cost, r2(avg * 30), "average of the days that had cost × 30");
  assert.equal(b.truncated, false);
  const year = (await get(c, "/analytics/costs?days=365")).body;
  assert.equal(year.total_cost, r4(total + cost(prices["gpt-4o"], 1000, 500)), "365 days holds the old call");
  const none = (await get(c, "/analytics/costs?days=1")).body;
  assert.deepEqual([none.total_cost, none.by_model, none.daily_trend, none.avg_daily_cost, none.projected_monthly_cost], [0, [], [], 0, 0]);
});

test("GET /analytics/costs prices with the stored prices over the core's table", async (t) => {
  const c = await collector(t);
  const { records } = await seed(c);
  const put = c.store.db.prepare("INSERT INTO model_pricing (model, input_cost_per_1m, output_cost_per_1m, currency, updated_at) VALUES (?, ?, ?, 'USD', ?)");
  put.run("mystery-model", 1, 2, new Date().toISOString());
  put.run("gpt-4o", 100, 200, new Date().toISOString());
  const recent = records.filter((e) => e.model && Date.parse(e.timestamp) >= Date.now() - 30 * DAY);
  const b = (await get(c, "/analytics/costs")).body;
  assert.deepEqual(b.unmatched_models, []);
  const by = Object.fromEntries(b.by_model.map((m) => [m.model, m.total_cost]));
  const sum = (model, price) => recent.filter((e) => e.model === model).reduce((a, e) => a + cost(price, e.tokens_in, e.tokens_out), 0);
  assert.equal(by["mystery-model"], r4(sum("mystery-model", { input: 1, output: 2 })));
  assert.equal(by["gpt-4o"], r4(sum("gpt-4o", { input: 100, output: 200 })));
  const lb = (await get(c, "/leaderboard?sort=cost")).body.agents.find((a) => a.agent_name === "alpha");
  assert.equal(lb.total_cost_usd, r4(sum("gpt-4o", { input: 100, output: 200 })), "the leaderboard uses the same prices");
});

test("GET /analytics/costs reads in pages: thousands of events cost what the core's costSummary says of them all", async (t) => {
  const c = await collector(t);
  const { costSummary } = await import("@agentlens/sdk/analysis");
  const models = ["gpt-4o", "gpt-4o-mini", "claude-3-haiku", "unpriced-x"];
  const base = Date.now() - 2 * DAY;
  const events = [];
  for (let i = 0; i < 4_500; i++) {
    const at = new Date(base + i * 37_000).toISOString();
    events.push({ event_id: (0xabc000000 + i).toString(16).padStart(16, "0"), session_id: `bulk-${i % 7}`, event_type: "llm_call", timestamp: at, model: models[i % 4], tokens_in: 13 + (i % 97), tokens_out: 7 + (i % 31), cached_input_tokens: i % 5 === 0 ? 5 : undefined });
  }
  assert.equal((await post(c, "/events", { events })).status, 200);
  const want = costSummary(events, undefined, { exact: true });
  const b = (await get(c, "/analytics/costs")).body;
  assert.equal(b.priced_events, 4_500);
  assert.equal(b.total_cost, r4(want.total_cost));
  assert.equal(b.total_output_cost, r4(want.total_output_cost));
  assert.equal(b.total_cached_input_cost, r4(want.total_cached_input_cost));
  assert.equal(b.total_input_cost, r4(want.total_input_cost + want.total_cached_input_cost), "input cost includes the cached input");
  assert.deepEqual(b.unmatched_models, want.unmatched_models);
  for (const m of b.by_model) assert.equal(m.total_cost, r4(want.by_model.find((x) => x.model === m.model).total_cost), m.model);
  const days = want.daily_trend.filter((d) => d.cost > 0);
  assert.deepEqual(b.daily_trend.map((d) => [d.day, d.cost]), days.map((d) => [d.day, r4(d.cost)]));
  assert.equal(b.projected_monthly_cost, r2(want.projected_monthly_cost));
});

test("a day spread over pages costs its exact sum rounded once, not the sum of its pages' 6 dp roundings", async (t) => {
  const c = await collector(t);
  // 0.1 USD per million input tokens: 834 tokens cost 83.4 micro-dollars. One such call in
  // each of three pages (2,000 rows each, all on one UTC day, with free calls between) sum
  // to 250.2 micro-dollars: 0.0003 at 4 dp. Pages rounded each to 6 dp first (83 each) sum
  // to 249: 0.0002.
  c.store.db.prepare("INSERT INTO model_pricing (model, input_cost_per_1m, output_cost_per_1m, currency, updated_at) VALUES ('tiny-model', 0.1, 0, 'USD', ?)").run(new Date().toISOString());
  const noon = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
  const events = [];
  for (let i = 0; i < 4_500; i++) {
    const paid = i === 0 || i === 2_000 || i === 4_000;
    events.push({
      event_id: (0xdef000000 + i).toString(16).padStart(16, "0"), session_id: `pages-${i % 3}`, event_type: "llm_call",
      timestamp: new Date(noon + i * 10).toISOString(), model: "tiny-model", tokens_in: paid ? 834 : 0, tokens_out: 0,
    });
  }
  for (const s of ["pages-0", "pages-1", "pages-2"]) events.push({ event_id: `start-${s}`, session_id: s, event_type: "session_start", timestamp: new Date(noon - 1).toISOString(), agent_name: "pager" });
  assert.equal((await post(c, "/events", { events })).status, 200);
  const b = (await get(c, "/analytics/costs")).body;
  assert.equal(b.priced_events, 4_500);
  assert.deepEqual(b.daily_trend.map((d) => d.cost), [0.0003]);
  assert.equal(b.total_cost, 0.0003);
  assert.equal(b.total_input_cost, 0.0003);
  assert.deepEqual(b.by_model.map((m) => [m.model, m.total_cost]), [["tiny-model", 0.0003]]);
  const lb = (await get(c, "/leaderboard?sort=cost&min_sessions=1")).body.agents.find((a) => a.agent_name === "pager");
  assert.equal(lb.total_cost_usd, 0.0003, "the leaderboard adds up its pages unrounded too");
});

test("GET /leaderboard ranks qualifying agents by each metric, with the backend's fields and params", async (t) => {
  const c = await collector(t);
  await seed(c);
  const b = (await get(c, "/leaderboard")).body;
  assert.deepEqual([b.period_days, b.sort, b.order, b.min_sessions, b.total_qualifying_agents], [30, "efficiency", "desc", 2, 2]);
  assert.deepEqual(b.agents.map((a) => [a.rank, a.agent_name]), [[1, "alpha"], [2, "beta"]], "solo has one session: not qualified");
  const alpha = b.agents[0];
  for (const k of [
    "rank", "agent_name", "total_sessions", "completed", "errors", "success_rate", "error_rate", "total_tokens", "tokens_in", "tokens_out", "avg_tokens_per_session",
    "avg_session_duration_ms", "avg_event_duration_ms", "total_events", "tool_calls", "error_events", "efficiency_ratio", "tokens_per_ms", "total_cost_usd", "cost_per_session_usd", "first_seen", "last_seen",
  ]) assert.ok(k in alpha, k);
  // alpha: three sessions in 30 days (two completed, one error), 3 + 1 + 3 events, three with a tool call, one error (a timed-out call).
  assert.deepEqual([alpha.total_sessions, alpha.completed, alpha.errors, alpha.total_events, alpha.tool_calls, alpha.error_events], [3, 2, 1, 7, 3, 1]);
  assert.equal(alpha.success_rate, 66.67);
  assert.equal(alpha.tokens_in, 3010);
  assert.equal(alpha.efficiency_ratio, Math.round((1500 / 3010) * 1000) / 1000);
  assert.equal(alpha.avg_session_duration_ms, Math.round((5000 + 50_000 + 20_000) / 3));
  const price = await defaultPrice(c, "gpt-4o");
  assert.equal(alpha.total_cost_usd, r4(3 * cost(price, 1000, 500) + cost(price, 10, 0)));
  const order = async (q) => (await get(c, `/leaderboard?${q}`)).body.agents.map((a) => a.agent_name);
  assert.deepEqual(await order("sort=cost"), ["beta", "alpha"], "cost: cheapest per session first");
  assert.deepEqual(await order("sort=cost&order=desc"), ["alpha", "beta"]);
  assert.deepEqual(await order("sort=volume"), ["alpha", "beta"]);
  assert.deepEqual(await order("sort=reliability"), ["alpha", "beta"]);
  assert.deepEqual(await order("sort=speed"), ["beta", "alpha"], "speed: shortest sessions first");
  // solo's one session (100 in, 100 out) has the best output/input ratio once it qualifies.
  assert.deepEqual(await order("min_sessions=1"), ["solo", "alpha", "beta"]);
  assert.deepEqual(await order("min_sessions=1&limit=1"), ["solo"]);
  const year = (await get(c, "/leaderboard?days=365")).body.agents.find((a) => a.agent_name === "alpha");
  assert.equal(year.total_sessions, 4);
  assert.equal((await get(c, "/leaderboard?min_sessions=5")).body.agents.length, 0);
  for (const [q, msg] of [["sort=fastest", "Invalid sort. Use one of: efficiency, speed, reliability, cost, volume"], ["order=up", "Invalid order. Use 'asc' or 'desc'."]]) {
    const r = await get(c, `/leaderboard?${q}`);
    assert.deepEqual([r.status, r.body.error], [400, msg]);
  }
});

test("every /webhooks route of the backend answers 501 with what to use instead, and is documented so", async (t) => {
  const c = await collector(t);
  const routes = [["GET", "/webhooks"], ["POST", "/webhooks"], ["GET", "/webhooks/w1"], ["PUT", "/webhooks/w1"], ["DELETE", "/webhooks/w1"], ["POST", "/webhooks/w1/test"], ["GET", "/webhooks/w1/deliveries"]];
  for (const [method, path] of routes) {
    const r = await call(c, method, path, { body: method === "GET" || method === "DELETE" ? undefined : { name: "x", url: "https://example.invalid/hook" } });
    assert.equal(r.status, 501, `${method} ${path}`);
    assert.match(r.body.error, /^Webhooks are not built in this collector: .*GET \/alerts\/events/);
  }
  const doc = (await get(c, "/openapi.json")).body;
  for (const [method, path] of routes) {
    const op = doc.paths[path.replace("w1", "{id}")][method.toLowerCase()];
    assert.ok(op.responses["501"], `${method} ${path} documents its 501`);
  }
});

test("the analytics routes need the key when one is set, and are in the OpenAPI document", async (t) => {
  const c = await collector(t, { apiKey: "k3y" });
  const paths = ["/analytics/performance", "/analytics/heatmap", "/heatmap", "/analytics/costs", "/leaderboard", "/webhooks"];
  for (const p of paths) {
    assert.equal((await get(c, p)).status, 401, p);
    assert.notEqual((await get(c, p, { "X-API-Key": "k3y" })).status, 401, p);
  }
  const doc = (await get(c, "/openapi.json")).body;
  for (const p of paths) assert.ok(doc.paths[p]?.get?.summary, p);
});

test("hostile query values on every analytics route answer 200, 400 or 404 with a JSON error, never a 500", async (t) => {
  const c = await collector(t);
  await seed(c);
  const values = ["", "-1", "0", "1e400", "NaN", "abc", "%00", "%27%3B--", "9".repeat(40), "x".repeat(5000), "%F0%9F%92%A5", "1.5", "[]"];
  const routes = [
    ["/analytics/performance", ["days", "agent", "model"]],
    ["/analytics/heatmap", ["days", "metric"]],
    ["/heatmap", ["metric", "agent", "from", "to"]],
    ["/analytics/costs", ["days"]],
    ["/leaderboard", ["sort", "order", "days", "limit", "min_sessions"]],
    ["/errors", ["limit", "days"]],
    ["/errors/by-model", ["limit"]],
    ["/errors/by-agent", ["limit"]],
    ["/replay/alpha-2", ["speed", "maxDelay", "from", "to"]],
    ["/diff", ["baseline", "candidate"]],
  ];
  for (const [path, params] of routes) {
    for (const p of params) {
      for (const v of values) {
        const r = await get(c, `${path}?${p}=${v}`);
        assert.ok([200, 400, 404].includes(r.status), `${path}?${p}=${v.slice(0, 20)} answered ${r.status}`);
        if (r.status !== 200) assert.equal(typeof r.body.error, "string");
      }
    }
  }
  for (const v of values.filter(Boolean)) {
    for (const p of [`/replay/${v}`, `/replay/alpha-2/frame/${v}`, `/replay/${v}/summary`]) {
      const r = await get(c, p);
      assert.ok([200, 400, 404].includes(r.status), `${p.slice(0, 40)} answered ${r.status}`);
      if (r.status !== 200) assert.equal(typeof r.body.error, "string");
    }
  }
});
