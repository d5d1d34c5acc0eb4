// Tracked batches cross into wasm as UTF-8 written event by event into a reused buffer
// (core/utf8.ts): every text arrives as it was tracked, whatever its characters, however
// large the batch, and batch after batch through the same buffer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { init } from "@agentlens/sdk";
import { decodeWireBody } from "@agentlens/sdk/analysis";

function capture() {
  const bodies = [];
  return {
    exporter: { name: "capture", format: "agentlens", send: async (r) => (bodies.push(r.body), { status: 200 }) },
    events: () => bodies.flatMap((b) => decodeWireBody(b)),
  };
}

/** Tracks `texts` (one event each, staged together), flushes, returns what was delivered. */
async function roundTrip(texts, options = {}) {
  const c = capture();
  const tracker = init({ exporters: [c.exporter], logLevel: "silent", maxBufferBytes: 1 << 28, maxBufferEvents: 1_000_000, ...options });
  const s = tracker.startSession({ agentName: "utf8" });
  for (const t of texts) tracker.track({ eventType: "generic", sessionId: s, inputData: { t } });
  await tracker.flush();
  await tracker.shutdown(1000);
  const got = c.events().filter((e) => e.event_type === "generic").map((e) => e.input_data.t);
  return got;
}

test("ASCII, accents, emoji and CJK arrive as tracked, in order", async () => {
  const texts = ["plain", "café crème", "😀 grinning", "漢字かな", "mixed é😀漢 end", "", "\u007f\u0080\u07ff\u0800\uffff"];
  assert.deepEqual(await roundTrip(texts), texts);
});

test("a lone surrogate becomes U+FFFD and the events around it are untouched", async () => {
  const got = await roundTrip(["before", "x\ud800y", "\udc00", "after"]);
  assert.deepEqual(got, ["before", "x\ufffdy", "\ufffd", "after"]);
});

test("batches larger than the reused buffer, ASCII and not, and the buffer reused after", async () => {
  // ~2 MB of ASCII, then ~2 MB where every character takes 3 bytes, then small ones:
  // the buffer grows (copying what was written) and is reused by the next batch.
  const ascii = Array.from({ length: 200 }, (_, i) => `${i}:` + "a".repeat(10_000));
  const wide = Array.from({ length: 200 }, (_, i) => `${i}:` + "漢".repeat(3_000) + "😀");
  const options = { maxFieldBytes: 64 << 10, maxEventBytes: 128 << 10 };
  assert.deepEqual(await roundTrip(ascii, options), ascii);
  assert.deepEqual(await roundTrip(wide, options), wide);
  assert.deepEqual(await roundTrip(["small", "é"]), ["small", "é"]);
});
