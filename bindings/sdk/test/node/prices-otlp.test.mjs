// OTLP export prices model calls: the real exporter (createOtlpExporter) sends to a loopback
// OTLP/HTTP receiver, and each model-call span carries `agentlens.cost.usd` priced by the
// core with the price data the package ships (loaded by the exporter on the tracker's
// creation; events wait for it). `costs: false` and an unknown model carry none; a price
// source that fails is a warning, and the spans still go, without cost.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Tracker, createOtlpExporter } from "@agentlens/sdk";

/** A loopback OTLP/HTTP JSON receiver keeping every span. */
async function receiver() {
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
  const endpoint = `http://127.0.0.1:${server.address().port}/v1/traces`;
  return { spans, endpoint, close: () => new Promise((r) => server.close(r)) };
}

/** The real OTLP exporter, named `name`, taking its price data from `priceCatalog`. */
function exporterWithPrices(rx, name, priceCatalog) {
  const real = createOtlpExporter({ endpoint: rx.endpoint, protocol: "http/json" });
  return { ...real, name, format: "otlp", otlp: real.otlp, send: (r) => real.send(r), priceCatalog };
}

const attr = (span, key) => {
  const kv = span.attributes.find((a) => a.key === key);
  if (!kv) return undefined;
  const v = kv.value;
  return v.doubleValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.stringValue ?? v.boolValue;
};

/** One session with the given model calls, exported through `exporter`; the spans received. */
async function exportCalls(rx, exporter, calls, logs = []) {
  const tracker = new Tracker({ exporters: [exporter], logger: (level, message) => logs.push([level, message]) });
  tracker.startSession({ agentName: "pricer" });
  for (const c of calls) tracker.track({ eventType: "llm_call", ...c });
  await tracker.endSession();
  assert.equal(await tracker.flush(10_000), true, "delivered");
  await tracker.shutdown(1000);
  return rx.spans.filter((s) => s.name.startsWith("chat "));
}

test("a gpt-4o call of 120/45 tokens carries agentlens.cost.usd 0.00075; an unknown model carries none", async () => {
  const rx = await receiver();
  try {
    const exporter = createOtlpExporter({ endpoint: rx.endpoint, protocol: "http/json" });
    const spans = await exportCalls(rx, exporter, [
      { model: "gpt-4o", tokensIn: 120, tokensOut: 45 },
      { model: "mystery-model-9", tokensIn: 10, tokensOut: 10 },
    ]);
    assert.equal(spans.length, 2);
    const [known, unknown] = spans;
    // gpt-4o: input 2.5, output 10 $/M: 120 * 2.5e-6 + 45 * 10e-6.
    assert.ok(Math.abs(attr(known, "agentlens.cost.usd") - 0.00075) < 1e-12, String(attr(known, "agentlens.cost.usd")));
    assert.equal(attr(unknown, "agentlens.cost.usd"), undefined, "an unknown model gets no cost, never 0");
  } finally {
    await rx.close();
  }
});

test("costs: false sends the same spans without cost; a non-boolean is refused by name", async () => {
  const rx = await receiver();
  try {
    const spans = await exportCalls(rx, createOtlpExporter({ endpoint: rx.endpoint, protocol: "http/json", costs: false }), [{ model: "gpt-4o", tokensIn: 120, tokensOut: 45 }]);
    assert.equal(spans.length, 1);
    assert.equal(attr(spans[0], "gen_ai.usage.input_tokens"), 120);
    assert.equal(attr(spans[0], "agentlens.cost.usd"), undefined);
  } finally {
    await rx.close();
  }
  assert.throws(() => createOtlpExporter({ costs: "yes" }), (e) => e.name === "AgentLensConfigError" && /costs/.test(e.message));
});

test("a call given as the provider's usage object is priced from it in the span", async () => {
  const rx = await receiver();
  try {
    const usage = { input_tokens: 100, cache_creation_input_tokens: 2000, cache_read_input_tokens: 5000, output_tokens: 300 };
    const spans = await exportCalls(rx, createOtlpExporter({ endpoint: rx.endpoint, protocol: "http/json" }), [
      { model: "claude-3-5-sonnet-20241022", provider: "anthropic", usage },
    ]);
    // claude-3-5-sonnet: input 3, cache write 3.75, cache read 0.30, output 15 $/M.
    const expected = (100 * 3 + 2000 * 3.75 + 5000 * 0.3 + 300 * 15) / 1e6;
    assert.ok(Math.abs(attr(spans[0], "agentlens.cost.usd") - expected) < 1e-9, String(attr(spans[0], "agentlens.cost.usd")));
    assert.equal(attr(spans[0], "gen_ai.usage.input_tokens"), 7100);
  } finally {
    await rx.close();
  }
});

test("when the price data cannot be had, spans go without cost and a warning says why", async () => {
  const rx = await receiver();
  try {
    const failing = exporterWithPrices(rx, "otlp-no-prices", () => Promise.reject(new Error("no price file here")));
    const logs = [];
    const spans = await exportCalls(rx, failing, [{ model: "gpt-4o", tokensIn: 120, tokensOut: 45 }], logs);
    assert.equal(spans.length, 1, "delivered anyway");
    assert.equal(attr(spans[0], "agentlens.cost.usd"), undefined);
    assert.ok(logs.some(([level, m]) => level === "warn" && /otlp-no-prices: spans go without agentlens\.cost\.usd: no price file here/.test(m)), JSON.stringify(logs));
  } finally {
    await rx.close();
  }
});

test("price data that never comes holds a flush no longer than its timeout; the held events then go without cost", async () => {
  const rx = await receiver();
  try {
    const stuck = exporterWithPrices(rx, "otlp-stuck-prices", () => new Promise(() => {}));
    const logs = [];
    const tracker = new Tracker({ exporters: [stuck], logger: (level, message) => logs.push([level, message]) });
    tracker.startSession({ agentName: "pricer" });
    tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 120, tokensOut: 45 });
    // Without the bound this flush would never settle: the price data never arrives. It
    // gives up waiting for it at its own timeout and releases what it held.
    assert.equal(typeof (await tracker.flush(1_000)), "boolean");
    await tracker.endSession();
    assert.equal(await tracker.flush(5_000), true, "delivered");
    await tracker.shutdown(1000);
    const spans = rx.spans.filter((s) => s.name.startsWith("chat "));
    assert.equal(spans.length, 1);
    assert.equal(attr(spans[0], "agentlens.cost.usd"), undefined);
    assert.ok(logs.some(([level, m]) => level === "warn" && /price data did not load within 1000 ms/.test(m)), JSON.stringify(logs));
  } finally {
    await rx.close();
  }
});

test("each span's cost is what @agentlens/sdk/analysis prices the same call at: providers, tiers, cache writes, audio", async () => {
  const { sessionCost } = await import("@agentlens/sdk/analysis");
  const calls = [
    { model: "deepseek/deepseek-v4-flash", provider: "avian", tokensIn: 1_000_000, tokensOut: 500_000 },
    // Past the 200k-token tier, with cache reads and writes.
    { model: "claude-sonnet-4-6", provider: "anthropic", usage: { input_tokens: 150_000, cache_read_input_tokens: 60_000, cache_creation_input_tokens: 10_000, output_tokens: 2_000 } },
    { model: "gpt-4o-audio-preview", tokensIn: 1000, tokensOut: 500, attributes: { "gen_ai.usage.audio.input_tokens": 600 } },
    { model: "gpt-4o", tokensIn: 120, tokensOut: 45, reasoningTokens: 0 },
    { model: "mystery-model-9", tokensIn: 10, tokensOut: 10 },
  ];
  const rx = await receiver();
  try {
    const spans = await exportCalls(rx, createOtlpExporter({ endpoint: rx.endpoint, protocol: "http/json" }), calls);
    assert.equal(spans.length, calls.length);
    const costs = spans.map((s) => attr(s, "agentlens.cost.usd"));
    for (const [i, call] of calls.entries()) {
      const event = {
        event_type: "llm_call",
        session_id: "s",
        timestamp: new Date(Number(BigInt(spans[i].startTimeUnixNano) / 1_000_000n)).toISOString(),
        model: call.model,
        tokens_in: call.tokensIn ?? attr(spans[i], "gen_ai.usage.input_tokens"),
        tokens_out: call.tokensOut ?? attr(spans[i], "gen_ai.usage.output_tokens"),
        cached_input_tokens: call.usage?.cache_read_input_tokens,
        attributes: { ...call.attributes, ...(call.provider ? { "gen_ai.provider.name": call.provider } : {}), ...(call.usage ? { cache_creation_input_tokens: call.usage.cache_creation_input_tokens } : {}) },
      };
      const expected = sessionCost([event]);
      if (expected.unmatched_models.length) assert.equal(costs[i], undefined, call.model);
      else assert.ok(Math.abs(costs[i] - expected.total_cost) < 1e-9, `${call.model}: ${costs[i]} vs ${expected.total_cost}`);
    }
    assert.ok(costs.slice(0, 4).every((c) => c > 0), JSON.stringify(costs));
  } finally {
    await rx.close();
  }
});

test("a call is priced at the price in force when it happened, for its provider", async () => {
  // Three periods: the call (now) falls in the second. A time lost on the way to the price
  // data's module would price it at the latest period, or at the first.
  const catalog = JSON.stringify([
    { id: "acme", name: "Acme", models: [{ id: "clockwork-1", match: { equals: "clockwork-1" }, prices: [
      { prices: { input_mtok: 1, output_mtok: 1 } },
      { constraint: { start_date: "2020-01-01" }, prices: { input_mtok: 2, output_mtok: 2 } },
      { constraint: { start_date: "2099-01-01" }, prices: { input_mtok: 4, output_mtok: 4 } },
    ] }] },
    { id: "other", name: "Other", models: [{ id: "clockwork-1", match: { equals: "clockwork-1" }, prices: { input_mtok: 8, output_mtok: 8 } }] },
  ]);
  const rx = await receiver();
  try {
    const dated = exporterWithPrices(rx, "otlp-dated-prices", () => Promise.resolve(catalog));
    const spans = await exportCalls(rx, dated, [
      { model: "clockwork-1", provider: "acme", tokensIn: 1_000_000, tokensOut: 0 },
      { model: "clockwork-1", provider: "other", tokensIn: 1_000_000, tokensOut: 0 },
    ]);
    assert.deepEqual(spans.map((s) => attr(s, "agentlens.cost.usd")), [2, 8]);
  } finally {
    await rx.close();
  }
});

test("the price data is read once per text into the regex engine's module: trackers made again reuse it", async () => {
  const { priceBooksLoaded } = await import("@agentlens/sdk/internal");
  const rx = await receiver();
  try {
    const loaded = [];
    for (let i = 0; i < 3; i++) {
      const spans = await exportCalls(rx, createOtlpExporter({ endpoint: rx.endpoint, protocol: "http/json" }), [{ model: "gpt-4o", tokensIn: 120, tokensOut: 45 }]);
      assert.ok(spans.length >= 1);
      loaded.push(priceBooksLoaded());
    }
    // The other tests of this file loaded the package's price data and one catalog of their own.
    assert.deepEqual(loaded, [2, 2, 2]);
  } finally {
    await rx.close();
  }
});

test("price data with a bad entry is a warning naming it; spans go without cost", async () => {
  const rx = await receiver();
  try {
    const bad = JSON.stringify([{ id: "acme", name: "Acme", models: [{ id: "rocket-1", match: { equals: "rocket-1" }, prices: { input_mtok: "free" } }] }]);
    const odd = exporterWithPrices(rx, "otlp-bad-prices", () => Promise.resolve(bad));
    const logs = [];
    const spans = await exportCalls(rx, odd, [{ model: "rocket-1", tokensIn: 120, tokensOut: 45 }], logs);
    assert.equal(spans.length, 1, "delivered anyway");
    assert.equal(attr(spans[0], "agentlens.cost.usd"), undefined);
    assert.ok(logs.some(([level, m]) => level === "warn" && /otlp-bad-prices: spans go without agentlens\.cost\.usd: .*rocket-1/.test(m)), JSON.stringify(logs));
  } finally {
    await rx.close();
  }
});
