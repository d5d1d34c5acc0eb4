// redaction.preview / redaction.save: the loaded trace redacted by the core in one call
// each (every event sanitised as a trace file would be: redact by key and pattern, then
// truncate), with the default rules plus the user's extra keys and patterns. The preview
// counts over every event and diffs a sample against the same events with no rules.
import type { HeldTrace } from "../contract";
import { answer, paramsOf, stringList, type Result } from "./result";

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
export type RedactionSave = Result<{ name: string; bytes: Uint8Array; events: number }>;

type Pattern = { name: string; regex: string };

/** The user's extra keys and patterns, as the core reads them. */
export function redactionOptions(params: unknown): { extraKeys: string[]; extraPatterns: Pattern[] } {
  const p = paramsOf(params);
  const patterns = (Array.isArray(p.extraPatterns) ? p.extraPatterns : []).map((x) => paramsOf(x));
  return {
    extraKeys: stringList(p.extraKeys),
    extraPatterns: patterns.map((x) => ({ name: typeof x.name === "string" ? x.name : "", regex: typeof x.regex === "string" ? x.regex : "" })),
  };
}

/** `{extraKeys, extraPatterns}` → counts over the whole trace and a sample of diffs. */
export function previewRedaction(trace: HeldTrace, params: unknown): RedactionPreview {
  return answer(() => trace.view.redactionPreview<Omit<Extract<RedactionPreview, { ok: true }>, "ok">>(redactionOptions(params)));
}

/** The name of the saved file: the source's name with `.redacted.ndjson`. */
export function redactedName(source: string): string {
  const file = (source.replace(/[?#].*$/, "").split(/[\\/]/).pop() ?? "").replace(/\.gz$/i, "");
  const base = file.replace(/\.(ndjson|jsonl|json)$/i, "");
  return `${base.replace(/[^\w.-]+/g, "_") || "trace"}.redacted.ndjson`;
}

/** `{extraKeys, extraPatterns}` → the redacted trace as an NDJSON file (header + events). */
export function saveRedacted(trace: HeldTrace, params: unknown): RedactionSave {
  return answer(() => {
    // Sanitising fits every event: all of them are written.
    const bytes = trace.view.redactedNdjson(redactionOptions(params), "agentlens-viewer (redacted)");
    return { name: redactedName(trace.sourceName), bytes, events: trace.view.counts().events };
  });
}
