// The status line's words: counts with right plurals and a human name for each trace
// format the core's importer detects.

const FORMAT_NAMES: Record<string, string> = {
  ndjson: "AgentLens NDJSON",
  agentlens_batch: "AgentLens batch",
  agentlens_session: "AgentLens session export",
  inspector_export: "Agent Inspector export",
  otlp_json: "OTLP JSON",
  openai_agents: "OpenAI Agents trace",
  event_array: "AgentLens event array",
};

/** `1 event`, `2 events`, `1,234 sessions`. */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
}

/** What the importer's format id means to a person (the id itself when unknown). */
export function formatName(format: string): string {
  return FORMAT_NAMES[format] ?? format;
}

export interface LoadedCounts {
  events: number;
  sessions: number;
  /** The importer's format id, or a description (the collector). */
  format: string;
  warnings: number;
}

/** `14 events in 1 session · AgentLens event array · 1 warning`. */
export function loadedSummary(c: LoadedCounts): string {
  const counts = c.events === 0 ? "No events in this file" : `${plural(c.events, "event")} in ${plural(c.sessions, "session")}`;
  const parts = [counts, formatName(c.format)];
  if (c.warnings > 0) parts.push(plural(c.warnings, "warning"));
  return parts.join(" · ");
}

/** Every format the viewer reads, as a phrase. */
export const READABLE_FORMATS =
  "AgentLens NDJSON, AgentLens batches and session exports, Agent Inspector exports, OTLP JSON, OpenAI Agents traces and JSON arrays of events, gzipped or not";
