/// <reference types="node" />
/**
 * The viewer's static files. Paths are decoded once, must stay inside the viewer
 * directory after resolution (symlinks included), and may not hold NUL or backslashes;
 * anything else is a 404. `index.html` gets `<meta name="agentlens-collector">` so the
 * viewer knows it is served by a collector. A strict Content-Security-Policy goes with
 * every file: scripts and styles from this origin only (wasm compiled with
 * 'wasm-unsafe-eval'), no inline script, no framing, API calls to this origin only.
 *
 * The viewer's analysis wasm is not copied into the viewer's build in the package: it is
 * `@agentlens/sdk`'s own file (`@agentlens/sdk/wasm-analysis`), served at
 * `/agentlens-analysis.wasm` when the viewer directory has none, so it ships once. So is
 * the SDK's price data at `/genai-prices.json`, the viewer's fallback when the collector has
 * no catalog to give at `/pricing/catalog`.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { bundledCatalogPath } from "../prices.js";

export const CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};

const META = '<meta name="agentlens-collector" content="1">';

/** The file served at `/agentlens-analysis.wasm` when the viewer directory has none. */
export const ANALYSIS_WASM_NAME = "agentlens-analysis.wasm";

function sdkAnalysisWasm(): string | null {
  try {
    return fileURLToPath(import.meta.resolve("@agentlens/sdk/wasm-analysis"));
  } catch {
    return null;
  }
}

export class StaticFiles {
  private root: Promise<string | null>;
  private readonly fallbacks: ReadonlyMap<string, string>;

  constructor(dir: string | URL) {
    const path = dir instanceof URL ? fileURLToPath(dir) : dir;
    this.root = realpath(path).catch(() => null);
    const fallbacks = new Map<string, string>();
    const wasm = sdkAnalysisWasm();
    if (wasm) fallbacks.set(ANALYSIS_WASM_NAME, wasm);
    const prices = bundledCatalogPath();
    if (prices) fallbacks.set("genai-prices.json", prices);
    this.fallbacks = fallbacks;
  }

  /** Serves `pathname` if it names a file of the viewer; returns false if not found. */
  async serve(pathname: string, res: ServerResponse, head: boolean): Promise<boolean> {
    const root = await this.root;
    if (!root) return false;
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    if (rel.includes("\0") || rel.includes("\\")) return false;
    if (rel.endsWith("/")) rel += "index.html";
    const segments = rel.split("/").filter((s) => s !== "");
    if (segments.some((s) => s === ".." || s === ".")) return false;
    let file: string | null = null;
    try {
      file = await realpath(join(root, ...segments));
      if (file !== root && !file.startsWith(root + sep)) return false;
      if (!(await stat(file)).isFile()) return false;
    } catch {
      file = segments.length === 1 ? (this.fallbacks.get(segments[0]!) ?? null) : null;
      if (file === null) return false;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return false;
    }
    const ext = extname(file).toLowerCase();
    if (file.endsWith(`${sep}index.html`) || (ext === ".html" && segments.at(-1) === "index.html")) {
      const text = body.toString("utf8");
      const at = text.toLowerCase().indexOf("</head>");
      body = Buffer.from(at >= 0 ? `${text.slice(0, at)}${META}${text.slice(at)}` : `${META}${text}`, "utf8");
    }
    res.writeHead(200, {
      "Content-Type": TYPES[ext] ?? "application/octet-stream",
      "Content-Length": body.length,
      "Content-Security-Policy": CSP,
      "Cache-Control": ext === ".html" ? "no-cache" : "public, max-age=300",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Resource-Policy": "same-origin",
    });
    res.end(head ? undefined : body);
    return true;
  }
}
