// One rule for "is an error" (www/src/error-rule.ts): the session list, the session
// header and the Charts panel count a session's errors the same way, for one session and
// for every session the filters pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { importSource, openPage, skipBrowser, waitForLoad, viewerFixture } from "./support.mjs";
import { ndjsonTrace, sessionEvents } from "./traces.mjs";

const { eventFacts, isError, countErrors, sessionStatusAfter } = await importSource("src/error-rule.ts");
const isErrorEvent = (e) => isError(eventFacts([e])[0]);
const fx = viewerFixture({ "/t.ndjson": { body: ndjsonTrace(12, 14) } });

test("the rule is the core's (model::semantics): error types, error details, a failed status, never an end record", () => {
  for (const type of ["error", "tool_error", "agent_error", "llm_error"]) assert.equal(isErrorEvent({ event_type: type }), true, type);
  assert.equal(isErrorEvent({ event_type: "llm_call", error: { message: "x" } }), true);
  assert.equal(isErrorEvent({ event_type: "llm_call", status: "timeout" }), true);
  assert.equal(isErrorEvent({ event_type: "run_end", status: "FAILED" }), false, "a run's end is its outcome, not another error");
  assert.equal(isErrorEvent({ event_type: "session_end", status: "error" }), false);
  assert.equal(isErrorEvent({ event_type: "llm_call", error: null }), false);
  assert.equal(isErrorEvent({ event_type: "tool_call", output_data: { error: "not a field of the event" } }), false);
  assert.equal(countErrors(sessionEvents(0, 14)), 1, "the error event; its run's end and the session's end are outcomes");
  const [rootFailed, nestedFailed, ended] = eventFacts([
    { event_type: "run_end", status: "failed" },
    { event_type: "run_end", status: "failed", parent_run_id: "r0" },
    { event_type: "session_end", status: "completed" },
  ]);
  assert.equal(sessionStatusAfter("active", rootFailed), "error", "a failed root run fails its session");
  assert.equal(sessionStatusAfter("error", ended), "error", "an error is final");
  assert.equal(sessionStatusAfter("", nestedFailed), "active");
  assert.equal(sessionStatusAfter("active", ended), "completed");
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
