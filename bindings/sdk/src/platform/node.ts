/// <reference types="node" />
/**
 * The Node.js platform: `performance.now()`, timers that keep the process alive only
 * while a flush or shutdown waits on them, `process.env`, AsyncLocalStorage for run
 * context, and a drain on `beforeExit`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomFillSync } from "node:crypto";
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
    seed: () => randomFillSync(new Uint8Array(32)),
  };
}
