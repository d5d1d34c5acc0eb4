// One meaning for every view: a session sent by our SDK (a run with a decision, memory,
// a recovered error, a failing tool and a final answer; then a root run that throws)
// reaches the collector whole through the backend-compatible wire, and the SDK's own
// explain, the collector's reads, its explain and the CLI agree on which events are
// errors and on the session's status (error: a root run failed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { init, trace, wrapTool } from "@agentlens/sdk";
import { collector, get } from "./helpers.mjs";
import { runCli } from "./cli-support.mjs";

async function sendSession(c) {
  const tracker = init({ endpoint: c.url, apiKey: "k", logLevel: "silent" });
  const session = tracker.startSession({ agentName: "booking-agent" });
  const search = wrapTool(() => {
    throw new Error("search backend down");
  }, "flight_search");
  await trace.run("plan", async (ctx) => {
    ctx.decision({ reasoning: "search first", alternatives: ["ask the user"], confidence: 0.7 });
    ctx.memoryWrite({ key: "user_pref", value: { seat: "aisle" } });
    ctx.memoryRead({ key: "user_pref", value: { seat: "aisle" } });
    ctx.error({ errorType: "RateLimit", message: "slow down, retrying" });
    try {
      search({ from: "SFO" });
    } catch {
      // The agent recovers.
    }
    ctx.final({ answer: "Booked UA 12" });
  });
  assert.throws(() => trace.run("follow_up", () => {
    throw new TypeError("no seat map");
  }), TypeError);
  const sdkExplain = tracker.explain(session.sessionId, "backend");
  await tracker.endSession();
  const stats = await tracker.shutdown(10_000);
  assert.equal(stats.delivered, stats.tracked, JSON.stringify(stats));
  return { id: session.sessionId, sdkExplain };
}

test("the SDK, the collector's reads, its explain and the CLI agree on errors and the session's status", async (t) => {
  const c = await collector(t, { apiKey: "k" });
  const { id, sdkExplain } = await sendSession(c);
  const h = { "X-API-Key": "k" };

  const session = (await get(c, `/sessions/${id}`, h)).body;
  assert.equal(session.status, "error", "a root run that failed makes the session an error");
  const events = (await get(c, `/sessions/${id}/events?limit=100`, h)).body.events;
  const types = events.map((e) => e.event_type);
  for (const t of ["decision", "memory_write", "memory_read", "error", "tool_error", "final", "run_start", "run_end"]) {
    assert.ok(types.includes(t), `${t} stored under its real type: ${types}`);
  }
  const write = events.find((e) => e.event_type === "memory_write");
  assert.deepEqual(write.memory, { key: "user_pref", value: { seat: "aisle" } }, "memory survives the backend-compatible wire");
  assert.ok(write.run_id, "and so does the run");
  const recovered = events.find((e) => e.event_type === "error" && e.error.error_type === "RateLimit");
  assert.equal(recovered.error.message, "slow down, retrying");
  assert.deepEqual(recovered.output_data ?? {}, {}, "the copy for the original backend is gone again (null reads as {}, as the backend)");
  const tool = events.find((e) => e.event_type === "tool_error");
  assert.deepEqual(tool.tool_call.tool_input, { from: "SFO" });

  // Three errors: the recovered one, the tool's, and the thrown TypeError; the run ends are outcomes, not errors.
  const collectorExplain = (await get(c, `/sessions/${id}/explain`, h)).body.explanation;
  const cli = await runCli(["explain", id, "--db", c.dbPath]);
  assert.equal(cli.code, 0, cli.stderr);
  for (const [name, text] of [["SDK", sdkExplain], ["collector", collectorExplain], ["CLI", cli.stdout]]) {
    assert.match(text, /3 error\(s\)/, `${name}: ${text}`);
    assert.match(text, /The agent made a decision\./, name);
    assert.match(text, /The agent wrote \*\*user_pref\*\* to memory/, name);
    assert.match(text, /The agent read \*\*user_pref\*\* from memory/, name);
    assert.match(text, /The agent met an error\.\n- \*Error:\* RateLimit: slow down, retrying/, name);
    assert.match(text, /The \*\*flight_search\*\* tool failed\.\n- \*Input:\* \{"from":"SFO"\}\n- \*Error:\* Error: search backend down/, name);
    assert.match(text, /The agent gave its final answer\.\n- \*Answer:\* "Booked UA 12"/, name);
    assert.match(text, /TypeError: no seat map\n- \*Critical:\* yes/, name);
  }
  assert.match(collectorExplain, /Session status: error/);
  assert.match(cli.stdout, /Session status: error/);

  const listed = await runCli(["sessions", "--json", "--db", c.dbPath]);
  assert.equal(JSON.parse(listed.stdout).sessions[0].status, "error");
  const runs = JSON.parse((await runCli(["runs", "--json", "--session", id, "--db", c.dbPath])).stdout).runs;
  // ctx.error() marks its run failed (recovered or not), as Agent Inspector does.
  assert.deepEqual(runs.map((r) => [r.name, r.status]).sort(), [["follow_up", "failed"], ["plan", "failed"]]);
});
