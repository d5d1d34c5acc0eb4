// The browser and edge platforms, exercised in Node with the globals they look for
// stubbed: edge has no background timers and takes AsyncLocalStorage when offered;
// the browser flushes when the page is hidden or hidden away.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { browserPlatform, edgePlatform } from "@agentlens/sdk/slim";

test("the edge platform never starts a timer", (t) => {
  const setTimeoutMock = t.mock.method(globalThis, "setTimeout");
  const p = edgePlatform();
  assert.equal(p.name, "edge");
  const slot = p.timer();
  slot(p.now(), () => assert.fail("woken"));
  slot(null, () => assert.fail("woken"));
  assert.equal(setTimeoutMock.mock.callCount(), 0);
  assert.deepEqual(p.env(), {});
});

test("the edge platform keeps a run's context across awaits when given AsyncLocalStorage", async () => {
  const store = edgePlatform({ AsyncLocalStorage }).contextStore();
  const seen = await Promise.all(
    ["a", "b"].map((name) =>
      store.run(name, async () => {
        await new Promise((r) => setImmediate(r));
        return store.get();
      }),
    ),
  );
  assert.deepEqual(seen, ["a", "b"], "concurrent runs keep their own context");
  assert.equal(store.get(), undefined);
});

test("the edge platform uses globalThis.AsyncLocalStorage where the runtime provides it (Vercel Edge)", async (t) => {
  globalThis.AsyncLocalStorage = AsyncLocalStorage;
  t.after(() => delete globalThis.AsyncLocalStorage);
  const store = edgePlatform().contextStore();
  const inner = await store.run("x", async () => {
    await null;
    return store.get();
  });
  assert.equal(inner, "x");
});

test("without AsyncLocalStorage, contexts nest on a call stack", () => {
  const store = edgePlatform().contextStore();
  const got = store.run("outer", () => [store.get(), store.run("inner", () => store.get()), store.get()]);
  assert.deepEqual(got, ["outer", "inner", "outer"]);
});

test("the browser platform flushes on visibilitychange to hidden and on pagehide", async (t) => {
  const listeners = {};
  const on = (target) => (type, fn) => (listeners[`${target}:${type}`] = fn);
  const document = { visibilityState: "visible", addEventListener: on("document") };
  globalThis.document = document;
  globalThis.addEventListener = on("window");
  t.after(() => {
    delete globalThis.document;
    delete globalThis.addEventListener;
  });
  const p = browserPlatform();
  assert.equal(p.name, "browser");
  let flushes = 0;
  p.onExit(async () => {
    flushes++;
  });
  listeners["document:visibilitychange"]();
  assert.equal(flushes, 0, "visible: no flush");
  document.visibilityState = "hidden";
  listeners["document:visibilitychange"]();
  listeners["window:pagehide"]();
  assert.equal(flushes, 2);
});

test("the browser platform's exit hook works without a document (a Web Worker)", () => {
  const p = browserPlatform();
  assert.doesNotThrow(() => p.onExit(async () => {}));
});

test("a browser timer slot replaces its earlier schedule", async () => {
  const slot = browserPlatform().timer();
  const fired = [];
  await new Promise((resolve) => {
    slot(0, () => fired.push("first"));
    slot(0, () => {
      fired.push("second");
      resolve();
    });
  });
  assert.deepEqual(fired, ["second"]);
});

test("the Node platform's id seed is 32 varied bytes, new on every call and in every process", async () => {
  const { nodePlatform } = await import("@agentlens/sdk");
  const p = nodePlatform();
  const a = p.seed();
  const b = p.seed();
  assert.equal(a.length, 32);
  assert.notDeepEqual(a, b);
  assert.ok(new Set(a).size > 8, "not a constant or a short cycle");
  // Another process draws another seed (V8 seeds Math.random per isolate from the OS).
  const { execFileSync } = await import("node:child_process");
  const other = execFileSync(process.execPath, ["--input-type=module", "-e", 'const { nodePlatform } = await import("@agentlens/sdk"); process.stdout.write(Buffer.from(nodePlatform().seed()).toString("hex"));'], { encoding: "utf8" });
  assert.equal(other.length, 64);
  assert.notEqual(other, Buffer.from(a).toString("hex"));
});
