/**
 * One timer slot over `setTimeout`: each schedule replaces the previous one, `null`
 * cancels. What a schedule does depends on the runtime and on `keepAlive`, which the
 * driver sets while a `flush()` or `shutdown()` is waiting for the wake-up:
 *
 * - `"always"` (browsers): a timer either way.
 * - `"unref"` (Node, Deno, Bun): a timer either way; without `keepAlive` it is unref'd and
 *   never keeps the process alive, with it the process waits for it (a retry after a
 *   503 must run before `await tracker.shutdown()` returns or the process exits).
 * - `"draining"` (edge runtimes): a timer only with `keepAlive`. Background timers are
 *   frozen or cancelled once an invocation has answered, but a flush runs inside
 *   `ctx.waitUntil`, where timers work.
 */
export type TimerMode = "always" | "unref" | "draining";

/** A timer slot: `(atMs, wake, keepAlive)`, see the module docs. */
export type TimerSlot = (atMs: number | null, wake: () => void, keepAlive?: boolean) => void;

export function timerSlot(now: () => number, mode: TimerMode): TimerSlot {
  let handle: ReturnType<typeof setTimeout> | undefined;
  return (atMs, wake, keepAlive = false) => {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
    if (atMs === null || (mode === "draining" && !keepAlive)) return;
    handle = setTimeout(wake, Math.max(0, atMs - now()));
    // Deno and Bun hand some code web-style numeric timer ids: unref where there is one.
    if (mode === "unref" && !keepAlive) (handle as { unref?: () => void }).unref?.();
  };
}
