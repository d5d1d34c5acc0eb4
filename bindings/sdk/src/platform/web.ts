/**
 * The parts of a platform that browsers and edge runtimes share: web-standard clocks,
 * `console` for warnings, no environment variables, and async context from an
 * `AsyncLocalStorage` class when the runtime offers one. `browser.ts` and `edge.ts` add
 * what differs (timers, exit hooks); nothing here touches Node modules.
 */
import { stackContextStore, type ContextStore, type Platform } from "../core/platform.js";

/** The shape of `AsyncLocalStorage` we use (Node's, Deno's, workerd's, Vercel Edge's). */
export interface AsyncLocalStorageClass {
  new <T>(): { getStore(): T | undefined; run<R>(store: T, fn: () => R): R };
}

/** A context store over `AsyncLocalStorage`: a run's context follows its whole async continuation. */
export function asyncLocalContextStore<T>(Als: AsyncLocalStorageClass): ContextStore<T> {
  const als = new Als<T>();
  return { get: () => als.getStore(), run: (value, fn) => als.run(value, fn) };
}

/** A web platform: `performance.now()`, `Date.now()`, `console.warn`, no env; `parts` adds the rest. */
export function webPlatform(parts: Pick<Platform, "name" | "timer" | "onExit"> & { Als?: AsyncLocalStorageClass }): Platform {
  const { Als, ...rest } = parts;
  return {
    now: () => performance.now(),
    wallClock: () => Date.now(),
    warn: (m) => console.warn(m),
    env: () => ({}),
    contextStore: Als ? <T>() => asyncLocalContextStore<T>(Als) : stackContextStore,
    ...rest,
  };
}
