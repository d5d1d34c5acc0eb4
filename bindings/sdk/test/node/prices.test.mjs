// Prices in the SDK (issue 16): the price data ships as its own module (prices/catalog.js),
// loaded by `@agentlens/sdk/analysis` and by the OTLP exporter, never by a plain
// `import "@agentlens/sdk"`; every cost of the analysis entry and the tracker is priced over
// it (caller overrides on top); `track({ usage, provider })` reads a provider's raw usage
// object through the core; `usePriceCatalog` swaps the data offline. Expected costs are
// computed by hand from the providers' published prices (in $ per million tokens).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Tracker } from "@agentlens/sdk";
import * as A from "@agentlens/sdk/analysis";
import { analysisWasm } from "@agentlens/sdk/internal";

const CATALOG = readFileSync(new URL("../../prices/genai-prices.json", import.meta.url), "utf8");
const quiet = { exporters: [], logLevel: "silent" };
const close = (a, b) => Math.abs(a - b) < 1e-9;
const llm = (timestamp, model, tokens_in, tokens_out, extra = {}) => ({ event_type: "llm_call", session_id: "s", timestamp, model, tokens_in, tokens_out, ...extra });

/** The module URLs a child Node process resolves while running `code` (an ES module body). */
function resolvedBy(code) {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-prices-"));
  const log = join(dir, "resolved.txt");
  const hooks = `import { appendFileSync } from "node:fs"; let log;
export function initialize(d) { log = d.log; }
export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(log, r.url + "\\n"); return r; }`;
  const prelude = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, import.meta.url, { data: { log: ${JSON.stringify(log)} } });`;
  try {
    execFileSync(process.execPath, ["--input-type=module", "-e", `${prelude}\n${code}`], { cwd: dir, timeout: 60_000, stdio: ["ignore", "ignore", "inherit"] });
    return readFileSync(log, "utf8").split("\n").filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const dist = (f) => pathToFileURL(fileURLToPath(new URL(`../../dist/entrypoints/${f}`, import.meta.url))).href;
const isCatalog = (url) => url.endsWith("/prices/catalog.js");

test("import \"@agentlens/sdk\" never loads the price data; the analysis entry and an OTLP tracker do", () => {
  const root = resolvedBy(`const S = await import(${JSON.stringify(dist("node.js"))});
    const t = new S.Tracker({ exporters: [], logLevel: "silent" }); t.startSession(); t.track({ model: "gpt-4o", tokensIn: 1 });
    S.createOtlpExporter({ endpoint: "http://127.0.0.1:9/v1/traces" }); await t.shutdown(100);`);
  assert.ok(root.some((u) => u.endsWith("/entrypoints/node.js")), "the hook saw the root entry");
  assert.deepEqual(root.filter(isCatalog), [], "root import, a tracker and creating an OTLP exporter load no prices");
  const analysis = resolvedBy(`await import(${JSON.stringify(dist("analysis-node.js"))});`);
  assert.equal(analysis.filter(isCatalog).length, 1, "the analysis entry loads the price data");
  const otlp = resolvedBy(`const S = await import(${JSON.stringify(dist("node.js"))});
    const t = new S.Tracker({ exporters: [S.createOtlpExporter({ endpoint: "http://127.0.0.1:9/v1/traces", timeoutMs: 200 })], logLevel: "silent" });
    await t.shutdown(100);`);
  assert.equal(otlp.filter(isCatalog).length, 1, "a tracker with a pricing OTLP exporter loads it");
});

test("the analysis entry prices with the shipped catalog: source, counts, and a gpt-4o call", () => {
  const info = A.priceCatalogInfo();
  const file = JSON.parse(CATALOG);
  assert.equal(info.source.name, "genai-prices");
  assert.equal(info.source.version, file.source.version);
  assert.equal(info.source.licence, file.source.licence);
  assert.equal(info.source.url, file.source.url);
  assert.equal(info.source.as_of, file.source.as_of);
  assert.equal(info.providers, file.providers.length);
  assert.ok(info.models > 500, `${info.models} models`);
  const cost = A.sessionCost([llm("2026-01-05T10:00:00Z", "gpt-4o", 120, 45)]);
  // gpt-4o: input 2.5, output 10 $/M.
  assert.ok(close(cost.total_cost, (120 * 2.5 + 45 * 10) / 1e6), String(cost.total_cost));
  assert.equal(cost.event_costs[0].pricing_source, `genai-prices ${file.source.version}`);
  assert.equal(cost.event_costs[0].pricing_provider, "openai");
});

test("tracker cost of an Anthropic call given as its raw usage (cache read and write) is the hand-computed one", async () => {
  const tracker = new Tracker(quiet);
  tracker.startSession({ agentName: "writer" });
  // Anthropic's input_tokens leave cache reads and writes out; the core adds them in.
  const usage = { input_tokens: 100, cache_creation_input_tokens: 2000, cache_read_input_tokens: 5000, output_tokens: 300 };
  tracker.track({ eventType: "llm_call", model: "claude-3-5-sonnet-20241022", provider: "anthropic", usage });
  const cost = await tracker.cost();
  const e = cost.event_costs[0];
  assert.equal(e.tokens_in, 7100, "input = uncached + cache reads + cache writes");
  assert.equal(e.cached_input_tokens, 5000);
  assert.equal(e.cache_write_tokens, 2000);
  assert.equal(e.tokens_out, 300);
  assert.equal(e.provider, "anthropic");
  assert.equal(e.pricing_provider, "anthropic");
  // claude-3-5-sonnet: input 3, cache write 3.75, cache read 0.30, output 15 $/M.
  const expected = (100 * 3 + 2000 * 3.75 + 5000 * 0.3 + 300 * 15) / 1e6;
  assert.ok(close(e.total_cost, expected), `${e.total_cost} != ${expected}`);
  assert.ok(close(e.cache_write_cost, (2000 * 3.75) / 1e6));
  assert.ok(close(e.cached_input_cost, (5000 * 0.3) / 1e6));
  assert.ok(close(cost.total_cost, expected));
  assert.equal(cost.cache_write_price_assumed, false);
  const stats = await tracker.sessionStats();
  assert.ok(close(stats.total_cost, expected));
  await tracker.shutdown(100);
});

test("track(): counts given by the caller win over the usage object; usage attributes and provider land in attributes", async () => {
  const tracker = new Tracker(quiet);
  tracker.startSession();
  const usage = { prompt_tokens: 1000, completion_tokens: 50, prompt_tokens_details: { cached_tokens: 400 }, completion_tokens_details: { reasoning_tokens: 20 } };
  tracker.track({ eventType: "llm_call", model: "gpt-4o", usage });
  tracker.track({ eventType: "llm_call", model: "gpt-4o", usage, tokensIn: 7, cachedInputTokens: 1, attributes: { mine: 1 }, provider: "azure.ai.openai" });
  tracker.track({ eventType: "llm_call", model: "gpt-4o", usage: { not: "usage" }, tokensIn: 3 });
  tracker.track({ eventType: "llm_call", model: "claude-3-5-haiku", usage: { input_tokens: 1, cache_creation_input_tokens: 9, output_tokens: 2 } });
  const cost = await tracker.cost();
  const [openai, mixed, none, anthropic] = cost.event_costs;
  assert.deepEqual([openai.tokens_in, openai.tokens_out, openai.cached_input_tokens, openai.reasoning_tokens], [1000, 50, 400, 20], "OpenAI's cached tokens stay inside prompt_tokens");
  assert.deepEqual([mixed.tokens_in, mixed.tokens_out, mixed.cached_input_tokens, mixed.reasoning_tokens], [7, 50, 1, 20]);
  assert.equal(mixed.provider, "azure.ai.openai");
  assert.deepEqual([none.tokens_in, none.tokens_out], [3, 0], "not a usage object: ignored");
  assert.deepEqual([anthropic.tokens_in, anthropic.cache_write_tokens], [10, 9]);
  await tracker.shutdown(100);
});

test("ctx.llm() takes usage and provider as track() does: the same counts, the same cost", async () => {
  const tracker = new Tracker(quiet);
  tracker.startSession();
  const usage = { input_tokens: 100, cache_creation_input_tokens: 2000, cache_read_input_tokens: 5000, output_tokens: 300 };
  tracker.track({ eventType: "llm_call", model: "claude-3-5-sonnet-20241022", provider: "anthropic", usage });
  await tracker.run("agent", (ctx) => {
    ctx.llm({ model: "claude-3-5-sonnet-20241022", provider: "anthropic", usage, temperature: 0.2 });
    ctx.llm({ model: "gpt-4o", usage: { prompt_tokens: 10, completion_tokens: 5 }, tokensIn: 99 });
  });
  const [tracked, inRun, given] = (await tracker.cost()).event_costs;
  for (const k of ["tokens_in", "tokens_out", "cached_input_tokens", "cache_write_tokens", "provider", "total_cost"]) {
    assert.equal(inRun[k], tracked[k], k);
  }
  assert.deepEqual([given.tokens_in, given.tokens_out], [99, 5], "a count given wins over the usage object's");
  await tracker.shutdown(100);
});

test("an o3 trace spanning 2025-06-10 is priced by period and lists both prices", () => {
  const events = [llm("2025-06-09T23:00:00Z", "o3", 1_000_000, 1_000_000), llm("2025-06-10T01:00:00Z", "o3", 1_000_000, 1_000_000)];
  const cost = A.sessionCost(events);
  // o3: 10/40 $/M until 2025-06-10, 2/8 from that day.
  assert.ok(close(cost.event_costs[0].total_cost, 10 + 40), String(cost.event_costs[0].total_cost));
  assert.ok(close(cost.event_costs[1].total_cost, 2 + 8), String(cost.event_costs[1].total_cost));
  assert.ok(close(cost.total_cost, 60));
  assert.equal(cost.prices_used.length, 2, JSON.stringify(cost.prices_used));
  assert.deepEqual(cost.prices_used.map((p) => [p.input_per_1m, p.output_per_1m]), [[10, 40], [2, 8]]);
  assert.equal(cost.prices_used[1].effective_from, "2025-06-10");
  assert.equal(cost.event_costs[1].price_date, "2025-06-10");
  const daily = A.dailyCosts(events);
  assert.deepEqual(daily.days.map((d) => [d.day, d.cost]), [["2025-06-09", 50], ["2025-06-10", 10]]);
  // Lookups at a time give the same periods.
  assert.equal(A.pricingLookup("o3", { at: "2025-06-09T12:00:00Z" }).input_per_1m, 10);
  assert.equal(A.pricingLookup("o3", { at: new Date("2025-06-11T00:00:00Z") }).input_per_1m, 2);
  assert.equal(A.pricingLookup("o3", { at: Date.parse("2025-01-01T00:00:00Z") }).output_per_1m, 40);
});

test("pricingLookup: provider-aware, overrides on top, the older form still works, bad options are named", () => {
  const bedrock = A.pricingLookup("anthropic.claude-3-haiku-20240307-v1:0", { provider: "aws.bedrock" });
  assert.equal(bedrock.provider, "aws");
  assert.ok(bedrock.input_per_1m > 0);
  const mine = { "gpt-4o": { input_per_1m: 1, output_per_1m: 2, cache_write_per_1m: 3 } };
  assert.equal(A.pricingLookup("gpt-4o", { pricing: mine }).input_per_1m, 1);
  assert.equal(A.pricingLookup("gpt-4o", { pricing: mine }).cache_write_per_1m, 3);
  assert.equal(A.pricingLookup("gpt-4o", mine).source, "user", "pricingLookup(model, pricing) as before");
  assert.equal(A.pricingLookup("gpt-4o").input_per_1m, 2.5);
  assert.equal(A.pricingLookup("no-such-model-xyz"), null);
  const named = (f, re) => assert.throws(f, (e) => e.name === "AgentLensAnalysisError" && re.test(e.message));
  named(() => A.pricingLookup("gpt-4o", { at: "yesterday" }), /./);
  named(() => A.pricingLookup("gpt-4o", { at: 1e300 }), /options\.at/);
  named(() => A.pricingLookup("gpt-4o", { provider: 3 }), /options\.provider/);
  // Overrides still win over the catalog in every cost.
  const cost = A.sessionCost([llm("2026-01-05T10:00:00Z", "gpt-4o", 1_000_000, 0)], mine);
  assert.equal(cost.total_cost, 1);
  assert.equal(cost.event_costs[0].pricing_source, "user");
});

test("pricingLookup takes a bare day for at, as the CLI's --at does: o3 before and on its price cut", () => {
  assert.equal(A.pricingLookup("o3", { at: "2025-06-09" }).input_per_1m, 10);
  assert.equal(A.pricingLookup("o3", { at: "2025-06-10" }).input_per_1m, 2);
  assert.equal(A.pricingLookup("o3", { at: "2025-06-10" }).effective_from, "2025-06-10");
});

test("usePriceCatalog: a custom catalog changes the answer; a bad one is refused by name and the old one kept; it survives a new wasm instance", () => {
  const before = A.priceCatalogInfo();
  const custom = {
    agentlens_price_catalog: 1,
    source: { name: "my-prices", version: "7", licence: "MIT", url: "https://example.com/prices", as_of: "2026-01-01" },
    providers: [{ id: "openai", models: [{ id: "gpt-4o", match: { equals: "gpt-4o" }, prices: { input_mtok: 1, output_mtok: 1 } }] }],
  };
  try {
    const info = A.usePriceCatalog(JSON.stringify(custom));
    assert.deepEqual([info.source.name, info.providers, info.models], ["my-prices", 1, 1]);
    const events = [llm("2026-01-05T10:00:00Z", "gpt-4o", 1_000_000, 1_000_000), llm("2026-01-05T10:00:00Z", "o3", 1, 1)];
    const cost = A.sessionCost(events);
    assert.equal(cost.total_cost, 2);
    assert.deepEqual(cost.unmatched_models, ["o3"], "a model the catalog lacks is reported, never free");
    const bad = structuredClone(custom);
    bad.providers[0].models.push({ id: "broken", match: { equals: "broken" }, prices: { input_mtok: -1, output_mtok: 1 } });
    assert.throws(() => A.usePriceCatalog(JSON.stringify(bad)), (e) => e.name === "AgentLensAnalysisError" && /broken/.test(e.message));
    assert.throws(() => A.usePriceCatalog("not json"), (e) => e.name === "AgentLensAnalysisError");
    assert.throws(() => A.usePriceCatalog(42), (e) => e.name === "AgentLensAnalysisError" && /catalog must be a string/.test(e.message));
    assert.equal(A.priceCatalogInfo().source.name, "my-prices", "the refused catalogs left the previous one");
    assert.equal(A.sessionCost(events).total_cost, 2);
    // A fresh instance (the collector's recycling) starts without prices: the SDK hands them in again.
    analysisWasm().__wbg_reset_state();
    assert.equal(A.priceCatalogInfo().source.name, "my-prices");
    assert.equal(A.sessionCost(events).total_cost, 2);
  } finally {
    A.usePriceCatalog(CATALOG);
  }
  assert.deepEqual(A.priceCatalogInfo(), before);
  assert.ok(close(A.sessionCost([llm("2026-01-05T10:00:00Z", "gpt-4o", 120, 45)]).total_cost, 0.00075));
});

test("a price file the core refuses at install leaves the engines working, unpriced, with a warning", () => {
  const glue = pathToFileURL(fileURLToPath(new URL("../../wasm-analysis/agentlens_wasm.js", import.meta.url))).href;
  const wasmJs = pathToFileURL(fileURLToPath(new URL("../../dist/internal/index.js", import.meta.url))).href;
  const code = `const A = await import(${JSON.stringify(dist("analysis-node.js"))});
    const W = await import(${JSON.stringify(wasmJs)}); const raw = await import(${JSON.stringify(glue)});
    W.useAnalysisWasm(raw, "not a price file");
    const c = A.sessionCost([{ event_type: "llm_call", session_id: "s", model: "gpt-4o", tokens_in: 1, tokens_out: 1 }]);
    console.log(JSON.stringify({ unmatched: c.unmatched_models, total: c.total_cost, info: A.priceCatalogInfo() }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { unmatched: ["gpt-4o"], total: 0, info: null });
  assert.match(r.stderr, /agentlens: the package's price data was refused, costs are unpriced/);
});
