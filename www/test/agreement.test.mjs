// One meaning everywhere: for every import fixture trace (tests/fixtures/import), the SDK's
// analysis engines, the collector's reads, the CLI and the viewer agree on each session's
// status, error count and totals (tokens in and out, cost). Each only asks the core
// (src/model/semantics.rs, the statistics and cost engines); a copy of a rule in any of them
// shows up here as a disagreement.
//
// The SDK: `importTrace` + `sessionStats` (errors, cost) and a custom compliance validator,
// which sees the core's session view (status, token totals). The collector (the built
// @agentlens/cli on the project's Node 24, one database per fixture): `POST /import`, then
// `GET /sessions/:id`, `GET /pricing/costs/:id` and the explanation's error count. The CLI:
// `agentlens sessions --json` and `agentlens explain` on the same database. The viewer: the
// file opened in headless Chromium, the session header's facts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { checkCompliance, importTrace, sessionStats } from "@agentlens/sdk/analysis";
import { importFixtures, openPage, repoRoot, skipBrowser, viewerFixture, waitForLoad } from "./support.mjs";

const NODE24 = join(repoRoot, "node_modules/node/bin/node");
const CLI = join(repoRoot, "bindings/cli/dist/cli/main.js");
const COLLECTOR = join(repoRoot, "bindings/cli/dist/collector/index.js");
const skipCollector = (!existsSync(NODE24) && `${NODE24} is absent`) || (!existsSync(COLLECTOR) && `${COLLECTOR} is absent (npm run build -w @agentlens/cli)`);

// Every import fixture (the gzipped copy of the NDJSON trace is the same trace), and a trace
// of the cases where copies of a rule used to disagree: a timed-out LLM call, a failing
// tool, numeric-string and nonsense token counts, cached tokens, a failed root run under a
// "completed" end, an end whose totals differ from the events' sum, a session that timed
// out, one that never ended.
const HARD = join(repoRoot, "www/test/fixtures/agreement/hard-cases.ndjson");
const PATHS = Object.fromEntries([
  ...readdirSync(importFixtures).filter((f) => /\.(json|ndjson)$/.test(f)).map((f) => [f, join(importFixtures, f)]),
  ["hard-cases.ndjson", HARD],
]);
const FIXTURES = Object.keys(PATHS).sort();
const bytesOf = (name) => readFileSync(PATHS[name]);

const fx = viewerFixture(Object.fromEntries(FIXTURES.map((f) => [`/f/${f}`, { body: bytesOf(f) }])));
const run = promisify(execFile);
let dir;
let child;
/** fixture name → collector URL (each fixture in its own database). */
let collectors = {};

before(async () => {
  if (skipCollector) return;
  dir = mkdtempSync(join(tmpdir(), "agentlens-agreement-"));
  const dbs = Object.fromEntries(FIXTURES.map((f, i) => [f, join(dir, `db-${i}.sqlite`)]));
  const script = `
    const { startCollector } = await import(${JSON.stringify(COLLECTOR)});
    const dbs = ${JSON.stringify(dbs)};
    const urls = {};
    const started = [];
    for (const [name, dbPath] of Object.entries(dbs)) {
      const c = await startCollector({ port: 0, dbPath, viewerDir: false });
      started.push(c);
      urls[name] = c.url;
    }
    console.log("URLS " + JSON.stringify(urls));
    process.on("SIGTERM", () => Promise.all(started.map((c) => c.close())).then(() => process.exit(0)));`;
  child = spawn(NODE24, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  collectors = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /URLS (\{.*\})\n/.exec(out);
      if (m) resolve(JSON.parse(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`the collectors exited (${code})`)));
  });
  for (const [name, url] of Object.entries(collectors)) {
    const res = await fetch(`${url}/import`, { method: "POST", body: bytesOf(name) });
    assert.equal(res.status, 200, `${name}: ${await res.text()}`);
  }
  collectors.dbs = dbs;
});

after(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The SDK's answer per session: the core's engines over each session's imported events. */
function sdkSessions(name) {
  const { events } = importTrace(bytesOf(name));
  const ids = [...new Set(events.map((e) => e.session_id).filter((id) => typeof id === "string" && id !== ""))];
  const policy = { name: "probe", rules: [{ name: "probe", kind: "probe", severity: "warning" }] };
  return Object.fromEntries(
    ids.map((id) => {
      const own = events.filter((e) => e.session_id === id);
      let seen = null;
      checkCompliance(policy, own, {
        validators: {
          probe: (session) => {
            seen = { status: session.status, tokensIn: session.total_tokens_in, tokensOut: session.total_tokens_out };
            return { passed: true, message: "probed" };
          },
        },
      });
      assert.ok(seen, `${name}: the validator saw session ${id}`);
      const stats = sessionStats(own);
      return [id, { ...seen, errors: stats.errors, cost: stats.total_cost }];
    }),
  );
}

const errorsIn = (explanation) => Number(/(\d+) error\(s\)/.exec(explanation)?.[1] ?? 0);
const sameCost = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

test("every fixture trace gives the SDK sessions to compare", () => {
  assert.ok(FIXTURES.length >= 8, FIXTURES.join(", "));
  for (const name of FIXTURES) assert.ok(Object.keys(sdkSessions(name)).length > 0, name);
});

for (const name of FIXTURES) {
  test(`${name}: the SDK, the collector's reads and the CLI agree on status, errors and totals`, { skip: skipCollector }, async () => {
    const sdk = sdkSessions(name);
    const url = collectors[name];
    const db = collectors.dbs[name];
    const listed = JSON.parse((await run(NODE24, [CLI, "sessions", "--json", "--limit", "1000", "--db", db])).stdout).sessions;
    assert.deepEqual(listed.map((s) => s.session_id).sort(), Object.keys(sdk).sort(), "the same sessions");
    for (const [id, want] of Object.entries(sdk)) {
      const path = encodeURIComponent(id);
      const session = await (await fetch(`${url}/sessions/${path}`)).json();
      assert.equal(session.status, want.status, `${id}: collector status`);
      assert.equal(session.total_tokens_in, want.tokensIn, `${id}: collector tokens in`);
      assert.equal(session.total_tokens_out, want.tokensOut, `${id}: collector tokens out`);
      const costs = await (await fetch(`${url}/pricing/costs/${path}`)).json();
      assert.ok(sameCost(costs.total_cost, want.cost), `${id}: collector cost ${costs.total_cost} vs the SDK's ${want.cost}`);
      const explained = await (await fetch(`${url}/sessions/${path}/explain`)).json();
      assert.equal(errorsIn(explained.explanation), want.errors, `${id}: collector explain's errors`);

      const row = listed.find((s) => s.session_id === id);
      assert.equal(row.status, want.status, `${id}: CLI status`);
      assert.equal(row.total_tokens_in, want.tokensIn, `${id}: CLI tokens in`);
      assert.equal(row.total_tokens_out, want.tokensOut, `${id}: CLI tokens out`);
      const cliExplain = (await run(NODE24, [CLI, "explain", id, "--db", db])).stdout;
      assert.equal(errorsIn(cliExplain), want.errors, `${id}: CLI explain's errors`);
    }
  });
}

/** The value after `term` in the session header's facts. */
const fact = (page, term) =>
  page.$$eval(".session-header .facts dt", (dts, term) => dts.find((d) => d.textContent === term)?.nextElementSibling?.textContent ?? null, term);
const fmtCost = (usd) => (usd >= 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(6)}`);

for (const name of FIXTURES) {
  test(`${name}: the viewer agrees with the SDK on status, errors and totals`, { skip: skipBrowser }, async () => {
    const sdk = sdkSessions(name);
    for (const [id, want] of Object.entries(sdk)) {
      const { page, problems, close } = await openPage(fx.browser, `${fx.server.url}/?src=/f/${name}&session=${encodeURIComponent(id)}`);
      assert.equal(await waitForLoad(page), "ready", `${name}: ${await page.textContent("#error")}`);
      await page.waitForFunction((id) => document.querySelector(".session-header .facts")?.textContent.includes(id), id);
      assert.equal(await page.textContent(".session-header h2 .badge"), want.status, `${id}: status`);
      assert.equal(await fact(page, "Errors"), String(want.errors), `${id}: errors`);
      assert.equal(await fact(page, "Tokens"), `${want.tokensIn} in / ${want.tokensOut} out`, `${id}: tokens`);
      assert.ok((await fact(page, "Cost")).startsWith(fmtCost(want.cost)), `${id}: cost ${await fact(page, "Cost")} vs ${fmtCost(want.cost)}`);
      assert.deepEqual(problems, []);
      await close();
    }
  });
}
