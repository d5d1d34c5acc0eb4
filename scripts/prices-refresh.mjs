#!/usr/bin/env node
// Refreshes the price catalog every AgentLens cost comes from:
// bindings/sdk/prices/genai-prices.json, generated from Pydantic's genai-prices data (MIT).
//
//   node scripts/prices-refresh.mjs [VERSION]      # download the crate from crates.io
//   node scripts/prices-refresh.mjs --from FILE    # an upstream prices.json already on disk
//
// The crate (crates.io `genai-prices`) embeds the upstream `prices.json`; this keeps what
// pricing needs (providers, their match rules and fallbacks, each model's match rule,
// prices, dated periods, tiers and variants) and drops descriptions, names, URLs and usage
// extractors. The format stays upstream's, so the core reads this file and an upstream
// file alike (`agentlens prices update --from prices.json` takes either). Run by a
// maintainer when upstream publishes new prices; the build never downloads anything.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "bindings/sdk/prices/genai-prices.json");
const args = process.argv.slice(2);

let text;
let version;
if (args[0] === "--from") {
  text = readFileSync(args[1], "utf8");
  version = args[2] ?? "local file";
} else {
  version = args[0] ?? "0.2.1";
  const url = `https://static.crates.io/crates/genai-prices/genai-prices-${version}.crate`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const dir = mkdtempSync(join(tmpdir(), "genai-prices-"));
  try {
    writeFileSync(join(dir, "crate.tgz"), Buffer.from(await res.arrayBuffer()));
    execFileSync("tar", ["xzf", "crate.tgz"], { cwd: dir });
    text = readFileSync(join(dir, `genai-prices-${version}`, "data", "prices.json"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const upstream = JSON.parse(text);
const providers = Array.isArray(upstream) ? upstream : upstream.providers;
const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
const kept = providers.map((p) => ({
  ...pick(p, ["id", "model_match", "provider_match", "fallback_model_providers"]),
  models: p.models.map((m) => pick(m, ["id", "match", "prices", "price_variants", "deprecated"])),
}));
// The newest dated price in the data: how current it is.
let newest = "";
for (const p of kept) for (const m of p.models) {
  for (const c of Array.isArray(m.prices) ? m.prices : []) {
    const d = c.constraint?.start_date;
    if (d && d > newest) newest = d;
  }
}
const catalog = {
  agentlens_price_catalog: 1,
  source: {
    name: "genai-prices",
    version,
    licence: "MIT, Copyright (c) Pydantic Services Inc.",
    url: "https://github.com/pydantic/genai-prices",
    // Undated events are priced as of this day (the core never reads a clock).
    as_of: new Date().toISOString().slice(0, 10),
    newest_price: newest || undefined,
  },
  providers: kept,
};
writeFileSync(out, JSON.stringify(catalog) + "\n");
const models = kept.reduce((n, p) => n + p.models.length, 0);
console.log(`${out}: ${kept.length} providers, ${models} models, newest dated price ${newest}`);
