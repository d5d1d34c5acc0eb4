/**
 * The browser platform: `setTimeout` timers, a call-stack context store (browsers have no
 * AsyncLocalStorage: pass the run context explicitly across unrelated async work), and a
 * flush when the page is hidden or unloaded — `visibilitychange` to hidden and `pagehide`,
 * the events that still fire on mobile, where `unload` does not. The HTTP exporter sends
 * with `keepalive` here, so a flush started as the page goes away still completes.
 */
import type { Platform } from "../core/platform.js";
import { timerSlot } from "./timer.js";
import { webPlatform } from "./web.js";

interface EventTargetLike {
  addEventListener?(type: string, listener: () => void): void;
}
interface DocumentLike extends EventTargetLike {
  visibilityState?: string;
}

export function browserPlatform(): Platform {
  return webPlatform({
    name: "browser",
    timer: () => timerSlot(() => performance.now(), "always"),
    onExit(drain) {
      const g = globalThis as unknown as EventTargetLike & { document?: DocumentLike };
      // A hidden page often comes back (another tab, the back-forward cache): deliver
      // now and keep tracking.
      const run = () => {
        drain(false).catch(() => undefined);
      };
      const doc = g.document;
      doc?.addEventListener?.("visibilitychange", () => {
        if (doc.visibilityState === "hidden") run();
      });
      // Workers have no document and no pagehide; there is nothing to hook there.
      g.addEventListener?.("pagehide", run);
    },
  });
}
