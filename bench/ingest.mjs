// Collector ingest benchmark: events/s over HTTP into a real collector (its own process,
// a fresh SQLite database, WAL, synchronous=FULL) with batches of 100 from several
// concurrent keep-alive clients.
//   node bench/ingest.mjs            (Node >= 22.13, after `npm run build -w @agentlens/sdk -w @agentlens/cli`)
// Rows:
// - plain / gzip / gzip+aes-gcm: small events (~550 B of JSON), the payload settings;
// - realistic: ~1 KB events (LLM calls with messages, tool calls and metadata, tool
//   calls, decisions, memory, errors, session starts; one in eight holds a planted
//   secret), the collector's default redaction on, plain payloads;
// - floor: the same realistic rows as the collector stores them (the core's columns and
//   payloads, computed before the clock starts), written by bare `node:sqlite` in its own
//   process: the collector's schema and indexes, the same pragmas (WAL, synchronous=FULL,
//   foreign keys), one transaction per batch holding its event rows and one upsert per
//   session it touches. No HTTP, no JSON, no redaction: what storing the rows costs.
// The realistic row and the floor alternate for BENCH_ROUNDS rounds; medians are shown
// with their ratio. Bodies are made before the clock starts, so the clients spend their
// share of the 2 cores on HTTP only.
// BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each collector process into <dir>.
// A benchmark, not a test: prints a table and one JSON line; nothing is asserted.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const BATCH = 100;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_BATCHES = 20;
const TARGET_EVENTS_PER_SECOND = 25_000;
// BENCH_COLLECTOR_DIR=<dir>: another build's bindings/cli/dist/collector (a before/after run).
const COLLECTOR_DIR = process.env.BENCH_COLLECTOR_DIR ? pathToFileURL(`${process.env.BENCH_COLLECTOR_DIR.replace(/\/$/, "")}/`) : new URL("../bindings/cli/dist/collector/", import.meta.url);
const COLLECTOR = new URL("index.js", COLLECTOR_DIR).href;
const KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
/** Batches numbered from here are measured; lower numbers warm up. */
const MEASURED_FROM = 1000;
const PER_CLIENT = Math.ceil(BATCHES / CLIENTS);

// ---------------------------------------------------------------- events

const PROMPT = "You are a travel agent. Find the cheapest flight from San Francisco to New York next Tuesday, window seat, no red-eye, under four hundred dollars. ";
const RESPONSE = "I compared 14 fares. United UA 1532 departs SFO at 8:05 and arrives JFK at 16:41 for $318 in economy with a window seat (23A). ";

/** The small events the plain/gzip/AES rows have always sent. */
function smallEvent(client, n, i) {
  return {
    event_id: `${client}-${n}-${i}`, session_id: `bench-${client}-${n % 10}`, event_type: i % 3 ? "llm_call" : "tool_call",
    timestamp: new Date(Date.UTC(2026, 0, 5, 10, 0, 0, n * BATCH + i)).toISOString(),
    model: "gpt-4o", tokens_in: 120, tokens_out: 45, duration_ms: 800 + i,
    input_data: { prompt: `${PROMPT}#${i}` }, output_data: { response: RESPONSE },
    ...(i % 3 ? {} : { tool_call: { tool_name: "search", tool_input: { q: "flights SFO JFK" }, tool_output: { fares: 14 } } }),
  };
}

const WORDS = ("the a fare flight seat window aisle price under over cheapest direct stop layover airline United Delta JetBlue Alaska " +
  "morning evening Tuesday return baggage policy refund change fee economy premium business loyalty points upgrade gate terminal " +
  "schedule departs arrives duration minutes hours hotel downtown airport shuttle option compare total budget traveler preference").split(" ");
const SECRETS = [
  "contact me at jane.doe@example.com for the receipt",
  "use key sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c for the booking API",
  "aws AKIAIOSFODNN7EXAMPLE was in the log",
  "header was Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dGVzdHNpZ25hdHVyZQ",
  "card 4111 1111 1111 1111 exp 12/29",
  "ssn 078-05-1120 on the form",
];

/** A deterministic generator (xorshift), so the floor child makes the very same events. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

function text(r, words, secret) {
  const out = [];
  for (let k = 0; k < words; k++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  if (secret) out.splice(Math.floor(r() * out.length), 0, SECRETS[Math.floor(r() * SECRETS.length)]);
  return out.join(" ");
}

const META = (r, client) => ({ env: "production", region: "us-east-1", app_version: "3.14.2", user_tier: r() < 0.5 ? "pro" : "free", request_id: `req_${client}_${Math.floor(r() * 1e9)}` });

/** One of the mix of realistic events: about 1 KB of JSON each, some with a secret. */
function realisticEvent(client, n, i) {
  const r = rng((client + 1) * 1_000_003 + n * 101 + i);
  const session = `sess-${client}-${Math.floor(n / 2)}`;
  const secret = r() < 0.125;
  const base = {
    event_id: `${client}-${n}-${i}`, session_id: session,
    timestamp: new Date(Date.UTC(2026, 0, 5, 10, 0, 0, n * BATCH + i)).toISOString(),
    trace_id: `${client}${n}`.padStart(32, "0"), span_id: `${n}${i}`.padStart(16, "0"),
  };
  if (n % 2 === 0 && i === 0) return { ...base, event_type: "session_start", agent_name: "travel-agent", metadata: { ...META(r, client), locale: "en-US", goal: text(r, 12, false) } };
  const kind = r();
  if (kind < 0.55) {
    return {
      ...base, event_type: "llm_call", model: r() < 0.7 ? "gpt-4o-2024-08-06" : "claude-sonnet-4-20250514",
      tokens_in: 800 + Math.floor(r() * 2000), tokens_out: 50 + Math.floor(r() * 400), cached_input_tokens: 512, duration_ms: 400 + Math.floor(r() * 2500),
      input_data: {
        messages: [
          { role: "system", content: "You are a travel agent. Be concise; always state the fare and the seat." },
          { role: "user", content: text(r, 20, secret) },
        ],
        temperature: 0.2, tools: ["search_flights", "book_flight", "lookup_loyalty"],
      },
      output_data: {
        content: text(r, 24, false), finish_reason: "tool_calls",
        tool_calls: [{ id: `call_${Math.floor(r() * 1e12).toString(36)}`, name: "search_flights", arguments: JSON.stringify({ from: "SFO", to: "JFK", date: "2026-01-13", max_price: 400 }) }],
      },
      metadata: META(r, client),
    };
  }
  if (kind < 0.8) {
    return {
      ...base, event_type: "tool_call", duration_ms: 50 + Math.floor(r() * 900),
      tool_call: {
        tool_call_id: `call_${i}`, tool_name: r() < 0.6 ? "search_flights" : "lookup_loyalty",
        tool_input: { from: "SFO", to: "JFK", date: "2026-01-13", cabin: "economy", passengers: 1, note: text(r, 10, secret) },
        tool_output: { fares: [{ flight: "UA1532", price: 318, seat: "23A" }, { flight: "DL 422", price: 341, seat: "31F" }, { flight: "B6 916", price: 289, seat: "12C" }], summary: text(r, 45, false) },
      },
      metadata: META(r, client),
    };
  }
  if (kind < 0.9) {
    return {
      ...base, event_type: "decision",
      decision_trace: { trace_id: base.trace_id, step: i, reasoning: text(r, 70, secret), alternatives_considered: [text(r, 8, false), text(r, 8, false)], confidence: Math.round(r() * 100) / 100 },
      metadata: META(r, client),
    };
  }
  if (kind < 0.96) {
    return { ...base, event_type: "memory_write", memory: { key: `pref_${i % 7}`, value: { seat: "window", note: text(r, 80, secret) }, memory_type: "long_term" }, metadata: META(r, client) };
  }
  return {
    ...base, event_type: "error",
    error: { error_type: "RateLimitError", message: `429 from the fares API: ${text(r, 20, secret)}`, critical: false, stack_trace: `Error: 429\n    at search (tools/fares.ts:88:11)\n    at agent (agent.ts:140:5)\n    ${text(r, 25, false)}` },
    metadata: META(r, client),
  };
}

const EVENT_KINDS = { small: smallEvent, realistic: realisticEvent };

/** The body of client `client`'s batch `n`. */
function body(kind, client, n) {
  const events = [];
  for (let i = 0; i < BATCH; i++) events.push(EVENT_KINDS[kind](client, n, i));
  return Buffer.from(JSON.stringify({ events }));
}

/** Every batch's body, made before the clock starts: `[client][k]`, warm-up then measured. */
function bodies(kind) {
  return Array.from({ length: CLIENTS }, (_, c) => ({
    warmup: Array.from({ length: WARMUP_BATCHES / CLIENTS }, (_, k) => body(kind, c, k)),
    measured: Array.from({ length: PER_CLIENT }, (_, k) => body(kind, c, MEASURED_FROM + k)),
  }));
}

// ---------------------------------------------------------------- collector over HTTP

/** Starts a collector in a child process; resolves with its URL. */
async function startServer(dir, options) {
  const script = `
    const { startCollector } = await import(${JSON.stringify(COLLECTOR)});
    const c = await startCollector({ port: 0, dbPath: ${JSON.stringify(join(dir, "bench.db"))}, viewerDir: false, rateLimitPerMinute: 0, log: (l, m) => console.error(l, m), ...${JSON.stringify(options)} });
    process.on("SIGTERM", () => c.close().then(() => process.exit(0)));
    process.on("SIGUSR2", () => process.stdout.write(JSON.stringify(process.cpuUsage()) + "\\n"));
    process.stdout.write(JSON.stringify({ port: c.port }) + "\\n");`;
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = readLines(child.stdout);
  const { port } = JSON.parse((await lines.next()).value);
  /** The collector process's CPU time so far, in µs. */
  const cpu = async () => {
    child.kill("SIGUSR2");
    const u = JSON.parse((await lines.next()).value);
    return u.user + u.system;
  };
  return { child, url: `http://127.0.0.1:${port}`, cpu };
}

/** The lines a stream writes, one at a time. */
async function* readLines(stream) {
  let out = "";
  for await (const chunk of stream) {
    out += chunk;
    let nl;
    while ((nl = out.indexOf("\n")) >= 0) {
      yield out.slice(0, nl);
      out = out.slice(nl + 1);
    }
  }
}

async function send(url, list) {
  for (const b of list) {
    const res = await fetch(`${url}/events`, { method: "POST", headers: { "Content-Type": "application/json" }, body: b });
    const json = await res.json();
    if (res.status !== 200 || json.processed !== BATCH) throw new Error(`collector answered ${res.status}: ${JSON.stringify(json)}`);
  }
}

async function stop(child) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function measure(name, kind, options) {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-bench-"));
  const all = bodies(kind);
  const { child, url, cpu } = await startServer(dir, options);
  try {
    await Promise.all(all.map((c) => send(url, c.warmup)));
    const cpu0 = await cpu();
    const t0 = performance.now();
    await Promise.all(all.map((c) => send(url, c.measured)));
    const seconds = (performance.now() - t0) / 1000;
    const cpuMicros = (await cpu()) - cpu0;
    const events = PER_CLIENT * CLIENTS * BATCH;
    const bytes = all.reduce((s, c) => s + c.measured.reduce((t, b) => t + b.length, 0), 0);
    const cpuUsPerEvent = Math.round((cpuMicros / events) * 10) / 10;
    return { name, events, seconds, eventsPerSecond: Math.round(events / seconds), eventBytes: Math.round(bytes / events), cpuUsPerEvent };
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- floor: bare node:sqlite

/**
 * The child process of the floor: the core turns every body into the collector's rows
 * (untimed), then bare `node:sqlite` writes them, one transaction per batch, with the
 * collector's schema and pragmas. Prints `{seconds, events}`.
 */
async function floorChild(kind) {
  const { ingestor, ingestBytes } = await import(new URL("engine.js", COLLECTOR_DIR).href);
  const { migrate } = await import(new URL("schema.js", COLLECTOR_DIR).href);
  const { DatabaseSync } = await import("node:sqlite");
  const core = ingestor({}, 256 * 1024, false);
  const all = bodies(kind);
  const rows = (b) => ingestBytes(core, "events", b, 10_000).records;
  // Batches in the order concurrent clients send them.
  const warmup = all.flatMap((c) => c.warmup).map(rows);
  const measured = [];
  for (let k = 0; k < PER_CLIENT; k++) for (const c of all) measured.push(rows(c.measured[k]));
  const dir = mkdtempSync(join(tmpdir(), "agentlens-floor-"));
  const db = new DatabaseSync(join(dir, "floor.db"));
  try {
    for (const p of ["journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=5000", "temp_store=MEMORY"]) db.exec(`PRAGMA ${p}`);
    migrate(db);
    const write = floorWriter(db);
    warmup.forEach(write);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    measured.forEach(write);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(JSON.stringify({ seconds, cpuMicros: cpu.user + cpu.system, events: measured.reduce((s, b) => s + b.filter((r) => r.columns.kind === "event").length, 0) }) + "\n");
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One batch's rows in one transaction: the sessions it touches (upserted with its sums), then its events. */
function floorWriter(db) {
  const session = db.prepare(`INSERT INTO sessions (session_id, agent_name, metadata, started_at, started_ms, has_start, last_ms,
      event_count, bytes, event_tokens_in, event_tokens_out, total_tokens_in, total_tokens_out)
    VALUES (@sid, @agent, @meta, @at, @ms, @has_start, @last, @count, @bytes, @tin, @tout, @tin, @tout)
    ON CONFLICT(session_id) DO UPDATE SET event_count = event_count + excluded.event_count, bytes = bytes + excluded.bytes,
      event_tokens_in = event_tokens_in + excluded.event_tokens_in, event_tokens_out = event_tokens_out + excluded.event_tokens_out,
      total_tokens_in = total_tokens_in + excluded.total_tokens_in, total_tokens_out = total_tokens_out + excluded.total_tokens_out,
      last_ms = MAX(last_ms, excluded.last_ms)`);
  const event = db.prepare(`INSERT INTO events (event_id, session_id, run_id, event_type, timestamp, ts_ms, model, name, status,
      tokens_in, tokens_out, duration_ms, is_error, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(session_id, event_id) DO NOTHING`);
  return (records) => {
    const sessions = new Map();
    for (const { columns: c, payload } of records) {
      let s = sessions.get(c.session_id);
      if (!s) sessions.set(c.session_id, (s = { sid: c.session_id, agent: "default-agent", meta: null, at: c.timestamp, ms: c.ts_ms, has_start: 0, last: c.ts_ms, count: 0, bytes: 0, tin: 0, tout: 0 }));
      if (c.kind === "start") Object.assign(s, { agent: c.agent_name, meta: payload, has_start: 1 });
      if (c.kind !== "event") continue;
      s.count++;
      s.bytes += payload.length;
      s.tin += c.tokens_in;
      s.tout += c.tokens_out;
      s.last = Math.max(s.last, c.ts_ms);
    }
    db.exec("BEGIN IMMEDIATE");
    for (const s of sessions.values()) session.run(s);
    for (const { columns: c, payload } of records) {
      if (c.kind !== "event") continue;
      event.run(c.event_id, c.session_id, c.run_id, c.event_type, c.timestamp, c.ts_ms, c.model, c.name, c.status, c.tokens_in, c.tokens_out, c.duration_ms, c.is_error ? 1 : 0, payload);
    }
    db.exec("COMMIT");
  };
}

async function floor(kind) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--floor", kind], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  for await (const chunk of child.stdout) out += chunk;
  const r = JSON.parse(out);
  return { name: "floor", events: r.events, seconds: r.seconds, eventsPerSecond: Math.round(r.events / r.seconds), cpuUsPerEvent: Math.round((r.cpuMicros / r.events) * 10) / 10 };
}

// ---------------------------------------------------------------- main

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const results = [];
  const only = process.env.BENCH_ONLY; // "small" or "realistic": one part only, when profiling
  for (const [name, options] of [
    ["plain", {}],
    ["gzip", { compress: true }],
    ["gzip+aes-gcm", { compress: true, encryptionKey: KEY }],
  ]) {
    if (only !== "realistic") results.push(await measure(name, "small", options));
  }
  const realistic = [];
  const floors = [];
  for (let round = 0; round < ROUNDS && only !== "small"; round++) {
    realistic.push(await measure("realistic", "realistic", {}));
    floors.push(await floor("realistic"));
  }
  const pick = (runs) => runs.find((r) => r.eventsPerSecond === median(runs.map((x) => x.eventsPerSecond)));
  const real = realistic.length ? { ...pick(realistic), rounds: realistic.map((r) => r.eventsPerSecond) } : null;
  const flo = floors.length ? { ...pick(floors), rounds: floors.map((r) => r.eventsPerSecond) } : null;
  const ratio = real && flo ? Math.round((real.eventsPerSecond / flo.eventsPerSecond) * 1000) / 1000 : null;
  const cpu = (r) => `${String(r.cpuUsPerEvent).padStart(5)} µs CPU/event`;
  console.log(`collector ingest over HTTP: batches of ${BATCH}, ${CLIENTS} concurrent clients, WAL + synchronous=FULL`);
  for (const r of results) console.log(`  ${r.name.padEnd(24)} ${String(r.eventsPerSecond).padStart(8)} events/s  ${cpu(r)}  (${r.events} events of ~${r.eventBytes} B in ${r.seconds.toFixed(2)} s)`);
  if (real && flo) {
    results.push(real, flo);
    console.log(`  ${"realistic, redaction on".padEnd(24)} ${String(real.eventsPerSecond).padStart(8)} events/s  ${cpu(real)}  (~${real.eventBytes} B events; median of ${real.rounds.join(", ")}; target ≥ ${TARGET_EVENTS_PER_SECOND})`);
    console.log(`  ${"floor, bare node:sqlite".padEnd(24)} ${String(flo.eventsPerSecond).padStart(8)} events/s  ${cpu(flo)}  (the same rows, one transaction per batch; median of ${flo.rounds.join(", ")})`);
    console.log(`  ${"collector / floor".padEnd(24)} ${ratio.toFixed(3).padStart(8)}`);
  }
  console.log(
    JSON.stringify({
      bench: "collector-ingest", batch: BATCH, clients: CLIENTS, results,
      realisticEventsPerSecond: real?.eventsPerSecond ?? null, realisticTargetEventsPerSecond: TARGET_EVENTS_PER_SECOND, realisticEventBytes: real?.eventBytes ?? null,
      floorEventsPerSecond: flo?.eventsPerSecond ?? null, collectorVsFloor: ratio,
    }),
  );
}

if (process.argv[2] === "--floor") await floorChild(process.argv[3]);
else await main();
