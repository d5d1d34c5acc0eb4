// `agentlens serve` as a child process on loopback with a temporary database: it prints
// the viewer's URL, answers /health, takes events, requires the API key when one is set,
// and exits 0 on SIGTERM and on SIGINT with the data on disk. Start-up failures have
// their exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { CLI, NODE, cleanEnv, runCli, tempDir } from "./cli-support.mjs";

/** Starts `agentlens serve` and resolves once it printed its URL. */
async function startServe(t, args, env = {}) {
  const child = spawn(NODE, [CLI, "serve", "--port", "0", ...args], { env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  t.after(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  child.stdout.setEncoding("utf8");
  const url = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
  });
  return { child, url, output: () => ({ stdout, stderr }) };
}

const event = (sid) => ({ session_id: sid, event_type: "session_start", timestamp: new Date().toISOString(), agent_name: "serve-test" });

for (const signal of ["SIGTERM", "SIGINT"]) {
  test(`serve prints the viewer URL, answers /health, stores events, and exits 0 on ${signal}`, async (t) => {
    const dir = tempDir(t);
    const db = join(dir, "serve.db");
    const { child, url, output } = await startServe(t, ["--db", db]);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(output().stdout, /viewer: +http:\/\/127\.0\.0\.1:\d+\//);
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    assert.ok(JSON.parse(await health.text()));
    const post = await fetch(`${url}/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events: [event("serve-1")] }) });
    assert.ok(post.ok, `POST /events: ${post.status}`);
    await post.arrayBuffer();
    child.kill(signal);
    const [code, sig] = await once(child, "exit");
    assert.equal(sig, null, output().stderr);
    assert.equal(code, 0, output().stderr);
    assert.match(output().stderr, new RegExp(`${signal}: closing`));
    const stats = await runCli(["stats", "--json", "--db", db]);
    assert.equal(stats.code, 0, stats.stderr);
    assert.equal(JSON.parse(stats.stdout).total_sessions, 1, "the acknowledged event is on disk");
  });
}

test("serve requires the API key when AGENTLENS_API_KEY is set", async (t) => {
  const dir = tempDir(t);
  const { child, url, output } = await startServe(t, ["--db", join(dir, "k.db"), "--api-key-env"], { AGENTLENS_API_KEY: "serve-test-key" });
  assert.match(output().stdout, /API key: +required/);
  const none = await fetch(`${url}/sessions`);
  assert.equal(none.status, 401);
  await none.arrayBuffer();
  const good = await fetch(`${url}/sessions`, { headers: { "x-api-key": "serve-test-key" } });
  assert.equal(good.status, 200);
  await good.arrayBuffer();
  assert.doesNotMatch(output().stdout + output().stderr, /serve-test-key/);
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
});

test("serve --api-key-env without the variable refuses to start (exit 2); --api-key-env=NAME reads NAME", async (t) => {
  const dir = tempDir(t);
  const r = await runCli(["serve", "--port", "0", "--db", join(dir, "x.db"), "--api-key-env"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /AGENTLENS_API_KEY is not set/);
  const named = await runCli(["serve", "--port", "0", "--db", join(dir, "x.db"), "--api-key-env=MY_KEY"]);
  assert.equal(named.code, 2);
  assert.match(named.stderr, /MY_KEY is not set/);
  const { child, url } = await startServe(t, ["--db", join(dir, "y.db"), "--api-key-env=MY_KEY"], { MY_KEY: "named-key" });
  const res = await fetch(`${url}/sessions`, { headers: { "x-api-key": "named-key" } });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  child.kill("SIGTERM");
  assert.equal((await once(child, "exit"))[0], 0);
});

test("serve on a port in use exits 1 naming the address", async (t) => {
  const dir = tempDir(t);
  const blocker = createServer();
  await new Promise((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  t.after(() => blocker.close());
  const port = blocker.address().port;
  const r = await runCli(["serve", "--port", String(port), "--db", join(dir, "x.db")]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
});

test("serve on a port in use leaves no new database file behind, and an existing one untouched", async (t) => {
  const dir = tempDir(t);
  const blocker = createServer();
  await new Promise((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  t.after(() => blocker.close());
  const port = String(blocker.address().port);
  const r = await runCli(["serve", "--port", port, "--db", join(dir, "new.db")]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(readdirSync(dir), [], "no new.db, new.db-wal or new.db-shm");
  const db = join(dir, "kept.db");
  const { child } = await startServe(t, ["--db", db]);
  child.kill("SIGTERM");
  assert.equal((await once(child, "exit"))[0], 0);
  assert.ok(existsSync(db));
  const again = await runCli(["serve", "--port", port, "--db", db]);
  assert.equal(again.code, 1, again.stderr);
  assert.ok(existsSync(db), "a database that was there stays");
  assert.equal((await runCli(["stats", "--json", "--db", db])).code, 0);
});

test("serve says where it listens once, in its banner", async (t) => {
  const dir = tempDir(t);
  const { child, url, output } = await startServe(t, ["--db", join(dir, "once.db")]);
  const health = await fetch(`${url}/health`);
  await health.arrayBuffer();
  child.kill("SIGTERM");
  assert.equal((await once(child, "exit"))[0], 0);
  const { stdout, stderr } = output();
  assert.equal((stdout + stderr).match(/listening/g)?.length, 1, stdout + stderr);
  assert.match(stdout, new RegExp(`^AgentLens collector listening on ${url}$`, "m"));
});
