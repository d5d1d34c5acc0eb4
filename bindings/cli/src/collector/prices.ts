/// <reference types="node" />
/**
 * The price catalog the collector prices with: the file `agentlens prices update` installed
 * (`<dataDir>/prices/genai-prices.json`), else the one the SDK package ships
 * (`@agentlens/sdk`'s `prices/genai-prices.json`). The core embeds no prices and keeps the
 * catalog per wasm instance, so this file remembers the text it handed in and hands it in
 * again wherever a fresh instance appears: after `recycleWasm()` (engine.ts) and in each
 * analysis worker (analysis-runner.ts passes it as `workerData`). Reading the data, which
 * price applies and what an entry means are the core's (`setPriceCatalog`); this file
 * only finds, reads and writes files.
 *
 * The catalog is the process's: in one process the last collector started (or the last
 * `POST /pricing/reload`) sets it for every collector of that process.
 */
import { existsSync, readFileSync, renameSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { analysisWasm } from "@agentlens/sdk/internal";

/** Where a catalog came from, as its file says (the core's `CatalogSource`). */
export interface CatalogSource {
  name: string;
  version: string;
  licence: string;
  url: string;
  as_of?: string | null;
  [key: string]: unknown;
}

/** What the core read from a catalog: its source and size. */
export interface CatalogInfo {
  source: CatalogSource;
  providers: number;
  models: number;
}

/** The catalog in use: what the core read, the file it came from and which kind of file. */
export interface ActiveCatalog extends CatalogInfo {
  /** The file read. */
  path: string;
  /** `installed`: `<dataDir>/prices/genai-prices.json`; `bundled`: the SDK package's. */
  kind: "installed" | "bundled";
}

/** The installed catalog's path under a data directory. */
export function installedCatalogPath(dataDir: string): string {
  return join(resolve(dataDir), "prices", "genai-prices.json");
}

/** The catalog file the SDK package ships, or `null` when it cannot be found. */
export function bundledCatalogPath(): string | null {
  try {
    const pkg = fileURLToPath(import.meta.resolve("@agentlens/sdk/package.json"));
    const path = join(dirname(pkg), "prices", "genai-prices.json");
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** The data directory of a database file: the directory it is in (the working directory for `:memory:`). */
export function dataDirOf(dbPath: string): string {
  return dbPath === ":memory:" || dbPath === "" ? process.cwd() : dirname(resolve(dbPath));
}

/** The file a collector over `dataDir` reads: the installed one when it exists, else the bundled one. */
export function catalogFileFor(dataDir: string): { path: string; kind: ActiveCatalog["kind"] } | null {
  const installed = installedCatalogPath(dataDir);
  if (existsSync(installed)) return { path: installed, kind: "installed" };
  const bundled = bundledCatalogPath();
  return bundled ? { path: bundled, kind: "bundled" } : null;
}

/**
 * Hands `text` to this thread's analysis wasm; the core's reading of it. Throws the core's
 * `AgentLensAnalysisError` naming the bad entry, and then the instance keeps the catalog it had.
 */
export function applyCatalogText(text: string): CatalogInfo {
  return JSON.parse(analysisWasm().setPriceCatalog(text)) as CatalogInfo;
}

let active: (ActiveCatalog & { text: string }) | null = null;
let dataDir: string | null = null;
let generation = 0;

/**
 * Loads the catalog for a collector over `dir` and makes it the one every instance prices
 * with. Throws when neither file exists or the file cannot be read (the core's error names
 * the entry); the catalog in use is then unchanged.
 */
export function loadCatalog(dir: string): ActiveCatalog {
  const file = catalogFileFor(dir);
  if (!file) throw new Error(`no price catalog: neither ${installedCatalogPath(dir)} nor the SDK's prices/genai-prices.json exists`);
  const text = readFileSync(file.path, "utf8");
  const info = applyCatalogText(text);
  active = { ...info, ...file, text };
  dataDir = dir;
  generation++;
  return activeCatalog()!;
}

/**
 * The collector's start: {@link loadCatalog}; when the installed file cannot be read, the
 * bundled one is used and `warn` told why. Never throws for a bad installed file.
 */
export function loadCatalogAtStart(dir: string, warn: (message: string) => void): ActiveCatalog | null {
  try {
    return loadCatalog(dir);
  } catch (e) {
    warn(`price catalog not loaded: ${(e as Error)?.message ?? String(e)}`);
    const bundled = bundledCatalogPath();
    if (!bundled || catalogFileFor(dir)?.path === bundled) return null;
    try {
      const text = readFileSync(bundled, "utf8");
      active = { ...applyCatalogText(text), path: bundled, kind: "bundled", text };
      dataDir = dir;
      generation++;
      return activeCatalog();
    } catch (again) {
      warn(`bundled price catalog not loaded: ${(again as Error)?.message ?? String(again)}`);
      return null;
    }
  }
}

/** Reads the catalog file again for the data directory last loaded (`POST /pricing/reload`). */
export function reloadCatalog(): ActiveCatalog {
  if (dataDir === null) throw new Error("no price catalog was loaded");
  return loadCatalog(dataDir);
}

/** The catalog in use, without its text; `null` before one was loaded. */
export function activeCatalog(): ActiveCatalog | null {
  if (!active) return null;
  const { text: _text, ...rest } = active;
  return rest;
}

/** The text of the catalog in use (what `GET /pricing/catalog` serves), or `null`. */
export function activeCatalogText(): string | null {
  return active?.text ?? null;
}

/** Counts every load: an analysis worker made before the last load has an older catalog. */
export function catalogGeneration(): number {
  return generation;
}

/**
 * Hands the catalog in use to this thread's instance again after `__wbg_reset_state` wiped
 * it, unless the instance already has it (the SDK's analysis entry also re-applies the last
 * catalog set on a reset: the text is read only once then).
 */
export function reapplyCatalog(): void {
  if (!active) return;
  const { text, path: _path, kind: _kind, ...info } = active;
  if (analysisWasm().priceCatalogInfo() !== JSON.stringify(info)) applyCatalogText(text);
}

/**
 * Writes `text` as the installed catalog of `dir`: to a temporary file beside it, then
 * renamed over it, so a reader sees the old file or the new one, never part of one.
 * Returns the path.
 */
export function installCatalog(dir: string, text: string): string {
  const path = installedCatalogPath(dir);
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, text, { encoding: "utf8", flag: "wx" });
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  return path;
}
