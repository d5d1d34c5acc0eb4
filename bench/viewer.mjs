// Viewer benchmark (not a test): time to first view and to the whole trace loaded for
// NDJSON traces of 10k, 100k and 1M events, opened with ?src= in headless Chromium.
//   node bench/viewer.mjs [10000 100000 1000000] [--per-session=1000]
// "First view" is measured in the page from navigation start to the first list rows
// painted (performance.now() in a requestAnimationFrame after the rows are in the DOM);
// "loaded" is when the worker has decoded the whole file; "ready" (an upper bound, read
// after polling) when the selected session has been re-read in full. Then each tab is
// timed from the user's action (a click, or typing in the search) to its answer painted:
// the list filter, a session's timeline, search, and every analysis panel (explain,
// charts, compliance, drift, alerts, redaction) over all the sessions. Prints two tables
// and one JSON line.
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildOnce, launchBrowser, openPage, skipBrowser } from "../www/test/support.mjs";
import { writeNdjsonTrace } from "../www/test/traces.mjs";

if (skipBrowser) {
  console.error(`viewer bench: ${skipBrowser}`);
  process.exit(1);
}
const args = process.argv.slice(2);
const perSession = Number(args.find((a) => a.startsWith("--per-session="))?.split("=")[1]) || 1000;
const sizes = args.filter((a) => !a.startsWith("--")).map(Number).filter((n) => n > 0);
const SIZES = sizes.length ? sizes : [10_000, 100_000, 1_000_000];
const tmp = mkdtempSync(join(tmpdir(), "agentlens-viewer-bench-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

const dir = await buildOnce();
const files = new Map();
const server = createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  const file = files.get(path) ?? join(dir, path === "/" ? "index.html" : path.slice(1));
  try {
    const size = statSync(file).size;
    const type = file.endsWith(".wasm") ? "application/wasm" : file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : file.endsWith(".html") ? "text/html" : "application/x-ndjson";
    res.writeHead(200, { "Content-Type": type, "Content-Length": size });
    if (files.has(path)) {
      // Big traces stream from disk, as a static host would serve them.
      import("node:fs").then(({ createReadStream }) => createReadStream(file).pipe(res));
    } else res.end(readFileSync(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launchBrowser();

/** Milliseconds from `act()` until `done()` holds in the page (polled every 10 ms). */
async function timed(page, act, done, arg) {
  const t0 = performance.now();
  await act();
  await page.waitForFunction(done, arg, { timeout: 600_000, polling: 10 });
  return Math.round(performance.now() - t0);
}

/** A panel's result area: done or failed (both count as answered). */
const answered = (cls) => {
  const el = document.querySelector(`.${cls}`);
  return el && (el.dataset.state === "done" || el.dataset.state === "error") && el.getAttribute("aria-busy") !== "true";
};

async function panel(page, tab, cls, button) {
  const ms = await timed(
    page,
    async () => {
      await page.click(`#tab-${tab}`);
      if (button) await page.click(`#view-${tab} button.primary`);
    },
    answered,
    cls,
  );
  const state = await page.evaluate((c) => document.querySelector(`.${c}`)?.dataset.state, cls);
  return state === "done" ? ms : `${ms} (${state})`;
}

/** Each tab's answer time on the loaded trace. */
async function timeTabs(page) {
  const t = {};
  t.listMs = await timed(page, () => page.selectOption("select[name=status]", { index: 1 }), () => document.querySelector(".list-count")?.textContent && !document.querySelector(".list-count").textContent.startsWith("0 ") && document.querySelector("select[name=status]").selectedIndex === 1);
  await page.selectOption("select[name=status]", { index: 0 });
  await page.waitForTimeout(300);
  const second = await page.evaluate(() => document.querySelectorAll("#list-pane .vrow .srow-id")[1]?.textContent ?? "");
  t.timelineMs = await timed(page, () => page.click("#list-pane .vrow >> nth=1"), (id) => document.querySelectorAll(".tl-row").length > 0 && (document.querySelector(".session-header")?.textContent ?? "").includes(id), second);
  t.eventMs = await timed(page, () => page.click(".tl-row >> nth=2"), () => document.querySelector("#detail .d-title") !== null);
  t.explainMs = await panel(page, "explain", "explain-result");
  t.chartsMs = await panel(page, "charts", "charts-result");
  t.complianceMs = await panel(page, "compliance", "compliance-result", true);
  t.driftMs = await panel(page, "drift", "drift-result", true);
  t.alertsMs = await panel(page, "alerts", "alerts-result", true);
  t.redactionMs = await panel(page, "redaction", "redaction-result");
  await page.click("#tab-trace");
  return t;
}

const results = [];
for (const n of SIZES) {
  const file = join(tmp, `trace-${n}.ndjson`);
  const events = await writeNdjsonTrace(createWriteStream(file), n, Math.min(perSession, n));
  files.set(`/trace-${n}.ndjson`, file);
  const { page, problems, close } = await openPage(browser, `${base}/?src=/trace-${n}.ndjson`);
  let crashed = false;
  page.on("crash", () => (crashed = true));
  try {
    await page.waitForFunction(() => document.documentElement.dataset.firstRowsMs, null, { timeout: 600_000, polling: 100 });
    await page.waitForFunction(() => ["ready", "error"].includes(document.documentElement.dataset.load) && document.documentElement.dataset.loadedMs, null, { timeout: 1_800_000, polling: 250 });
  } catch (err) {
    problems.push(String(err.message).split("\n")[0]);
  }
  const m = crashed ? {} : await page.evaluate(() => ({
    firstRowsMs: Number(document.documentElement.dataset.firstRowsMs),
    loadedMs: Number(document.documentElement.dataset.loadedMs),
    readyMs: Math.round(performance.now()),
    status: document.getElementById("status").textContent,
    domRows: document.querySelectorAll(".vrow").length,
    heapMb: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : null,
  })).catch((e) => ({ error: e.message }));
  // Text search that matches nothing, so every event is scanned (worker side), timed from
  // typing to the new count, which includes the list's 150 ms debounce.
  if (!crashed && m.loadedMs) {
    const t0 = performance.now();
    await page.fill("input[name=q]", "no such text anywhere");
    await page.waitForFunction(() => document.querySelector(".list-count")?.textContent === "0 sessions", null, { timeout: 600_000, polling: 20 });
    m.searchMs = Math.round(performance.now() - t0);
    await page.fill("input[name=q]", "");
    await page.waitForFunction(() => document.querySelector(".list-count")?.textContent !== "0 sessions", null, { timeout: 600_000, polling: 20 });
    m.tabs = await timeTabs(page).catch((e) => ({ error: String(e.message).split("\n")[0] }));
  }
  results.push({ events, fileMb: Math.round(statSync(file).size / 1e6), crashed, ...m, problems });
  await close();
  rmSync(file, { force: true });
}
await browser.close();
server.close();

console.log("events     file MB  first view ms  loaded ms  ready ms  search ms  DOM rows  main heap MB  status");
for (const r of results) {
  console.log(`${String(r.events).padEnd(10)} ${String(r.fileMb).padStart(7)}  ${String(r.firstRowsMs ?? "-").padStart(13)}  ${String(r.loadedMs ?? "-").padStart(9)}  ${String(r.readyMs ?? "-").padStart(8)}  ${String(r.searchMs ?? "-").padStart(9)}  ${String(r.domRows ?? "-").padStart(8)}  ${String(r.heapMb ?? "-").padStart(12)}  ${r.crashed ? "CRASHED" : r.status ?? r.error}`);
}
const TABS = ["listMs", "timelineMs", "eventMs", "explainMs", "chartsMs", "complianceMs", "driftMs", "alertsMs", "redactionMs"];
console.log(`\nevents     ${TABS.map((k) => k.replace(/Ms$/, "").padStart(11)).join("")}  (ms from the action to the answer)`);
for (const r of results) {
  const t = r.tabs ?? {};
  console.log(`${String(r.events).padEnd(10)} ${TABS.map((k) => String(t[k] ?? "-").padStart(11)).join("")}${t.error ? `  ${t.error}` : ""}`);
}
console.log(JSON.stringify({ bench: "viewer", results }));
