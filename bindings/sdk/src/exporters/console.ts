/**
 * The console exporter: prints each event the way the OpenAI Agents SDK's
 * `ConsoleSpanExporter` prints spans (`[Exporter] Export span: {json}`), one line per
 * event. It asks the core for NDJSON, so each line of a body is one redacted event.
 * Useful in development; it never fails, so nothing is ever retried or dropped here.
 */
import type { WireRequest, WireResult } from "../core/driver.js";
import type { Exporter } from "../core/exporter.js";
import { optionsSnapshot } from "../core/errors.js";

export interface ConsoleExporterOptions {
  /** Where lines go. Default `console.log`. */
  write?: (line: string) => void;
}

const decoder = new TextDecoder();

/**
 * An exporter that prints every event.
 *
 * @example
 * ```ts
 * import { createConsoleExporter } from "@agentlens/sdk";
 * const lines: string[] = [];
 * const exporter = createConsoleExporter({ write: (l) => lines.push(l) });
 * await exporter.send({ id: 1, events: 1, timeoutMs: 1000, body: new TextEncoder().encode('{"event_type":"generic"}\n') });
 * lines; // ['[Exporter] Export span: {"event_type":"generic"}']
 * ```
 */
export function createConsoleExporter(options: ConsoleExporterOptions = {}): Exporter {
  const o = optionsSnapshot(options) ?? {};
  const write = o.write ?? ((line: string) => console.log(line));
  return {
    name: "console",
    format: "ndjson",
    async send(request: WireRequest): Promise<WireResult> {
      for (const line of decoder.decode(request.body).split("\n")) {
        if (line.length === 0) continue;
        try {
          write(`[Exporter] Export span: ${line}`);
        } catch {
          // A broken sink must not turn into retries of the same lines.
        }
      }
      return { status: 200 };
    },
  };
}
