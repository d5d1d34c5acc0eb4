// Shared helpers for the collector tests: a collector on 127.0.0.1 (port 0) over a
// fresh temporary database, and small request helpers. Not a test file itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The package will export this as "@agentlens/cli/collector"; tests load the build directly.
import { startCollector } from "../dist/collector/index.js";

/** A temporary directory removed when the test ends. */
export function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-collector-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a collector on a fresh database; closed when the test ends. */
export async function collector(t, options = {}) {
  const dir = tempDir(t);
  const c = await startCollector({ port: 0, dbPath: join(dir, "agentlens.db"), viewerDir: false, ...options });
  t.after(() => c.close());
  return Object.assign(c, { dir, dbPath: options.dbPath ?? join(dir, "agentlens.db") });
}

/** A fetch against the collector that returns `{ status, headers, body }` (JSON parsed when it is JSON). */
export async function call(c, method, path, { body, headers = {}, raw } = {}) {
  const init = { method, headers: { ...headers } };
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] ??= "application/json";
  }
  const res = await fetch(`${c.url}${path}`, init);
  const text = await res.text();
  let parsed = text;
  if ((res.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}

export const post = (c, path, body, headers) => call(c, "POST", path, { body, headers });
export const get = (c, path, headers) => call(c, "GET", path, { headers });

/** The exact batch the AgentLens Python SDK sends (reference A.3), verified on the wire. */
export const PYTHON_SDK_BATCH = {
  events: [
    { event_type: "session_start", session_id: "a87237a69aa34bc0", agent_name: "research-agent", metadata: { env: "dev" }, timestamp: "2026-11-22T02:41:23.314377+00:00" },
    {
      event_id: "a01bdf57e9c94b6d", session_id: "a87237a69aa34bc0", event_type: "llm_call", timestamp: "2026-11-22T02:41:23.314486Z",
      input_data: { prompt: "What is 2+2?" }, output_data: { response: "4" }, model: "gpt-4o", tokens_in: 120, tokens_out: 45,
      decision_trace: { trace_id: "512aaf2dbb3a4d98", step: 1, reasoning: "simple arithmetic", alternatives_considered: [], timestamp: "2026-11-22T02:41:23.314470Z" },
      duration_ms: 812.5,
    },
    {
      event_id: "54e1e1af3db2465c", session_id: "a87237a69aa34bc0", event_type: "tool_call", timestamp: "2026-11-22T02:41:23.314661Z", tokens_in: 0, tokens_out: 0,
      tool_call: { tool_call_id: "d154e136d8664e77", tool_name: "calculator", tool_input: { expr: "2+2" }, tool_output: { result: 4 }, timestamp: "2026-11-22T02:41:23.314647Z", duration_ms: 3.2 },
      duration_ms: 3.2,
    },
    { event_type: "session_end", session_id: "a87237a69aa34bc0", ended_at: "2026-11-22T02:41:23.314894+00:00", total_tokens_in: 120, total_tokens_out: 45, status: "completed" },
  ],
};
