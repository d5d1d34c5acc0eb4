// Next.js (App Router, Turbopack), as docs/bundlers.md says: `serverExternalPackages:
// ["@agentlens/sdk"]` in next.config, a client component that imports "@agentlens/sdk" statically
// (prerendered on the server, run in headless Chromium) and a route handler on the Node.js
// runtime, each tracking a session, computing its cost (the analysis wasm) and sending the
// events to a loopback receiver. `next build`, then `next start` on 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startReceiver } from "../support/receiver.mjs";
import { launchChromium, packAndInstall, repoRoot, skipChromium } from "./support.mjs";

const node24 = join(repoRoot, "node_modules/node/bin/node"); // next 16 needs Node >= 20.9; the project's Node 24 is its CI's
const nextBin = join(repoRoot, "node_modules/next/dist/bin/next");
const skip = skipChromium || ([node24, nextBin].every(existsSync) ? false : "next or the project's Node 24 is not installed (npm ci)");

const FILES = {
  "next.config.mjs": `export default {
  serverExternalPackages: ["@agentlens/sdk"], // the guide's line: Node loads the package (and its wasm) itself
  turbopack: { root: "/" }, // this test's next and react are symlinks into the repository
  async rewrites() { return [{ source: "/events", destination: process.env.RECEIVER + "/events" }]; },
};
`,
  "app/layout.js": `export default function RootLayout({ children }) { return <html lang="en"><body>{children}</body></html>; }
`,
  "app/page.js": `import Tracked from "./tracked.js";
export default function Page() { return <main><Tracked /></main>; }
`,
  "app/tracked.js": `"use client";
import { useEffect, useState } from "react";
import { init } from "@agentlens/sdk";

export default function Tracked() {
  const [state, setState] = useState("loading");
  useEffect(() => {
    const tracker = init({ endpoint: location.origin, apiKey: "next-key" });
    tracker.startSession({ agentName: "next-page", sessionId: "next-client" });
    tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 1000, tokensOut: 100 });
    tracker.cost()
      .then((cost) => tracker.endSession("next-client").then(() => setState("tokens " + cost.tokens_in)))
      .catch((e) => setState("error " + e.name + ": " + e.message));
  }, []);
  return <p id="state">{state}</p>;
}
`,
  "app/api/track/route.js": `import { init } from "@agentlens/sdk";

export async function GET() {
  const tracker = init({ endpoint: process.env.RECEIVER, apiKey: "next-key" });
  tracker.startSession({ agentName: "next-route", sessionId: "next-route" });
  tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 1000, tokensOut: 100 });
  const cost = await tracker.cost();
  await tracker.endSession("next-route");
  return Response.json({ tokensIn: cost.tokens_in, delivered: tracker.stats().delivered });
}
`,
};

/** `next start` on a free port; resolves with its URL once it is ready. */
async function startNext(project, env, t) {
  const proc = spawn(node24, [nextBin, "start", "-H", "127.0.0.1", "-p", "0"], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = once(proc, "exit");
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      await exited;
    }
  });
  return new Promise((resolve, reject) => {
    const read = (chunk) => {
      output += chunk;
      const url = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url && /Ready/.test(output)) resolve(url);
    };
    proc.stdout.on("data", read);
    proc.stderr.on("data", read);
    exited.then(([code]) => reject(new Error(`next start exited with ${code}:\n${output}`)));
  });
}

test("a Next.js app: a client component in Chromium and a Node.js route handler", { skip }, async (t) => {
  const { project } = packAndInstall();
  for (const name of ["next", "react", "react-dom"]) symlinkSync(join(repoRoot, "node_modules", name), join(project, "node_modules", name));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(project, name, ".."), { recursive: true });
    writeFileSync(join(project, name), text);
  }
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const env = { ...process.env, RECEIVER: receiver.url, NEXT_TELEMETRY_DISABLED: "1" };
  await promisify(execFile)(node24, [nextBin, "build"], { cwd: project, env });
  const url = await startNext(project, env, t);

  const res = await fetch(`${url}/api/track`);
  assert.deepEqual(await res.json(), { tokensIn: 1000, delivered: 3 });

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${url}/`);
  await page.waitForFunction(() => document.getElementById("state")?.textContent !== "loading", null, { timeout: 0 });
  assert.equal(await page.textContent("#state"), "tokens 1000", problems.join("\n"));
  assert.deepEqual(problems, []);

  for (const session of ["next-route", "next-client"]) {
    const events = receiver.events().filter((e) => e.session_id === session);
    assert.deepEqual(events.map((e) => e.event_type), ["session_start", "llm_call", "session_end"], session);
  }
  assert.ok(receiver.requests.every((r) => r.headers["x-api-key"] === "next-key"));
});
