// The viewer served by the real collector (bindings/cli dist/collector on the project's
// Node 24, in a child process, as collector-notes-e2e does) prices with the collector's
// catalog: a catalog installed in the collector's data directory
// (<dataDir>/prices/genai-prices.json, what `agentlens prices update` writes) with one
// distinctive price reaches the viewer through GET /pricing/catalog, and the viewer's
// cost of the call is the collector's own (GET /pricing/costs/:id). Skipped where Node 24
// or the collector build is absent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOnce, launchBrowser, openPage, skipCollector, collectorRequest, startRealCollector, stopRealCollector, waitForLoad } from "./support.mjs";

const skip = skipCollector;
const KEY = "e2e-prices-4b7f";
const SID = "sess-catalog";
/** o3 at $500 per 1M input and $0 output: no shipped price is that. */
const CATALOG = JSON.stringify({
  agentlens_price_catalog: 1,
  source: { name: "e2e-installed-prices", version: "3.1", licence: "MIT", url: "https://example.invalid/prices", as_of: "2026-01-01" },
  providers: [{ id: "openai", provider_match: { equals: "openai" }, models: [{ id: "o3", match: { equals: "o3" }, prices: { input_mtok: 500, output_mtok: 0 } }] }],
});
const EVENTS = [
  { session_id: SID, event_id: "e2e-start", event_type: "session_start", timestamp: "2025-06-20T09:00:00Z", agent_name: "catalog-agent" },
  { session_id: SID, event_id: "e2e-o3", event_type: "llm_call", timestamp: "2025-06-20T09:00:01Z", model: "o3", tokens_in: 2_000, tokens_out: 100, attributes: { "gen_ai.provider.name": "openai" } },
];
let child;
let url;
let browser;
let dir;

before(async () => {
  if (skip) return;
  const viewerDir = await buildOnce();
  dir = mkdtempSync(join(tmpdir(), "agentlens-www-prices-e2e-"));
  mkdirSync(join(dir, "prices"));
  writeFileSync(join(dir, "prices", "genai-prices.json"), CATALOG);
  ({ child, url } = await startRealCollector({ dbPath: join(dir, "db.sqlite"), viewerDir, apiKey: KEY }));
  browser = await launchBrowser();
  assert.ok((await api("POST", "/events", { events: EVENTS })).ok);
});
after(async () => {
  await browser?.close();
  await stopRealCollector(child);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const api = (method, path, body) => collectorRequest(url, KEY, method, path, body);

test("on the real collector: the viewer prices with the collector's installed catalog, as the collector does", { skip }, async () => {
  // 2,000 input tokens at $500 per 1M: $1.
  const costs = await (await api("GET", `/pricing/costs/${SID}`)).json();
  assert.ok(Math.abs(costs.total_cost - 1) < 1e-9, `the collector's cost: ${JSON.stringify(costs.total_cost)}`);
  const { page, problems, requests, close } = await openPage(browser, `${url}/?session=${SID}&event=e2e-o3#key=${KEY}`);
  assert.equal(await waitForLoad(page), "ready", await page.textContent("#error"));
  await page.waitForFunction(() => [...document.querySelectorAll("#detail .facts dt")].some((d) => d.textContent === "Cost"));
  const facts = await page.$$eval("#detail .facts dt", (dts) => Object.fromEntries(dts.map((d) => [d.textContent, d.nextElementSibling?.textContent ?? ""])));
  assert.equal(facts.Cost, "$1.0000 (priced as o3)");
  assert.match(facts["Price source"], /e2e-installed-prices/);
  assert.ok(requests.some((u) => u.endsWith("/pricing/catalog")), "the catalog came from GET /pricing/catalog");
  assert.ok(!requests.some((u) => u.endsWith("/genai-prices.json")), "the viewer's bundled catalog was not fetched");
  assert.doesNotMatch(await page.textContent("#status"), /price list/, "the status has nothing to say about prices");
  assert.deepEqual(problems, []);
  await close();
});
