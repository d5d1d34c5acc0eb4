/** The exporters every platform has; Node adds the NDJSON file exporter in its entry point. */
export { createHttpExporter, type HttpExporterOptions } from "./http.js";
export { createConsoleExporter, type ConsoleExporterOptions } from "./console.js";
export { compositeExporter } from "./composite.js";
export { createOtlpExporter, type OtlpExporterOptions } from "./otlp.js";
