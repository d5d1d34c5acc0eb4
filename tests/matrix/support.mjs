// What the runtime matrix's tests share: the packed package installed in a project with
// the scenario and its drivers beside it, a loopback receiver (AgentLens wire, results
// posted by edge drivers, static files for the pages), and the one check every runtime's
// result and delivery must pass. Not a test file itself.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { importTrace } from "@agentlens/sdk/analysis";
import { startReceiver } from "../../bindings/sdk/test/support/receiver.mjs";
import { linkFrameworks, packAndInstall, repoRoot } from "../../bindings/sdk/test/packaging/packed.mjs";
import { EXPECTED_TYPES, SECRETS } from "./scenario.mjs";

export { repoRoot };
export const matrixDir = fileURLToPath(new URL("./", import.meta.url));

/** The framework integrations the scenario runs through (tests/matrix/via/<name>.mjs). */
export const INTEGRATIONS = ["openai-agents", "ai-sdk", "otel", "langchain"];

/**
 * Packs the SDK, installs the tarball in a fresh project, and copies the scenario, the
 * drivers and the integrations' agents (as via-<name>.mjs) there, so `@agentlens/sdk`
 * resolves to the installed package, as for a user; the frameworks are linked from this
 * repository's dev dependencies. Returns `{ dir, project }`.
 */
export function matrixProject() {
  const { dir, project } = packAndInstall();
  linkFrameworks(project);
  copyFileSync(join(matrixDir, "scenario.mjs"), join(project, "scenario.mjs"));
  for (const driver of ["cli.mjs", "page.mjs", "worker.mjs", "edge.mjs"]) copyFileSync(join(matrixDir, "drivers", driver), join(project, driver));
  for (const name of INTEGRATIONS) copyFileSync(join(matrixDir, "via", `${name}.mjs`), join(project, `via-${name}.mjs`));
  return { dir, project };
}

const ENTRIES = {
  page: (via) => `import { expose } from "./page.mjs";\n${via.import}expose(${via.name});\n`,
  worker: (via) => `import { makeWorker } from "./worker.mjs";\n${via.import}export default makeWorker(${via.name});\n`,
  edge: (via) => `import { listen } from "./edge.mjs";\n${via.import}listen(${via.name});\n`,
};

/**
 * Writes the entry module for `driver` (`page`, `worker` or `edge`) in `project`, with the
 * scenario done directly or, given `integration`, through that framework's agent. Returns
 * its file name (`<driver>-<integration or "direct">.mjs`).
 */
export function writeEntry(project, driver, integration) {
  const via = integration ? { import: `import via from "./via-${integration}.mjs";\n`, name: "via" } : { import: "", name: "" };
  const file = `${driver}-${integration ?? "direct"}.mjs`;
  writeFileSync(join(project, file), ENTRIES[driver](via));
  return file;
}

const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

/**
 * A receiver on 127.0.0.1: `POST /events` as the SDK's tests' receiver, `POST
 * /matrix/result` (an edge driver's result, kept in `results`), `GET /matrix/go?session=`
 * (an edge driver's second phase waits for it: answered once the test calls
 * `release(sessionId)`, after it got the driver's answer), and, with `staticDir`, the
 * files under it (GET), so a page and its events share one origin.
 */
export async function matrixReceiver({ staticDir } = {}) {
  const results = [];
  const onResult = new Set();
  const gates = new Map(); // session id → "released", or the held response
  const root = staticDir && normalize(staticDir + sep);
  const receiver = await startReceiver({
    handle(req, res) {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (req.method === "POST" && path === "/matrix/result") {
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
          results.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          res.writeHead(204).end();
          for (const listener of [...onResult]) listener();
        });
        return true;
      }
      if (req.method === "GET" && path === "/matrix/go") {
        const sessionId = new URL(req.url, "http://x").searchParams.get("session");
        if (gates.get(sessionId) === "released") res.writeHead(204).end();
        else gates.set(sessionId, res);
        return true;
      }
      if (req.method !== "GET" || !root) return false;
      const file = normalize(join(root, path === "/" ? "index.html" : path));
      if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return false;
      res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
      return true;
    },
  });
  /** Lets the driver's second phase for `sessionId` go on. */
  const release = (sessionId) => {
    const held = gates.get(sessionId);
    gates.set(sessionId, "released");
    if (held && held !== "released") held.writeHead(204).end();
  };
  return Object.assign(receiver, { results, onResult, release });
}

/**
 * Resolves with the result an edge driver posted for `sessionId`. The 120 s bound only
 * stops a hang (a result that never comes); the message then adds `output()`, the
 * runtime's own output.
 */
export function postedResult(receiver, sessionId, output = () => "") {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`no result for ${sessionId} within 120 s\n${output()}`)), 120_000);
    const check = () => {
      const found = receiver.results.find((r) => r.sessionId === sessionId);
      if (!found) return;
      clearTimeout(guard);
      receiver.onResult.delete(check);
      resolve(found);
    };
    receiver.onResult.add(check);
    check();
  });
}

const balanced = (s) => s.tracked === s.delivered + Object.values(s.dropped).reduce((a, b) => a + b, 0) + s.sampledOut + s.pending;
const runType = (e) => e.agentlens_type ?? e.event_type;

/**
 * The scenario's checks, the same on every runtime: the receiver got the session's events
 * in order, runs nested, with the API key, and no planted secret in the bodies, the
 * NDJSON the tracker wrote or `explain()`; the analysis entry imported that NDJSON and the
 * strict preset failed on the forbidden `shell` tool; every exporter's accounting balances
 * with nothing pending or dropped.
 */
export function checkScenario(result, receiver, sessionId) {
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.sessionId, sessionId);
  const requests = receiver.accepted().filter((r) => r.body.events.some((e) => e.session_id === sessionId));
  const delivered = requests.flatMap((r) => r.body.events).filter((e) => e.session_id === sessionId);
  assert.deepEqual(delivered.map(runType), EXPECTED_TYPES, "the receiver got the session's events in order");
  const wire = requests.flatMap((r) => importTrace(r.raw).events).filter((e) => e.session_id === sessionId);
  const runs = wire.filter((e) => e.event_type === "run_start");
  assert.deepEqual(runs.map((e) => e.run_name), ["plan-trip", "book"]);
  assert.equal(runs[1].parent_run_id, runs[0].run_id, "the inner run nests in the outer one");
  assert.ok(requests.every((r) => r.headers["x-api-key"] === "matrix-key"));
  const outputs = { "delivered bodies": requests.map((r) => r.raw.toString("utf8")).join("\n"), "the NDJSON": result.ndjson, "explain()": result.explain };
  for (const [where, text] of Object.entries(outputs)) {
    for (const [name, secret] of Object.entries(SECRETS)) assert.ok(!text.includes(secret), `${where} leaked the planted ${name}`);
  }
  assert.match(result.explain, /search_flights/);
  assert.match(result.explain, /tool_error\*\* → tool: shell/);
  assert.deepEqual(result.imported.types, EXPECTED_TYPES, "the analysis entry imported the NDJSON the tracker wrote");
  assert.equal(result.compliance.compliant, false);
  assert.ok(result.compliance.failed.includes("forbidden_tools"), `strict forbids shell: ${result.compliance.failed}`);
  assert.equal(result.cost.tokensIn, 1200);
  assert.ok(result.cost.total > 0);
  for (const s of [result.stats, ...result.stats.perExporter]) {
    assert.ok(balanced(s), `tracked = delivered + dropped + sampledOut + pending: ${JSON.stringify(s)}`);
    assert.equal(s.pending, 0);
  }
  for (const e of result.stats.perExporter) assert.equal(e.delivered, EXPECTED_TYPES.length, `${e.name} delivered every event`);
  assert.equal(result.internalErrors, 0);
  assert.ok(balanced(result.early.stats), "balanced before delivery too");
}

/**
 * The scenario's checks when a framework integration did the agent's work: the session's
 * events arrived (opened and ended once) with the framework's runs, the LLM calls' tokens
 * (1,200 in, 80 out), the working tool and the failing one; no planted secret anywhere;
 * the analysis entry imported what was delivered and strict compliance failed on `shell`;
 * every exporter's accounting balances with nothing pending or dropped.
 */
export function checkIntegration(result, receiver, sessionId) {
  assert.equal(result.error, undefined, result.error);
  const requests = receiver.accepted().filter((r) => r.body.events.some((e) => e.session_id === sessionId));
  const wire = requests.flatMap((r) => importTrace(r.raw).events).filter((e) => e.session_id === sessionId);
  const types = wire.map((e) => e.event_type);
  assert.deepEqual([types[0], types.at(-1)], ["session_start", "session_end"], types.join(","));
  assert.equal(types.filter((t) => t === "session_end").length, 1);
  assert.ok(types.includes("run_start"), `the framework's runs: ${types}`);
  assert.equal(types.filter((t) => t === "run_start").length, types.filter((t) => t === "run_end").length, "every run ended");
  const llm = wire.filter((e) => e.event_type === "llm_call");
  assert.deepEqual([llm.reduce((n, e) => n + e.tokens_in, 0), llm.reduce((n, e) => n + e.tokens_out, 0)], [1200, 80]);
  assert.ok(llm.every((e) => e.model === "gpt-4o"));
  assert.ok(wire.some((e) => e.event_type === "tool_call" && e.tool_call.tool_name === "search_flights"));
  assert.ok(wire.some((e) => e.event_type === "tool_error" && e.tool_call.tool_name === "shell"));
  const outputs = { "delivered bodies": requests.map((r) => r.raw.toString("utf8")).join("\n"), "the NDJSON": result.ndjson, "explain()": result.explain };
  for (const [where, text] of Object.entries(outputs)) {
    for (const [name, secret] of Object.entries(SECRETS)) assert.ok(!text.includes(secret), `${where} leaked the planted ${name}`);
  }
  assert.match(result.explain, /search_flights/);
  assert.match(result.explain, /tool_error\*\* → tool: shell/);
  assert.deepEqual(result.imported.types, types, "the analysis entry imported what was delivered");
  assert.equal(result.compliance.compliant, false);
  assert.ok(result.compliance.failed.includes("forbidden_tools"), `strict forbids shell: ${result.compliance.failed}`);
  assert.deepEqual([result.cost.tokensIn, result.cost.tokensOut], [1200, 80]);
  for (const s of [result.stats, ...result.stats.perExporter]) {
    assert.ok(balanced(s), `tracked = delivered + dropped + sampledOut + pending: ${JSON.stringify(s)}`);
    assert.equal(s.pending, 0);
  }
  for (const e of result.stats.perExporter) assert.equal(e.delivered, types.length, `${e.name} delivered every event`);
  assert.equal(result.internalErrors, 0);
  assert.ok(balanced(result.early.stats), "balanced before delivery too");
}

/**
 * Checks the driver answered before its second phase (the session's end and delivery):
 * that phase waits for `release`, so nothing of it can have arrived; then releases it.
 */
export function releaseAfterAnswer(receiver, sessionId) {
  const ended = receiver.events().some((e) => e.session_id === sessionId && e.event_type === "session_end");
  assert.ok(!ended && !receiver.results.some((r) => r.sessionId === sessionId), "the answer went out before the session ended");
  receiver.release(sessionId);
}

/** Rejects with `what` if `promise` has not settled in 120 s: a hang guard (a driver that waits for itself), not a time limit. */
export function hangGuard(promise, what) {
  let timer;
  const guard = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within 120 s`)), 120_000);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}
