/**
 * `@agentlens/sdk/internal`: the core calls AgentLens's own packages make (the collector
 * and CLI in `@agentlens/cli`, the viewer) that are not part of the public API. No semver
 * promise: user code imports `@agentlens/sdk` and `@agentlens/sdk/analysis` only.
 *
 * Import an analysis entry (`@agentlens/sdk/analysis`) first: it loads the analysis wasm
 * that these calls use.
 */
export { analysisWasm, useAnalysisWasm, type AnalysisWasm } from "../analysis/wasm.js";
export { SessionRecord, SessionTable } from "../core/session.js";
export { ensurePatternEngine, patternsInstalled, priceBooksLoaded } from "../core/patterns.js";
export { TraceView, type ViewFilter, type ViewSessionRow, type ViewFacets, type ViewSessionHeader, type ViewTimelineRow, type ViewEventDetail, type ViewExplained, type ExplainBlock, type ExplainLine, type ExplainSpan, type ViewCharts } from "./viewer.js";
export { createIngestor, type IngestColumns, type IngestedRecord, type IngestFormat, type IngestResultBatch, type Ingestor, type IngestRunEnd, type IngestRunStart } from "./collector.js";
export { createRelay, type Relay, type RelayOptions } from "./relay.js";
export { isPlainJson } from "../core/safe-json.js";
