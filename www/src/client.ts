// The main thread's side of the worker: numbered calls resolved by their answers, and
// progress notifications while a trace loads.
import type { Progress, Request, Response } from "./protocol";

export class WorkerClient {
  private readonly worker: Worker;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly progressListeners = new Set<(p: Progress) => void>();

  /** `name` ending in "collector" tells the worker not to fetch the bundled price list at once (a collector hands in its own). */
  constructor(name = "agentlens-trace") {
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name });
    this.worker.onmessage = (msg: MessageEvent<Response | Progress>) => {
      const data = msg.data;
      if ("notify" in data) {
        for (const l of this.progressListeners) l(data);
        return;
      }
      const p = this.pending.get(data.id);
      if (!p) return;
      this.pending.delete(data.id);
      if ("error" in data) {
        const err = new Error(data.error.message);
        err.name = data.error.name;
        p.reject(err);
      } else p.resolve(data.result);
    };
    this.worker.onerror = (e) => {
      const err = new Error(`the trace worker failed: ${e.message || "out of memory or a script error"}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  call<T = unknown>(method: string, params?: unknown): Promise<T> {
    const id = this.next++;
    const req: Request = { id, method, params };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(req);
    });
  }

  onProgress(listener: (p: Progress) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }
}
