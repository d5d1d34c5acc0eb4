// One rule for session token totals and cost: sessions sent by our SDK (to the collector
// and, beside it, to an NDJSON exporter that keeps what the SDK put on the wire) have the
// same input and output tokens in the SDK's session_end and its Session view, in the
// collector's session read (GET /sessions/:id), in the CLI (agentlens sessions --json)
// and in the core's sessionStats; and the same cost in the SDK, the collector's
// /pricing/costs/:id and sessionStats. Counts the core reads leniently (a numeric
// string, a fraction) are counted by its one rule everywhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHttpExporter, init, trace } from "@agentlens/sdk";
import { sessionStats } from "@agentlens/sdk/analysis";
import { collector, get, post } from "./helpers.mjs";
import { runCli } from "./cli-support.mjs";

const decoder = new TextDecoder();

/** An NDJSON exporter that keeps every event the SDK put on the wire. */
function capture() {
  const events = [];
  const exporter = {
    name: "capture",
    format: "ndjson",
    send: async (r) => {
      for (const line of decoder.decode(r.body).split("\n")) if (line.trim()) events.push(JSON.parse(line));
      return { status: 200 };
    },
  };
  return { events, exporter };
}

/** Three sessions: priced calls with lenient counts, one without tokens, one inside runs. */
async function sendSessions(c, wire) {
  const http = createHttpExporter({ endpoint: c.url, apiKey: "k" });
  const tracker = init({ exporters: [http, wire.exporter], logLevel: "silent" });
  const ids = [];
  const views = [];

  const a = tracker.startSession({ agentName: "priced" });
  tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 1200, tokensOut: 350 });
  tracker.track({ eventType: "llm_call", model: "gpt-4o-mini", tokensIn: "300", tokensOut: 40.9 });
  tracker.track({ eventType: "tool_call", toolName: "search", durationMs: 12 });
  tracker.track({ eventType: "llm_call", model: "no-such-model", tokensIn: 7, tokensOut: -3 });
  assert.equal(a.totalTokensIn, 1507, "the SDK's view while the session runs");
  await tracker.endSession(a.sessionId);
  ids.push(a.sessionId);
  views.push(a);

  const b = tracker.startSession({ agentName: "no-tokens" });
  tracker.track({ eventType: "tool_call", toolName: "calc", durationMs: 3 });
  await tracker.endSession(b.sessionId);
  ids.push(b.sessionId);
  views.push(b);

  const s = tracker.startSession({ agentName: "runs" });
  await trace.run("plan", async (ctx) => {
    ctx.llm({ model: "gpt-4o", tokensIn: 90, tokensOut: 10 });
    tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 10, tokensOut: 5 });
  });
  await tracker.endSession(s.sessionId);
  ids.push(s.sessionId);
  views.push(s);

  const sdkStats = {};
  for (const id of ids) sdkStats[id] = await tracker.sessionStats({ sessionId: id });
  const stats = await tracker.shutdown(10_000);
  assert.equal(stats.dropped ? Object.values(stats.dropped).reduce((x, y) => x + y, 0) : 0, 0, JSON.stringify(stats));
  return { ids, views, sdkStats };
}

test("the SDK's session_end, the collector's read, the CLI and sessionStats agree on tokens and cost", async (t) => {
  const c = await collector(t, { apiKey: "k" });
  const wire = capture();
  const { ids, views, sdkStats } = await sendSessions(c, wire);
  const h = { "X-API-Key": "k" };
  const listed = await runCli(["sessions", "--json", "--db", c.dbPath]);
  assert.equal(listed.code, 0, listed.stderr);
  const cliRows = JSON.parse(listed.stdout).sessions;

  const seen = [];
  ids.forEach((id, i) => seen.push(checkSession(id, views[i], sdkStats[id])));
  const expected = [[1507, 390], [0, 0], [100, 15]];
  for (const [i, check] of seen.entries()) {
    const { id, tokens } = await check;
    assert.deepEqual(tokens, expected[i], `session ${i}: the core's rule (a numeric string, a fraction floored, a negative as 0)`);
    const cli = cliRows.find((r) => r.session_id === id);
    assert.deepEqual([cli.total_tokens_in, cli.total_tokens_out], tokens, `CLI, session ${i}`);
  }

  async function checkSession(id, view, sdk) {
    const end = wire.events.filter((e) => e.session_id === id && e.event_type === "session_end");
    assert.equal(end.length, 1, `one session_end for ${id}`);
    const tokens = [end[0].total_tokens_in, end[0].total_tokens_out];
    assert.deepEqual([view.totalTokensIn, view.totalTokensOut], tokens, "the SDK's Session view is its session_end's");
    assert.deepEqual([sdk.tokens_in, sdk.tokens_out], tokens, "the SDK's sessionStats");

    const onWire = sessionStats(wire.events.filter((e) => e.session_id === id));
    assert.deepEqual([onWire.tokens_in, onWire.tokens_out], tokens, "sessionStats over what the SDK sent");
    assert.equal(onWire.total_cost, sdk.total_cost, "cost: the SDK and the core over its wire events");

    const session = (await get(c, `/sessions/${id}`, h)).body;
    assert.deepEqual([session.total_tokens_in, session.total_tokens_out], tokens, "GET /sessions/:id");
    const stored = (await get(c, `/sessions/${id}/events?limit=1000`, h)).body.events;
    const collectorStats = sessionStats(stored);
    assert.deepEqual([collectorStats.tokens_in, collectorStats.tokens_out], tokens, "sessionStats over the collector's events");
    const cost = (await get(c, `/pricing/costs/${id}`, h)).body;
    assert.equal(cost.total_cost, sdk.total_cost, "GET /pricing/costs/:id");
    assert.equal(collectorStats.total_cost, sdk.total_cost);
    return { id, tokens };
  }
});

test("an end's own totals replace the events' sum, by the same rule in the store and in compare", async (t) => {
  const c = await collector(t, { apiKey: "k" });
  const h = { "X-API-Key": "k", "Content-Type": "application/json" };
  const events = (sid, end) => [
    { event_type: "session_start", session_id: sid, agent_name: "a", timestamp: "2026-03-01T10:00:00Z" },
    { event_type: "llm_call", session_id: sid, event_id: `${sid}-1`, model: "gpt-4o", tokens_in: 40, tokens_out: 4, timestamp: "2026-03-01T10:00:01Z" },
    { event_type: "session_end", session_id: sid, ended_at: "2026-03-01T10:00:02Z", status: "completed", ...end },
  ];
  const r = await post(c, "/events", { events: [...events("own", { total_tokens_in: 500, total_tokens_out: 0 }), ...events("none", {})] }, h);
  assert.ok(r.status < 300, JSON.stringify(r.body));
  const own = (await get(c, "/sessions/own", h)).body;
  assert.deepEqual([own.total_tokens_in, own.total_tokens_out], [500, 4], "the end's total above zero wins; its 0 says nothing");
  const none = (await get(c, "/sessions/none", h)).body;
  assert.deepEqual([none.total_tokens_in, none.total_tokens_out], [40, 4]);
  // A later event still adds to the sum; the end's total stays in force.
  await post(c, "/events", { events: [{ event_type: "llm_call", session_id: "own", event_id: "own-2", tokens_in: 1, tokens_out: 6, timestamp: "2026-03-01T10:00:03Z" }] }, h);
  const after = (await get(c, "/sessions/own", h)).body;
  assert.deepEqual([after.total_tokens_in, after.total_tokens_out], [500, 10]);
  const compared = (await post(c, "/sessions/compare", { session_a: "own", session_b: "none" }, h)).body;
  assert.deepEqual([compared.session_a.total_tokens_in, compared.session_a.total_tokens_out], [500, 10], "compare: the same totals");
  assert.deepEqual([compared.session_b.total_tokens_in, compared.session_b.total_tokens_out], [40, 4]);
  const search = (await get(c, "/sessions/search?min_tokens=505&sort=total_tokens", h)).body;
  assert.deepEqual(search.sessions.map((s) => s.session_id), ["own"], "search filters on the stored totals");
});

test("with no exporter the core still keeps the totals the Session view shows", async () => {
  const tracker = init({ exporters: [], logLevel: "silent" });
  const s = tracker.startSession({ agentName: "quiet" });
  for (let i = 0; i < 600; i++) tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 2, tokensOut: "1" });
  assert.deepEqual([s.totalTokensIn, s.totalTokensOut], [1200, 600]);
  tracker.track({ eventType: "llm_call", tokensIn: 5.5, tokensOut: 0 });
  await tracker.endSession(s.sessionId);
  assert.deepEqual([s.totalTokensIn, s.totalTokensOut], [1205, 600], "after the end: the totals its session_end carried");
  const stats = await tracker.sessionStats({ sessionId: s.sessionId });
  assert.deepEqual([stats.tokens_in, stats.tokens_out], [1205, 600]);
  await tracker.shutdown(1000);
});
