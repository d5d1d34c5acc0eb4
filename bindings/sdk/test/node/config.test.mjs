// Configuration through the built package: defaults, Agent Inspector's profiles,
// AGENTLENS_* environment variables (through a test platform), precedence, and refusals
// at init() that name the option or variable without quoting its value.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { AgentLensConfigError, PROFILES, getTracker, init, platform, resolveConfig, usePlatform } from "@agentlens/sdk";

const nodePlatform = platform();

/** Runs `fn` with a platform whose environment is `env`. */
function withEnv(env, fn) {
  usePlatform({ ...nodePlatform, env: () => env });
  try {
    return fn();
  } finally {
    usePlatform(nodePlatform);
  }
}

const quiet = { logger: () => {} };

test("the defaults are the AgentLens SDK's: key 'default', localhost:3000, warn, core defaults", () => {
  const c = resolveConfig({}, {});
  assert.equal(c.apiKey, "default");
  assert.equal(c.endpoint, "http://localhost:3000");
  assert.equal(c.logLevel, "warn");
  assert.equal(c.enabled, true);
  assert.equal(c.profile, undefined);
  assert.equal(c.exporters, undefined, "the default HTTP exporter");
  assert.deepEqual(c.core, {}, "the core's own defaults apply (batch 10, 5 s, sample rate 1)");
});

test("with no exporters given, init sends to the endpoint over HTTP with the API key", async () => {
  const requests = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      requests.push({ url: req.url, key: req.headers["x-api-key"], body: JSON.parse(body) });
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const endpoint = `http://127.0.0.1:${server.address().port}/`;
    const tracker = withEnv({ AGENTLENS_API_KEY: "env-key", AGENTLENS_ENDPOINT: endpoint }, () => init(quiet));
    assert.equal(tracker.config.endpoint, endpoint.slice(0, -1), "trailing slash stripped");
    assert.deepEqual(tracker.stats().perExporter.map((e) => e.name), ["http"]);
    tracker.startSession({ agentName: "http-agent" });
    await tracker.endSession();
    assert.equal(requests.length, 1);
    assert.equal(requests[0].url, "/events");
    assert.equal(requests[0].key, "env-key");
    assert.deepEqual(requests[0].body.events.map((e) => e.event_type), ["session_start", "session_end"]);
    await tracker.shutdown();
  } finally {
    server.close();
  }
});

test("profiles set Agent Inspector's sample rate, batch size and log level", () => {
  assert.deepEqual(PROFILES.production, { sampleRate: 0.01, batchSize: 100, logLevel: "warn" });
  assert.deepEqual(PROFILES.development, { sampleRate: 0.5, batchSize: 50, logLevel: "info" });
  assert.deepEqual(PROFILES.debug, { sampleRate: 1, batchSize: 10, logLevel: "debug" });
  for (const profile of ["production", "development", "debug"]) {
    const c = resolveConfig({ profile }, {});
    assert.equal(c.profile, profile);
    assert.equal(c.core.sampleRate, PROFILES[profile].sampleRate);
    assert.equal(c.core.batchSize, PROFILES[profile].batchSize);
    assert.equal(c.logLevel, PROFILES[profile].logLevel);
  }
});

test("precedence is defaults, then profile, then environment, then explicit options", () => {
  const env = { AGENTLENS_PROFILE: "production", AGENTLENS_SAMPLE_RATE: "0.25", AGENTLENS_BATCH_SIZE: "7" };
  const tracker = withEnv(env, () => init({ ...quiet, exporters: [], batchSize: 3 }));
  const c = tracker.config;
  assert.equal(c.profile, "production", "profile from the environment");
  assert.equal(c.logLevel, "warn", "from the profile");
  assert.equal(c.core.sampleRate, 0.25, "environment beats profile");
  assert.equal(c.core.batchSize, 3, "explicit beats environment");
  assert.equal(c.endpoint, "http://localhost:3000", "default where nobody set it");
});

test("an explicit profile beats AGENTLENS_PROFILE, and environment values still beat the profile", () => {
  const c = resolveConfig({ profile: "debug" }, { AGENTLENS_PROFILE: "production", AGENTLENS_LOG_LEVEL: "WARNING" });
  assert.equal(c.profile, "debug");
  assert.equal(c.core.sampleRate, 1);
  assert.equal(c.logLevel, "warn", "Agent Inspector's WARNING is read as warn");
});

test("environment variables are read with their types", () => {
  const c = resolveConfig({}, {
    AGENTLENS_API_KEY: "k",
    AGENTLENS_ONLY_ON_ERROR: "yes",
    AGENTLENS_FLUSH_INTERVAL_MS: "250",
    AGENTLENS_MAX_RETRIES: "2",
    AGENTLENS_REDACT_KEYS: "customer_ref, internal_note,",
    AGENTLENS_BACKEND_COMPAT: "0",
    AGENTLENS_SAMPLE_RATE: "",
  });
  assert.equal(c.apiKey, "k");
  assert.deepEqual(c.core, { onlyOnError: true, flushIntervalMs: 250, maxRetries: 2, redactKeys: ["customer_ref", "internal_note"], backendCompat: false });
});

test("AGENTLENS_DISABLED turns exporting off without breaking the API", () => {
  const tracker = withEnv({ AGENTLENS_DISABLED: "true" }, () => init(quiet));
  assert.equal(tracker.config.enabled, false);
  assert.equal(tracker.stats().perExporter.length, 0);
  const s = tracker.startSession();
  assert.match(s.sessionId, /^[0-9a-f]{16}$/);
  assert.match(tracker.track({ eventType: "llm_call" }), /^[0-9a-f]{16}$/);
});

const refusals = [
  [{ batchSiz: 3 }, "batchSiz", /not an AgentLens option/],
  [{ format: "ndjson" }, "format", /set per exporter/],
  [{ apiKey: "" }, "apiKey", /non-empty string/],
  [{ apiKey: 42 }, "apiKey", /got 42/],
  [{ endpoint: "not a url" }, "endpoint", /absolute http or https URL/],
  [{ endpoint: "ftp://example.com" }, "endpoint", /http or https/],
  [{ profile: "staging" }, "profile", /"production", "development", "debug"/],
  [{ logLevel: "loud" }, "logLevel", /one of/],
  [{ sampleRate: 2 }, "sampleRate", /\[0, 1\]/],
  [{ sampleRate: -0.1 }, "sampleRate", /\[0, 1\]/],
  [{ sampleRate: NaN }, "sampleRate", /\[0, 1\]/],
  [{ sampleRate: "0.5" }, "sampleRate", /got a string/],
  [{ batchSize: 0 }, "batchSize", /integer ≥ 1/],
  [{ batchSize: 2.5 }, "batchSize", /integer ≥ 1/],
  [{ flushIntervalMs: -1 }, "flushIntervalMs", /≥ 0/],
  [{ maxRetries: -1 }, "maxRetries", /integer ≥ 0/],
  [{ onlyOnError: "yes" }, "onlyOnError", /boolean/],
  [{ enabled: 1 }, "enabled", /boolean/],
  [{ redactKeys: ["a", 1] }, "redactKeys", /array of strings/],
  [{ redactPatterns: [{ name: "x" }] }, "redactPatterns[0]", /regex: string/],
  [{ exporters: {} }, "exporters", /array of exporters/],
  [{ exporters: [{ name: "x", format: "agentlens" }] }, "exporters[0]", /send\(\)/],
  [{ exporters: [{ name: "x", format: "xml", send() {} }] }, "exporters[0].format", /"agentlens" or "ndjson"/],
  [{ logger: "console" }, "logger", /function/],
  [{ explainMaxEvents: -5 }, "explainMaxEvents", /integer ≥ 0/],
];

for (const [options, option, must] of refusals) {
  test(`init refuses ${JSON.stringify(options, (_, v) => (Number.isNaN(v) ? "NaN" : typeof v === "function" ? "fn" : v))} naming ${option}`, () => {
    assert.throws(
      () => init({ ...quiet, exporters: [], ...options }),
      (e) => {
        assert.ok(e instanceof AgentLensConfigError, `${e.name}: ${e.message}`);
        assert.equal(e.name, "AgentLensConfigError");
        assert.equal(e.option, option);
        assert.ok(e.message.includes(`"${option}"`), e.message);
        assert.match(e.message, must);
        return true;
      },
    );
  });
}

test("option errors never quote a string value, which could be a secret", () => {
  for (const options of [{ endpoint: "sk-live-SECRET-VALUE" }, { sampleRate: "sk-live-SECRET-VALUE" }, { profile: "sk-live-SECRET-VALUE" }]) {
    assert.throws(() => init({ ...quiet, exporters: [], ...options }), (e) => !e.message.includes("SECRET") && e.name === "AgentLensConfigError");
  }
});

const envRefusals = [
  [{ AGENTLENS_SAMPLE_RATE: "abc" }, "AGENTLENS_SAMPLE_RATE", /must be a number/],
  [{ AGENTLENS_SAMPLE_RATE: "2" }, "AGENTLENS_SAMPLE_RATE", /\[0, 1\]/],
  [{ AGENTLENS_BATCH_SIZE: "0" }, "AGENTLENS_BATCH_SIZE", /integer ≥ 1/],
  [{ AGENTLENS_FLUSH_INTERVAL_MS: "soon" }, "AGENTLENS_FLUSH_INTERVAL_MS", /must be a number/],
  [{ AGENTLENS_ONLY_ON_ERROR: "maybe" }, "AGENTLENS_ONLY_ON_ERROR", /true\/false/],
  [{ AGENTLENS_DISABLED: "perhaps" }, "AGENTLENS_DISABLED", /true\/false/],
  [{ AGENTLENS_PROFILE: "staging" }, "AGENTLENS_PROFILE", /one of/],
  [{ AGENTLENS_LOG_LEVEL: "chatty" }, "AGENTLENS_LOG_LEVEL", /one of/],
  [{ AGENTLENS_ENDPOINT: "localhost:3000" }, "AGENTLENS_ENDPOINT", /http or https/],
];

for (const [env, variable, must] of envRefusals) {
  test(`init refuses ${variable}=${JSON.stringify(Object.values(env)[0])} naming the variable`, () => {
    assert.throws(
      () => withEnv(env, () => init({ ...quiet, exporters: [] })),
      (e) => {
        assert.ok(e instanceof AgentLensConfigError);
        assert.equal(e.option, variable);
        assert.ok(e.message.includes(`environment variable ${variable}`), e.message);
        assert.match(e.message, must);
        assert.ok(!e.message.includes("(got"), `the variable's value is never repeated: ${e.message}`);
        return true;
      },
    );
  });
}

test("the core's own validation surfaces unchanged as AgentLensConfigError", () => {
  assert.throws(
    () => init({ ...quiet, exporters: [], redactPatterns: [{ name: "broken_rule", regex: "(" }] }),
    (e) => e instanceof AgentLensConfigError && e.name === "AgentLensConfigError" && /broken_rule/.test(e.message),
  );
  assert.throws(
    () => init({ ...quiet, exporters: [], backoffBaseMs: 5000, backoffCapMs: 10 }),
    (e) => e instanceof AgentLensConfigError && /backoff/.test(e.message),
  );
});

test("a refused init leaves the previous default tracker in place", () => {
  const good = init({ ...quiet, exporters: [] });
  assert.throws(() => init({ ...quiet, sampleRate: 9 }));
  assert.equal(getTracker(), good);
});

test("a non-default key sent over plain http to a remote host is warned about", () => {
  const warnings = [];
  init({ apiKey: "prod-key", endpoint: "http://agentlens.example.com", logger: (level, m) => warnings.push([level, m]) });
  assert.ok(warnings.some(([level, m]) => level === "warn" && /plain http/.test(m)), JSON.stringify(warnings));
  const none = [];
  init({ apiKey: "prod-key", endpoint: "http://localhost:3000", logger: (level, m) => none.push(m) });
  assert.ok(!none.some((m) => /plain http/.test(m)));
});

test("logLevel filters AgentLens's own messages", () => {
  const seen = [];
  init({ exporters: [], logLevel: "debug", logger: (level) => seen.push(level) });
  assert.ok(seen.includes("info"));
  const silent = [];
  init({ exporters: [], logLevel: "silent", logger: (level) => silent.push(level) });
  assert.deepEqual(silent, []);
});

test("binary data as an option is a named error, never a key per byte", () => {
  // 64 MB: JSON.stringify listed 64 million keys before the option was checked (the long
  // hostile run's init({batchSize: a 100 MB typed array}) took minutes).
  const big = new Uint8Array(64 << 20);
  assert.throws(() => init({ batchSize: big }), (e) => e instanceof AgentLensConfigError && /"batchSize" cannot hold binary data \(got a Uint8Array\)/.test(e.message));
  assert.throws(() => resolveConfig({ redactKeys: [new ArrayBuffer(4)] }), (e) => e instanceof AgentLensConfigError && /"redactKeys" cannot hold binary data \(got an ArrayBuffer\)/.test(e.message));
});

test("binary data as an exporter's options or as compliance validators is a named error", async () => {
  const S = await import("@agentlens/sdk");
  const { checkCompliance } = await import("@agentlens/sdk/analysis");
  const big = new Uint8Array(64 << 20);
  for (const make of [S.createHttpExporter, S.createOtlpExporter, S.createConsoleExporter, S.createNdjsonFileExporter]) {
    assert.throws(() => make(big), (e) => e instanceof AgentLensConfigError && /"options" must be an object of options, not binary data/.test(e.message), make.name);
  }
  assert.throws(
    () => checkCompliance({ name: "p", rules: [] }, [], { validators: big }),
    (e) => e.name === "AgentLensAnalysisError" && /validators must be an object of functions \(got a Uint8Array\)/.test(e.message),
  );
});

test("an object of options claiming more keys than any has is refused before a value is read", async () => {
  const S = await import("@agentlens/sdk");
  // A Proxy claiming 100,000 keys: every key used to be read (and for a million, each of
  // init, resolveConfig, createRedactor and redactText took 4-6 s in the long hostile run).
  const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}`);
  let reads = 0;
  const wide = new Proxy({}, {
    ownKeys: () => keys,
    getOwnPropertyDescriptor: () => ({ value: 1, configurable: true, enumerable: true, writable: true }),
    get: () => (reads++, 1),
  });
  const calls = {
    init: () => init(wide),
    resolveConfig: () => resolveConfig(wide),
    createRedactor: () => S.createRedactor(wide),
    redactText: () => S.redactText("x", wide),
    createHttpExporter: () => S.createHttpExporter(wide),
    createOtlpExporter: () => S.createOtlpExporter(wide),
  };
  for (const [name, call] of Object.entries(calls)) {
    assert.throws(call, (e) => e instanceof AgentLensConfigError && /"options" has 100000 keys, more than any object of options \(at most 1000\)/.test(e.message), name);
  }
  assert.equal(reads, 0, "no option was read");
  // An ordinary object of options is still read whole.
  assert.equal(resolveConfig({ batchSize: 7 }, {}).core.batchSize, 7);
});
