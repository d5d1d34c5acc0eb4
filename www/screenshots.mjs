// Screenshots of the viewer's main views for the README, into docs/screenshots/:
//   node www/screenshots.mjs
// Uses a synthetic trace (www/test/traces.mjs), headless Debian Chromium, 1400x860.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce, launchBrowser, openPage, serve, waitForLoad } from "./test/support.mjs";
import { ndjsonTrace } from "./test/traces.mjs";

const out = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
mkdirSync(out, { recursive: true });
const server = await serve(await buildOnce(), { routes: { "/agent-trace.ndjson": { body: ndjsonTrace(40, 24) } } });
const browser = await launchBrowser();
const viewport = { width: 1400, height: 860 };

async function shot(name, query, { colorScheme = "light", then } = {}) {
  const { page, close } = await openPage(browser, `${server.url}/?src=/agent-trace.ndjson${query}`, { colorScheme, viewport });
  if ((await waitForLoad(page)) !== "ready") throw new Error(`${name}: ${await page.textContent("#error")}`);
  await page.waitForSelector(".tl-row");
  await then?.(page);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
  await close();
}

const selectRow = (type) => async (page) => {
  await page.click(`.tl-row.t-${type} >> nth=0`);
  await page.waitForFunction((type) => document.querySelector(".d-title .tl-type")?.textContent === type, type);
};

await shot("trace-view", "&session=sess-00000005", { then: selectRow("error") });
await shot("detail-llm-call", "&session=sess-00000002", { then: selectRow("llm_call") });
await shot("detail-tool-call", "&session=sess-00000003", {
  then: async (page) => {
    await selectRow("tool_call")(page);
    await page.$$eval("#detail details.j-node", (els) => els.forEach((d) => (d.open = true)));
  },
});
await shot("dark-mode", "&session=sess-00000001", { colorScheme: "dark", then: selectRow("decision") });
await shot("filtered-list", "", {
  then: async (page) => {
    await page.selectOption("select[name=status]", "error");
    await page.waitForFunction(() => document.querySelector(".list-count")?.textContent === "8 sessions");
  },
});
await browser.close();
await server.close();
