// The seam between the viewer's shell (loading, list, timeline, detail, worker) and its
// analysis panels (explain, charts, compliance, drift, alerts, redaction preview).
// Both sides code against these types only.
import type { WireEvent } from "@agentlens/sdk/analysis";
import type { TraceView, ViewFilter, ViewSessionRow, ViewTimelineRow } from "@agentlens/sdk/internal";

export type { WireEvent, TraceView };
/** The session list's filter, one list row and one timeline row: the core's shapes. */
export type ListFilter = ViewFilter;
export type SessionRow = ViewSessionRow;
export type TimelineRow = ViewTimelineRow;

/**
 * What the Web Worker holds once a trace is loaded: the events stay inside the analysis
 * wasm, and every question about them is the core's to answer.
 */
export interface HeldTrace {
  /** The events, held in the core. */
  readonly view: TraceView;
  /** The name of the loaded file or URL, for saved files. */
  readonly sourceName: string;
}

/** Runs inside the Web Worker; asks `trace.view`. The result is posted back. */
export type WorkerHandler = (trace: HeldTrace, params: unknown) => unknown | Promise<unknown>;

/** What the shell hands each analysis panel on the main thread. */
export interface PanelContext {
  /** Calls a worker handler by name (the shell's own or a panel's) and resolves its result. */
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  /** The session selected in the list, and every session passing the list's filters. */
  selection(): { sessionId?: string; filteredSessionIds: string[] };
  /** Called after a trace loads and whenever the selection changes; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Offers bytes to the user as a download (the redaction preview's saved file). */
  download(name: string, bytes: Uint8Array, type: string): void;
}

/** One tab of the viewer beside the trace view. */
export interface Panel {
  /** Used in deep links (`tab=<id>`). */
  id: string;
  title: string;
  /** Builds the panel's DOM inside `el` once; re-renders itself on `ctx.onChange`. */
  mount(el: HTMLElement, ctx: PanelContext): void;
}
