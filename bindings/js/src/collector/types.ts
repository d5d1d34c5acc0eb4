/**
 * The collector's public types: the Store API (used by the CLI) and the server options.
 * This file imports nothing at runtime, so a module that must load before the Node
 * version check (the CLI) may `import type` from it freely.
 */

/** A trace event in the AgentLens wire shape (snake_case fields), as stored. */
export type WireEvent = Record<string, unknown>;

/** Progress of a long operation: `done` of `total` items. */
export type Progress = (done: number, total: number) => void;

/** Options of {@link openStore}. */
export interface StoreOptions {
  /** The SQLite database file (created with its directory's permissions if missing). */
  path: string;
  /**
   * 32 bytes as base64 or hex (`AGENTLENS_ENCRYPTION_KEY`): payloads are encrypted at
   * rest with AES-256-GCM. Opening an encrypted database without it, or with another
   * key, throws {@link StoreKeyError}.
   */
  encryptionKey?: string;
  /** Gzip payloads through the core before storing (default false). */
  compress?: boolean;
  /**
   * Extra redaction options for the core (`redactKeys`, `redactPatterns`,
   * `redactionMarker`, ...), applied on top of the default rules before anything is stored.
   */
  redact?: Record<string, unknown>;
  /** The largest JSON size of one payload field (`input_data`, ...), default 256 KiB. */
  maxFieldBytes?: number;
}

/** What one ingest did. */
export interface IngestResult {
  /** Events stored (new ones) or applied (session start/end). */
  processed: number;
  /** Events refused (no valid session id, not an object). */
  skipped: number;
  /** Events whose id was already stored: ignored, adding nothing. */
  duplicates: number;
  /** Payload fields cut to the field size limit. */
  truncated_fields: number;
  /** The events as stored (normalised and redacted), in batch order, duplicates left out. */
  events: WireEvent[];
}

/** Database statistics (a superset of Agent Inspector's `get_stats()`). */
export interface StoreStats {
  path: string;
  schema_version: number;
  encrypted: boolean;
  compressed: boolean;
  total_sessions: number;
  active_sessions: number;
  total_events: number;
  total_runs: number;
  running_runs: number;
  completed_runs: number;
  failed_runs: number;
  total_steps: number;
  recent_runs_24h: number;
  /** The database file, WAL excluded. */
  db_size_bytes: number;
  /** Pages in use (file size minus free pages): what `retentionMaxBytes` bounds. */
  used_bytes: number;
  wal_size_bytes: number;
  /** Stored payload bytes (after compression and encryption). */
  payload_bytes: number;
  oldest_event: string | null;
  newest_event: string | null;
}

/** Options of `store.prune`. At least one bound should be given. */
export interface PruneOptions {
  /** Delete sessions (and runs) whose last activity is older than this many days; ≤ 0 disables. */
  retentionDays?: number;
  /** Then delete the oldest sessions until the used bytes are at most this. */
  retentionMaxBytes?: number;
  /** The current time (ms since the epoch or a Date); default `Date.now()`. */
  now?: number | Date;
}

/** What a prune deleted. */
export interface PruneResult {
  sessions_deleted: number;
  runs_deleted: number;
  events_deleted: number;
  used_bytes_before: number;
  used_bytes_after: number;
}

/** Options of `store.exportRuns`: one run, or all (newest first, up to `limit`). */
export interface ExportOptions {
  runId?: string;
  all?: boolean;
  /** At most this many runs with `all` (default 1000, as Agent Inspector's CLI). */
  limit?: number;
}

/** An Agent Inspector run (`GET /v1/runs/{id}`). */
export interface InspectorRun {
  id: string;
  name: string;
  status: "running" | "completed" | "failed";
  started_at: number;
  completed_at: number | null;
  duration_ms: number | null;
  agent_type: string | null;
  user_id: string | null;
  session_id: string | null;
  parent_run_id: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
}

/** An Agent Inspector timeline entry or step; `data` is the stored wire event. */
export interface InspectorStep {
  id: string;
  run_id: string;
  timestamp: number;
  type: string;
  name: string | null;
  status: string;
  duration_ms: number | null;
  parent_event_id: string | null;
  data?: WireEvent | null;
}

/** One run's export (`GET /v1/runs/{id}/export`). */
export interface RunExport {
  run: InspectorRun;
  timeline: InspectorStep[];
  /** The run's `run_end` event (not a step in Agent Inspector), when it ended. */
  run_end?: WireEvent;
}

/**
 * The export of many runs. `sessions` holds the sessions that have no runs (AgentLens
 * clients), as `{session, events}`, so an export of everything loses nothing; feed the
 * whole file back with `eventsFromExport` + `store.importEvents`.
 */
export interface RunsExport {
  format: "agentlens-collector-export";
  version: 1;
  exported_at: string;
  total: number;
  runs: RunExport[];
  sessions: { session: Record<string, unknown>; events: WireEvent[] }[];
}

/** The store; see {@link openStore}. Methods throw on I/O errors; reads never return garbage. */
export interface Store {
  readonly path: string;
  /** Normalises, redacts, encodes and stores a batch in one transaction (committed on return). */
  ingest(events: unknown[]): Promise<IngestResult>;
  /** `ingest` in chunks of 500, for files; reports progress after each chunk. */
  importEvents(events: unknown[], onProgress?: Progress): Promise<IngestResult>;
  stats(): StoreStats;
  prune(options: PruneOptions): PruneResult;
  /** Rebuilds the file, returning free pages to the OS. */
  vacuum(): void;
  /** A consistent online copy (`VACUUM INTO`); refuses to overwrite an existing file. */
  backup(path: string): void;
  /** Agent Inspector export JSON: a {@link RunExport} for `runId`, a {@link RunsExport} for `all`. */
  exportRuns(options: ExportOptions, onProgress?: Progress): Promise<RunExport | RunsExport>;
  /**
   * A session's whole trace in wire shape: a `session_start` built from the session row,
   * its events in time order, and a `session_end` if it ended. `null` if unknown.
   */
  sessionEvents(sessionId: string): Promise<WireEvent[] | null>;
  /** The backend-style Markdown explanation (as `GET /sessions/:id/explain`), or `null`. */
  explain(sessionId: string): Promise<string | null>;
  close(): void;
}

/** A log line from the collector (requests are not logged, only notable events). */
export type CollectorLog = (level: "info" | "warn" | "error", message: string) => void;

/** Options of {@link startCollector}. */
export interface CollectorOptions {
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  dbPath: string;
  /** `AGENTLENS_API_KEY`: required on every data endpoint when set. */
  apiKey?: string;
  encryptionKey?: string;
  compress?: boolean;
  /** Origins allowed to call the API from a browser (`*` for any); CORS is off without it. */
  cors?: string[];
  /** Request body limit, default 10 MiB (also the limit after gunzip). */
  maxBodyBytes?: number;
  /** Requests per minute per client address; default 6000, 0 disables. */
  rateLimitPerMinute?: number;
  /**
   * More `Host` names to answer when bound to a loopback address (behind a local proxy,
   * say). By default only loopback names are: a page whose own name resolves to 127.0.0.1
   * (DNS rebinding) is refused.
   */
  allowedHosts?: string[];
  /** Open connections at most (default 256); more are refused until some close. */
  maxConnections?: number;
  /** Events per `POST /events` request, default 10 000 (the seed's 500 made its SDK drop). */
  maxBatchEvents?: number;
  /** The static viewer; default the package's `viewer/` directory. `false` serves none. */
  viewerDir?: string | URL | false;
  /** SSE heartbeat comment interval, default 15 000 ms. */
  heartbeatMs?: number;
  redact?: Record<string, unknown>;
  log?: CollectorLog;
}

/** A running collector. */
export interface Collector {
  /** `http://host:port` */
  url: string;
  port: number;
  /** The store it writes to (for in-process use and tests). */
  store: Store;
  /** Stops accepting, ends live streams, waits for in-flight requests, closes the database. */
  close(): Promise<void>;
}
