/// <reference types="node" />
/**
 * The collector's ingest thread (node:worker_threads): reads `POST /events` and OTLP
 * `POST /v1/traces` bodies through the core (what each event means, its columns, redaction, its stored JSON) while the main
 * thread answers HTTP and writes SQLite, so the two run on two cores. It has its own
 * analysis wasm instance and ingestor, made from the store's options
 * (`workerData`); the instance is replaced between two bodies once its memory is past
 * the high-water mark, as the main thread's is (`engine.ts`).
 *
 * One body at a time: `{id, kind, format | encoding, bytes, maxEvents}` in; `{id, ok, batch | error,
 * memoryBytes, recycled}` out, the batch's one byte buffer moved, not copied. A refusal (the core's
 * `AgentLensDecodeError` with its `reason`, and for OTLP the `body` to answer with) goes
 * back whole, for the route to answer as it would have.
 */
import { parentPort, workerData } from "node:worker_threads";
import { ingestBytes, ingestOtlpBytes, ingestor, recycleWasm, wasmMemoryBytes } from "./engine.js";
import type { IngestJob, IngestReply, IngestWorkerOptions } from "./ingest-runner.js";

const options = workerData as IngestWorkerOptions;
const core = ingestor(options.redact, options.maxFieldBytes, options.compress);

parentPort!.on("message", (job: IngestJob) => {
  let reply: IngestReply;
  const transfer = new Set<ArrayBuffer>();
  try {
    const batch = job.kind === "otlp" ? ingestOtlpBytes(core, job.encoding, job.bytes, job.maxEvents) : ingestBytes(core, job.format, job.bytes, job.maxEvents);
    // Every record views the batch's one buffer (made for it, never the wasm memory).
    for (const r of batch.records) {
      transfer.add(r.json.buffer as ArrayBuffer);
      if (r.payload) transfer.add(r.payload.buffer as ArrayBuffer);
    }
    const recycled = recycleWasm();
    reply = { id: job.id, ok: true, batch, memoryBytes: wasmMemoryBytes(), recycled };
  } catch (e) {
    const err = e as { name?: unknown; message?: unknown; reason?: unknown; body?: unknown } | null;
    const recycled = recycleWasm();
    reply = {
      id: job.id,
      ok: false,
      error: {
        name: String(err?.name ?? "Error"),
        message: String(err?.message ?? e),
        reason: typeof err?.reason === "string" ? err.reason : undefined,
        body: err?.body instanceof Uint8Array ? err.body : undefined,
      },
      memoryBytes: wasmMemoryBytes(),
      recycled,
    };
  }
  parentPort!.postMessage(reply, [...transfer]);
});
