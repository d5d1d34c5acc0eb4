/**
 * Adding up what ingests did (see `IngestResult` for what each count counts), for the
 * callers that ingest in chunks: `store.importEvents`, `POST /import`, `agentlens import`.
 */
import type { IngestCounts } from "./types.js";

/** Adds `r`'s counts to `total` (for results of several ingests). */
export function addCounts(total: IngestCounts, r: IngestCounts): void {
  total.processed += r.processed;
  total.skipped += r.skipped;
  total.duplicates += r.duplicates;
  total.stored_events += r.stored_events;
  total.duplicate_events += r.duplicate_events;
  total.session_records += r.session_records;
  total.unchanged_session_records += r.unchanged_session_records;
  total.truncated_fields += r.truncated_fields;
}

/** Counts of nothing, to add results to. */
export function noCounts(): IngestCounts {
  return { processed: 0, skipped: 0, duplicates: 0, stored_events: 0, duplicate_events: 0, session_records: 0, unchanged_session_records: 0, truncated_fields: 0 };
}
