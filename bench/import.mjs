// OTLP/JSON against NDJSON through the public importer (`importTrace` of
// `@agentlens/sdk/analysis`), per byte, in one run.
//   node bench/import.mjs [SPANS]        (default 30,000 spans, about 25 MB of OTLP/JSON)
// The OTLP document is tests/fixtures/import/otlp_genai.json scaled up: its resource
// repeated with fresh trace and span ids (so every trace and span is distinct). The NDJSON
// holds the same events: what importing the OTLP document gave, one per line. Prints the
// MB/s of each (the fastest of ROUNDS imports, the two formats taking turns: on a shared
// machine the fastest is the one least disturbed) and their ratio; a benchmark, not a test.
// IMPORT_BENCH_WRITE=DIR also writes both documents there (to profile them natively).
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { importTrace } from "@agentlens/sdk/analysis";

const SPANS = Number(process.argv[2] ?? 30_000);
const ROUNDS = Number(process.env.IMPORT_BENCH_ROUNDS ?? 9);
const fixture = JSON.parse(readFileSync(new URL("../tests/fixtures/import/otlp_genai.json", import.meta.url), "utf8"));

/** `hex` made distinct for copy `n`: its last 8 hex digits replaced by `n`'s. */
const fresh = (hex, n) => (hex ? hex.slice(0, -8) + n.toString(16).padStart(8, "0") : hex);

/** A nanosecond time string moved `n` minutes later: each copy is a later conversation. */
const later = (nanos, n) => (nanos ? String(BigInt(nanos) + BigInt(n) * 60_000_000_000n) : nanos);

/** The fixture's resource repeated until it holds `spans` spans, each copy its own trace. */
function otlpDocument(spans) {
  const [resource] = fixture.resourceSpans;
  const perCopy = resource.scopeSpans.reduce((n, s) => n + s.spans.length, 0);
  const resourceSpans = [];
  for (let n = 0; n * perCopy < spans; n++) {
    resourceSpans.push({
      ...resource,
      scopeSpans: resource.scopeSpans.map((scope) => ({
        ...scope,
        spans: scope.spans.map((s) => ({
          ...s,
          traceId: fresh(s.traceId, n),
          spanId: fresh(s.spanId, n),
          ...(s.parentSpanId ? { parentSpanId: fresh(s.parentSpanId, n) } : {}),
          startTimeUnixNano: later(s.startTimeUnixNano, n),
          endTimeUnixNano: later(s.endTimeUnixNano, n),
          attributes: (s.attributes ?? []).map((a) =>
            a.key === "gen_ai.conversation.id" ? { ...a, value: { stringValue: `${a.value.stringValue}-${n}` } } : a,
          ),
        })),
      })),
    });
  }
  return JSON.stringify({ resourceSpans });
}

/** Checks that `bytes` import as `format`; returns the number of events. */
function check(bytes, format) {
  const first = importTrace(bytes);
  if (first.format !== format) throw new Error(`read as ${first.format}, not ${format}`);
  return first.events.length;
}

/** Seconds of the fastest import of each document, importing them in turns. */
function fastest(docs, rounds) {
  const best = docs.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    docs.forEach((bytes, i) => {
      const t = performance.now();
      importTrace(bytes);
      best[i] = Math.min(best[i], (performance.now() - t) / 1000);
    });
  }
  return best;
}

const enc = new TextEncoder();
const otlp = enc.encode(otlpDocument(SPANS));
const events = importTrace(otlp).events;
const ndjson = enc.encode(events.map((e) => JSON.stringify(e)).join("\n") + "\n");
if (process.env.IMPORT_BENCH_WRITE) {
  writeFileSync(`${process.env.IMPORT_BENCH_WRITE}/otlp.json`, otlp);
  writeFileSync(`${process.env.IMPORT_BENCH_WRITE}/events.ndjson`, ndjson);
}
const o = { events: check(otlp, "otlp_json") };
const n = { events: check(ndjson, "ndjson") };
if (o.events !== n.events) throw new Error(`OTLP gave ${o.events} events, the NDJSON ${n.events}`);
[o.seconds, n.seconds] = fastest([otlp, ndjson], ROUNDS);
const mbps = (bytes, s) => bytes.length / 1e6 / s;
const rows = [
  ["otlp_json", otlp.length, o.seconds, mbps(otlp, o.seconds)],
  ["ndjson", ndjson.length, n.seconds, mbps(ndjson, n.seconds)],
];
console.log(`${SPANS} spans -> ${o.events} events, the fastest of ${ROUNDS} imports each`);
for (const [name, size, s, rate] of rows) {
  console.log(`${name.padEnd(10)} ${(size / 1e6).toFixed(1).padStart(6)} MB  ${(s * 1000).toFixed(0).padStart(6)} ms  ${rate.toFixed(1).padStart(6)} MB/s`);
}
const ratio = rows[1][3] / rows[0][3];
console.log(`NDJSON/OTLP per byte: ${ratio.toFixed(2)}x (OTLP/JSON is ${ratio.toFixed(2)} times slower per byte)`);
console.log(JSON.stringify({ spans: SPANS, events: o.events, otlpMBps: rows[0][3], ndjsonMBps: rows[1][3], ratio }));
