// GET /openapi.json describes exactly the routes the server answers: every documented
// operation is answered (not the router's 404/405), every answered route is documented,
// and the document is well-formed OpenAPI 3.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ROUTES } from "../dist/collector/server.js";
import { collector, call, get } from "./helpers.mjs";

const ROUTER_404 = { error: "Not found" };
const METHODS = ["GET", "POST"];

test("every documented operation is answered by a route", async (t) => {
  const c = await collector(t);
  const doc = (await get(c, "/openapi.json")).body;
  assert.equal(doc.openapi, "3.1.0");
  let n = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      const concrete = path.replace(/\{[^}]+\}/g, "x1");
      const r = method === "get" && path === "/v1/live"
        ? await fetch(`${c.url}${concrete}`).then(async (res) => { const s = res.status; await res.body.cancel(); return { status: s, body: null }; })
        : await call(c, method.toUpperCase(), concrete, { body: method === "post" ? {} : undefined });
      assert.notEqual(r.status, 405, `${method} ${path}`);
      assert.notDeepEqual(r.body, ROUTER_404, `${method} ${path} is documented but not routed`);
      n++;
    }
  }
  assert.equal(n, ROUTES.length);
});

test("every route the server answers is documented, and nothing else is answered", async (t) => {
  const c = await collector(t);
  const doc = (await get(c, "/openapi.json")).body;
  const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
  for (const r of ROUTES) assert.ok(documented.has(`${r.method} ${r.path}`), `${r.method} ${r.path} is routed but not documented`);
  assert.equal(documented.size, ROUTES.length);
  // Paths that are not routes: each is the router's 404 (no viewer configured here).
  const probes = [
    "/api/sessions", "/sessions/x1/export", "/sessions/x1/tags", "/alerts", "/alerts/rules", "/docs", "/v1/runs/x1/foo",
    "/v1", "/v1/traces/x", "/events/x", "/pricing/x", "/analysis", "/analysis/unknown", "/openapi.yaml", "/sessions/x1/events/search",
  ];
  for (const p of probes) {
    for (const m of METHODS) {
      const r = await call(c, m, p, { body: m === "POST" ? {} : undefined });
      const routed = ROUTES.some((x) => x.method === m && new RegExp(`^${x.path.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(p));
      if (!routed) assert.ok(r.status === 404 || r.status === 405, `${m} ${p} answered ${r.status} but is not documented`);
    }
  }
});

test("each operation declares its path parameters, security and responses", async (t) => {
  const c = await collector(t);
  const doc = (await get(c, "/openapi.json")).body;
  for (const [path, ops] of Object.entries(doc.paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(ops)) {
      const declared = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      assert.deepEqual(declared.sort(), [...names].sort(), `${method} ${path} path parameters`);
      assert.ok(op.responses["200"] ?? op.responses["201"], `${method} ${path} documents its success (200, or 201 for a create)`);
      assert.ok(Array.isArray(op.security));
      assert.equal(typeof op.summary, "string");
      assert.equal(typeof op.operationId, "string");
    }
  }
  const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
  assert.equal(new Set(ids).size, ids.length, "operationIds are unique");
  assert.ok(doc.components.securitySchemes.apiKey);
  assert.equal(doc.paths["/health"].get.security.length, 0, "health is open");
  assert.ok(doc.paths["/events"].post.security.length > 0);
});

test("routes that create answer 201 and document 201, not 200", async (t) => {
  const c = await collector(t);
  const doc = await (await fetch(`${c.url}/openapi.json`)).json();
  for (const [path, method] of [["/alerts/rules", "post"], ["/sessions/{id}/annotations", "post"]]) {
    const responses = doc.paths[path][method].responses;
    assert.ok(responses["201"], `${method} ${path} documents 201`);
    assert.equal(responses["200"], undefined, `${method} ${path} does not document 200`);
  }
  assert.ok(doc.paths["/alerts/rules"].get.responses["200"], "a read documents 200");
});
