/**
 * The exporter a tracker uses when it is given none. The core names no exporter: each
 * entry point installs its platform's default (the HTTP exporter) here, as it installs
 * the wasm and the platform.
 */
import type { Exporter } from "./exporter.js";

/** Builds the default exporter for an endpoint and API key. */
export type DefaultExporterFactory = (options: { endpoint: string; apiKey: string }) => Exporter;

let factory: DefaultExporterFactory | undefined;

/** Installs the default exporter. Called once by an entry point. */
export function useDefaultExporter(f: DefaultExporterFactory): void {
  factory = f;
}

/** The installed default exporter for `endpoint`, or `undefined` if no entry point installed one. */
export function defaultExporter(endpoint: string, apiKey: string): Exporter | undefined {
  return factory?.({ endpoint, apiKey });
}
