// Issue 17, "memory only grows": hostile bodies took the collector from 71 MB to 1.1 GB RSS
// for good, because wasm memory never shrinks. The collector now replaces its analysis
// wasm instance between requests once its memory is past WASM_HIGH_WATER_BYTES (64 MiB).
// The bound held here: after any request, the instance's memory is at most that mark.
// The longer run with RSS figures is scripts/chaos-collector-memory.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WASM_HIGH_WATER_BYTES, wasmMemoryBytes } from "../dist/collector/engine.js";
import { call, collector, get, post } from "./helpers.mjs";

const MiB = 1024 * 1024;
const wrap = (inputData) => `{"events":[{"event_type":"generic","session_id":"hostile","input_data":${inputData}}]}`;

/** Bodies of about `mb` MiB that each cost the core many times their size to read and redact. */
function hostileBodies(mb) {
  const n = Math.floor((mb * MiB) / 2);
  const keys = [];
  for (let i = 0; i < n / 8; i++) keys.push(`"k${i}":1`);
  const tinyEvent = `{"event_type":"generic","session_id":"tiny","input_data":[${Array(40).fill("{}").join(",")}]}`;
  return {
    numbers: wrap(`[${Array(n).fill("1").join(",")}]`),
    "tiny objects": wrap(`[${Array(Math.floor(n / 1.5)).fill("{}").join(",")}]`),
    "many keys": wrap(`{${keys.join(",")}}`),
    "deep nesting": wrap(`${"[".repeat(50_000)}${"]".repeat(50_000)}`),
    "a batch of 10,000 tiny events": `{"events":[${Array(10_000).fill(tinyEvent).join(",")}]}`,
  };
}

test("after each hostile body the wasm memory is back under the high-water mark, and ingestion still works", async (t) => {
  const c = await collector(t, { rateLimitPerMinute: 0 });
  assert.ok(wasmMemoryBytes() <= WASM_HIGH_WATER_BYTES);
  for (const [name, raw] of Object.entries(hostileBodies(3))) {
    const before = c.store.ingestThreadStats().offThread;
    const r = await call(c, "POST", "/events", { raw, headers: { "Content-Type": "application/json" } });
    assert.ok(r.status < 500, `${name}: ${r.status}`);
    const after = wasmMemoryBytes();
    assert.ok(after <= WASM_HIGH_WATER_BYTES, `${name}: ${(after / MiB).toFixed(1)} MiB of wasm memory after the request`);
    // The body was read on the ingest thread, whose instance is bounded the same way.
    const thread = c.store.ingestThreadStats();
    assert.equal(thread.offThread, before + 1, `${name}: read on the ingest thread`);
    assert.ok(thread.workerMemoryBytes <= WASM_HIGH_WATER_BYTES, `${name}: ${(thread.workerMemoryBytes / MiB).toFixed(1)} MiB of the ingest thread's wasm memory after the request`);
  }
  // The bound is the recycling's: the bodies did take the thread's instance past the mark,
  // and each such thread was ended (what returns its memory) and a fresh one started.
  const thread = c.store.ingestThreadStats();
  assert.ok(thread.recycled > 0, JSON.stringify(thread));
  assert.ok(thread.retired > 0 && thread.started === thread.retired + 1, JSON.stringify(thread));
  assert.equal(thread.onMainThread, 0);
  // The store's ingestor was rebuilt on the fresh instance: honest events are stored as before.
  const honest = await post(c, "/events", { events: [{ event_type: "llm_call", session_id: "honest", model: "gpt-4o", input_data: { prompt: "hi" } }] });
  assert.equal(honest.status < 300, true, JSON.stringify(honest.body));
  const stored = await get(c, "/sessions/honest/events");
  assert.equal(stored.status, 200);
  assert.equal((await get(c, "/health")).status, 200);
});

test("one hostile body alone grows the instance past the mark: the bound above is the recycling's, not the body's", async (t) => {
  const { recycleWasm } = await import("../dist/collector/engine.js");
  const { openStore } = await import("../dist/collector/index.js");
  const { tempDir } = await import("./helpers.mjs");
  // Straight to the store, with no server to recycle between requests.
  const store = await openStore({ path: `${tempDir(t)}/a.db` });
  t.after(() => store.close());
  await store.ingestBytes("events", new TextEncoder().encode(hostileBodies(3).numbers)).catch(() => {});
  assert.ok(wasmMemoryBytes() > WASM_HIGH_WATER_BYTES, `only ${(wasmMemoryBytes() / MiB).toFixed(1)} MiB: the body no longer tests the bound`);
  assert.equal(recycleWasm(), true);
  assert.ok(wasmMemoryBytes() <= WASM_HIGH_WATER_BYTES);
  // The store's ingestor outlives the instance it was made on.
  const r = await store.ingest([{ event_type: "generic", session_id: "after-recycle" }]);
  assert.equal(r.stored_events, 1);
});
