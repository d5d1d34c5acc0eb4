/// <reference types="node" />
/**
 * The route table: each route's method, path (OpenAPI template syntax, `{id}`), whether
 * it needs the API key, its handler and its OpenAPI description. The OpenAPI document is
 * generated from this table, so it lists exactly the routes the server answers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnalysisRunner } from "./analysis-runner.js";
import type { LiveHub } from "./live-hub.js";
import type { CollectorStore } from "./store.js";

export interface ParamDoc {
  name: string;
  in: "path" | "query";
  description?: string;
  type?: "string" | "integer" | "number" | "boolean";
}

export interface RouteDoc {
  summary: string;
  params?: ParamDoc[];
  /** A JSON request body is expected (described in prose). */
  body?: string;
  /** The other content types accepted (OTLP, NDJSON, ...). */
  bodyTypes?: string[];
  /** The response's content type when not JSON. */
  produces?: string;
  /** The status of a success, when not 200 (201 for a created resource). */
  status?: number;
  /** Statuses beyond the success that the route answers with. */
  errors?: number[];
}

export interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  store: CollectorStore;
  live: LiveHub;
  config: ServerConfig;
}

export interface ServerConfig {
  maxBodyBytes: number;
  maxBatchEvents: number;
  redact: Record<string, unknown>;
  /** Every route, for the OpenAPI document. */
  routes: Route[];
  hasApiKey: boolean;
  /** Runs the analysis engines off the main thread, with a deadline (`analysis-runner.ts`). */
  analysis: AnalysisRunner;
}

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  auth: boolean;
  doc: RouteDoc;
  handle(ctx: Context): Promise<void> | void;
}

export interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a, b) => {
    names.push(a ?? b);
    return "([^/]+)";
  });
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

/** The route for `method path`, or which methods the path allows (for 405), or nothing. */
export function match(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | { allow: string[] } | null {
  const allow: string[] = [];
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (!m) continue;
    const wanted = method === "HEAD" ? "GET" : method;
    if (r.method !== wanted) {
      allow.push(r.method);
      continue;
    }
    const params: Record<string, string> = {};
    let ok = true;
    r.names.forEach((n, i) => {
      try {
        params[n] = decodeURIComponent(m[i + 1]!);
      } catch {
        ok = false;
      }
    });
    if (ok) return { route: r, params };
  }
  return allow.length ? { allow } : null;
}
