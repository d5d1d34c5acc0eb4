/** The errors the collector's store throws, with names the CLI can branch on. */

/**
 * The encryption key is missing, malformed, or not the key the database was written
 * with. Raised at open, before anything is read, so a wrong key never yields garbage.
 * The message never quotes the key.
 */
export class StoreKeyError extends Error {
  override name = "AgentLensStoreKeyError";
}

/** A store operation that cannot proceed (a backup target that exists, a bad argument). */
export class StoreError extends Error {
  override name = "AgentLensStoreError";
}
