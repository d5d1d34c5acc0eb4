/**
 * The edge platform (Cloudflare Workers / workerd, Vercel Edge). There are no background timers: the runtime freezes or cancels timers once
 * an invocation has answered, so a batch waiting for its flush interval would never leave
 * (OpenTelemetry JS #4131, vercel/otel #105). Background timers are therefore never set,
 * and users flush on every invocation, inside `ctx.waitUntil`, where a flush does set
 * timers: it waits out retries and `Retry-After` like everywhere else.
 *
 * ```ts
 * export default {
 *   async fetch(request, env, ctx) {
 *     const answer = await handle(request);
 *     ctx.waitUntil(tracker.flush());
 *     return answer;
 *   },
 * };
 * ```
 *
 * A full batch still goes out as soon as it fills. There is no exit hook: an isolate is
 * evicted without notice.
 *
 * Async context: Vercel Edge exposes `globalThis.AsyncLocalStorage` and it is used when
 * present. `node:async_hooks` cannot be imported statically here (workerd refuses it
 * without the `nodejs_compat` or `nodejs_als` flag), so on workerd with one of those
 * flags pass it in: `usePlatform(edgePlatform({ AsyncLocalStorage }))`. Otherwise runs
 * nest on a call stack, which is exact for strictly nested (awaited) runs.
 */
import type { Platform } from "../core/platform.js";
import { timerSlot } from "./timer.js";
import { webPlatform, type AsyncLocalStorageClass } from "./web.js";

export interface EdgePlatformOptions {
  /** `AsyncLocalStorage` from `node:async_hooks` (workerd with `nodejs_compat`). */
  AsyncLocalStorage?: AsyncLocalStorageClass;
}

export function edgePlatform(o: EdgePlatformOptions = {}): Platform {
  const Als = o.AsyncLocalStorage ?? (globalThis as { AsyncLocalStorage?: AsyncLocalStorageClass }).AsyncLocalStorage;
  return webPlatform({
    name: "edge",
    timer: () => timerSlot(() => performance.now(), "draining"),
    onExit: () => {},
    Als: typeof Als === "function" ? Als : undefined,
  });
}
