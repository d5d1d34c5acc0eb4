// Collector mode's data: the collector's sessions go into the session list at once (each
// as its start and end, rebuilt from the listing), the linked (?session=) or first one is
// loaded and shown, then every other session's events load in the background while live
// events stream in. The worker's store adds each event once, so the listing, the pages and
// the live stream may overlap freely.
import type { PriceOverride } from "@agentlens/sdk/analysis";
import type { WireEvent } from "./contract";
import { CollectorAuthError, CollectorHttpError, sessionBounds, type CollectorClient } from "./collector";
import { CollectorApi } from "./collector-api";
import { sendHelp } from "./send-help";
import { loadedSummary, plural } from "./status-text";

/** What is loaded after a change, and which sessions it touched. */
export interface Counts {
  events: number;
  sessions: number;
  changed: string[];
}

/** The viewer as collector mode drives it (main.ts implements it). */
export interface CollectorView {
  /** Replaces what is loaded with `events`. */
  reset(events: WireEvent[]): Promise<Counts>;
  /** Adds the events not loaded yet; the list and the shown session follow. */
  add(events: WireEvent[]): Promise<Counts>;
  status(text: string, phase?: "loading" | "ready" | "error"): void;
  /** What the timeline area says while no session is shown (null: the usual hint). */
  placeholder(content: Node | string | null): void;
  notice(text: string | null): void;
  select(id: string): Promise<void>;
  selected(): string | undefined;
  /** The session the URL names (?session=), if any. */
  linked(): string | undefined;
  /** Prices every cost shown with the core's table and `overrides` over it (absent: costs use the core's table). */
  pricing?(overrides: PriceOverride[]): Promise<unknown>;
  /** Prices over the collector's catalog `text`, or (null) the viewer's bundled one; answers the price list in use. */
  catalog?(text: string | null): Promise<{ loaded: boolean; from: string; problem: string }>;
}

/** Sessions whose events are fetched at the same time. */
const PARALLEL = 4;

export class CollectorSync {
  private queue: string[] = [];
  private pending: WireEvent[] = [];
  private pumping: Promise<void> | undefined;
  private loading = false;
  private counts: Counts = { events: 0, sessions: 0, changed: [] };
  private generation = 0;
  private running: Promise<void> = Promise.resolve();
  private awaited: string | undefined;
  private helpShown = false;
  private readonly unreadable = new Set<string>();
  private problem = "";
  /** The prices last applied (as JSON), and why the collector's could not be, if so. */
  private prices = "[]";
  private pricesProblem = "";
  /** What the status says about the price catalog in use (empty: the collector's). */
  private catalogProblem = "";

  constructor(
    private readonly collector: CollectorClient,
    private readonly view: CollectorView,
    private readonly message: (text: string) => void,
  ) {}

  private get where(): string {
    return this.collector.endpoint;
  }

  /**
   * Empties the viewer before a fresh start. Called before live events are followed, so
   * that nothing which arrives live between then and the listing is wiped.
   */
  async clear(): Promise<void> {
    this.view.status(`Connecting to the collector at ${this.where}…`, "loading");
    await this.applyCatalog();
    this.counts = await this.view.reset([]);
  }

  /**
   * Prices over the collector's own catalog (`GET /pricing/catalog`), so that the viewer
   * and the collector price alike; a collector without that route leaves the viewer's
   * bundled catalog. Asked before anything is loaded: the worker's trace view keeps the
   * catalog in use when it was made. Without the key yet, the next fresh start asks again.
   */
  private async applyCatalog(): Promise<void> {
    if (!this.view.catalog) return;
    let text: string | null;
    try {
      text = await new CollectorApi(this.collector).priceCatalog();
    } catch (err) {
      if (err instanceof CollectorAuthError) return;
      text = null;
      console.warn("viewer: the collector's price catalog could not be read", err);
    }
    const used = await this.view.catalog(text);
    this.catalogProblem = used.loaded ? (used.from === "collector" ? "" : "costs use the viewer's bundled price list, not the collector's") : `costs are unpriced: no price list could be loaded (${used.problem})`;
  }

  /**
   * Lists the collector's sessions (`fresh`: showing the linked or first one), then loads
   * every session's events. Throws `CollectorAuthError`.
   */
  start(fresh: boolean): Promise<void> {
    // One listing at a time: a reconnect's re-read waits for the first to finish.
    const next = this.running.catch(() => undefined).then(() => this.list(fresh));
    this.running = next;
    return next;
  }

  private async list(fresh: boolean): Promise<void> {
    const generation = this.generation;
    this.loading = true;
    await this.applyPricing(fresh);
    const { sessions, total } = await this.collector.listSessions();
    await this.push(sessions.flatMap(sessionBounds));
    const listed = plural(total, "session");
    this.message(total > sessions.length ? `the newest ${sessions.length.toLocaleString("en")} of ${listed} on the collector` : `${listed} on the collector`);
    const ids = sessions.map((s) => s.session_id);
    const first = fresh ? this.firstShown(ids) : undefined;
    if (first) {
      await this.load(first);
      await this.view.select(first);
    }
    this.queue = ids.filter((id) => id !== first);
    await Promise.all(Array.from({ length: PARALLEL }, () => this.drain(generation, ids.length)));
    if (generation !== this.generation) return;
    this.loading = false;
    this.settled();
  }

  /**
   * Prices costs with the collector's stored prices (`GET /pricing`); a change after the
   * first listing re-shows the shown session. Failing to read them is said in the status.
   */
  private async applyPricing(fresh: boolean): Promise<void> {
    if (!this.view.pricing) return;
    try {
      const overrides = await new CollectorApi(this.collector).pricing();
      const text = JSON.stringify(overrides);
      if (text !== this.prices) {
        await this.view.pricing(overrides);
        this.prices = text;
        const shown = this.view.selected();
        if (!fresh && shown) await this.view.select(shown);
      }
      this.pricesProblem = "";
    } catch (err) {
      if (err instanceof CollectorAuthError) throw err;
      this.pricesProblem = err instanceof Error ? err.message : String(err);
      console.warn("viewer: the collector's prices could not be applied", err);
    }
  }

  /** Loads `id` before the other sessions waiting (the user picked it). */
  prioritize(id: string): void {
    const at = this.queue.indexOf(id);
    if (at > 0) this.queue.unshift(...this.queue.splice(at, 1));
  }

  /** Live events from the collector. */
  live(events: WireEvent[]): void {
    void this.push(events).then(() => (this.loading ? undefined : this.settled()));
  }

  /** Stops loading (a file was opened instead). */
  stop(): void {
    this.generation++;
    this.queue = [];
  }

  private firstShown(ids: string[]): string | undefined {
    const linked = this.view.linked();
    if (!linked) return ids[0];
    if (ids.includes(linked)) return linked;
    this.awaited = linked;
    const text = `No session “${linked}” on this collector`;
    this.view.notice(`${text}. Its ${plural(ids.length, "session")} ${ids.length === 1 ? "is" : "are"} listed; pick one.`);
    this.view.placeholder(`${text}: pick one from the list.`);
    return undefined;
  }

  private async drain(generation: number, total: number): Promise<void> {
    while (generation === this.generation && this.queue.length) {
      await this.load(this.queue.shift()!);
      const done = total - this.queue.length;
      if (generation === this.generation && this.loading) this.view.status(`Loading the collector's sessions: ${done.toLocaleString("en")} of ${total.toLocaleString("en")}…`, "loading");
    }
  }

  /** Loads one session's events; a session the collector fails to serve is counted, not fatal. */
  private async load(id: string): Promise<void> {
    let events: WireEvent[];
    try {
      events = await this.collector.sessionEvents(id);
    } catch (err) {
      if (err instanceof CollectorAuthError) throw err;
      this.unreadable.add(id);
      this.problem = err instanceof CollectorHttpError ? `HTTP ${err.status}` : err instanceof Error ? err.message : String(err);
      console.warn(`viewer: the collector's session ${id} could not be read`, err);
      return;
    }
    this.unreadable.delete(id);
    await this.push(events);
  }

  /** Adds events in order, batching whatever arrives while the worker is busy. */
  private push(events: WireEvent[]): Promise<void> {
    if (events.length) {
      this.pending.push(...events);
      this.pumping ??= this.pump();
    }
    return this.pumping ?? Promise.resolve();
  }

  private async pump(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        this.counts = await this.view.add(batch);
        await this.follow(this.counts.changed);
      } catch (err) {
        console.error("viewer: adding the collector's events failed", err);
      }
    }
    this.pumping = undefined;
  }

  /** A linked session that was missing shows once it arrives; the help goes with the first. */
  private async follow(changed: string[]): Promise<void> {
    if (this.awaited && changed.includes(this.awaited)) {
      const id = this.awaited;
      this.awaited = undefined;
      this.view.notice(null);
      await this.view.select(id);
    } else if (this.helpShown && changed.length && !this.view.selected()) {
      await this.view.select(changed[0]!);
    }
    if (this.helpShown && this.counts.sessions > 0) {
      this.helpShown = false;
      this.view.placeholder(null);
    }
  }

  /** The status once everything listed is loaded (and after each live change). */
  private settled(): void {
    if (this.counts.sessions > 0) {
      const loaded = loadedSummary({ events: this.counts.events, sessions: this.counts.sessions, format: `AgentLens collector at ${this.where}`, warnings: 0 });
      const missing = this.unreadable.size ? ` · the events of ${plural(this.unreadable.size, "session")} could not be read (${this.problem})` : "";
      const prices = this.pricesProblem ? ` · costs use the built-in prices (the collector's: ${this.pricesProblem})` : "";
      const catalog = this.catalogProblem ? ` · ${this.catalogProblem}` : "";
      this.view.status(loaded + missing + prices + catalog, "ready");
      return;
    }
    if (!this.helpShown) {
      this.helpShown = true;
      this.view.placeholder(sendHelp(this.where, this.collector.sendsKey));
    }
    this.view.status(`No sessions yet on the collector at ${this.where}`, "ready");
  }
}
