// Auth, CORS, rate limiting, and the static viewer (CSP, the collector meta tag, no path
// traversal), against a real collector on 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { collector, call, get, post, tempDir, PYTHON_SDK_BATCH } from "./helpers.mjs";

/** A GET with the path sent exactly as given (fetch would normalise `..`). */
function rawGet(url, path, headers = {}) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: "GET", headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Every path template in the OpenAPI document, made concrete. */
async function documentedRoutes(c) {
  const doc = (await get(c, "/openapi.json")).body;
  const routes = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      routes.push({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, "x1"), secured: op.security.length > 0 });
    }
  }
  return routes;
}

test("binds to 127.0.0.1 by default", async (t) => {
  const c = await collector(t);
  assert.match(c.url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test("with an API key, every data endpoint answers 401 without it or with a wrong one, and works with X-API-Key or Bearer", async (t) => {
  const c = await collector(t, { apiKey: "s3cret-key" });
  const routes = await documentedRoutes(c);
  const secured = routes.filter((r) => r.secured);
  assert.ok(secured.length >= 24, `only ${secured.length} secured routes documented`);
  for (const r of secured) {
    for (const headers of [{}, { "X-API-Key": "wrong" }, { "X-API-Key": "s3cret-ke" }, { Authorization: "Bearer nope" }, { Authorization: "Basic czNjcmV0LWtleQ==" }]) {
      const res = await call(c, r.method, r.path, { headers, body: r.method === "POST" ? {} : undefined });
      assert.equal(res.status, 401, `${r.method} ${r.path} with ${JSON.stringify(Object.keys(headers))}`);
      assert.deepEqual(res.body, { error: "Unauthorized: invalid or missing API key" });
    }
  }
  const ok = await post(c, "/events", PYTHON_SDK_BATCH, { "X-API-Key": "s3cret-key" });
  assert.equal(ok.status, 200);
  const bearer = await get(c, "/sessions", { Authorization: "Bearer s3cret-key" });
  assert.equal(bearer.status, 200);
  assert.equal(bearer.body.total, 1);
  for (const r of routes.filter((x) => !x.secured)) {
    assert.notEqual((await call(c, r.method, r.path)).status, 401, `${r.path} is open`);
  }
});

test("without an API key configured, data endpoints are open (dev mode)", async (t) => {
  const c = await collector(t);
  assert.equal((await get(c, "/sessions")).status, 200);
});

test("unknown paths are 404 and wrong methods 405, with JSON error bodies", async (t) => {
  const c = await collector(t);
  const nf = await get(c, "/nope");
  assert.deepEqual([nf.status, nf.body], [404, { error: "Not found" }]);
  const m = await call(c, "DELETE", "/sessions");
  assert.equal(m.status, 405);
  assert.equal(m.headers.get("allow"), "GET");
  assert.equal(typeof m.body.error, "string");
});

test("CORS is off unless origins are configured; configured origins get headers and preflights", async (t) => {
  const off = await collector(t);
  const r1 = await get(off, "/health", { Origin: "http://evil.example" });
  assert.equal(r1.headers.get("access-control-allow-origin"), null);
  const pre1 = await call(off, "OPTIONS", "/events", { headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "POST" } });
  assert.equal(pre1.headers.get("access-control-allow-origin"), null);

  const on = await collector(t, { cors: ["http://app.example"] });
  const r2 = await get(on, "/health", { Origin: "http://app.example" });
  assert.equal(r2.headers.get("access-control-allow-origin"), "http://app.example");
  assert.equal(r2.headers.get("vary"), "Origin");
  const pre2 = await call(on, "OPTIONS", "/events", { headers: { Origin: "http://app.example", "Access-Control-Request-Method": "POST" } });
  assert.equal(pre2.status, 204);
  assert.match(pre2.headers.get("access-control-allow-headers"), /X-API-Key/);
  const other = await get(on, "/health", { Origin: "http://evil.example" });
  assert.equal(other.headers.get("access-control-allow-origin"), null);
});

test("rate limit per client: 429 with Retry-After and a JSON body", async (t) => {
  const c = await collector(t, { rateLimitPerMinute: 3 });
  for (let i = 0; i < 3; i++) assert.equal((await get(c, "/sessions")).status, 200);
  const limited = await get(c, "/sessions");
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.deepEqual(limited.body, { error: "Too many requests, please try again later" });
});

function viewer(t) {
  const dir = tempDir(t);
  const root = join(dir, "viewer");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<!doctype html><html><head><title>v</title></head><body><script src=\"assets/app.js\"></script></body></html>");
  writeFileSync(join(root, "assets", "app.js"), "console.log('viewer');");
  writeFileSync(join(dir, "secret.txt"), "TOP-SECRET-OUTSIDE");
  symlinkSync(join(dir, "secret.txt"), join(root, "link.txt"));
  return root;
}

test("the viewer is served at / without a key, with the collector meta tag and a strict CSP", async (t) => {
  const c = await collector(t, { apiKey: "k", viewerDir: viewer(t) });
  const index = await call(c, "GET", "/");
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type"), /^text\/html/);
  assert.match(index.body, /<meta name="agentlens-collector" content="1"><\/head>/);
  const csp = index.headers.get("content-security-policy");
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(index.headers.get("x-content-type-options"), "nosniff");
  const js = await call(c, "GET", "/assets/app.js");
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type"), /^text\/javascript/);
  assert.equal((await call(c, "GET", "/index.html")).status, 200);
  assert.equal((await call(c, "GET", "/missing.js")).status, 404);
  assert.equal((await get(c, "/sessions")).status, 401, "data still needs the key");
});

test("path traversal out of the viewer directory is impossible", async (t) => {
  const c = await collector(t, { viewerDir: viewer(t) });
  const attempts = [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/assets/../../secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
    "/..%2fsecret.txt", "/..%5csecret.txt", "/%5c..%5csecret.txt", "/link.txt", "/%00/secret.txt", "/assets%2f..%2f..%2fsecret.txt",
    "//etc/passwd", "/%2fetc%2fpasswd", "/....//secret.txt",
  ];
  for (const path of attempts) {
    const r = await rawGet(c.url, path);
    assert.ok(!r.body.includes("TOP-SECRET-OUTSIDE"), `${path} leaked a file outside the viewer`);
    assert.ok(!r.body.includes("root:"), `${path} leaked /etc/passwd`);
    assert.notEqual(r.status, 200, path);
  }
});

test("by default the package's built viewer (bindings/cli/viewer) is served at /", async (t) => {
  const built = new URL("../viewer/index.html", import.meta.url);
  if (!existsSync(built)) {
    t.skip("the viewer is not built (npm run build:www)");
    return;
  }
  const c = await collector(t, { viewerDir: undefined, apiKey: "k" });
  const index = await call(c, "GET", "/");
  assert.equal(index.status, 200);
  assert.match(index.body, /<meta name="agentlens-collector" content="1"><\/head>/);
  const script = /src="\.\/([^"]+\.js)"/.exec(index.body)?.[1];
  assert.ok(script, "index.html loads a script");
  assert.equal((await call(c, "GET", `/${script}`)).status, 200);
});
