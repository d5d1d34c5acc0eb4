/**
 * What a runtime supplies to the neutral core: clocks, timers, logging, environment,
 * async context and exit hooks. Implementations live in `src/platform/`; an entry point
 * installs one with `usePlatform`. Nothing in `src/core` touches `process`, `window`,
 * or Node modules directly, and timers only in the neutral fallback.
 */

/** Async-context propagation for `trace.run`. */
export interface ContextStore<T> {
  /** The value of the innermost `run` around the caller, if any. */
  get(): T | undefined;
  /** Runs `fn` with `value` as the current value (for its whole async continuation, where the platform can). */
  run<R>(value: T, fn: () => R): R;
}

export interface Platform {
  /** A short name: `node`, `browser`, `edge`. */
  readonly name: string;
  /** Monotonic milliseconds. */
  now(): number;
  /** Wall-clock milliseconds since the epoch. */
  wallClock(): number;
  /**
   * A fresh timer slot. Each call returns an independent schedule function; calling it
   * replaces that slot's earlier schedule, and `null` cancels. `keepAlive` is set while a
   * flush or shutdown waits for the wake-up: only then may a timer keep a Node process
   * alive, and only then does an edge runtime get one (users flush in `waitUntil`).
   */
  timer(): (atMs: number | null, wake: () => void, keepAlive?: boolean) => void;
  /** Logs a warning about AgentLens's own health. */
  warn(message: string): void;
  /** Environment variables (`AGENTLENS_*`), or an empty object where there are none. */
  env(): Record<string, string | undefined>;
  /** A new async-context store (AsyncLocalStorage on Node, a call stack elsewhere). */
  contextStore<T>(): ContextStore<T>;
  /**
   * Calls `drain` when the process or page may be going away: with `final` when it is
   * (Node `beforeExit`: deliver what the deadline allows, then count the rest), without
   * when it may come back (a browser page hidden or put in the back-forward cache:
   * deliver now, keep tracking).
   */
  onExit(drain: (final: boolean) => Promise<unknown>): void;
  /** 32 bytes from a secure random source, or undefined to let the wasm core draw them. */
  seed?(): Uint8Array | undefined;
}

let current: Platform | undefined;

/** Installs the platform. Called once by an entry point. */
export function usePlatform(platform: Platform): void {
  current = platform;
}

/** The installed platform; a neutral fallback (no timers, no env) if none was installed. */
export function platform(): Platform {
  return current ?? neutralPlatform;
}

/** A synchronous stack: correct for sync code and for awaited code in strict nesting. */
export function stackContextStore<T>(): ContextStore<T> {
  const stack: T[] = [];
  return {
    get: () => stack[stack.length - 1],
    run<R>(value: T, fn: () => R): R {
      stack.push(value);
      let result: R;
      try {
        result = fn();
      } catch (err) {
        stack.pop();
        throw err;
      }
      if (result && typeof (result as { then?: unknown }).then === "function") {
        return (result as unknown as Promise<unknown>).finally(() => {
          const i = stack.lastIndexOf(value);
          if (i >= 0) stack.splice(i, 1);
        }) as R;
      }
      stack.pop();
      return result;
    },
  };
}

/**
 * The neutral fallback's timer: none in the background (it cannot know whether the
 * runtime would keep them), a plain `setTimeout` while a flush or shutdown waits, which
 * every JavaScript runtime has.
 */
function neutralTimer(): (atMs: number | null, wake: () => void, keepAlive?: boolean) => void {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());
  return (atMs, wake, keepAlive = false) => {
    if (handle !== undefined) clearTimeout(handle);
    handle = atMs === null || !keepAlive ? undefined : setTimeout(wake, Math.max(0, atMs - now()));
  };
}

const neutralPlatform: Platform = {
  name: "neutral",
  now: () => (typeof performance !== "undefined" ? performance.now() : Date.now()),
  wallClock: () => Date.now(),
  timer: neutralTimer,
  warn: (m) => console.warn(m),
  env: () => ({}),
  contextStore: stackContextStore,
  onExit: () => {},
};
