/**
 * The local collector: an HTTP server (`startCollector`) over a SQLite store
 * (`openStore`, Node's built-in `node:sqlite`, Node >= 22). Ingests the AgentLens wire
 * format, OTLP/HTTP JSON and trace files; serves AgentLens- and Agent Inspector-compatible
 * reads, analysis endpoints, a live event stream and the viewer.
 *
 * This module imports `node:sqlite`: load it with a dynamic `import()` after checking the
 * Node version. `./types.js` has no runtime imports and is safe to load anywhere.
 */

export { openStore } from "./store.js";
export { startCollector } from "./server.js";
export { eventsFromExport } from "./export.js";
export { parseEncryptionKey } from "./payload-crypto.js";
export { StoreError, StoreKeyError } from "./errors.js";
export type * from "./types.js";
