// examples/ai-sdk.mjs runs as a user runs it (on the project's Node 24: the AI SDK 7 needs
// Node >= 22), offline, writing its trace to a temporary directory, and ends with the
// explanation and the lines the README promises: the trace file, the viewer URL, the hint.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const node24 = join(root, "node_modules/node/bin/node");

test("examples/ai-sdk.mjs runs offline under Node 24 and prints the explanation, the trace and the viewer URL", { skip: existsSync(node24) ? false : "the project's Node 24 is not installed (npm ci)" }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "agentlens-ai-sdk-example-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const env = { ...process.env, AGENTLENS_EXAMPLE_OUT: `${dir}/` };
  delete env.AGENTLENS_ENDPOINT;
  delete env.NODE_TEST_CONTEXT;
  const run = spawnSync(node24, ["examples/ai-sdk.mjs"], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const lines = run.stdout.trimEnd().split("\n");
  const path = `${dir}/ai-sdk-trace.ndjson`;
  const events = readFileSync(path, "utf8").split("\n").filter((l) => l.includes('"event_type"')).length;
  assert.ok(events >= 25, `${events} events`);
  assert.equal(lines.at(-3), `Trace: ${path} (${events} events)`);
  const session = lines.at(-2).match(/^Viewer: http:\/\/127\.0\.0\.1:3000\/\?session=([0-9a-f]{16})$/)?.[1];
  assert.ok(session, lines.at(-2));
  assert.equal(lines.at(-1), `(start it with: npx agentlens serve; load this file with: npx agentlens import ${path})`);
  assert.match(run.stdout, new RegExp(`## Session Explanation: travel-assistant\\n\\*\\*Session ID:\\*\\* ${session}`));
  assert.match(run.stdout, /↳ run: flight-expert/);
  assert.match(run.stdout, /tool_error\*\* → tool: book_hotel/);
  assert.match(run.stdout, /AbortError: user closed the chat/);
  assert.ok(!readFileSync(path, "utf8").includes("jane.doe@example.com"), "the email in a tool input is redacted");
});

test("on Node < 22 the example exits with a message that says why and what to run", { skip: Number(process.versions.node.split(".")[0]) >= 22 ? "this Node runs the example" : false }, () => {
  const run = spawnSync(process.execPath, ["examples/ai-sdk.mjs"], { cwd: root, encoding: "utf8", timeout: 60_000 });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /needs Node >= 22/);
});
