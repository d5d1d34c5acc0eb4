// Every host gives the same cost (issue 16): the provider usage payloads of
// tests/fixtures/analysis/cost_providers.json (OpenAI chat and responses, Anthropic with
// cache reads and writes, Gemini with thoughts, Bedrock, Vertex, Azure, OpenRouter,
// DeepSeek in and out of its discount window, an unknown model, an o3 session across its
// price cut), each recorded once by the SDK's tracker as `track({ usage, provider })` at
// the payload's time, then priced by (a) `tracker.cost()`, (b) `@agentlens/sdk/analysis`
// `sessionCost` over the events the tracker sent, (c) the collector (`agentlens serve`,
// which received them: `GET /pricing/costs/{id}`) and (d) the OTLP exporter
// (`agentlens.cost.usd` on each model-call span, at a loopback receiver). Each must give
// the fixture's hand-computed cost per event; the unknown model is reported unmatched by
// the first three and carries no cost attribute in OTLP (never a cost of 0).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tracker, createHttpExporter, createOtlpExporter } from "@agentlens/sdk";
import { sessionCost } from "@agentlens/sdk/analysis";
import { CLI, NODE, cleanEnv } from "../../bindings/cli/test/cli-support.mjs";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/analysis/cost_providers.json", import.meta.url), "utf8"));

/** Every model call of the fixture, in order: the cases, then each period case's events. */
const CALLS = [
  ...fixture.cases.map((c) => ({ ...c })),
  ...fixture.period_cases.flatMap((p) => p.events.map((e, i) => ({ ...e, name: `${p.name}[${i}]`, provider: p.provider, model: p.model }))),
];

/** Amounts are at 6 dp; hosts must agree to within float noise. */
const close = (a, b) => typeof a === "number" && Math.abs(a - b) <= 1e-9;

/** Starts `agentlens serve` (Node >= 22.13) on a fresh database; resolves its URL. */
async function serve(t) {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-prices-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = spawn(NODE, [CLI, "serve", "--port", "0", "--db", join(dir, "prices.db")], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  t.after(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  child.stdout.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
  });
}

/** A loopback OTLP/HTTP JSON receiver keeping every span. */
async function otlpReceiver(t) {
  const spans = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise((r) => server.close(r)));
  return { spans, endpoint: `http://127.0.0.1:${server.address().port}/v1/traces` };
}

/** An exporter keeping the NDJSON lines the tracker sends: the events as they left it. */
function captureExporter() {
  const events = [];
  const decoder = new TextDecoder();
  return {
    events,
    exporter: {
      name: "capture",
      format: "ndjson",
      async send(request) {
        for (const line of decoder.decode(request.body).split("\n")) if (line.trim()) events.push(JSON.parse(line));
        return { status: 200 };
      },
    },
  };
}

/** Runs `fn` with the wall clock reading `iso` (the tracker stamps events with it). */
function at(iso, fn) {
  const real = Date.now;
  const ms = Date.parse(iso);
  Date.now = () => ms;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

const attr = (span, key) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  return v.doubleValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.stringValue);
};

/** Asserts `costs` give each call's expected cost (matched by the call's time: a store orders by it). */
function checkEventCosts(host, costs) {
  assert.equal(costs.length, CALLS.length, `${host}: ${costs.length} event costs`);
  for (const call of CALLS) {
    const c = costs.find((e) => Date.parse(e.timestamp) === Date.parse(call.timestamp));
    assert.ok(c, `${host} ${call.name}: no event cost at ${call.timestamp}`);
    const x = call.expected;
    assert.equal(c.model, call.model, `${host} ${call.name}: model`);
    assert.equal(c.matched, x.matched, `${host} ${call.name}: matched`);
    assert.ok(close(c.total_cost, x.total_cost), `${host} ${call.name}: total ${c.total_cost}, expected ${x.total_cost}`);
    for (const k of ["tokens_in", "tokens_out", "cached_input_tokens", "cache_write_tokens", "reasoning_tokens", "pricing_key", "pricing_provider", "price_date"]) {
      assert.deepEqual(c[k] ?? null, x[k], `${host} ${call.name}: ${k}`);
    }
  }
}

/** Asserts a host's `prices_used` holds each price of every period case (both sides of a change). */
function checkPeriods(host, used) {
  for (const p of fixture.period_cases) {
    for (const want of p.expected.prices_used) {
      const hit = used.find((u) => Object.entries(want).every(([k, v]) => (typeof v === "number" ? close(u[k], v) : (u[k] ?? null) === v)));
      assert.ok(hit, `${host} ${p.name}: prices_used lacks ${JSON.stringify(want)}`);
    }
  }
}

test("the fixture's calls cost the same, as computed by hand, in the tracker, the analysis entry, the collector and OTLP", async (t) => {
  const times = new Set(CALLS.map((c) => c.timestamp));
  assert.equal(times.size, CALLS.length, "each call has its own time (spans are matched by it)");
  const url = await serve(t);
  const otlp = await otlpReceiver(t);
  const captured = captureExporter();
  const exporters = [
    createHttpExporter({ endpoint: url, apiKey: "prices-everywhere" }),
    createOtlpExporter({ endpoint: otlp.endpoint, protocol: "http/json" }),
    captured.exporter,
  ];
  const logs = [];
  const tracker = new Tracker({ exporters, logger: (level, message) => logs.push(`${level}: ${message}`) });
  const { sessionId } = tracker.startSession({ agentName: "prices-everywhere" });
  for (const c of CALLS) {
    const options = { eventType: "llm_call", model: c.model, usage: c.usage, ...(c.provider === null ? {} : { provider: c.provider }) };
    at(c.timestamp, () => tracker.track(options));
  }

  // (a) The tracker.
  const own = await tracker.cost();
  checkEventCosts("tracker.cost()", own.event_costs);
  const unknown = CALLS.filter((c) => c.expected.matched === false).map((c) => c.model);
  assert.ok(unknown.length > 0);
  assert.deepEqual(own.unmatched_models, unknown);
  checkPeriods("tracker.cost()", own.prices_used);

  await tracker.endSession();
  assert.equal(await tracker.flush(30_000), true, `delivered (${logs.join("; ")})`);
  await tracker.shutdown(5_000);

  // (b) The analysis entry over the events as sent.
  const sent = captured.events.filter((e) => e.event_type === "llm_call");
  assert.equal(sent.length, CALLS.length);
  const analysed = sessionCost(sent);
  checkEventCosts("sessionCost", analysed.event_costs);
  assert.ok(close(analysed.total_cost, own.total_cost), `${analysed.total_cost} vs ${own.total_cost}`);
  assert.deepEqual(analysed.prices_used, own.prices_used);
  checkPeriods("sessionCost", analysed.prices_used);

  // (c) The collector, which received the same events.
  const res = await fetch(`${url}/pricing/costs/${encodeURIComponent(sessionId)}`);
  assert.equal(res.status, 200, await res.clone().text());
  const collected = await res.json();
  checkEventCosts("GET /pricing/costs", collected.event_costs);
  assert.ok(close(collected.total_cost, own.total_cost), `${collected.total_cost} vs ${own.total_cost}`);
  assert.deepEqual(collected.unmatched_models, unknown);
  checkPeriods("GET /pricing/costs", collected.prices_used);

  // (d) OTLP: one model-call span per call, at the call's time.
  const spans = otlp.spans.filter((s) => attr(s, "gen_ai.request.model") !== undefined || /^chat /.test(s.name));
  let checked = 0;
  for (const c of CALLS) {
    const nanos = BigInt(Date.parse(c.timestamp)) * 1_000_000n;
    const span = spans.find((s) => BigInt(s.startTimeUnixNano) === nanos || BigInt(s.endTimeUnixNano) === nanos);
    assert.ok(span, `OTLP ${c.name}: no span at ${c.timestamp}`);
    const usd = attr(span, "agentlens.cost.usd");
    if (c.expected.matched) assert.ok(close(usd, c.expected.total_cost), `OTLP ${c.name}: agentlens.cost.usd ${usd}, expected ${c.expected.total_cost}`);
    else assert.equal(usd, undefined, `OTLP ${c.name}: an unknown model carries no cost`);
    checked += 1;
  }
  assert.equal(checked, CALLS.length);
});

test("the period case alone: its session total and both of o3's prices, with the date each event used", () => {
  for (const p of fixture.period_cases) {
    const events = p.events.map((e, i) => ({
      event_id: `p${i}`, session_id: p.name, event_type: "llm_call", timestamp: e.timestamp, model: p.model,
      tokens_in: e.expected.tokens_in, tokens_out: e.expected.tokens_out,
      cached_input_tokens: e.expected.cached_input_tokens, reasoning_tokens: e.expected.reasoning_tokens,
      attributes: { "gen_ai.provider.name": p.provider },
    }));
    const s = sessionCost(events);
    assert.ok(close(s.total_cost, p.expected.total_cost), `${p.name}: ${s.total_cost}`);
    assert.equal(s.prices_used.length, p.expected.prices_used.length, JSON.stringify(s.prices_used));
    p.expected.prices_used.forEach((want, i) => {
      for (const [k, v] of Object.entries(want)) assert.deepEqual(s.prices_used[i][k] ?? null, v, `${p.name}: prices_used[${i}].${k}`);
    });
    s.event_costs.forEach((c, i) => assert.equal(c.price_date ?? null, p.events[i].expected.price_date, `${p.name}[${i}]: price_date`));
  }
});
