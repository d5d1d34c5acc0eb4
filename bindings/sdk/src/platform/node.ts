/// <reference types="node" />
/**
 * The Node.js platform: `performance.now()`, timers that keep the process alive only
 * while a flush or shutdown waits on them, `process.env`, AsyncLocalStorage for run
 * context, and a drain on `beforeExit`.
 *
 * The id seed comes from `Math.random()` (V8 seeds it per isolate from the operating
 * system's entropy), not `node:crypto`: loading the crypto module is ~4 ms of a cold start,
 * and trace, span and session ids must be unique, not secret (OpenTelemetry JS's
 * `RandomIdGenerator` draws them from `Math.random()` too).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ContextStore, Platform } from "../core/platform.js";
import { timerSlot } from "./timer.js";

export function nodePlatform(): Platform {
  return {
    name: "node",
    now: () => performance.now(),
    wallClock: () => Date.now(),
    timer: () => timerSlot(() => performance.now(), "unref"),
    warn: (m) => process.emitWarning(m, { code: "AGENTLENS" }),
    env: () => process.env,
    contextStore<T>(): ContextStore<T> {
      const als = new AsyncLocalStorage<T>();
      return { get: () => als.getStore(), run: (value, fn) => als.run(value, fn) };
    },
    onExit(drain) {
      let draining = false;
      process.on("beforeExit", () => {
        if (draining) return;
        draining = true;
        // The drain's sends and retry timers keep the loop alive; beforeExit fires again
        // once they settle, and finds nothing left to do.
        void drain(true).finally(() => {
          draining = false;
        });
      });
    },
    seed: mathRandomSeed,
  };
}

/** 32 bytes for the core's id generator, from `Math.random()` (see the module comment). */
function mathRandomSeed(): Uint8Array {
  const seed = new Uint8Array(32);
  for (let i = 0; i < 32; i += 4) {
    const r = (Math.random() * 0x1_0000_0000) >>> 0;
    seed[i] = r & 0xff;
    seed[i + 1] = (r >>> 8) & 0xff;
    seed[i + 2] = (r >>> 16) & 0xff;
    seed[i + 3] = r >>> 24;
  }
  return seed;
}
