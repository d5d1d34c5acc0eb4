// Each framework integration's example (examples/<framework>.mjs: the real framework driven
// by its own offline test doubles, traced through @agentlens/sdk/<framework>) opened in the
// viewer: its trace reads as a tree — agent → turn/step → LLM call/tool call — with the
// framework's names (the agent, model and tool names the trace holds), not ids.
//
// Every example runs on the project's Node 24 (the AI SDK 7 needs Node >= 22) and writes
// its NDJSON trace into a temporary directory (AGENTLENS_EXAMPLE_OUT); the viewer opens it
// by ?src= on the session the example printed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { importTrace } from "@agentlens/sdk/analysis";
import { buildOnce, launchBrowser, openPage, repoRoot, serve, skipBrowser, waitForLoad } from "./support.mjs";

const NODE24 = join(repoRoot, "node_modules/node/bin/node");
const FRAMEWORKS = ["openai-agents", "ai-sdk", "otel", "langchain"];
const run = promisify(execFile);

/** The examples' environment: output into `out`, no collector (so nothing leaves the machine). */
function exampleEnv(out) {
  const env = { ...process.env, AGENTLENS_EXAMPLE_OUT: out, AGENTLENS_LOG_LEVEL: "error" };
  delete env.AGENTLENS_ENDPOINT;
  return env;
}

let out;
let server;
let browser;
/** framework → { file, session, events } */
const traces = {};

before(async () => {
  out = mkdtempSync(join(tmpdir(), "agentlens-integrations-"));
  await Promise.all(
    FRAMEWORKS.map(async (name) => {
      const { stdout } = await run(NODE24, [join(repoRoot, "examples", `${name}.mjs`)], {
        cwd: repoRoot,
        env: exampleEnv(`${out}/`),
        timeout: 120_000,
      });
      const file = /^Trace: (.+?) \(\d+ events?\)$/m.exec(stdout)?.[1];
      const session = /^Viewer: \S+\?session=(\S+)$/m.exec(stdout)?.[1];
      assert.ok(file && existsSync(file), `${name}: the example printed no trace file:\n${stdout}`);
      assert.ok(session, `${name}: the example printed no viewer URL:\n${stdout}`);
      traces[name] = { file, session: decodeURIComponent(session), events: importTrace(readFileSync(file)).events };
    }),
  );
  if (skipBrowser) return;
  const routes = {};
  for (const [name, t] of Object.entries(traces)) routes[`/traces/${name}.ndjson`] = { body: readFileSync(t.file) };
  server = await serve(await buildOnce(), { routes });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

/** The timeline's rows as the page shows them: type, label and nesting depth. */
async function timelineRows(page) {
  await page.waitForSelector(".tl-row");
  return page.$$eval(".tl-row", (rows) =>
    rows.map((r) => ({
      type: r.querySelector(".tl-type")?.textContent ?? "",
      label: r.querySelector(".tl-label")?.textContent ?? "",
      depth: Math.round((parseFloat(r.querySelector(".tl-name")?.style.paddingLeft ?? "6") - 6) / 14),
    })),
  );
}

for (const name of FRAMEWORKS) {
  test(`${name}: the example's trace shows as agent → turn → LLM call/tool call with the framework's names`, { skip: skipBrowser }, async () => {
    const t = traces[name];
    const mine = t.events.filter((e) => e.session_id === t.session);
    assert.ok(mine.some((e) => e.event_type === "llm_call") && mine.some((e) => e.event_type === "tool_call"), `${name}: the session has LLM and tool calls`);
    const { page, problems, close } = await openPage(browser, `${server.url}/?src=/traces/${name}.ndjson&session=${encodeURIComponent(t.session)}`);
    try {
      assert.equal(await waitForLoad(page), "ready", `${name}: ${await page.textContent("#error")}`);
      const rows = await timelineRows(page);
      const labels = (type) => rows.filter((r) => r.type === type).map((r) => r.label).join(" | ");
      // Nesting: every LLM and tool call sits inside a run, and runs nest (agent → turn/step).
      for (const r of rows.filter((r) => ["llm_call", "tool_call", "tool_error"].includes(r.type))) {
        assert.ok(r.depth >= 1, `${name}: ${r.type} "${r.label}" is not inside a run: ${JSON.stringify(rows)}`);
      }
      assert.ok(rows.some((r) => r.type === "llm_call" && r.depth >= 2) || rows.some((r) => r.type === "run_start" && r.depth >= 1), `${name}: runs do not nest: ${JSON.stringify(rows)}`);
      // The framework's names: models, tools and runs as the framework named them.
      for (const model of new Set(mine.filter((e) => e.event_type === "llm_call" && e.model).map((e) => e.model))) {
        assert.ok(labels("llm_call").includes(model), `${name}: model ${model} not shown in "${labels("llm_call")}"`);
      }
      for (const tool of new Set(mine.map((e) => e.tool_call?.tool_name).filter(Boolean))) {
        assert.ok(rows.some((r) => r.type.startsWith("tool") && r.label.includes(tool)), `${name}: tool ${tool} not shown`);
      }
      for (const run of mine.filter((e) => e.event_type === "run_start")) {
        const shown = run.run_name || run.agent_name;
        assert.ok(shown, `${name}: a run has neither a name nor an agent: ${JSON.stringify(run)}`);
        assert.ok(labels("run_start").includes(shown), `${name}: run ${shown} not shown in "${labels("run_start")}"`);
      }
      for (const r of rows) assert.doesNotMatch(r.label, /^(span_|[0-9a-f]{16,}$)/, `${name}: a row is labelled by an id: ${r.label}`);
      assert.deepEqual(problems, [], name);
    } finally {
      await close();
    }
  });
}
