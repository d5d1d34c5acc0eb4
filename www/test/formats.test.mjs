// Every trace format the core imports, opened in the viewer by file picker, drag and drop
// and ?src=, compared with what @agentlens/sdk/analysis importTrace reads in Node; and files it
// cannot read, which get a message naming the line or position.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzip, importTrace } from "@agentlens/sdk/analysis";
import { buildOnce, importFixtures, launchBrowser, openPage, serve, skipBrowser, waitForLoad } from "./support.mjs";
import { FORMAT_NAMES } from "./traces.mjs";

const FORMATS = ["ndjson", "agentlens_batch", "agentlens_session", "inspector_export", "otlp_json", "openai_agents", "event_array"];
const fixtures = readdirSync(importFixtures).filter((f) => /\.(json|ndjson|jsonl|gz)$/.test(f)).sort();
let server;
let browser;

before(async () => {
  if (skipBrowser) return;
  const routes = {};
  for (const f of fixtures) routes[`/fixtures/${f}`] = { body: readFileSync(join(importFixtures, f)) };
  server = await serve(await buildOnce(), { routes });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

function expected(file) {
  const { format, events } = importTrace(readFileSync(join(importFixtures, file)));
  const sessions = new Set(events.map((e) => e.session_id || e.run_id || "(no session)"));
  return { format, events: events.length, sessions: sessions.size };
}

async function checkShown(page, file) {
  const want = expected(file);
  assert.equal(await waitForLoad(page), "ready", `${file}: ${await page.textContent("#error")}`);
  const status = await page.textContent("#status");
  assert.equal(await page.getAttribute("#status", "data-format"), want.format, file);
  assert.ok(status.includes(` · ${FORMAT_NAMES[want.format]}`), `${file}: ${status}`);
  assert.ok(!/^:|\(\w+\)/.test(status), `${file}: a sentence, not "${status}"`);
  assert.ok(status.startsWith(`${want.events} event${want.events === 1 ? "" : "s"} in ${want.sessions} session${want.sessions === 1 ? "" : "s"} · `), `${file}: ${status} (want ${want.events} events)`);
  assert.equal(await page.textContent(".list-count"), `${want.sessions} session${want.sessions === 1 ? "" : "s"}`, file);
  await page.waitForSelector(".tl-row");
  await page.click(".tl-row >> nth=0");
  await page.waitForSelector("#detail .d-title");
  return want;
}

test("the fixtures cover every format the importer reads, gzipped included", () => {
  const formats = new Set(fixtures.map((f) => importTrace(readFileSync(join(importFixtures, f))).format));
  assert.deepEqual(FORMATS.filter((f) => !formats.has(f)), [], `formats without a fixture in ${importFixtures}`);
  assert.ok(fixtures.some((f) => f.endsWith(".gz")), "a gzipped fixture");
});

test("every fixture opens through the file picker and shows its sessions, timeline and detail", { skip: skipBrowser }, async () => {
  for (const file of fixtures) {
    const { page, problems, close } = await openPage(browser, `${server.url}/`);
    await page.setInputFiles("#file", join(importFixtures, file));
    await checkShown(page, file);
    assert.deepEqual(problems, [], file);
    await close();
  }
});

test("a file dropped on the page opens", { skip: skipBrowser }, async () => {
  const file = fixtures.find((f) => f.endsWith(".gz"));
  const { page, close } = await openPage(browser, `${server.url}/`);
  const bytes = [...readFileSync(join(importFixtures, file))];
  await page.evaluate(({ bytes, name }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], name));
    document.dispatchEvent(new DragEvent("dragenter", { dataTransfer: dt, bubbles: true }));
    if (document.getElementById("drop").hidden) throw new Error("the drop overlay did not show");
    document.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { bytes, name: file });
  await checkShown(page, file);
  assert.equal(await page.isHidden("#drop"), true);
  await close();
});

test("?src= loads a fixture from a URL", { skip: skipBrowser }, async () => {
  const file = fixtures.find((f) => f.endsWith(".ndjson")) ?? fixtures[0];
  const { page, requests, close } = await openPage(browser, `${server.url}/?src=/fixtures/${encodeURIComponent(file)}`);
  await checkShown(page, file);
  assert.ok(requests.some((u) => u.endsWith(`/fixtures/${file}`)));
  await close();
});

test("files it cannot read get a clear message with the line or position", { skip: skipBrowser }, async () => {
  const cases = [
    { name: "notes.txt", bytes: Buffer.from("hello, this is not a trace\n"), want: /not a trace format/ },
    { name: "broken.json", bytes: Buffer.from('{"events":[{"session_id":"a","event_type":"llm_call"},\n  {"session_id":'), want: /line 2, column \d+/ },
    { name: "truncated.json.gz", bytes: Buffer.from(gzip(new TextEncoder().encode('[{"session_id":"a","event_type":"llm_call"}]'))).subarray(0, 20), want: /offset|position|byte|line/i },
  ];
  for (const c of cases) {
    const { page, close } = await openPage(browser, `${server.url}/`);
    await page.setInputFiles("#file", { name: c.name, mimeType: "application/octet-stream", buffer: c.bytes });
    assert.equal(await waitForLoad(page), "error", c.name);
    const message = await page.textContent("#error");
    assert.ok(message.startsWith(`Could not read ${c.name}:`), message);
    assert.match(message, c.want, message);
    await close();
  }
});

test("?src= with a non-http URL is refused without a request", { skip: skipBrowser }, async () => {
  const { page, requests, close } = await openPage(browser, `${server.url}/?src=${encodeURIComponent("javascript:alert(1)")}`);
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /\?src must be an http\(s\) URL/);
  assert.ok(requests.every((u) => u.startsWith(server.url)));
  await close();
});

test("lines the importer skips are listed with their positions", { skip: skipBrowser }, async () => {
  const text = '{"session_id":"s1","event_type":"llm_call","timestamp":"2026-11-22T10:00:00Z","model":"gpt-4o"}\n{oops\n{"session_id":"s1","event_type":"final","timestamp":"2026-11-22T10:00:01Z"}\n';
  const { page, close } = await openPage(browser, `${server.url}/`);
  await page.setInputFiles("#file", { name: "partly.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(text) });
  assert.equal(await waitForLoad(page), "ready");
  const { warnings } = importTrace(text);
  assert.ok(warnings.length > 0);
  assert.match(await page.textContent("#status"), new RegExp(`^2 events in 1 session · AgentLens NDJSON · ${warnings.length} warning`));
  assert.equal(await page.isHidden("#warnings"), false);
  assert.match(await page.textContent("#warnings"), /could not be read.*line 2: invalid JSON/s);
  await close();
});

test("?src= on another origin is fetched (CORS) and is the only request off the page's origin", { skip: skipBrowser }, async () => {
  const file = fixtures.find((f) => f.endsWith(".ndjson"));
  const { createServer } = await import("node:http");
  const other = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "application/x-ndjson", "Access-Control-Allow-Origin": "*" }).end(readFileSync(join(importFixtures, file)));
  });
  await new Promise((r) => other.listen(0, "127.0.0.1", r));
  const src = `http://127.0.0.1:${other.address().port}/remote/${file}`;
  const { page, requests, close } = await openPage(browser, `${server.url}/?src=${encodeURIComponent(src)}`);
  await checkShown(page, file);
  assert.deepEqual(requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("data:")), [src]);
  await close();
  other.closeAllConnections();
  await new Promise((r) => other.close(r));
});
