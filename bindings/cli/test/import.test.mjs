// Trace uploads: POST /import (NDJSON and every format the core's importTrace reads,
// gzipped or not, and our own exports) and POST /v1/traces (OTLP/HTTP JSON).
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { collector, call, get, post, PYTHON_SDK_BATCH } from "./helpers.mjs";

const ndjson = (events) => `${events.map((e) => JSON.stringify(e)).join("\n")}\n`;

test("an NDJSON trace file uploads, plain or gzipped (by header or by magic bytes)", async (t) => {
  const c = await collector(t);
  const text = ndjson(PYTHON_SDK_BATCH.events);
  const plain = await call(c, "POST", "/import", { raw: text, headers: { "Content-Type": "application/x-ndjson" } });
  assert.equal(plain.status, 200);
  assert.equal(plain.body.format, "ndjson");
  assert.equal(plain.body.processed, 4);
  const s = (await get(c, "/sessions/a87237a69aa34bc0")).body;
  assert.deepEqual([s.agent_name, s.total_tokens_in, s.total_events], ["research-agent", 120, 2]);

  const other = PYTHON_SDK_BATCH.events.map((e) => ({ ...e, session_id: "gz1", ...(e.event_id ? { event_id: `${e.event_id}-gz` } : {}) }));
  const sniffed = await call(c, "POST", "/import", { raw: gzipSync(ndjson(other)), headers: { "Content-Type": "application/gzip" } });
  assert.equal(sniffed.status, 200);
  assert.equal(sniffed.body.processed, 4);
  const again = await call(c, "POST", "/import", { raw: gzipSync(ndjson(other)), headers: { "Content-Encoding": "gzip" } });
  assert.equal(again.body.duplicates, 4, "a re-upload is idempotent: the start, both events and the end were already there");
  assert.equal(again.body.processed, 0);
  assert.equal((await get(c, "/sessions/gz1")).body.total_tokens_in, 120);
});

test("an AgentLens batch and a collector export upload too; junk is a 400", async (t) => {
  const c = await collector(t);
  const batch = await call(c, "POST", "/import", { raw: JSON.stringify(PYTHON_SDK_BATCH), headers: { "Content-Type": "application/json" } });
  assert.equal(batch.status, 200);
  assert.equal(batch.body.format, "agentlens_batch");
  await post(c, "/events", {
    events: [
      { event_id: "x1", session_id: "rs", event_type: "run_start", run_id: "r1", run_name: "plan" },
      { event_id: "x2", session_id: "rs", event_type: "run_end", run_id: "r1", status: "failed" },
    ],
  });
  const exported = (await get(c, "/v1/runs/r1/export")).body;
  const other = await collector(t);
  const up = await call(other, "POST", "/import", { raw: JSON.stringify(exported), headers: { "Content-Type": "application/json" } });
  assert.equal(up.status, 200);
  assert.equal(up.body.format, "agentlens_export");
  assert.equal((await get(other, "/v1/runs/r1")).body.status, "failed", "the run_end beside the timeline restores the status");
  const junk = await call(c, "POST", "/import", { raw: "this is not a trace at all", headers: { "Content-Type": "application/octet-stream" } });
  assert.equal(junk.status, 400);
  assert.equal(typeof junk.body.error, "string");
  assert.ok(!junk.body.error.includes("this is not a trace"), "errors never quote the input");
});

const OTLP = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "otel-agent" } }] },
      scopeSpans: [
        {
          scope: { name: "test" },
          spans: [
            {
              traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b173", name: "invoke_agent planner", kind: 1,
              startTimeUnixNano: "1795315282900000000", endTimeUnixNano: "1795315284500000000",
              attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "invoke_agent" } }, { key: "gen_ai.conversation.id", value: { stringValue: "otel-conv-1" } }],
            },
            {
              traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b174", parentSpanId: "eee19b7ec3c1b173", name: "chat gpt-4o", kind: 3,
              startTimeUnixNano: "1795315283000000000", endTimeUnixNano: "1795315284000000000",
              attributes: [
                { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
                { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
                { key: "gen_ai.usage.input_tokens", value: { intValue: "100" } },
                { key: "gen_ai.usage.output_tokens", value: { intValue: 20 } },
              ],
            },
            {
              traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b175", parentSpanId: "eee19b7ec3c1b173", name: "execute_tool calc",
              startTimeUnixNano: "1795315284100000000", endTimeUnixNano: "1795315284200000000",
              attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "execute_tool" } }, { key: "gen_ai.tool.name", value: { stringValue: "calc" } }],
            },
          ],
        },
      ],
    },
  ],
};

test("POST /v1/traces ingests OTLP/HTTP JSON: GenAI spans become llm and tool events", async (t) => {
  const c = await collector(t, { apiKey: "otel-key" });
  const h = { "X-API-Key": "otel-key" };
  const r = await post(c, "/v1/traces", OTLP, h);
  assert.equal(r.status, 200);
  // OTLP/HTTP: everything accepted is an empty ExportTraceServiceResponse (docs/otlp.md).
  assert.deepEqual(r.body, {});
  const sessions = (await get(c, "/sessions", h)).body;
  assert.equal(sessions.total, 1);
  const sid = sessions.sessions[0].session_id;
  const events = (await get(c, `/sessions/${sid}/events`, h)).body.events;
  const llm = events.find((e) => e.event_type === "llm_call");
  assert.ok(llm, JSON.stringify(events.map((e) => e.event_type)));
  assert.equal(llm.model, "gpt-4o");
  assert.deepEqual([llm.tokens_in, llm.tokens_out], [100, 20]);
  const tool = events.find((e) => e.event_type === "tool_call");
  assert.equal(tool.tool_call.tool_name, "calc");
  assert.equal((await get(c, `/sessions/${sid}`, h)).body.total_tokens_in, 100);
  const dup = await post(c, "/v1/traces", OTLP, h);
  assert.equal(dup.status, 200, "a resent export is idempotent");
  assert.equal((await get(c, `/sessions/${sid}/events`, h)).body.total, events.length);
});

test("POST /v1/traces errors: another content type 415, malformed JSON 400, not OTLP 400, no key 401", async (t) => {
  const c = await collector(t, { apiKey: "otel-key" });
  const h = { "X-API-Key": "otel-key" };
  // Protobuf is read (docs/otlp.md, "Ingest"): an empty request is accepted, anything else is 415.
  const proto = await call(c, "POST", "/v1/traces", { raw: new Uint8Array([10, 0]), headers: { ...h, "Content-Type": "application/x-protobuf" } });
  assert.equal(proto.status, 200);
  const other = await call(c, "POST", "/v1/traces", { raw: new Uint8Array([10, 0]), headers: { ...h, "Content-Type": "application/octet-stream" } });
  assert.equal(other.status, 415);
  const bad = await call(c, "POST", "/v1/traces", { raw: "{", headers: { ...h, "Content-Type": "application/json" } });
  assert.equal(bad.status, 400);
  const notOtlp = await post(c, "/v1/traces", PYTHON_SDK_BATCH, h);
  assert.equal(notOtlp.status, 400);
  assert.equal((await post(c, "/v1/traces", OTLP)).status, 401);
});

test("POST /import counts events apart from session start/end records, as stats counts events", async (t) => {
  const c = await collector(t);
  const text = ndjson(PYTHON_SDK_BATCH.events);
  const first = (await call(c, "POST", "/import", { raw: text, headers: { "Content-Type": "application/x-ndjson" } })).body;
  assert.deepEqual(
    [first.processed, first.stored_events, first.session_records, first.duplicates],
    [4, 2, 2, 0],
    "2 events stored, the start and the end applied",
  );
  assert.equal(c.store.stats().total_events, first.stored_events);
  const again = (await call(c, "POST", "/import", { raw: text, headers: { "Content-Type": "application/x-ndjson" } })).body;
  assert.deepEqual(
    [again.processed, again.stored_events, again.duplicate_events, again.unchanged_session_records, again.duplicates],
    [0, 0, 2, 2, 4],
    "nothing changed, and nothing is counted as if it had",
  );
  assert.equal(c.store.stats().total_events, 2);
});
