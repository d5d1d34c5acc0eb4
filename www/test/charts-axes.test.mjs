// The Charts panel's labels fit their charts: an axis of tiny costs ("$0.000021"), long
// durations and long model or tool names are sized or shortened so that no text runs
// outside its SVG (where it would be cut off).
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, skipBrowser, waitForLoad, viewerFixture } from "./support.mjs";

/** One session of cheap gpt-4o-mini calls over an hour, slow tools with long names, a wide model name. */
function cheapTrace() {
  const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
  const lines = [];
  const ev = (i, fields) => lines.push(JSON.stringify({ event_id: `e${i}`, session_id: "sess-cheap", timestamp: new Date(t0 + i * 90_000).toISOString(), ...fields }));
  ev(0, { event_type: "session_start", agent_name: "penny-pincher" });
  for (let i = 1; i <= 40; i++) {
    if (i % 2) ev(i, { event_type: "llm_call", model: "gpt-4o-mini", tokens_in: 40 + i, tokens_out: 8, duration_ms: 250 + i * 1000 });
    else ev(i, { event_type: "tool_call", tool_call: { tool_name: `a_rather_long_tool_name_number_${i % 3}` }, duration_ms: 123_456 + i, status: i % 6 ? "ok" : "error" });
  }
  ev(41, { event_type: "llm_call", model: "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW-wide-model", tokens_in: 1, tokens_out: 1 });
  return `${lines.join("\n")}\n`;
}

const fx = viewerFixture({ "/cheap.ndjson": { body: cheapTrace() } });

/** Texts of every chart that reach outside their SVG's view box, with their extent. */
function overflowing() {
  const out = [];
  for (const svg of document.querySelectorAll("#view-charts svg.chart")) {
    const box = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll("text")) {
      const b = t.getBBox();
      if (b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5 || b.y < box.y - 0.5 || b.y + b.height > box.y + box.height + 0.5) {
        out.push(`${svg.getAttribute("aria-label")}: "${t.textContent}" x ${b.x.toFixed(1)}..${(b.x + b.width).toFixed(1)} of ${box.width}`);
      }
    }
  }
  return out;
}

test("no chart label runs outside its chart, tiny cost axes included", { skip: skipBrowser }, async () => {
  const { page, problems, close } = await openPage(fx.browser, `${fx.server.url}/?src=/cheap.ndjson&tab=charts`);
  assert.equal(await waitForLoad(page), "ready");
  await page.waitForFunction(() => document.querySelectorAll("#view-charts svg.chart").length >= 6);
  const axis = await page.$$eval("#view-charts svg.chart text.chart-axis", (els) => els.map((e) => e.textContent));
  assert.ok(axis.some((t) => /^\$0\.0000\d+$/.test(t)), `a tiny cost on an axis: ${axis.join(" | ")}`);
  assert.deepEqual(await page.evaluate(overflowing), []);
  assert.deepEqual(problems, []);
  await close();
});
