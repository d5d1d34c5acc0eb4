// One rule for "is an error": the core's (src/model/semantics.rs). The viewer decides no
// error, status or total itself (a grep over www/src finds no rule), and its session list,
// session header and Charts panel, all answered by the core, count a session's errors the
// same way, for one session and for every session the filters pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sessionStats } from "@agentlens/sdk/analysis";
import { openPage, repoRoot, skipBrowser, waitForLoad, viewerFixture } from "./support.mjs";
import { ndjsonTrace, sessionEvents } from "./traces.mjs";

const fx = viewerFixture({ "/t.ndjson": { body: ndjsonTrace(12, 14) } });
/** Errors among `events` by the core's rule, asked of its statistics engine from Node. */
const countErrors = (events) => sessionStats(events).errors;

/** What deciding an event's meaning looks like in TypeScript. */
const RULES = [
  /\b(isError|countErrors|eventFacts|sessionStatusThen|sessionStatusAfter|FLAG_ERROR)\b/,
  /tokens_(in|out)\s*\+/,
  /event_type\s*===?\s*["'](error|tool_error|agent_error|session_end|run_end)["']/,
  /status\s*===?\s*["'](error|failed|timeout|completed)["']/,
];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : []));
}

test("no viewer source decides what an event means: errors, statuses and totals are the core's", () => {
  const files = sources(join(repoRoot, "www/src"));
  assert.ok(files.length > 20, "the viewer's sources are found");
  const found = files.flatMap((f) => readFileSync(f, "utf8").split("\n").flatMap((line, i) => (RULES.some((r) => r.test(line)) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));
  assert.deepEqual(found, []);
  // The patterns do find such a rule (so the scan can fail).
  assert.ok(RULES.some((r) => r.test('if (e.status === "timeout") errors++;')));
});

test("the core's rule: error types, error details, a failed status, never an end record", () => {
  const isErrorEvent = (e) => countErrors([e]) === 1;
  for (const type of ["error", "tool_error", "agent_error", "llm_error"]) assert.equal(isErrorEvent({ event_type: type }), true, type);
  assert.equal(isErrorEvent({ event_type: "llm_call", error: { message: "x" } }), true);
  assert.equal(isErrorEvent({ event_type: "llm_call", status: "timeout" }), true);
  assert.equal(isErrorEvent({ event_type: "run_end", status: "FAILED" }), false, "a run's end is its outcome, not another error");
  assert.equal(isErrorEvent({ event_type: "session_end", status: "error" }), false);
  assert.equal(isErrorEvent({ event_type: "llm_call", error: null }), false);
  assert.equal(isErrorEvent({ event_type: "tool_call", output_data: { error: "not a field of the event" } }), false);
  assert.equal(countErrors(sessionEvents(0, 14)), 1, "the error event; its run's end and the session's end are outcomes");
});

/** The value after `term` in a <dl> (its <dt>'s next sibling). */
const fact = (page, dl, term) =>
  page.$$eval(`${dl} dt`, (dts, term) => dts.find((d) => d.textContent === term)?.nextElementSibling?.textContent ?? null, term);

test("the list, the session header and the Charts tab count the same errors", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openPage(fx.browser, `${fx.server.url}/?src=/t.ndjson&session=sess-00000000`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForFunction(() => /sess-00000000/.test(document.querySelector(".session-header")?.textContent ?? ""));
  const want = countErrors(sessionEvents(0, 14));
  assert.equal(await fact(page, ".session-header .facts", "Errors"), String(want), "header");
  const row = await page.$eval(".list-view .vrow.selected .err-count", (e) => e.textContent);
  assert.equal(row, ` · ${want} err`, "list row");

  await page.click("#tab-charts");
  await page.selectOption("#view-charts select[name=scope]", "selected");
  await page.waitForFunction(() => /Sessions1(?!\d)/.test(document.querySelector("#view-charts .panel-facts")?.textContent ?? ""));
  assert.match(await fact(page, "#view-charts .panel-facts", "Errors"), new RegExp(`^${want} \\(`), "charts, the selected session");

  await page.selectOption("#view-charts select[name=scope]", "filtered");
  await page.waitForFunction(() => /Sessions12/.test(document.querySelector("#view-charts .panel-facts")?.textContent ?? ""));
  let all = 0;
  for (let s = 0; s < 12; s++) all += countErrors(sessionEvents(s, 14));
  assert.match(await fact(page, "#view-charts .panel-facts", "Errors"), new RegExp(`^${all} \\(`), "charts, every session");
  assert.deepEqual(problems, []);
  await close();
});
