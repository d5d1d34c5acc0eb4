// The redaction canary, JS twin of tests/integration/redact_canary.rs: plant secrets in
// every field of every event type, drive the pipeline, and scan everything it produced —
// request bodies, NDJSON lines, stats, notices, error messages. Any hit fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createDriver, createPipeline, redactText } from "@agentlens/sdk";
import { decodeWireBody } from "@agentlens/sdk/analysis";

const SECRETS = {
  ssn: "123-45-6789",
  card: "4111 1111 1111 1111",
  email: "canary.person@example.org",
  bearer: "Bearer abcDEF123456ghiJKL789",
  sk: "sk-proj-CANARY0123456789abcdefghij",
  aws: "AKIAIOSFODNN7CANARY1",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5",
  password: "hunter2-canary-pw",
};
// Values that only a key rule can catch (they match no pattern).
const KEYED = { password: SECRETS.password, api_key: "plain-canary-key-value", Authorization: "canary-auth-header" };

const sentence = `ssn ${SECRETS.ssn}, card ${SECRETS.card}, mail ${SECRETS.email}, ${SECRETS.bearer}, key ${SECRETS.sk}, aws ${SECRETS.aws}, jwt ${SECRETS.jwt}`;
const nested = { ...KEYED, note: sentence, list: [sentence, { deeper: { token: "tok-canary-value", text: sentence } }] };

function plantedEvents(session) {
  const base = { session_id: session, timestamp: "2026-11-22T10:00:00Z" };
  return [
    { ...base, event_type: "session_start", agent_name: `agent ${SECRETS.email}`, metadata: nested },
    { ...base, event_type: "run_start", run_id: "r1", run_name: `run for ${SECRETS.email}`, user_id: SECRETS.email },
    { ...base, event_type: "llm_call", run_id: "r1", model: "gpt-4o", input_data: { prompt: sentence, ...KEYED }, output_data: { response: sentence, nested },
      decision_trace: { reasoning: sentence, alternatives_considered: [sentence] } },
    { ...base, event_type: "tool_call", run_id: "r1", tool_call: { tool_name: "http", tool_input: nested, tool_output: { body: sentence, headers: { "Set-Cookie": "sid=canary-cookie", Authorization: SECRETS.bearer } } } },
    { ...base, event_type: "memory_write", run_id: "r1", memory: { key: "password", value: SECRETS.password } },
    { ...base, event_type: "memory_read", run_id: "r1", memory: { key: "profile", value: nested } },
    { ...base, event_type: "error", run_id: "r1", error: { error_type: "AuthError", message: sentence, stack_trace: sentence } },
    { ...base, event_type: "final", run_id: "r1", output_data: { answer: sentence } },
    { ...base, event_type: "custom_thing", run_id: "r1", attributes: { "gen_ai.prompt": sentence, secret: "attr-canary-secret", nested } },
    { ...base, event_type: "run_end", run_id: "r1", status: "completed" },
    { ...base, event_type: "session_end", status: "completed" },
  ];
}

const needles = [...Object.values(SECRETS), ...Object.values(KEYED), "tok-canary-value", "canary-cookie", "attr-canary-secret"];
function scan(label, text) {
  for (const n of needles) assert.ok(!text.includes(n), `${label} leaked ${JSON.stringify(n)}`);
}

for (const format of ["agentlens", "ndjson"]) {
  test(`no planted secret survives into ${format} bodies, stats or notices`, async () => {
    const bodies = [];
    const warnings = [];
    const host = {
      now: () => 0,
      wallClock: () => 0,
      send: async (req) => {
        bodies.push(new TextDecoder().decode(req.body));
        return { status: 200 };
      },
      timer: () => () => {},
      notice: (n) => warnings.push(JSON.stringify(n)),
    };
    const driver = createDriver(host, { format, batchSize: 3 });
    driver.push(plantedEvents("canary-session"));
    const stats = await driver.shutdown(1000);
    assert.ok(bodies.length >= 1, "events were sent");
    for (const b of bodies) scan(`${format} body`, b);
    scan("stats", JSON.stringify(stats));
    scan("warnings", warnings.join("\n"));
    assert.equal(stats.delivered, 11);
    assert.ok(stats.redaction.keys_redacted > 0 && stats.redaction.matches_redacted > 0);
    if (format === "agentlens") {
      const events = bodies.flatMap((b) => decodeWireBody(new TextEncoder().encode(b)));
      assert.equal(events.length, 11, "bodies stay valid JSON the decoder reads");
    }
  });
}

test("error messages about bad input never quote it", () => {
  const p = createPipeline({});
  p.pushJson(0, `[{"event_type": 5, "session_id": ${JSON.stringify(sentence)}, "tool_call": "${SECRETS.sk}"}]`);
  scan("stats after invalid input", JSON.stringify(p.stats()));
  try {
    decodeWireBody(new TextEncoder().encode(`{"events":[${JSON.stringify(sentence)}`));
    assert.fail("should throw");
  } catch (e) {
    scan("decode error", `${e.name} ${e.message}`);
  }
});

test("the text redactor keeps the words around each match", () => {
  const out = redactText(`call ${SECRETS.email} today`);
  assert.equal(out, "call [REDACTED] today");
});

// Issue 17: session ids holding a secret were all redacted to `sid-[REDACTED]-…`, merging
// sessions. Each is now its redacted shape plus a keyed tag: distinct, stable, secret-free.
for (const format of ["agentlens", "ndjson"]) {
  test(`secret-bearing session ids stay distinct and stable in ${format} bodies`, async () => {
    const bodies = [];
    const host = { now: () => 0, wallClock: () => 0, timer: () => () => {}, notice: () => {},
      send: async (req) => (bodies.push(new TextDecoder().decode(req.body)), { status: 200 }) };
    const driver = createDriver(host, { format, batchSize: 100 });
    const ids = [`sid-${SECRETS.email}-${SECRETS.ssn}`, `sid-other@example.org-987-65-4321`, `sid:${SECRETS.card}`];
    const url = "https://x.example/o?X-Amz-Signature=canarysigvalue&code=canarycodevalue";
    driver.push(ids.flatMap((session_id) => [0, 1].map(() => ({ session_id, event_type: "llm_call", timestamp: "2026-12-06T10:00:00Z",
      input_data: { url, card: 4111111111111111 } }))));
    await driver.shutdown(1000);
    const text = bodies.join("\n");
    for (const n of [SECRETS.email, SECRETS.ssn, SECRETS.card, "4111111111111111", "canarysigvalue", "canarycodevalue", "987-65-4321"]) {
      assert.ok(!text.includes(n), `${format} leaked ${n}`);
    }
    const seen = [...text.matchAll(/"session_id":"([^"]*)"/g)].map((m) => m[1]);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 3, `three sessions stay three: ${[...new Set(seen)]}`);
    for (const id of seen) assert.match(id, /^[A-Za-z0-9_.:-]*REDACTED[A-Za-z0-9_.:-]*\.[a-p]{16}$/, "an id the backend accepts, tagged");
  });
}
