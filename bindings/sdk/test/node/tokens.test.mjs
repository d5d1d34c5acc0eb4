// Token counts are read by the core's rule (the event model's lenient reader), not by a
// JavaScript copy of it: what goes on the wire, the session's totals and the session
// end's totals all agree, whatever the agent passed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { init } from "@agentlens/sdk";

test("odd token counts become the core's counts, on the wire and in the totals", async () => {
  const lines = [];
  const exporter = { name: "keep", format: "ndjson", send: async (r) => (lines.push(...new TextDecoder().decode(r.body).split("\n").filter(Boolean)), { status: 200 }) };
  const tracker = init({ logger: () => {}, exporters: [exporter] });
  const session = tracker.startSession({ agentName: "tokens" });
  const given = [12, "12", -3, 2.9, 10n, Number.NaN, Infinity, null, undefined, { n: 1 }];
  for (const tokensIn of given) tracker.track({ eventType: "llm_call", tokensIn, tokensOut: 1 });
  await tracker.endSession();
  const events = lines.map((l) => JSON.parse(l));
  const counted = events.filter((e) => e.event_type === "llm_call").map((e) => e.tokens_in);
  // The backend's rule (reference A.3) as the core implements it: max(0, floor(v)).
  assert.equal(counted[0], 12);
  assert.equal(counted[2], 0);
  assert.equal(counted[3], 2);
  assert.equal(counted[5], 0, "NaN");
  assert.equal(counted[7], 0, "null");
  assert.equal(counted[8], 0, "absent");
  assert.ok(counted.every((n) => Number.isSafeInteger(n) && n >= 0), JSON.stringify(counted));
  const sum = counted.reduce((a, b) => a + b, 0);
  assert.equal(session.totalTokensIn, sum, "the session's totals add what went on the wire");
  assert.equal(events.at(-1).total_tokens_in, sum);
  assert.equal(session.totalTokensOut, given.length);
  await tracker.shutdown(1000);
});

test("a count beyond what a number holds exactly is still a safe integer", async () => {
  const lines = [];
  const exporter = { name: "keep", format: "ndjson", send: async (r) => (lines.push(...new TextDecoder().decode(r.body).split("\n").filter(Boolean)), { status: 200 }) };
  const tracker = init({ logger: () => {}, exporters: [exporter] });
  const session = tracker.startSession({ agentName: "tokens" });
  tracker.track({ eventType: "llm_call", tokensIn: 2 ** 60 });
  await tracker.endSession();
  const n = JSON.parse(lines[1]).tokens_in;
  assert.ok(Number.isSafeInteger(n) && n > 0, String(n));
  assert.equal(session.totalTokensIn, n);
  await tracker.shutdown(1000);
});
