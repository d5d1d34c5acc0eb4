/// <reference types="node" />
/**
 * The Node.js platform: `performance.now()`, unref'd timers that never keep the process
 * alive, `process.env`, AsyncLocalStorage for run context, and a flush on `beforeExit`.
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
    timer: () => timerSlot(() => performance.now(), true),
    warn: (m) => process.emitWarning(m, { code: "AGENTLENS" }),
    env: () => process.env,
    contextStore<T>(): ContextStore<T> {
      const als = new AsyncLocalStorage<T>();
      return { get: () => als.getStore(), run: (value, fn) => als.run(value, fn) };
    },
    onExit(flush) {
      let flushing = false;
      process.on("beforeExit", () => {
        if (flushing) return;
        flushing = true;
        // Pending sends keep the loop alive; beforeExit fires again once they settle.
        void flush().finally(() => {
          flushing = false;
        });
      });
    },
    seed: () => randomFillSync(new Uint8Array(32)),
  };
}
