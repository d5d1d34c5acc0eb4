/**
 * The bridge every framework integration records through: it stages the plain JSON
 * records an integration builds from the framework's hook, hands them to the core's
 * mapper in one crossing per turn (`LiveMapperWasm`: what the records mean is decided
 * there, beside the importers of the same formats), and records the events that come
 * back in a tracker, as `track()` would: same sessions, redaction, exporters, `explain()`.
 * The mapper is a small wasm of its own (`live-wasm.ts`), loaded on the first record:
 * records wait for it, in order.
 *
 * Never throws into the framework or agent code: a failure is counted in
 * `stats().internalErrors`, a record the core could not map in
 * `stats().integrationSkipped` (the first reason logged).
 */
// Loads the wasm core the way this runtime needs (the package's own entry point, chosen by
// its export conditions: node, workerd, browser...), so an integration works even when it
// is the first AgentLens module imported.
import "@agentlens/sdk";
import { getTracker, init } from "../core/api.js";
import { safeStringify } from "../core/safe-json.js";
import { utf8JsonArray } from "../core/utf8.js";
import type { TrackerCore } from "../core/tracker-core.js";
import { liveReady } from "./live-wasm.js";
import type { LiveMapperWasm } from "../../wasm-live/agentlens_wasm.js";

/** The frameworks the core maps. */
export type FrameworkName = "openai-agents" | "ai-sdk" | "otel" | "langchain";

/** What every integration takes. */
export interface IntegrationOptions {
  /**
   * The tracker to record in. Default: the one `init()` made (`getTracker()`), else one
   * made by `init()` on first use, configured by `AGENTLENS_*` variables.
   */
  tracker?: TrackerCore;
}

/** Records staged before a synchronous drain (bounds memory within one long turn). */
const STAGE_MAX = 256;

export class Bridge {
  private staged: unknown[] = [];
  private queued = false;
  private mapper: LiveMapperWasm | undefined;
  private chosen: TrackerCore | undefined;
  private forgotten = 0;
  private loading: Promise<void> | undefined;
  private unavailable = false;

  constructor(
    readonly framework: FrameworkName,
    options: IntegrationOptions = {},
  ) {
    this.chosen = options.tracker;
  }

  /** The tracker records go to (resolved on first use, so `init()` may come after the integration is made). */
  get tracker(): TrackerCore {
    return (this.chosen ??= getTracker() ?? init());
  }

  /**
   * Stages one record (a plain object the integration built: values are read when the
   * turn ends, by `safeStringify`, so cycles, BigInt and throwing getters are survived).
   */
  record(record: Record<string, unknown>): void {
    this.staged.push(record);
    if (this.staged.length >= STAGE_MAX) this.drain();
    else if (!this.queued) {
      this.queued = true;
      queueMicrotask(this.drainTask);
    }
  }

  private readonly drainTask = (): void => {
    this.queued = false;
    this.drain();
  };

  /** Loads the mapper (once), then maps what waited for it. Never rejects. */
  private load(): Promise<void> {
    return (this.loading ??= liveReady().then(
      (m) => {
        this.mapper = new m.LiveMapperWasm(this.framework);
        this.drain();
      },
      (e: unknown) => {
        this.unavailable = true;
        this.drain();
        console.warn(`agentlens: the ${this.framework} integration records nothing: ${e instanceof Error ? e.message : String(e)}`);
      },
    ));
  }

  /** Maps every staged record now and records the events (once the mapper is loaded). Never throws. */
  drain(): void {
    if (this.staged.length === 0) return;
    if (!this.mapper && !this.unavailable) {
      void this.load();
      return;
    }
    const staged = this.staged;
    this.staged = [];
    let tracker: TrackerCore;
    try {
      tracker = this.tracker;
    } catch (e) {
      // No tracker can be made (a bad AGENTLENS_* variable): init() would throw the same.
      console.warn(`agentlens: the ${this.framework} integration records nothing: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const r = tracker.recorder;
    const mapper = this.mapper;
    if (!mapper) {
      r.integrationSkipped += staged.length;
      return;
    }
    r.guard(
      `${this.framework} integration`,
      () => {
        // Fields split by U+001F (see `mapBytes`): skipped, first reason, then per event
        // its type, session id and JSON, kept and pushed as text (never parsed here).
        // Record by record: each is checked as plain data and written natively, where the
        // whole batch (up to 256 records with their conversations) is past what the plain
        // check reads and went through the walker (~40 µs per OpenAI Agents run).
        const records = staged.map((record) => safeStringify(record, r.markers));
        const out = mapper.mapBytes(utf8JsonArray(records)).split("\x1f");
        for (let i = 2; i + 2 < out.length; i += 3) r.pushMappedJson(out[i]!, out[i + 1]!, out[i + 2]!);
        const skipped = Number(out[0]);
        if (skipped > 0) {
          r.integrationSkipped += skipped;
          r.health.warnOnce(`${this.framework}-skipped`, `agentlens: the ${this.framework} integration skipped a record: ${out[1]}`);
        }
        const forgotten = mapper.forgotten();
        if (forgotten > this.forgotten) {
          r.integrationSkipped += forgotten - this.forgotten;
          this.forgotten = forgotten;
          r.health.warnOnce(`${this.framework}-forgotten`, `agentlens: the ${this.framework} integration forgot open spans (over 10,000 open at once)`);
        }
      },
      undefined,
    );
  }

  /** Records everything staged and waits until the tracker delivered it (or `timeoutMs` passed). */
  async flush(timeoutMs?: number): Promise<boolean> {
    if (this.staged.length > 0 && !this.mapper) await this.load();
    this.drain();
    try {
      return await this.tracker.flush(timeoutMs);
    } catch {
      return false;
    }
  }
}
