/// <reference types="node" />
/**
 * What the store's read and maintenance modules (`store-read.ts`, `store-list.ts`,
 * `store-runs.ts`, `store-admin.ts`) need of an open store. `store.ts` implements it and
 * imports them; they import only this type, so no import circle runs through the store.
 */
import type { DatabaseSync } from "node:sqlite";

export interface StoreHandle {
  /** The database file. */
  readonly path: string;
  readonly db: DatabaseSync;
  /** The redaction options the store was opened with (on top of the core's defaults). */
  readonly redact: Record<string, unknown>;
  /** Payloads are sealed with a key. */
  readonly encrypted: boolean;
  /** Payloads are gzipped when that makes them smaller. */
  readonly compressed: boolean;
  /** A stored payload back to its JSON value (`null` if it is not JSON). */
  decode(payload: Uint8Array): Promise<unknown>;
}
