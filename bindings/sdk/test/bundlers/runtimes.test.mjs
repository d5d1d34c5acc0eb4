// Deno and Bun (npm `deno`, `bun`), as docs/bundlers.md says to run them: a script in a
// project with the installed tarball in node_modules tracks a session, computes its cost
// (the analysis wasm) and sends the events to a loopback receiver set by AGENTLENS_ENDPOINT;
// a second script sends OTLP (gzipped protobuf, configured by the OTEL_* variables alone) to
// a loopback OTLP receiver, its bodies read with the official schema.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startReceiver } from "../support/receiver.mjs";
import { startOtlpReceiver } from "../otlp/receiver.mjs";
import { spansOfBody } from "../otlp/schema.mjs";
import { packAndInstall, repoRoot } from "./support.mjs";

const SCRIPT = `import { init } from "@agentlens/sdk";

const tracker = init({ apiKey: "runtime-key" }); // endpoint: AGENTLENS_ENDPOINT
tracker.startSession({ agentName: "runtime-agent", sessionId: process.argv.at(-1) });
tracker.track({ eventType: "llm_call", model: "gpt-4o", inputData: { prompt: "card 4111 1111 1111 1111" }, tokensIn: 1000, tokensOut: 100 });
const cost = await tracker.cost();
await tracker.endSession();
console.log(JSON.stringify({ tokensIn: cost.tokens_in, delivered: tracker.stats().delivered }));
`;

const OTLP_SCRIPT = `import { init, createOtlpExporter } from "@agentlens/sdk";

const tracker = init({ exporters: [createOtlpExporter()] }); // everything from OTEL_*
const session = tracker.startSession({ agentName: "runtime-agent", sessionId: process.argv.at(-1) });
tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 1000, tokensOut: 100 });
await tracker.endSession(session.sessionId);
await tracker.shutdown(5000);
console.log(JSON.stringify({ delivered: tracker.stats().delivered }));
`;

const { dir, project } = packAndInstall();
writeFileSync(join(project, "agent.mjs"), SCRIPT);
writeFileSync(join(project, "otlp-agent.mjs"), OTLP_SCRIPT);
const bin = (name) => join(repoRoot, "node_modules/.bin", name);

/** Runs `command args…` in the project against a fresh receiver; returns its output and events. */
async function run(t, command, args, sessionId) {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const env = { ...process.env, AGENTLENS_ENDPOINT: receiver.url, DENO_DIR: join(dir, "deno-cache"), DENO_NO_UPDATE_CHECK: "1" };
  const { stdout } = await promisify(execFile)(command, [...args, sessionId], { cwd: project, env });
  assert.deepEqual(JSON.parse(stdout), { tokensIn: 1000, delivered: 3 });
  const events = receiver.events().filter((e) => e.session_id === sessionId);
  assert.deepEqual(events.map((e) => e.event_type), ["session_start", "llm_call", "session_end"]);
  assert.ok(!JSON.stringify(events).includes("4111 1111 1111 1111"), "redacted");
  assert.ok(receiver.requests.every((r) => r.headers["x-api-key"] === "runtime-key"));
}

test("Deno runs the package from node_modules with read, net and env permissions", { skip: existsSync(bin("deno")) ? false : "npm deno is not installed" }, async (t) => {
  await run(t, bin("deno"), ["run", "--node-modules-dir=manual", "--allow-read", "--allow-net=127.0.0.1", "--allow-env", "agent.mjs"], "deno-1");
});

test("Bun runs the package from node_modules", { skip: existsSync(bin("bun")) ? false : "npm bun is not installed" }, async (t) => {
  await run(t, bin("bun"), ["agent.mjs"], "bun-1");
});

/** Runs the OTLP script with only OTEL_* variables set; checks the gzipped protobuf bodies. */
async function runOtlp(t, command, args, sessionId) {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const env = {
    ...process.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
    OTEL_SERVICE_NAME: `svc-${sessionId}`,
    DENO_DIR: join(dir, "deno-cache"),
    DENO_NO_UPDATE_CHECK: "1",
  };
  const { stdout } = await promisify(execFile)(command, [...args, sessionId], { cwd: project, env });
  assert.deepEqual(JSON.parse(stdout), { delivered: 2 }, "the chat span and the session span");
  assert.ok(receiver.requests.every((r) => r.path === "/v1/traces" && r.headers["content-encoding"] === "gzip" && r.headers["content-type"] === "application/x-protobuf"));
  const spans = receiver.requests.flatMap((r) => spansOfBody(r.body, r.headers["content-type"]));
  assert.deepEqual(spans.map((s) => s.name).sort(), ["chat gpt-4o", "invoke_agent runtime-agent"]);
  assert.ok(spans.every((s) => s.resource["service.name"] === `svc-${sessionId}` && s.attributes["gen_ai.conversation.id"] === sessionId));
}

test("Deno sends OTLP configured by the OTEL_* variables", { skip: existsSync(bin("deno")) ? false : "npm deno is not installed" }, async (t) => {
  await runOtlp(t, bin("deno"), ["run", "--node-modules-dir=manual", "--allow-read", "--allow-net=127.0.0.1", "--allow-env", "otlp-agent.mjs"], "deno-otlp");
});

test("Bun sends OTLP configured by the OTEL_* variables", { skip: existsSync(bin("bun")) ? false : "npm bun is not installed" }, async (t) => {
  await runOtlp(t, bin("bun"), ["otlp-agent.mjs"], "bun-otlp");
});
