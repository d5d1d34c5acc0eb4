// examples/otel.mjs runs as a user runs it, offline, writing its trace to a temporary
// directory, and ends with the explanation and the lines the README promises: the trace
// file, the viewer URL, the hint. With AGENTLENS_ENDPOINT set it also posts the trace
// there (a receiver on 127.0.0.1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { importTrace } from "@agentlens/sdk/analysis";
import { startReceiver } from "../support/receiver.mjs";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const run = promisify(execFile);

async function runExample(t, extraEnv = {}) {
  const dir = await mkdtemp(join(tmpdir(), "agentlens-otel-example-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const env = { ...process.env, AGENTLENS_EXAMPLE_OUT: `${dir}/`, ...extraEnv };
  if (!extraEnv.AGENTLENS_ENDPOINT) delete env.AGENTLENS_ENDPOINT;
  delete env.NODE_TEST_CONTEXT;
  const { stdout } = await run(process.execPath, ["examples/otel.mjs"], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
  return { stdout, path: `${dir}/otel-trace.ndjson` };
}

test("examples/otel.mjs runs offline and prints the explanation, the trace and the viewer URL", async (t) => {
  const { stdout, path } = await runExample(t);
  const lines = stdout.trimEnd().split("\n");
  const text = readFileSync(path, "utf8");
  const events = text.split("\n").filter((l) => l.includes('"event_type"')).length;
  assert.ok(events >= 12, `${events} events`);
  assert.equal(lines.at(-3), `Trace: ${path} (${events} events)`);
  const session = lines.at(-2).match(/^Viewer: http:\/\/127\.0\.0\.1:3000\/\?session=(support-chat-[0-9a-z]+)$/)?.[1];
  assert.ok(session, lines.at(-2));
  assert.equal(lines.at(-1), `(start it with: npx agentlens serve; load this file with: npx agentlens import ${path})`);
  assert.match(stdout, new RegExp(`## Session Explanation: support-agent\\n\\*\\*Session ID:\\*\\* ${session}`));
  // Only the model calls count: 12 (embedding) + 1200 + 1400 + 1500 in, 80 + 60 + 40 out.
  assert.match(stdout, /\*\*Total tokens:\*\* 4112 in \/ 180 out/);
  assert.match(stdout, /llm_call\*\* \(model: text-embedding-3-small\)/);
  assert.match(stdout, /tool_error\*\* → tool: refund_api/);
  assert.match(stdout, /tool_call\*\* → tool: lookup_order/);
  // The file reads back: every call in a run, secrets redacted.
  const mine = importTrace(readFileSync(path)).events.filter((e) => e.session_id === session);
  const starts = mine.filter((e) => e.event_type === "run_start");
  const runs = new Set(starts.map((e) => e.run_id));
  // The app's invoke_agent span holds the AI SDK's three calls (embed, generateText, streamText).
  assert.equal(runs.size, 4);
  const agent = starts.find((e) => e.run_name === "invoke_agent support-agent");
  assert.ok(agent && !agent.parent_run_id, JSON.stringify(starts));
  assert.deepEqual(starts.filter((e) => e !== agent).map((e) => [e.run_name, e.parent_run_id]), [["ai.embed", agent.run_id], ["ai.generateText", agent.run_id], ["ai.streamText", agent.run_id]]);
  for (const e of mine.filter((e) => ["llm_call", "tool_call", "tool_error"].includes(e.event_type))) assert.ok(runs.has(e.run_id), JSON.stringify(e));
  assert.ok(!text.includes("jane.doe@example.com") && !text.includes("sk-proj-AbCdEfGhIjKlMnOpQrStUvWx"), "the email and key in tool inputs are redacted");
});

test("with AGENTLENS_ENDPOINT set, the example also sends its trace there and prints that URL", async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { stdout } = await runExample(t, { AGENTLENS_ENDPOINT: receiver.url });
  const session = stdout.match(/^Viewer: (\S+)\/\?session=(\S+)$/m);
  assert.equal(session?.[1], receiver.url);
  const events = receiver.accepted().flatMap((r) => importTrace(r.raw).events).filter((e) => e.session_id === session[2]);
  assert.ok(events.some((e) => e.event_type === "session_end"), "shutdown delivered the session before the example printed");
  assert.equal(events.filter((e) => e.event_type === "llm_call").length, 4);
});
