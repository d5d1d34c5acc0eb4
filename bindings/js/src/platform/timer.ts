/**
 * One timer slot over `setTimeout`: each schedule replaces the previous one, `null`
 * cancels. With `unref`, the timer never keeps a Node (or Deno/Bun) process alive.
 */
export function timerSlot(now: () => number, unref: boolean): (atMs: number | null, wake: () => void) => void {
  let handle: ReturnType<typeof setTimeout> | undefined;
  return (atMs, wake) => {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
    if (atMs === null) return;
    handle = setTimeout(wake, Math.max(0, atMs - now()));
    // Deno and Bun hand some code web-style numeric timer ids: unref where there is one.
    if (unref) (handle as { unref?: () => void }).unref?.();
  };
}
