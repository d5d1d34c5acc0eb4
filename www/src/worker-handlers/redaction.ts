// redaction.preview / redaction.save: the loaded trace through the core's own pipeline in
// NDJSON mode (the path the SDK's trace-file exporter takes: sanitise = redact by key and
// pattern, then truncate; then encode), with the default rules plus the user's extra keys
// and patterns. The preview pairs a sample of events with the same events through a
// pipeline with no rules, so the diff shows only what redaction changes.
import { analysisWasm } from "@agentlens/sdk/internal";
import type { TraceStore, WireEvent } from "../contract";
import { fail, paramsOf, stringList, type Result } from "./result";

/** Events compared for the sample diff, and changed events shown. */
export const COMPARED_EVENTS = 5000;
export const SAMPLE_EVENTS = 25;
const MAX_CHANGES_PER_EVENT = 20;
const MAX_SHOWN_CHARS = 300;
/** Events per push: small enough for the pipeline's buffer, large enough to be quick. */
const CHUNK_EVENTS = 400;
const CHUNK_BYTES = 4 << 20;

export interface RedactionReport {
  keys_redacted: number;
  matches_redacted: number;
  by_pattern: Record<string, number>;
  fields_truncated: number;
  bytes_removed: number;
}
export interface Change {
  path: string;
  before: string;
  after: string;
}
export interface ChangedEvent {
  index: number;
  event_id: string;
  event_type: string;
  session_id: string;
  changes: Change[];
}
export type RedactionPreview = Result<{
  events: number;
  written: number;
  dropped: Record<string, number>;
  report: RedactionReport;
  compared: number;
  changed: number;
  sample: ChangedEvent[];
}>;
export type RedactionSave = Result<{ name: string; bytes: Uint8Array; events: number; report: RedactionReport }>;

type Pattern = { name: string; regex: string };

/** The pipeline options for the user's extra keys and patterns (`{}` for the defaults). */
export function redactionOptions(params: unknown): Record<string, unknown> {
  const p = paramsOf(params);
  const keys = stringList(p.extraKeys).map((k) => k.trim()).filter(Boolean);
  const patterns: Pattern[] = (Array.isArray(p.extraPatterns) ? p.extraPatterns : [])
    .filter((x): x is Pattern => x !== null && typeof x === "object" && typeof x.regex === "string" && x.regex !== "")
    .map((x, i) => ({ name: typeof x.name === "string" && x.name ? x.name : `custom_${i + 1}`, regex: x.regex }));
  const options: Record<string, unknown> = {};
  if (keys.length) options.redactKeys = keys;
  if (patterns.length) options.redactPatterns = patterns;
  return options;
}

/** One core pipeline in NDJSON mode; `run` pushes a chunk and returns its encoded lines. */
class NdjsonPipeline {
  private readonly inner;
  private readonly utf8 = new TextDecoder();
  constructor(options: Record<string, unknown>) {
    // The seed only feeds retry jitter and ids for events that have none: fixed, so the
    // same trace always saves the same file.
    this.inner = new (analysisWasm().PipelineWasm)(JSON.stringify({ ...options, format: "ndjson" }), new Uint8Array(32));
  }
  run(chunkJson: string): string[] {
    this.inner.pushJson(0, chunkJson);
    this.inner.flush(0);
    const lines: string[] = [];
    for (let round = 0; round < 100_000; round++) {
      let sent = false;
      for (const out of this.inner.drain(0)) {
        if (out.type !== "send") continue;
        sent = true;
        for (const line of this.utf8.decode(out.body).split("\n")) if (line) lines.push(line);
        this.inner.handleStatus(0, out.id, 200, null, 0);
      }
      if (!sent) break;
    }
    return lines;
  }
  stats() {
    return this.inner.stats();
  }
  free() {
    this.inner.free();
  }
}

/** Feeds every event (file order) in chunks; `each` sees the chunk's events and lines. */
function stream(store: TraceStore, pipelines: NdjsonPipeline[], each: (events: WireEvent[], lines: string[][]) => void): number {
  let chunk: WireEvent[] = [];
  let parts: string[] = [];
  let bytes = 0;
  let total = 0;
  const push = () => {
    if (chunk.length === 0) return;
    const json = `[${parts.join(",")}]`;
    each(chunk, pipelines.map((p) => p.run(json)));
    total += chunk.length;
    chunk = [];
    parts = [];
    bytes = 0;
  };
  for (const event of store.allEvents()) {
    const json = JSON.stringify(event);
    chunk.push(event);
    parts.push(json);
    bytes += json.length;
    if (chunk.length >= CHUNK_EVENTS || bytes >= CHUNK_BYTES) push();
  }
  push();
  return total;
}

const shown = (v: unknown) => {
  const s = typeof v === "string" ? v : v === undefined ? "(absent)" : JSON.stringify(v);
  return s.length > MAX_SHOWN_CHARS ? `${s.slice(0, MAX_SHOWN_CHARS)}…` : s;
};

/** The leaves that differ between `before` and `after`, as paths. */
export function diffValues(before: unknown, after: unknown, path = "", out: Change[] = []): Change[] {
  if (out.length >= MAX_CHANGES_PER_EVENT) return out;
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    for (const key of Object.keys(before)) diffValues(before[key], after[key], path ? `${path}.${key}` : key, out);
    for (const key of Object.keys(after)) if (!(key in before)) out.push({ path: path ? `${path}.${key}` : key, before: "(absent)", after: shown(after[key]) });
  } else if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) diffValues(before[i], after[i], `${path}[${i}]`, out);
  } else if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push({ path, before: shown(before), after: shown(after) });
  }
  return out.slice(0, MAX_CHANGES_PER_EVENT);
}

function countsOf(stats: ReturnType<NdjsonPipeline["stats"]>) {
  const dropped: Record<string, number> = {};
  for (const [reason, n] of Object.entries(stats.dropped)) if (n) dropped[reason] = n;
  return { written: stats.delivered, dropped, report: stats.redaction as RedactionReport };
}

/** `{extraKeys, extraPatterns}` → counts over the whole trace and a sample of diffs. */
export function previewRedaction(store: TraceStore, params: unknown): RedactionPreview {
  let redacting: NdjsonPipeline | undefined;
  let plain: NdjsonPipeline | undefined;
  try {
    redacting = new NdjsonPipeline(redactionOptions(params));
    plain = new NdjsonPipeline({ replaceDefaultKeys: true, replaceDefaultPatterns: true });
    const sample: ChangedEvent[] = [];
    let compared = 0;
    let changed = 0;
    const both = [redacting, plain];
    const onlyRedacting = [redacting];
    let comparing = true;
    const events = stream(store, both, (chunk, [red, orig]) => {
      if (!comparing || !orig) return;
      // Lines pair with events only when neither pipeline dropped one.
      if (red.length === chunk.length && orig.length === chunk.length) {
        for (let i = 0; i < chunk.length; i++) {
          if (red[i] === orig[i]) continue;
          changed++;
          if (sample.length < SAMPLE_EVENTS) {
            const e = chunk[i];
            sample.push({
              index: compared + i,
              event_id: String(e.event_id ?? ""),
              event_type: String(e.event_type ?? ""),
              session_id: String(e.session_id ?? ""),
              changes: diffValues(JSON.parse(orig[i]), JSON.parse(red[i])),
            });
          }
        }
        compared += chunk.length;
      }
      if (compared >= COMPARED_EVENTS) {
        comparing = false;
        both.splice(0, both.length, ...onlyRedacting);
      }
    });
    return { ok: true, events, ...countsOf(redacting.stats()), compared, changed, sample };
  } catch (e) {
    return fail(e);
  } finally {
    redacting?.free();
    plain?.free();
  }
}

/** The name of the saved file: the source's name with `.redacted.ndjson`. */
export function redactedName(source: string): string {
  const file = (source.replace(/[?#].*$/, "").split(/[\\/]/).pop() ?? "").replace(/\.gz$/i, "");
  const base = file.replace(/\.(ndjson|jsonl|json)$/i, "");
  return `${base.replace(/[^\w.-]+/g, "_") || "trace"}.redacted.ndjson`;
}

/** `{extraKeys, extraPatterns}` → the redacted trace as an NDJSON file (header + events). */
export function saveRedacted(store: TraceStore, params: unknown): RedactionSave {
  let pipeline: NdjsonPipeline | undefined;
  try {
    pipeline = new NdjsonPipeline(redactionOptions(params));
    const out: string[] = [analysisWasm().ndjsonHeader("agentlens-viewer (redacted)")];
    stream(store, [pipeline], (_chunk, [lines]) => {
      for (const line of lines) out.push(`${line}\n`);
    });
    const { written, report } = countsOf(pipeline.stats());
    return { ok: true, name: redactedName(store.sourceName), bytes: new TextEncoder().encode(out.join("")), events: written, report };
  } catch (e) {
    return fail(e);
  } finally {
    pipeline?.free();
  }
}
