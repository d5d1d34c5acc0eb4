/**
 * What each `agentlens` command accepts: the specs the parser checks and `--help`
 * prints. No behaviour lives here; the commands themselves are in `store-commands.ts`,
 * `serve.ts` and `main.ts`.
 */
import type { CommandSpec, OptionSpec } from "./args.js";

const db: OptionSpec = {
  name: "db",
  kind: "string",
  value: "FILE",
  help: "SQLite database (default agentlens.db; env AGENTLENS_DB_PATH)",
};
const json: OptionSpec = { name: "json", kind: "flag", help: "Print JSON instead of text" };
const TIME_HELP = "ISO 8601, epoch ms, or a duration before now: 30m, 24h, 7d";
const listing = (what: string): OptionSpec[] => [
  { name: "since", kind: "string", value: "TIME", help: `Only ${what} started at or after TIME (${TIME_HELP})` },
  { name: "until", kind: "string", value: "TIME", help: `Only ${what} started at or before TIME` },
  { name: "limit", kind: "integer", value: "N", min: 1, help: `Show at most N ${what} (default 50)` },
  { name: "offset", kind: "integer", value: "N", min: 0, help: `Skip the first N ${what} (default 0)` },
  { name: "json", kind: "flag", help: `Print JSON: { ${what}: [...], total, limit, offset }` },
  db,
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "serve",
    summary: "Run the collector and the live viewer on this machine",
    synopsis: "[--host 127.0.0.1] [--port 3000] [--db FILE] [--cors ORIGIN]... [--api-key-env[=NAME]] [--forward-otlp URL [--forward-content]] [--profile NAME]",
    positionals: [],
    minPositionals: 0,
    needsSqlite: true,
    options: [
      { name: "host", kind: "string", value: "HOST", help: "Address to bind (default 127.0.0.1; env AGENTLENS_HOST)" },
      { name: "port", kind: "integer", value: "PORT", min: 0, help: "Port (default 3000; 0 picks a free one; env AGENTLENS_PORT)" },
      db,
      { name: "cors", kind: "string", value: "ORIGIN", repeat: true, help: "Allow browser requests from ORIGIN (repeatable; default none; env AGENTLENS_CORS_ORIGINS)" },
      {
        name: "api-key-env",
        kind: "flag-or-value",
        value: "NAME",
        help: "Refuse to start without an API key; read it from NAME (default AGENTLENS_API_KEY)",
      },
      {
        name: "forward-otlp",
        kind: "string",
        value: "URL",
        help: "Also send what is stored (redacted) to this OTLP/HTTP endpoint: http://HOST:4318 or a full /v1/traces URL (env AGENTLENS_FORWARD_OTLP)",
      },
      { name: "forward-content", kind: "flag", help: "Forwarded spans carry prompts, responses and tool data (redacted; default off; env AGENTLENS_FORWARD_CONTENT)" },
      { name: "profile", kind: "string", value: "NAME", help: "production, development or debug (env AGENTLENS_PROFILE)" },
    ],
    details: [
      "POST /v1/traces takes OTLP/HTTP traces (application/x-protobuf or application/json,",
      "gzip or not; an OpenTelemetry exporter's endpoint is http://HOST:PORT/v1/traces) and",
      "answers in the request's encoding; spans written by AgentLens come back as their events.",
      "Ingestion (POST /events, /v1/traces) and reads require the X-API-Key header whenever",
      "AGENTLENS_API_KEY is set. Payloads are encrypted at rest when AGENTLENS_ENCRYPTION_KEY",
      "is set; the same key is then needed by every other command on this database.",
      "With --forward-otlp, every stored event is also sent upstream as OTLP (protobuf; the",
      "OTEL_EXPORTER_OTLP_HEADERS, _PROTOCOL, _COMPRESSION, _TIMEOUT and OTEL_SERVICE_NAME",
      "variables apply) with OTLP's retry rules; what could not be delivered is logged.",
      "Prints the viewer's URL; stops cleanly (exit 0) on Ctrl-C, SIGINT or SIGTERM.",
    ].join("\n"),
  },
  {
    name: "stats",
    summary: "Show what the database holds (runs, sessions, events, size)",
    synopsis: "[--db FILE] [--json]",
    positionals: [],
    minPositionals: 0,
    needsSqlite: true,
    options: [db, json],
  },
  {
    name: "sessions",
    summary: "List the sessions in the database, newest first",
    synopsis: "[--agent TEXT] [--status STATUS] [--since TIME] [--until TIME] [--limit N] [--offset N] [--json] [--db FILE]",
    positionals: [],
    minPositionals: 0,
    needsSqlite: true,
    options: [
      { name: "agent", kind: "string", value: "TEXT", help: "Only sessions whose agent name contains TEXT" },
      { name: "status", kind: "string", value: "STATUS", help: "Only sessions with this status: active, completed, error or timeout" },
      ...listing("sessions"),
    ],
    details: [
      "Columns: session id, agent, status, start time (UTC), events stored, tokens in and out.",
      "A session's start and end records are not counted as events (as in stats).",
      "Then: agentlens explain SESSION, agentlens export SESSION, agentlens runs --session SESSION.",
    ].join("\n"),
  },
  {
    name: "runs",
    summary: "List the runs in the database, newest first",
    synopsis: "[--session ID] [--status STATUS] [--since TIME] [--until TIME] [--limit N] [--offset N] [--json] [--db FILE]",
    positionals: [],
    minPositionals: 0,
    needsSqlite: true,
    options: [
      { name: "session", kind: "string", value: "ID", help: "Only the runs of this session" },
      { name: "status", kind: "string", value: "STATUS", help: "Only runs with this status: running, completed or failed" },
      ...listing("runs"),
    ],
    details: [
      "Columns: run id, name, status, session, start time (UTC), duration, steps (its events but its run_end).",
      "Then: agentlens export RUN_ID.",
    ].join("\n"),
  },
  {
    name: "prune",
    summary: "Delete old sessions (with their runs and events) by age and/or until the database is small enough",
    synopsis: "[--retention-days N] [--retention-max-bytes B] [--vacuum] [--db FILE]",
    positionals: [],
    minPositionals: 0,
    needsSqlite: true,
    options: [
      { name: "retention-days", kind: "integer", value: "N", min: 0, help: "Delete sessions last active more than N days ago (0 disables; default 30; env AGENTLENS_RETENTION_DAYS)" },
      { name: "retention-max-bytes", kind: "integer", value: "B", min: 0, help: "Then delete the oldest sessions until at most B bytes are used (0 disables; env AGENTLENS_RETENTION_MAX_BYTES)" },
      { name: "vacuum", kind: "flag", help: "Reclaim the freed space afterwards" },
      { name: "now", kind: "string", value: "TIME", help: "Measure ages from TIME (ISO 8601 or epoch ms) instead of the clock" },
      db,
      json,
    ],
  },
  {
    name: "vacuum",
    summary: "Rebuild the database file to reclaim free space",
    synopsis: "[--db FILE]",
    positionals: [],
    minPositionals: 0,
    needsSqlite: true,
    options: [db],
  },
  {
    name: "backup",
    summary: "Copy the database consistently (safe while the collector runs)",
    synopsis: "PATH [--force] [--db FILE]",
    positionals: ["PATH"],
    minPositionals: 1,
    needsSqlite: true,
    options: [{ name: "force", kind: "flag", help: "Overwrite PATH if it exists" }, db],
    details: "Restore by stopping the collector and copying PATH over the database (or pass --db PATH).",
  },
  {
    name: "export",
    summary: "Write one run, one session, or all runs as JSON",
    synopsis: "RUN_ID | --all [--limit N] | SESSION_ID | --session SESSION_ID  [--output FILE] [--db FILE]",
    positionals: ["RUN_ID"],
    minPositionals: 0,
    needsSqlite: true,
    options: [
      { name: "all", kind: "flag", help: "Export every run (newest first, up to --limit) and every session" },
      { name: "session", kind: "string", value: "SESSION_ID", help: "Export this session: its runs and its events" },
      { name: "limit", kind: "integer", value: "N", min: 1, help: "At most N runs with --all (default 1000)" },
      { name: "output", kind: "string", value: "FILE", help: "Write to FILE instead of stdout" },
      db,
    ],
    details: [
      "A run is exported with its timeline and decoded payloads ({ run, timeline }).",
      "An id that is not a run's is looked up as a session's; --session looks only for a session.",
      "A session or --all is written in the collector's export format, which agentlens import reads back.",
      "agentlens runs and agentlens sessions list the ids.",
    ].join("\n"),
  },
  {
    name: "import",
    summary: "Load a trace file (NDJSON, JSON array, AgentLens batch, OTLP JSON; gzip too)",
    synopsis: "FILE [--db FILE]",
    positionals: ["FILE"],
    minPositionals: 1,
    needsSqlite: true,
    options: [db],
    details: [
      "FILE may be - for stdin. Importing the same file again adds nothing.",
      "The summary counts events (what stats counts) apart from session start/end records (which set a",
      "session's agent, end and status), and says which were new, already there, or skipped (no valid session id).",
    ].join("\n"),
  },
  {
    name: "explain",
    summary: "Print a session's explanation (Markdown timeline)",
    synopsis: "SESSION [--db FILE]",
    positionals: ["SESSION"],
    minPositionals: 1,
    needsSqlite: true,
    options: [db],
  },
  {
    name: "config",
    summary: "Show the effective configuration (defaults + profile + AGENTLENS_* + flags)",
    synopsis: "[--show] [--profile production|development|debug] [--json] [--db FILE]",
    positionals: [],
    minPositionals: 0,
    needsSqlite: false,
    options: [
      { name: "show", kind: "flag", help: "Show the configuration (the default action)" },
      { name: "profile", kind: "string", value: "NAME", help: "Apply this profile (overrides AGENTLENS_PROFILE; not saved)" },
      json,
      db,
    ],
    details: [
      "Precedence, lowest first: defaults, profile, environment, command-line flags.",
      "Secrets (AGENTLENS_API_KEY, AGENTLENS_ENCRYPTION_KEY) are shown only as (set) or (not set).",
      "Collector variables: AGENTLENS_HOST, AGENTLENS_PORT, AGENTLENS_DB_PATH, AGENTLENS_CORS_ORIGINS,",
      "AGENTLENS_API_KEY, AGENTLENS_ENCRYPTION_KEY, AGENTLENS_COMPRESSION, AGENTLENS_RETENTION_DAYS,",
      "AGENTLENS_RETENTION_MAX_BYTES, AGENTLENS_PROFILE. The SDK's variables are listed with their values.",
    ].join("\n"),
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
