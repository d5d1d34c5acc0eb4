// A Driver wired to one exporter on a real platform, for exporter tests that run below
// the tracker API: the same wiring the tracker does (a pipeline in the exporter's format,
// the platform's clocks and one timer slot), plus `until`, which waits on the driver's
// own progress rather than on wall-clock time.
import { EventEmitter } from "node:events";
import { createDriver } from "@agentlens/sdk";

/**
 * @param {import("@agentlens/sdk").Exporter} exporter
 * @param {{ platform: import("@agentlens/sdk").Platform, options?: object, seed?: Uint8Array }} o
 */
export function driverFor(exporter, { platform, options = {}, seed = new Uint8Array(32).fill(9) }) {
  const progress = new EventEmitter();
  progress.setMaxListeners(0);
  const warnings = [];
  const host = {
    now: () => platform.now(),
    wallClock: () => platform.wallClock(),
    send: (request) => exporter.send(request),
    // The driver reschedules after every input and every response it has applied.
    timer: () => {
      const slot = platform.timer();
      return (atMs, wake, keepAlive) => {
        slot(atMs, wake, keepAlive);
        progress.emit("pumped");
      };
    },
    notice: (n) => warnings.push(n),
  };
  const driver = createDriver(host, { ...options, format: exporter.format }, seed);

  /** Resolves once `predicate(driver.stats())` holds; `timeoutMs` only guards against a hang. */
  function until(predicate, { timeoutMs = 15_000 } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const stats = driver.stats();
        if (predicate(stats)) {
          clearTimeout(guard);
          progress.off("pumped", check);
          resolve(stats);
        }
      };
      const guard = setTimeout(() => {
        progress.off("pumped", check);
        reject(new Error(`driver: condition not met within ${timeoutMs} ms; stats ${JSON.stringify(driver.stats())}`));
      }, timeoutMs);
      progress.on("pumped", check);
      check();
    });
  }

  return { driver, host, until, warnings };
}

/** `tracked = delivered + dropped + sampled_out + pending`. */
export function identityHolds(s) {
  const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
  return s.tracked === s.delivered + dropped + s.sampled_out + s.pending;
}

/** An LLM call event in the core's (snake_case) model, numbered within its session. */
export function llmEvent(session, seq) {
  return {
    event_type: "llm_call",
    session_id: session,
    timestamp: "2026-11-22T10:00:00Z",
    model: "gpt-4o",
    input_data: { prompt: `question ${seq}`, seq },
    output_data: { response: "ok" },
    tokens_in: 10,
    tokens_out: 2,
  };
}
