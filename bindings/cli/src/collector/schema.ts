/// <reference types="node" />
/**
 * The database schema as numbered migrations, applied in order inside a transaction
 * each and recorded in `schema_migrations`. A database written by a newer collector
 * (a version this file does not know) is refused rather than guessed at.
 *
 * Timestamps: `*_ms` columns are epoch milliseconds (what ordering and filters use);
 * the `TEXT` timestamps are kept as clients sent them, for the AgentLens read API.
 */
import type { DatabaseSync } from "node:sqlite";
import { sessionTokenTotals } from "./engine.js";
import { StoreError } from "./errors.js";

interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Runs after `sql`, in the same transaction (what SQL alone must not decide). */
  then?: (db: DatabaseSync) => void;
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: "sessions, events, runs, meta",
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE sessions (
  session_id TEXT PRIMARY KEY,
  agent_name TEXT NOT NULL DEFAULT 'default-agent',
  started_at TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  ended_at TEXT,
  ended_ms INTEGER,
  status TEXT NOT NULL DEFAULT 'active',
  metadata BLOB,
  event_tokens_in INTEGER NOT NULL DEFAULT 0,
  event_tokens_out INTEGER NOT NULL DEFAULT 0,
  end_tokens_in INTEGER,
  end_tokens_out INTEGER,
  event_count INTEGER NOT NULL DEFAULT 0,
  has_start INTEGER NOT NULL DEFAULT 0,
  last_ms INTEGER NOT NULL,
  bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_sessions_started ON sessions(started_ms);
CREATE INDEX idx_sessions_status ON sessions(status, started_ms);
CREATE INDEX idx_sessions_agent ON sessions(agent_name);
CREATE INDEX idx_sessions_last ON sessions(last_ms);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
  run_id TEXT,
  event_type TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  model TEXT,
  name TEXT,
  status TEXT,
  tokens_in INTEGER NOT NULL DEFAULT 0,
  tokens_out INTEGER NOT NULL DEFAULT 0,
  duration_ms REAL,
  is_error INTEGER NOT NULL DEFAULT 0,
  payload BLOB NOT NULL
);
CREATE INDEX idx_events_session_ts ON events(session_id, ts_ms, seq);
CREATE INDEX idx_events_run_ts ON events(run_id, ts_ms, seq) WHERE run_id IS NOT NULL;
CREATE INDEX idx_events_ts ON events(ts_ms);
CREATE INDEX idx_events_model ON events(model) WHERE model IS NOT NULL;
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  completed_at INTEGER,
  duration_ms INTEGER,
  agent_type TEXT,
  user_id TEXT,
  session_id TEXT,
  parent_run_id TEXT,
  has_start INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_runs_started_at ON runs(started_at);
CREATE INDEX idx_runs_status ON runs(status, started_at);
CREATE INDEX idx_runs_user_id ON runs(user_id);
CREATE INDEX idx_runs_session_id ON runs(session_id);
`,
  },
  {
    version: 2,
    description: "sessions: stored token totals (the core's rule, kept by the writer)",
    sql: `
ALTER TABLE sessions ADD COLUMN total_tokens_in INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN total_tokens_out INTEGER NOT NULL DEFAULT 0;
`,
    then: storeAllTotals,
  },
  {
    version: 3,
    description: "what users manage through the AgentLens API: tags, annotations, bookmarks, alert rules and events, prices, retention",
    sql: `
CREATE TABLE session_tags (
  session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (session_id, tag)
);
CREATE INDEX idx_session_tags_tag ON session_tags(tag);
CREATE TABLE annotations (
  annotation_id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  author TEXT NOT NULL DEFAULT 'system',
  event_id TEXT,
  annotation_type TEXT NOT NULL DEFAULT 'note',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX idx_annotations_session ON annotations(session_id, created_at);
CREATE INDEX idx_annotations_created ON annotations(created_at);
CREATE TABLE session_bookmarks (
  session_id TEXT PRIMARY KEY REFERENCES sessions(session_id) ON DELETE CASCADE,
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE alert_rules (
  rule_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  metric TEXT NOT NULL,
  operator TEXT NOT NULL,
  threshold REAL NOT NULL,
  window_minutes INTEGER NOT NULL DEFAULT 60,
  agent_filter TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  cooldown_minutes INTEGER NOT NULL DEFAULT 15,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE alert_events (
  alert_id TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL REFERENCES alert_rules(rule_id) ON DELETE CASCADE,
  triggered_at TEXT NOT NULL,
  triggered_ms INTEGER NOT NULL,
  metric_value REAL NOT NULL,
  details TEXT NOT NULL DEFAULT '{}',
  acknowledged INTEGER NOT NULL DEFAULT 0,
  acknowledged_at TEXT
);
CREATE INDEX idx_alert_events_rule ON alert_events(rule_id, triggered_ms);
CREATE INDEX idx_alert_events_triggered ON alert_events(triggered_ms);
CREATE TABLE model_pricing (
  model TEXT PRIMARY KEY,
  input_cost_per_1m REAL NOT NULL,
  output_cost_per_1m REAL NOT NULL,
  cached_input_cost_per_1m REAL,
  reasoning_cost_per_1m REAL,
  currency TEXT NOT NULL DEFAULT 'USD',
  updated_at TEXT NOT NULL
);
CREATE TABLE retention_config (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
`,
  },
  {
    version: 4,
    description: "events: an event is its session and its id (the same event_id in two sessions is two events); errors by time",
    // SQLite cannot drop a UNIQUE constraint in place: the table is rebuilt with every row
    // (seq kept, so the stored order and anything pointing at seq stay) and every index.
    sql: `
CREATE TABLE events_v4 (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
  run_id TEXT,
  event_type TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  model TEXT,
  name TEXT,
  status TEXT,
  tokens_in INTEGER NOT NULL DEFAULT 0,
  tokens_out INTEGER NOT NULL DEFAULT 0,
  duration_ms REAL,
  is_error INTEGER NOT NULL DEFAULT 0,
  payload BLOB NOT NULL,
  UNIQUE (session_id, event_id)
);
INSERT INTO events_v4 (seq, event_id, session_id, run_id, event_type, timestamp, ts_ms, model, name, status,
  tokens_in, tokens_out, duration_ms, is_error, payload)
  SELECT seq, event_id, session_id, run_id, event_type, timestamp, ts_ms, model, name, status,
  tokens_in, tokens_out, duration_ms, is_error, payload FROM events;
DROP TABLE events;
ALTER TABLE events_v4 RENAME TO events;
CREATE INDEX idx_events_session_ts ON events(session_id, ts_ms, seq);
CREATE INDEX idx_events_run_ts ON events(run_id, ts_ms, seq) WHERE run_id IS NOT NULL;
CREATE INDEX idx_events_ts ON events(ts_ms);
CREATE INDEX idx_events_model ON events(model) WHERE model IS NOT NULL;
CREATE INDEX idx_events_event_id ON events(event_id);
CREATE INDEX idx_events_error ON events(ts_ms) WHERE is_error = 1;
`,
  },
  {
    version: 5,
    description: "model_pricing: a prompt-cache write price (cache_write_cost_per_1m), priced apart from input",
    sql: `ALTER TABLE model_pricing ADD COLUMN cache_write_cost_per_1m REAL;`,
  },
];

/** Every session's totals from its stored sums and end, by the core's rule (migration 2). */
function storeAllTotals(db: DatabaseSync): void {
  const rows = db.prepare("SELECT session_id, event_tokens_in, event_tokens_out, end_tokens_in, end_tokens_out FROM sessions").all() as unknown as TokenState[];
  const set = db.prepare("UPDATE sessions SET total_tokens_in = ?, total_tokens_out = ? WHERE session_id = ?");
  for (const r of rows) set.run(...totalsOf(r), r.session_id);
}

/** The token columns of a session row: the sums of its events and what its end said. */
export interface TokenState {
  session_id: string;
  event_tokens_in: number;
  event_tokens_out: number;
  end_tokens_in: number | null;
  end_tokens_out: number | null;
}

/** A session's totals from its token columns, by the core's rule. */
export function totalsOf(r: TokenState): [number, number] {
  return sessionTokenTotals(Number(r.event_tokens_in), Number(r.event_tokens_out), r.end_tokens_in === null ? null : Number(r.end_tokens_in), r.end_tokens_out === null ? null : Number(r.end_tokens_out));
}

/** The schema version this collector writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings `db` to {@link SCHEMA_VERSION} (or to `target`, an older version: for tests of
 * the migrations themselves); returns the version it found.
 */
export function migrate(db: DatabaseSync, target = SCHEMA_VERSION): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
  const found = row.v ?? 0;
  if (found > SCHEMA_VERSION) {
    throw new StoreError(`this database has schema version ${found}; this collector knows up to ${SCHEMA_VERSION} (upgrade agentlens)`);
  }
  const record = db.prepare("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)");
  for (const m of MIGRATIONS) {
    if (m.version <= found || m.version > target) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      m.then?.(db);
      record.run(m.version, m.description, new Date().toISOString());
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
  }
  return found;
}
