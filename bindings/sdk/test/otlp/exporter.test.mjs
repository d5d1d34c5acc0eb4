// createOtlpExporter below the core: what it resolves from options and the OTEL_*
// environment (precedence: options over trace-specific variables over generic ones),
// how it refuses bad values (naming the option or variable), and what one `send` does
// against a real local HTTP server: the URL, headers and Content-Type, gzip, the status,
// Retry-After and (for a 2xx) the response body, and failures reported, never thrown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createOtlpExporter } from "@agentlens/sdk";
import { startOtlpReceiver } from "./receiver.mjs";

const request = (bytes, timeoutMs = 5000) => ({ id: 1, events: 1, timeoutMs, body: bytes instanceof Uint8Array ? bytes : new TextEncoder().encode(bytes) });
const named = (name) => (e) => e.name === "AgentLensConfigError" && e.message.includes(name) && e.option === name;

const OTEL_VARIABLES = [
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
  "OTEL_EXPORTER_OTLP_COMPRESSION",
  "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
  "OTEL_EXPORTER_OTLP_TIMEOUT",
  "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
  "OTEL_SERVICE_NAME",
  "OTEL_RESOURCE_ATTRIBUTES",
  "OTEL_SEMCONV_STABILITY_OPT_IN",
];

/** Sets `vars` in process.env for the rest of test `t` (every OTEL_* variable unset otherwise). */
function withEnv(t, vars) {
  const saved = Object.fromEntries(OTEL_VARIABLES.map((k) => [k, process.env[k]]));
  for (const k of OTEL_VARIABLES) delete process.env[k];
  Object.assign(process.env, vars);
  t.after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

test("defaults: protobuf to localhost:4318/v1/traces, no compression, content off, semconv 1.42", (t) => {
  withEnv(t, {});
  const e = createOtlpExporter();
  assert.equal(e.name, "otlp");
  assert.equal(e.format, "otlp");
  assert.equal(e.target, "http://localhost:4318/v1/traces");
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  assert.deepEqual(e.otlp, { protocol: "http/protobuf", serviceName: "unknown_service", resourceAttributes: {}, captureContent: false, semconv: "1.42", sdkVersion: pkg.version, sdkLanguage: "nodejs" });
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(e.otlp)), "the spec crosses to the core as JSON");
});

test("OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/traces; the traces variable is used as is and wins; the option wins over both", async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  withEnv(t, { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/base/` });
  assert.deepEqual(await createOtlpExporter().send(request("x")), { status: 200, retryAfter: null, body: new Uint8Array(0) });
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `${receiver.url}/nobase`;
  await createOtlpExporter().send(request("x"));
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.url}/custom/traces`;
  await createOtlpExporter().send(request("x"));
  await createOtlpExporter({ endpoint: `${receiver.url}/from-option` }).send(request("x"));
  assert.deepEqual(receiver.requests.map((r) => r.path), ["/base/v1/traces", "/nobase/v1/traces", "/custom/traces", "/from-option"]);
  assert.ok(receiver.requests.every((r) => r.method === "POST"));
});

test("headers: both variables URL-decoded, trace-specific over generic, options over both; Content-Type and Content-Encoding stay ours", async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  withEnv(t, {
    OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=generic, authorization=Basic%20Z2VuZXJpYw%3D%3D ,x-only-generic=g",
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-tenant=traces%2Fone,content-type=text/plain",
  });
  const e = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, headers: { "X-Tenant": "option", "Content-Encoding": "br" } });
  await e.send(request("x"));
  const h = receiver.requests[0].headers;
  assert.equal(h["x-tenant"], "option");
  assert.equal(h.authorization, "Basic Z2VuZXJpYw==");
  assert.equal(h["x-only-generic"], "g");
  assert.equal(h["content-type"], "application/x-protobuf");
  assert.equal(h["content-encoding"], undefined);

  delete process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS;
  await createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, protocol: "http/json" }).send(request("{}"));
  assert.equal(receiver.requests[1].headers["x-tenant"], "generic");
  assert.equal(receiver.requests[1].headers["content-type"], "application/json");
});

test("protocol, compression, timeout and service from the environment; trace-specific over generic; options over both", (t) => {
  withEnv(t, {
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
    OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
    OTEL_SERVICE_NAME: "from-env",
    OTEL_RESOURCE_ATTRIBUTES: "service.name=from-attrs,deployment.environment.name=staging%20eu,team=a%2Cb",
  });
  const fromEnv = createOtlpExporter();
  assert.equal(fromEnv.otlp.protocol, "http/json");
  assert.equal(fromEnv.otlp.serviceName, "from-env", "OTEL_SERVICE_NAME over service.name in OTEL_RESOURCE_ATTRIBUTES");
  assert.deepEqual(fromEnv.otlp.resourceAttributes, { "deployment.environment.name": "staging eu", team: "a,b" });

  const options = createOtlpExporter({ protocol: "http/protobuf", serviceName: "from-option", resourceAttributes: { team: "core", "service.version": "2.1.0", replicas: 3, canary: true } });
  assert.equal(options.otlp.protocol, "http/protobuf");
  assert.equal(options.otlp.serviceName, "from-option");
  assert.deepEqual(options.otlp.resourceAttributes, { "deployment.environment.name": "staging eu", team: "core", "service.version": "2.1.0", replicas: 3, canary: true });

  const attrsOption = createOtlpExporter({ resourceAttributes: { "service.name": "from-option-attrs" } });
  assert.equal(attrsOption.otlp.serviceName, "from-option-attrs", "code over environment");

  delete process.env.OTEL_SERVICE_NAME;
  assert.equal(createOtlpExporter().otlp.serviceName, "from-attrs");
});

test("OTEL_SEMCONV_STABILITY_OPT_IN with gen_ai_latest_experimental means 1.42 whatever semconv says", (t) => {
  withEnv(t, {});
  assert.equal(createOtlpExporter({ semconv: "1.36" }).otlp.semconv, "1.36");
  process.env.OTEL_SEMCONV_STABILITY_OPT_IN = "http, gen_ai_latest_experimental";
  assert.equal(createOtlpExporter({ semconv: "1.36" }).otlp.semconv, "1.42");
  process.env.OTEL_SEMCONV_STABILITY_OPT_IN = "http,database";
  assert.equal(createOtlpExporter({ semconv: "1.36" }).otlp.semconv, "1.36");
});

test("an environment value that cannot be used is refused, naming the variable and never quoting it", (t) => {
  withEnv(t, {});
  const cases = [
    ["OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"],
    ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/thrift"],
    ["OTEL_EXPORTER_OTLP_COMPRESSION", "br"],
    ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "soon"],
    ["OTEL_EXPORTER_OTLP_TIMEOUT", "-5"],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector"],
    ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "not a url"],
    ["OTEL_EXPORTER_OTLP_HEADERS", "authorization"],
    ["OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-key=%E0%A4%A"],
    ["OTEL_EXPORTER_OTLP_HEADERS", "bad header=secret-value"],
    ["OTEL_RESOURCE_ATTRIBUTES", "=nokey"],
  ];
  for (const [variable, value] of cases) {
    process.env[variable] = value;
    assert.throws(() => createOtlpExporter(), (e) => named(variable)(e) && !e.message.includes(value) && !e.message.includes("secret-value"), `${variable}=${value}`);
    // An option for the same setting wins, so nothing reads the bad text then.
    delete process.env[variable];
  }
  process.env.OTEL_EXPORTER_OTLP_PROTOCOL = "grpc";
  assert.equal(createOtlpExporter({ protocol: "http/json" }).otlp.protocol, "http/json", "an option wins over a variable it makes unused");
  delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
  process.env.OTEL_EXPORTER_OTLP_COMPRESSION = "";
  assert.doesNotThrow(() => createOtlpExporter(), "an empty variable is unset");
});

test("bad options are refused at creation, naming the option", () => {
  const cases = [
    [{ endpoint: "ftp://127.0.0.1/v1/traces" }, "endpoint"],
    [{ endpoint: "localhost:4318" }, "endpoint"],
    [{ endpoint: 4318 }, "endpoint"],
    [{ protocol: "grpc" }, "protocol"],
    [{ compression: "br" }, "compression"],
    [{ timeoutMs: 0 }, "timeoutMs"],
    [{ timeoutMs: "1000" }, "timeoutMs"],
    [{ serviceName: "" }, "serviceName"],
    [{ resourceAttributes: ["a"] }, "resourceAttributes"],
    [{ resourceAttributes: { nested: { a: 1 } } }, "resourceAttributes.nested"],
    [{ captureContent: "yes" }, "captureContent"],
    [{ semconv: "1.37" }, "semconv"],
    [{ headers: "k=v" }, "headers"],
    [{ headers: { "x-key": "a\r\nInjected: 1" } }, "headers.x-key"],
    [{ headers: { "bad name": "v" } }, "headers"],
    [{ keepalive: 1 }, "keepalive"],
    [{ fetch: "fetch" }, "fetch"],
    [{ compresion: "gzip" }, "compresion"],
  ];
  for (const [options, option] of cases) {
    assert.throws(() => createOtlpExporter(options), named(option), JSON.stringify(options));
  }
  assert.throws(() => createOtlpExporter(null), named("options"));
});

test("one send reports the status, Retry-After and, for a 2xx, the response body", async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const big = Buffer.alloc(70 * 1024, 7);
  receiver.behave(
    { status: 200, body: Buffer.from([0x0a, 0x02, 0x08, 0x03]) },
    { status: 503, retryAfter: 7, body: "busy" },
    { status: 429, retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT" },
    400,
    { status: 200, body: big },
  );
  const e = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces` });
  assert.deepEqual(await e.send(request("a")), { status: 200, retryAfter: null, body: new Uint8Array([0x0a, 0x02, 0x08, 0x03]) });
  assert.deepEqual(await e.send(request("b")), { status: 503, retryAfter: "7" });
  assert.deepEqual(await e.send(request("c")), { status: 429, retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT" });
  assert.deepEqual(await e.send(request("d")), { status: 400, retryAfter: null });
  assert.deepEqual(await e.send(request("e")), { status: 200, retryAfter: null }, "a body over 64 KiB is not handed over");
  assert.deepEqual(receiver.requests.map((r) => r.body.toString()), ["a", "b", "c", "d", "e"]);
});

test("resets, refusals and timeouts are reported as failures, never thrown", async (t) => {
  const receiver = await startOtlpReceiver();
  receiver.behave("reset", "timeout", "timeout", "timeout");
  const e = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces` });
  assert.deepEqual(await e.send(request("x")), { failure: "network" });
  assert.deepEqual(await e.send(request("x", 100)), { failure: "timeout" });
  const short = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, timeoutMs: 100 });
  assert.deepEqual(await short.send(request("x", 60_000)), { failure: "timeout" }, "timeoutMs shortens the core's timeout");
  withEnv(t, { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "100" });
  const fromEnv = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces` });
  assert.deepEqual(await fromEnv.send(request("x", 60_000)), { failure: "timeout" }, "so does OTEL_EXPORTER_OTLP_TRACES_TIMEOUT");
  await receiver.close();
  assert.deepEqual(await e.send(request("x")), { failure: "network" }, "nothing listens any more");
  const throwing = createOtlpExporter({ endpoint: "http://127.0.0.1:9/v1/traces", fetch: () => { throw new Error("sync"); } });
  assert.deepEqual(await throwing.send(request("x")), { failure: "network" });
});

test("gzip: the body goes out compressed with Content-Encoding gzip, Content-Type unchanged", async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  withEnv(t, { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: "gzip" });
  const body = new TextEncoder().encode("span ".repeat(2000));
  for (const e of [createOtlpExporter({ endpoint: `${receiver.url}/v1/traces` }), createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, protocol: "http/json", compression: "gzip" })]) {
    assert.equal((await e.send(request(body))).status, 200);
  }
  await createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, compression: "none" }).send(request(body));
  const [proto, json, plain] = receiver.requests;
  for (const r of [proto, json]) {
    assert.equal(r.headers["content-encoding"], "gzip");
    assert.ok(r.raw.length < body.length / 10, `compressed: ${r.raw.length} bytes`);
    assert.deepEqual(new Uint8Array(r.body), body, "gunzips to the exact body");
  }
  assert.equal(proto.headers["content-type"], "application/x-protobuf");
  assert.equal(json.headers["content-type"], "application/json");
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.deepEqual(new Uint8Array(plain.raw), body);
  assert.ok(gzipSync(body).length > 0);
});

test("without CompressionStream, gzip is sent uncompressed with one warning, never an error", async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const original = globalThis.CompressionStream;
  const warnings = [];
  const onWarning = (w) => warnings.push(w.message);
  process.on("warning", onWarning);
  t.after(() => {
    globalThis.CompressionStream = original;
    process.off("warning", onWarning);
  });
  delete globalThis.CompressionStream;
  const a = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, compression: "gzip" });
  const b = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces`, compression: "gzip" });
  assert.equal((await a.send(request("plain body"))).status, 200);
  assert.equal((await b.send(request("plain body"))).status, 200);
  await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
  assert.equal(warnings.filter((m) => m.includes("CompressionStream")).length, 1, warnings.join("\n"));
  for (const r of receiver.requests) {
    assert.equal(r.headers["content-encoding"], undefined);
    assert.equal(r.raw.toString(), "plain body");
  }
});

test("our own requests bypass a fetch instrumented after the package loaded", async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const real = globalThis.fetch;
  let traced = 0;
  globalThis.fetch = Object.assign((...args) => {
    traced++;
    return real(...args);
  }, { __original: real });
  t.after(() => {
    globalThis.fetch = real;
  });
  const e = createOtlpExporter({ endpoint: `${receiver.url}/v1/traces` });
  assert.equal((await e.send(request("x"))).status, 200);
  assert.equal(traced, 0);
});
