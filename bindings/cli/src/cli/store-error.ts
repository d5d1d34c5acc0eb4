/// <reference types="node" />
/** Maps what the collector's store throws to the CLI's exit codes (see exit-codes.ts). */
import { StoreError, StoreKeyError } from "../collector/index.js";
import { CliError, EXIT } from "./exit-codes.js";

/** Maps what the store throws to an exit code; anything unknown is a runtime failure. */
export function storeError(e: unknown): unknown {
  if (e instanceof CliError) return e;
  const err = e as { name?: unknown; code?: unknown; message?: unknown };
  const message = typeof err?.message === "string" ? err.message : String(e);
  if (e instanceof StoreKeyError || err?.name === "AgentLensStoreKeyError") return new CliError(EXIT.database, message);
  // node:sqlite: not a database, corrupt, locked, read-only, ...
  if (err?.code === "ERR_SQLITE_ERROR") return new CliError(EXIT.database, `database error: ${message}`);
  if (e instanceof StoreError) return new CliError(EXIT.failure, message);
  return e;
}
