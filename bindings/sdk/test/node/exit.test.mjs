// Exit: a child process tracks events and ends without calling flush or endSession. The
// Node platform's exit hook (beforeExit) must send everything; without the hook nothing
// is sent, which also shows the pending flush timer did not keep the child alive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import * as agentlens from "@agentlens/sdk";
import { startReceiver } from "../support/receiver.mjs";

const child = fileURLToPath(new URL("./fixtures/exit-child.mjs", import.meta.url));

async function runChild(receiver, count, mode) {
  const proc = spawn(process.execPath, [child, receiver.url, String(count), mode], {
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 20_000, // a hang guard: the child is killed, and the exit code below fails
  });
  let stderr = "";
  proc.stderr.on("data", (c) => (stderr += c));
  proc.stdout.resume();
  const [code, signal] = await once(proc, "exit");
  return { code, signal, stderr };
}

test("a process that ends without flushing still delivers every event", { timeout: 30_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { code, signal, stderr } = await runChild(receiver, 25, "hook");
  assert.equal(signal, null, stderr);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  const events = receiver.events();
  assert.deepEqual(events.map((e) => e.input_data.seq), Array.from({ length: 25 }, (_, i) => i));
  assert.ok(receiver.requests.every((r) => r.headers["x-api-key"] === "exit-key"));
});

test("without the exit hook nothing is sent and the child still exits promptly", { timeout: 30_000 }, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { code, signal, stderr } = await runChild(receiver, 25, "no-hook");
  assert.equal(signal, null, "exited by itself: the unref'd flush timer did not hold it");
  assert.equal(code, 0, stderr);
  // The child is gone, so nothing more can arrive.
  assert.equal(receiver.requests.length, 0);
});

test("a process using init and track ends without endSession and every event still arrives", {
  timeout: 30_000,
  skip: typeof agentlens.init === "function" ? false : "the tracker API (init/track) is not built yet",
}, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { code, signal, stderr } = await runChild(receiver, 25, "tracker");
  assert.equal(signal, null, stderr);
  assert.equal(code, 0, stderr);
  const events = receiver.events();
  assert.deepEqual(events.filter((e) => e.event_type === "llm_call").map((e) => e.input_data.seq), Array.from({ length: 25 }, (_, i) => i));
  assert.ok(events.some((e) => e.event_type === "session_start"), "the session start arrives too");
});
