// GET /v1/live: server-sent events after each committed ingest, authenticated, with
// heartbeats; what is sent is what was stored (redacted, real types).
import { test } from "node:test";
import assert from "node:assert/strict";
import { collector, post, get, PYTHON_SDK_BATCH } from "./helpers.mjs";

/** Opens the stream and collects parsed SSE messages; `next(pred)` waits for one. */
async function subscribe(c, headers = {}) {
  const controller = new AbortController();
  const res = await fetch(`${c.url}/v1/live`, { headers, signal: controller.signal });
  const messages = [];
  const waiters = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = messages.find(w.pred);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const msg = { event: null, data: null, comments: [] };
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) msg.comments.push(line.slice(1).trim());
            else if (line.startsWith("event:")) msg.event = line.slice(6).trim();
            else if (line.startsWith("data:")) msg.data = JSON.parse(line.slice(5));
          }
          messages.push(msg);
          check();
        }
      }
    } catch {
      // aborted
    }
    return true;
  })();
  return {
    res,
    messages,
    ended,
    next: (pred) =>
      new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        check();
        // Only a guard against a hang; the awaited message normally arrives at once.
        setTimeout(() => reject(new Error("no matching SSE message")), 10_000).unref();
      }),
    close: () => controller.abort(),
  };
}

test("each committed batch is pushed to subscribers as `event: events`, redacted and with real types", async (t) => {
  const c = await collector(t, { apiKey: "live-key" });
  const sub = await subscribe(c, { "X-API-Key": "live-key" });
  t.after(() => sub.close());
  assert.equal(sub.res.status, 200);
  assert.match(sub.res.headers.get("content-type"), /^text\/event-stream/);
  await sub.next((m) => m.comments.includes("connected"));

  await post(c, "/events", PYTHON_SDK_BATCH, { "X-API-Key": "live-key" });
  const first = await sub.next((m) => m.event === "events");
  assert.deepEqual(first.data.events.map((e) => e.event_type), ["session_start", "llm_call", "tool_call", "session_end"]);
  assert.equal(first.data.events[1].event_id, "a01bdf57e9c94b6d");

  await post(c, "/events", {
    events: [
      { event_id: "lv1", session_id: "live", event_type: "generic", agentlens_type: "decision", input_data: { password: "hunter2" } },
      { event_id: "a01bdf57e9c94b6d", session_id: "a87237a69aa34bc0", event_type: "llm_call" },
    ],
  }, { "X-API-Key": "live-key" });
  const second = await sub.next((m) => m.event === "events" && m.data.events.some((e) => e.event_id === "lv1"));
  assert.equal(second.data.events.length, 1, "the duplicate is not pushed again");
  assert.equal(second.data.events[0].event_type, "decision");
  assert.equal(second.data.events[0].input_data.password, "[REDACTED]");
  assert.ok(!JSON.stringify(sub.messages).includes("hunter2"));
  assert.equal((await get(c, "/v1/stats", { "X-API-Key": "live-key" })).body.live_subscribers, 1);
});

test("the live stream needs the API key, and sends heartbeats", async (t) => {
  const c = await collector(t, { apiKey: "live-key", heartbeatMs: 50 });
  const denied = await fetch(`${c.url}/v1/live`);
  assert.equal(denied.status, 401);
  assert.deepEqual(await denied.json(), { error: "Unauthorized: invalid or missing API key" });
  const sub = await subscribe(c, { Authorization: "Bearer live-key" });
  t.after(() => sub.close());
  await sub.next((m) => m.comments.includes("heartbeat"));
});

test("closing the collector ends open streams", async (t) => {
  const c = await collector(t);
  const sub = await subscribe(c);
  await sub.next((m) => m.comments.includes("connected"));
  await c.close();
  assert.equal(await sub.ended, true, "the stream ended instead of holding the server open");
});
