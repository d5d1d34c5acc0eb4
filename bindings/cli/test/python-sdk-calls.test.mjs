// Every call of the AgentLens Python SDK that reads or manages data through the backend,
// sent to the collector exactly as the SDK sends it (tests/fixtures/python_sdk/calls.json),
// in one story: sessions from the SDK's own batch, prices, costs, exports, event search,
// tags, annotations, alert rules and their events, the heatmap and retention.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";
import { PYTHON_SDK_BATCH, collector } from "./helpers.mjs";

const FIXTURE = JSON.parse(readFileSync(new URL("../../../tests/fixtures/python_sdk/calls.json", import.meta.url), "utf8"));
const KEY = "sdk-key";
const DAY = 86_400_000;

/** The request the SDK's httpx transport makes: X-API-Key always, JSON only when it sends a body. */
async function sdkCall(c, call, ids, key = KEY) {
  const fill = (s) => s.replace(/\{(\w+)\}/g, (_m, name) => {
    assert.ok(ids[name] !== undefined, `${call.sdk}: no ${name} yet`);
    return encodeURIComponent(ids[name]);
  });
  const url = new URL(`${c.url}${fill(call.path)}`);
  for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, fill(v));
  const init = { method: call.method, headers: key ? { "X-API-Key": key } : {} };
  if (call.body !== undefined) {
    init.body = fill(JSON.stringify(call.body));
    init.headers["Content-Type"] = "application/json";
  }
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", disposition: res.headers.get("content-disposition"), text };
}

/** The first value of `key` anywhere in `value` (the SDK's callers read ids from the answers). */
function find(value, key) {
  if (value === null || typeof value !== "object") return undefined;
  if (!Array.isArray(value) && value[key] !== undefined && typeof value[key] !== "object") return value[key];
  for (const v of Object.values(value)) {
    const found = find(v, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

function session(id, { agent, at, model, tokensIn, tokensOut }) {
  const ts = new Date(at).toISOString();
  return [
    { event_type: "session_start", session_id: id, agent_name: agent, metadata: {}, timestamp: ts },
    { event_id: `${id}-e1`, session_id: id, event_type: "llm_call", timestamp: ts, model, tokens_in: tokensIn, tokens_out: tokensOut, input_data: { prompt: "hi" }, output_data: { response: "hello" }, duration_ms: 40 },
    { event_type: "session_end", session_id: id, ended_at: new Date(at + 1000).toISOString(), total_tokens_in: tokensIn, total_tokens_out: tokensOut, status: "completed" },
  ];
}

async function ingest(c, events) {
  const res = await fetch(`${c.url}/events`, { method: "POST", headers: { "Content-Type": "application/json", "X-API-Key": KEY }, body: JSON.stringify({ events }) });
  assert.equal(res.status, 200, await res.text());
}

test("every Python SDK call that reads or manages data works against the collector, with the key, as the SDK sends it", async (t) => {
  const c = await collector(t, { apiKey: KEY });
  const now = Date.now();
  const ids = { sid: "a87237a69aa34bc0", sid2: "recent-session", old: "old-untagged", kept: "old-but-production" };
  await ingest(c, PYTHON_SDK_BATCH.events);
  await ingest(c, session(ids.sid2, { agent: "planner", at: now - 60_000, model: "my-model", tokensIn: 200, tokensOut: 100 }));
  await ingest(c, session(ids.old, { agent: "planner", at: now - 60 * DAY, model: "gpt-4o", tokensIn: 10, tokensOut: 5 }));
  await ingest(c, session(ids.kept, { agent: "planner", at: now - 60 * DAY, model: "gpt-4o", tokensIn: 10, tokensOut: 5 }));
  const tagKept = await sdkCall(c, { sdk: "add_tags", method: "POST", path: "/sessions/{kept}/tags", body: { tags: ["production"] } }, ids);
  assert.equal(tagKept.status, 200, tagKept.text);

  const answers = new Map();
  for (const call of FIXTURE.calls) {
    await t.test(call.sdk, async () => {
      const denied = await sdkCall(c, call, ids, null);
      assert.equal(denied.status, 401, `${call.sdk} must need the key`);
      const r = await sdkCall(c, call, ids);
      assert.ok(r.status >= 200 && r.status < 300, `${call.sdk}: ${r.status} ${r.text}`);
      if (call.text) {
        assert.ok(r.text.length > 0);
        answers.set(call.sdk, r);
        return;
      }
      assert.match(r.type, /json/, `${call.sdk} answers JSON`);
      const body = JSON.parse(r.text);
      for (const key of call.reads) assert.ok(key in body, `${call.sdk}: the SDK reads "${key}"; got ${Object.keys(body).join(", ")}`);
      for (const name of ["rule_id", "alert_id", "annotation_id"]) {
        const found = find(body, name);
        if (found !== undefined && ids[name] === undefined) ids[name] = found;
      }
      answers.set(call.sdk, body);
    });
  }

  // What the answers say, beyond their shape.
  const costs = answers.get("get_costs(sid2)");
  assert.equal(costs.total_cost, Math.round(((200 * 1.5 + 100 * 6) / 1e6) * 1e6) / 1e6, "the stored price prices the session");
  const csv = answers.get("export_session(sid, format='csv')");
  assert.match(csv.disposition ?? "", /attachment; filename="?agentlens-research-agent-a87237a6\.csv/);
  const exported = answers.get("export_session(sid, format='json')");
  assert.equal(exported.events.filter((e) => e.event_type === "llm_call").length, 1);
  assert.deepEqual(answers.get("get_tags(sid)").tags.sort(), ["production", "v2.1"]);
  const byTag = answers.get("list_sessions_by_tag('production')");
  assert.deepEqual(byTag.sessions.map((s) => s.session_id).sort(), [ids.kept, ids.sid, ids.sid2].sort());
  assert.deepEqual(answers.get("search_sessions(agent='research', tags=['production', 'v2.1'])").sessions.map((s) => s.session_id), [ids.sid]);
  assert.deepEqual(answers.get("remove_tags(['v2.1'], session_id=sid)").tags, ["production"]);
  assert.equal(answers.get("search_events(sid, q='arithmetic', event_type='llm_call,tool_call', has_reasoning=True)").matched, 1);
  assert.ok(ids.annotation_id, "annotate answers the annotation's id");
  assert.equal(answers.get("delete_annotation(annotation_id, session_id=sid)").deleted, true);
  assert.ok(ids.rule_id, "create_alert_rule answers the rule's id");
  assert.ok(ids.alert_id, "the rule (total tokens > 50 over 7 days) fired: 300 tokens a minute ago");
  const heat = answers.get("heatmap(metric='tokens', days=30)");
  assert.equal(heat.matrix.length, 7);
  assert.ok(heat.matrix.every((row) => row.length === 24));
  assert.equal(answers.get("purge(dry_run=True)").would_purge_sessions, 1, "only the old untagged session is due");
  assert.equal(answers.get("purge()").purged_sessions, 1);
  const left = await sdkCall(c, { sdk: "GET /sessions", method: "GET", path: "/sessions" }, ids);
  assert.deepEqual(JSON.parse(left.text).sessions.map((s) => s.session_id).sort(), [ids.kept, ids.sid, ids.sid2].sort(), "the exempt tag kept its session");
});

test("every route the Python SDK calls is in the OpenAPI document", async (t) => {
  const c = await collector(t);
  const doc = await (await fetch(`${c.url}/openapi.json`)).json();
  const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{\w+\}/g, "{}")}`)));
  for (const call of FIXTURE.calls) {
    const template = call.path.replace(/\{\w+\}/g, "{}").replace("/by-tag/production", "/by-tag/{}");
    assert.ok(documented.has(`${call.method} ${template}`), `${call.sdk}: ${call.method} ${template} is documented`);
  }
});
