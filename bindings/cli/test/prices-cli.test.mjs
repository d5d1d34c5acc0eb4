// `agentlens prices update | show | lookup` (issue 16): a price file checked by the core,
// installed atomically where the collector reads it, a running collector asked to reload,
// and the price that applies to a model on a day.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { collector, get } from "./helpers.mjs";
import { runCli, tempDir } from "./cli-support.mjs";
import { DATED } from "./prices-fixture.mjs";

/** A port nothing listens on (bound, then closed). */
async function closedPort() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** `prices ...args` with the data directory `dir`, no collector on the configured port. */
async function prices(dir, args, env = {}) {
  const port = env.AGENTLENS_PORT ?? String(await closedPort());
  return runCli(["prices", ...args, "--data-dir", dir], { cwd: dir, env: { AGENTLENS_PORT: port, ...env } });
}

test("prices update installs a dated catalog; show and lookup use it; lookup picks the period of --at", async (t) => {
  const dir = tempDir(t);
  const from = join(dir, "mine.json");
  writeFileSync(from, JSON.stringify(DATED));
  const u = await prices(dir, ["update", "--from", from]);
  assert.equal(u.code, 0, u.stderr);
  const installed = join(dir, "prices", "genai-prices.json");
  assert.equal(
    u.stdout,
    [
      "Installed price catalog test-prices 7 (as of 2026-06-01): 1 provider, 1 model",
      `  written to ${installed}`,
      `  no collector answered at http://127.0.0.1:${u.stdout.match(/127\.0\.0\.1:(\d+)/)[1]}; a collector reads the catalog when it starts (restart a running one, or POST /pricing/reload)`,
      "",
    ].join("\n"),
  );
  assert.equal(readFileSync(installed, "utf8"), JSON.stringify(DATED), "the file is written as given");
  assert.deepEqual(readdirSync(join(dir, "prices")), ["genai-prices.json"], "no temporary file is left");

  const s = await prices(dir, ["show", "--json"]);
  assert.equal(s.code, 0, s.stderr);
  const shown = JSON.parse(s.stdout);
  assert.deepEqual([shown.source.name, shown.source.version, shown.source.as_of, shown.providers, shown.models, shown.path, shown.kind], ["test-prices", "7", "2026-06-01", 1, 1, installed, "installed"]);

  const before = await prices(dir, ["lookup", "acme-large-v2", "--at", "2026-02-28"]);
  assert.equal(before.code, 0, before.stderr);
  assert.equal(
    before.stdout,
    [
      "acme-large-v2: acme-large (acme) on 2026-02-28, USD per 1M tokens",
      "  input $4, output $16",
      "  effective from: (no start date: the model's first price)",
      "  source:         test-prices 7",
      `  catalog:        test-prices 7 (as of 2026-06-01), ${installed}`,
      "",
    ].join("\n"),
  );
  const after = JSON.parse((await prices(dir, ["lookup", "acme-large", "--at", "2026-03-01", "--json"])).stdout);
  assert.deepEqual([after.input_per_1m, after.output_per_1m, after.cached_input_per_1m, after.provider, after.effective_from, after.date], [1, 4, 0.1, "acme", "2026-03-01", "2026-03-01"]);
});

test("prices lookup: an unknown model exits 3; the bundled catalog prices o3 at 10/40 before 2025-06-10 and 2/8 from it", async (t) => {
  const dir = tempDir(t);
  const unknown = await prices(dir, ["lookup", "no-such-model-anywhere"]);
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /no price for "no-such-model-anywhere"/);
  const old = JSON.parse((await prices(dir, ["lookup", "o3", "--at", "2025-06-09", "--json"])).stdout);
  const cut = JSON.parse((await prices(dir, ["lookup", "o3", "--provider", "openai", "--at", "2025-06-10", "--json"])).stdout);
  assert.deepEqual([old.input_per_1m, old.output_per_1m, old.provider, old.catalog.kind], [10, 40, "openai", "bundled"]);
  assert.deepEqual([cut.input_per_1m, cut.output_per_1m, cut.effective_from], [2, 8, "2025-06-10"]);
  const s = await prices(dir, ["show"]);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^Price catalog: genai-prices \S+ \(as of \d{4}-\d{2}-\d{2}\)\n {2}file: {6}.*prices\/genai-prices\.json \(bundled with @agentlens\/sdk\)\n/);
});

test("prices update refuses a bad file, names the entry and keeps the installed catalog", async (t) => {
  const dir = tempDir(t);
  const good = join(dir, "good.json");
  writeFileSync(good, JSON.stringify(DATED));
  assert.equal((await prices(dir, ["update", "--from", good, "--no-reload"])).code, 0);
  const installed = join(dir, "prices", "genai-prices.json");
  const bad = structuredClone(DATED);
  bad.providers[0].models.push({ id: "broken-model", match: { equals: "broken-model" }, prices: { input_mtok: -1 } });
  writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
  const r = await prices(dir, ["update", "--from", join(dir, "bad.json")]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /was refused: .*broken-model/);
  assert.match(r.stderr, /the catalog in use is unchanged/);
  assert.equal(readFileSync(installed, "utf8"), JSON.stringify(DATED), "the installed file is untouched");
  assert.equal((await prices(dir, ["update", "--from", join(dir, "missing.json")])).code, 3);
  const usage = await prices(dir, ["update"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /needs --from FILE/);
  assert.equal((await prices(dir, ["lookup", "o3", "--at", "June"])).code, 2);
  assert.equal((await prices(dir, ["bogus"])).code, 2);
});

test("prices update accepts an upstream genai-prices list and a running collector reloads it", async (t) => {
  const dir = tempDir(t);
  const c = await collector(t, { dbPath: join(dir, "agentlens.db"), apiKey: "k" });
  const key = { "X-API-Key": "k" };
  assert.equal((await get(c, "/pricing", key)).body.catalog.kind, "bundled");
  const upstream = join(dir, "prices.json");
  writeFileSync(upstream, JSON.stringify(DATED.providers));
  const r = await prices(dir, ["update", "--from", upstream, "--port", String(c.port)], { AGENTLENS_API_KEY: "k" });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`the collector at http://127\\.0\\.0\\.1:${c.port} reloaded it`));
  const b = (await get(c, "/pricing", key)).body;
  assert.deepEqual([b.catalog.kind, b.catalog.models, b.catalog.path], ["installed", 1, join(dir, "prices", "genai-prices.json")]);
  assert.ok(existsSync(join(dir, "prices", "genai-prices.json")));
});
