// Prices in the viewer (issue 16): the worker prices every cost over a price catalog it
// loads before the first cost it shows: the viewer's bundled genai-prices.json (a file of
// its own next to the worker), or in collector mode the collector's active catalog
// (GET /pricing/catalog; the bundled one when the collector has no such route). Costs are
// checked against hand-computed figures: an Anthropic call with cache reads and writes,
// and o3 on each side of its 2025-06-10 price change (each priced with the price in force
// then, and saying which). Without any catalog the viewer says "unpriced", never $0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildOnce, launchBrowser, openPage, serve, skipBrowser, viewerFixture, waitForLoad } from "./support.mjs";
import { fakeCollector, serveCollector } from "./fake-collector.mjs";

const SESSION = "sess-prices";
const provider = (name) => ({ "gen_ai.provider.name": name });
/** The trace's events (wire shape). Tokens in include the cached reads and the cache writes. */
const EVENTS = [
  { event_type: "session_start", session_id: SESSION, timestamp: "2025-06-01T09:00:00Z", agent_name: "pricing-agent", event_id: "ev-start" },
  // claude-sonnet-4 ($3 in, $0.30 cache read, $3.75 cache write, $15 out per 1M):
  // 4,000 plain in $0.012 + 4,000 read $0.0012 + 2,000 written $0.0075 + 500 out $0.0075 = $0.0282.
  { event_type: "llm_call", session_id: SESSION, timestamp: "2025-06-01T09:00:01Z", event_id: "ev-claude", model: "claude-sonnet-4-20250514", tokens_in: 10_000, tokens_out: 500, cached_input_tokens: 4_000, attributes: { ...provider("anthropic"), cache_creation_input_tokens: 2_000 } },
  // o3 before 2025-06-10 ($10 in, $40 out per 1M; the first period has no start date): $0.01 + $0.08 = $0.09.
  { event_type: "llm_call", session_id: SESSION, timestamp: "2025-06-01T09:00:02Z", event_id: "ev-o3-early", model: "o3", tokens_in: 1_000, tokens_out: 2_000, attributes: provider("openai") },
  // o3 from 2025-06-10 ($2 in, $8 out per 1M): $0.002 + $0.016 = $0.018.
  { event_type: "llm_call", session_id: SESSION, timestamp: "2025-06-20T09:00:00Z", event_id: "ev-o3-late", model: "o3", tokens_in: 1_000, tokens_out: 2_000, attributes: provider("openai") },
  { event_type: "session_end", session_id: SESSION, timestamp: "2025-06-20T09:00:01Z", event_id: "ev-end", status: "completed" },
];
const NDJSON = ['{"format":"agentlens-trace","version":1,"producer":"www/test/prices.test.mjs"}', ...EVENTS.map((e) => JSON.stringify(e))].join("\n") + "\n";

/** A catalog with one distinctive price: o3 at $1,000 per 1M input tokens. */
const TEST_CATALOG = JSON.stringify({
  agentlens_price_catalog: 1,
  source: { name: "collector-test-prices", version: "7.7", licence: "MIT", url: "https://example.invalid/prices", as_of: "2026-01-01" },
  providers: [{ id: "openai", provider_match: { equals: "openai" }, models: [{ id: "o3", match: { equals: "o3" }, prices: { input_mtok: 1000, output_mtok: 0 } }] }],
});

const fx = viewerFixture({ "/prices-trace.ndjson": { body: NDJSON, type: "application/x-ndjson" } });

/** The detail pane's facts as [term, value] pairs. */
const detailFacts = (page) => page.$$eval("#detail .facts dt", (dts) => Object.fromEntries(dts.map((d) => [d.textContent, d.nextElementSibling?.textContent ?? ""])));
/** The session header's facts. */
const headerFacts = (page) => page.$$eval(".session-header .facts dt", (dts) => Object.fromEntries(dts.map((d) => [d.textContent, d.nextElementSibling?.textContent ?? ""])));

/** Opens the trace at one event (deep link) and waits for its detail to show its cost. */
async function openEvent(page, base, event, { collector = false } = {}) {
  const src = collector ? "" : "src=/prices-trace.ndjson&";
  await page.goto(`${base}/?${src}session=${SESSION}&event=${event}`);
  assert.equal(await waitForLoad(page), "ready", await page.textContent("#error"));
  await page.waitForFunction(() => [...document.querySelectorAll("#detail .facts dt")].some((d) => d.textContent === "Cost"));
  return detailFacts(page);
}

/** Shows another event of the open session (a click in the timeline) and returns its facts. */
async function showEvent(page, event) {
  await page.click(`.tl-row[data-ref="${event}"]`);
  await page.waitForFunction((event) => [...document.querySelectorAll("#detail .facts dt")].some((d) => d.textContent === "Event id" && d.nextElementSibling?.textContent === event), event);
  return detailFacts(page);
}

test("each call is priced with the price in force when it happened, and the detail says which", { skip: skipBrowser }, async () => {
  const { page, problems, requests, close } = await openPage(fx.browser, "about:blank");
  const claude = await openEvent(page, fx.server.url, "ev-claude");
  assert.equal(claude.Cost, "$0.0282 (priced as claude-sonnet-4-0)");
  assert.equal(claude["Cached tokens"], "4000");
  assert.equal(claude["Cache write tokens"], "2000");
  assert.equal(claude["Input cost"], "$0.0120");
  assert.equal(claude["Cached read cost"], "$0.001200 (4000 tokens)");
  assert.equal(claude["Cache write cost"], "$0.007500 (2000 tokens)");
  assert.equal(claude["Output cost"], "$0.007500");
  assert.equal(claude["Price provider"], "anthropic");
  assert.match(claude["Price source"], /^genai-prices/);
  assert.equal(claude["Price note"], undefined, "the model lists cache prices: nothing assumed");

  const early = await showEvent(page, "ev-o3-early");
  assert.equal(early.Cost, "$0.0900 (priced as o3)");
  assert.equal(early["Price date"], "no date", "the first o3 price has no start date");
  assert.equal(early["Price provider"], "openai");

  const late = await showEvent(page, "ev-o3-late");
  assert.equal(late.Cost, "$0.0180 (priced as o3)");
  assert.equal(late["Price date"], "2025-06-10");
  assert.equal(late["Price provider"], "openai");

  // The session's total and its split by kind ($0.0282 + $0.09 + $0.018 = $0.1362).
  const header = await headerFacts(page);
  assert.equal(header.Cost, "$0.1362");
  assert.equal(header["Cache write cost"], "$0.007500 (2000 tokens)");
  assert.equal(requests.filter((u) => u.endsWith("/genai-prices.json")).length, 1, "the bundled catalog is fetched once per page");
  assert.deepEqual(problems, []);
  await close();
});

test("the Charts tab shows the cost by kind, cache writes included", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openPage(fx.browser, `${fx.server.url}/?src=/prices-trace.ndjson&tab=charts`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForSelector(".cost-kinds");
  const rows = await page.$$eval(".cost-kinds tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const all = rows.find((r) => r[0] === "all models");
  // model, input, cached read, cache write, output, reasoning, other, total
  assert.deepEqual(all, ["all models", "$0.02", "$0.0012", "$0.0075", "$0.10", "$0", "$0", "$0.14"]);
  assert.deepEqual(problems, []);
  await close();
});

test("without any price list the viewer says the costs are unpriced, never $0", { skip: skipBrowser }, async () => {
  const dir = await buildOnce();
  const server = await serve(dir, {
    routes: { "/prices-trace.ndjson": { body: NDJSON, type: "application/x-ndjson" } },
    handle: (req, res, url) => url.pathname === "/genai-prices.json" && (res.writeHead(404, { "Content-Type": "text/plain" }).end("gone"), true),
  });
  const browser = await launchBrowser();
  try {
    const { page, close } = await openPage(browser, "about:blank");
    const late = await openEvent(page, server.url, "ev-o3-late");
    assert.match(late.Cost, /^unpriced: no price list could be loaded \(.*HTTP 404/);
    const header = await headerFacts(page);
    assert.match(header.Cost, /^unpriced/);
    assert.doesNotMatch(header.Cost + late.Cost, /\$0/);
    await close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test("the empty viewer opens cleanly", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openPage(fx.browser, `${fx.server.url}/`);
  assert.equal(await waitForLoad(page), "ready");
  assert.match(await page.textContent("#status"), /Open a trace file/);
  assert.deepEqual(problems, []);
  await close();
});

/** Serves the viewer as a collector holding the trace; `catalog` (text) answers GET /pricing/catalog (null: 404). */
async function collectorWith(catalog, pricing) {
  const fake = fakeCollector({ [SESSION]: EVENTS }, undefined, { catalog, pricing });
  return { server: await serveCollector(await buildOnce(), fake), fake };
}

test("collector mode: the viewer prices with the collector's catalog (GET /pricing/catalog)", { skip: skipBrowser }, async () => {
  const { server, fake } = await collectorWith(TEST_CATALOG);
  const browser = await launchBrowser();
  try {
    const { page, problems, requests, close } = await openPage(browser, "about:blank");
    const late = await openEvent(page, server.url, "ev-o3-late", { collector: true });
    // 1,000 input tokens at the test catalog's $1,000 per 1M: $1.
    assert.equal(late.Cost, "$1.0000 (priced as o3)");
    assert.match(late["Price source"], /collector-test-prices/);
    const header = await headerFacts(page);
    assert.match(header.Cost, /^\$2\.0000 \(no price for claude-sonnet-4-20250514\)$/, "the test catalog prices o3 only");
    assert.ok(server.requests.some((r) => r.path === "/pricing/catalog"));
    assert.ok(!requests.some((u) => u.endsWith("/genai-prices.json")), "the bundled catalog is not fetched");
    assert.deepEqual(problems, []);
    await close();
  } finally {
    fake.endLive();
    await browser.close();
    await server.close();
  }
});

test("collector mode: a collector without /pricing/catalog leaves the bundled catalog, and says so", { skip: skipBrowser }, async () => {
  const { server, fake } = await collectorWith(null);
  const browser = await launchBrowser();
  try {
    const { page, close } = await openPage(browser, "about:blank");
    const late = await openEvent(page, server.url, "ev-o3-late", { collector: true });
    assert.equal(late.Cost, "$0.0180 (priced as o3)");
    await page.waitForFunction(() => /bundled price list/.test(document.getElementById("status")?.textContent ?? ""));
    await close();
  } finally {
    fake.endLive();
    await browser.close();
    await server.close();
  }
});

test("collector mode: a stored price with a cache write rate (PUT /pricing) wins over the catalog's", { skip: skipBrowser }, async () => {
  const stored = { "claude-sonnet-4-20250514": { input_cost_per_1m: 3, output_cost_per_1m: 15, cached_input_cost_per_1m: 0.3, cache_write_cost_per_1m: 100 } };
  const { server, fake } = await collectorWith(undefined, stored);
  const browser = await launchBrowser();
  try {
    const { page, problems, close } = await openPage(browser, "about:blank");
    const claude = await openEvent(page, server.url, "ev-claude", { collector: true });
    // 4,000 plain in $0.012 + 4,000 read $0.0012 + 2,000 written at $100 per 1M $0.20 + 500 out $0.0075 = $0.2207.
    assert.equal(claude.Cost, "$0.2207 (priced as claude-sonnet-4-20250514)");
    assert.equal(claude["Cache write cost"], "$0.2000 (2000 tokens)");
    assert.equal(claude["Price note"], undefined);
    assert.deepEqual(problems, []);
    await close();
  } finally {
    fake.endLive();
    await browser.close();
    await server.close();
  }
});
