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

/**
 * What one ingest did, record by record. A record is one item of the batch. Most are
 * events: rows of the events table, what `stats().total_events` counts. A
 * `session_start` or `session_end` is a session record instead: it sets its session's
 * agent, start, end and status, and is not an event. Every record lands in exactly one of
 * `processed`, `skipped` and `duplicates`.
 */
export interface IngestResult {
  /** Records that changed the database: `stored_events + session_records`. */
  processed: number;
  /** Records refused by the core (not an object, no valid session id, or a session id the redaction rules change). */
  skipped: number;
  /** Records already there, which changed nothing: `duplicate_events + unchanged_session_records`. */
  duplicates: number;
  /** New events stored (each adds one to `stats().total_events`). */
  stored_events: number;
  /** Events whose id was already stored: ignored, adding nothing. */
  duplicate_events: number;
  /** Session starts and ends that set something on their session. */
  session_records: number;
  /** Session starts and ends already applied (a start after a start, the same end again). */
  unchanged_session_records: number;
  /** Payload fields cut to the field size limit. */
  truncated_fields: number;
  /** The records as stored (normalised and redacted by the core), in batch order, duplicates left out; parsed when read. */
  events: WireEvent[];
}

/** The counts of an {@link IngestResult}, without its events. */
export type IngestCounts = Omit<IngestResult, "events">;

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
  /**
   * Then delete the least recently active sessions until at most this many are left
   * (exempt sessions count, but are never deleted); ≤ 0 disables.
   */
  maxSessions?: number;
  /** Sessions carrying any of these tags are never deleted, by any bound (nor their runs). */
  exemptTags?: string[];
  /**
   * Delete nothing: report what would be deleted (`sessions` lists each one). The size
   * bound is then an estimate: the payload bytes of the oldest sessions that cover the excess.
   */
  dryRun?: boolean;
  /**
   * Delete at most this many sessions in this call (a safety bound for policies read from
   * configuration); `sessions_eligible` then says how many the age and count bounds chose.
   */
  maxDeletions?: number;
  /** List each deleted session, its bound and its events in `sessions` (always so in a dry run). */
  listSessions?: boolean;
  /** The current time (ms since the epoch or a Date); default `Date.now()`. */
  now?: number | Date;
}

/** A session a prune deleted (or, in a dry run, would delete), and the bound that chose it. */
export interface PrunedSession {
  session_id: string;
  reason: "age" | "count" | "size";
  /** Its stored events. */
  events: number;
}

/** What a prune deleted (in a dry run: would delete). */
export interface PruneResult {
  sessions_deleted: number;
  runs_deleted: number;
  events_deleted: number;
  used_bytes_before: number;
  used_bytes_after: number;
  /** Present (`true`) only for a dry run. */
  dry_run?: boolean;
  /** With `listSessions` or `dryRun`: each session, oldest activity first within a bound. */
  sessions?: PrunedSession[];
  /** With `maxDeletions`: how many sessions the age and count bounds chose in all. */
  sessions_eligible?: number;
}

/** Options of `store.exportRuns`: one run, one session, or all (newest first, up to `limit`). */
export interface ExportOptions {
  runId?: string;
  /** One session: its runs and its events, as a {@link RunsExport} (so `import` reads it back). */
  sessionId?: string;
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

/** A session's status as stored: `active` until its `session_end` says otherwise. */
export type SessionStatus = "active" | "completed" | "error" | "timeout";

/** What `store.listSessions` keeps; times are epoch ms, compared with the session's start. */
export interface SessionListQuery {
  /** The agent name contains this text (ASCII letters in any case). */
  agent?: string;
  status?: SessionStatus;
  /** Started at or after. */
  startedFrom?: number;
  /** Started at or before. */
  startedTo?: number;
  limit: number;
  offset: number;
}

/** One session of a listing (`agentlens sessions`), newest first. */
export interface SessionSummary {
  session_id: string;
  agent_name: string;
  status: string;
  started_at: string;
  ended_at: string | null;
  /** Events stored for it (its start and end are session records, not events). */
  event_count: number;
  total_tokens_in: number;
  total_tokens_out: number;
}

/** What `store.listRuns` keeps; times are epoch ms, compared with the run's start. */
export interface RunListQuery {
  sessionId?: string;
  status?: InspectorRun["status"];
  startedFrom?: number;
  startedTo?: number;
  limit: number;
  offset: number;
}

/** One run of a listing (`agentlens runs`), newest first: the run and how many steps it has. */
export type RunSummary = Omit<InspectorRun, "metadata"> & {
  /** Its events except its `run_end` (Agent Inspector's steps). */
  step_count: number;
};

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
  /**
   * Agent Inspector export JSON: a {@link RunExport} for `runId`, a {@link RunsExport} for
   * `sessionId` or `all`. An unknown run or session throws a `StoreError` ("... not found").
   */
  exportRuns(options: ExportOptions, onProgress?: Progress): Promise<RunExport | RunsExport>;
  /** Sessions matching `query`, newest first, and how many match in all. */
  listSessions(query: SessionListQuery): { sessions: SessionSummary[]; total: number };
  /** Runs matching `query`, newest first, and how many match in all. */
  listRuns(query: RunListQuery): { runs: RunSummary[]; total: number };
  /** Whether a run or a session with this id is stored. */
  has(kind: "run" | "session", id: string): boolean;
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
  /**
   * Where `agentlens prices update` installs the price catalog (`<dataDir>/prices/genai-prices.json`,
   * read at start and on `POST /pricing/reload`; without it the SDK's bundled catalog).
   * Default: the database file's directory.
   */
  dataDir?: string;
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
  /**
   * Open connections at most (default 256). When all are taken, a new connection takes
   * the slot of the one idle the longest; when every one is serving a request, it is
   * answered 503 with `Retry-After`.
   */
  maxConnections?: number;
  /** Connections one client address may hold (default half of `maxConnections`); past it, its own longest-idle one gives way, or 503. */
  maxConnectionsPerClient?: number;
  /**
   * Milliseconds a connection without a request in progress is kept (default 5000): one
   * that has not sent a complete request head yet, or waits between two requests.
   */
  idleTimeoutMs?: number;
  /** Events per `POST /events` request, default 10 000 (the seed's 500 made its SDK drop). */
  maxBatchEvents?: number;
  /** The static viewer; default the package's `viewer/` directory. `false` serves none. */
  viewerDir?: string | URL | false;
  /**
   * Milliseconds one analysis (`/analysis/*`) may run in the analysis worker, default
   * 30 000; past it the request is answered 503 and the worker replaced.
   */
  analysisTimeoutMs?: number;
  /** SSE heartbeat comment interval, default 15 000 ms. */
  heartbeatMs?: number;
  redact?: Record<string, unknown>;
  /**
   * Also send every stored event (redacted) upstream as OTLP/HTTP: `endpoint` is the full
   * traces URL; `OTEL_EXPORTER_OTLP_*` variables set headers, protocol and compression.
   * Content (prompts, responses, tool data) only with `captureContent`.
   */
  forwardOtlp?: { endpoint: string; captureContent?: boolean };
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
