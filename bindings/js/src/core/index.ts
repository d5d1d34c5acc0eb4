/**
 * The platform-neutral API. Entry points re-export this after loading the wasm.
 */
import { Driver, type Host } from "./driver.js";
import { wasm } from "./wasm.js";
import type { PipelineWasm } from "../../wasm/agentlens_wasm.js";

export { Driver, type Host, type WireRequest, type WireResult } from "./driver.js";
export { toJsonSafe, safeStringify, MARKERS, DEFAULT_LIMITS, type MarkerCounts, type SafeJsonLimits } from "./safe-json.js";
export { useWasm, AgentLensNotLoadedError } from "./wasm.js";
export { usePlatform, platform, stackContextStore, type Platform, type ContextStore } from "./platform.js";
export type { Exporter } from "./exporter.js";
export type { Output, PipelineStats, RedactResult, DecodedTrace, BuildInfo, DropReason } from "../../wasm/agentlens_wasm.js";

/** Options of the core pipeline (camelCase; see `agentlens::pipeline::Options`). */
export interface PipelineOptions {
  format?: "agentlens" | "ndjson";
  backendCompat?: boolean;
  batchSize?: number;
  flushIntervalMs?: number;
  maxRequestBytes?: number;
  maxRequestEvents?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  maxRetryAfterMs?: number;
  requestTimeoutMs?: number;
  maxBufferEvents?: number;
  maxBufferBytes?: number;
  sampleRate?: number;
  onlyOnError?: boolean;
  maxHeldEvents?: number;
  redactKeys?: string[];
  redactPatterns?: { name: string; regex: string; luhn?: boolean }[];
  replaceDefaultPatterns?: boolean;
  replaceDefaultKeys?: boolean;
  redactionMarker?: string;
  maxFieldBytes?: number;
  maxEventBytes?: number;
}

/** Builds a wasm pipeline. Throws `AgentLensConfigError` naming a bad option. */
export function createPipeline(options: PipelineOptions = {}, seed?: Uint8Array): PipelineWasm {
  const w = wasm();
  return new w.PipelineWasm(JSON.stringify(options), seed);
}

/** A pipeline with a driver around it, performing sends through `host`. */
export function createDriver(host: Host, options: PipelineOptions = {}, seed?: Uint8Array): Driver {
  return new Driver(createPipeline(options, seed), host);
}

/** Redacts a JSON value with the given options; see `redactJson` in the core. */
export function redactJson(options: PipelineOptions, valueJson: string) {
  return wasm().redactJson(JSON.stringify(options), valueJson);
}

/** Redacts one string with the default (or given) patterns. */
export function redactText(text: string, options: PipelineOptions = {}): string {
  return wasm().redactText(JSON.stringify(options), text);
}

/** Reads an NDJSON trace file; bad lines are reported, not thrown. */
export function decodeNdjson(text: string) {
  return wasm().decodeNdjson(text);
}

/** The header line for a new trace file. */
export function ndjsonHeader(producer?: string): string {
  return wasm().ndjsonHeader(producer);
}

/** Reads an AgentLens request body. Throws `AgentLensDecodeError` with a position. */
export function decodeWireBody(body: Uint8Array): Record<string, unknown>[] {
  return wasm().decodeWireBody(body);
}

/** The wasm core's version and git commit. */
export function buildInfo() {
  return wasm().buildInfo();
}
