// The Web Worker's entry. @agentlens/sdk/analysis initialises its wasm with a top-level await;
// messages that arrive before a module worker's listener exists are lost, so the listener
// is installed first and queues calls until the wasm and the trace view are loaded.
import type { Request } from "./protocol";

const queued: MessageEvent<Request>[] = [];
let handle: ((msg: MessageEvent<Request>) => Promise<void>) | undefined;

self.onmessage = (msg: MessageEvent<Request>) => {
  if (handle) void handle(msg);
  else queued.push(msg);
};

// The bundled price list is fetched at once, beside the wasm, unless the page is a
// collector's (which hands in its own catalog; see price-list.ts).
const prices = self.name.endsWith("collector") ? undefined : fetch(new URL("./genai-prices.json", import.meta.url));
prices?.catch(() => undefined);

import("./worker-core").then(
  (core) => {
    if (prices) core.prefetchedCatalog(prices);
    handle = core.handle;
    for (const msg of queued.splice(0)) void handle(msg);
  },
  (err: unknown) => {
    const message = `the analysis wasm failed to load: ${err instanceof Error ? err.message : String(err)}`;
    const fail = (msg: MessageEvent<Request>) => (self as unknown as Worker).postMessage({ id: msg.data.id, error: { name: "LoadError", message } });
    for (const msg of queued.splice(0)) fail(msg);
    self.onmessage = fail;
  },
);
