/**
 * What recording needs to know of a run (its ids and session), so that the recorder
 * never depends on `RunContext`, which records through it.
 */
import type { SessionRecord } from "./session.js";

/** A run as the recorder sees it. */
export interface RunRef {
  readonly runId: string;
  readonly traceId: string;
  readonly session: SessionRecord;
  readonly isActive: boolean;
}
