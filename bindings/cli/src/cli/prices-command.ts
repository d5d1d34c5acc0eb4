/// <reference types="node" />
/**
 * `agentlens prices update | show | lookup`: installs a price catalog (genai-prices data)
 * where the collector reads it, says which catalog is in use, and asks the core which
 * price applies to a model. Reading the data and choosing a price are the core's
 * (`setPriceCatalog`, `pricingLookupJson` of the analysis wasm); this file reads and writes
 * files, asks a running collector to reload, and prints. Needs no database.
 */
import "@agentlens/sdk/analysis";
import { readFileSync } from "node:fs";
import { analysisWasm } from "@agentlens/sdk/internal";
import {
  applyCatalogText, catalogFileFor, dataDirOf, installCatalog, installedCatalogPath,
  type ActiveCatalog, type CatalogInfo,
} from "../collector/prices.js";
import type { Parsed } from "./args.js";
import type { CollectorConfig } from "./config.js";
import { CliError, EXIT, notFound, UsageError } from "./exit-codes.js";
import { count } from "./format.js";

type Options = Parsed["options"];

/** How long `prices update` waits for a running collector to reload. */
const RELOAD_TIMEOUT_MS = 3_000;

const print = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));

/** The data directory: `--data-dir`, else the database file's directory. */
function dataDir(o: Options, config: CollectorConfig): string {
  return typeof o["data-dir"] === "string" ? o["data-dir"] : dataDirOf(config.db);
}

/** `genai-prices 0.2.1 (as of 2026-12-06)`. */
function sourceLine(info: CatalogInfo): string {
  const s = info.source;
  const name = [s.name || "(unnamed)", s.version].filter(Boolean).join(" ");
  return s.as_of ? `${name} (as of ${s.as_of})` : name;
}

/** Loads the catalog a collector over `dir` would use into this process's instance. */
function loadActive(dir: string): ActiveCatalog {
  const file = catalogFileFor(dir);
  if (!file) throw notFound(`no price catalog: ${installedCatalogPath(dir)} does not exist and the SDK's prices/genai-prices.json was not found`);
  let info: CatalogInfo;
  try {
    info = applyCatalogText(readFileSync(file.path, "utf8"));
  } catch (e) {
    throw new CliError(EXIT.failure, `the price catalog ${file.path} cannot be read: ${(e as Error)?.message ?? String(e)}`);
  }
  return { ...info, ...file };
}

/** The collector's address for a local request: a wildcard bind is reached on loopback. */
function collectorUrl(config: CollectorConfig): string {
  const host = config.host === "0.0.0.0" || config.host === "" ? "127.0.0.1" : config.host === "::" ? "[::1]" : config.host.includes(":") ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

/** Asks a collector on the configured address to read the catalog again; what happened, in one line. */
async function reloadCollector(config: CollectorConfig): Promise<{ reloaded: boolean; message: string }> {
  const url = collectorUrl(config);
  try {
    const res = await fetch(`${url}/pricing/reload`, {
      method: "POST",
      headers: config.apiKey ? { "X-API-Key": config.apiKey } : {},
      signal: AbortSignal.timeout(RELOAD_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: unknown };
    if (res.ok) return { reloaded: true, message: `the collector at ${url} reloaded it` };
    return { reloaded: false, message: `the collector at ${url} did not reload it (HTTP ${res.status}${typeof body.error === "string" ? `: ${body.error}` : ""}); restart it to use the new prices` };
  } catch {
    return { reloaded: false, message: `no collector answered at ${url}; a collector reads the catalog when it starts (restart a running one, or POST /pricing/reload)` };
  }
}

async function update(o: Options, config: CollectorConfig): Promise<number> {
  const from = o.from as string;
  let text: string;
  try {
    text = readFileSync(from === "-" ? 0 : from, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === "ENOENT") throw notFound(`no such file: ${from}`);
    throw new CliError(EXIT.failure, `cannot read ${from}: ${(e as Error)?.message ?? String(e)}`);
  }
  const dir = dataDir(o, config);
  let info: CatalogInfo;
  try {
    info = applyCatalogText(text);
  } catch (e) {
    // The core names the provider or model it could not read.
    throw new CliError(EXIT.failure, `${from} was refused: ${(e as Error)?.message ?? String(e)}; the catalog in use is unchanged`);
  }
  const path = installCatalog(dir, text);
  const reload = o["no-reload"] === true ? null : await reloadCollector(config);
  if (o.json === true) {
    printJson({ ...info, path, ...(reload ? { collector: reload } : {}) });
    return EXIT.ok;
  }
  print(
    [
      `Installed price catalog ${sourceLine(info)}: ${count(info.providers, "provider")}, ${count(info.models, "model")}`,
      `  written to ${path}`,
      ...(reload ? [`  ${reload.message}`] : []),
    ].join("\n"),
  );
  return EXIT.ok;
}

function show(o: Options, config: CollectorConfig): number {
  const c = loadActive(dataDir(o, config));
  if (o.json === true) {
    printJson(c);
    return EXIT.ok;
  }
  const from = c.kind === "installed" ? "installed by agentlens prices update" : "bundled with @agentlens/sdk";
  print(
    [
      `Price catalog: ${sourceLine(c)}`,
      `  file:      ${c.path} (${from})`,
      `  providers: ${c.providers}`,
      `  models:    ${c.models}`,
      ...(c.source.licence ? [`  licence:   ${c.source.licence}`] : []),
      ...(c.source.url ? [`  url:       ${c.source.url}`] : []),
      ...(c.kind === "bundled" ? [`  (agentlens prices update --from FILE installs another at ${installedCatalogPath(dataDir(o, config))})`] : []),
    ].join("\n"),
  );
  return EXIT.ok;
}

/** `$2.5`: a rate per 1M tokens as the catalog gives it. */
const usd = (n: unknown) => (typeof n === "number" ? `$${n}` : "-");

function lookup(o: Options, config: CollectorConfig, model: string): number {
  const c = loadActive(dataDir(o, config));
  const day = typeof o.at === "string" ? o.at : new Date().toISOString().slice(0, 10);
  const provider = typeof o.provider === "string" ? o.provider : undefined;
  const p = JSON.parse(analysisWasm().pricingLookupJson(model, undefined, provider, `${day}T00:00:00Z`)) as Record<string, unknown> | null;
  if (!p) throw notFound(`no price for "${model}"${provider ? ` from ${provider}` : ""} on ${day} in ${sourceLine(c)}: its costs are reported as unmatched (set one with PUT /pricing)`);
  if (o.json === true) {
    printJson({ ...p, date: day, catalog: { source: c.source, path: c.path, kind: c.kind } });
    return EXIT.ok;
  }
  const rates = [`input ${usd(p.input_per_1m)}`, `output ${usd(p.output_per_1m)}`];
  if (p.cached_input_per_1m !== undefined) rates.push(`cached input ${usd(p.cached_input_per_1m)}`);
  if (p.cache_write_per_1m !== undefined) rates.push(`cache write ${usd(p.cache_write_per_1m)}`);
  if (p.reasoning_per_1m !== undefined) rates.push(`reasoning ${usd(p.reasoning_per_1m)}`);
  print(
    [
      `${model}: ${p.model}${p.provider ? ` (${p.provider})` : ""} on ${day}, USD per 1M tokens`,
      `  ${rates.join(", ")}`,
      `  effective from: ${typeof p.effective_from === "string" ? p.effective_from : "(no start date: the model's first price)"}`,
      `  source:         ${String(p.source ?? "")}`,
      `  catalog:        ${sourceLine(c)}, ${c.path}`,
    ].join("\n"),
  );
  return EXIT.ok;
}

/** Runs `agentlens prices ACTION`; the exit code. */
export async function pricesCommand(parsed: Parsed, config: CollectorConfig): Promise<number> {
  const [action, model] = parsed.positionals;
  const o = parsed.options;
  switch (action) {
    case "update":
      return update(o, config);
    case "show":
      return show(o, config);
    case "lookup":
      return lookup(o, config, model!);
    default:
      throw new UsageError(`unknown action "${action ?? ""}" (update, show or lookup)`, "prices");
  }
}
