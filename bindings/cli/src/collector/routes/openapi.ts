/** `GET /health` and `GET /openapi.json`, the OpenAPI 3.1 document generated from the route table. */
import { sendJson } from "../http.js";
import type { Context, Route, RouteDoc } from "../router.js";

const ERROR_TEXT: Record<number, string> = {
  400: "Bad request (malformed JSON, invalid parameter)",
  401: "Missing or wrong API key",
  404: "Not found",
  413: "Body over the size limit",
  415: "Unsupported media type or encoding",
  422: "Invalid query parameter",
  429: "Rate limited (see Retry-After)",
  501: "Not supported by this build",
};

function operation(r: Route): Record<string, unknown> {
  const d: RouteDoc = r.doc;
  const op: Record<string, unknown> = {
    summary: d.summary,
    operationId: `${r.method.toLowerCase()}${r.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    responses: {
      [String(d.status ?? 200)]: { description: d.status === 201 ? "Created" : "OK", content: { [d.produces ?? "application/json"]: { schema: d.produces ? { type: "string" } : { type: "object" } } } },
      ...Object.fromEntries(
        (d.errors ?? []).map((s) => [String(s), { description: ERROR_TEXT[s] ?? "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]),
      ),
    },
  };
  if (d.params?.length) {
    op.parameters = d.params.map((p) => ({ name: p.name, in: p.in, required: p.in === "path", description: p.description, schema: { type: p.type ?? "string" } }));
  }
  if (d.body || d.bodyTypes) {
    const content: Record<string, unknown> = {};
    if (d.body) content["application/json"] = { schema: { type: "object", description: d.body } };
    for (const t of d.bodyTypes ?? []) content[t] = { schema: { type: "string", format: "binary" } };
    op.requestBody = { required: true, content };
  }
  if (r.auth) op.security = [{ apiKey: [] }, { bearer: [] }];
  else op.security = [];
  return op;
}

/** The OpenAPI 3.1 document for `routes`. */
export function openApi(routes: Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  return {
    openapi: "3.1.0",
    info: {
      title: "AgentLens local collector",
      version: "1",
      description: "AgentLens- and Agent Inspector-compatible trace collector. Data endpoints need the API key (X-API-Key or Authorization: Bearer) when one is configured. The viewer's static files are served at / without a key.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
        bearer: { type: "http", scheme: "bearer" },
      },
      schemas: { Error: { type: "object", required: ["error"], properties: { error: { type: "string" } } } },
    },
  };
}

export const docRoutes: Route[] = [
  {
    method: "GET",
    path: "/health",
    auth: false,
    handle: (ctx: Context) => sendJson(ctx.res, 200, { status: "ok", timestamp: new Date().toISOString() }),
    doc: { summary: "Liveness (no API key needed)" },
  },
  {
    method: "GET",
    path: "/openapi.json",
    auth: false,
    handle: (ctx: Context) => sendJson(ctx.res, 200, openApi(ctx.config.routes)),
    doc: { summary: "This document" },
  },
];
