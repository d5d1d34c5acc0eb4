/// <reference types="node" />
/**
 * The price catalog as the collector serves it: `GET /pricing/catalog` (the catalog's text,
 * for the viewer to price as the collector does), `POST /pricing/reload` (read the
 * catalog file again after `agentlens prices update`), and what `GET /pricing` says about
 * the catalog (`catalog`, `defaults`). Which price applies is the core's answer
 * (`pricingLookupJson`); this file lists models and passes the answers on.
 */
import { createHash } from "node:crypto";
import { analysisWasm } from "@agentlens/sdk/internal";
import { HttpError, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { activeCatalog, activeCatalogText, catalogGeneration, reloadCatalog } from "../prices.js";

/**
 * The providers whose models `GET /pricing` lists under `defaults`: the model makers'
 * own APIs (about 330 models, ~40 KB), not the resellers and routers (openrouter alone
 * has ~900 models), which `GET /pricing/catalog` has in full.
 */
export const DEFAULT_PROVIDERS = ["openai", "anthropic", "google", "mistral", "deepseek", "x-ai", "cohere", "meta"];

/** One model's price in force now, as `GET /pricing` lists it (USD per 1M tokens). */
export interface DefaultPrice {
  input: number;
  output: number;
  cached_input?: number;
  cache_write?: number;
  provider: string;
  effective_from?: string;
  source: string;
}

/** The names the AgentLens backend listed; each keeps the price the catalog gives it. */
const BACKEND_NAMES = [
  "gpt-4", "gpt-4-turbo", "gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo", "claude-3-opus", "claude-3-sonnet",
  "claude-3-haiku", "claude-3.5-sonnet", "claude-4-opus", "claude-4-sonnet", "gemini-pro", "gemini-1.5-pro", "gemini-1.5-flash",
];

interface Listed {
  id?: unknown;
  models?: unknown;
}

/** The `[provider id, model id]` pairs of the catalog text (this project's file or an upstream list). */
function catalogModels(text: string, providers: readonly string[]): [string, string][] {
  const parsed = JSON.parse(text) as unknown;
  const list = Array.isArray(parsed) ? parsed : (parsed as { providers?: unknown })?.providers;
  if (!Array.isArray(list)) return [];
  const out: [string, string][] = [];
  for (const provider of providers) {
    const p = (list as Listed[]).find((x) => x?.id === provider);
    if (!p || !Array.isArray(p.models)) continue;
    for (const m of p.models as Listed[]) if (typeof m?.id === "string") out.push([provider, m.id]);
  }
  return out;
}

let cached: { key: string; value: Record<string, DefaultPrice> } | null = null;

/**
 * The price in force at `now` of each model of {@link DEFAULT_PROVIDERS}, by model id (a
 * model two providers list keeps the first's in that order), and of the names the
 * backend listed, asked of the core. Cached per catalog load and UTC day.
 */
export function catalogDefaults(now = new Date()): Record<string, DefaultPrice> {
  const text = activeCatalogText();
  const day = now.toISOString().slice(0, 10);
  const key = `${catalogGeneration()} ${day}`;
  if (!text) return {};
  if (cached?.key === key) return cached.value;
  const wasm = analysisWasm();
  const out: Record<string, DefaultPrice> = Object.create(null);
  const pairs: [string | undefined, string][] = [...catalogModels(text, DEFAULT_PROVIDERS), ...BACKEND_NAMES.map((m): [undefined, string] => [undefined, m])];
  for (const [provider, model] of pairs) {
    if (model in out) continue;
    const p = JSON.parse(wasm.pricingLookupJson(model, undefined, provider, `${day}T00:00:00Z`)) as Record<string, unknown> | null;
    if (!p || typeof p.input_per_1m !== "number" || typeof p.output_per_1m !== "number") continue;
    const entry: DefaultPrice = { input: p.input_per_1m, output: p.output_per_1m, provider: typeof p.provider === "string" ? p.provider : (provider ?? ""), source: String(p.source ?? "") };
    if (typeof p.cached_input_per_1m === "number") entry.cached_input = p.cached_input_per_1m;
    if (typeof p.cache_write_per_1m === "number") entry.cache_write = p.cache_write_per_1m;
    if (typeof p.effective_from === "string") entry.effective_from = p.effective_from;
    out[model] = entry;
  }
  cached = { key, value: out };
  return out;
}

/** What `GET /pricing` says about the catalog: `{source, providers, models, path, kind}`, or `null`. */
export function catalogSummary(): Record<string, unknown> | null {
  const c = activeCatalog();
  return c ? { source: c.source, providers: c.providers, models: c.models, path: c.path, kind: c.kind } : null;
}

let etag: { generation: number; tag: string } | null = null;

function catalogTag(text: string): string {
  if (etag?.generation !== catalogGeneration()) {
    etag = { generation: catalogGeneration(), tag: `"${createHash("sha256").update(text, "utf8").digest("base64url").slice(0, 27)}"` };
  }
  return etag.tag;
}

function catalogText(ctx: Context): void {
  const text = activeCatalogText();
  if (text === null) throw new HttpError(404, "No price catalog is loaded");
  const tag = catalogTag(text);
  if (ctx.req.headers["if-none-match"] === tag) {
    ctx.res.writeHead(304, { ETag: tag, "Cache-Control": "no-cache" }).end();
    return;
  }
  ctx.res.writeHead(200, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache",
    ETag: tag,
  });
  ctx.res.end(text);
}

function reload(ctx: Context): void {
  let c;
  try {
    c = reloadCatalog();
  } catch (e) {
    // The core named the bad entry; the catalog in use is unchanged.
    throw new HttpError(400, `The price catalog was not reloaded: ${(e as Error)?.message ?? String(e)}`);
  }
  sendJson(ctx.res, 200, { status: "ok", catalog: { source: c.source, providers: c.providers, models: c.models, path: c.path, kind: c.kind } });
}

/** `GET /pricing/catalog` and `POST /pricing/reload`. */
export const catalogRoutes: Route[] = [
  {
    method: "GET",
    path: "/pricing/catalog",
    auth: true,
    handle: catalogText,
    doc: {
      summary:
        "The price catalog in use, as its file holds it (genai-prices data: {agentlens_price_catalog, source, providers} or an upstream list of providers); the viewer prices with it. ETag; If-None-Match answers 304",
      errors: [401, 404],
    },
  },
  {
    method: "POST",
    path: "/pricing/reload",
    auth: true,
    handle: reload,
    doc: {
      summary:
        "Reads the price catalog file again (<data dir>/prices/genai-prices.json, written by `agentlens prices update`, else the SDK's): {status: \"ok\", catalog: {source, providers, models, path, kind}}; a bad file is refused (400, naming the entry) and the catalog in use kept",
      errors: [400, 401],
    },
  },
];
