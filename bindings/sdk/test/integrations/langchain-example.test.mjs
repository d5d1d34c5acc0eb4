// examples/langchain.mjs runs as a user runs it, offline, writing its trace to a temporary
// directory, and ends with the explanation and the lines the README promises: the trace
// file, the viewer URL, the hint. The trace file reads back as the agent's tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeNdjson } from "@agentlens/sdk/analysis";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

test("examples/langchain.mjs runs offline and prints the explanation, the trace and the viewer URL", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "agentlens-langchain-example-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const env = { ...process.env, AGENTLENS_EXAMPLE_OUT: `${dir}/` };
  delete env.AGENTLENS_ENDPOINT;
  delete env.NODE_TEST_CONTEXT;
  const run = spawnSync(process.execPath, ["examples/langchain.mjs"], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const lines = run.stdout.trimEnd().split("\n");
  const path = `${dir}/langchain-trace.ndjson`;
  const text = readFileSync(path, "utf8");
  const count = text.split("\n").filter((l) => l.includes('"event_type"')).length;
  assert.equal(lines.at(-3), `Trace: ${path} (${count} events)`);
  const session = lines.at(-2).match(/^Viewer: http:\/\/127\.0\.0\.1:3000\/\?session=([0-9a-f]{16})$/)?.[1];
  assert.ok(session, lines.at(-2));
  assert.equal(lines.at(-1), `(start it with: npx agentlens serve; load this file with: npx agentlens import ${path})`);
  assert.match(run.stdout, new RegExp(`## Session Explanation: weather-agent\\n\\*\\*Session ID:\\*\\* ${session}`));
  assert.match(run.stdout, /\*\*Total tokens:\*\* 1600 in \/ 320 out/);
  assert.match(run.stdout, /↳ run: plan/);
  assert.match(run.stdout, /llm_call\*\* \(model: gpt-5-mini\)/);
  assert.match(run.stdout, /tool_error\*\* → tool: get_news/);

  const events = decodeNdjson(text).events;
  const runs = new Map(events.filter((e) => e.event_type === "run_start").map((e) => [e.run_name, e]));
  assert.equal(runs.get("plan").parent_run_id, runs.get("weather-agent").run_id);
  const [plan] = events.filter((e) => e.event_type === "llm_call");
  assert.equal(plan.run_id, runs.get("plan").run_id);
  assert.equal(plan.cached_input_tokens, 1000);
  assert.equal(plan.reasoning_tokens, 200);
  assert.ok(events.every((e) => e.session_id === session));
});
