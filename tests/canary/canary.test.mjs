// The redaction canary across every package (issue 17): secrets are planted in what an
// agent tracks (an sk- key, an AWS key id, a JWT, emails, a card number as text and as a
// JSON number, an SSN, password / api_key / Authorization fields, credentials in a URL's
// query string and fragment, a secret in an error's message and stack, in a tool name, in
// an event type, in metadata keys and in session ids) and in what a raw client posts to the
// collector; then every output is read and none may hold one: the AgentLens wire body, OTLP
// protobuf and JSON, the NDJSON file, the console exporter, explain(), the SDK's stats and
// log, the collector's database file and its WAL (raw bytes), its stdout/stderr, the CLI's
// `export --all`, `explain` and `sessions --json`, and the viewer's DOM in Chromium.
//
// Deliberately kept (DESIGN.md "Redaction"): ids that hold nothing sensitive are kept
// exactly (the hex ids AgentLens mints, `run-1`); an id that held a secret is kept as its
// redacted shape plus a keyed tag (`sid:REDACTED.<16 letters>`), so two such sessions stay
// two. The test checks both, and that a visible word planted beside the secrets reaches
// every output (so a scan that finds nothing could have found something).
//
// Run after the builds (scripts/test.sh): node --test tests/canary/canary.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import {
  createConsoleExporter,
  createHttpExporter,
  createNdjsonFileExporter,
  createOtlpExporter,
  init,
  trace,
  wrapTool,
} from "@agentlens/sdk";
import { importTrace } from "@agentlens/sdk/analysis";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NODE24 = join(ROOT, "node_modules/node/bin/node");
const CLI = join(ROOT, "bindings/cli/dist/cli/main.js");
const CHROMIUM = "/usr/bin/chromium";
const VIEWER = join(ROOT, "bindings/cli/viewer/index.html");

const S = {
  sk: "sk-proj-CANARYsk0123456789abcdefghij",
  aws: "AKIAIOSFODNN7CANARY1",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5",
  email: "canary.person@example.org",
  email2: "other.canary@example.org",
  cardText: "4111 1111 1111 1111",
  cardDigits: "4111111111111111",
  ssn: "123-45-6789",
  password: "hunter2-canary-pw",
  apiKey: "plain-canary-api-key-value",
  authorization: "canary-auth-header-value",
  urlSig: "canarysig0123456789abcdef",
  urlCred: "canarycred0123",
  urlToken: "canarytoken0123",
  urlCode: "canarycode0123",
  fragmentToken: "canaryfragment0123",
};
const NEEDLES = Object.entries(S);
const CARD_NUMBER = 4111111111111111;
const VISIBLE = "canary-visible-7f3a";
const URL_WITH_CREDENTIALS =
  `https://files.example/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${S.urlCred}` +
  `&X-Amz-Signature=${S.urlSig}&token=${S.urlToken}&code=${S.urlCode}#access_token=${S.fragmentToken}`;
const SENTENCE =
  `${VISIBLE} ssn ${S.ssn}, card ${S.cardText}, mail ${S.email}, key ${S.sk}, aws ${S.aws}, ` +
  `jwt ${S.jwt}, link ${URL_WITH_CREDENTIALS}`;
const KEYED = { password: S.password, api_key: S.apiKey, Authorization: S.authorization };
/** Session ids that hold a secret: each must stay its own session, under a tagged id. */
const SECRET_SESSIONS = [`sid:${S.email}`, `sid:${S.email2}`];
const TAGGED = /sid:REDACTED\.[a-p]{16}/g;

/** Every planted secret found in `text`, as `label: name`. */
function leaks(label, text) {
  return NEEDLES.filter(([, needle]) => text.includes(needle)).map(([name]) => `${label}: ${name}`);
}

function assertClean(label, text, { visible = true } = {}) {
  assert.deepEqual(leaks(label, text), [], `${label} leaked a planted secret`);
  if (visible) assert.ok(text.includes(VISIBLE), `${label} holds the visible word (the scan could find text there)`);
}

const skipCollector = (!existsSync(NODE24) && `${NODE24} is absent`) || (!existsSync(CLI) && `${CLI} is absent (npm run build -w @agentlens/cli)`);
const skipViewer = skipCollector || (!existsSync(CHROMIUM) && `${CHROMIUM} is absent`) || (!existsSync(VIEWER) && `${VIEWER} is absent (npm run build:www)`);

const out = { receiver: [], console: [], sdkLog: [], explain: "", stats: "" };
let dir;
let collector;

/** A loopback receiver that keeps every request body (un-gzipped). */
async function startReceiver() {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      out.receiver.push({ path: req.url, type: req.headers["content-type"] ?? "", body });
      const json = !String(req.headers["content-type"]).includes("protobuf");
      res.writeHead(200, { "Content-Type": json ? "application/json" : "application/x-protobuf" }).end(json ? "{}" : "");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** `agentlens serve` on a free port with a database in `dir`; keeps its stdout and stderr. */
async function startCollector() {
  const child = spawn(NODE24, [CLI, "serve", "--port", "0", "--db", join(dir, "c.db")], {
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AGENTLENS_"))),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs = { stdout: "", stderr: "" };
  child.stderr.setEncoding("utf8").on("data", (d) => (logs.stderr += d));
  child.stdout.setEncoding("utf8");
  const url = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      logs.stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(logs.stdout);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${logs.stderr}`)));
  });
  return { child, url, logs };
}

function runCli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE24, [CLI, ...args, "--db", join(dir, "c.db")], { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The agent: every kind of call, secrets in every place a user could put them. */
async function runAgent(tracker) {
  const first = tracker.startSession({
    agentName: `agent ${S.email}`,
    sessionId: SECRET_SESSIONS[0],
    metadata: { note: VISIBLE, [S.sk]: "a key as a metadata key", [S.email]: "a mail as a metadata key", card: CARD_NUMBER, ...KEYED },
  });
  tracker.track({
    eventType: "llm_call",
    model: "gpt-4o",
    inputData: { prompt: SENTENCE, ...KEYED, headers: { Authorization: S.authorization }, card: CARD_NUMBER },
    outputData: { response: SENTENCE, url: URL_WITH_CREDENTIALS, amount: CARD_NUMBER },
    tokensIn: 10,
    tokensOut: 5,
    reasoning: SENTENCE,
  });
  tracker.track({ eventType: `custom ${S.email}`, inputData: { n: CARD_NUMBER, text: VISIBLE } });
  tracker.track({ toolName: `lookup ${S.email}`, toolInput: { url: URL_WITH_CREDENTIALS }, toolOutput: { body: SENTENCE }, durationMs: 3 });
  const failing = wrapTool(async () => {
    throw new Error(`upstream refused ${S.email} with ${S.sk} at ${URL_WITH_CREDENTIALS}`);
  }, `fetch ${S.sk}`);
  await failing({ query: SENTENCE }).catch(() => {});
  await trace.run("plan", async (ctx) => {
    ctx.llm({ model: "gpt-4o", prompt: SENTENCE, response: URL_WITH_CREDENTIALS, tokensIn: 3, tokensOut: 2 });
    const err = new Error(`failed for ${S.email} ssn ${S.ssn} card ${S.cardText}`);
    err.stack = `${err.message}\n    at fetch (${URL_WITH_CREDENTIALS})\n    at ${S.jwt}`;
    ctx.error(err);
  });
  out.explain = tracker.explain(first.sessionId);
  await tracker.endSession(first.sessionId);
  const second = tracker.startSession({ agentName: "second", sessionId: SECRET_SESSIONS[1], metadata: { note: VISIBLE } });
  tracker.track({ eventType: "llm_call", inputData: { prompt: SENTENCE } });
  await tracker.endSession(second.sessionId);
}

/** What a raw client (the Python SDK, curl) posts to the collector: secrets everywhere. */
function rawEvents() {
  const base = { session_id: "raw-canary-session", timestamp: "2026-12-06T10:00:00Z" };
  return [
    { ...base, event_type: "session_start", agent_name: `raw ${S.email}`, metadata: { note: SENTENCE, [S.email]: 1, ...KEYED } },
    { ...base, event_id: "raw-1", event_type: "llm_call", run_id: `run-${S.email}`, user_id: S.email, model: "gpt-4o",
      input_data: { prompt: SENTENCE, card: CARD_NUMBER, ...KEYED }, output_data: { response: SENTENCE, url: URL_WITH_CREDENTIALS } },
    { ...base, event_id: `raw-${S.sk}`, event_type: `custom ${S.aws}`, tool_call: { tool_name: `tool ${S.email}`, tool_input: { url: URL_WITH_CREDENTIALS } } },
    { ...base, event_id: "raw-3", event_type: "error", error: { error_type: `E ${S.email}`, message: SENTENCE, stack_trace: SENTENCE } },
  ];
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentlens-canary-"));
  const receiver = await startReceiver();
  try {
    if (!skipCollector) collector = await startCollector();
    const exporters = [
      createHttpExporter({ endpoint: receiver.url, apiKey: "canary-receiver" }),
      createOtlpExporter({ endpoint: `${receiver.url}/pb/v1/traces`, protocol: "http/protobuf", compression: "gzip", captureContent: true }),
      createOtlpExporter({ endpoint: `${receiver.url}/json/v1/traces`, protocol: "http/json", captureContent: true }),
      createNdjsonFileExporter({ path: join(dir, "trace.ndjson") }),
      createConsoleExporter({ write: (line) => out.console.push(line) }),
    ];
    if (collector) {
      exporters.push(createHttpExporter({ endpoint: collector.url, apiKey: "unused" }));
      exporters.push(createOtlpExporter({ endpoint: `${collector.url}/v1/traces`, protocol: "http/protobuf", captureContent: true }));
    }
    const tracker = init({ exporters, logger: (level, message) => out.sdkLog.push(`${level} ${message}`), logLevel: "debug" });
    await runAgent(tracker);
    await tracker.shutdown(10_000);
    out.stats = JSON.stringify(tracker.stats());
    if (collector) {
      const r = await fetch(`${collector.url}/events`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ events: rawEvents() }) });
      assert.ok(r.ok, `raw POST /events: ${r.status} ${await r.text()}`);
    }
  } finally {
    await receiver.close();
  }
});

after(() => {
  if (collector && collector.child.exitCode === null) collector.child.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const bodies = (pred) => out.receiver.filter(pred);

test("the AgentLens wire bodies hold no planted secret", () => {
  const wire = bodies((r) => r.path === "/events");
  assert.ok(wire.length > 0, "the wire exporter sent");
  const text = wire.map((r) => r.body.toString("utf8")).join("\n");
  assertClean("wire", text);
  // The two secret-bearing sessions: each its own tagged id, none merged.
  const sessions = new Set(wire.flatMap((r) => JSON.parse(r.body.toString("utf8")).events.map((e) => e.session_id)));
  const tagged = [...sessions].filter((s) => /^sid:REDACTED\.[a-p]{16}$/.test(s));
  assert.equal(tagged.length, 2, `two sessions stay two: ${[...sessions]}`);
  // Ids that hold nothing are kept exactly: every event id AgentLens minted is 16 hex.
  const ids = wire.flatMap((r) => JSON.parse(r.body.toString("utf8")).events.map((e) => e.event_id)).filter(Boolean);
  assert.ok(ids.length > 5 && ids.every((id) => /^[0-9a-f]{16}$/.test(id)), ids.join(","));
});

test("OTLP protobuf and JSON bodies hold no planted secret (raw bytes and read back)", () => {
  for (const [label, prefix] of [["otlp protobuf", "/pb/"], ["otlp json", "/json/"]]) {
    const sent = bodies((r) => r.path.startsWith(prefix));
    assert.ok(sent.length > 0, `${label} was sent`);
    assertClean(`${label} raw`, sent.map((r) => r.body.toString("latin1")).join("\n"));
  }
  // Protobuf strings are their UTF-8 bytes, so the raw scan reads them; the JSON is also read
  // back as events (escapes undone).
  for (const r of bodies((r) => r.path.startsWith("/json/"))) {
    assertClean("otlp json read back", JSON.stringify(importTrace(new Uint8Array(r.body)).events));
  }
});

test("the NDJSON file, the console exporter, explain(), stats and the SDK's log hold no planted secret", () => {
  assertClean("ndjson file", readFileSync(join(dir, "trace.ndjson"), "utf8"));
  assertClean("console exporter", out.console.join("\n"));
  assertClean("explain()", out.explain);
  assert.match(out.explain, /canary-visible-7f3a|REDACTED/, "explain shows the session");
  assertClean("stats", out.stats, { visible: false });
  assertClean("SDK log", out.sdkLog.join("\n"), { visible: false });
});

test("the collector's database file, WAL and logs hold no planted secret; secret-bearing sessions stay apart", { skip: skipCollector }, async () => {
  const sessions = await (await fetch(`${collector.url}/sessions?limit=100`)).json();
  const ids = sessions.sessions.map((s) => s.session_id);
  assert.equal(ids.filter((id) => /^sid:REDACTED\.[a-p]{16}$/.test(id)).length, 2, `the SDK's two secret-bearing sessions: ${ids}`);
  assert.ok(ids.includes("raw-canary-session"), "a clean id is kept exactly");
  assertClean("GET /sessions", JSON.stringify(sessions), { visible: false });
  // Raw bytes while the collector runs: the WAL holds what is not yet checkpointed.
  const files = readdirSync(dir).filter((f) => f.startsWith("c.db"));
  assert.ok(files.includes("c.db-wal"), `the WAL is there: ${files}`);
  const raw = files.map((f) => readFileSync(join(dir, f)).toString("latin1")).join("\n");
  assertClean("database + WAL (running)", raw);
  collector.child.kill("SIGTERM");
  await new Promise((r) => collector.child.once("exit", r));
  assertClean("database (closed)", readFileSync(join(dir, "c.db")).toString("latin1"));
  assertClean("serve stdout/stderr", collector.logs.stdout + collector.logs.stderr, { visible: false });
});

test("the CLI's export, explain and sessions --json hold no planted secret", { skip: skipCollector }, async () => {
  if (collector.child.exitCode === null) {
    collector.child.kill("SIGTERM");
    await new Promise((r) => collector.child.once("exit", r));
  }
  const listed = await runCli(["sessions", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  assertClean("agentlens sessions --json", listed.stdout + listed.stderr, { visible: false });
  const ids = [...new Set(listed.stdout.match(TAGGED) ?? [])];
  assert.equal(ids.length, 2, listed.stdout);
  const exported = await runCli(["export", "--all"]);
  assert.equal(exported.code, 0, exported.stderr);
  assertClean("agentlens export --all", exported.stdout + exported.stderr);
  for (const id of [...ids, "raw-canary-session"]) {
    const explained = await runCli(["explain", id]);
    assert.equal(explained.code, 0, explained.stderr);
    assertClean(`agentlens explain ${id}`, explained.stdout + explained.stderr, { visible: false });
  }
});

test("the viewer's DOM holds no planted secret, for every session the collector serves", { skip: skipViewer }, async () => {
  // A fresh collector on the same database (the previous test stopped it).
  if (collector.child.exitCode !== null) collector = await startCollector();
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const sessions = (await (await fetch(`${collector.url}/sessions?limit=100`)).json()).sessions.map((s) => s.session_id);
    assert.ok(sessions.length >= 3, sessions.join(","));
    let seen = 0;
    for (const id of sessions) {
      const page = await browser.newPage();
      await page.goto(`${collector.url}/?session=${encodeURIComponent(id)}`);
      await page.waitForFunction((sid) => (document.querySelector(".session-header")?.textContent ?? "").includes(sid), id, { timeout: 30_000 });
      const html = await page.evaluate(() => document.documentElement.outerHTML);
      assertClean(`viewer DOM of ${id}`, html, { visible: false });
      if (html.includes(VISIBLE)) seen++;
      await page.close();
    }
    assert.ok(seen > 0, "the visible word reached some session's DOM (the scan could find text there)");
  } finally {
    await browser.close();
    collector.child.kill("SIGTERM");
    await new Promise((r) => collector.child.once("exit", r));
  }
});
